"""Writes of the API app: making and revoking tokens (audited, never the token)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts import selectors as account_selectors
from habeas.accounts import services as accounts
from habeas.accounts.models import LoginFailure, User
from habeas.audit.services import audit_record
from habeas.lib.text import one_line

from . import ratelimit
from .models import ApiRefusalTally, ApiToken

# "hbs_" + 10 hex characters (the lookup prefix, not secret) + "_" + 43 characters of
# secrets.token_urlsafe(32): 256 bits a guess must match. Recognisable in a leaked
# file or a repository, so secret scanners can be taught the pattern.
TOKEN_MARK = "hbs_"  # noqa: S105  (a label, not a secret)
PREFIX_HEX = 10


def token_digest(token: str) -> str:
    """SHA-256 of the whole token. No salt or slow hash is needed: the token is 256
    random bits, not something a person chose, so no dictionary can reach it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_prefix(token: str) -> str | None:
    """The lookup prefix of something that looks like a token, or None."""
    if not token.startswith(TOKEN_MARK):
        return None
    rest = token[len(TOKEN_MARK) :]
    prefix, sep, secret = rest.partition("_")
    if not sep or len(prefix) != PREFIX_HEX or not secret or len(token) > 100:
        return None
    if any(c not in "0123456789abcdef" for c in prefix):
        return None
    return TOKEN_MARK + prefix


@transaction.atomic
def api_token_confirm(
    *, request: HttpRequest, user: User, password: str, code: str
) -> tuple[accounts.Outcome, str]:
    """Is it the account's holder asking for a token? The password again and, for an
    account with two-factor login, a current code (or a backup code): a token lasts
    up to 90 days and survives a logout, so a stolen session (or a session and a
    phished password) must not be enough to make one. Returns the outcome and, when
    it is WRONG, which field was wrong ("password" or "code"). A wrong code counts
    towards the lockout like a wrong password and is audited."""
    outcome = accounts.reauthenticate(request=request, user=user, password=password)
    if outcome is not accounts.Outcome.OK:
        return outcome, "password"
    if account_selectors.totp_device_confirmed(user) is None:
        return outcome, ""
    if accounts.two_factor_check(user=user, code=code) is None:
        accounts.login_failure_record(
            request=request, username=user.username, stage=LoginFailure.Stage.CODE, user=user
        )
        audit_record(
            action="api_token.refused",
            actor=user,
            request=request,
            target=user,
            detail={"reason": "two_factor_code"},
        )
        return accounts.Outcome.WRONG, "code"
    return outcome, ""


