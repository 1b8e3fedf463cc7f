"""Token authentication for the API: `Authorization: Bearer hbs_…`.

No session cookie is read on the API: a page of another site cannot make a
logged-in browser call it, so there is no CSRF to defend against. A token acts as
its user through the same access door, selectors and services as the web.

A missing, malformed, unknown, revoked or expired token, the token of a
disabled account, or one made before the account's sessions were last ended
(password changed, "log out everywhere", disabled, two-factor reset), gets one
and the same 401 (errors.py): a guesser learns nothing
from it. Requests with a valid token are counted per token; requests without one,
and refused tokens, per client address (ratelimit.py)."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from habeas.accounts.models import User
from habeas.audit.context import client_ip

from . import ratelimit
from .models import ApiToken
from .services import Refusal, api_token_refused, token_digest, token_prefix

# A token's "last used" is written at most this often: not one write per request.
LAST_USED_STEP = timedelta(minutes=1)


class ScopeRefused(Exception):
    """A read-only token asked to write (403: the token's own limit, which reveals
    nothing about any record)."""

    message = _("This token may only read. Make a token with the write scope to change records.")


class TokenAuth(HttpBearer):
    """Ninja's bearer scheme (so the OpenAPI schema says `bearer`), read here rather
    than by ninja's own parser, which logs the whole header when DEBUG is on."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        scheme, _sep, presented = request.headers.get("Authorization", "").partition(" ")
        presented = presented.strip() if scheme.lower() == "bearer" else ""
        token = self.authenticate(request, presented) if presented else None
        if token is not None:
            return token  # counted under its own limit (authenticate)
        # Only what comes without a valid token is counted per client address. Behind
        # an onion service or a proxy every client has the same address, so a valid
        # token must never wait on the others' refusals; a token is 256 bits, so
        # these counters bound load, not guessing.
        address = client_ip(request)
        if presented:  # audited before any limit: a flood is tallied, not dropped
            reason, row = getattr(request, "habeas_token_refusal", (Refusal.UNKNOWN, None))
            api_token_refused(address=address, reason=reason, token=row)
        ratelimit.hit(
            ratelimit.address_key("address", address),
            limit=settings.HABEAS_API_RATE_PER_ADDRESS,
        )
        if presented:
            refusals = ratelimit.address_key("refused", address)
            ratelimit.over(refusals, limit=settings.HABEAS_API_REFUSALS_PER_ADDRESS)
            ratelimit.add(refusals)
        return None

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        prefix = token_prefix(token)
        if prefix is None:
            return None
        row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        # Why a token is refused is kept for the audit log only (__call__): the
        # client gets one and the same 401 whatever the reason.
        if row is None or not hmac.compare_digest(row.digest, token_digest(token)):
            if row is not None:  # a real token's prefix, another secret
                request.habeas_token_refusal = (Refusal.WRONG_SECRET, row)  # type: ignore[attr-defined]
            return None
        now = timezone.now()
        if (
            row.revoked_at is not None
            or row.expires_at <= now
            or not row.user.is_active
            or row.ended_with_sessions
        ):
            request.habeas_token_refusal = (_refusal_of(row, now), row)  # type: ignore[attr-defined]
            return None
        ratelimit.hit(f"token:{row.pk}", limit=settings.HABEAS_API_RATE_PER_TOKEN)
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_STEP:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
            row.last_used_at = now
        # What code below reads as "who asks": the token's user, never a session's.
        request.user = row.user
        return row


def _refusal_of(row: ApiToken, now: datetime) -> str:
    if row.revoked_at is not None:
        return Refusal.REVOKED
    if row.expires_at <= now:
        return Refusal.EXPIRED
    if not row.user.is_active:
        return Refusal.DISABLED
    return Refusal.ENDED


def token_of(request: Any) -> ApiToken:
    """The token the request was authenticated with (every route requires one)."""
    token: ApiToken = request.auth
    return token


def user_of(request: Any) -> User:
    return token_of(request).user


def require_write(request: Any) -> User:
    """The token's user, if the token has the write scope; otherwise ScopeRefused (403).
    Called after the access door (an outsider gets the audited 404 whatever the
    token's scope: a 403 would confirm the record exists), before the services."""
    token = token_of(request)
    if not token.may_write:
        raise ScopeRefused()
    return token.user
