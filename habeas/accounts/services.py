"""Accounts: the two login steps, authenticator apps and backup codes, lockout,
sessions, and the administrators' management of accounts.

Every outcome that matters to an investigation of the organisation itself (who
logged in, who failed, who was locked out, who changed whose account) goes to the
audit log. Audit details carry ids and outcomes only: never a password, a code, a
secret or a name.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.audit.services import audit_record
from habeas.cases.services import memberships_demote
from habeas.core.encryption import keyring
from habeas.lib import crypto

from . import selectors
from .models import BackupCode, LoginFailure, LoginTally, TOTPDevice, User
from .selectors import PENDING_KEY, SESSION_EPOCH_KEY, TOTP_SETUP_KEY, lockout_key

log = logging.getLogger(__name__)

TOTP_INTERVAL = 30
TOTP_DIGITS = 6
TOTP_WINDOW = 1  # steps either side of now: tolerates a phone clock 30 s off
BACKUP_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied onto paper must read back unambiguously.
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_LENGTH = 10  # 31**10 ≈ 2**49.5 possibilities per code
# ASCII digits only: `\d` would also take other scripts' digits.
_TOTP_CODE = re.compile(f"[0-9]{{{TOTP_DIGITS}}}")


class Outcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    WRONG_CODE = "wrong_code"  # the password was right, the code not
    LOCKED = "locked"


# --- lockout -----------------------------------------------------------------

_FAILURE_ACTIONS: dict[str, str] = {
    LoginFailure.Stage.PASSWORD: "auth.login_failed",
    LoginFailure.Stage.CODE: "auth.2fa_failed",
    LoginFailure.Stage.REAUTH: "auth.reauth_failed",
}


# Failed and refused logins reach the audit log once per client, typed username
# and window, then as one summary with the count (see LoginTally). A window holds
# at most TALLIES_PER_WINDOW of them; past that, every other client and username
# is counted in one tally for "many clients", so that the audit log gets a bounded
# number of entries per window however many addresses an attacker has.
TALLY_WINDOW = timedelta(minutes=15)
TALLIES_PER_WINDOW = 20
UNKNOWN_USER = "unknown"
MANY_CLIENTS = "many"


@transaction.atomic
def login_failure_record(
    *, request: HttpRequest, username: str, stage: str, user: User | None = None
) -> None:
    """Count one failure towards the lockout of `username` and of the address, and
    audit it. Rows older than the window are pruned here (an indexed range delete)."""
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - selectors.lockout_window()).delete()
    LoginFailure.objects.create(
        username=lockout_key(username), ip=selectors.login_client(request), stage=stage, at=now
    )
    _login_event_tally(
        request=request, action=_FAILURE_ACTIONS[stage], stage=stage, username=username, user=user
    )


@transaction.atomic
def login_refuse_locked(*, request: HttpRequest, username: str, stage: str) -> None:
    """Audit an attempt refused by the lockout (not counted as a failure itself, so
    the lock ends when the window has passed over the failures that caused it)."""
    _login_event_tally(request=request, action="auth.locked_out", stage=stage, username=username)


def _login_event_tally(
    *, request: HttpRequest, action: str, stage: str, username: str, user: User | None = None
) -> None:
    """The first such event of this client and username in the window is audited
    at once; the others only counted, and summarised when the window is over. A
    username that matches no account is audited as "unknown": what was typed is
    not kept. Usernames with and without an account take the same steps (a tally
    of their own, keyed by the lockout hash for those without), so the time an
    answer takes does not tell whether an account exists."""
    now = timezone.now()
    login_tallies_summarise(now=now)
    account = user or selectors.account_named(username)
    window_start = now - (now - datetime.min.replace(tzinfo=UTC)) % TALLY_WINDOW
    key = {
        "action": action,
        "stage": stage,
        "window_start": window_start,
        "subject": f"user:{account.pk}" if account else f"name:{lockout_key(username)[:32]}",
        "ip": selectors.login_client(request),
    }
    if (
        not LoginTally.objects.filter(**key).exists()
        and LoginTally.objects.filter(window_start=window_start).count() >= TALLIES_PER_WINDOW
    ):
        key.update(subject=MANY_CLIENTS, ip="")
        account = None
    tally, created = LoginTally.objects.get_or_create(**key, defaults={"user": account})
    if created:
        _tally_audit(tally, request=request, detail={})
    else:
        LoginTally.objects.filter(pk=tally.pk).update(count=F("count") + 1)


def _tally_audit(
    tally: LoginTally, *, detail: dict[str, Any], request: HttpRequest | None = None
) -> None:
    account = tally.user
    # Someone past the password who fails a code or a confirmation is the actor; a
    # login attempt, or one the lockout refused, only names the account it was for.
    as_actor = (
        account is not None
        and tally.stage != LoginFailure.Stage.PASSWORD
        and tally.action != "auth.locked_out"
    )
    audit_record(
        action=tally.action,
        actor=account if as_actor else None,
        username=account.username if account and not as_actor else "",
        request=request,
        ip=None if request is not None else tally.ip,
        detail={
            "stage": tally.stage,
            **({} if account else {"username": UNKNOWN_USER}),
            **({"clients": MANY_CLIENTS} if tally.subject == MANY_CLIENTS else {}),
            **detail,
        },
    )


@transaction.atomic
def login_tallies_summarise(*, now: datetime) -> int:
    """Write one summary entry (with the count) for each window that is over and
    saw more than one event; forget the windows. Runs at every login event and on
    every pass of the watcher.
    Deleting first and writing only what was deleted keeps two processes from
    writing the same summary."""
    done = 0
    for tally in LoginTally.objects.filter(window_start__lte=now - TALLY_WINDOW).select_related(
        "user"
    ):
        deleted, _ = LoginTally.objects.filter(pk=tally.pk).delete()
        if deleted and tally.count > 1:
            _tally_audit(
                tally,
                detail={
                    "count": tally.count,
                    "since": tally.window_start.isoformat(timespec="minutes"),
                    "minutes": int(TALLY_WINDOW.total_seconds() // 60),
                },
            )
            done += 1
    return done


# --- the two login steps -------------------------------------------------------


def login_pending_start(*, request: HttpRequest, user: User, next_url: str) -> None:
    """Remember that `user` gave the right password and owes a code. They stay
    logged out until `login_complete`."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "at": int(time.time()),
        "next": next_url,
        "backend": getattr(user, "backend", ""),
    }


