"""Deadline rules, alerts, the notification outbox and the watcher's heartbeat.

The watcher never scans cases: every rule keeps its next due moment in
`Deadline.due_at` (indexed), recomputed when the case changes, so one pass over
100k cases is an index range scan. Detection writes
the alert and its deliveries in one transaction; delivery claims rows by
compare-and-set (docs/architecture.md#background-work).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.core.encryption import EncryptedTextField


class Rule(models.TextChoices):
    QUIET = "quiet", _("Gone quiet")
    WINDOW = "window", _("UN urgent window closing")
    FOLLOW_UP = "follow_up", _("Follow-up due")
    RESPONSE_DEADLINE = "response_deadline", _("Deadline to contest a reply approaching")
    ANNIVERSARY = "anniversary", _("Anniversary of the disappearance")
    RISK = "risk", _("Risk raised")


def _days_list(text: str) -> list[int]:
    """ "30,7,1" → [30, 7, 1]; ignores blanks; the form validates the text."""
    return sorted({int(p) for p in text.replace(" ", "").split(",") if p}, reverse=True)


class AlertSettings(models.Model):
    """The organisation's defaults (one row, pk=1). A case may override some."""

    quiet_days_early = models.PositiveSmallIntegerField(
        _("gone quiet: days, first three months"), default=3
    )
    quiet_days_late = models.PositiveSmallIntegerField(
        _("gone quiet: days, afterwards"), default=14
    )
    window_days = models.CharField(
        _("urgent window: days before it closes"), max_length=60, default="30,7,1"
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up: days without a response"), default=30
    )
    response_deadline_days = models.CharField(
        _("response deadline: days before"), max_length=60, default="30,7,1"
    )
    anniversaries = models.BooleanField(_("anniversaries"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "alert settings"

    @classmethod
    def current(cls) -> AlertSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def window_steps(self) -> list[int]:
        return _days_list(self.window_days)

    @property
    def response_steps(self) -> list[int]:
        return _days_list(self.response_deadline_days)


class CaseWatch(models.Model):
    """Per case: overrides of the organisation's rules, and what the watcher last
    saw (risk flags, when it last recomputed the deadlines)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="watch")
    quiet_days_early = models.PositiveSmallIntegerField(
        _("gone quiet: days, first three months"), null=True, blank=True
    )
    quiet_days_late = models.PositiveSmallIntegerField(
        _("gone quiet: days, afterwards"), null=True, blank=True
    )
    window_days = models.CharField(
        _("urgent window: days before it closes"), max_length=60, blank=True
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up: days without a response"), null=True, blank=True
    )
    response_deadline_days = models.CharField(
        _("response deadline: days before"), max_length=60, blank=True
    )
    anniversaries = models.BooleanField(_("anniversaries"), null=True, blank=True)
    # Bit mask of the case's risk flags when last seen (rule 5 alerts on new bits).
    risk_mask = models.PositiveSmallIntegerField(default=0)
    # The case's updated_at when its deadlines were last computed (the watcher
    # recomputes cases changed behind the services' back).
    synced_for = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"watch of case {self.case_id}"


class Deadline(models.Model):
    """The next moment one rule is due for one case (and one intervention or
    response, for follow-ups). `occurrence` names that moment, so an alert is
    raised once per occurrence however many watchers run."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines")
    rule = models.CharField(max_length=20, choices=Rule.choices)
    subject = models.CharField(max_length=60, blank=True)  # "intervention:12", "response:3"
    due_at = models.DateTimeField(null=True)
    occurrence = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "rule", "subject"], name="deadline_unique")
        ]
        indexes = [models.Index(fields=["due_at"], name="deadline_due")]

    def __str__(self) -> str:
        return f"{self.rule} of case {self.case_id} at {self.due_at}"


