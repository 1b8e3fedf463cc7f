"""Check-ins: a sign of life from the person at risk, however it comes.

Three ways in (docs/protection.md, "Checking in"):

- the personal page at the secret link `/k/<token>/`, confirmed with a PIN
  (`page_check_in`);
- a messaging bridge the organisation runs (a Signal or Matrix bot), which relays
  the PIN the person typed in a signed request (`webhook_check_in`);
- a caseworker who spoke with the person (`caseworker_check_in`).

Each records a `CheckIn` and calls the ladder's `on_check_in`, in one transaction.

The duress PIN is answered exactly as the normal one: the same writes in the same
transaction (a `CheckIn` whose only difference is its `duress` flag), the same
answer. The escalation itself (`escalate_duress_handed_off`) runs after the answer
has been sent (views: `AfterResponse`), so that it adds no delay that whoever
stands beside the person could measure. If that hand-off is lost (the worker is
killed in between), the watcher's step finds the duress check-in without an
escalation (`escalate_pending_duress`) within one watcher interval.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.alerts.channels import webhook as signed
from habeas.audit.services import audit_record
from habeas.cases.models import ContactChannel
from habeas.core.encryption import binding, keyring
from habeas.lib import crypto
from habeas.lib.text import one_line

from . import ladder, pins
from .models import AtRisk, BridgeDelivery, CheckIn, Escalation, PinFailure, Plan

log = logging.getLogger(__name__)

PLACE_MAX = 500
NOTE_MAX = 2000
# A duress check-in older than this without an escalation was lost between the
# answer and the hand-off: the watcher escalates it (newer ones are still in flight).
HANDOFF_GRACE = timedelta(minutes=1)
HANDOFF_LOOKBACK = timedelta(days=7)
ADDRESS_WINDOW = timedelta(minutes=15)


# --- the one write ----------------------------------------------------------------


def check_in(
    *,
    plan: Plan,
    channel: str,
    at: datetime,
    place: str = "",
    note: str = "",
    by: User | None = None,
    contact_channel: str = "",
    duress: bool = False,
) -> CheckIn:
    """Record one check-in and tell the ladder (it closes a missed-check-in
    escalation and sets the next deadline). The duress flag changes nothing else
    here: the same statements run either way (module docstring)."""
    with transaction.atomic():
        row = CheckIn.objects.create(
            at_risk_id=plan.at_risk_id,
            at=at,
            channel=channel,
            contact_channel=contact_channel,
            recorded_by=by,
            place=place,
            note=note,
            duress=duress,
        )
        ladder.on_check_in(plan, at)
        # Ids and the channel only: where the person was and what was said are sealed,
        # and whether it was the duress PIN is for the team's page, not the log.
        audit_record(
            action="protection.check_in",
            actor=by,
            target=plan.at_risk,
            detail={"check_in": str(row.public_id), "channel": channel},
        )
    return row


# --- the PIN, on the page and through a bridge --------------------------------------


@dataclass(frozen=True)
class PinAnswer:
    """What a PIN answer came to. `accepted` for the normal and the duress PIN alike;
    `duress` only for the caller that hands the escalation off after answering."""

    accepted: bool
    at: datetime
    duress: bool = False
    at_risk_id: int | None = None


def _answer_pin(
    *,
    plan: Plan,
    pin: str,
    place: str,
    note: str,
    channel: str,
    now: datetime,
    address_refused: bool = False,
) -> PinAnswer:
    """Check one PIN answer. `address_refused`: the address limit refuses it (and
    it is not counted against the plan); it is checked all the same.

    The duress PIN is never dropped: refused by the lock or by the address limit,
    it is still recorded and escalated (the hand-off, as for an accepted one), and
    answered as the refusal anyone would get, so a guesser learns nothing."""
    count = None if address_refused else pins.attempt_begin(plan.pk, now)
    # Both hashes, always, whatever the count: a locked plan, a wrong PIN, the right
    # one and the duress one cost the same.
    normal = pins.check_pin(pin, plan.pin_hash)
    duress = pins.check_pin(pin, plan.duress_pin_hash) and not normal
    refused = address_refused or count is None
    if not refused and (normal or duress):
        with transaction.atomic():
            pins.attempt_passed(plan.pk)
            _record(plan, channel, now, place, note, duress)
        return PinAnswer(accepted=True, at=now, duress=duress, at_risk_id=plan.at_risk_id)
    if pins.locked_now(count):
        with transaction.atomic():
            audit_record(action="protection.pin_lockout", target=plan.at_risk)
            ladder.alert_team(plan.at_risk, "pin_lockout")
    if refused and normal:
        _right_pin_refused(plan, now, "address" if address_refused else "lock")
    if refused and duress:
        # Silently: the lock and its count stay as they were.
        _record(plan, channel, now, place, note, True)
        return PinAnswer(accepted=False, at=now, duress=True, at_risk_id=plan.at_risk_id)
    return PinAnswer(accepted=False, at=now)


def _record(plan: Plan, channel: str, now: datetime, place: str, note: str, duress: bool):
    check_in(
        plan=plan,
        channel=channel,
        at=now,
        place=one_line(place)[:PLACE_MAX],
        note=note[:NOTE_MAX],
        duress=duress,
    )


RIGHT_PIN_REFUSED = "protection.pin_right_refused"


def _right_pin_refused(plan: Plan, now: datetime, why: str) -> None:
    """The normal PIN, refused by the lock or the address limit (that is what they
    are for): the person may be trying to check in. Audited every time; the team is
    told once per lock (or per address window)."""
    from habeas.audit.models import AuditEntry

    locked_until = Plan.objects.filter(pk=plan.pk).values_list("locked_until", flat=True).get()
    since = now - ADDRESS_WINDOW
    if why == "lock" and locked_until is not None:
        since = min(since, locked_until - pins.lock_for(max(plan.failed_pins, pins.PIN_TRIES)))
    with transaction.atomic():
        told = AuditEntry.objects.filter(
            action=RIGHT_PIN_REFUSED, target_id=str(plan.at_risk.public_id), at__gte=since
        ).exists()
        audit_record(action=RIGHT_PIN_REFUSED, target=plan.at_risk, detail={"why": why})
        if not told:
            ladder.alert_team(plan.at_risk, "pin_right_refused")


def plan_for_link(token: str) -> Plan | None:
    """The plan whose secret link `token` is, if its enrolment has not ended; None
    for anything else (a guessed link answers as any unknown address)."""
    if not token or len(token) > 100:
        return None
    return (
        Plan.objects.select_related("at_risk")
        .filter(link_key__in=pins.link_keys(token), at_risk__ended_at__isnull=True)
        .first()
    )


def address_key(address: str, plan_id: int) -> str:
    """What refused PINs of a client address on one plan are counted under: a keyed
    hash, so the table never holds who was where. Per address and plan: a shared
    address (a Tor exit, an onion service, a carrier's NAT) used up on one plan (an
    infiltrator's dummy, say) leaves every other plan's answers alone."""
    import hashlib
    import hmac

    key = keyring().derive("protection-pin-address-v1")
    return hmac.new(key, f"{plan_id}\x00{address}".encode(), hashlib.sha256).hexdigest()


def address_failures(address: str, plan_id: int, now: datetime) -> int:
    """How many refused PINs this client address had on this plan lately (in
    ADDRESS_WINDOW)."""
    recent = PinFailure.objects.filter(
        address=address_key(address, plan_id), at__gt=now - ADDRESS_WINDOW
    )
    return recent.count()


def _address_failed(address: str, plan_id: int, now: datetime) -> None:
    PinFailure.objects.filter(at__lte=now - ADDRESS_WINDOW).delete()
    PinFailure.objects.create(address=address_key(address, plan_id), at=now)


def page_check_in(
    *, plan: Plan, pin: str, place: str = "", address: str = "", now: datetime | None = None
) -> PinAnswer:
    """A PIN typed on the check-in page of `plan` (found by `plan_for_link`). An
    address with too many refused PINs on this plan (HABEAS_CHECKIN_ADDRESS_FAILURES
    in ADDRESS_WINDOW; 0: no limit) is refused without counting against the plan:
    the same answer as a wrong PIN. The PIN is checked all the same (a duress PIN
    still raises the alarm), and the team hears of the first such refusal."""
    now = now or timezone.now()
    limit = settings.HABEAS_CHECKIN_ADDRESS_FAILURES
    counted = limit > 0 and bool(address)
    failures = address_failures(address, plan.pk, now) if counted else 0
    blocked = counted and failures >= limit
    if blocked and failures == limit:
        with transaction.atomic():
            audit_record(action="protection.pin_address_limit", target=plan.at_risk)
            ladder.alert_team(plan.at_risk, "pin_address_limit")
    answer = _answer_pin(
        plan=plan,
        pin=pin,
        place=place,
        note="",
        channel=CheckIn.Channel.PAGE,
        now=now,
        address_refused=blocked,
    )
    if not answer.accepted and counted:
        _address_failed(address, plan.pk, now)
    return answer


# --- the bridge ---------------------------------------------------------------------


class BridgeRefused(Exception):
    """Unsigned, badly signed, stale, replayed, or for no plan: one answer for all."""


class BridgeBadRequest(Exception):
    """Signed, but not a check-in (a field missing or of the wrong type)."""


REPLAY_WINDOW = timedelta(seconds=signed.TOLERANCE_SECONDS)
BRIDGE_SECRET_BYTES = 32


# A check-in body is a few hundred bytes: anything larger is refused unread.
BRIDGE_BODY_MAX = 8 * 1024
_NO_PLAN = uuid.UUID(int=0)
_DUMMY_SECRET: dict[str, str] = {}


def _bridge_plan(data: object) -> Plan | None:
    # The same query whatever the body held: an unknown plan costs what a known one does.
    wanted = _NO_PLAN
    if isinstance(data, dict):
        with contextlib.suppress(ValueError):
            wanted = uuid.UUID(str(data.get("plan")))
    return (
        Plan.objects.select_related("at_risk")
        .filter(public_id=wanted, at_risk__ended_at__isnull=True)
        .first()
    )


def _dummy_secret() -> str:
    """A sealed secret opened for a plan that is not there: the same decryption a
    known plan's secret costs (made once per active key)."""
    ring = keyring()
    aad = binding("protection.plan.webhook_secret", _NO_PLAN)
    token = _DUMMY_SECRET.get(ring.active)
    if token is None:
        token = _DUMMY_SECRET[ring.active] = crypto.encrypt(ring, "\x00no plan", aad)
    return crypto.decrypt(ring, token, aad)


def _parsed(body: bytes) -> object:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # Not JSON, or nested deeper than the parser goes: refused like any unsigned body.
        return None


def webhook_check_in(
    *, body: bytes, timestamp: str, signature: str, now: datetime | None = None
) -> PinAnswer:
    """A check-in relayed by a messaging bridge (docs/protection.md, "The bridge
    protocol"): a JSON body naming the plan and carrying the PIN the person typed,
    signed with the plan's webhook secret. Raises BridgeRefused for anything that
    is not provably fresh and from the holder of the secret, the same whether the
    plan exists or not (in answer and in time: the same query, one decryption and
    one signature check either way); BridgeBadRequest for a signed body that is not
    a check-in."""
    now = now or timezone.now()
    if len(body) > BRIDGE_BODY_MAX:
        raise BridgeRefused
    data = _parsed(body)
    plan = _bridge_plan(data)
    secret = plan.webhook_secret if plan is not None else _dummy_secret()
    good = signed.verify(
        secret=secret or "\x00no plan",
        timestamp=timestamp,
        body=body,
        signature=signature,
        now=now.timestamp(),
    )
    if plan is None or not secret or not good or not isinstance(data, dict):
        raise BridgeRefused
    delivery = data.get("delivery_id")
    pin, place, note = data.get("pin"), data.get("place", ""), data.get("note", "")
    if not isinstance(delivery, str) or not 8 <= len(delivery) <= 100:
        raise BridgeBadRequest(_("“delivery_id” is a string of 8 to 100 characters."))
    if not isinstance(pin, str) or not pin.strip():
        raise BridgeBadRequest(_("“pin” is the PIN the person typed, as a string."))
    if not isinstance(place, str) or not isinstance(note, str):
        raise BridgeBadRequest(_("“place” and “note” are strings when given."))
    _remember_delivery(plan, delivery, now)
    return _answer_pin(
        plan=plan, pin=pin, place=place, note=note, channel=CheckIn.Channel.WEBHOOK, now=now
    )


def _remember_delivery(plan: Plan, delivery: str, now: datetime) -> None:
    """Refuse a delivery id this plan has had within the window, and remember it."""
    BridgeDelivery.objects.filter(received_at__lt=now - 2 * REPLAY_WINDOW).delete()
    try:
        with transaction.atomic():
            BridgeDelivery.objects.create(plan=plan, delivery_id=delivery, received_at=now)
    except IntegrityError:
        raise BridgeRefused from None


@transaction.atomic
def bridge_secret_set(*, at_risk: AtRisk, by: User, off: bool = False) -> str:
    """Issue a new secret for the messaging bridge of `at_risk`'s plan (the old one
    stops working), or turn the bridge off (`off`: every request refused). The
    secret is returned once, to be shown to the bot's operator, and kept sealed."""
    if not by.may_write:
        raise ValidationError(_("Viewers read only: they cannot change anything."))
    plan = Plan.objects.select_for_update().filter(at_risk=at_risk).first()
    if plan is None or at_risk.ended_at is not None:
        raise ValidationError(_("There is no check-in plan to connect a bridge to."))
    secret = "" if off else secrets.token_urlsafe(BRIDGE_SECRET_BYTES)
    plan.webhook_secret = secret
    plan.save(update_fields=["webhook_secret"])
    audit_record(
        action="protection.bridge_off" if off else "protection.bridge_secret",
        actor=by,
        target=at_risk,
        detail={"plan": plan.pk},
    )
    return secret


# --- the caseworker -----------------------------------------------------------------


def caseworker_check_in(
    *,
    at_risk: AtRisk,
    by: User,
    contact_channel: str,
    at: datetime | None,
    place: str = "",
    note: str = "",
    now: datetime | None = None,
) -> CheckIn:
    """A team member spoke with the person: recorded as a check-in of theirs. The
    caller has passed the door (`access.at_risk_access(need=Need.EDIT)`)."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if not by.may_write:
        raise ValidationError(_("Viewers read only: they cannot record anything."))
    if contact_channel not in ContactChannel.values:
        errors["contact_channel"] = _("Choose how you spoke with them.")
    if at is None:
        errors["at"] = _("Enter when you spoke with them.")
    elif at > now:
        errors["at"] = _("A conversation cannot be in the future.")
    elif at < at_risk.created_at:
        errors["at"] = _("This is before they were enrolled.")
    plan = Plan.objects.filter(at_risk=at_risk).select_related("at_risk").first()
    if plan is None:
        errors["__all__"] = _("They have no check-in plan yet.")
    if at_risk.ended_at is not None:
        errors["__all__"] = _("This enrolment has ended.")
    if len(place) > PLACE_MAX:
        errors["place"] = _("At most %(n)d characters.") % {"n": PLACE_MAX}
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(n)d characters.") % {"n": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    assert plan is not None and at is not None
    return check_in(
        plan=plan,
        channel=CheckIn.Channel.CASEWORKER,
        at=at,
        place=one_line(place),
        note=note.strip(),
        by=by,
        contact_channel=contact_channel,
    )


# --- duress, after the answer --------------------------------------------------------


def escalate_duress_handed_off(at_risk_id: int, now: datetime) -> None:
    """Raise the duress escalation once the answer is out (views.AfterResponse)."""
    at_risk = AtRisk.objects.get(pk=at_risk_id)
    with transaction.atomic():
        ladder.escalate_duress(at_risk, now)


def _unescalated_duress(now: datetime):
    # Escalated: a duress escalation still open, or one raised at or after it.
    escalated = Escalation.objects.filter(
        at_risk=OuterRef("at_risk"), cause=Escalation.Cause.DURESS
    ).filter(
        Q(closed_at__isnull=True)
        | Q(missed_deadline__gte=OuterRef("at"))
        | Q(started_at__gte=OuterRef("at"))
    )
    return (
        CheckIn.objects.filter(
            duress=True, at__gte=now - HANDOFF_LOOKBACK, at__lte=now - HANDOFF_GRACE
        )
        .filter(~Exists(escalated))
        .select_related("at_risk")
        .order_by("at")
    )


def watch_step(now: datetime, stop: Callable[[], bool]) -> dict[str, int]:
    """The watcher's step (registered in apps.py): lost duress hand-offs."""
    return {"duress_recovered": escalate_pending_duress(now)}


def escalate_pending_duress(now: datetime | None = None) -> int:
    """For the watcher's step: escalate every duress check-in whose hand-off was lost
    (no duress escalation since it). Returns how many."""
    now = now or timezone.now()
    done = 0
    for row in _unescalated_duress(now):
        log.warning("A duress check-in (%s) was escalated by the watcher.", row.public_id)
        with transaction.atomic():
            ladder.escalate_duress(row.at_risk, row.at)
        done += 1
    return done
