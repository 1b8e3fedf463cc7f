"""Watchers as real processes on one database: two at once never send twice, and
one killed mid-send loses nothing (its claim is taken over after the lease).

SQLite: a file database of the test's own (the in-memory test database is not
shared between processes). PostgreSQL: the test database itself, committed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.support.alerts import SECRET, Receiver

SEED = """
from datetime import timedelta
from django.utils import timezone
from habeas.accounts.models import User
from habeas.cases import services as cases
from habeas.cases.models import Case
from habeas.alerts import detection
user = User.objects.create_user(username="w", password="x" * 20)
for i in range({n}):
    person = cases.person_create(name=f"Person {{i}}", by=user)
    cases.case_create(reference=f"W-{{i}}", person=person, country="TM", by=user)
# Opened and last heard of a month ago (a "gone quiet" alert is due N days after
# the later of the two): every case has its alert due now. The last contact is dated:
# a case entered with no date at all is no live trail (rules.live_trail).
from habeas.lib.partialdate import PartialDate
month_ago = timezone.now() - timedelta(days=30)
Case.objects.update(
    last_info_at=month_ago,
    created_at=month_ago,
    last_contact_on=PartialDate.parse(month_ago.date().isoformat()),
)
detection.rebuild_all()
"""

REPORT = """
import json
from habeas.alerts.models import Alert, Delivery, DeliveryAttempt
print(json.dumps({
    "alerts": Alert.objects.count(),
    "sent": Delivery.objects.filter(status="sent").count(),
    "pending": Delivery.objects.filter(status="pending").count(),
    "attempts": sorted(Delivery.objects.values_list("attempts", flat=True)),
    "tries": DeliveryAttempt.objects.count(),
}))
"""


@pytest.fixture
def shared_db(transactional_db, tmp_path):
    """The URL of a database that separate processes can share (committed data)."""
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'watch.sqlite3'}"
    else:
        s = connection.settings_dict
        url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    return url


def habeas(url: str, *args: str, env: dict | None = None, **kw):
    full = {**os.environ, "HABEAS_DATABASE_URL": url, **(env or {})}
    full.pop("HABEAS_EXPECT_DATABASE", None)
    command = [str(Path(sys.executable).parent / "habeas"), *args]
    return subprocess.Popen(
        command, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw
    )


def run(url: str, *args: str, env: dict | None = None) -> str:
    process = habeas(url, *args, env=env)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-2000:]
    return out


def prepare(url: str, n: int, receiver: Receiver) -> dict:
    env = {"HABEAS_WEBHOOK_URLS": receiver.url, "HABEAS_WEBHOOK_SECRET": SECRET}
    if url.startswith("sqlite"):
        run(url, "migrate", "--verbosity", "0")
    run(url, "shell", "-c", SEED.format(n=n), env=env)
    return env


def report(url: str) -> dict:
    return json.loads(run(url, "shell", "-c", REPORT).strip().splitlines()[-1])


def test_two_watchers_at_once_raise_and_send_each_alert_once(shared_db):
    n = 40
    with Receiver() as receiver:
        env = prepare(shared_db, n, receiver)
        watchers = [habeas(shared_db, "watch", "--once", env=env) for _ in range(3)]
        for w in watchers:
            _, err = w.communicate(timeout=300)
            assert w.returncode == 0, err[-2000:]
        got = report(shared_db)
    assert got["alerts"] == n
    assert got["sent"] == n and got["pending"] == 0
    assert got["attempts"] == [1] * n
    # Not even a duplicate request on the wire: the receiver's raw log has n entries.
    assert len(receiver.requests) == n
    assert len(receiver.delivered) == n


def test_a_watcher_killed_mid_send_loses_nothing_and_sends_once_after_restart(shared_db):
    with Receiver("hang", hang_seconds=60) as receiver:
        env = prepare(shared_db, 1, receiver)
        env |= {"HABEAS_WEBHOOK_TIMEOUT": "50", "HABEAS_WATCH_INTERVAL": "1"}
        first = habeas(shared_db, "watch", env=env)
        try:
            deadline = time.monotonic() + 60
            while receiver.arrived == 0 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert receiver.arrived == 1, "the watcher never reached the endpoint"
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        claimed = report(shared_db)
        assert claimed["sent"] == 0 and claimed["pending"] == 1 and claimed["tries"] == 1

        receiver.mode = "ok"
        # Within the lease the claim is respected: a second watcher leaves it alone.
        run(shared_db, "watch", "--once", env=env | {"HABEAS_DELIVERY_LEASE_SECONDS": "600"})
        assert report(shared_db)["pending"] == 1 and receiver.delivered == {}
        # After the lease it is taken over and sent, once.
        time.sleep(1.2)
        run(shared_db, "watch", "--once", env=env | {"HABEAS_DELIVERY_LEASE_SECONDS": "1"})
        run(shared_db, "watch", "--once", env=env | {"HABEAS_DELIVERY_LEASE_SECONDS": "1"})
        got = report(shared_db)
    assert got["sent"] == 1 and got["pending"] == 0
    assert got["attempts"] == [2] and got["tries"] == 2
    assert len(receiver.delivered) == 1 and len(receiver.requests) == 1


def test_sigterm_stops_a_watcher_within_seconds_even_mid_send(shared_db):
    """GIVEN a watcher stuck in a send to an endpoint that never answers (50-s timeout)
    WHEN it gets SIGTERM
    THEN it exits cleanly within a few seconds, and the send it left is still
    pending, to be taken over after the lease."""
    with Receiver("hang", hang_seconds=60) as receiver:
        env = prepare(shared_db, 1, receiver)
        env |= {"HABEAS_WEBHOOK_TIMEOUT": "50", "HABEAS_WATCH_INTERVAL": "1"}
        watcher = habeas(shared_db, "watch", env=env)
        try:
            deadline = time.monotonic() + 60
            while receiver.arrived == 0 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert receiver.arrived == 1, "the watcher never reached the endpoint"
            time.sleep(0.5)  # well inside the send
            sent_at = time.monotonic()
            watcher.send_signal(signal.SIGTERM)
            out, err = watcher.communicate(timeout=30)
            took = time.monotonic() - sent_at
        finally:
            if watcher.poll() is None:
                watcher.kill()
        got = report(shared_db)
    assert watcher.returncode == 0, err[-2000:]
    assert took < 5, f"SIGTERM took {took:.1f} s"
    assert out.strip().endswith("Watcher stopped.")
    assert got["sent"] == 0 and got["pending"] == 1 and got["tries"] == 1


def test_a_backlog_on_a_slow_endpoint_keeps_flowing_between_passes(shared_db):
    """GIVEN a slow but working endpoint (half a second an answer), twenty notifications
    due, passes of one second and thirty seconds between passes
    WHEN the watcher runs for a few seconds
    THEN it does not wait the thirty seconds while deliveries are left: passes follow
    one another (each raising what fell due) until the backlog is gone."""
    n = 20
    with Receiver("slow", hang_seconds=0.5) as receiver:
        env = prepare(shared_db, n, receiver)
        env |= {"HABEAS_DELIVERY_PASS_SECONDS": "1", "HABEAS_WATCH_INTERVAL": "30"}
        watcher = habeas(shared_db, "watch", env=env)
        try:
            deadline = time.monotonic() + 45
            while len(receiver.delivered) < n and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            watcher.send_signal(signal.SIGTERM)
            watcher.communicate(timeout=30)
    # Two threads, half a second a send: five seconds of sending over several passes
    # (sleeping thirty seconds after the first would take two minutes).
    assert len(receiver.delivered) == n
