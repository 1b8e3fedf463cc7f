"""Writes to people at risk: enrolment, the emergency file, the team, the plan and
its safety contacts, ending, closing an escalation and opening the case.

Keyword-only, naming who acts (`by`), atomic, audited with ids and field names
only: nothing sealed (a name, an address, a PIN, the link) ever reaches the audit
log or the application log.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.cases.models import Case, CaseMember, ContactChannel
from habeas.lib.partialdate import PartialDate
from habeas.lib.text import one_line

from . import pins, schedule
from .emergency import EmergencyFile
from .models import (
    AHEAD_MAX,
    EVERY_MAX_HOURS,
    GRACE_MAX_MINUTES,
    LADDER_MAX_MINUTES,
    AtRisk,
    AtRiskMember,
    CheckIn,
    Escalation,
    Plan,
    SafetyContact,
)

# --- Enrolment and the team ------------------------------------------------------


def _refuse_viewer(by: User) -> None:
    if not by.may_write:
        raise ValidationError(_("Viewers read only: they cannot enrol or change anything."))


def _check_consent(consent_on: date | None, consent_how: str) -> date:
    errors: dict[str, str] = {}
    if consent_on is None:
        errors["consent_on"] = _("Enter the day the person gave their consent.")
    elif consent_on > timezone.localdate():
        errors["consent_on"] = _("Consent cannot be given in the future.")
    if not consent_how.strip():
        errors["consent_how"] = _("Say how the person gave their consent.")
    if errors or consent_on is None:
        raise ValidationError(errors)
    return consent_on


@transaction.atomic
def enrol(
    *,
    code_name: str,
    consent_on: date | None,
    consent_how: str,
    by: User,
    file: EmergencyFile | None = None,
    now: datetime | None = None,
) -> AtRisk:
    """Enrol a person at risk, with their informed consent (when and how: both
    required), known to the team by `code_name`. The caseworker who enrols them
    leads their team."""
    _refuse_viewer(by)
    code_name = one_line(code_name)
    if not code_name:
        raise ValidationError({"code_name": _("Enter a code name.")})
    given_on = _check_consent(consent_on, consent_how)
    at_risk = AtRisk(
        code_name=code_name,
        consent_on=given_on,
        consent_how=one_line(consent_how),
        created_by=by,
        created_at=now or timezone.now(),
        emergency_file=(file or EmergencyFile()).to_json(),
    )
    at_risk.full_clean()
    at_risk.save()
    AtRiskMember.objects.create(at_risk=at_risk, user=by, role=AtRiskMember.Role.LEAD)
    audit_record(action="protection.enrol", actor=by, target=at_risk)
    return at_risk


@transaction.atomic
def enrolment_update(
    *, at_risk: AtRisk, by: User, code_name: str, consent_on: date | None, consent_how: str
) -> AtRisk:
    code_name = one_line(code_name)
    if not code_name:
        raise ValidationError({"code_name": _("Enter a code name.")})
    given_on = _check_consent(consent_on, consent_how)
    changed = [
        name
        for name, value in (
            ("code_name", code_name),
            ("consent_on", given_on),
            ("consent_how", one_line(consent_how)),
        )
        if getattr(at_risk, name) != value
    ]
    at_risk.code_name, at_risk.consent_on = code_name, given_on
    at_risk.consent_how = one_line(consent_how)
    at_risk.full_clean()
    at_risk.save(update_fields=["code_name", "consent_on", "consent_how"])
    audit_record(
        action="protection.enrolment_update", actor=by, target=at_risk, detail={"fields": changed}
    )
    return at_risk


@transaction.atomic
def emergency_file_set(*, at_risk: AtRisk, file: EmergencyFile, by: User) -> AtRisk:
    """Replace the emergency file (sealed as a whole)."""
    _refuse_viewer(by)
    at_risk.emergency_file = file.to_json()
    at_risk.save(update_fields=["emergency_file"])
    audit_record(action="protection.file_update", actor=by, target=at_risk)
    return at_risk


@transaction.atomic
def photo_set(*, at_risk: AtRisk, data: bytes | None, by: User) -> AtRisk:
    """Keep the photo re-encoded from its pixels alone (no metadata survives), or
    remove it (`data` None)."""
    from habeas.advocacy.photos import clean_photo

    _refuse_viewer(by)
    if data is None:
        at_risk.photo = ""
    else:
        try:
            at_risk.photo = base64.b64encode(clean_photo(data)).decode("ascii")
        except ValidationError as error:
            raise ValidationError({"photo": error.messages}) from None
    at_risk.save(update_fields=["photo"])
    audit_record(
        action="protection.photo_remove" if data is None else "protection.photo_set",
        actor=by,
        target=at_risk,
    )
    return at_risk


def photo_bytes(at_risk: AtRisk) -> bytes | None:
    return base64.b64decode(at_risk.photo) if at_risk.photo else None


def _leads(at_risk: AtRisk) -> Any:
    return AtRiskMember.objects.filter(at_risk=at_risk, role=AtRiskMember.Role.LEAD)


@transaction.atomic
def member_set(*, at_risk: AtRisk, user: User, role: str, by: User) -> AtRiskMember:
    """Put `user` on the team in `role` (or change their role). A viewer joins as
    read-only whatever is asked; the last lead stays a lead."""
    if role not in AtRiskMember.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if not user.is_active:
        raise ValidationError({"user": _("This account is disabled.")})
    if not user.may_write:
        role = AtRiskMember.Role.READ_ONLY
    member = AtRiskMember.objects.filter(at_risk=at_risk, user=user).first()
    if (
        member is not None
        and member.role == AtRiskMember.Role.LEAD
        and role != AtRiskMember.Role.LEAD
        and _leads(at_risk).count() == 1
    ):
        raise ValidationError({"role": _("The team keeps at least one lead.")})
    if member is None:
        member = AtRiskMember.objects.create(at_risk=at_risk, user=user, role=role)
    else:
        member.role = role
        member.save(update_fields=["role"])
    audit_record(
        action="protection.member_set",
        actor=by,
        target=at_risk,
        detail={"user": user.pk, "role": role},
    )
    return member


@transaction.atomic
def member_remove(*, at_risk: AtRisk, user: User, by: User) -> None:
    member = AtRiskMember.objects.filter(at_risk=at_risk, user=user).first()
    if member is None:
        return
    if member.role == AtRiskMember.Role.LEAD and _leads(at_risk).count() == 1:
        raise ValidationError(_("The team keeps at least one lead."))
    member.delete()
    audit_record(
        action="protection.member_remove", actor=by, target=at_risk, detail={"user": user.pk}
    )


@transaction.atomic
def end(*, at_risk: AtRisk, by: User, now: datetime | None = None) -> AtRisk:
    """End the enrolment (the person is safe, or withdrew their consent): the plan
    stops watching. The record stays, for the team."""
    now = now or timezone.now()
    at_risk.ended_at = now
    at_risk.save(update_fields=["ended_at"])
    Plan.objects.filter(at_risk=at_risk).update(next_deadline=None, updated_at=now)
    audit_record(action="protection.end", actor=by, target=at_risk)
    return at_risk


# --- The plan --------------------------------------------------------------------

PIN_PATTERN = re.compile(r"[0-9]{6,8}")


@dataclass(frozen=True)
class Issued:
    """What `plan_set` hands back: the plan, and — only when a link was issued —
    the token and the two PINs, to be shown once and never stored."""

    plan: Plan
    token: str = ""
    pin: str = ""
    duress_pin: str = ""
    # The messaging bridge's signing key, for the organisation's bot operator.
    bridge_secret: str = ""

    @property
    def issued(self) -> bool:
        return bool(self.token)


PLAN_FIELDS = (
    "kind",
    "every_hours",
    "schedule",
    "time_zone",
    "grace_minutes",
    "paused_until",
    "travel_until",
    "travel_every_hours",
    "remind_after",
    "reminder_channel",
    "reminder_target",
    "team_after",
    "contacts_after",
    "show_organisation",
)


def _check_target(channel: str, target: str, field: str) -> None:
    if channel == "email":
        try:
            EmailValidator()(target)
        except ValidationError:
            raise ValidationError({field: _("Enter an e-mail address.")}) from None
    # A webhook is called by the server: only an address the administrator
    # configured, so that a caseworker cannot make Habeas call one of their choosing.
    elif channel == "webhook" and target not in dict(settings.HABEAS_PROTECTION_WEBHOOKS):
        raise ValidationError(
            {
                field: _(
                    "Only a webhook the administrator configured "
                    "(HABEAS_PROTECTION_WEBHOOK_URLS) can be used."
                )
            }
        )


def _out_of_bounds(plan: Plan, now: datetime) -> dict[str, str]:
    """The plan's values past its bounds (models.py): refused here too, so that a
    caller other than the form (a command, the API) cannot save a plan whose times
    overflow and stop the watcher's ladder for everyone."""
    errors: dict[str, str] = {}
    for name in ("remind_after", "team_after", "contacts_after"):
        if (getattr(plan, name) or 0) > LADDER_MAX_MINUTES:
            errors[name] = _("At most %(minutes)d minutes (30 days).") % {
                "minutes": LADDER_MAX_MINUTES
            }
    if (plan.grace_minutes or 0) > GRACE_MAX_MINUTES:
        errors["grace_minutes"] = _("At most %(minutes)d minutes (a day).") % {
            "minutes": GRACE_MAX_MINUTES
        }
    for name in ("every_hours", "travel_every_hours"):
        if (getattr(plan, name) or 0) > EVERY_MAX_HOURS:
            errors[name] = _("At most %(hours)d hours (two weeks).") % {"hours": EVERY_MAX_HOURS}
    for name in ("paused_until", "travel_until"):
        value = getattr(plan, name)
        if value is not None and value > now + AHEAD_MAX:
            errors[name] = _("At most a year ahead.")
    return errors


