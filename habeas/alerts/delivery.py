"""The outbox: claim due deliveries by compare-and-set, send, record every try.

- A claim sets `claimed_at` and a fresh `claim_token` only if `claimed_at` is
  still what we read: two watchers never hold the same row.
- A claim older than the lease (HABEAS_DELIVERY_LEASE_SECONDS) is abandoned — its
  watcher died mid-send — and another watcher takes it over; so is a claim dated
  in the future (the clock jumped back).
- Success and failure are written only by the holder of the claim token.

Endpoints are isolated. Each endpoint (the mail server; each webhook URL) has its
own few sending threads and its own circuit breaker, so a dead or slow endpoint
delays only its own deliveries. The threads only talk to the network: every
database read and write stays in the calling thread, which waits for them at
most HABEAS_DELIVERY_PASS_SECONDS a pass and leaves a slow send running into the
next pass (its claim is held meanwhile).

- Circuit breaker: after HABEAS_DELIVERY_BREAKER_FAILURES endpoint failures in a
  row, the endpoint's rows are left alone, spending no attempt, for a cool-down
  (HABEAS_DELIVERY_BREAKER_SECONDS, doubling up to 30 min while it stays down);
  then one row probes it.
- Retries: backoff doubling from HABEAS_DELIVERY_BACKOFF_SECONDS, up to
  HABEAS_DELIVERY_MAX_ATTEMPTS tries; then the row is `failed` (logged at ERROR,
  shown on the dashboard and the failed-notifications page) and, if the endpoint
  was at fault, still retried every HABEAS_DELIVERY_SLOW_RETRY_SECONDS until
  HABEAS_DELIVERY_RETRY_DAYS after the alert. When a paused endpoint recovers (a
  breaker's probe, or the probe of a watcher starting afresh) everything waiting
  for it is re-driven at once; a success between failures (a flaky endpoint)
  re-drives nothing, so its rows keep their backoff. A person can re-send any
  failed row (services.deliveries_resend).
Sending is at-least-once; the delivery id travels with every try (webhook
header, e-mail Message-ID) so receivers can make it exactly-once.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F, Q
from django.utils import timezone

from habeas.lib.crypto import DecryptionError

from .channels import ChannelError
from .channels import email as email_channel
from .channels import webhook as webhook_channel
from .models import Delivery, DeliveryAttempt

log = logging.getLogger(__name__)

CLOCK_SKEW = timedelta(minutes=5)
THREADS_PER_ENDPOINT = 2
BREAKER_MAX_COOLDOWN = 1800.0
EMAIL_ENDPOINT = "email"


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min… doubling, at most six hours."""
    base = settings.HABEAS_DELIVERY_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), 6 * 3600))


def attempts_spent(attempts: int) -> bool:
    """No quick retry is left after this many attempts."""
    return attempts >= settings.HABEAS_DELIVERY_MAX_ATTEMPTS


def endpoint_of(channel: str, target: str) -> str:
    return EMAIL_ENDPOINT if channel == Delivery.Channel.EMAIL else target


def _of_endpoint(key: str) -> Q:
    if key == EMAIL_ENDPOINT:
        return Q(channel=Delivery.Channel.EMAIL)
    return Q(channel=Delivery.Channel.WEBHOOK, target=key)


def claimable(now: datetime) -> Q:
    lease = timedelta(seconds=settings.HABEAS_DELIVERY_LEASE_SECONDS)
    return (
        Q(claimed_at__isnull=True)
        | Q(claimed_at__lt=now - lease)
        | Q(claimed_at__gt=now + CLOCK_SKEW)
    )


def retriable(now: datetime) -> Q:
    """Rows still to send: pending ones, and failed ones within their slow retries."""
    return Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.FAILED, retry_until__gt=now)


def _claim(
    pk: int,
    claimed_at: datetime | None,
    now: datetime,
    token: uuid.UUID,
    *,
    due_at: datetime | None,
) -> bool:
    held = Q(claimed_at__isnull=True) if claimed_at is None else Q(claimed_at=claimed_at)
    # Still due when we read it: another watcher may have tried it and rescheduled it
    # since (`due_at` None: a probe, which goes before its time).
    due = Q() if due_at is None else Q(next_attempt_at__lte=due_at)
    return bool(
        Delivery.objects.filter(held, due, retriable(now), pk=pk).update(
            claimed_at=now, claim_token=token, attempts=F("attempts") + 1
        )
    )


