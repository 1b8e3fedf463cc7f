"""One pass of `habeas watch`: keep deadlines in step, raise what is due,
deliver what is waiting for at most HABEAS_DELIVERY_PASS_SECONDS, do the daily
housekeeping, and leave a heartbeat for the health check.

Each step catches its own failure (logged, kept in the heartbeat) so that one
broken step — an unreachable mail server, a bad row — never stops the others or
turns the watcher into a crash loop. Delivery is bounded in time, so alerts keep
being raised every pass however slow an endpoint is; a pass that leaves due
deliveries behind says so (`delivered.more`) and the loop starts the next at once.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from habeas.accounts.services import login_tallies_summarise
from habeas.advocacy import selectors as advocacy
from habeas.cases.models import Case

from . import audit_head, delivery, detection
from .models import AlertSettings, Delivery, WatcherState
from .services import case_deadlines_update

log = logging.getLogger(__name__)

ADVOCACY_MARGIN = timedelta(minutes=5)
HOUSEKEEPING_EVERY = timedelta(days=1)


# Steps an app above alerts adds to every pass (`register_step`, from its
# AppConfig.ready): the watcher cannot import those apps (the import layers), yet
# their work must ride the same loop, heartbeat and crash-safe outbox. They run
# after alerts are raised and before delivery, so what they hand to the outbox
# leaves in the same pass.
StepFn = Callable[[datetime, Callable[[], bool]], object]
_EXTRA_STEPS: dict[str, StepFn] = {}


def register_step(name: str, step: StepFn) -> None:
    """Add `step(now, stop)` to every pass under `name` (its result goes in the
    heartbeat's summary). Registering a name again replaces it."""
    _EXTRA_STEPS[name] = step


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _state() -> WatcherState:
    state = WatcherState.objects.filter(pk=1).first()
    if state is None:
        state, _ = WatcherState.objects.get_or_create(pk=1)
    return state


def _follow_settings_and_advocacy(state: WatcherState, now: datetime, stop) -> int:
    """Recompute all cases after the organisation's settings changed, and the
    cases of interventions or responses recorded since the last pass."""
    count = 0
    org_changed = AlertSettings.objects.filter(pk=1).values_list("updated_at", flat=True).first()
    if org_changed and (state.settings_applied is None or org_changed > state.settings_applied):
        count += detection.rebuild_all(now=now, stop=stop)
        if stop():  # perhaps stopped half-way: the next watcher does it all again
            return count
        WatcherState.objects.filter(pk=1).update(settings_applied=org_changed)
    # A margin, so that a row committed just before the last look is not missed;
    # recomputing a case twice is harmless.
    since = state.advocacy_seen_at - ADVOCACY_MARGIN if state.advocacy_seen_at else None
    changed = advocacy.cases_changed_since(since)
    if changed:
        for case in Case.objects.filter(pk__in=changed):
            case_deadlines_update(case=case, now=now)
            count += 1
    WatcherState.objects.filter(pk=1).update(advocacy_seen_at=now)
    return count


def _purge_sessions(state: WatcherState, now: datetime) -> int:
    """Once a day, delete expired sessions (each login leaves a row behind; a
    session closed with the browser is never deleted by a logout). Returns how
    many; the compare-and-set lets one watcher of two do it."""
    last = state.sessions_purged_at
    if last is not None and last <= now < last + HOUSEKEEPING_EVERY:
        return 0
    if not WatcherState.objects.filter(pk=1, sessions_purged_at=last).update(
        sessions_purged_at=now
    ):
        return 0
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted


def _deliver(outbox: delivery.Outbox | None, worker: str, now, stop) -> dict:
    if outbox is not None:
        return outbox.run(now=now, stop=stop)
    return delivery.deliver_due(now=now, worker=worker)


def watch_pass(
    *,
    now: datetime | None = None,
    worker: str | None = None,
    outbox: delivery.Outbox | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> dict:
    """One full pass; returns what it did (also stored in the heartbeat). A
    long-running watcher passes its `outbox` (breakers and slow sends live on
    across passes) and a `stop` that ends the delivery step early; without one,
    the pass waits for its sends to end."""
    worker = worker or worker_name()
    started = now or timezone.now()
    state = _state()
    WatcherState.objects.filter(pk=1).update(last_pass_started=started, last_worker=worker)
    summary: dict = {}
    errors = []
    steps = (
        ("followed", lambda: _follow_settings_and_advocacy(state, started, stop)),
        ("synced", lambda: detection.sync_changed(now=started)),
        ("raised", lambda: detection.detect_due(now=started)),
        ("woken", lambda: detection.wake_snoozed(now=started)),
        *((name, lambda step=step: step(started, stop)) for name, step in _EXTRA_STEPS.items()),
        ("delivered", lambda: _deliver(outbox, worker, now, stop)),
        ("sessions_purged", lambda: _purge_sessions(state, started)),
        # Login failures counted in a window that is over, summed up in the audit log even
        # when no login event follows (they were written only at the next one).
        ("login_tallies_summarised", lambda: login_tallies_summarise(now=started)),
        ("audit_head", lambda: audit_head.audit_head_export_due(now=started, stop=stop)),
    )
    for name, step in steps:
        t0 = time.perf_counter()
        try:
            summary[name] = step()
        except Exception as exc:  # reported; the next step still runs
            log.exception("watch: step %s failed", name)
            errors.append(f"{name}: {type(exc).__name__}")
        summary[f"{name}_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    finished = timezone.now() if now is None else now
    WatcherState.objects.filter(pk=1).update(
        last_pass_finished=finished,
        last_summary=summary,
        last_error="; ".join(errors)[:500],
    )
    return summary


def watcher_status(*, now: datetime | None = None) -> dict:
    """For /health/watch/ and the dashboard: is the watcher alive and keeping up?"""
    now = now or timezone.now()
    state = WatcherState.objects.filter(pk=1).first()
    last = state.last_pass_finished if state else None
    stale_after = timedelta(seconds=settings.HABEAS_WATCH_STALE_SECONDS)
    age = (now - last).total_seconds() if last else None
    return {
        "last_pass": last,
        "age_seconds": None if age is None else max(0, round(age)),
        # age is None only when last is.
        "stale": last is None or age > stale_after.total_seconds() or age < -60,  # type: ignore[operator]
        "last_error": state.last_error if state else "",
        "failed_deliveries": Delivery.objects.filter(status=Delivery.Status.FAILED).count(),
    }
