"""Which information moves "no new information for", and how far: the rules of
habeas/cases/silence.py through the forms and services that record it.

The case here disappeared, and was last heard of, on 20 Oct 2021; it is entered on
6 Dec 2026. Until something newer is recorded it has been silent since the end of
20 Oct 2021."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from habeas.cases import services as cases
from habeas.cases.models import Case, Status
from habeas.evidence.services import evidence_add
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources

TODAY = datetime(2026, 12, 6, 15, 43, tzinfo=UTC)
MIDNIGHT = datetime(2026, 12, 6, tzinfo=UTC)  # the end of yesterday
CONTACT_END = datetime(2021, 10, 21, tzinfo=UTC)  # the end of 20 Oct 2021


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def case(alice) -> Case:
    person = cases.person_create(name="Azat Isakov", by=alice)
    return cases.case_create(
        reference="TM-2021-101",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("20 Oct 2021"),
        last_contact_on=PartialDate.parse("20 Oct 2021"),
        by=alice,
    )


@pytest.fixture
def orchid(case, alice):
    return sources.source_add(case=case, code_name="ORCHID", kind="witness", by=alice)


def _silent_since(case: Case) -> datetime:
    case.refresh_from_db()
    return case.last_info_at


def _post_claim(client, case, source, *, dated_on: str, received_on: str) -> None:
    response = client.post(
        f"/cases/{case.public_id}/claims/new/",
        {
            "source": str(source.public_id),
            "topic": "whereabouts",
            "statement": "Seen at the detention centre.",
            "dated_on": dated_on,
            "received_on": received_on,
            "material": "testimony",
            "credibility": "6",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]


def test_opening_a_case_is_not_news(case):
    assert _silent_since(case) == CONTACT_END
    assert case.days_since_info(TODAY.date()) == 1872


def test_a_claim_received_today_about_2021_does_not_reset_the_counter(login, case, orchid):
    _post_claim(login(case.created_by), case, orchid, dated_on="Nov 2021", received_on="6 Dec 2026")
    assert _silent_since(case) == datetime(2021, 12, 1, tzinfo=UTC)


def test_a_claim_dated_yesterday_resets_it_from_the_end_of_that_day(login, case, orchid):
    _post_claim(
        login(case.created_by), case, orchid, dated_on="5 Dec 2026", received_on="6 Dec 2026"
    )
    assert _silent_since(case) == MIDNIGHT  # not the moment it was received
    assert case.days_since_info(TODAY.date()) == 0
    # Information dated today is news now, not at the end of the day.
    _post_claim(
        login(case.created_by), case, orchid, dated_on="6 Dec 2026", received_on="6 Dec 2026"
    )
    assert _silent_since(case) == TODAY


def test_a_claim_the_report_gives_no_date_leaves_it(login, case, orchid):
    _post_claim(login(case.created_by), case, orchid, dated_on="", received_on="6 Dec 2026")
    assert _silent_since(case) == CONTACT_END


def test_correcting_a_claims_date_moves_it_back(alice, case, orchid):
    claim = sources.claim_add(
        case=case,
        source=orchid,
        topic="whereabouts",
        statement="Seen at the detention centre.",
        dated_on=PartialDate.parse("5 Dec 2026"),
        received_on=PartialDate.parse("6 Dec 2026"),
        material="testimony",
        by=alice,
    )
    assert _silent_since(case) == MIDNIGHT
    sources.claim_update(claim=claim, by=alice, dated_on=PartialDate.parse("5 Dec 2021"))
    assert _silent_since(case) == datetime(2021, 12, 6, tzinfo=UTC)


def _event_form(kind: str, when: str) -> dict[str, str]:
    return {
        "kind": kind,
        "occurred_on": when,
        "description": "Seen in a courtyard.",
        "actors-TOTAL_FORMS": "0",
        "actors-INITIAL_FORMS": "0",
    }


def test_correcting_an_events_date_back_moves_the_counter_back(login, case):
    client = login(case.created_by)
    url = f"/cases/{case.public_id}/events/new/"
    assert client.post(url, _event_form("sighting", "5 Dec 2026")).status_code == 302
    assert _silent_since(case) == MIDNIGHT
    event = case.events.get()
    edit = f"/cases/{case.public_id}/events/{event.public_id}/edit/"
    # It was December 2021, not 2026: the sighting is five years old.
    assert client.post(edit, _event_form("sighting", "5 Dec 2021")).status_code == 302
    assert _silent_since(case) == datetime(2021, 12, 6, tzinfo=UTC)


def test_a_year_only_date_counts_from_the_end_of_that_year(login, case):
    client = login(case.created_by)
    url = f"/cases/{case.public_id}/events/new/"
    assert client.post(url, _event_form("sighting", "2022")).status_code == 302
    assert _silent_since(case) == datetime(2023, 1, 1, tzinfo=UTC)


def test_correcting_the_last_contact_moves_it_both_ways(alice, case):
    # A last contact after the disappearance moves the disappearance too (the
    # services refuse one without the other).
    cases.case_update(
        case=case,
        by=alice,
        disappeared_on=PartialDate.parse("Mar 2022"),
        last_contact_on=PartialDate.parse("Mar 2022"),
    )
    assert _silent_since(case) == datetime(2022, 4, 1, tzinfo=UTC)
    cases.case_update(
        case=case,
        by=alice,
        last_contact_on=PartialDate.parse("2021-10-20"),
        disappeared_on=PartialDate.parse("2021-10-20"),
    )
    assert _silent_since(case) == CONTACT_END


def test_statuses_about_the_person_count_and_the_organisations_readings_do_not(alice, case):
    for status in (Status.PRESUMED_ED, Status.REPORTED_MISSING):
        cases.status_assert(
            case=case, status=status, asserted_on=date(2026, 12, 5), basis="Weighed.", by=alice
        )
    assert _silent_since(case) == CONTACT_END
    cases.status_assert(
        case=case,
        status=Status.WHEREABOUTS_CONFIRMED,
        asserted_on=date(2026, 11, 30),
        basis="A lawyer saw him in the Ovadan-Depe prison.",
        by=alice,
    )
    assert _silent_since(case) == datetime(2026, 12, 1, tzinfo=UTC)


def _upload(case, by, *, dated_on: str = ""):
    return evidence_add(
        case=case,
        upload=SimpleUploadedFile("dispatch.txt", b"Activist missing in Turkmenistan.\n"),
        title="The NGO's dispatch",
        dated_on=PartialDate.parse(dated_on) if dated_on else None,
        collected_at=timezone.now(),
        by=by,
    )


def test_evidence_counts_by_what_it_shows_never_by_when_it_was_collected(alice, case):
    _upload(case, alice)
    assert _silent_since(case) == CONTACT_END
    _upload(case, alice, dated_on="about Nov 2021")
    assert _silent_since(case) == datetime(2021, 12, 1, tzinfo=UTC)


def test_a_case_with_no_dated_information_is_silent_since_it_was_opened(alice):
    """Nothing dated to count from: the organisation has known nothing newer than what
    it was told when it opened the case, and an undated report adds no date."""
    person = cases.person_create(name="Unknown Person", by=alice)
    opened = cases.case_create(reference="TM-X-1", person=person, country="TM", by=alice)
    assert _silent_since(opened) == opened.created_at == TODAY
    with time_machine.travel(TODAY + timedelta(days=30), tick=False):
        source = sources.source_add(case=opened, code_name="LARK", kind="relative", by=alice)
        sources.claim_add(
            case=opened,
            source=source,
            topic="whereabouts",
            statement="He had lost his passport.",
            received_on=PartialDate.parse(timezone.localdate().isoformat()),
            material="testimony",
            by=alice,
        )
        assert _silent_since(opened) == TODAY
        assert opened.days_since_info(timezone.localdate()) == 30


def test_correcting_what_evidence_is_dated_moves_it_back(alice, case):
    from habeas.evidence.services import evidence_update

    item = _upload(case, alice, dated_on="5 Dec 2026")
    assert _silent_since(case) == MIDNIGHT
    evidence_update(
        item=item,
        by=alice,
        title=item.title,
        source=None,
        claims=[],
        events=[],
        dated_on=PartialDate.parse("5 Dec 2021"),
    )
    assert _silent_since(case) == datetime(2021, 12, 6, tzinfo=UTC)


def test_removing_the_latest_record_moves_it_back(alice, case):
    """No service removes an event, a claim or evidence yet; whichever comes calls
    case_silence_refresh, which recomputes from what is left (never only forward)."""
    event = cases.event_add(
        case=case,
        kind="sighting",
        occurred_on=PartialDate.parse("5 Dec 2026"),
        description="Seen in a courtyard.",
        by=alice,
    )
    assert _silent_since(case) == MIDNIGHT
    event.delete()
    cases.case_silence_refresh(case=case)
    assert _silent_since(case) == CONTACT_END