def _check_plan(plan: Plan, now: datetime) -> None:
    errors: dict[str, str] = {}
    if plan.kind == Plan.Kind.INTERVAL:
        if not plan.every_hours:
            errors["every_hours"] = _("Say every how many hours the person checks in.")
        plan.schedule = ""
    elif plan.kind == Plan.Kind.SCHEDULE:
        try:
            schedule.validate_cron(plan.schedule, plan.time_zone)
        except ValidationError as error:
            errors["schedule"] = " ".join(error.messages)
        plan.every_hours = None
    else:
        errors["kind"] = _("Choose how often the person checks in.")
    if plan.time_zone not in available_timezones():
        errors["time_zone"] = _("Choose a time zone, e.g. Europe/Vilnius.")
    if plan.paused_until is not None and plan.paused_until <= now:
        errors["paused_until"] = _("A pause ends in the future.")
    if plan.travel_until is not None:
        if plan.travel_until <= now:
            errors["travel_until"] = _("Travel ends in the future.")
        if not plan.travel_every_hours:
            errors["travel_every_hours"] = _("Say every how many hours while travelling.")
    if plan.contacts_after < plan.team_after:
        errors["contacts_after"] = _("The safety contacts are alerted after the team, not before.")
    if plan.remind_after is not None and plan.remind_after >= plan.team_after:
        errors["remind_after"] = _("The reminder comes before the team is alerted.")
    if bool(plan.reminder_channel) != bool(plan.reminder_target.strip()):
        errors["reminder_target"] = _("A reminder needs both a channel and an address.")
    if plan.remind_after is not None and not plan.reminder_channel:
        errors["reminder_channel"] = _("Choose how the reminder reaches the person.")
    errors.update(_out_of_bounds(plan, now))  # said first: the others follow from it
    if errors:
        raise ValidationError(errors)
    if plan.reminder_channel:
        _check_target(plan.reminder_channel, plan.reminder_target.strip(), "reminder_target")


