"""The history of changes to cases, events, sources and claims."""

from __future__ import annotations

from django.db import connection

from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.sources import services as sources
from habeas.sources.models import Source


def test_a_case_edit_is_in_its_history_with_who_and_what(login, alice, bob, alices_case):
    cases.case_update(case=alices_case, priority=1, disappeared_place="Istanbul", by=bob)
    page = login(alice).get(f"/cases/{alices_case.public_id}/history/").content.decode()
    assert "bob changed" in page and "alice created" in page
    assert "Disappearance place" in page and "Istanbul" in page
    assert "Priority" in page


def test_claim_and_event_changes_are_in_the_case_history(login, alice, contested_case):
    claim = contested_case.claims.get(source__code_name="LARK")
    sources.claim_update(claim=claim, credibility=1, by=alice)
    page = login(alice).get(f"/cases/{contested_case.public_id}/history/").content.decode()
    assert "Credibility" in page
    one = (
        login(alice)
        .get(f"/cases/{contested_case.public_id}/history/?record={claim.public_id}")
        .content.decode()
    )
    assert "Credibility" in one and "Case TM-2021-003" not in one


def test_confidential_changes_show_only_to_the_grant_and_stay_sealed(
    login, alice, bob, contested_case
):
    source = contested_case.sources.get(code_name="LARK")
    sources.source_update(source=source, identity="Cousin: CANARY-NEW-IDENTITY", by=alice)
    url = f"/cases/{contested_case.public_id}/history/"

    as_bob = login(bob).get(url).content.decode()
    assert "changed (confidential)" in as_bob
    assert "CANARY" not in as_bob
    viewed = AuditEntry.objects.filter(action="source.identity_viewed")
    assert not viewed.exists()

    as_alice = login(alice).get(url).content.decode()
    assert "CANARY-NEW-IDENTITY" in as_alice
    # Seeing the identity in the history is recorded, as on the source's page.
    entry = viewed.get()
    assert (entry.actor_username, entry.detail) == ("alice", {"via": "history"})
    assert entry.target_id == str(source.public_id)

    with connection.cursor() as cursor:
        cursor.execute("SELECT identity FROM sources_historicalsource")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(v == "" or v.startswith("hv1$") for v in stored)
    assert not any("CANARY" in v for v in stored)
    assert (
        Source.history.filter(public_id=source.public_id)
        .latest()
        .identity.endswith("CANARY-NEW-IDENTITY")
    )


def test_the_last_contact_message_reads_the_same_in_the_history_as_on_the_case_page(
    login, bob, contested_case
):
    """One rule: the team that reads the message on the case page reads its changes."""
    case = contested_case
    cases.case_update(case=case, last_contact_message="They took my phone. CANARY-WORDS", by=bob)
    as_bob = login(bob)
    assert "CANARY-WORDS" in as_bob.get(f"/cases/{case.public_id}/").content.decode()
    history = as_bob.get(f"/cases/{case.public_id}/history/").content.decode()
    assert "CANARY-WORDS" in history and "Police are here" in history
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_contact_message FROM cases_historicalcase")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and not any("CANARY" in v or "Police" in v for v in stored)


def test_outsiders_get_404_for_a_case_history(login, charlie, alices_case):
    assert login(charlie).get(f"/cases/{alices_case.public_id}/history/").status_code == 404


def test_tags_people_actors_and_claim_links_are_in_the_history(login, alice, bob, contested_case):
    """Changes kept outside a record's own columns say what they were, and who."""
    from habeas.lib.partialdate import PartialDate

    case = contested_case
    cases.case_update(case=case, tags=["exile", "turkey"], by=alice)
    cases.case_update(case=case, tags=["exile", "torture"], by=bob)
    cases.case_person_add(case=case, name="Ахмед Исаков", by=bob)
    mnb = cases.actor_create(name="MNB", kind="agency", by=alice)
    police = cases.actor_create(name="Istanbul police", kind="agency", by=alice)
    event = cases.event_add(
        case=case,
        kind="arrest",
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Taken from the flat.",
        actors=[(police, "alleged_perpetrator")],
        by=alice,
    )
    cases.event_update(event=event, actors=[(mnb, "alleged_perpetrator")], by=bob)
    ministry, cousin = (case.claims.get(source__code_name=c) for c in ("HOST-MOI", "LARK"))
    sources.claims_link(case=case, first=ministry, second=cousin, kind="contradicts", by=bob)

    page = login(alice).get(f"/cases/{case.public_id}/history/").content.decode()
    assert "Tags: added exile, turkey" in page
    assert "Tags: added torture; removed turkey" in page
    assert "People: added Ахмед Исаков" in page
    assert "Actors: added Istanbul police (Alleged perpetrator)" in page
    assert (
        "Actors: added MNB (Alleged perpetrator); removed Istanbul police (Alleged perpetrator)"
        in page
    )
    assert "Linked: contradicts the claim of LARK received" in page
    assert "Linked: contradicts the claim of HOST-MOI received" in page
    one = login(alice).get(f"/cases/{case.public_id}/history/?record={event.public_id}")
    assert "bob changed" in one.content.decode()
    assert "removed Istanbul police" in one.content.decode()
    # Saving the same tags again adds nothing to the history.
    before = case.history.count()
    cases.case_update(case=case, tags=["torture", "exile"], by=alice)
    assert "Tags:" not in (case.history.latest().history_change_reason or "")
    assert case.history.count() == before + 1
