import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from habeas.core.encryption import EncryptedTextField


class User(AbstractUser):
    """A person working in the organisation. Roles narrow what they may manage;
    which cases they see is decided by case teams (`cases.CaseMember`)."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "admin", _("Administrator")
        STAFF = "staff", _("Staff")
        VIEWER = "viewer", _("Viewer")

    # Names the account in URLs; the integer key stays internal.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    # Copied into the session at login and compared on every request: raising it
    # ends every session of the account at once ("log out everywhere", disabling,
    # password change, 2FA reset) without scanning the session table.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # The interface language chosen on the account page ("en", "ru"); empty: the
    # browser's. Pages, and the e-mails the outbox sends this user, follow it. Not
    # a choices field: the offered languages are the catalogues installed
    # (settings.LANGUAGES), which change without a migration.
    language = models.CharField(_("language"), max_length=16, blank=True, default="")

    def __str__(self) -> str:
        return self.username

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR

    @property
    def may_write(self) -> bool:
        """Viewers read: they open no case, add nothing to the shared directories
        and are on case teams as read-only members only."""
        return self.role != self.Role.VIEWER


class TOTPDevice(models.Model):
    """An authenticator app (RFC 6238: SHA-1, 6 digits, 30-second steps).

    One per user. It counts for login only once confirmed with a code, so a
    half-finished enrolment never locks anyone out."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    # The shared secret (base32), encrypted at rest and bound to this row: a copy of
    # the database alone does not let anyone make codes.
    secret = EncryptedTextField(purpose="accounts.totpdevice.secret")
    # Stored only once confirmed: the secret being set up is kept in the session
    # that sets it up (services.totp_setup_secret). False on rows left by older
    # versions, which are replaced at the next confirmation.
    confirmed = models.BooleanField(default=False)
    # The last time step (unix time // 30) a code was accepted for: a code for that
    # step or an earlier one is refused, so an overheard code cannot be replayed.
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"TOTP device {self.public_id}"


class BackupCode(models.Model):
    """A single-use recovery code, stored as a password hash (the code itself is
    shown once, when generated)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backup_codes"
    )
    code_hash = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"backup code #{self.pk} of user #{self.user_id}"


class LoginFailure(models.Model):
    """One failed password or code, counted for lockout by username and by address.

    Rows older than the lockout window are pruned as new ones are written; the
    permanent record is the audit log. `username` is a keyed hash of what was
    typed (`selectors.lockout_key`): a password pasted into the username box is
    not kept."""

    class Stage(models.TextChoices):
        PASSWORD = "password", _("Password")
        CODE = "code", _("Two-factor code")
        REAUTH = "reauth", _("Password confirmation")

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=45)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_username_at"),
            models.Index(fields=["ip", "at"], name="loginfailure_ip_at"),
        ]

    def __str__(self) -> str:
        return f"login failure #{self.pk}"


class LoginTally(models.Model):
    """Failed or refused logins of one client in one window, so that the audit log
    gets one entry when they start and one summary with the count once the window
    is over, not one entry each (an unauthenticated client could otherwise grow
    the append-only log without bound).

    Counted per action, stage, account (or typed username, by its lockout hash),
    client (`selectors.login_client`) and window; past `TALLIES_PER_WINDOW` in a
    window, in one tally for "many clients" (services.py)."""

    action = models.CharField(max_length=60)
    stage = models.CharField(max_length=10)
    # None for a username that matches no account (what was typed is not kept)
    # and for the tally of many clients.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    # "user:<id>", "name:<lockout hash>" or "many": in the unique constraint, where
    # NULLs would differ.
    subject = models.CharField(max_length=40)
    ip = models.CharField(max_length=45)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "stage", "subject", "ip", "window_start"],
                name="logintally_one_per_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} ×{self.count} from {self.window_start:%Y-%m-%d %H:%M}"