def _pins_chosen(pin: str, duress_pin: str) -> tuple[str, str]:
    """The two PINs: as chosen with the person, or made here when both are left
    empty. 6 to 8 digits, and different: the pepper guards a copy of the database only
    while the key file is safe, and a seized server with both tries 10,000 PINs at once."""
    pin, duress_pin = pins.pin_normalised(pin), pins.pin_normalised(duress_pin)
    if not pin and not duress_pin:
        pin = duress_pin = pins.new_pin()
        while duress_pin == pin:
            duress_pin = pins.new_pin()
        return pin, duress_pin
    errors: dict[str, str] = {}
    for name, value in (("pin", pin), ("duress_pin", duress_pin)):
        if not PIN_PATTERN.fullmatch(value):
            errors[name] = _("A PIN is 6 to 8 digits.")
    if not errors and pin == duress_pin:
        errors["duress_pin"] = _("The duress PIN must differ from the PIN.")
    if errors:
        raise ValidationError(errors)
    return pin, duress_pin


@transaction.atomic
def plan_set(
    *,
    at_risk: AtRisk,
    by: User,
    reissue: bool = False,
    pin: str = "",
    duress_pin: str = "",
    now: datetime | None = None,
    **fields: Any,
) -> Issued:
    """Set the check-in plan (first time, or an edit). A first plan, or `reissue`,
    issues a new secret link and two PINs (chosen, or made when both are empty),
    returned once in `Issued` and kept only as an HMAC and slow hashes; an edit
    without `reissue` keeps the link and PINs. Every edit bumps `version` (an
    escalation in progress keeps its place: docs/protection.md) and sets the next
    deadline afresh."""
    _refuse_viewer(by)
    now = now or timezone.now()
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {sorted(unknown)}")
    if at_risk.ended_at is not None:
        raise ValidationError(_("This enrolment has ended: it has no plan any more."))
    plan = Plan.objects.select_for_update().filter(at_risk=at_risk).first()
    first = plan is None
    if plan is None:
        plan = Plan(at_risk=at_risk)
    before = {name: getattr(plan, name) for name in PLAN_FIELDS} if not first else {}
    for name, value in fields.items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    _check_plan(plan, now)
    token = new_pin = new_duress = bridge_secret = ""
    if first or reissue:
        new_pin, new_duress = _pins_chosen(pin, duress_pin)
        token = pins.new_link_token()
        plan.link_key = pins.link_key(token)
        plan.pin_hash = pins.hash_pin(new_pin)
        plan.duress_pin_hash = pins.hash_pin(new_duress)
        plan.failed_pins, plan.locked_until = 0, None
        bridge_secret = secrets.token_urlsafe(32)
        plan.webhook_secret = bridge_secret
    elif pin or duress_pin:
        raise ValidationError({"pin": _("New PINs come with a new link: tick “issue a new link”.")})
    if not first:
        plan.version += 1
    plan.updated_at = now
    plan.next_deadline = schedule.next_deadline(plan, plan.last_check_in_at or now)
    plan.full_clean(exclude=["at_risk"])
    plan.save()
    changed = [name for name in PLAN_FIELDS if not first and before[name] != getattr(plan, name)]
    audit_record(
        action="protection.plan_create" if first else "protection.plan_update",
        actor=by,
        target=at_risk,
        detail={
            "plan": plan.pk,
            "version": plan.version,
            "fields": changed,
            "reissued": bool(token),
        },
    )
    return Issued(
        plan=plan, token=token, pin=new_pin, duress_pin=new_duress, bridge_secret=bridge_secret
    )


