"""Fixed-window request counting in the database, shared by every worker.

A window is WINDOW seconds long and aligned on the clock; each key (a token, a
client address's keyed hash) has one row per window, incremented with one UPDATE
(so concurrent workers never lose a count) or created by the first request of the
window. Windows that have ended are deleted as new ones begin. The limits and why
they are what they are: docs/api.md, "Rate limits"."""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import ApiRateWindow

WINDOW = 60  # seconds


class Limited(Exception):
    """Over a limit: the request is refused with 429 and Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _window(now: datetime) -> tuple[datetime, int]:
    """The start of the window `now` falls in, and the seconds left in it."""
    stamp = now.timestamp()
    start = math.floor(stamp / WINDOW) * WINDOW
    return datetime.fromtimestamp(start, tz=UTC), max(1, math.ceil(start + WINDOW - stamp))


def window_start(now: datetime) -> datetime:
    """The start of the window `now` falls in."""
    return _window(now)[0]


def address_key(kind: str, address: str) -> str:
    """The key of a client address: a keyed hash, so the table never holds who was
    where (addresses are kept only in `auth.*` audit entries)."""
    mac = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return f"{kind}:{mac.hexdigest()[:40]}"


def count(key: str, *, now: datetime | None = None) -> int:
    """How many requests `key` has made in the current window (without counting one)."""
    start, _left = _window(now or timezone.now())
    found = ApiRateWindow.objects.filter(key=key, window_start=start).values_list(
        "count", flat=True
    )
    return next(iter(found), 0)


def add(key: str, *, now: datetime | None = None) -> tuple[int, int]:
    """Count one request under `key`: how many it has made in the window now (this one
    included), and the seconds left in the window."""
    start, left = _window(now or timezone.now())
    rows = ApiRateWindow.objects.filter(key=key, window_start=start)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    ApiRateWindow.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:  # another worker created it first
                rows.update(count=F("count") + 1)
            else:
                # The first request of a key's window clears every ended window.
                ApiRateWindow.objects.filter(window_start__lt=start).delete()
        seen = rows.values_list("count", flat=True).first() or 0
    return seen, left


def hit(key: str, *, limit: int, now: datetime | None = None) -> None:
    """Count one request under `key`; raise Limited once more than `limit` have been
    made in the window (this one included). A limit of 0 or less counts nothing."""
    if limit <= 0:
        return
    seen, left = add(key, now=now)
    if seen > limit:
        raise Limited(retry_after=left)


def over(key: str, *, limit: int, now: datetime | None = None) -> None:
    """Raise Limited if `key` has already reached `limit` in this window (a check that
    counts nothing: refusals are counted only when they happen)."""
    if limit <= 0:
        return
    moment = now or timezone.now()
    if count(key, now=moment) >= limit:
        raise Limited(retry_after=_window(moment)[1])
