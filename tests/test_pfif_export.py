"""PFIF 1.4 out: the staff export (people and their status history, of the cases
the user may see) and the public feed (published profiles, exactly what their
pages show), both valid against the shipped schema."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from habeas.advocacy import services as advocacy
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Status
from habeas.lib.partialdate import PartialDate
from habeas.pfif import document
from habeas.pfif.checks import check_pfif_addresses
from habeas.pfif.selectors import STATUS_TO_PFIF
from tests.support.advocacy import consent_to_publication, publish_with_canaries
from tests.support.organisation import give_the_organisation

NS = {"p": document.NS}
# In every confidential place of a published case: none may reach the public feed.
CANARIES = {
    "identity": "CANARY-PFIF-IDENTITY-a1",
    "contact": "CANARY-PFIF-CONTACT-b2",
    "claim": "CANARY-PFIF-CLAIM-c3",
    "event": "CANARY-PFIF-EVENT-d4",
    "summary": "CANARY-PFIF-SUMMARY-e5",
    "last_message": "CANARY-PFIF-LASTMSG-f6",
    "relative": "CANARY-PFIF-RELATIVE-g7",
    "code_name": "CANARYPFIFCODE",
    "description": "CANARY-PFIF-DESCRIPTION-i9",
    "basis": "CANARY-PFIF-BASIS-j10",
    "unpublished": "CANARY-PFIF-UNPUBLISHED-h8",
}


@pytest.fixture
def seeded(alice, alices_case):
    give_the_organisation(name="Test Rights Centre")
    case = alices_case
    # Besides the canaries every public output is checked for (tests.support.advocacy),
    # two the PFIF export might take: the person's description and a status's basis.
    cases.person_update(person=case.people.get(), description=CANARIES["description"], by=alice)
    cases.status_assert(
        case=case,
        status=Status.PRESUMED_ED,
        asserted_on=date(2021, 11, 1),
        basis=CANARIES["basis"],
        by=alice,
    )
    profile, hidden = publish_with_canaries(case, canaries=CANARIES, by=alice)
    return case, profile, hidden, None


def _valid(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    schema = document.schema()
    assert schema.validate(root), [f"{e.line}: {e.message}" for e in schema.error_log]
    return root


def _texts(root: etree._Element, path: str) -> list[str]:
    return [e.text for e in root.iterfind(path, NS)]


@pytest.fixture
def history(alices_case, alice, charlie, settings):
    settings.HABEAS_PFIF_DOMAIN = "rights.example.org"
    case = alices_case
    cases.status_assert(
        case=case,
        status=Status.PRESUMED_ED,
        asserted_on=date(2021, 11, 1),
        basis="Weighed.",
        by=alice,
    )
    cases.status_assert(
        case=case,
        status=Status.DETENTION_ACKNOWLEDGED,
        asserted_on=date(2022, 2, 3),
        basis="The prosecutor's reply.",
        by=alice,
    )
    theirs = cases.person_create(name="CANARY-OTHER-TEAM-PERSON", by=charlie)
    cases.case_create(reference="CH-1", person=theirs, country="RU", by=charlie)
    return case


def test_the_staff_export_is_valid_pfif_with_the_status_history(history, alice, login):
    response = login(alice).get(reverse("pfif_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "attachment" in response["Content-Disposition"]
    root = _valid(response.content)
    person = history.people.get()
    (record,) = root.findall("p:person", NS)
    assert record.findtext("p:person_record_id", namespaces=NS) == (
        f"rights.example.org/person.{person.public_id}"
    )
    assert record.findtext("p:full_name", namespaces=NS) == "Рустам Исаков"
    assert record.findtext("p:alternate_names", namespaces=NS) == "Rustam Isakow"
    notes = record.findall("p:note", NS)
    assert [n.findtext("p:status", namespaces=NS) for n in notes] == [
        "information_sought",  # reported missing, as of the disappearance
        "believed_missing",  # presumed enforced disappearance
        "believed_alive",  # detention acknowledged
    ]
    assert notes[2].findtext("p:source_date", namespaces=NS) == "2022-02-03T00:00:00Z"
    assert "Detention acknowledged, as of 03 Feb 2022" in notes[2].findtext("p:text", namespaces=NS)
    assert all(
        n.findtext("p:note_record_id", namespaces=NS).startswith("rights.example.org/")
        for n in notes
    )
    assert b"CANARY-OTHER-TEAM-PERSON" not in response.content  # another team's person
    entry = AuditEntry.objects.filter(action="pfif.export").get()
    assert entry.actor_username == "alice" and entry.detail == {"people": 1}
    # Recorded in Habeas when the status was entered, not when the file is written.
    acknowledged = history.statuses.get(status=Status.DETENTION_ACKNOWLEDGED)
    acknowledged.created_at = datetime(2022, 2, 4, 9, 30, tzinfo=UTC)
    acknowledged.save(update_fields=["created_at"])
    root = _valid(login(alice).get(reverse("pfif_export")).content)
    notes = root.findall("p:person/p:note", NS)
    assert notes[2].findtext("p:entry_date", namespaces=NS) == "2022-02-04T09:30:00Z"


def test_an_outsider_exports_only_their_own_people(history, charlie):
    out = io.StringIO()
    call_command("pfif", "export", "--as", "charlie", stdout=out)
    root = _valid(out.getvalue().encode())
    assert _texts(root, "p:person/p:full_name") == ["CANARY-OTHER-TEAM-PERSON"]
    assert "Исаков" not in out.getvalue()


def test_every_status_maps_to_pfif_or_to_no_status():
    assert set(STATUS_TO_PFIF) == set(Status)
    assert STATUS_TO_PFIF[Status.DEAD] == "believed_dead"
    assert STATUS_TO_PFIF[Status.RELEASED] == "believed_alive"
    assert STATUS_TO_PFIF[Status.CLOSED] == ""  # PFIF has no word for it: text only


def test_a_closed_case_note_has_no_status_and_says_why(alices_case, alice, login):
    cases.status_assert(
        case=alices_case,
        status=Status.CLOSED,
        asserted_on=date(2022, 5, 1),
        basis="Family asked.",
        closed_reason="The family withdrew the case.",
        by=alice,
    )
    root = _valid(login(alice).get(reverse("pfif_export")).content)
    last = root.findall("p:person/p:note", NS)[-1]
    assert last.find("p:status", NS) is None
    assert "The family withdrew the case." in last.findtext("p:text", namespaces=NS)


def test_the_public_feed_is_valid_and_shows_what_the_public_page_shows(seeded, client, settings):
    settings.HABEAS_PFIF_DOMAIN = "rights.example.org"
    _, profile, _, _ = seeded
    response = client.get(reverse("public_pfif"))  # no login
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and not response.cookies
    body = response.content.decode()
    for name, canary in CANARIES.items():
        if name != "unpublished":
            assert canary not in body, name
    assert CANARIES["unpublished"] not in body
    assert "TM-2021-003" not in body  # the case reference is internal
    assert str(profile.case.public_id) not in body  # and so are internal ids
    assert "Test Rights Centre" not in body  # the public pages do not name it either
    root = _valid(response.content)
    (person,) = root.findall("p:person", NS)
    assert person.findtext("p:person_record_id", namespaces=NS) == (
        f"rights.example.org/public.{profile.public_id}"
    )
    assert person.findtext("p:full_name", namespaces=NS) == "Rustam Isakov"
    assert person.findtext("p:alternate_names", namespaces=NS) == "Рустам Исаков\nRustam Isakow"
    assert person.findtext("p:source_url", namespaces=NS).endswith(profile.get_absolute_url())
    page = client.get(profile.get_absolute_url()).content.decode()
    status, update = person.findall("p:note", NS)
    assert status.findtext("p:status", namespaces=NS) == "believed_missing"
    text = status.findtext("p:text", namespaces=NS)
    assert text == "Disappeared: no information — Turkmenistan — Disappeared on 20 Oct 2021"
    assert "Disappeared: no information" in page and "Turkmenistan" in page
    assert "20 Oct 2021" in page
    assert update.findtext("p:text", namespaces=NS) == "20 Oct 2021 — Disappeared"
    assert "Release him" in person.findtext("p:description", namespaces=NS)
    out = io.StringIO()
    call_command("pfif", "export", "--public", stdout=out)
    assert out.getvalue().encode() == response.content


def test_public_timeline_notes_are_dated_what_they_tell_not_the_export(seeded, client, alice):
    _, profile, _, _ = seeded
    advocacy.public_update_add(
        profile=profile, happened_on=PartialDate.parse("about 2002"), title="Arrested", by=alice
    )
    advocacy.public_update_add(
        profile=profile,
        happened_on=date(2022, 2, 14),
        title="Case submitted to the United Nations",
        by=alice,
    )
    root = _valid(client.get(reverse("public_pfif")).content)
    notes = {
        n.findtext("p:text", namespaces=NS).split("\n")[0]: n
        for n in root.findall("p:person/p:note", NS)[1:]
    }
    un = notes["14 Feb 2022 — Case submitted to the United Nations"]
    assert un.findtext("p:source_date", namespaces=NS) == "2022-02-14T00:00:00Z"
    assert "PFIF needs a day" not in un.findtext("p:text", namespaces=NS)
    old = notes["about 2002 — Arrested"]
    assert old.findtext("p:source_date", namespaces=NS) == "2002-01-01T00:00:00Z"
    # The day a PFIF reader sorts by is not the day it happened: the text says so.
    assert old.findtext("p:text", namespaces=NS).endswith(
        "(PFIF needs a day: 01 Jan 2002 stands for about 2002.)"
    )
    profile.refresh_from_db()
    listed = profile.updates.get(title="Arrested").published_at
    # entered into the feed when it went public
    assert old.findtext("p:entry_date", namespaces=NS) == listed.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_unpublished_profile_leaves_the_public_feed(seeded, client, alice):
    _, profile, _, _ = seeded
    advocacy.public_profile_save(case=profile.case, name=profile.name, is_published=False, by=alice)
    root = _valid(client.get(reverse("public_pfif")).content)
    assert root.findall("p:person", NS) == []


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_export_and_feed_queries_do_not_grow_with_people_and_statuses(seeded, alice, login):
    client = login(alice)
    export, public = (
        _queries(client, reverse("pfif_export")),
        _queries(client, reverse("public_pfif")),
    )
    for i in range(4):
        person = cases.person_create(name=f"Person {i}", by=alice)
        cases.person_name_add(person=person, text=f"Variant {i}", by=alice)
        more = cases.case_create(reference=f"Q-{i}", person=person, country="TM", by=alice)
        cases.status_assert(
            case=more, status=Status.PRESUMED_ED, asserted_on=date(2022, 1, 1), basis="b", by=alice
        )
        consent_to_publication(more, by=alice)
        advocacy.public_profile_save(case=more, name=f"Public {i}", is_published=True, by=alice)
        advocacy.public_update_add(
            profile=more.public_profile, happened_on=date(2022, 1, 2), title="t", by=alice
        )
    assert _queries(client, reverse("pfif_export")) == export
    assert _queries(client, reverse("public_pfif")) == public


def test_what_one_habeas_exports_another_can_import(history, alice, charlie, tmp_path, settings):
    path = tmp_path / "alice.xml"
    call_command("pfif", "export", "--as", "alice", "-o", str(path))
    # Read back by the Habeas that wrote it, it is its own: nothing is imported
    # (tests/test_pfif_import_duplicates.py); another Habeas imports it.
    settings.HABEAS_PFIF_DOMAIN = "another-habeas.example.net"
    out = io.StringIO()
    call_command("pfif", "import", str(path), "--as", "charlie", "--country", "TM", stdout=out)
    assert "1 people and cases, 3 notes as claims" in out.getvalue()
    from habeas.cases.models import Person

    copy = Person.objects.filter(cases__members__user=charlie, display_name="Рустам Исаков").get()
    assert {n.text for n in copy.names.all()} == {"Рустам Исаков", "Rustam Isakow"}


@pytest.mark.django_db
def test_habeas_check_warns_until_the_site_address_and_pfif_domain_are_set(settings):
    settings.HABEAS_SITE_URL = "http://127.0.0.1:8000"  # the defaults
    settings.HABEAS_PFIF_DOMAIN = ""
    quiet = io.StringIO()
    call_command("check", stdout=io.StringIO(), stderr=quiet)
    assert "habeas.W301" not in quiet.getvalue()  # a demo on loopback is told nothing
    err = io.StringIO()
    call_command("check", "--deploy", stdout=io.StringIO(), stderr=err)
    assert "habeas.W301" in err.getvalue() and "habeas.W302" in err.getvalue()
    assert "HABEAS_PFIF_DOMAIN" in err.getvalue()
    settings.HABEAS_PFIF_DOMAIN = "rights.example.org"  # ids unique, links still local
    assert [m.id for m in check_pfif_addresses()] == ["habeas.W301"]
    settings.HABEAS_SITE_URL = "http://[::1]:8731"
    assert [m.id for m in check_pfif_addresses()] == ["habeas.W301"]
    settings.HABEAS_PFIF_DOMAIN = ""
    settings.HABEAS_SITE_URL = "https://habeas.rights.example.org"
    assert check_pfif_addresses() == []
    err = io.StringIO()
    call_command("check", stdout=io.StringIO(), stderr=err)
    assert "habeas.W30" not in err.getvalue()
