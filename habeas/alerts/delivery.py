"""The outbox: claim due deliveries by compare-and-set, send, record every try.

- A claim sets `claimed_at` and a fresh `claim_token` only if `claimed_at` is
  still what we read: two watchers never hold the same row.
- A claim older than the lease (HABEAS_DELIVERY_LEASE_SECONDS) is abandoned — its
  watcher died mid-send — and another watcher takes it over; so is a claim dated
  in the future (the clock jumped back).
- Each claim counts as an attempt; after HABEAS_DELIVERY_MAX_ATTEMPTS the row is
  marked failed and logged at ERROR, and the alert's page shows it.
- Success and failure are written only by the holder of the claim token.
Sending is at-least-once; the delivery id travels with every try (webhook
header, e-mail Message-ID) so receivers can make it exactly-once.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .channels import ChannelError
from .channels import email as email_channel
from .channels import webhook as webhook_channel
from .models import Delivery, DeliveryAttempt

log = logging.getLogger(__name__)

CLOCK_SKEW = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min… doubling, at most six hours."""
    base = settings.HABEAS_DELIVERY_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), 6 * 3600))


def _claimable(now: datetime) -> Q:
    lease = timedelta(seconds=settings.HABEAS_DELIVERY_LEASE_SECONDS)
    return (
        Q(claimed_at__isnull=True)
        | Q(claimed_at__lt=now - lease)
        | Q(claimed_at__gt=now + CLOCK_SKEW)
    )


def _claim(pk: int, claimed_at: datetime | None, now: datetime, token: uuid.UUID) -> bool:
    held = Q(claimed_at__isnull=True) if claimed_at is None else Q(claimed_at=claimed_at)
    return bool(
        Delivery.objects.filter(held, pk=pk, status=Delivery.Status.PENDING).update(
            claimed_at=now, claim_token=token, attempts=F("attempts") + 1
        )
    )


def _finish(rows: list[Delivery], token, now: datetime, error: str, worker: str) -> None:
    max_attempts = settings.HABEAS_DELIVERY_MAX_ATTEMPTS
    for row in rows:
        held = Delivery.objects.filter(pk=row.pk, claim_token=token)
        if not error:
            held.update(status=Delivery.Status.SENT, sent_at=now, last_error="")
        elif row.attempts >= max_attempts:
            held.update(status=Delivery.Status.FAILED, last_error=error[:500])
            log.error(
                "delivery %s (%s) gave up after %d attempts: %s",
                row.pk,
                row.channel,
                row.attempts,
                error,
            )
        else:
            held.update(
                claimed_at=None,
                claim_token=None,
                last_error=error[:500],
                next_attempt_at=now + backoff(row.attempts),
            )
            log.warning(
                "delivery %s (%s) attempt %d failed: %s", row.pk, row.channel, row.attempts, error
            )


def _send(rows: list[Delivery]) -> None:
    first = rows[0]
    if first.channel == Delivery.Channel.EMAIL:
        if first.user is None or not first.user.is_active or not first.user.email:
            raise ChannelError("the recipient has no e-mail address any more")
        email_channel.send(deliveries=rows, address=first.user.email)
        return
    secret = dict(settings.HABEAS_WEBHOOKS).get(first.target)
    if secret is None:
        raise ChannelError("this webhook is no longer configured")
    webhook_channel.send(delivery=first, url=first.target, secret=secret)


def deliver_one(pk: int, claimed_at, *, now: datetime, worker: str) -> str | None:
    """Claim, send and record one delivery (with its digest siblings); returns
    "sent", "retry", "failed" or None if another watcher holds it."""
    token = uuid.uuid4()
    if not _claim(pk, claimed_at, now, token):
        return None
    row = Delivery.objects.select_related("alert", "alert__case", "user").get(pk=pk)
    rows = [row]
    if row.digest:
        # The rest of this person's digest that is due, claimed in one statement.
        Delivery.objects.filter(
            _claimable(now),
            user_id=row.user_id,
            digest=True,
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now,
        ).exclude(pk=pk).update(claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
        rows = list(
            Delivery.objects.filter(claim_token=token)
            .select_related("alert", "alert__case", "user")
            .order_by("alert__due_at", "pk")
        )
    if row.attempts > settings.HABEAS_DELIVERY_MAX_ATTEMPTS:
        _finish(rows, token, now, row.last_error or "abandoned mid-send too often", worker)
        return "failed"
    attempts = DeliveryAttempt.objects.bulk_create(
        [DeliveryAttempt(delivery=r, worker=worker[:100], started_at=now) for r in rows]
    )
    error = ""
    try:
        _send(rows)
    except ChannelError as exc:
        error = str(exc)
    except Exception as exc:  # a bug in a channel must not stop the other deliveries
        log.exception("delivery %s: unexpected error", pk)
        error = f"unexpected error ({type(exc).__name__})"
    finished = timezone.now()
    DeliveryAttempt.objects.filter(pk__in=[a.pk for a in attempts]).update(
        finished_at=finished, ok=not error, error=error[:500]
    )
    _finish(rows, token, finished, error, worker)
    if not error:
        return "sent"
    return "failed" if row.attempts >= settings.HABEAS_DELIVERY_MAX_ATTEMPTS else "retry"


def deliver_due(*, now: datetime | None = None, worker: str, limit: int = 2000) -> dict:
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            _claimable(now), status=Delivery.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "claimed_at")[:limit]
    )
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for pk, claimed_at in due:
        outcome = deliver_one(pk, claimed_at, now=timezone.now(), worker=worker)
        if outcome:
            counts[outcome] += 1
    return counts
