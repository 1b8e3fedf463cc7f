"""Read-only questions about accounts: lockout, pending logins, two-factor state."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
import unicodedata
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from habeas.audit.context import client_ip
from habeas.core.encryption import keyring

from .models import BackupCode, LoginFailure, TOTPDevice, User

# Session keys. The pending login is the user who gave the right password and
# still owes a code: they are *not* logged in until the code is accepted.
PENDING_KEY = "accounts.pending"
PENDING_SECONDS = 300
SESSION_EPOCH_KEY = "accounts.epoch"
# The authenticator secret being set up in this session (sealed; services.py).
TOTP_SETUP_KEY = "accounts.totp_setup"


def username_normalised(username: str) -> str:
    """The one form in which a typed username is matched to an account and counted
    for lockout: NFKC (fullwidth "ＡＬＩＣＥ" becomes "ALICE"), spaces at either end
    dropped, letter case folded. Both uses go through here, so that the account a
    failure locks is the account the audit log names."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def lockout_key(username: str) -> str:
    """What failures of a username are counted under: a keyed hash (HMAC-SHA-256,
    with a key derived from the key ring) of its normalised form, so "Alice",
    "alice " and "ＡＬＩＣＥ" count as one, and whatever was typed (a password in
    the wrong box) is not kept. Empty for an empty username."""
    normalised = username_normalised(username)
    if not normalised:
        return ""
    key = keyring().derive("login-lockout-v1")
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def account_named(username: str) -> User | None:
    """The account a typed username is for, if any: the one account whose username
    has the same normalised form."""
    normalised = username_normalised(username)
    if not normalised or len(normalised) > 150:
        return None
    # iexact narrows the search in the database; the comparison is the Python one.
    matches = [
        user
        for user in User.objects.filter(username__iexact=normalised)[:3]
        if username_normalised(user.username) == normalised
    ]
    return matches[0] if len(matches) == 1 else None


def login_client(request: HttpRequest) -> str:
    """What failed logins of a client are counted under: its IPv4 address, or the
    /64 network of its IPv6 address (one subscriber gets a whole /64 and can take
    a new address from it for every attempt)."""
    ip = client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def lockout_window() -> timedelta:
    return timedelta(minutes=settings.HABEAS_LOCKOUT_MINUTES)


def login_locked(*, username: str, request: HttpRequest) -> bool:
    """True when the username or the client (`login_client`) has had too many
    failures in the window. Says the same for usernames that exist and those that do not."""
    limit = settings.HABEAS_LOCKOUT_ATTEMPTS
    by_address = settings.HABEAS_LOCKOUT_ADDRESS_ATTEMPTS
    recent = LoginFailure.objects.filter(at__gte=timezone.now() - lockout_window())
    key, ip = lockout_key(username), login_client(request)
    if limit > 0 and key and recent.filter(username=key).count() >= limit:
        return True
    return by_address > 0 and bool(ip) and recent.filter(ip=ip).count() >= by_address


def login_pending(request: HttpRequest) -> tuple[User | None, str, str]:
    """(user, where to go afterwards, state) for the login halfway done in this
    session. The user is None, with state "missing" or "expired", when there is
    none, it is older than five minutes, or the account was disabled meanwhile."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None, "", "missing"
    started = pending.get("at")
    if not isinstance(started, int) or not 0 <= time.time() - started <= PENDING_SECONDS:
        return None, "", "expired"
    # No "user" in the session finds no one (pk=None): expired, as below.
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()  # type: ignore[misc]
    if user is None:
        return None, "", "expired"
    return user, str(pending.get("next") or ""), "ok"


def totp_device_confirmed(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_required(user: User) -> bool:
    return user.role == User.Role.ADMINISTRATOR or settings.HABEAS_REQUIRE_2FA


def two_factor_enrolment_due(user: User) -> bool:
    """Must this user set up an authenticator before using anything else?"""
    return two_factor_required(user) and not (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def backup_codes_remaining(user: User) -> int:
    return BackupCode.objects.filter(user=user, used_at__isnull=True).count()


def users_for_admin() -> QuerySet[User]:
    """Every account with what the user list shows, in two queries at most."""
    return (
        User.objects.annotate(
            has_2fa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .only("id", "public_id", "username", "role", "is_active", "last_login", "date_joined")
        .order_by("username")
    )


def user_for_admin(public_id: UUID) -> User | None:
    return (
        users_for_admin()
        .annotate(
            codes_left=Count("backup_codes", filter=Q(backup_codes__used_at__isnull=True)),
        )
        .filter(public_id=public_id)
        .first()
    )


def active_administrators() -> QuerySet[User]:
    return User.objects.filter(role=User.Role.ADMINISTRATOR, is_active=True)
