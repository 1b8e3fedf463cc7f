"""A case's full record as JSON for its team: everything the case page shows, and
who sources are (and how to reach relatives) only for a holder of the source
grant, each such reading audited as the pages audit it. Outsiders get the 404."""

from __future__ import annotations

import io
import json
import os
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import parse_header_parameters

from habeas.advocacy import services as advocacy
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import CaseMember, Event, EventActor
from habeas.evidence import samples
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from tests.support.evidence import add as evidence_add
from tests.support.growth import case_grow

IDENTITY = "Cousin: CANARY-IDENTITY"  # LARK's, in tests/conftest.py
RELATIVE_CONTACT = "+993 65 CANARY-RELATIVE"
RELATIVE_NOTES = "Lives behind the bazaar CANARY-NOTES"


@pytest.fixture
def full_case(contested_case, alice):
    """The contested case, with a relative, an event with an actor, evidence and an
    intervention with its response."""
    case = contested_case
    person = case.people.get()
    cases.relative_add(
        person=person,
        name="Gulnara",
        relationship="mother",
        contact=RELATIVE_CONTACT,
        notes=RELATIVE_NOTES,
        by=alice,
    )
    actor = cases.actor_create(name="Ministry of National Security", country="TM", by=alice)
    event = cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        place="Ashgabat airport",
        description="Taken at passport control.",
        actors=[(actor, EventActor.Role.ALLEGED_PERPETRATOR)],
        by=alice,
    )
    lark = case.sources.get(code_name="LARK")
    sources.claim_add(
        case=case,
        source=lark,
        topic="event",
        event=event,
        statement="I saw two men in plain clothes take him.",
        received_on=PartialDate.parse("2021-11-06"),
        material="testimony",
        by=alice,
    )
    evidence_add(case, alice, samples.screenshot_jpeg(), "last-message.jpg")
    intervention = advocacy.intervention_add(
        case=case, kind="letter_authorities", reference="OUT-17", by=alice
    )
    return case, intervention


def _download(client, case):
    return client.get(reverse("case_export", args=[case.public_id]))


