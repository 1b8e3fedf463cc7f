"""Sources and claims over the JSON API: who a source is only with the grant (and
recorded), the web's own checks on what is written, and the 404 of outsiders."""

from __future__ import annotations

import uuid

import pytest

from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.sources.models import Claim, Source
from tests.support.api_calls import api_for

IDENTITY = "Cousin: CANARY-IDENTITY"


@pytest.fixture
def case(contested_case):
    return contested_case


@pytest.fixture
def lark(case):
    return case.sources.get(code_name="LARK")


def _viewed(source) -> int:
    return AuditEntry.objects.filter(
        action="source.identity_viewed", target_id=str(source.public_id)
    ).count()


def test_a_member_with_the_grant_reads_who_the_source_is_and_it_is_recorded(alice, case, lark):
    before = _viewed(lark)
    response = api_for(alice).get(f"/sources/{lark.public_id}/")
    assert response.status_code == 200
    assert response.json()["identity"] == IDENTITY
    assert _viewed(lark) == before + 1
    entry = AuditEntry.objects.filter(action="source.identity_viewed").latest("pk")
    assert entry.actor_id == alice.pk


def test_the_list_records_the_identities_it_shows_in_one_entry(alice, case, lark):
    before = AuditEntry.objects.filter(action="source.identity_viewed").count()
    body = api_for(alice).get("/sources/").json()
    assert {s["code_name"] for s in body["items"]} == {"HOST-MOI", "LARK"}
    viewed = AuditEntry.objects.filter(action="source.identity_viewed")
    assert viewed.count() == before + 1
    assert viewed.latest("pk").detail["sources"] == sorted(
        str(s.public_id) for s in case.sources.all()
    )


def test_a_member_without_the_grant_gets_the_code_name_only(bob, case, lark):
    before = AuditEntry.objects.filter(action="source.identity_viewed").count()
    api = api_for(bob)
    one = api.get(f"/sources/{lark.public_id}/")
    many = api.get("/sources/")
    for response in (one, many):
        assert response.status_code == 200
        assert "CANARY-IDENTITY" not in response.content.decode()
    assert one.json()["code_name"] == "LARK"
    assert one.json()["identity"] is None and one.json()["contact"] is None
    assert AuditEntry.objects.filter(action="source.identity_viewed").count() == before


def test_a_member_without_the_grant_may_not_set_who_a_source_is(bob, case, lark):
    api = api_for(bob)
    added = api.post(
        "/sources/",
        {"case": str(case.public_id), "code_name": "WREN", "kind": "witness", "identity": "a"},
    )
    assert added.status_code == 400
    assert "identity" in added.json()["errors"]
    changed = api.patch(f"/sources/{lark.public_id}/", {"contact": "x"})
    assert changed.status_code == 400
    lark.refresh_from_db()
    assert lark.contact == ""
    # What they may change, they change, and who the source is stays as it was.
    ok = api.patch(f"/sources/{lark.public_id}/", {"public_name": "A cousin"})
    assert ok.status_code == 200, ok.content
    lark.refresh_from_db()
    assert lark.public_name == "A cousin" and lark.identity == IDENTITY


def test_adding_a_source_goes_through_the_service_with_the_forms_checks(alice, case):
    api = api_for(alice)
    url = "/sources/"
    new = {"case": str(case.public_id), "kind": "witness"}
    response = api.post(url, {**new, "code_name": "  WREN ", "identity": "A neighbour"})
    assert response.status_code == 201, response.content
    wren = Source.objects.get(public_id=response.json()["id"])
    assert wren.code_name == "WREN" and wren.identity == "A neighbour"
    assert AuditEntry.objects.filter(action="source.add", target_id=str(wren.public_id)).exists()
    # The edit form's rules: a code name once per case; a grade needs its reason.
    again = api.post(url, {**new, "code_name": "WREN"})
    assert again.status_code == 400 and "code_name" in again.json()["errors"]
    graded = api.post(url, {**new, "code_name": "ROBIN", "reliability": "A"})
    assert graded.status_code == 400
    assert "reliability_rationale" in graded.json()["errors"]


