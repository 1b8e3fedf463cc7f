"""Sources and their claims: code names, grades, official positions, links."""

from __future__ import annotations

from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, ClaimLink, Source


def _source(case, by, code="ROWAN", kind=Source.Kind.WITNESS):
    return sources.source_add(case=case, code_name=code, kind=kind, reliability="B", by=by)


def test_adding_a_claim_resets_the_silence_counter(login, alice, alices_case):
    import time_machine
    from django.utils import timezone

    source = _source(alices_case, alice)
    later = timezone.now() + timezone.timedelta(days=10)
    with time_machine.travel(later):
        client = login(alice)
        response = client.post(
            f"/cases/{alices_case.public_id}/claims/new/",
            {
                "source": str(source.public_id),
                "topic": "whereabouts",
                "statement": "Seen in a prison van.",
                "dated_on": timezone.localdate().isoformat(),  # what the source saw today
                "received_on": timezone.localdate().isoformat(),
                "material": "testimony",
                "credibility": "3",
                "credibility_rationale": "A neighbour saw it; nobody else has.",
            },
        )
        assert response.status_code == 302
        alices_case.refresh_from_db()
        assert alices_case.days_since_info(timezone.localdate()) == 0


def test_a_claim_cannot_use_another_cases_source(login, alice, alices_case):
    person = cases.person_create(name="Other Person", by=alice)
    other = cases.case_create(reference="OTHER-1", person=person, country="RU", by=alice)
    foreign = _source(other, alice, code="FOREIGN")
    response = login(alice).post(
        f"/cases/{alices_case.public_id}/claims/new/",
        {
            "source": str(foreign.public_id),
            "topic": "status",
            "statement": "x",
            "received_on": "2021",
            "material": "letter",
            "credibility": "6",
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Claim.objects.filter(case=alices_case).exists()


def test_only_official_sources_state_an_official_position(login, alice, alices_case):
    source = _source(alices_case, alice)
    response = login(alice).post(
        f"/cases/{alices_case.public_id}/claims/new/",
        {
            "source": str(source.public_id),
            "topic": "whereabouts",
            "statement": "He flew home",
            "received_on": "2021-11",
            "material": "letter",
            "credibility": "4",
            "credibility_rationale": "Plausible, not confirmed.",
            "attribution": "alternative",
        },
    )
    assert response.status_code == 400
    assert "Only a claim from an official source" in response.content.decode()
    assert "He flew home" in response.content.decode()


def test_a_claim_about_an_event_needs_the_event(login, alice, alices_case):
    source = _source(alices_case, alice)
    response = login(alice).post(
        f"/cases/{alices_case.public_id}/claims/new/",
        {
            "source": str(source.public_id),
            "topic": "event",
            "statement": "x",
            "received_on": "2021",
            "material": "letter",
            "credibility": "6",
        },
    )
    assert response.status_code == 400
    assert "Choose the event this claim is about." in response.content.decode()


def test_linking_claims_through_the_form(login, alice, contested_case):
    flew, passport = contested_case.claims.order_by("id")
    ClaimLink.objects.all().delete()
    client = login(alice)
    url = f"/cases/{contested_case.public_id}/claims/link/"

    same = client.post(
        url, {"first": flew.public_id, "second": flew.public_id, "kind": "contradicts"}
    )
    assert same.status_code == 400 and "Choose two different claims." in same.content.decode()

    ok = client.post(
        url,
        {
            "first": passport.public_id,
            "second": flew.public_id,
            "kind": "contradicts",
            "note": "Whether he left freely",
        },
    )
    assert ok.status_code == 302
    link = ClaimLink.objects.get()
    assert (link.from_claim, link.to_claim, link.kind) == (flew, passport, "contradicts")

    # Linking the pair again changes the relation; it never duplicates the pair.
    client.post(
        url, {"first": flew.public_id, "second": passport.public_id, "kind": "corroborates"}
    )
    assert ClaimLink.objects.get().kind == "corroborates"


def test_duplicate_code_names_are_refused_per_case(login, alice, alices_case):
    _source(alices_case, alice, code="ROWAN")
    response = login(alice).post(
        f"/cases/{alices_case.public_id}/sources/new/",
        {
            "code_name": "ROWAN",
            "kind": "witness",
            "reliability": "A",
            "reliability_rationale": "Has been right every time.",
        },
    )
    assert response.status_code == 400
    assert "Another source of this case has this code name." in response.content.decode()


def test_source_identity_is_only_editable_with_the_grant(login, alice, bob, contested_case):
    source = contested_case.sources.get(code_name="LARK")
    url = f"/cases/{contested_case.public_id}/sources/{source.public_id}/edit/"

    as_bob = login(bob).get(url).content.decode()
    assert "CANARY-IDENTITY" not in as_bob and 'name="identity"' not in as_bob

    # A member without the grant saving the form leaves the identity untouched.
    login(bob).post(
        url,
        {
            "code_name": "LARK",
            "kind": "relative",
            "reliability": "C",
            "reliability_rationale": "Heard it second-hand this time.",
        },
    )
    source.refresh_from_db()
    assert source.identity == "Cousin: CANARY-IDENTITY" and source.reliability == "C"

    assert "CANARY-IDENTITY" in login(alice).get(url).content.decode()


def test_grade_combines_source_reliability_and_claim_credibility(contested_case):
    grades = sorted(c.grade for c in Claim.objects.filter(case=contested_case))
    assert grades == ["B2", "F4"]


def test_a_claim_edit_keeps_its_source_and_event_selected(login, alice, contested_case):
    claim = contested_case.claims.get(source__code_name="LARK")
    page = (
        login(alice)
        .get(f"/cases/{contested_case.public_id}/claims/{claim.public_id}/edit/")
        .content.decode()
    )
    assert f'value="{claim.source.public_id}" selected' in page


def test_received_date_must_be_real(login, alice, alices_case):
    source = _source(alices_case, alice)
    response = login(alice).post(
        f"/cases/{alices_case.public_id}/claims/new/",
        {
            "source": str(source.public_id),
            "topic": "status",
            "statement": "x",
            "received_on": "2021-02-29",
            "material": "letter",
            "credibility": "6",
        },
    )
    assert response.status_code == 400
    assert "There is no 29 February 2021." in response.content.decode()
    assert PartialDate.parse("2020-02-29").lo.day == 29


def test_a_grade_set_or_changed_in_a_form_needs_its_reason(login, bob, contested_case):
    """Every grade has a rationale, who graded and when (docs/domain.md, "Grading")."""
    source = contested_case.sources.get(code_name="LARK")
    url = f"/cases/{contested_case.public_id}/sources/{source.public_id}/edit/"
    client = login(bob)
    form = {"code_name": "LARK", "kind": "relative", "reliability": "D"}

    refused = client.post(url, {**form, "code_name": "LARK-2"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Say why this grade" in body and 'value="LARK-2"' in body
    source.refresh_from_db()
    assert source.reliability == "B"

    ok = client.post(url, {**form, "reliability_rationale": "Contradicted by two witnesses."})
    assert ok.status_code == 302
    source.refresh_from_db()
    assert source.reliability == "D"
    assert source.reliability_graded_by == bob and source.reliability_graded_at is not None
    assert source.history.first().reliability_rationale == "Contradicted by two witnesses."

    # A new grade with the previous grade's reason is refused: that reason was for D.
    again = {**form, "reliability": "E", "reliability_rationale": "Contradicted by two witnesses."}
    assert client.post(url, again).status_code == 400

    # Editing something else leaves the grade, and does not ask for a reason again.
    unchanged = {
        **form,
        "code_name": "LARK-B",
        "reliability_rationale": "Contradicted by two witnesses.",
    }
    assert client.post(url, unchanged).status_code == 302


def test_a_new_claim_graded_above_cannot_be_judged_needs_a_reason(login, alice, contested_case):
    source = contested_case.sources.get(code_name="LARK")
    claim = {
        "source": str(source.public_id),
        "topic": "whereabouts",
        "statement": "Seen at the airport.",
        "received_on": "2021-11",
        "material": "testimony",
        "credibility": "2",
    }
    client = login(alice)
    url = f"/cases/{contested_case.public_id}/claims/new/"
    refused = client.post(url, claim)
    assert refused.status_code == 400 and "Say why this grade" in refused.content.decode()
    assert client.post(url, {**claim, "credibility": "6"}).status_code == 302  # cannot judge
    ok = client.post(url, {**claim, "credibility_rationale": "Two witnesses agree."})
    assert ok.status_code == 302
    saved = contested_case.claims.get(statement="Seen at the airport.", credibility=2)
    assert saved.credibility_graded_by == alice


def test_a_link_made_in_error_is_removed_and_the_history_says_so(
    login, alice, bob, vera, contested_case
):
    from habeas.audit.models import AuditEntry
    from habeas.sources.models import ClaimLink

    case = contested_case
    link = case.claim_links.get()
    url = f"/cases/{case.public_id}/claims/link/"
    page = login(alice).get(url).content.decode()
    assert "Links already made" in page and "contradicts" in page
    remove = f"/cases/{case.public_id}/claims/links/{link.public_id}/remove/"
    assert login(vera).post(remove).status_code == 404  # read-only member
    assert login(bob).get(remove).status_code == 405
    response = login(bob).post(remove)
    assert response.status_code == 302
    assert not ClaimLink.objects.filter(case=case).exists()
    assert AuditEntry.objects.filter(action="claim.unlink", actor_username="bob").exists()
    history = login(alice).get(f"/cases/{case.public_id}/history/").content.decode()
    assert "Unlinked: no longer contradicts" in history
    # The case page no longer shows the two claims as contested.
    case_page = login(alice).get(f"/cases/{case.public_id}/").content.decode()
    assert "No claims are marked as contradicting each other." in case_page
    assert login(bob).post(remove).status_code == 404  # already gone