def _finish(rows: list[Delivery], token, now: datetime, error: ChannelError | None) -> None:
    for row in rows:
        held = Delivery.objects.filter(pk=row.pk, claim_token=token)
        if error is None:
            held.update(status=Delivery.Status.SENT, sent_at=now, last_error="")
            continue
        text = str(error)[:500]
        if not attempts_spent(row.attempts):
            held.update(
                claimed_at=None,
                claim_token=None,
                last_error=text,
                next_attempt_at=now + backoff(row.attempts),
            )
            log.warning(
                "delivery %s (%s) attempt %d failed: %s", row.pk, row.channel, row.attempts, text
            )
            continue
        # The fast retries are spent. An outage earns slow retries for days; a fault
        # of this one row (a refused address) waits for a person.
        slow = timedelta(seconds=settings.HABEAS_DELIVERY_SLOW_RETRY_SECONDS)
        until: datetime | None  # None: no slow retries, a person decides
        until = row.retry_until or row.created_at + timedelta(
            days=settings.HABEAS_DELIVERY_RETRY_DAYS
        )
        if not error.endpoint_fault or now + slow > until:
            until = None
        held.update(
            status=Delivery.Status.FAILED,
            claimed_at=None,
            claim_token=None,
            last_error=text,
            retry_until=until,
            next_attempt_at=now + slow,
        )
        if row.status == Delivery.Status.FAILED and until:
            log.warning("delivery %s (%s) slow retry failed: %s", row.pk, row.channel, text)
        elif until:
            log.error(
                "delivery %s (%s) failed after %d attempts: %s; retried every %d s until %s",
                row.pk,
                row.channel,
                row.attempts,
                text,
                slow.total_seconds(),
                until.isoformat(timespec="minutes"),
            )
        else:
            log.error(
                "delivery %s (%s) gave up after %d attempts: %s; re-send it from the "
                "alert's page or with `habeas alerts resend-failed`",
                row.pk,
                row.channel,
                row.attempts,
                text,
            )


def _sealed_sender(row: Delivery) -> Callable[[], None]:
    """A notification an app above this one rendered and sealed (no alert): the
    outbox sends it as it is, with the same claims, retries and breakers."""
    try:
        message = json.loads(row.message)
    except (DecryptionError, ValueError):
        raise ChannelError("the sealed message cannot be read", endpoint_fault=False) from None
    if row.channel == Delivery.Channel.EMAIL:
        user = row.user
        if row.address:
            address = row.address
        elif user is not None and user.is_active and user.email:
            address = user.email
        else:
            raise ChannelError("the recipient has no e-mail address any more", endpoint_fault=False)
        try:
            validate_email(address)
        except ValidationError:
            raise ChannelError("invalid e-mail address", endpoint_fault=False) from None
        subject, body = str(message["subject"]), str(message["body"])
        return lambda: email_channel.send_sealed(
            delivery=row, address=address, subject=subject, body=body
        )
    url = row.address or row.target
    secret = webhook_secrets().get(url)
    if secret is None:
        raise ChannelError("this webhook is no longer configured", endpoint_fault=False)
    payload = {"delivery_id": str(row.public_id), **message["payload"]}
    return lambda: webhook_channel.post(url=url, secret=secret, payload=payload)


def webhook_secrets() -> dict[str, str]:
    """Every webhook the administrator configured, with its signing secret: the
    organisation's own and those a protection notification may go to (partner
    organisations, the messaging bridge that reminds a person)."""
    return {**dict(settings.HABEAS_PROTECTION_WEBHOOKS), **dict(settings.HABEAS_WEBHOOKS)}