def max_days() -> int:
    return settings.HABEAS_API_TOKEN_MAX_DAYS


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scope: str, days: int, by: User
) -> tuple[ApiToken, str]:
    """Make a token for `user` (themselves only: `by` must be `user`), valid `days`
    days (1 to HABEAS_API_TOKEN_MAX_DAYS). Returns the row and the token, which is
    never stored and cannot be shown again."""
    if by.pk != user.pk:
        raise ValidationError(_("A token is made by its own user."))
    name = one_line(name)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Say what the token is for.")
    if scope not in ApiToken.Scope.values:
        errors["scope"] = _("Choose read or read and write.")
    elif scope == ApiToken.Scope.WRITE and not user.may_write:
        errors["scope"] = _("A viewer's token can only read.")
    if not 1 <= days <= max_days():
        errors["days"] = _("A token lasts from 1 to %(max)d days.") % {"max": max_days()}
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):  # a prefix clash is one in a trillion; try again
        prefix = TOKEN_MARK + secrets.token_hex(PREFIX_HEX // 2)
        token = f"{prefix}_{secrets.token_urlsafe(32)}"
        row = ApiToken(
            user=user,
            name=name,
            prefix=prefix,
            digest=token_digest(token),
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
            epoch=user.session_epoch,
        )
        row.full_clean(exclude=["prefix"])
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            continue
        break
    else:  # pragma: no cover
        raise RuntimeError("no free token prefix")
    audit_record(  # the prefix names the token; the token itself never goes anywhere
        action="api_token.create",
        actor=by,
        target=row,
        detail={"prefix": row.prefix, "scope": scope, "days": days},
    )
    return row, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> bool:
    """Revoke a token at once (its next request gets the 401 of any bad token).
    False when it was already revoked."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if not updated:
        return False
    audit_record(action="api_token.revoke", actor=by, target=token, detail={"prefix": token.prefix})
    return True


# --- refused tokens: audited, a tally per address and minute ------------------------

REFUSAL_TALLIES_PER_WINDOW = 20  # addresses a window; the rest share one tally
REFUSAL_TOKENS_KEPT = 10  # token ids named in one tally
MANY = "many"


class Refusal:
    """Why a presented bearer token was refused (the client gets the same 401)."""

    UNKNOWN = "unknown"  # not a token, or no token has its prefix
    WRONG_SECRET = "wrong_secret"  # noqa: S105  (a reason, not a secret): a real token's prefix with another secret
    REVOKED = "revoked"
    EXPIRED = "expired"
    DISABLED = "disabled"  # its account is disabled
    ENDED = "ended"  # made before the account's sessions were last ended


@transaction.atomic
def api_token_refused(
    *, address: str, reason: str, token: ApiToken | None, now: datetime | None = None
) -> None:
    """Audit a refused bearer token: the first refusal from `address` in a window
    (ratelimit.WINDOW) at once, with the reason and, when the token's row is known,
    its id and prefix (never the token); the others only counted, then one summary
    with the count, the reasons and the ids once the window is over (written at the
    next refusal from anywhere, or by the watcher's next pass). A flood therefore
    writes at most two entries a minute per address, for at most
    REFUSAL_TALLIES_PER_WINDOW addresses, and two for all the others together."""
    now = now or timezone.now()
    api_refusals_summarise(now=now)
    start = ratelimit.window_start(now)
    key, ip = ratelimit.address_key("refused-audit", address), address
    if (
        not ApiRefusalTally.objects.filter(key=key, window_start=start).exists()
        and ApiRefusalTally.objects.filter(window_start=start).count() >= REFUSAL_TALLIES_PER_WINDOW
    ):
        key, ip = MANY, ""
    named = [str(token.public_id)] if token is not None else []
    try:
        with transaction.atomic():
            ApiRefusalTally.objects.create(
                key=key, ip=ip, window_start=start, reasons={reason: 1}, tokens=named
            )
    except IntegrityError:  # not the first of its window: counted, said in the summary
        tally = ApiRefusalTally.objects.select_for_update().get(key=key, window_start=start)
        tally.count += 1
        tally.reasons[reason] = tally.reasons.get(reason, 0) + 1
        if named and named[0] not in tally.tokens and len(tally.tokens) < REFUSAL_TOKENS_KEPT:
            tally.tokens.append(named[0])
        tally.save(update_fields=["count", "reasons", "tokens"])
        return
    detail: dict[str, object] = {"reason": reason}
    if token is not None:
        detail.update(token=str(token.public_id), prefix=token.prefix)
    if key == MANY:
        detail["clients"] = MANY
    audit_record(
        action="auth.api_token_refused",  # by whoever holds it: no actor
        target=token,
        ip=ip,
        detail=detail,
    )


@transaction.atomic
def api_refusals_summarise(*, now: datetime) -> int:
    """One summary entry for each tally whose window is over and that counted more
    than its first refusal; the tallies are forgotten. Deleting first and writing
    only what was deleted keeps two processes from writing the same summary."""
    done = 0
    ended = ratelimit.window_start(now)
    for tally in ApiRefusalTally.objects.filter(window_start__lt=ended):
        deleted, _kinds = ApiRefusalTally.objects.filter(pk=tally.pk).delete()
        if deleted and tally.count > 1:
            audit_record(
                action="auth.api_token_refused",
                ip=tally.ip,
                detail={
                    "count": tally.count,
                    "since": tally.window_start.isoformat(timespec="seconds"),
                    "seconds": ratelimit.WINDOW,
                    "reasons": tally.reasons,
                    "tokens": tally.tokens,
                    **({"clients": MANY} if tally.key == MANY else {}),
                },
            )
            done += 1
    return done
