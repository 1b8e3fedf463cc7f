"""The dashboard's "Escalations in progress": the user's protection teams only, with
the code name, the cause, the stage, the time to the next step and a link."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from habeas.protection import ladder
from tests.support.protection_ladder import enrol_heron, minutes, run_watcher

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)


def dashboard(login, user, moment) -> str:
    with time_machine.travel(moment, tick=False):
        response = login(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_missed_check_in_shows_with_its_stage_and_next_step(login, alice, bob, charlie):
    with time_machine.travel(T0, tick=False):
        heron = enrol_heron(alice, bob, now=T0, contacts=False)
    page = dashboard(login, alice, DEADLINE - minutes(1))
    assert "Escalations in progress" not in page, "no section while nothing is open"
    with time_machine.travel(DEADLINE + minutes(20), tick=False):
        run_watcher(DEADLINE + minutes(20))
    page = dashboard(login, alice, DEADLINE + minutes(21))
    assert "Escalations in progress" in page
    assert f'href="/protection/{heron.public_id}/">HERON</a>' in page
    assert "Missed check-in" in page
    assert "Reminder sent" in page
    assert "Alert the team in 39\xa0minutes" in page
    # bob is on the team too; charlie is not, and sees nothing of it.
    assert "HERON" in dashboard(login, bob, DEADLINE + minutes(21))
    page = dashboard(login, charlie, DEADLINE + minutes(21))
    assert "HERON" not in page and "Escalations in progress" not in page


def test_a_step_overdue_says_so_and_the_top_waits_for_the_team(login, alice):
    with time_machine.travel(T0, tick=False):
        heron = enrol_heron(alice, now=T0, contacts=False)
    with time_machine.travel(DEADLINE, tick=False):
        run_watcher(DEADLINE)
    # The watcher is down: the reminder is late.
    assert "Remind the person: due now" in dashboard(login, alice, DEADLINE + minutes(30))
    with time_machine.travel(DEADLINE + minutes(40), tick=False):
        ladder.escalate_duress(heron, DEADLINE + minutes(40))
    page = dashboard(login, alice, DEADLINE + minutes(41))
    assert "Duress signal" in page
    assert "Safety contacts alerted" in page
    assert "Waiting for the team to verify and close it" in page
