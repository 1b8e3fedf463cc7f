"""API tokens, and the request counters that rate-limit the API."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal API token: it acts as its user, never as more (docs/api.md).

    Only the SHA-256 of the token is kept; the token itself is shown once, when it is
    made. `prefix` (part of the token, not secret) finds the row in one indexed lookup
    and names the token on the account page and in the audit log."""

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for"))
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)  # SHA-256, hex
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The account's session epoch when the token was made. Whatever ends the
    # account's sessions (a password change, "log out everywhere", disabling it, a
    # two-factor reset) moves the epoch on and so ends its tokens too, for good:
    # a stolen token does not outlive what its victim does about the theft.
    epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"API token {self.prefix} ({self.name})"

    @property
    def ended_with_sessions(self) -> bool:
        """The account's sessions were ended after this token was made."""
        return self.epoch != self.user.session_epoch

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class ApiRateWindow(models.Model):
    """Requests counted under one key (a token, a client address's keyed hash) in one
    fixed window. Rows live in the database so that every worker of every server
    counts into the same window (SQLite and PostgreSQL alike); windows that have
    ended are deleted as new ones begin."""

    key = models.CharField(max_length=80)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="apiratewindow_unique")
        ]
        indexes = [models.Index(fields=["window_start"], name="apiratewindow_start")]

    def __str__(self) -> str:
        return f"{self.key} ×{self.count} from {self.window_start:%H:%M:%S}"


class ApiRefusalTally(models.Model):
    """Refused tokens from one client address in one window, so that the audit log
    gets one entry when they start and one summary with the count once the window
    is over, not one entry each: anyone can send bearer tokens, and the audit log
    is append-only. Past services.REFUSAL_TALLIES_PER_WINDOW addresses in a window,
    the others share one tally (`key` "many", no address). The address is kept here
    only until the window's summary is written, as in the audit entry itself."""

    key = models.CharField(max_length=80)  # ratelimit.address_key, or "many"
    ip = models.CharField(max_length=45, blank=True)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=1)
    reasons = models.JSONField(default=dict)  # reason -> count
    tokens = models.JSONField(default=list)  # public ids of the rows named, at most a few

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="apirefusaltally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} ×{self.count} from {self.window_start:%H:%M:%S}"
