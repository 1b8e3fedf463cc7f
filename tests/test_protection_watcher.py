"""The ladder rides the watcher: registered as a step of every pass, it is noticed
within one pass of a deadline, survives a broken plan, and three watchers at once
(real processes on one database) open each escalation and send each stage once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from habeas.alerts import watcher
from habeas.protection import ladder
from habeas.protection.models import Escalation, Plan
from tests.support.alerts import SECRET, Receiver
from tests.support.protection_ladder import enrol_heron, minutes, run_watcher

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)


def test_the_ladder_is_a_step_of_every_watcher_pass(alice):
    assert watcher._EXTRA_STEPS["protection"] is ladder.watch_step
    with time_machine.travel(T0, tick=False):
        enrol_heron(alice, now=T0, contacts=False)
    with time_machine.travel(DEADLINE, tick=False):
        summary = run_watcher(DEADLINE)
    assert summary["protection"] == {"opened": 1, "climbed": 0, "plans_broken": 0}
    assert "protection_ms" in summary


def test_a_missed_check_in_is_noticed_by_the_first_pass_after_its_deadline(alice, settings):
    """With passes every HABEAS_WATCH_INTERVAL seconds, the first pass at or after
    the deadline opens the escalation: noticed within one interval."""
    with time_machine.travel(T0, tick=False):
        enrol_heron(alice, now=T0, contacts=False)
    interval = minutes(settings.HABEAS_WATCH_INTERVAL / 60)
    passes = [DEADLINE - interval * 2 + minutes(0.2) + interval * i for i in range(4)]
    noticed = None
    for moment in passes:
        with time_machine.travel(moment, tick=False):
            if run_watcher(moment)["protection"]["opened"]:
                noticed = moment
                break
    assert noticed is not None
    assert DEADLINE <= noticed < DEADLINE + interval


def test_a_plan_that_breaks_does_not_keep_the_others_from_escalating(alice, bob, monkeypatch):
    with time_machine.travel(T0, tick=False):
        first = enrol_heron(alice, now=T0, contacts=False)
        second = enrol_heron(bob, now=T0, contacts=False)
    real = ladder.schedule.next_deadline

    def broken(plan, after):
        if plan.at_risk_id == first.pk:
            raise RuntimeError("a bad row")
        return real(plan, after)

    monkeypatch.setattr(ladder.schedule, "next_deadline", broken)
    with time_machine.travel(DEADLINE, tick=False):
        summary = run_watcher(DEADLINE)
    assert summary["protection"]["opened"] == 1
    assert Escalation.objects.get().at_risk_id == second.pk
    assert Plan.objects.get(at_risk=first).next_deadline == DEADLINE, "tried again next pass"


# Three watchers at once, as real processes on one database

SEED = """
from datetime import timedelta
from django.utils import timezone
from habeas.accounts.models import User
from habeas.protection.models import AtRisk, AtRiskMember, Plan, SafetyContact
user = User.objects.create_user(username="w", password="x" * 20, email="w@org.example")
now = timezone.now()
for i in range({n}):
    a = AtRisk.objects.create(code_name=f"P{{i}}", consent_on=now.date(), consent_how="x")
    AtRiskMember.objects.create(at_risk=a, user=user, role="lead")
    # Missed five hours ago: the team (after 1 h) and the contacts (after 4 h) are due.
    Plan.objects.create(
        at_risk=a, kind="interval", every_hours=12, team_after=60, contacts_after=240,
        link_key=f"k{{i}}", pin_hash="x", duress_pin_hash="y",
        next_deadline=now - timedelta(hours=5),
    )
    SafetyContact.objects.create(at_risk=a, name=f"C{{i}}", channel="webhook", target="{url}")
"""

REPORT = """
import json
from habeas.alerts.models import Delivery
from habeas.protection.models import Escalation
print(json.dumps({
    "escalations": Escalation.objects.count(),
    "stages": sorted(Escalation.objects.values_list("stage", flat=True).distinct()),
    "deliveries": Delivery.objects.count(),
    "sent": Delivery.objects.filter(status="sent").count(),
    "references": Delivery.objects.values("reference").distinct().count(),
}))
"""


@pytest.fixture
def shared_db(transactional_db, tmp_path):
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'watch.sqlite3'}"
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def habeas(url: str, *args: str, env: dict | None = None):
    full = {**os.environ, "HABEAS_DATABASE_URL": url, **(env or {})}
    full.pop("HABEAS_EXPECT_DATABASE", None)
    command = [str(Path(sys.executable).parent / "habeas"), *args]
    return subprocess.Popen(
        command, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def run(url: str, *args: str, env: dict | None = None) -> str:
    process = habeas(url, *args, env=env)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-2000:]
    return out


def test_three_watchers_at_once_open_each_escalation_and_send_each_stage_once(shared_db):
    n = 15
    with Receiver() as receiver:
        env = {
            # The team hears through the organisation's webhook, the contacts
            # through a partner's: both the receiver here.
            "HABEAS_WEBHOOK_URLS": receiver.url,
            "HABEAS_WEBHOOK_SECRET": SECRET,
            "HABEAS_PROTECTION_WEBHOOK_URLS": receiver.url,
            "HABEAS_PROTECTION_WEBHOOK_SECRET": SECRET,
            "HABEAS_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        if shared_db.startswith("sqlite"):
            run(shared_db, "migrate", "--verbosity", "0")
        run(shared_db, "shell", "-c", SEED.format(n=n, url=receiver.url), env=env)
        watchers = [habeas(shared_db, "watch", "--once", env=env) for _ in range(3)]
        for w in watchers:
            _, err = w.communicate(timeout=300)
            assert w.returncode == 0, err[-2000:]
        got = json.loads(run(shared_db, "shell", "-c", REPORT).strip().splitlines()[-1])
    assert got["escalations"] == n
    assert got["stages"] == ["contacts"]
    # Per person: one e-mail and one webhook for the team, one webhook for the contact.
    assert got["deliveries"] == 3 * n
    assert got["references"] == 2 * n
    assert got["sent"] == 3 * n
    # Each webhook reached the receiver once: not even a duplicate on the wire.
    assert len(receiver.requests) == 2 * n
    assert len(receiver.delivered) == 2 * n
    kinds = sorted(p.get("type") for p in receiver.delivered.values())
    assert kinds == ["protection.missed"] * (2 * n)