@dataclass
class ContactData:
    name: str = ""
    is_partner: bool = False
    channel: str = ""
    target: str = ""
    language: str = "en"


@transaction.atomic
def contacts_set(*, at_risk: AtRisk, contacts: Sequence[ContactData], by: User) -> int:
    """Replace the safety contacts by `contacts` (the form's rows, empty ones left
    out). Refused as a whole, on the row (`contacts-<n>-<field>`), if one is wrong."""
    _refuse_viewer(by)
    errors: dict[str, str] = {}
    rows = [c for c in contacts if c.name.strip() or c.target.strip()]
    for number, contact in enumerate(contacts):
        if not (contact.name.strip() or contact.target.strip()):
            continue
        prefix = f"contacts-{number}-"
        if not contact.name.strip():
            errors[prefix + "name"] = _("Enter who this is.")
        if contact.channel not in ("email", "webhook"):
            errors[prefix + "channel"] = _("Choose e-mail or webhook.")
        else:
            try:
                _check_target(contact.channel, contact.target.strip(), prefix + "target")
            except ValidationError as error:
                errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    SafetyContact.objects.filter(at_risk=at_risk).delete()
    SafetyContact.objects.bulk_create(
        SafetyContact(
            at_risk=at_risk,
            name=one_line(c.name),
            is_partner=c.is_partner,
            channel=c.channel,
            target=c.target.strip(),
            language=c.language or "en",
        )
        for c in rows
    )
    audit_record(
        action="protection.contacts_set", actor=by, target=at_risk, detail={"count": len(rows)}
    )
    return len(rows)


