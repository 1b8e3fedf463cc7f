"""The escalation ladder: a missed check-in climbs, stage by stage, until someone
closes it (docs/protection.md, "The ladder").

    missed ─► reminder to the person (optional) ─► the team ─► safety contacts and partners

Each stage is due at the plan's minutes after the missed deadline (grace
included). The watcher runs `watch_step` every pass (registered in
`ProtectionConfig.ready`):

1. Plans whose `next_deadline` has passed — one range scan of an indexed column —
   open an escalation (cause MISSED). The plan's deadline is moved on by
   compare-and-set first, so of two watchers only one opens it.
2. Every open escalation below the top climbs to each stage now due, ONE STAGE AT
   A TIME, IN ORDER, each by compare-and-set on the stage it is leaving, in the
   same transaction as the notifications that stage owes: a stage is sent once,
   whatever the number of watchers, and never again.

What follows from that:

- The watcher was down for an hour: on restart, every stage now due runs once, in
  order, in the one pass (the team's notifications are queued before the contacts').
- The clock set back then forward: a stage only ever moves up, so nothing is sent
  twice; a stage due "in the past" of a clock set back simply waits.
- A plan edited during an escalation: the escalation keeps its stage (never
  repeated, never back); the stage times are read from the plan at every pass, so
  new minutes apply to the stages not yet reached.
- A paused plan or an ended enrolment opens nothing. A pause does not stop an
  escalation already open: only a team member closes one.

`Plan.next_deadline` is only ever the next check-in deadline (services.plan_set,
`on_check_in`); the ladder's own times come from the open escalations.

Notifications go through the alerts' crash-safe outbox (habeas.alerts.outbox
`sealed_delivery`): written with the stage change in one transaction, sent by the
delivery step of the same pass, retried with the outbox's backoff and breakers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from habeas.alerts import outbox
from habeas.alerts.models import AlertPreference, Delivery
from habeas.audit.services import audit_record

from . import notices, schedule
from .models import AtRisk, AtRiskMember, Escalation, Plan, SafetyContact

if TYPE_CHECKING:
    from habeas.accounts.models import User

log = logging.getLogger(__name__)

Stage = Escalation.Stage
ORDER: dict[str, int] = {Stage.MISSED: 0, Stage.REMINDED: 1, Stage.TEAM: 2, Stage.CONTACTS: 3}
# Plans looked at per pass: far more than can be due at once; the rest next pass.
BATCH = 5000
# Escalations written per transaction (and per audit entry).
CHUNK = 100
# The audit log's actor for what the watcher does on its own, and for what a
# check-in sets off (the person at risk has no account).
WATCHER = "watcher"
CHECK_IN = "check-in"


def stage_times(plan: Plan, escalation: Escalation) -> list[tuple[str, datetime]]:
    """The stages not yet reached and when each is due, by the plan as it is now.
    Each comes no earlier than the one before (the form keeps them in order; a plan
    saved otherwise must not make the contacts hear before the team)."""
    if escalation.cause == Escalation.Cause.DURESS:
        return []
    base = escalation.missed_deadline
    steps: list[tuple[str, int]] = []
    if plan.remind_after is not None and plan.reminder_channel:
        steps.append((Stage.REMINDED, plan.remind_after))
    steps.append((Stage.TEAM, plan.team_after))
    steps.append((Stage.CONTACTS, plan.contacts_after))
    out: list[tuple[str, datetime]] = []
    floor = base
    for stage, minutes in steps:
        at = max(base + timedelta(minutes=minutes), floor)
        floor = at
        if ORDER[stage] > ORDER[escalation.stage]:
            out.append((stage, at))
    return out


def next_step(plan: Plan, escalation: Escalation) -> tuple[str, datetime] | None:
    """The next stage of an open escalation and when it is due; None at the top."""
    steps = stage_times(plan, escalation)
    return steps[0] if steps else None


def safe_next_step(plan: Plan, escalation: Escalation) -> tuple[str, datetime] | None:
    """`next_step` for the pages: a plan whose times cannot be computed (a bad row)
    shows no next step rather than breaking the page (the watcher counts it)."""
    try:
        return next_step(plan, escalation)
    except (OverflowError, ValueError, TypeError) as error:
        log.error("protection: plan %s: no next step (%s)", plan.pk, type(error).__name__)
        return None


# --- The watcher's step ----------------------------------------------------------


def watch_step(now: datetime, stop: Callable[[], bool]) -> dict[str, int]:
    """One pass: open what was missed, climb what is due. Returns counts for the
    watcher's heartbeat."""
    broken: set[int] = set()
    opened = _open_missed(now, stop, broken)
    climbed = _climb(now, stop, broken)
    # Plans whose times could not be computed (a bad row): skipped, the others
    # escalate; counted here so that the heartbeat shows them until fixed.
    return {"opened": opened, "climbed": climbed, "plans_broken": len(broken)}


