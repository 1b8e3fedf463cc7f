"""Writes of the API app: making and revoking tokens (audited, never the token)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.lib.text import one_line

from .models import ApiToken

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
