"""Signed webhooks: a JSON POST that a gateway (Signal, Matrix…) can verify.

Headers:
    X-Habeas-Delivery   the delivery id: the same on every retry (de-duplicate on it)
    X-Habeas-Timestamp  seconds since the epoch when this attempt was signed
    X-Habeas-Signature  "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)

A receiver recomputes the signature, refuses a timestamp more than five minutes
from its clock (replays) and remembers delivery ids it has seen (retries). The
body holds the case reference, the rule and a link — no case content.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation

from ..labels import alert_title
from . import ChannelError, recipient_language

if TYPE_CHECKING:
    from ..models import Alert, Delivery

TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    *, secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None
) -> bool:
    """What a receiver does: a valid signature on a fresh timestamp."""
    now = time.time() if now is None else now
    try:
        fresh = abs(now - int(timestamp)) <= TOLERANCE_SECONDS
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


def payload(delivery: Delivery) -> dict[str, str]:
    alert = delivery.alert
    if alert is None:  # a sealed message is posted as it is (delivery._sealed_sender)
        raise ChannelError("not an alert's delivery", endpoint_fault=False)
    site = settings.HABEAS_SITE_URL.rstrip("/")
    return {
        "delivery_id": str(delivery.public_id),
        "alert_id": str(alert.public_id),
        "case_reference": alert.case.reference,
        "rule": alert.rule,
        # Text for a person reading the endpoint's messages, in the recipient's language
        # (a user's own webhook) or the organisation's; the other fields are the format.
        "title": _title(delivery, alert),
        "due_at": alert.due_at.isoformat(),
        "url": f"{site}{alert.get_absolute_url()}",
    }


def _title(delivery: Delivery, alert: Alert) -> str:
    with translation.override(recipient_language(delivery)):
        return alert_title(alert, timezone.localdate())


def send(*, delivery: Delivery, url: str, secret: str, now: float | None = None) -> None:
    post(url=url, secret=secret, payload=payload(delivery), now=now)


def post(*, url: str, secret: str, payload: Mapping[str, object], now: float | None = None) -> None:
    """POST `payload` (its "delivery_id" travels as X-Habeas-Delivery), signed, and
    give up after HABEAS_WEBHOOK_TIMEOUT seconds in all: a socket timeout alone
    bounds each read, and an endpoint answering a byte at a time never trips it."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    timestamp = str(int(time.time() if now is None else now))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChannelError("the webhook address is not an http(s) URL")
    timeout = settings.HABEAS_WEBHOOK_TIMEOUT
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Habeas-webhook/1",
        "X-Habeas-Delivery": str(payload["delivery_id"]),
        "X-Habeas-Timestamp": timestamp,
        "X-Habeas-Signature": sign(secret, timestamp, body),
    }
    late = ChannelError(f"the endpoint did not answer within {timeout} s")
    started = time.monotonic()
    cut = threading.Event()

    def cut_off() -> None:  # wakes the read blocked in the sending thread
        cut.set()
        with contextlib.suppress(OSError, TypeError):
            # The plain socket's shutdown, also under TLS: SSLSocket's would unwrap
            # the connection under the feet of the thread reading from it.
            socket.socket.shutdown(conn.sock, socket.SHUT_RDWR)

    timer = None
    try:
        conn.connect()
        remaining = timeout - (time.monotonic() - started)
        if remaining <= 0:
            raise late
        timer = threading.Timer(remaining, cut_off)
        timer.daemon = True
        timer.start()
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(65536)
    except TimeoutError:
        raise late from None
    except (OSError, http.client.HTTPException) as exc:
        if cut.is_set():
            raise late from None
        raise ChannelError(f"endpoint unreachable ({type(exc).__name__})") from None
    finally:
        if timer is not None:
            timer.cancel()
        conn.close()
    if cut.is_set():
        raise late
    if not 200 <= response.status < 300:
        raise ChannelError(f"the endpoint answered {response.status}")
