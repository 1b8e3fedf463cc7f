"""Deadlines named by what they are (first-use bug 16): "UN urgent window closes
28 Jan 2027 — reminder 29 Dec", never the rule's name beside the reminder's date
("UN urgent window closing — Due 29 Dec 2026" was read as the closing date)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine

from habeas.alerts.detection import detect_due
from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate

TODAY = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def _demo_case(alice):
    with time_machine.travel(datetime(2026, 10, 29, 9, 0, tzinfo=UTC), tick=False):
        return cases.case_create(
            reference="TM-DEMO-001",
            person=cases.person_create(name="Рустам Исаков", by=alice),
            country="TM",
            disappeared_on=PartialDate.parse("2026-10-28 12:43"),
            by=alice,
        )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_the_case_page_names_the_window_by_its_closing_day_and_the_reminder_by_its_own(
    login, alice
):
    case = _demo_case(alice)
    with time_machine.travel(TODAY, tick=False):
        page = login(alice).get(case.get_absolute_url()).content.decode()

    deadlines = _text(page.split('id="deadlines"', 1)[1].split("</section>", 1)[0])
    assert "UN urgent window closes 28 Jan 2027 — reminder 29 Dec" in deadlines
    assert "UN urgent window closing" not in deadlines


def test_the_alerts_pages_name_a_raised_window_alert_by_its_closing_day(login, alice):
    case = _demo_case(alice)
    reminded = datetime(2026, 12, 29, 9, 0, tzinfo=UTC)
    with time_machine.travel(reminded, tick=False):
        detect_due(now=reminded)
        client = login(alice)
        inbox = _text(client.get("/alerts/").content.decode())
        alert = case.alerts.get(rule="window")
        detail = _text(client.get(alert.get_absolute_url()).content.decode())
        dashboard = _text(client.get("/").content.decode())

    named = "UN urgent window closes 28 Jan 2027 — reminder 29 Dec"
    assert named in inbox
    assert "UN urgent window closes 28 Jan 2027" in detail
    assert "UN urgent window closing" not in detail
    assert f"TM-DEMO-001: {named}" in dashboard
