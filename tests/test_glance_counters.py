"""The clocks read as a caseworker counts (first-use review, "Counters and search"):
years, months and days with the exact days after them, and the UN urgent window
by its date, "window passed on 20 Jan 2022" rather than a "closed" that reads as
the case's status."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import time_machine

from habeas.cases import services as cases
from habeas.cases.templatetags.case_clocks import calendar_span, days_gone, span_text
from habeas.lib.partialdate import PartialDate

TODAY = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # the review's clock


def _open_case(alice, reference: str, disappeared: str):
    with time_machine.travel(TODAY, tick=False):
        return cases.case_create(
            reference=reference,
            person=cases.person_create(name="Azat Isakov", by=alice),
            country="TM",
            disappeared_on=PartialDate.parse(disappeared),
            by=alice,
        )


def _row(html: str, reference: str) -> str:
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{reference}</a>.*?</tr>", html, re.S)
    assert row, reference
    return row.group(0)


def test_a_2021_case_shows_years_months_and_days_on_its_page_the_list_and_the_dashboard(
    login, alice
):
    case = _open_case(alice, "TM-2021-101", "2021-10-20")
    client = login(alice)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(case.get_absolute_url()).content.decode()
        listing = client.get("/cases/").content.decode()
        dashboard = client.get("/").content.decode()

    gone = "5 years 1 month 16 days (1,873 days)"
    assert f"<dt>Disappeared</dt><dd>{gone}</dd>" in page
    assert gone in _row(listing, "TM-2021-101")
    assert gone in _row(dashboard, "TM-2021-101")


def test_a_passed_urgent_window_says_when_it_passed_never_closed(login, alice):
    case = _open_case(alice, "TM-2021-101", "2021-10-20")
    client = login(alice)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(case.get_absolute_url()).content.decode()
        row = _row(client.get("/cases/").content.decode(), "TM-2021-101")

    assert "<dt>UN urgent window</dt><dd>window passed on 20 Jan 2022</dd>" in page
    assert "window passed on 20 Jan 2022" in row
    assert "closed" not in row


def test_an_open_urgent_window_says_when_it_closes_and_how_long_is_left(login, alice):
    case = _open_case(alice, "TM-DEMO-001", "2026-10-28")
    client = login(alice)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(case.get_absolute_url()).content.decode()
        row = _row(client.get("/").content.decode(), "TM-DEMO-001")

    assert "<dt>UN urgent window</dt><dd>closes 28 Jan 2027 (53 days left)</dd>" in page
    assert "closes 28 Jan 2027 (53 days left)" in row
    assert "1 month 8 days (39 days)" in row


@pytest.mark.parametrize(
    ("start", "end", "span"),
    [
        (date(2021, 10, 20), date(2026, 12, 6), (5, 1, 16)),
        (date(2021, 10, 20), date(2021, 11, 4), (0, 0, 15)),
        (date(2022, 1, 31), date(2022, 2, 28), (0, 1, 0)),  # clamped, as the window is
        (date(2020, 2, 29), date(2021, 2, 28), (1, 0, 0)),
        (date(2021, 10, 20), date(2021, 10, 20), (0, 0, 0)),
    ],
)
def test_the_calendar_span_counts_whole_years_months_then_days(start, end, span):
    assert calendar_span(start, end) == span


def test_a_count_under_a_month_is_days_only_and_a_minimum_says_at_least():
    today = date(2026, 12, 6)
    assert span_text(15, today) == "15 days"
    assert span_text(1, today) == "1 day"
    assert span_text(365, today) == "1 year (365 days)"
    assert span_text(1873, today, at_least=True) == "at least 5 years 1 month 16 days (1,873 days)"


def test_a_disappearance_known_only_as_before_a_date_is_counted_at_least():
    # Until open-ended dates come, a date without `is_lower_bound` is exact.
    today = date(2026, 12, 6)
    bound = SimpleNamespace(is_lower_bound=True)
    exact = SimpleNamespace()
    case = SimpleNamespace(disappeared_on=bound, days_disappeared=lambda day: 1873)
    assert days_gone(case, today) == "at least 5 years 1 month 16 days (1,873 days)"
    case.disappeared_on = exact
    assert days_gone(case, today) == "5 years 1 month 16 days (1,873 days)"


@pytest.mark.skipif(
    not hasattr(PartialDate, "is_lower_bound"), reason="open-ended dates not there yet"
)
def test_a_case_that_disappeared_before_oct_2021_shows_at_least(login, alice):
    case = _open_case(alice, "TM-2021-102", "before Oct 2021")
    with time_machine.travel(TODAY, tick=False):
        page = login(alice).get(case.get_absolute_url()).content.decode()
    assert re.search(r"<dt>Disappeared</dt><dd>at least \d+ years", page)
