"""Detection: due deadlines become alerts, and each alert its deliveries, in one
transaction. A deadline is taken by compare-and-set on (due_at, occurrence), so
two watchers never raise the same alert, and a crash before commit loses nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import cast

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from habeas.advocacy import selectors as advocacy
from habeas.cases.models import Case

from . import outbox, rules
from .models import (
    Alert,
    AlertAction,
    AlertSettings,
    CaseWatch,
    Deadline,
    Delivery,
    Rule,
)
from .services import case_deadlines_update, desired_deadlines

log = logging.getLogger(__name__)

BATCH = 200  # deadlines per transaction
REBUILD_BATCH = 2000  # cases per transaction when every case is recomputed


def _title(case: Case, deadline: Deadline, now: datetime) -> str:
    ref = case.reference
    if deadline.rule == Rule.QUIET:
        # The figure the case page shows ("no new information for"), counted the same way.
        days = case.days_since_info(timezone.localdate(now))
        return f"{ref}: no new information for {days} days"
    if deadline.rule == Rule.WINDOW:
        step = deadline.occurrence.rsplit("/", 1)[-1]
        return f"{ref}: UN urgent window closes in {step} days; no submission recorded"
    if deadline.rule == Rule.ANNIVERSARY:
        years = deadline.occurrence.split("y", 1)[0]
        return f"{ref}: {years} year(s) since the disappearance"
    if deadline.rule == Rule.FOLLOW_UP:
        return f"{ref}: intervention without a response; follow up"
    if deadline.rule == Rule.RESPONSE_DEADLINE:
        step = deadline.occurrence.rsplit("/", 1)[-1]
        return f"{ref}: a response's deadline is in {step} days"
    return f"{ref}: {deadline.get_rule_display()}"


def _still_due(case: Case, deadline: Deadline) -> bool:
    """Conditions the services of other apps change without telling us."""
    if not case.is_open:
        return False
    if deadline.rule == Rule.WINDOW:
        return not advocacy.submission_sent(case=case)
    if deadline.rule in (Rule.FOLLOW_UP, Rule.RESPONSE_DEADLINE):
        return advocacy.still_pending(case=case, subject=deadline.subject)
    return True


def _next(case: Case, deadline: Deadline, eff, now: datetime) -> rules.Due | None:
    if deadline.rule == Rule.QUIET:
        return rules.quiet_next(case, eff, now=now, after=deadline.due_at)
    if deadline.rule == Rule.ANNIVERSARY:
        return rules.anniversary_next(case, eff, now=now, after=deadline.due_at)
    if deadline.rule == Rule.WINDOW:
        return rules.window_next(case, eff, now=now, fired={deadline.occurrence})
    if deadline.rule == Rule.RESPONSE_DEADLINE:
        closes = datetime.fromisoformat(deadline.occurrence.split("/")[0]).date()
        return rules.steps_next(closes, eff.response_steps, now=now, fired={deadline.occurrence})
    return None  # a follow-up is raised once


def detect_due(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Raise the alerts of every deadline due by `now`; return how many."""
    now = now or timezone.now()
    org = AlertSettings.current()
    raised = 0
    due = list(
        Deadline.objects.filter(due_at__lte=now)
        .select_related("case", "case__watch")
        .order_by("due_at", "id")[:limit]
    )
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        recipients = outbox.recipients_by_case([d.case_id for d in batch])
        with transaction.atomic():
            for deadline in batch:
                case = deadline.case
                eff = rules.effective(org, getattr(case, "watch", None))
                nxt = _next(case, deadline, eff, now) if case.is_open else None
                due_at, occurrence = nxt if nxt else (None, "")
                taken = Deadline.objects.filter(
                    pk=deadline.pk, due_at=deadline.due_at, occurrence=deadline.occurrence
                ).update(due_at=due_at, occurrence=occurrence)
                if not taken or not _still_due(case, deadline):
                    continue
                alert = outbox.alert_raise(
                    case=case,
                    rule=deadline.rule,
                    subject=deadline.subject,
                    occurrence=deadline.occurrence,
                    due_at=cast(datetime, deadline.due_at),  # due by now: set
                    title=_title(case, deadline, now),
                    now=now,
                    recipients=recipients.get(case.pk, []),
                )
                raised += alert is not None
    return raised