def _sender(rows: list[Delivery]) -> Callable[[], None]:
    """What the sending thread runs: everything it needs is read here, so that it
    never touches the database (the caller's transaction is the only one)."""
    first = rows[0]
    if first.alert_id is None:
        return _sealed_sender(first)
    if first.channel == Delivery.Channel.EMAIL:
        user = first.user
        if user is None or not user.is_active or not user.email:
            raise ChannelError("the recipient has no e-mail address any more", endpoint_fault=False)
        try:
            validate_email(user.email)
        except ValidationError:
            raise ChannelError("invalid e-mail address", endpoint_fault=False) from None
        address = user.email
        return lambda: email_channel.send(deliveries=rows, address=address)
    secret = dict(settings.HABEAS_WEBHOOKS).get(first.target)
    if secret is None:
        raise ChannelError("this webhook is no longer configured", endpoint_fault=False)
    return lambda: webhook_channel.send(delivery=first, url=first.target, secret=secret)


@dataclass
class _Job:
    endpoint: str
    token: uuid.UUID
    rows: list[Delivery]
    attempt_ids: list[int]
    probe: bool


@dataclass
class _Endpoint:
    """One endpoint as this watcher sees it: sends in flight and its breaker."""

    key: str
    in_flight: int = 0
    failures: int = 0  # endpoint failures in a row
    open_until: float | None = None  # time.monotonic(); None while closed
    cooldown: float = 0.0
    probing: bool = False
    waiting: deque = field(default_factory=deque)  # (pk, claimed_at) due this pass

    def may_start(self, clock: float) -> bool:
        if self.open_until is None:
            return self.in_flight < THREADS_PER_ENDPOINT
        return clock >= self.open_until and not self.probing and not self.in_flight

    def record(self, error: ChannelError | None, clock: float, *, probe: bool) -> bool:
        """Count one outcome; True if the endpoint just came back (re-drive its rows)."""
        if error is not None and not error.endpoint_fault:
            return False
        if error is None:
            # Only a paused endpoint's rows wait longer than their own backoff: a
            # success between failures must not send a flaky endpoint every retry.
            recovered = self.open_until is not None
            self.failures, self.open_until, self.cooldown = 0, None, 0.0
            return recovered
        self.failures += 1
        base = float(settings.HABEAS_DELIVERY_BREAKER_SECONDS)
        if self.open_until is None and self.failures >= settings.HABEAS_DELIVERY_BREAKER_FAILURES:
            self.cooldown = base
            log.warning(
                "endpoint %s: %d failures in a row; paused for %g s",
                _endpoint_label(self.key),
                self.failures,
                self.cooldown,
            )
        elif probe:  # still down: wait twice as long before the next probe
            self.cooldown = min(self.cooldown * 2 or base, max(base, BREAKER_MAX_COOLDOWN))
        else:  # a send that was already under way when the breaker opened
            return False
        self.open_until = clock + self.cooldown
        return False


def _endpoint_label(key: str) -> str:
    """For logs: a webhook URL may carry a token in its path or query."""
    if key == EMAIL_ENDPOINT:
        return "mail server"
    parts = urlsplit(key)  # its netloc may hold user:password@
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"webhook {parts.hostname or '?'}" + (f":{port}" if port else "")