# --- Escalations -----------------------------------------------------------------


@transaction.atomic
def escalation_verify(
    *, escalation: Escalation, by: User, now: datetime | None = None
) -> Escalation:
    """Say that `by` is trying to reach the person, so the team does not all call
    at once."""
    _refuse_viewer(by)
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.closed_at is not None:
        raise ValidationError(_("This alarm is already closed."))
    escalation.verifying_by, escalation.verifying_since = by, now or timezone.now()
    escalation.save(update_fields=["verifying_by", "verifying_since"])
    audit_record(
        action="protection.escalation_verify",
        actor=by,
        target=escalation.at_risk,
        detail={"escalation": escalation.pk},
    )
    return escalation


def _close(
    escalation: Escalation, *, by: User, outcome: str, reason: str, now: datetime
) -> Escalation:
    escalation.closed_at, escalation.closed_by = now, by
    escalation.outcome, escalation.reason = outcome, reason
    escalation.save(update_fields=["closed_at", "closed_by", "outcome", "reason"])
    audit_record(
        action="protection.escalation_close",
        actor=by,
        target=escalation.at_risk,
        detail={"escalation": escalation.pk, "outcome": outcome},
    )
    return escalation


@transaction.atomic
def escalation_close(
    *,
    escalation: Escalation,
    by: User,
    outcome: str = Escalation.Outcome.FALSE_ALARM,
    reason: str = "",
    now: datetime | None = None,
) -> Escalation:
    """Close an alarm a team member has verified: a false alarm (the person is
    safe) says why. The plan then watches for the next check-in afresh. (A case
    opened closes it through `case_open_from_file`; a check-in, through the
    ladder.)"""
    _refuse_viewer(by)
    now = now or timezone.now()
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.closed_at is not None:
        raise ValidationError(_("This alarm is already closed."))
    if outcome not in (Escalation.Outcome.FALSE_ALARM, Escalation.Outcome.CHECKED_IN):
        raise ValidationError({"outcome": _("A case is opened with “open the case”.")})
    reason = reason.strip()
    if outcome == Escalation.Outcome.FALSE_ALARM and not reason:
        raise ValidationError(
            {"reason": _("Say why it is a false alarm: who reached the person, when, how.")}
        )
    _close(escalation, by=by, outcome=outcome, reason=reason, now=now)
    plan = Plan.objects.select_for_update().filter(at_risk_id=escalation.at_risk_id).first()
    if plan is not None and escalation.at_risk.ended_at is None:
        plan.next_deadline = schedule.next_deadline(plan, now)
        plan.save(update_fields=["next_deadline"])
    return escalation


# --- Opening the case from the emergency file ------------------------------------

# How a check-in came, as a case's last contact channel.
_CONTACT_CHANNEL = {
    CheckIn.Channel.PAGE: ContactChannel.OTHER,
    CheckIn.Channel.WEBHOOK: ContactChannel.MESSENGER,
}


def case_open_problems(*, at_risk: AtRisk, file: EmergencyFile) -> list[str]:
    """What stops a case being opened from this file (empty: it can be)."""
    problems = []
    if at_risk.case_id is not None:
        problems.append(_("A case was already opened for this person."))
    if not file.primary_name:
        problems.append(_("The emergency file has no name: add the person's name first."))
    if not file.country:
        problems.append(
            _("The emergency file does not say which State the person fears: add it first.")
        )
    return problems


def _reference(country: str, today: date) -> str:
    """The next free reference of the form CC-YYYY-P001 (P: from protection)."""
    from habeas.cases.selectors import case_with_reference

    for number in range(1, 100_000):
        reference = f"{country}-{today.year}-P{number:03d}"
        if case_with_reference(reference) is None:
            return reference
    raise ValidationError(_("No free case reference is left for this year."))