def test_outsiders_get_the_404_of_a_source_that_does_not_exist(charlie, case, lark):
    api = api_for(charlie)
    nothing = uuid.uuid4()
    theirs = api.get(f"/sources/{lark.public_id}/")
    missing = api.get(f"/sources/{nothing}/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    claim = case.claims.first()
    assert api.get(f"/claims/{claim.public_id}/").content == missing.content
    for path in ("/sources/", "/claims/"):
        assert api.get(path, case=str(case.public_id)).content == missing.content
        assert api.get(path).json()["items"] == []  # nothing of another team is listed
    changed = api.patch(f"/sources/{lark.public_id}/", {"public_name": "X"})
    assert changed.status_code == 404 and changed.content == missing.content
    added = api.post(
        "/sources/", {"case": str(case.public_id), "code_name": "X", "kind": "witness"}
    )
    assert added.status_code == 404
    denied = AuditEntry.objects.filter(action="access.denied", actor_id=charlie.pk)
    # The probe of a source that exists leaves its trace; that of nothing does not.
    assert [e.detail for e in denied if e.detail.get("model") == "sources.source"] == [
        {"model": "sources.source", "id": str(lark.public_id)}
    ] * 2
    assert not case.sources.filter(code_name="X").exists()
    lark.refresh_from_db()
    assert lark.public_name == ""


def test_a_read_only_member_and_a_read_token_write_nothing(vera, bob, case, lark):
    url = f"/sources/{lark.public_id}/"
    assert api_for(vera, scope="read").get(url).status_code == 200
    assert api_for(vera, scope="read").patch(url, {"public_name": "V"}).status_code == 404
    reader = api_for(bob, scope="read")
    assert reader.get(url).status_code == 200
    assert reader.patch(url, {"public_name": "R"}).status_code == 403
    lark.refresh_from_db()
    assert lark.public_name == ""


def test_a_source_of_another_case_cannot_be_named_in_a_claim(alice, case):
    person = cases.person_create(name="Other Person", by=alice)
    other = cases.case_create(reference="OTHER-2", person=person, country="RU", by=alice)
    stranger = other.sources.create(code_name="FAR", kind="witness")
    response = api_for(alice).post(
        "/claims/",
        {
            "case": str(case.public_id),
            "source": str(stranger.public_id),
            "topic": "other",
            "statement": "Borrowed.",
            "received_on": "2021-12",
            "material": "testimony",
        },
    )
    assert response.status_code == 400
    assert "source" in response.json()["errors"]


# --- Claims ----------------------------------------------------------------------


def test_claims_come_with_their_dates_and_chain(bob, case):
    body = api_for(bob).get("/claims/").json()
    by_source = {c["source"]["label"]: c for c in body["items"]}
    assert by_source["HOST-MOI"]["received_on"] == "2021-11"
    assert by_source["LARK"]["received_on"] == "2021-11-05"
    assert by_source["LARK"]["grade"] == "B2"
    assert by_source["LARK"]["via"] == []


def test_a_claim_added_through_a_chain_keeps_it_and_reads_back(alice, case, lark):
    ngo = (
        api_for(alice)
        .post("/sources/", {"case": str(case.public_id), "code_name": "NGO-1", "kind": "ngo"})
        .json()
    )
    api = api_for(alice)
    response = api.post(
        "/claims/",
        {
            "case": str(case.public_id),
            "source": str(lark.public_id),
            "via": [ngo["id"]],
            "topic": "whereabouts",
            "statement": "Seen in the pre-trial detention centre.",
            "dated_on": "2021-11-20",
            "received_on": "2021-12",
            "material": "testimony",
        },
    )
    assert response.status_code == 201, response.content
    claim = response.json()
    assert [v["label"] for v in claim["via"]] == ["NGO-1"]
    assert claim["dated_on"] == "2021-11-20" and claim["received_on"] == "2021-12"
    stored = Claim.objects.get(public_id=claim["id"])
    assert [r.source.code_name for r in stored.relays.all()] == ["NGO-1"]
    # The chain replaced by "directly", and the rest left as it was.
    changed = api.patch(f"/claims/{claim['id']}/", {"via": []})
    assert changed.status_code == 200, changed.content
    assert changed.json()["via"] == []
    assert changed.json()["statement"] == "Seen in the pre-trial detention centre."
    assert changed.json()["dated_on"] == "2021-11-20"


def test_a_claim_dated_after_it_was_received_is_refused_with_the_forms_message(alice, case, lark):
    response = api_for(alice).post(
        "/claims/",
        {
            "case": str(case.public_id),
            "source": str(lark.public_id),
            "topic": "whereabouts",
            "statement": "Later.",
            "dated_on": "2022-03",
            "received_on": "2021-12",
            "material": "testimony",
        },
    )
    assert response.status_code == 400
    assert "dated_on" in response.json()["errors"]
    assert not Claim.objects.filter(statement="Later.").exists()


def test_an_official_position_only_from_an_official_source(alice, case, lark):
    # The form's rule, which the service alone does not check.
    response = api_for(alice).post(
        "/claims/",
        {
            "case": str(case.public_id),
            "source": str(lark.public_id),
            "topic": "other",
            "statement": "They deny it.",
            "received_on": "2021-12",
            "material": "testimony",
            "attribution": "denies",
        },
    )
    assert response.status_code == 400
    assert "attribution" in response.json()["errors"]