class Outbox:
    """Sends due deliveries, endpoint by endpoint. A long-running watcher keeps
    one across passes (the breakers and the sends still in flight live here)."""

    def __init__(self, worker: str, *, probe_at_start: bool = False) -> None:
        self.worker = worker[:100]
        self.probe_at_start = probe_at_start
        self.endpoints: dict[str, _Endpoint] = {}
        self.results: queue.Queue = queue.Queue()
        self.in_flight = 0
        self.redriven = False  # rows made due again: the next pass should come at once
        self.read_at = timezone.now()  # when the due rows were last read

    def _endpoint(self, key: str) -> _Endpoint:
        if key not in self.endpoints:
            self.endpoints[key] = _Endpoint(key)
        return self.endpoints[key]

    # --- one delivery phase ---------------------------------------------------------------

    def run(
        self,
        *,
        now: datetime | None = None,
        budget: float | None = None,
        stop: Callable[[], bool] = lambda: False,
        limit: int = 2000,
    ) -> dict:
        """Send what is due for at most `budget` seconds (HABEAS_DELIVERY_PASS_SECONDS);
        `more` in the result says that due rows were left for the next pass."""
        budget = settings.HABEAS_DELIVERY_PASS_SECONDS if budget is None else budget
        deadline = time.monotonic() + budget
        now = now or timezone.now()
        counts = {"sent": 0, "retry": 0, "failed": 0, "paused": 0}
        self.redriven = False
        self._collect(counts, timeout=0)  # sends left running by the last pass
        fetched = self._load(now, limit)
        while not stop():
            self._start_ready(counts)
            if not self.in_flight:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._collect(counts, timeout=min(0.2, remaining))
        counts["paused"] = sum(e.open_until is not None for e in self.endpoints.values())
        counts["more"] = (
            fetched >= limit
            or self.redriven
            or any(e.waiting and e.open_until is None for e in self.endpoints.values())
        )
        return counts

    def close(self, *, wait: float) -> dict:
        """Record the sends that finish within `wait` seconds. Any still running are
        left to their claim: another pass or watcher takes them over after the lease."""
        counts = {"sent": 0, "retry": 0, "failed": 0}
        deadline = time.monotonic() + wait
        while self.in_flight and time.monotonic() < deadline:
            self._collect(counts, timeout=min(0.2, max(0.0, deadline - time.monotonic())))
        return counts

    def _suspect_waiting(self, now: datetime) -> None:
        """A watcher starting afresh knows nothing of its endpoints: each one with
        notifications waiting for a retry is probed before they go, so that they go
        at once if it is back, and do not spend their attempts if it is not."""
        waiting = (
            Delivery.objects.filter(claimable(now), retriable(now), attempts__gt=0)
            .values_list("channel", "target")
            .distinct()
        )
        clock = time.monotonic()
        for channel, target in waiting:
            self._endpoint(endpoint_of(channel, target)).open_until = clock

    def _load(self, now: datetime, limit: int) -> int:
        if self.probe_at_start:
            self.probe_at_start = False
            self._suspect_waiting(now)
        for endpoint in self.endpoints.values():
            endpoint.waiting.clear()
        self.read_at = now
        rows = Delivery.objects.filter(claimable(now), retriable(now), next_attempt_at__lte=now)
        # Not those of a paused endpoint: they would take the places of others (and
        # make the watcher come back at once for them, pass after pass).
        clock = time.monotonic()
        for endpoint in self.endpoints.values():
            if endpoint.open_until is not None and clock < endpoint.open_until:
                rows = rows.exclude(_of_endpoint(endpoint.key))
        due = list(
            rows.order_by("next_attempt_at", "pk").values_list(
                "pk", "claimed_at", "channel", "target"
            )[:limit]
        )
        for pk, claimed_at, channel, target in due:
            self._endpoint(endpoint_of(channel, target)).waiting.append((pk, claimed_at))
        # A paused endpoint whose cool-down is over needs a row to probe it with,
        # due or not: the earliest one waiting for a retry.
        clock = time.monotonic()
        for endpoint in self.endpoints.values():
            if endpoint.open_until is None or endpoint.waiting or not endpoint.may_start(clock):
                continue
            probe = (
                Delivery.objects.filter(
                    _of_endpoint(endpoint.key), claimable(now), retriable(now), attempts__gt=0
                )
                .order_by("next_attempt_at", "pk")
                .values_list("pk", "claimed_at")
                .first()
            )
            if probe:
                endpoint.waiting.append(probe)
        return len(due)

    def _start_ready(self, counts: dict) -> None:
        for endpoint in self.endpoints.values():
            while endpoint.waiting and endpoint.may_start(time.monotonic()):
                pk, claimed_at = endpoint.waiting.popleft()
                outcome = self._start(endpoint, pk, claimed_at, counts)
                if outcome:
                    counts[outcome] += 1

    def _start(self, endpoint: _Endpoint, pk: int, claimed_at, counts: dict) -> str | None:
        """Claim one row (with its digest siblings) and hand it to a sending thread;
        returns an outcome only if it was settled without sending."""
        now = timezone.now()
        token = uuid.uuid4()
        probe = endpoint.open_until is not None
        if not _claim(pk, claimed_at, now, token, due_at=None if probe else self.read_at):
            return None  # another watcher holds it, or has just tried it
        row = Delivery.objects.select_related("alert", "alert__case", "user").get(pk=pk)
        rows = [row]
        if row.digest:
            # The rest of this person's digest that is due, claimed in one statement.
            Delivery.objects.filter(
                claimable(now),
                retriable(now),
                user_id=row.user_id,  # type: ignore[misc]  # a digest is a person's: set
                digest=True,
                next_attempt_at__lte=now,
            ).exclude(pk=pk).update(claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
            rows = list(
                Delivery.objects.filter(claim_token=token)
                .select_related("alert", "alert__case", "user")
                .order_by("alert__due_at", "pk")
            )
        if row.status == Delivery.Status.PENDING and attempts_spent(row.attempts - 1):
            # Claimed this often without an outcome: it kills its watcher mid-send.
            # Its fault, not the endpoint's: it waits for a person.
            error = ChannelError(
                row.last_error or "abandoned mid-send too often", endpoint_fault=False
            )
            _finish(rows, token, now, error)
            return "failed"
        attempts = DeliveryAttempt.objects.bulk_create(
            [DeliveryAttempt(delivery=r, worker=self.worker, started_at=now) for r in rows]
        )
        job = _Job(endpoint.key, token, rows, [a.pk for a in attempts], probe)
        try:
            send = _sender(rows)
        except ChannelError as exc:
            return self._complete(job, exc)
        endpoint.in_flight += 1
        endpoint.probing = job.probe
        self.in_flight += 1
        threading.Thread(
            target=self._send, args=(job, send), daemon=True, name="habeas-delivery"
        ).start()
        return None

    def _send(self, job: _Job, send: Callable[[], None]) -> None:
        """In a sending thread: the network only, never the database."""
        error = None
        try:
            send()
        except ChannelError as exc:
            error = exc
        except Exception as exc:  # a bug in a channel must not stop the other deliveries
            log.exception("delivery %s: unexpected error", job.rows[0].pk)
            error = ChannelError(f"unexpected error ({type(exc).__name__})")
        self.results.put((job, error))

    def _collect(self, counts: dict, *, timeout: float) -> None:
        """Record the outcome of every send that has finished (waiting up to `timeout`
        for the first)."""
        while self.in_flight:
            try:
                job, error = self.results.get(block=timeout > 0, timeout=timeout or None)
            except queue.Empty:
                return
            timeout = 0
            endpoint = self._endpoint(job.endpoint)
            endpoint.in_flight -= 1
            endpoint.probing = False
            self.in_flight -= 1
            counts[self._complete(job, error)] += 1

    def _complete(self, job: _Job, error: ChannelError | None) -> str:
        finished = timezone.now()
        DeliveryAttempt.objects.filter(pk__in=job.attempt_ids).update(
            finished_at=finished, ok=error is None, error=str(error or "")[:500]
        )
        _finish(job.rows, job.token, finished, error)
        endpoint = self._endpoint(job.endpoint)
        if endpoint.record(error, time.monotonic(), probe=job.probe):
            self._redrive(endpoint, finished)
        if error is None:
            return "sent"
        return "failed" if attempts_spent(job.rows[0].attempts) else "retry"

    def _redrive(self, endpoint: _Endpoint, now: datetime) -> None:
        """The endpoint answers again: what waits for a retry goes at once (digests
        not yet due stay where they are: they have never been tried)."""
        count = Delivery.objects.filter(
            _of_endpoint(endpoint.key),
            retriable(now),
            claimed_at__isnull=True,
            attempts__gt=0,
            next_attempt_at__gt=now,
        ).update(next_attempt_at=now)
        if count:
            self.redriven = True
            log.warning(
                "endpoint %s answers again: %d deliveries re-driven",
                _endpoint_label(endpoint.key),
                count,
            )


def deliver_due(*, now: datetime | None = None, worker: str, limit: int = 2000) -> dict:
    """One delivery phase with an outbox of its own, waiting for every send to end
    (for `habeas watch --once` and tests)."""
    outbox = Outbox(worker)
    counts = outbox.run(now=now, limit=limit)
    wait = max(settings.HABEAS_WEBHOOK_TIMEOUT, settings.EMAIL_TIMEOUT or 0) + 1
    for name, value in outbox.close(wait=wait).items():
        counts[name] += value
    return {name: counts[name] for name in ("sent", "retry", "failed")}
