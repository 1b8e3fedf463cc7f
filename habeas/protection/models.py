"""People at risk, their check-in plans and escalations (docs/protection.md).

A person at risk is enrolled before anything happens, with their consent, on a
team of their own (like a case's). Everything that could identify them or the
people around them — the emergency file, where they said they were, how to reach
their safety contacts — is encrypted at rest: a copy of the database gives an
adversary a list of code names and times, not a list of targets.

The watcher reads only `Plan.next_deadline` (indexed) to find what is due, so a
pass over 10,000 plans with nothing due is one index range scan.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.cases.models import Case, ContactChannel
from habeas.core.encryption import EncryptedTextField


class AtRisk(models.Model):
    """A person enrolled for check-ins. The team knows them by `code_name`; who they
    are is in the encrypted emergency file."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code_name = models.CharField(
        _("code name"),
        max_length=100,
        help_text=_("How the team refers to this person in lists; not their real name"),
    )
    # The emergency file: one JSON document (habeas/protection/emergency.py says its
    # shape), sealed as a whole. Prepared in advance so that a case can be opened
    # from it in one action.
    emergency_file = EncryptedTextField(
        _("emergency file"), purpose="protection.atrisk.emergency_file", blank=True
    )
    # The photo for the emergency file (PNG re-encoded without metadata), sealed.
    photo = EncryptedTextField(_("photo"), purpose="protection.atrisk.photo", blank=True)
    consent_on = models.DateField(_("consent given on"))
    consent_how = models.CharField(
        _("how consent was given"),
        max_length=300,
        help_text=_("e.g. in person, with the written explanation in Russian"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the enrolment ends (the person is safe, or withdrew consent).
    ended_at = models.DateTimeField(null=True, blank=True)
    # The case opened from the emergency file, once an escalation is confirmed.
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="at_risk"
    )

    class Meta:
        verbose_name = _("person at risk")
        verbose_name_plural = _("people at risk")

    def __str__(self) -> str:
        return self.code_name


class AtRiskMember(models.Model):
    """A user on the team of a person at risk: the only users who see them at all."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        MEMBER = "member", _("Member")
        READ_ONLY = "read_only", _("Read-only")

    at_risk = models.ForeignKey(AtRisk, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="at_risk_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "at_risk"], name="atriskmember_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.at_risk} ({self.role})"


# A plan's bounds (docs/protection.md, "Bounds"): within them every time the watcher
# and the pages compute stays far inside what a datetime can hold, so no plan, saved
# by mistake or on purpose, can stop the ladder of the others.
LADDER_MAX_MINUTES = 30 * 24 * 60  # a stage at most 30 days after the missed deadline
GRACE_MAX_MINUTES = 24 * 60
EVERY_MAX_HOURS = 24 * 14
AHEAD_MAX = timedelta(days=365)  # a pause or a journey ends within a year


def within_a_year(value: datetime) -> None:
    if value > timezone.now() + AHEAD_MAX:
        raise ValidationError(_("At most a year ahead."), code="too_far")


class Plan(models.Model):
    """When the person checks in, how, and what happens when they do not."""

    class Kind(models.TextChoices):
        INTERVAL = "interval", _("Every few hours")
        SCHEDULE = "schedule", _("On a schedule")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at_risk = models.OneToOneField(AtRisk, on_delete=models.CASCADE, related_name="plan")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    every_hours = models.PositiveSmallIntegerField(
        _("every (hours)"), null=True, blank=True, validators=[MaxValueValidator(EVERY_MAX_HOURS)]
    )
    # Five cron fields (minute hour day month weekday), read in `time_zone`.
    schedule = models.CharField(_("schedule"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    grace_minutes = models.PositiveIntegerField(
        _("grace period (minutes)"), default=60, validators=[MaxValueValidator(GRACE_MAX_MINUTES)]
    )
    paused_until = models.DateTimeField(
        _("paused until"), null=True, blank=True, validators=[within_a_year]
    )
    travel_until = models.DateTimeField(
        _("travelling until"), null=True, blank=True, validators=[within_a_year]
    )
    travel_every_hours = models.PositiveSmallIntegerField(
        _("while travelling, every (hours)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(EVERY_MAX_HOURS)],
    )

    # The ladder, in minutes after the missed deadline (grace included).
    remind_after = models.PositiveIntegerField(
        _("remind after (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(LADDER_MAX_MINUTES)],
    )
    reminder_channel = models.CharField(
        _("reminder channel"),
        max_length=10,
        blank=True,
        choices=[("email", _("E-mail")), ("webhook", _("Webhook"))],
    )
    reminder_target = EncryptedTextField(
        _("reminder address"), purpose="protection.plan.reminder_target", blank=True
    )
    team_after = models.PositiveIntegerField(
        _("alert the team after (minutes)"),
        default=60,
        validators=[MaxValueValidator(LADDER_MAX_MINUTES)],
    )
    contacts_after = models.PositiveIntegerField(
        _("alert the safety contacts after (minutes)"),
        default=240,
        validators=[MaxValueValidator(LADDER_MAX_MINUTES)],
    )

    # The secret check-in link: only an HMAC of its 128-bit token is kept, so the
    # database alone cannot make the link. The PINs: slow hashes, never the PINs.
    link_key = models.CharField(max_length=64, unique=True)
    pin_hash = models.CharField(max_length=200)
    duress_pin_hash = models.CharField(max_length=200)
    failed_pins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # The inbound webhook's shared secret (messaging bridges), sealed.
    webhook_secret = EncryptedTextField(
        _("webhook secret"), purpose="protection.plan.webhook_secret", blank=True
    )
    # The organisation's name on the check-in page only if chosen; neutral otherwise.
    show_organisation = models.BooleanField(_("show the organisation's name"), default=False)

    # What the watcher reads: the next moment something must happen (a deadline
    # plus grace, or the ladder's next step); null while paused or ended.
    next_deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every edit, so an escalation knows the plan changed under it.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"plan of {self.at_risk}"


class SafetyContact(models.Model):
    """Someone alerted when the ladder reaches them: a named person or a partner
    organisation. How to reach them is sealed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at_risk = models.ForeignKey(AtRisk, on_delete=models.CASCADE, related_name="contacts")
    name = EncryptedTextField(_("name"), purpose="protection.safetycontact.name")
    is_partner = models.BooleanField(_("partner organisation"), default=False)
    channel = models.CharField(
        _("channel"), max_length=10, choices=[("email", _("E-mail")), ("webhook", _("Webhook"))]
    )
    target = EncryptedTextField(_("address"), purpose="protection.safetycontact.target")
    language = models.CharField(_("language"), max_length=10, default="en")

    def __str__(self) -> str:
        return f"safety contact {self.pk} of {self.at_risk}"


class CheckIn(models.Model):
    """One sign of life, however it came."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Check-in page")
        WEBHOOK = "webhook", _("Messaging bridge")
        CASEWORKER = "caseworker", _("A caseworker spoke with them")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at_risk = models.ForeignKey(AtRisk, on_delete=models.CASCADE, related_name="check_ins")
    at = models.DateTimeField(_("when"), db_index=True)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    # For a caseworker's record: how they spoke (phone, messenger, in person…).
    contact_channel = models.CharField(
        _("how"), max_length=20, choices=ContactChannel.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the person said they were, and anything they said: sealed.
    place = EncryptedTextField(_("where"), purpose="protection.checkin.place", blank=True)
    note = EncryptedTextField(_("note"), purpose="protection.checkin.note", blank=True)
    # Made with the duress PIN: answered as a normal check-in, escalated at once.
    duress = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"check-in {self.pk} of {self.at_risk}"


class Escalation(models.Model):
    """A missed check-in (or a duress signal) climbing the plan's ladder until a
    team member closes it as a false alarm or opens the case."""

    class Cause(models.TextChoices):
        MISSED = "missed", _("Missed check-in")
        DURESS = "duress", _("Duress signal")

    class Stage(models.TextChoices):
        MISSED = "missed", _("Missed")
        REMINDED = "reminded", _("Reminder sent")
        TEAM = "team", _("Team alerted")
        CONTACTS = "contacts", _("Safety contacts alerted")

    class Outcome(models.TextChoices):
        CHECKED_IN = "checked_in", _("They checked in")
        FALSE_ALARM = "false_alarm", _("False alarm")
        CASE_OPENED = "case_opened", _("Case opened")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at_risk = models.ForeignKey(AtRisk, on_delete=models.CASCADE, related_name="escalations")
    cause = models.CharField(max_length=10, choices=Cause.choices)
    # The deadline that was missed (or the duress check-in's time).
    missed_deadline = models.DateTimeField()
    started_at = models.DateTimeField(default=timezone.now)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.MISSED)
    stage_at = models.DateTimeField(default=timezone.now)
    plan_version = models.PositiveIntegerField(default=1)
    # A team member trying to reach the person.
    verifying_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verifying_since = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    reason = EncryptedTextField(_("reason"), purpose="protection.escalation.reason", blank=True)

    class Meta:
        constraints = [
            # One open escalation per person at a time.
            models.UniqueConstraint(
                fields=["at_risk"],
                condition=models.Q(closed_at__isnull=True),
                name="escalation_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"escalation {self.pk} of {self.at_risk} ({self.stage})"


class BridgeDelivery(models.Model):
    """A messaging bridge's delivery id, remembered while a replay of its request
    could still pass the freshness check (docs/protection.md, "The bridge protocol").

    In the database, not the cache: Habeas's cache is each worker's own memory,
    gone on a restart, so a request replayed to another worker, or after a
    restart, would pass. Rows older than the window are deleted as new ones come."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    delivery_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "delivery_id"], name="bridgedelivery_once_per_plan"
            )
        ]

    def __str__(self) -> str:
        return f"bridge delivery {self.pk}"


class PinFailure(models.Model):
    """A refused PIN on the check-in page, counted by client address (a keyed hash,
    never the address) so that one address cannot keep the server hashing guesses
    at every plan it holds a link of. Rows older than the window are deleted as new
    ones come; the plan's own lock is `Plan.failed_pins`."""

    address = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["address", "at"], name="pinfailure_address_at")]

    def __str__(self) -> str:
        return f"PIN failure {self.pk}"