def _record(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def test_a_member_downloads_the_full_record_without_who_sources_are(login, bob, full_case):
    case, _ = full_case
    response = _download(login(bob), case)
    record = _record(response)
    disposition, params = parse_header_parameters(response["Content-Disposition"])
    assert disposition == "attachment"
    assert params["filename"] == "TM-2021-003.json"
    assert response["Cache-Control"] == "no-store, private"  # not kept by a shared browser
    assert record["format"] == "habeas-case"
    assert record["source_grant"] is False
    assert record["case"]["reference"] == "TM-2021-003"
    assert record["case"]["disappeared_on"] == "2021-10-20T12:43"  # as precise as stored
    assert record["case"]["last_contact"]["message"] == "Police are here, I'm hiding."
    (person,) = record["people"]
    assert {n["text"] for n in person["names"]} == {"Рустам Исаков", "Rustam Isakow"}
    assert [n["script"] for n in person["names"]] == ["Cyrl", "Latn"]
    assert {s["code_name"] for s in record["sources"]} == {"HOST-MOI", "LARK"}
    assert all(set(s) & {"identity", "contact", "notes"} == set() for s in record["sources"])
    (relative,) = record["relatives"]
    assert relative == {
        "id": relative["id"],
        "person": person["id"],
        "name": "Gulnara",
        "relationship": "mother",
    }
    body = response.content.decode()
    for secret in ("CANARY-IDENTITY", "CANARY-RELATIVE", "CANARY-NOTES"):
        assert secret not in body
    # No grant, nothing revealed: one entry, the export itself.
    actions = list(AuditEntry.objects.filter(actor_username="bob").values_list("action", flat=True))
    assert actions == ["case.exported"]


def test_the_record_holds_events_claims_statuses_evidence_and_interventions(login, bob, full_case):
    case, intervention = full_case
    record = _record(_download(login(bob), case))
    (event,) = record["events"]
    assert event["kind"] == "arrest"
    assert event["occurred_on"] == "2021-10-20"
    assert event["place"] == "Ashgabat airport"
    assert event["actors"] == [
        {
            "id": event["actors"][0]["id"],
            "name": "Ministry of National Security (Turkmenistan)",
            "kind": "agency",
            "country": "TM",
            "role": "alleged_perpetrator",
        }
    ]
    lark = next(s for s in record["sources"] if s["code_name"] == "LARK")
    about_event = next(c for c in record["claims"] if c["event"] == event["id"])
    assert about_event["source"] == lark["id"]
    assert about_event["statement"] == "I saw two men in plain clothes take him."
    assert about_event["received_on"] == "2021-11-06"
    (link,) = record["claim_links"]
    assert link["kind"] == "contradicts"
    assert set(link["claims"]) <= {c["id"] for c in record["claims"]}
    assert [s["status"] for s in record["statuses"]] == ["reported_missing"]
    (item,) = record["evidence"]
    assert item["title"] == "T"
    assert item["original_name"] == "last-message.jpg"
    assert len(item["sha256"]) == 64
    # Metadata, never the file: no content, no metadata report of what it reveals.
    assert not {"content", "data", "file", "metadata_report"} & set(item)
    (sent,) = record["interventions"]
    assert sent["id"] == str(intervention.public_id)
    assert sent["kind"] == "letter_authorities"
    assert sent["reference"] == "OUT-17"
    assert sent["responses"] == []


def test_with_the_source_grant_the_record_says_who_sources_are_and_it_is_audited(
    login, alice, full_case
):
    case, _ = full_case
    record = _record(_download(login(alice), case))  # alice opened it: she holds the grant
    assert record["source_grant"] is True
    lark = next(s for s in record["sources"] if s["code_name"] == "LARK")
    assert lark["identity"] == IDENTITY
    (relative,) = record["relatives"]
    assert relative["contact"] == RELATIVE_CONTACT
    assert relative["notes"] == RELATIVE_NOTES
    entries = AuditEntry.objects.filter(
        actor_username="alice",
        action__in=["case.exported", "source.identity_viewed", "relative.contact_viewed"],
    ).order_by("id")
    got = [(e.action, e.target_id, (e.detail or {}).get("via")) for e in entries]
    person = case.people.get()
    assert got == [
        ("case.exported", str(case.public_id), "download"),
        *[
            ("source.identity_viewed", str(s.public_id), "export (download)")
            for s in case.sources.order_by("code_name")
        ],
        ("relative.contact_viewed", str(person.public_id), "export (download)"),
    ]


def test_the_grant_on_another_case_reveals_nothing_on_this_one(login, bob, alice, full_case):
    case, _ = full_case
    other = cases.case_create(
        reference="TM-2022-001",
        person=cases.person_create(name="X", by=alice),
        country="TM",
        by=alice,
    )
    cases.case_member_set(
        case=other, user=bob, role=CaseMember.Role.MEMBER, may_see_sources=True, by=alice
    )
    body = _download(login(bob), case).content.decode()
    assert "CANARY" not in body


def test_a_read_only_member_may_download_it_too(login, vera, full_case):
    case, _ = full_case
    assert _record(_download(login(vera), case))["case"]["reference"] == "TM-2021-003"


@pytest.mark.parametrize("who", ["charlie", "ada"])
def test_an_outsider_or_an_administrator_off_the_team_gets_the_404_and_a_trace(
    login, charlie, ada, full_case, who
):
    case, _ = full_case
    user = {"charlie": charlie, "ada": ada}[who]
    response = _download(login(user), case)
    assert response.status_code == 404
    assert b"CANARY" not in response.content and b"Isakow" not in response.content
    denied = AuditEntry.objects.filter(actor_username=who, action="access.denied")
    assert denied.count() == 1
    assert not AuditEntry.objects.filter(action="case.exported").exists()


def test_the_case_page_offers_the_download(login, bob, alices_case):
    page = login(bob).get(alices_case.get_absolute_url()).content.decode()
    assert f'href="{reverse("case_export", args=[alices_case.public_id])}"' in page


def _grow(case, by, n: int, start: int = 0) -> None:
    """The records of tests.support.growth, with a relative, a piece of evidence and a
    draft letter a year."""
    person = case.people.get()

    def more(i: int) -> None:
        cases.relative_add(person=person, relationship=f"cousin {i}", contact="+1", by=by)
        evidence_add(case, by, samples.screenshot_jpeg(), f"{i}.jpg")
        advocacy.intervention_add(case=case, kind="letter_authorities", by=by)

    case_grow(case, by=by, years=range(start, start + n), label=str(start), each=more)


def _queries(client, case) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = _download(client, case)
    assert response.status_code == 200
    return len(captured)


def test_the_download_takes_as_many_queries_however_much_the_case_holds(
    login, alice, bob, alices_case
):
    # bob has no grant: the only write is the export's own audit entry (with the
    # grant, each source shown is one more entry, as on the pages).
    client = login(bob)
    _grow(alices_case, alice, 1)
    few = _queries(client, alices_case)
    _grow(alices_case, alice, 6, start=10)
    assert _queries(client, alices_case) == few


# --- The command ---------------------------------------------------------------


def test_the_command_exports_a_case_as_its_reader_may_see_it(bob, full_case):
    out = io.StringIO()
    call_command("export", "case", "tm-2021-003", "--as", "bob", stdout=out)
    record = json.loads(out.getvalue())
    assert record["case"]["reference"] == "TM-2021-003"
    assert "CANARY" not in out.getvalue()
    entry = AuditEntry.objects.get(action="case.exported")
    assert (entry.actor_username, entry.detail["via"]) == ("bob", "command")


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "file already there"])
def test_the_command_writes_a_file_only_its_owner_may_read(alice, full_case, tmp_path, existing):
    target = tmp_path / "record.json"
    if existing:
        target.write_text("old")
        target.chmod(0o644)
    out = io.StringIO()
    umask = os.umask(0o022)  # Habeas sets 077; the file must not depend on it
    try:
        call_command(
            "export", "case", "TM-2021-003", "--as", "alice", "-o", str(target), stdout=out
        )
    finally:
        os.umask(umask)
    assert json.loads(target.read_text())["sources"][1]["identity"] == IDENTITY
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert "TM-2021-003 written to" in out.getvalue()


@pytest.mark.parametrize("reference", ["TM-2021-003", "NO-SUCH-CASE"])
def test_the_command_says_the_same_for_a_case_not_theirs_and_one_that_does_not_exist(
    charlie, full_case, reference
):
    with pytest.raises(CommandError) as refused:
        call_command("export", "case", reference, "--as", "charlie")
    assert str(refused.value) == f"charlie has no case with the reference {reference!r}."
    assert not AuditEntry.objects.filter(action="case.exported").exists()


def test_the_command_refuses_an_unknown_account(full_case):
    with pytest.raises(CommandError, match="No active account is called 'mallory'"):
        call_command("export", "case", "TM-2021-003", "--as", "mallory")


def test_the_public_export_still_answers_under_the_same_name(db):
    out = io.StringIO()
    call_command("export", "public", "--format", "csv", stdout=out)
    assert out.getvalue().startswith("id,name,name_variants,")