def _description(file: EmergencyFile) -> str:
    """What the file knows of the person that a case has no field for, as the
    person's description (read by the case's team, who are the person's team)."""
    lines = []
    if file.birth_place:
        lines.append(_("Place of birth: %(place)s") % {"place": file.birth_place})
    if file.lives_in or file.lives_place:
        where = ", ".join(p for p in (file.lives_place, file.lives_in) if p)
        lines.append(_("Lived in: %(where)s") % {"where": where})
    for document in file.documents:
        lines.append(
            _("Document: %(kind)s %(number)s %(issued)s")
            % {"kind": document.kind, "number": document.number, "issued": document.issued_by}
        )
    for address in file.addresses:
        lines.append(
            _("Address (%(label)s): %(text)s") % {"label": address.label, "text": address.text}
        )
    if file.lawyer_name or file.lawyer_contact:
        lines.append(
            _("Lawyer: %(name)s %(contact)s")
            % {"name": file.lawyer_name, "contact": file.lawyer_contact}
        )
    if file.health_notes:
        lines.append(_("Health: %(notes)s") % {"notes": file.health_notes})
    return "\n".join(" ".join(line.split()) for line in lines)


def _summary(file: EmergencyFile, code_name: str) -> str:
    parts = [
        _(
            "Opened from the emergency file of %(code)s, enrolled for check-ins before the "
            "disappearance."
        )
        % {"code": code_name}
    ]
    if file.fears:
        parts.append(_("What they feared: %(fears)s") % {"fears": file.fears})
    if file.feared_actors:
        parts.append(_("From whom: %(actors)s") % {"actors": file.feared_actors})
    if file.likely_taken_to:
        parts.append(
            _("Where they were likely to be taken: %(where)s") % {"where": file.likely_taken_to}
        )
    return "\n\n".join(parts)


def _duress_note(signal: CheckIn) -> str:
    at = f"{timezone.localtime(signal.at):%Y-%m-%d %H:%M}"
    place = one_line(signal.place)[:300]
    if place:
        return _(
            "Under duress: at %(at)s a check-in was made with the duress PIN, the signal "
            "that the person was under coercion. The place given then, “%(place)s”, may "
            "have been dictated: it is not the last known whereabouts."
        ) % {"at": at, "place": place}
    return _(
        "Under duress: at %(at)s a check-in was made with the duress PIN, the signal "
        "that the person was under coercion."
    ) % {"at": at}