def _chunks(rows: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _open_missed(now: datetime, stop: Callable[[], bool], broken: set[int]) -> int:
    """Plans whose deadline has passed, CHUNK to a transaction and one audit entry
    listing the escalations it opened: a watcher back from downtime with a thousand
    deadlines missed writes them in seconds, without holding the database for all of
    them at once."""
    due = list(
        Plan.objects.filter(next_deadline__lte=now)
        .select_related("at_risk")
        .order_by("next_deadline", "pk")[:BATCH]
    )
    opened = 0
    for chunk in _chunks(due):
        if stop():
            break
        try:
            with transaction.atomic():
                opened += _open_chunk(chunk, now, broken)
        except Exception:  # the audit log or the database: the next pass tries again
            log.exception("protection: %d missed deadlines not escalated this pass", len(chunk))
    return opened


def _rearm(plan: Plan, after: datetime, now: datetime) -> datetime | None:
    """The plan's next deadline after a missed one, past `now` (a watcher down for
    days must not leave it in the past, found due pass after pass)."""
    deadline = schedule.next_deadline(plan, after)
    for _ in range(1000):
        if deadline is None or deadline > now:
            return deadline
        deadline = schedule.next_deadline(plan, deadline)
    return schedule.next_deadline(plan, now)


def _open_chunk(plans: list[Plan], now: datetime, broken: set[int] | None = None) -> int:
    broken = set() if broken is None else broken
    busy = set(
        Escalation.objects.filter(
            at_risk_id__in=[p.at_risk_id for p in plans], closed_at__isnull=True
        ).values_list("at_risk_id", flat=True)
    )
    new = []
    for plan in plans:
        try:
            # Computed before anything is written: a plan that fails here (a bad
            # row) leaves the others to escalate and is tried again next pass.
            escalation = _open_one(plan, now, busy)
        except Exception as error:
            # The plan's id and the error's kind only: never its values.
            log.error(
                "protection: plan %s could not be escalated (%s)", plan.pk, type(error).__name__
            )
            broken.add(plan.pk)
            continue
        if escalation is not None:
            new.append(escalation)
    if not new:
        return 0
    # One open escalation per person (a database constraint): a duress signal that
    # came since `busy` was read wins, and this row is skipped.
    Escalation.objects.bulk_create(new, ignore_conflicts=True)
    opened = list(
        Escalation.objects.filter(
            at_risk_id__in=[e.at_risk_id for e in new],
            cause=Escalation.Cause.MISSED,
            started_at=now,
            closed_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    if opened:
        audit_record(
            action="protection.escalation_open",
            username=WATCHER,
            detail={"cause": Escalation.Cause.MISSED, "escalations": opened},
        )
    return len(opened)


def _open_one(plan: Plan, now: datetime, busy: set[int]) -> Escalation | None:
    """The escalation `plan`'s passed deadline opens (unsaved), if it is still ours
    to open; the plan's deadline moved on either way."""
    at_risk, deadline = plan.at_risk, plan.next_deadline
    if deadline is None:
        return None
    pk = plan.pk
    if at_risk.ended_at is not None or at_risk.case_id is not None:
        Plan.objects.filter(pk=pk, next_deadline=deadline).update(next_deadline=None)
        return None
    if plan.paused_until is not None and plan.paused_until > now:
        # Paused after this deadline was set: nothing is due until the pause ends.
        Plan.objects.filter(pk=pk, next_deadline=deadline).update(
            next_deadline=schedule.next_deadline(plan, now)
        )
        return None
    rearmed = _rearm(plan, deadline, now)
    # Compare-and-set on the deadline read: another watcher, or a check-in that
    # has just come, moved it; then this deadline is not ours to escalate.
    if not Plan.objects.filter(pk=pk, next_deadline=deadline).update(next_deadline=rearmed):
        return None
    if at_risk.pk in busy:
        return None  # still climbing for an earlier miss (or a duress signal)
    return Escalation(
        at_risk=at_risk,
        cause=Escalation.Cause.MISSED,
        missed_deadline=deadline,
        started_at=now,
        stage=Stage.MISSED,
        stage_at=now,
        plan_version=plan.version,
    )


@dataclass
class _Audience:
    """Who hears about the people of one chunk, read in three queries for all."""

    members: dict[int, list[User]]
    prefs: dict[int, str]
    contacts: dict[int, list[SafetyContact]]

    @classmethod
    def of(cls, at_risk_ids: list[int]) -> _Audience:
        members: dict[int, list[User]] = defaultdict(list)
        for m in (
            AtRiskMember.objects.filter(at_risk_id__in=at_risk_ids, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
        ):
            members[m.at_risk_id].append(m.user)
        prefs = outbox.email_preferences({u.pk for us in members.values() for u in us})
        contacts: dict[int, list[SafetyContact]] = defaultdict(list)
        for c in SafetyContact.objects.filter(at_risk_id__in=at_risk_ids).order_by("pk"):
            contacts[c.at_risk_id].append(c)
        return cls(members, prefs, contacts)


def _climb(now: datetime, stop: Callable[[], bool], broken: set[int]) -> int:
    """Every open escalation below the top, up to each stage now due. The stages'
    notifications are queued in order (the reminder's, the team's, the contacts'),
    and the escalation moves to the highest of them by one compare-and-set on the
    stage it was read at: all or nothing, once. A chunk's stage changes, their
    notifications and one audit entry listing them are one transaction."""
    climbing = list(
        Escalation.objects.filter(closed_at__isnull=True, at_risk__ended_at__isnull=True)
        .exclude(stage=Stage.CONTACTS)
        .select_related("at_risk", "at_risk__plan")
        .order_by("missed_deadline", "pk")
    )
    due = []
    for escalation in climbing:
        try:
            plan = escalation.at_risk.plan
        except Plan.DoesNotExist:
            continue
        try:
            steps = [stage for stage, at in stage_times(plan, escalation) if at <= now]
        except Exception as error:
            # One plan's times (a bad row: minutes past any date) never stop the
            # others' escalations; it is tried again next pass.
            log.error("protection: plan %s: no stage times (%s)", plan.pk, type(error).__name__)
            broken.add(plan.pk)
            continue
        if steps:
            due.append((escalation, plan, steps))
    climbed = 0
    for chunk in _chunks(due):
        if stop():
            break
        audience = _Audience.of([e.at_risk_id for e, _plan, _steps in chunk])
        try:
            with transaction.atomic():
                rows: list[Delivery] = []
                reached: list[tuple[int, str]] = []
                for escalation, plan, steps in chunk:
                    try:
                        # Rendered before anything is written: a contact that cannot
                        # be read leaves the others to climb (and is logged).
                        mine = [
                            row
                            for stage in steps
                            for row in _stage_rows(escalation, plan, stage, now, audience)
                        ]
                    except Exception:
                        log.exception("protection: escalation %s could not climb", escalation.pk)
                        continue
                    if _advance(escalation, steps[-1], now):
                        rows += mine
                        reached += [(escalation.pk, stage) for stage in steps]
                Delivery.objects.bulk_create(rows)
                if reached:
                    audit_record(
                        action="protection.escalation_stage",
                        username=WATCHER,
                        detail={"stages": reached},
                    )
            climbed += len(reached)
        except Exception:
            log.exception("protection: %d escalations not climbed this pass", len(chunk))
    return climbed


def _advance(escalation: Escalation, stage: str, now: datetime) -> bool:
    """Move the escalation up to `stage` if it is still open and where we read it."""
    won = Escalation.objects.filter(
        pk=escalation.pk, stage=escalation.stage, closed_at__isnull=True
    ).update(stage=stage, stage_at=now)
    if won:
        escalation.stage, escalation.stage_at = stage, now
    return bool(won)


# --- Notifications -----------------------------------------------------------------


def _reference(escalation: Escalation | None, at_risk: AtRisk, stage: str) -> str:
    about = f"escalation:{escalation.public_id}" if escalation else f"at_risk:{at_risk.public_id}"
    return f"{about}:{stage}"


def _webhook_target(url: str) -> str:
    """The endpoint key a protection webhook's breaker goes by: the position of its
    URL among the configured ones, so that no address is kept in the clear."""
    configured = [u for u, _secret in settings.HABEAS_PROTECTION_WEBHOOKS]
    position = configured.index(url) if url in configured else "unconfigured"
    return f"protection-webhook:{position}"


def _team_rows(
    at_risk: AtRisk,
    render: Callable[[], dict[str, Any]],
    reference: str,
    now: datetime,
    kind: str,
    escalation: Escalation | None,
    audience: _Audience,
) -> list[Delivery]:
    """The team's e-mails, each in the member's language, per their alert preference
    (off: none — the dashboard still shows it; a daily digest would come too late, so
    digest readers get it at once), and the organisation's webhooks."""
    rows = []
    for user in audience.members.get(at_risk.pk, []):
        if audience.prefs.get(user.pk) == AlertPreference.Email.OFF or not user.email:
            continue
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            message = render()
        rows.append(
            outbox.sealed_delivery(
                reference=reference,
                channel=Delivery.Channel.EMAIL,
                message=message,
                user=user,
                now=now,
            )
        )
    if settings.HABEAS_WEBHOOKS:
        with translation.override(settings.LANGUAGE_CODE):
            payload = notices.team_webhook(render(), at_risk, escalation, kind)
        for url, _secret in settings.HABEAS_WEBHOOKS:
            rows.append(
                outbox.sealed_delivery(
                    reference=reference,
                    channel=Delivery.Channel.WEBHOOK,
                    message=payload,
                    target=url,
                    now=now,
                )
            )
    return rows


def _contact_rows(
    at_risk: AtRisk,
    escalation: Escalation,
    now: datetime,
    audience: _Audience,
    label: str = Stage.CONTACTS,
) -> list[Delivery]:
    rows = []
    reference = _reference(escalation, at_risk, label)
    for contact in audience.contacts.get(at_risk.pk, []):
        message = notices.contact(contact, at_risk, escalation)
        webhook = contact.channel == "webhook"
        rows.append(
            outbox.sealed_delivery(
                reference=reference,
                channel=Delivery.Channel.WEBHOOK if webhook else Delivery.Channel.EMAIL,
                message=message,
                address=contact.target,
                target=_webhook_target(contact.target) if webhook else "",
                now=now,
            )
        )
    return rows


def _stage_rows(
    escalation: Escalation, plan: Plan, stage: str, now: datetime, audience: _Audience
) -> list[Delivery]:
    """The notifications one stage owes, unsaved (the caller writes them with the
    stage change)."""
    at_risk = escalation.at_risk
    if stage == Stage.REMINDED:
        webhook = plan.reminder_channel == "webhook"
        return [
            outbox.sealed_delivery(
                reference=_reference(escalation, at_risk, stage),
                channel=Delivery.Channel.WEBHOOK if webhook else Delivery.Channel.EMAIL,
                message=notices.reminder(plan.reminder_channel, plan.show_organisation),
                address=plan.reminder_target,
                target=_webhook_target(plan.reminder_target) if webhook else "",
                now=now,
            )
        ]
    if stage == Stage.TEAM:
        last = plan.last_check_in_at
        return _team_rows(
            at_risk,
            lambda: notices.team_missed(at_risk, escalation, last),
            _reference(escalation, at_risk, stage),
            now,
            "missed",
            escalation,
            audience,
        )
    return _contact_rows(at_risk, escalation, now, audience)


# --- Called by the check-in services (protcheckin) ------------------------------


@transaction.atomic
def escalate_duress(at_risk: AtRisk, now: datetime | None = None) -> Escalation:
    """A check-in with the duress PIN: an escalation of cause DURESS at the top of
    the ladder at once — the team and the safety contacts are notified now (handed
    to the outbox in this transaction; sent by the next delivery step). Never the
    reminder: the person's phone may be in the wrong hands. An open MISSED
    escalation becomes the duress one (one open per person)."""
    now = now or timezone.now()
    escalation = (
        Escalation.objects.select_for_update()
        .filter(at_risk=at_risk, closed_at__isnull=True)
        .first()
    )
    if escalation is None:
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    at_risk=at_risk,
                    cause=Escalation.Cause.DURESS,
                    missed_deadline=now,
                    started_at=now,
                    stage=Stage.CONTACTS,
                    stage_at=now,
                    plan_version=Plan.objects.filter(at_risk=at_risk)
                    .values_list("version", flat=True)
                    .first()
                    or 1,
                )
        except IntegrityError:
            # A watcher opened a missed-check-in escalation just now: it becomes
            # the duress one below (a duress signal is never lost to a race).
            escalation = (
                Escalation.objects.select_for_update()
                .filter(at_risk=at_risk, closed_at__isnull=True)
                .first()
            )
            if escalation is None:
                raise
            if escalation.cause == Escalation.Cause.DURESS:
                return escalation  # raised by a signal at the same moment
    elif escalation.cause == Escalation.Cause.DURESS:
        return escalation  # already raised: the team knows, the contacts too
    if escalation.cause != Escalation.Cause.DURESS:
        escalation.cause, escalation.missed_deadline = Escalation.Cause.DURESS, now
        escalation.stage, escalation.stage_at = Stage.CONTACTS, now
        escalation.save(update_fields=["cause", "missed_deadline", "stage", "stage_at"])
    audience = _Audience.of([at_risk.pk])
    rows = _team_rows(
        at_risk,
        lambda: notices.team_duress(at_risk, escalation),
        _reference(escalation, at_risk, "duress"),
        now,
        "duress",
        escalation,
        audience,
    )
    rows += _contact_rows(at_risk, escalation, now, audience, "duress")
    Delivery.objects.bulk_create(rows)
    audit_record(
        action="protection.escalation_open",
        username=CHECK_IN,
        target=at_risk,
        detail={"escalation": escalation.pk, "cause": escalation.cause},
    )
    return escalation


@transaction.atomic
def alert_team(at_risk: AtRisk, reason: str, now: datetime | None = None) -> int:
    """Tell the team something that is not a missed check-in (`reason`, a code such as
    "pin_lockout": someone may be guessing the PIN on a seized phone). Returns how
    many notifications were queued."""
    now = now or timezone.now()
    rows = _team_rows(
        at_risk,
        lambda: notices.team_other(at_risk, reason, now),
        _reference(None, at_risk, reason[:40]),
        now,
        "notice",
        None,
        _Audience.of([at_risk.pk]),
    )
    Delivery.objects.bulk_create(rows)
    audit_record(
        action="protection.team_alerted",
        username=CHECK_IN,
        target=at_risk,
        detail={"reason": reason[:40], "deliveries": len(rows)},
    )
    return len(rows)


@transaction.atomic
def on_check_in(plan: Plan, at: datetime) -> Plan:
    """A sign of life at `at`: it closes an open MISSED escalation as CHECKED_IN (a
    DURESS one stays open: only a team member closes it), and the next deadline is
    counted from the latest check-in. A check-in recorded late (a caseworker's "I
    spoke with her yesterday") never moves the last check-in back, and closes
    nothing unless it is newer than the last one."""
    now = timezone.now()
    locked = Plan.objects.select_for_update().select_related("at_risk").get(pk=plan.pk)
    at_risk = locked.at_risk
    previous = locked.last_check_in_at
    latest = at if previous is None else max(previous, at)
    locked.last_check_in_at = latest
    live = at_risk.ended_at is None and at_risk.case_id is None
    deadline = schedule.next_deadline(locked, latest) if live else None
    Plan.objects.filter(pk=plan.pk).update(last_check_in_at=latest, next_deadline=deadline)
    plan.last_check_in_at, plan.next_deadline = latest, deadline
    if previous is not None and at <= previous:
        return plan
    # Only a missed one: a duress signal stays open until a team member closes it.
    open_missed = Q(closed_at__isnull=True, cause=Escalation.Cause.MISSED)
    missed = (
        Escalation.objects.filter(open_missed, at_risk=at_risk).values_list("pk", flat=True).first()
    )
    # Compare-and-set: a duress signal may turn it into a DURESS one meanwhile.
    if missed is not None and Escalation.objects.filter(open_missed, pk=missed).update(
        closed_at=now, outcome=Escalation.Outcome.CHECKED_IN
    ):
        audit_record(
            action="protection.escalation_close",
            username=CHECK_IN,
            target=at_risk,
            detail={"escalation": missed, "outcome": Escalation.Outcome.CHECKED_IN},
        )
    return plan


def escalations_open_for(user: Any) -> list[dict[str, Any]]:
    """For the dashboard: the open escalations of the people on `user`'s teams, each
    with its next step. Two queries, whatever their number."""
    rows = list(
        Escalation.objects.filter(
            closed_at__isnull=True,
            at_risk__ended_at__isnull=True,
            at_risk__members__user=user,
        )
        .select_related("at_risk", "at_risk__plan")
        .order_by("started_at", "pk")
    )
    out = []
    for escalation in rows:
        try:
            plan: Plan | None = escalation.at_risk.plan
        except Plan.DoesNotExist:
            plan = None
        step = safe_next_step(plan, escalation) if plan is not None else None
        out.append({"escalation": escalation, "at_risk": escalation.at_risk, "next": step})
    return out