def login_pending_clear(*, request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


@transaction.atomic
def login_complete(*, request: HttpRequest, user: User, method: str) -> None:
    """Log in (Django's `login` gives the session a new key), forget this address's
    failures for this username (not other usernames'), and audit."""
    pending = request.session.pop(PENDING_KEY, None) or {}
    backend = getattr(user, "backend", None) or pending.get("backend") or None
    if backend not in settings.AUTHENTICATION_BACKENDS:
        backend = settings.AUTHENTICATION_BACKENDS[0]
    login(request, user, backend=backend)
    LoginFailure.objects.filter(
        username=lockout_key(user.username), ip=selectors.login_client(request)
    ).delete()
    login_tallies_summarise(now=timezone.now())
    audit_record(action="auth.login", actor=user, request=request, detail={"method": method})


def two_factor_check(*, user: User, code: str) -> str | None:
    """Which second factor `code` is, if it is right: "totp", "backup_code" or None.
    Six digits are an authenticator code; anything else is tried as a backup code."""
    compact = re.sub(r"[\s-]", "", code or "")
    if _TOTP_CODE.fullmatch(compact):
        device = selectors.totp_device_confirmed(user)
        if device is not None and totp_verify(device=device, code=compact):
            return "totp"
        return None
    if backup_code_use(user=user, code=compact):
        return "backup_code"
    return None


@transaction.atomic
def session_logout(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        audit_record(action="auth.logout", actor=user, request=request)
    logout(request)


@transaction.atomic
def session_end_stale(*, request: HttpRequest) -> None:
    """The account's session epoch moved on (disabled, "log out everywhere", password
    changed elsewhere, 2FA reset): this session ends now."""
    audit_record(
        action="auth.session_ended", actor=request.user, request=request, detail={"reason": "epoch"}
    )
    logout(request)


@transaction.atomic
def sessions_end_others(*, request: HttpRequest, user: User) -> None:
    """End every other session of `user`; this one carries on."""
    _epoch_bump(user)
    request.session[SESSION_EPOCH_KEY] = user.session_epoch
    audit_record(action="auth.sessions_ended", actor=user, request=request, target=user)


def _epoch_bump(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def reauthenticate(*, request: HttpRequest, user: User, password: str) -> Outcome:
    """Confirm a logged-in user's password before a sensitive change. Wrong
    passwords count towards the lockout, so a stolen session cannot be used to
    guess the password behind it."""
    if selectors.login_locked(username=user.username, request=request):
        login_refuse_locked(request=request, username=user.username, stage="reauth")
        return Outcome.LOCKED
    if not user.check_password(password or ""):
        login_failure_record(
            request=request, username=user.username, stage=LoginFailure.Stage.REAUTH, user=user
        )
        return Outcome.WRONG
    return Outcome.OK


@transaction.atomic
def password_change(*, request: HttpRequest, user: User, new_password: str) -> None:
    """Set a new password (already validated) and end the account's other sessions."""
    user.set_password(new_password)
    user.session_epoch = F("session_epoch") + 1
    user.save(update_fields=["password", "session_epoch"])
    user.refresh_from_db(fields=["session_epoch"])
    update_session_auth_hash(request, user)
    request.session[SESSION_EPOCH_KEY] = user.session_epoch
    audit_record(action="auth.password_changed", actor=user, request=request, target=user)


@transaction.atomic
def user_language_set(*, request: HttpRequest | None, user: User, language: str) -> None:
    """The user's interface language: one of settings.LANGUAGES, or "" for the
    browser's. Audited with the codes only."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    if language == user.language:
        return
    before = user.language
    user.language = language
    user.save(update_fields=["language"])
    audit_record(
        action="auth.language_changed",
        actor=user,
        request=request,
        target=user,
        detail={"from": before, "to": language},
    )


# --- authenticator apps (TOTP) -------------------------------------------------


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL)


def totp_provisioning_uri(*, user: User, secret: str) -> str:
    return _totp(secret).provisioning_uri(
        name=user.username, issuer_name=settings.HABEAS_TOTP_ISSUER
    )


def _totp_matching_step(device: TOTPDevice, code: str) -> int | None:
    totp = _totp(device.secret)
    now = int(time.time()) // TOTP_INTERVAL
    found = None
    for step in range(now - TOTP_WINDOW, now + TOTP_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


@transaction.atomic
def totp_verify(*, device: TOTPDevice, code: str) -> bool:
    """True once per time step: a code for the step last accepted, or an earlier
    one, is refused even if it is otherwise right (replay)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    step = _totp_matching_step(device, code)
    if step is None or step <= device.last_step:
        return False
    device.last_step = step
    device.save(update_fields=["last_step"])
    return True


def totp_setup_secret(*, request: HttpRequest, user: User) -> str:
    """The secret being set up in this session: made on its first visit to the
    set-up page and kept in the session, sealed with the key ring and bound to the
    account. Reloading the page keeps what the app may have scanned; another
    session (a stolen one) gets a secret of its own and can neither read nor
    replace this one, so it can neither learn the secret the owner confirms nor
    keep the owner from confirming it."""
    binding = f"{TOTP_SETUP_KEY}:{user.pk}"
    sealed = request.session.get(TOTP_SETUP_KEY)
    if crypto.is_token(sealed):
        try:
            return crypto.decrypt(keyring(), sealed, binding)
        except crypto.DecryptionError:
            pass  # another account's, or under a key dropped since: start again
    secret = pyotp.random_base32()
    request.session[TOTP_SETUP_KEY] = crypto.encrypt(keyring(), secret, binding)
    return secret


@transaction.atomic
def totp_device_confirm(
    *, request: HttpRequest, user: User, password: str, code: str
) -> tuple[Outcome, list[str]]:
    """Turn two-factor login on once the password is confirmed and the app shows
    the right code for this session's secret; returns the outcome and the new
    backup codes (to show once). A stolen session alone cannot enrol another phone
    and lock the owner out."""
    outcome = reauthenticate(request=request, user=user, password=password)
    if outcome is not Outcome.OK:
        return outcome, []
    compact = re.sub(r"\s", "", code or "")
    if TOTP_SETUP_KEY not in request.session or not _TOTP_CODE.fullmatch(compact):
        return Outcome.WRONG_CODE, []
    pending = TOTPDevice(user=user, secret=totp_setup_secret(request=request, user=user))
    step = _totp_matching_step(pending, compact)
    if step is None:
        return Outcome.WRONG_CODE, []
    User.objects.select_for_update().get(pk=user.pk)  # one confirmation at a time
    if selectors.totp_device_confirmed(user) is not None:
        return Outcome.WRONG_CODE, []  # confirmed meanwhile in another session
    TOTPDevice.objects.filter(user=user).delete()  # one left unconfirmed by an older version
    pending.confirmed, pending.confirmed_at, pending.last_step = True, timezone.now(), step
    pending.save()
    request.session.pop(TOTP_SETUP_KEY, None)
    audit_record(action="auth.2fa_enabled", actor=user, request=request, target=pending)
    return Outcome.OK, backup_codes_generate(request=request, user=user)


@transaction.atomic
def two_factor_disable(*, request: HttpRequest, user: User, password: str, code: str) -> Outcome:
    """The user turns two-factor login off: needs the password and a current code
    (or a backup code)."""
    outcome = reauthenticate(request=request, user=user, password=password)
    if outcome is not Outcome.OK:
        return outcome
    if two_factor_check(user=user, code=code) is None:
        login_failure_record(
            request=request, username=user.username, stage=LoginFailure.Stage.CODE, user=user
        )
        return Outcome.WRONG
    TOTPDevice.objects.filter(user=user).delete()
    BackupCode.objects.filter(user=user).delete()
    audit_record(action="auth.2fa_disabled", actor=user, request=request, target=user)
    return Outcome.OK


@transaction.atomic
def two_factor_reset(*, user: User, by: User | None) -> None:
    """An administrator removes a user's authenticator and backup codes (a lost
    phone) and ends their sessions; they set up a new one at their next login."""
    devices, _ = TOTPDevice.objects.filter(user=user).delete()
    codes, _ = BackupCode.objects.filter(user=user).delete()
    _epoch_bump(user)
    audit_record(
        action="auth.2fa_reset",
        actor=by,
        target=user,
        detail={"user_id": user.pk, "devices": devices, "backup_codes": codes, **_via(by)},
    )


# --- backup codes ----------------------------------------------------------------


def _backup_code_new() -> str:
    return "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_LENGTH))


def backup_code_format(code: str) -> str:
    half = BACKUP_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def _backup_code_normalize(code: str) -> str | None:
    compact = re.sub(r"[\s-]", "", code or "").lower()
    if len(compact) != BACKUP_LENGTH or any(c not in BACKUP_ALPHABET for c in compact):
        return None
    return compact


@transaction.atomic
def backup_codes_generate(*, request: HttpRequest | None, user: User) -> list[str]:
    """Replace the user's backup codes with ten new ones; returns them formatted
    for display (the only time they exist outside a hash)."""
    BackupCode.objects.filter(user=user).delete()
    codes = [_backup_code_new() for _ in range(BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create(
        [BackupCode(user=user, code_hash=make_password(code)) for code in codes]
    )
    audit_record(
        action="auth.backup_codes_generated",
        actor=user,
        request=request,
        target=user,
        detail={"count": len(codes)},
    )
    return [backup_code_format(code) for code in codes]


def backup_codes_regenerate(
    *, request: HttpRequest, user: User, password: str
) -> tuple[Outcome, list[str]]:
    """New backup codes after the password is confirmed (a stolen session alone
    must not be able to mint codes for later)."""
    outcome = reauthenticate(request=request, user=user, password=password)
    if outcome is not Outcome.OK:
        return outcome, []
    return outcome, backup_codes_generate(request=request, user=user)


@transaction.atomic
def backup_code_use(*, user: User, code: str) -> bool:
    """Spend one backup code. Only well-formed codes are hashed, so garbage costs
    nothing; a right one is marked used by a conditional update, so two requests
    racing with the same code cannot both succeed."""
    compact = _backup_code_normalize(code)
    if compact is None:
        return False
    for stored in BackupCode.objects.filter(user=user, used_at__isnull=True):
        if check_password(compact, stored.code_hash):
            spent = BackupCode.objects.filter(pk=stored.pk, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            if not spent:
                return False
            audit_record(
                action="auth.backup_code_used",
                actor=user,
                target=user,
                detail={"remaining": selectors.backup_codes_remaining(user)},
            )
            return True
    return False


# --- administration --------------------------------------------------------------


@transaction.atomic
def access_denied_record(*, request: HttpRequest, view: str) -> None:
    """A non-administrator asked for an administration page (answered with 404)."""
    audit_record(action="access.denied", actor=request.user, request=request, detail={"view": view})


def _password_generate() -> str:
    # Four groups of five from the backup-code alphabet: ~99 bits, easy to read out.
    return "-".join("".join(secrets.choice(BACKUP_ALPHABET) for _ in range(5)) for _ in range(4))


def _via(by: User | None) -> dict[str, str]:
    return {} if by is not None else {"via": "command"}


@transaction.atomic
def user_create(
    *, username: str, role: str, password: str | None = None, by: User | None
) -> tuple[User, str | None]:
    """Create an account. Without a password one is generated and returned (to be
    shown once and passed on by a safe channel); with one, None is returned."""
    generated = None
    if not password:
        password = generated = _password_generate()
    user = User.objects.create_user(username=username, password=password, role=role)
    audit_record(
        action="user.created",
        actor=by,
        target=user,
        detail={
            "user_id": user.pk,
            "role": role,
            "initial_password": "generated" if generated else "chosen",
            **_via(by),
        },
    )
    return user, generated


def _refuse_removing_last_admin(user: User) -> None:
    if (
        user.role == User.Role.ADMINISTRATOR
        and user.is_active
        and not selectors.active_administrators().exclude(pk=user.pk).exists()
    ):
        raise ValidationError(_("This is the last active administrator."), code="last_admin")


@transaction.atomic
def user_role_change(*, user: User, role: str, by: User) -> None:
    if role not in User.Role.values:
        raise ValidationError(_("Choose a role from the list."), code="invalid_role")
    if user.pk == by.pk:
        raise ValidationError(
            _("You cannot change your own role; ask another administrator."), code="self"
        )
    if role == user.role:
        return
    if role != User.Role.ADMINISTRATOR:
        _refuse_removing_last_admin(user)
    downgraded = 0
    if role == User.Role.VIEWER:
        # A viewer stays on their case teams, read-only.
        downgraded = memberships_demote(user=user, by=by)
    previous = user.role
    user.role = role
    user.save(update_fields=["role"])
    audit_record(
        action="user.role_changed",
        actor=by,
        target=user,
        detail={"user_id": user.pk, "from": previous, "to": role, "read_only_on": downgraded},
    )


@transaction.atomic
def user_disable(*, user: User, by: User) -> None:
    """Disable an account: every session it has ends at its next request (inactive
    users are not loaded by the authentication backend, and the epoch moves on)."""
    if user.pk == by.pk:
        raise ValidationError(_("You cannot disable your own account."), code="self")
    if not user.is_active:
        return
    _refuse_removing_last_admin(user)
    user.is_active = False
    user.session_epoch = F("session_epoch") + 1
    user.save(update_fields=["is_active", "session_epoch"])
    user.refresh_from_db(fields=["session_epoch"])
    audit_record(action="user.disabled", actor=by, target=user, detail={"user_id": user.pk})


@transaction.atomic
def user_enable(*, user: User, by: User) -> None:
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(action="user.enabled", actor=by, target=user, detail={"user_id": user.pk})