def wake_snoozed(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Snoozes that ran out: the alert is open again and its team is notified again,
    so that a snoozed alert cannot go silent. Return how many woke."""
    now = now or timezone.now()
    woken = 0
    due = list(
        Alert.objects.filter(state=Alert.State.SNOOZED, snoozed_until__lte=now).order_by(
            "snoozed_until", "id"
        )[:limit]
    )
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        recipients = outbox.recipients_by_case({a.case_id for a in batch})
        with transaction.atomic():
            for alert in batch:
                # Compare-and-set: of two watchers, only one wakes (and notifies).
                if not Alert.objects.filter(
                    pk=alert.pk, state=Alert.State.SNOOZED, snoozed_until=alert.snoozed_until
                ).update(
                    state=Alert.State.OPEN, snoozed_until=None, handled_by=None, handled_at=None
                ):
                    continue
                AlertAction.objects.create(
                    alert=alert,
                    kind=AlertAction.Kind.SNOOZE_ENDED,
                    at=now,
                    until=alert.snoozed_until,
                )
                Delivery.objects.bulk_create(
                    outbox.deliveries_for(alert, recipients.get(alert.case_id, []), now)
                )
                woken += 1
    return woken


# --- keeping deadlines in step with cases -------------------------------------------------


def sync_changed(*, now: datetime | None = None, limit: int = 2000) -> int:
    """Recompute cases changed without the hook (bulk imports, other apps' updates).
    Cheap when nothing changed: one pass over the case table's narrow columns."""
    now = now or timezone.now()
    changed = list(
        Case.objects.filter(
            Q(watch__isnull=True)
            | Q(watch__synced_for__isnull=True)
            | Q(updated_at__gt=F("watch__synced_for"))
        ).values_list("pk", flat=True)[:limit]
    )
    for case in Case.objects.filter(pk__in=changed):
        case_deadlines_update(case=case, now=now)
    return len(changed)


def rebuild_all(
    *,
    now: datetime | None = None,
    batch: int | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Recompute every case's deadlines (settings changed, or a bulk load). Alerts
    already raised are respected, so nothing is raised twice. Returns how many
    cases; ends early, between batches, once `stop()` is true (each batch is a
    transaction of its own, so a stopped rebuild is simply done again)."""
    now = now or timezone.now()
    batch = batch or REBUILD_BATCH
    org = AlertSettings.current()
    count = 0
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        if start and stop():
            break
        chunk = ids[start : start + batch]
        cases = list(Case.objects.filter(pk__in=chunk).select_related("watch"))
        fired: dict[int, dict] = defaultdict(dict)
        due_at: datetime | None  # an alert's here, then a deadline's (None: no deadline)
        for case_id, rule, subject, occ, due_at in Alert.objects.filter(
            case_id__in=chunk
        ).values_list("case_id", "rule", "subject", "occurrence", "due_at"):
            fired[case_id].setdefault((rule, subject), []).append((occ, due_at))
        existing = {
            (d.case_id, d.rule, d.subject): d for d in Deadline.objects.filter(case_id__in=chunk)
        }
        submitted = advocacy.submitted_among(case_ids=chunk)
        with_interventions = advocacy.cases_with_interventions(case_ids=chunk)
        watches, creates, updates = [], [], []
        for case in cases:
            watch = getattr(case, "watch", None)
            if watch is None:
                watches.append(
                    CaseWatch(
                        case=case, risk_mask=rules.risk_mask(case), synced_for=case.updated_at
                    )
                )
            eff = rules.effective(org, watch)
            for (rule, subject), due in desired_deadlines(
                case,
                eff,
                now=now,
                fired=fired.get(case.pk),
                submitted=case.pk in submitted,
                has_interventions=case.pk in with_interventions,
            ).items():
                due_at, occurrence = due if due else (None, "")
                row = existing.get((case.pk, rule, subject))
                if row is None and due_at is not None:
                    creates.append(
                        Deadline(
                            case=case,
                            rule=rule,
                            subject=subject,
                            due_at=due_at,
                            occurrence=occurrence,
                        )
                    )
                elif row is not None and (row.due_at, row.occurrence) != (due_at, occurrence):
                    row.due_at, row.occurrence = due_at, occurrence
                    updates.append(row)
        with transaction.atomic():
            CaseWatch.objects.bulk_create(watches, batch_size=1000)
            Deadline.objects.bulk_create(creates, batch_size=1000)
            Deadline.objects.bulk_update(updates, ["due_at", "occurrence"], batch_size=1000)
        count += len(cases)
    return count
