"""The dashboard puts what needs action today first: UN urgent windows still open
(closing soonest first, with the day each closes), alerts due (the longest overdue
first), cases gone quiet (by priority, then silent longest: an urgent case before
a normal one silent longer), then the other open cases."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from habeas.alerts.detection import detect_due
from habeas.alerts.models import Alert
from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate

TODAY = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
SECTIONS = ("window-open", "alerts-due", "gone-quiet", "other-cases")


def _case(alice, reference: str, *, opened: datetime, priority: int = 3, **dates: str):
    """A case entered on `opened`, with its dates typed as on the form."""
    with time_machine.travel(opened, tick=False):
        return cases.case_create(
            reference=reference,
            person=cases.person_create(name=f"Person {reference}", by=alice),
            country="TM",
            priority=priority,
            by=alice,
            **{field: PartialDate.parse(text) for field, text in dates.items()},
        )


def _sections(html: str) -> dict[str, str]:
    """The dashboard's sections by their heading's id, in page order."""
    found = re.findall(r'<h2 id="([a-z-]+)">(.*?)(?=<h2 id=|$)', html, re.S)
    return dict(found)


def _references(section: str) -> list[str]:
    return re.findall(r'<th scope="row"><a [^>]*>([A-Z0-9-]+)</a>', section)


def _a_register(alice):
    # Two windows still open (the later one entered first), three cases silent for
    # years (the one silent least long is urgent), and two with news this week: one
    # urgent, one normal.
    _case(alice, "W-LATER", opened=datetime(2026, 11, 2, tzinfo=UTC), disappeared_on="2026-11-01")
    _case(alice, "W-SOONER", opened=datetime(2026, 10, 21, tzinfo=UTC), disappeared_on="2026-10-20")
    _case(alice, "Q-2021", opened=datetime(2026, 10, 1, tzinfo=UTC), disappeared_on="2021-10-20")
    _case(
        alice,
        "Q-URGENT",
        opened=datetime(2026, 9, 1, tzinfo=UTC),
        priority=1,
        disappeared_on="2023-03-01",
    )
    _case(alice, "Q-2020", opened=datetime(2026, 8, 1, tzinfo=UTC), disappeared_on="2020-05-01")
    _with_news_this_week(alice, "R-NORMAL")
    _with_news_this_week(alice, "R-URGENT", priority=1)


def _with_news_this_week(alice, reference: str, *, priority: int = 3):
    """Gone since 2019, seen on 5 Dec 2026: news this week, no window open."""
    opened = datetime(2026, 12, 5, tzinfo=UTC)
    case = _case(alice, reference, opened=opened, priority=priority, disappeared_on="2019-01-01")
    with time_machine.travel(opened, tick=False):
        cases.event_add(
            case=case,
            kind="sighting",
            occurred_on=PartialDate.parse("2026-12-05"),
            description="Seen at the prison gate by a relative.",
            by=alice,
        )


def test_what_needs_action_today_comes_first_each_in_its_own_order(login, alice):
    _a_register(alice)
    with time_machine.travel(TODAY, tick=False):
        detect_due(now=TODAY)
        html = login(alice).get("/").content.decode()

    sections = _sections(html)
    assert list(sections) == list(SECTIONS)
    assert _references(sections["window-open"]) == ["W-SOONER", "W-LATER"]
    assert "closes 20 Jan 2027 (45 days left)" in sections["window-open"]
    # Urgent first, though silent least long; then, of one priority, silent longest.
    assert _references(sections["gone-quiet"]) == ["Q-URGENT", "Q-2020", "Q-2021"]
    assert _references(sections["other-cases"]) == ["R-URGENT", "R-NORMAL"]


def test_alerts_due_are_listed_longest_overdue_first(login, alice):
    _a_register(alice)
    with time_machine.travel(TODAY, tick=False):
        detect_due(now=TODAY)
        html = login(alice).get("/").content.decode()

    due = list(Alert.objects.filter(state=Alert.State.OPEN).order_by("due_at", "id"))
    assert len({a.due_at for a in due}) >= 2  # an order to get wrong
    shown = re.findall(r'href="/alerts/([0-9a-f-]{36})/"', _sections(html)["alerts-due"])
    assert shown == [str(a.public_id) for a in due]


def test_a_case_on_no_list_of_action_is_still_on_the_dashboard_and_a_closed_one_is_not(
    login, alice
):
    undated = _case(alice, "U-UNDATED", opened=datetime(2026, 12, 5, tzinfo=UTC))
    with time_machine.travel(TODAY, tick=False):
        html = login(alice).get("/").content.decode()
        assert _references(_sections(html)["other-cases"]) == ["U-UNDATED"]
        cases.status_assert(
            case=undated,
            status="closed",
            asserted_on=TODAY.date(),
            basis="Duplicate of another case.",
            closed_reason="DUPLICATE",
            by=alice,
        )
        assert "U-UNDATED" not in login(alice).get("/").content.decode()


def test_the_dashboard_reads_a_fixed_number_of_queries_however_many_cases(login, alice):
    def queries() -> int:
        with time_machine.travel(TODAY, tick=False):
            client = login(alice)
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/").status_code == 200
        return len(captured)

    _a_register(alice)
    with time_machine.travel(TODAY, tick=False):
        detect_due(now=TODAY)
    few = queries()
    for i in range(6):
        _case(
            alice, f"W-{i}", opened=datetime(2026, 11, 2, tzinfo=UTC), disappeared_on="2026-11-01"
        )
        _case(alice, f"Q-{i}", opened=datetime(2026, 8, 1, tzinfo=UTC), disappeared_on="2020-05-01")
        _with_news_this_week(alice, f"R-{i}")
    with time_machine.travel(TODAY, tick=False):
        detect_due(now=TODAY)
    assert Alert.objects.count() > 6
    assert queries() == few