@transaction.atomic
def case_open_from_file(
    *,
    at_risk: AtRisk,
    by: User,
    escalation: Escalation | None = None,
    now: datetime | None = None,
) -> Case:
    """Open the case from the emergency file, in one action, through the cases'
    services: the person, every spelling, their details, relatives, the last
    contact (the last check-in: when, how, where they said they were), the risk
    flags and consents; the person's team becomes the case's team. The open
    escalation (if any) closes as CASE_OPENED. The UN window and the alerts start
    as for any case opened: from the disappearance, known here to lie between
    the last sign of life and now."""
    from habeas.advocacy.services import family_consent_record
    from habeas.cases import services as cases

    _refuse_viewer(by)
    now = now or timezone.now()
    at_risk = AtRisk.objects.select_for_update().get(pk=at_risk.pk)
    file = EmergencyFile.from_json(at_risk.emergency_file)
    problems = case_open_problems(at_risk=at_risk, file=file)
    if problems:
        raise ValidationError(problems)
    if escalation is None:
        escalation = Escalation.objects.filter(at_risk=at_risk, closed_at__isnull=True).first()
    today = timezone.localdate(now)
    # The last contact is the last check-in made with the ordinary PIN: one made
    # with the duress PIN came from someone already under coercion, and the place
    # it gave may have been dictated. It goes into the summary as what it is, with
    # its time, and the disappearance window opens at the last free contact
    # (docs/protection.md, "Opening the case").
    check_ins = CheckIn.objects.filter(at_risk=at_risk).order_by("-at", "-pk")
    last = check_ins.filter(duress=False).first()
    signal = check_ins.filter(duress=True).first()
    if signal is not None and last is not None and signal.at <= last.at:
        signal = None  # an ordinary check-in came after it: the danger had passed
    seen = timezone.localtime(last.at) if last is not None else None
    since = seen.date() if seen is not None else timezone.localdate(at_risk.created_at)
    summary = _summary(file, at_risk.code_name)
    if signal is not None:
        summary += "\n\n" + _duress_note(signal)
    fields: dict[str, Any] = {
        "country": file.country,
        "summary": summary,
        "disappeared_on": PartialDate.parse(f"between {since:%Y-%m-%d} and {today:%Y-%m-%d}")
        if since < today
        else PartialDate.parse(f"{today:%Y-%m-%d}"),
        "risk_torture": file.risk_torture,
        "risk_health": file.risk_health,
        "risk_family_reprisals": file.risk_family_reprisals,
    }
    if file.lives_in and file.lives_in != file.country:
        # Taken, most likely, where they lived in exile: the team corrects it if not.
        fields["taken_in_country"] = file.lives_in
    if last is not None and seen is not None:
        fields["last_contact_on"] = PartialDate.parse(f"{seen:%Y-%m-%d %H:%M}")
        fields["last_contact_place"] = one_line(last.place)[:300]
        fields["last_contact_channel"] = last.contact_channel or _CONTACT_CHANNEL.get(
            CheckIn.Channel(last.channel), ContactChannel.OTHER
        )
    person_fields: dict[str, Any] = {
        "sex": file.sex,
        "nationality": file.nationality,
        "occupation": file.occupation,
        "affiliation": file.affiliation,
        "description": _description(file),
    }
    if file.birth_partial is not None:
        person_fields["birth_date"] = file.birth_partial
    names = [n for n in file.names if n.text.strip()]
    person = cases.person_create(
        name=names[0].text,
        script=names[0].script,
        language=names[0].language,
        by=by,
        **person_fields,
    )
    for name in names[1:]:
        cases.person_name_add(
            person=person, text=name.text, script=name.script, language=name.language, by=by
        )
    case = cases.case_open(
        person=person, reference=_reference(file.country, today), by=by, now=now, **fields
    )
    for relative in file.relatives:
        cases.relative_add(
            person=person,
            case=case,
            name=one_line(relative.name),
            relationship=one_line(relative.relationship) or _("relative"),
            contact=relative.contact,
            by=by,
        )
    # The person's team is the case's team. Its leads and members already read the
    # emergency file, relatives' contacts included, so they hold the source grant
    # on the case; a read-only member does not (a lead grants it on the case, one
    # person at a time, as for any case: witnesses come later).
    roles = {
        AtRiskMember.Role.LEAD: CaseMember.Role.LEAD,
        AtRiskMember.Role.MEMBER: CaseMember.Role.MEMBER,
        AtRiskMember.Role.READ_ONLY: CaseMember.Role.READ_ONLY,
    }
    for member in AtRiskMember.objects.filter(at_risk=at_risk).select_related("user"):
        if member.user_id == by.pk or not member.user.is_active:
            continue
        role = roles[AtRiskMember.Role(member.role)]
        if not member.user.may_write:
            role = CaseMember.Role.READ_ONLY
        sources = role != CaseMember.Role.READ_ONLY
        cases.case_member_set(
            case=case, user=member.user, role=role, may_see_sources=sources, by=by
        )
    if file.consent_un or file.consent_authorities or file.consent_publication:
        family_consent_record(
            case=case,
            by=by,
            given_by=_("the person, before the disappearance"),
            given_on=at_risk.consent_on,
            form=file.consent_form or "oral",
            to_un=file.consent_un,
            to_authorities=file.consent_authorities,
            to_publication=file.consent_publication,
            notes=_("May be named in public.")
            if file.consent_named
            else _("Not to be named in public."),
        )
    at_risk.case = case
    at_risk.save(update_fields=["case"])
    if escalation is not None and escalation.closed_at is None:
        _close(escalation, by=by, outcome=Escalation.Outcome.CASE_OPENED, reason="", now=now)
    # The person is missing: the plan stops climbing a ladder nobody can answer.
    Plan.objects.filter(at_risk=at_risk).update(next_deadline=None, updated_at=now)
    audit_record(
        action="protection.case_open",
        actor=by,
        target=at_risk,
        case=case,
        detail={"escalation": escalation.pk if escalation is not None else None},
    )
    return case
