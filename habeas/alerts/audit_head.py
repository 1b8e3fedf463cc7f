"""Once a day, the audit log's signed head goes out by e-mail and/or webhook.

A head kept where the holder of the server cannot reach it is what shows a
rollback of the whole database, or an audit log rewound by someone who also has
the key file (docs/threat-model.md, "Someone who can write to the database").
`habeas audit head --expect` checks the log against any head received this way.

The watcher calls `audit_head_export_due` at the end of each pass. One row per
day (`audit.HeadExport`), claimed by compare-and-set: two watchers send it once;
a failed send is tried again an hour later, up to the end of the day. What is
sent is the head only (counts, a hash, a time and a MAC), nothing from a case.
Someone who can write to the database can still stop a day's export (by marking
that day sent, on the day): receivers must raise the alarm when a day's head does
not arrive (docs/operations.md).
"""

from __future__ import annotations

import http.client
import json
import logging
import smtplib
import ssl
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from habeas.audit.models import HeadExport
from habeas.audit.services import audit_head_signed

from .channels import ChannelError
from .channels.webhook import sign

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(hours=1)


def audit_head_export_due(*, now: datetime | None = None) -> str:
    """Send today's signed head if it is due. Returns "off" (no recipient set),
    "done" (sent already, or another watcher holds the claim), "sent" or "failed"."""
    if not settings.HABEAS_AUDIT_HEAD_EMAIL and not settings.HABEAS_AUDIT_HEAD_WEBHOOKS:
        return "off"
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Rows for days to come were not written by Habeas: someone with write access
    # to the database marking them sent would switch the export off in advance.
    if HeadExport.objects.filter(day__gt=today).delete()[0]:
        log.warning("audit head export: rows for days to come were found and removed")
    row, _ = HeadExport.objects.get_or_create(day=today)
    claimed = HeadExport.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - RETRY_AFTER),
        pk=row.pk,
        sent_at__isnull=True,
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "done"
    head = audit_head_signed()
    errors = []
    for address in settings.HABEAS_AUDIT_HEAD_EMAIL:
        try:
            _email(head, address)
        except ChannelError as exc:
            errors.append(f"e-mail: {exc}")
    for url, secret in settings.HABEAS_AUDIT_HEAD_WEBHOOKS:
        try:
            _webhook(head, url, secret, delivery_id=f"audit-head-{row.day.isoformat()}")
        except ChannelError as exc:
            errors.append(f"webhook: {exc}")
    if errors:
        HeadExport.objects.filter(pk=row.pk).update(last_error="; ".join(errors)[:300])
        log.warning("audit head export failed (%d of its sends)", len(errors))
        return "failed"
    HeadExport.objects.filter(pk=row.pk).update(sent_at=now, last_error="")
    return "sent"


def _email(head: dict, address: str) -> None:
    body = (
        "The signed head of the Habeas audit log, for safekeeping outside the server.\n"
        "Keep this message. To check the log against it later:\n\n"
        "    habeas audit head --expect '<the line below>'\n\n"
        f"{json.dumps(head)}\n"
    )
    message = EmailMessage(
        subject=f"[Habeas] audit log head {head['at'][:10]} (#{head['last_id']})",
        body=body,
        to=[address],
    )
    try:
        connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
        sent = connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused:
        raise ChannelError("the mail server refused the address") from None
    except smtplib.SMTPResponseException as exc:
        raise ChannelError(f"the mail server answered {exc.smtp_code}") from None
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise ChannelError(f"mail server unreachable ({type(exc).__name__})") from None
    if not sent:
        raise ChannelError("the mail was not accepted")


def _webhook(head: dict, url: str, secret: str, *, delivery_id: str) -> None:
    """A JSON POST signed as alert webhooks are (X-Habeas-Signature). The delivery
    id is the same on every retry of the day, so receivers can de-duplicate."""
    body = json.dumps(
        {"delivery_id": delivery_id, "type": "audit_head", "head": head}, separators=(",", ":")
    ).encode()
    timestamp = str(int(time.time()))
    parts = urlsplit(url)
    timeout = settings.HABEAS_WEBHOOK_TIMEOUT
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Habeas-webhook/1",
        "X-Habeas-Delivery": delivery_id,
        "X-Habeas-Timestamp": timestamp,
        "X-Habeas-Signature": sign(secret, timestamp, body),
    }
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(65536)
    except TimeoutError:
        raise ChannelError(f"the endpoint did not answer within {timeout} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise ChannelError(f"endpoint unreachable ({type(exc).__name__})") from None
    finally:
        conn.close()
    if not 200 <= response.status < 300:
        raise ChannelError(f"the endpoint answered {response.status}")
