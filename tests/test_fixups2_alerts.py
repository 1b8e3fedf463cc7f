"""The gone-quiet reminder names the latest day the news is from (issue 13 fix-ups,
E): information dated "about Nov 2021" counts from the end of 30 Nov, so the case
has had no new information since 30 Nov 2021, not "since 1 Dec 2021"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate

# Entered while the trail is live (within three months of the news): a case entered
# years later raises no gone-quiet reminder at all (tests/test_alerts_entered_late.py).
TODAY = datetime(2021, 12, 6, 10, 0, tzinfo=UTC)


def _case(alice, last_contact: str):
    with time_machine.travel(TODAY, tick=False):
        return cases.case_create(
            reference="TM-2021-101",
            person=cases.person_create(name="Azat Isakov", by=alice),
            country="TM",
            last_contact_on=PartialDate.parse(last_contact),
            by=alice,
        )


def _case_page(client, case) -> str:
    with time_machine.travel(TODAY, tick=False):
        return client.get(case.get_absolute_url()).content.decode()


def test_the_gone_quiet_reminder_says_the_latest_day_the_news_is_from(login, alice):
    case = _case(alice, "about Nov 2021")
    page = _case_page(login(alice), case)
    assert "Gone quiet: no new information since 30 Nov 2021" in page
    assert "since 1 Dec 2021" not in page


def test_a_day_known_exactly_is_that_day(login, alice):
    case = _case(alice, "2021-11-05")
    page = _case_page(login(alice), case)
    assert "Gone quiet: no new information since 5 Nov 2021" in page


def test_a_case_with_no_dated_information_is_quiet_since_the_day_it_was_opened(login, alice):
    """Its silence counts from the moment it was opened, 10:00 on 6 Dec: that day,
    not the day before."""
    with time_machine.travel(TODAY, tick=False):
        case = cases.case_create(
            reference="TM-2021-001",
            person=cases.person_create(name="Azat Isakov", by=alice),
            country="TM",
            by=alice,
        )
    with time_machine.travel(TODAY + timedelta(days=30), tick=False):
        page = login(alice).get(case.get_absolute_url()).content.decode()
    assert case.last_info_at == TODAY
    assert "<dd>30 days</dd>" in page, "the counter runs from the day it was opened"
    # With nothing dated there is no trail to go cold (alerts.rules.live_trail): the
    # silence shows on the counter and the dashboard, and no alert repeats it.
    assert "Gone quiet" not in page
