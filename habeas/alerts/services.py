"""Writes of the alerts app: deadlines recomputed when a case changes, rule 5
(risk flags), and what people do with alerts (acknowledge, snooze, settings).

`case_deadlines_update` is the one hook the cases services call; the watcher
also calls it for cases changed behind the services' back, so a missed hook
delays an alert by one pass, never loses it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.advocacy import selectors as advocacy
from habeas.audit.services import audit_record
from habeas.cases.models import Case, Priority

from . import delivery, outbox, rules
from .models import (
    Alert,
    AlertAction,
    AlertPreference,
    AlertSettings,
    CaseWatch,
    Deadline,
    Delivery,
    Rule,
)

log = logging.getLogger(__name__)

RISK_LABELS = {1: "torture", 2: "health", 4: "family reprisals"}


# --- deadlines ----------------------------------------------------------------------------


def _last_fired(case: Case) -> dict[tuple[str, str], list[tuple[str, datetime]]]:
    fired: dict[tuple[str, str], list[tuple[str, datetime]]] = {}
    for rule, subject, occurrence, due_at in Alert.objects.filter(case=case).values_list(
        "rule", "subject", "occurrence", "due_at"
    ):
        fired.setdefault((rule, subject), []).append((occurrence, due_at))
    return fired


def desired_deadlines(
    case: Case,
    eff: rules.Effective,
    *,
    now: datetime,
    fired: dict[tuple[str, str], list[tuple[str, datetime]]] | None = None,
    submitted: bool | None = None,
    has_interventions: bool = True,
) -> dict[tuple[str, str], rules.Due | None]:
    """Every rule's next due moment for `case`. `fired` (from _last_fired) lets a
    recomputation continue after the alerts already raised; `submitted` and
    `has_interventions`, when known from a bulk query, save per-case queries."""
    fired = fired or {}

    def last(rule: str, subject: str = "") -> datetime | None:
        dues = [due for _, due in fired.get((rule, subject), [])]
        return max(dues, default=None)

    def occurrences(rule: str, subject: str = "") -> set[str]:
        return {occ for occ, _ in fired.get((rule, subject), [])}

    wanted: dict[tuple[str, str], rules.Due | None] = {
        (Rule.QUIET, ""): rules.quiet_next(case, eff, now=now, after=last(Rule.QUIET)),
        (Rule.ANNIVERSARY, ""): rules.anniversary_next(
            case, eff, now=now, after=last(Rule.ANNIVERSARY)
        ),
        (Rule.WINDOW, ""): None,
    }
    if submitted is None and case.urgent_window_closes:
        submitted = advocacy.submission_sent(case=case)
    if case.urgent_window_closes and not submitted:
        wanted[(Rule.WINDOW, "")] = rules.window_next(
            case, eff, now=now, fired=occurrences(Rule.WINDOW)
        )
    if case.is_open and has_interventions:
        for item in advocacy.pending_for_case(case=case):
            if item.kind == "follow_up":
                due: rules.Due | None
                due = rules.follow_up_next(item.on, eff)
                if due[1] in occurrences(Rule.FOLLOW_UP, item.subject):
                    due = None
                wanted[(Rule.FOLLOW_UP, item.subject)] = due
            else:
                wanted[(Rule.RESPONSE_DEADLINE, item.subject)] = rules.steps_next(
                    item.on,
                    eff.response_steps,
                    now=now,
                    fired=occurrences(Rule.RESPONSE_DEADLINE, item.subject),
                )
    return wanted


def _store(case: Case, wanted: dict[tuple[str, str], rules.Due | None]) -> None:
    existing = {(d.rule, d.subject): d for d in Deadline.objects.filter(case=case)}
    for key, due in wanted.items():
        due_at, occurrence = due if due else (None, "")
        row = existing.pop(key, None)
        if row is None:
            if due_at is not None:
                Deadline.objects.create(
                    case=case, rule=key[0], subject=key[1], due_at=due_at, occurrence=occurrence
                )
        elif (row.due_at, row.occurrence) != (due_at, occurrence):
            Deadline.objects.filter(pk=row.pk).update(due_at=due_at, occurrence=occurrence)
    # Interventions answered or gone: nothing is due for them any more.
    Deadline.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()


@transaction.atomic
def case_watch_start(*, case: Case) -> None:
    """A case just opened: nothing seen of it yet, so every risk flag it was opened
    with is new (rule 5). Called by the cases service before the first update."""
    CaseWatch.objects.get_or_create(case=case, defaults={"risk_mask": 0})


@transaction.atomic
def case_deadlines_update(
    *, case: Case, by: User | None = None, now: datetime | None = None
) -> None:
    """Recompute every deadline of `case`, and raise rule 5 if a risk flag was
    newly set. Called by the cases services after each change (one line each)."""
    now = now or timezone.now()
    fresh = Case.objects.filter(pk=case.pk).first()
    if fresh is None:
        return
    # A case first seen here (imported, or older than the alerts) starts from the
    # flags it has: no burst of alerts for old news. One just opened starts from none
    # (case_watch_start), so flags ticked on the opening form alert the team at once.
    watch, created = CaseWatch.objects.get_or_create(
        case=fresh, defaults={"risk_mask": rules.risk_mask(fresh)}
    )
    if not created:
        _risk_check(case=fresh, watch=watch, by=by, now=now)
        case.priority = fresh.priority
    eff = rules.effective(AlertSettings.current(), watch)
    _store(fresh, desired_deadlines(fresh, eff, now=now, fired=_last_fired(fresh)))
    CaseWatch.objects.filter(pk=watch.pk).update(synced_for=fresh.updated_at)


def _risk_check(*, case: Case, watch: CaseWatch, by: User | None, now: datetime) -> None:
    """Rule 5: a newly set risk flag raises the priority (torture or health to
    urgent, family reprisals to high) and alerts the team at once."""
    mask = rules.risk_mask(case)
    new = mask & ~watch.risk_mask
    if mask == watch.risk_mask:
        return
    # Compare-and-set: of two writers (a request and the watcher) seeing the same
    # change, only one raises the alert.
    if not CaseWatch.objects.filter(pk=watch.pk, risk_mask=watch.risk_mask).update(risk_mask=mask):
        return
    if not new:
        return
    target = Priority.URGENT if new & 3 else Priority.HIGH
    if case.priority > target:
        Case.objects.filter(pk=case.pk).update(priority=target)
        audit_record(
            action="alert.priority_raise",
            actor=by,
            target=case,
            case=case,
            detail={"from": case.priority, "to": int(target), "flags": new},
        )
        case.priority = target
    labels = ", ".join(RISK_LABELS[bit] for bit in (1, 2, 4) if new & bit)
    outbox.alert_raise(
        case=case,
        rule=Rule.RISK,
        subject="",
        occurrence=f"{mask}@{now.isoformat(timespec='microseconds')}",
        due_at=now,
        title=f"{case.reference}: risk raised ({labels})",
        now=now,
    )


# --- what people do with alerts -----------------------------------------------------------


@transaction.atomic
def alert_acknowledge(*, alert: Alert, by: User, now: datetime | None = None) -> Alert:
    now = now or timezone.now()
    alert.state, alert.handled_by, alert.handled_at = Alert.State.ACKNOWLEDGED, by, now
    alert.snoozed_until = None
    alert.save(update_fields=["state", "handled_by", "handled_at", "snoozed_until"])
    AlertAction.objects.create(alert=alert, kind=AlertAction.Kind.ACKNOWLEDGE, user=by, at=now)
    # Someone has dealt with it: the daily digests still waiting leave it out (one
    # a watcher has already claimed goes out as it is).
    Delivery.objects.filter(
        alert=alert, digest=True, status=Delivery.Status.PENDING, claimed_at__isnull=True
    ).update(status=Delivery.Status.DROPPED)
    audit_record(action="alert.acknowledge", actor=by, target=alert, case=alert.case)
    return alert


@transaction.atomic
def alert_snooze(
    *, alert: Alert, until: datetime, reason: str, by: User, now: datetime | None = None
) -> Alert:
    now = now or timezone.now()
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why the alert can wait.")})
    if until <= now:
        raise ValidationError({"until": _("Snooze until a moment in the future.")})
    alert.state, alert.snoozed_until = Alert.State.SNOOZED, until
    alert.handled_by, alert.handled_at = by, now
    alert.save(update_fields=["state", "snoozed_until", "handled_by", "handled_at"])
    AlertAction.objects.create(
        alert=alert, kind=AlertAction.Kind.SNOOZE, user=by, at=now, until=until, reason=reason
    )
    audit_record(
        action="alert.snooze",
        actor=by,
        target=alert,
        case=alert.case,
        detail={"until": until.isoformat()},
    )
    return alert


@transaction.atomic
def deliveries_resend(
    *,
    deliveries: QuerySet[Delivery],
    by: User | None,
    alert: Alert | None = None,
    now: datetime | None = None,
) -> int:
    """Send failed notifications again, from the start: fresh attempts, at once,
    the same delivery id (a receiver that got it after all drops the copy). A row
    a watcher holds for a slow retry is left to it. Returns how many; one audit
    entry per call (`alert` names the alert when they are all of one)."""
    now = now or timezone.now()
    count = deliveries.filter(delivery.claimable(now), status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING,
        attempts=0,
        next_attempt_at=now,
        retry_until=None,
        claimed_at=None,
        claim_token=None,
    )
    if count:
        audit_record(
            action="alert.resend",
            actor=by,
            target=alert,
            case=alert.case if alert else None,
            detail={"deliveries": count},
        )
    return count


@transaction.atomic
def preference_set(*, user: User, email: str) -> AlertPreference:
    pref, _ = AlertPreference.objects.get_or_create(user=user)
    pref.email = email
    pref.full_clean()
    pref.save()
    audit_record(action="alert.preference", actor=user, target=user, detail={"email": email})
    return pref


@transaction.atomic
def settings_update(*, by: User, **fields: Any) -> AlertSettings:
    current = AlertSettings.current()
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    audit_record(action="alert.settings", actor=by, detail={"fields": sorted(fields)})
    # Deadlines follow on the watcher's next pass (it recomputes every case whose
    # settings changed, see watcher.settings_changed).
    return current


@transaction.atomic
def case_watch_update(*, case: Case, by: User, **fields: Any) -> CaseWatch:
    watch, _ = CaseWatch.objects.get_or_create(
        case=case, defaults={"risk_mask": rules.risk_mask(case)}
    )
    for name, value in fields.items():
        setattr(watch, name, value)
    watch.full_clean(exclude=["case"])
    watch.save()
    audit_record(
        action="alert.case_settings",
        actor=by,
        target=case,
        case=case,
        detail={"fields": sorted(fields)},
    )
    case_deadlines_update(case=case, by=by)
    return watch