class Alert(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        SNOOZED = "snoozed", _("Snoozed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    subject = models.CharField(max_length=60, blank=True)
    occurrence = models.CharField(max_length=60)
    # What the alert says: a reference and a rule, never case content, since it
    # also goes out by e-mail and webhook.
    title = models.CharField(_("alert"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=15, choices=State.choices, default=State.OPEN)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rule", "subject", "occurrence"], name="alert_once"
            )
        ]
        indexes = [
            models.Index(fields=["case", "state", "due_at"], name="alert_case_state"),
            # The watcher's look for snoozes that ran out, every pass.
            models.Index(fields=["state", "snoozed_until"], name="alert_snoozed"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("alert_detail", args=[self.public_id])


class AlertAction(models.Model):
    """Who acknowledged or snoozed an alert, when, and why: never overwritten."""

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Acknowledged")
        SNOOZE = "snooze", _("Snoozed")
        REOPEN = "reopen", _("Reopened")
        SNOOZE_ENDED = "snooze_end", _("Snooze ran out; the team was notified again")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} of alert {self.alert_id}"


class AlertPreference(models.Model):
    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DIGEST = "digest", _("Once a day (digest)")
        OFF = "off", _("No e-mail")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference"
    )
    email = models.CharField(
        _("e-mail notifications"), max_length=10, choices=Email.choices, default=Email.IMMEDIATE
    )

    def __str__(self) -> str:
        return f"alert preference of user {self.user_id}"


class Delivery(models.Model):
    """One notification to send: the outbox row. Claimed by compare-and-set on
    `claimed_at`; a claim older than the lease is taken over by another watcher."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DROPPED = "dropped", _("Not sent: acknowledged before the digest")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty for a notification of an app above this one (a protection escalation: a
    # person at risk has no case): that app renders the message in the recipient's
    # language and seals it here, and the outbox only sends it (`message`).
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    # The webhook's URL; for a sealed message's webhook, an opaque endpoint key (its
    # circuit breaker's), the URL itself being sealed in `address`.
    target = models.CharField(max_length=500, blank=True)
    # What a notification without an alert is about, ids only ("escalation:<uuid>:team").
    reference = models.CharField(max_length=100, blank=True)
    # Its message, as JSON {"subject", "body"} (e-mail) or {"payload"} (webhook), sealed:
    # it may name what a person at risk consented to share.
    message = EncryptedTextField(purpose="alerts.delivery.message", blank=True)
    # Where it goes when the recipient is not a user: an e-mail address or a URL, sealed.
    address = EncryptedTextField(purpose="alerts.delivery.address", blank=True)
    digest = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True)
    claim_token = models.UUIDField(null=True)
    sent_at = models.DateTimeField(null=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A failed row is still retried (slowly) until then; empty: it waits for a person.
    retry_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]
        constraints = [
            # Either an alert's notification or a sealed message: never neither.
            models.CheckConstraint(
                condition=models.Q(alert__isnull=False) | ~models.Q(message=""),
                name="delivery_alert_or_message",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} delivery {self.pk} ({self.status})"


class DeliveryAttempt(models.Model):
    """Every try, written before the send (so a crash mid-send leaves a trace)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    worker = models.CharField(max_length=100)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    ok = models.BooleanField(null=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attempt {self.pk} of delivery {self.delivery_id}"


class WatcherState(models.Model):
    """The watcher's heartbeat (one row): the health check and the dashboard read it."""

    last_pass_started = models.DateTimeField(null=True)
    last_pass_finished = models.DateTimeField(null=True)
    last_worker = models.CharField(max_length=100, blank=True)
    last_summary = models.JSONField(default=dict)
    last_error = models.CharField(max_length=500, blank=True)
    # When the watcher last looked for changed interventions and responses (the
    # advocacy services do not call the alerts; the watcher notices instead).
    advocacy_seen_at = models.DateTimeField(null=True)
    # AlertSettings.updated_at last applied to every case's deadlines.
    settings_applied = models.DateTimeField(null=True)
    # When the watcher last deleted expired sessions (once a day).
    sessions_purged_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return "watcher state"
