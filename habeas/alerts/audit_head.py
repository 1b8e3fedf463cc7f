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

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone

from habeas.audit.models import HeadExport
from habeas.audit.services import audit_head_signed

from .channels import ChannelError
from .channels import email as email_channel
from .channels import webhook as webhook_channel

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(hours=1)


def audit_head_export_due(
    *,
    now: datetime | None = None,
    stop: Callable[[], bool] = lambda: False,
    wait: float | None = None,
) -> str:
    """Send today's signed head if it is due. Returns "off" (no recipient set),
    "done" (sent already, or another watcher holds the claim), "sent" or "failed".

    The sends run in threads, through the channels' own transports (each bounded
    by its timeout); the pass waits for them at most `wait` seconds (the longest
    timeout, within HABEAS_DELIVERY_PASS_SECONDS) and not at all once `stop()` is true, so a slow
    endpoint neither holds up the raising of alerts nor a SIGTERM. Sends still
    running then count as failed (tried again an hour later; the webhook's
    delivery id lets a receiver drop a late duplicate)."""
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
    errors = _send_all(head, f"audit-head-{row.day.isoformat()}", stop=stop, wait=wait)
    if errors:
        HeadExport.objects.filter(pk=row.pk).update(last_error="; ".join(errors)[:300])
        log.warning("audit head export failed (%d of its sends)", len(errors))
        return "failed"
    HeadExport.objects.filter(pk=row.pk).update(sent_at=now, last_error="")
    return "sent"


def _send_all(head: dict, delivery_id: str, *, stop, wait: float | None) -> list[str]:
    """Every send in a thread of its own; the reasons of those that failed or did
    not end within `wait` seconds."""
    sends = [
        ("e-mail", lambda a=a: email_channel.deliver(_message(head, a)))
        for a in settings.HABEAS_AUDIT_HEAD_EMAIL
    ]
    payload = {"delivery_id": delivery_id, "type": "audit_head", "head": head}
    sends += [
        # mypy cannot infer this lambda from the list it joins (its defaults bind the values).
        ("webhook", lambda u=u, s=s: webhook_channel.post(url=u, secret=s, payload=payload))  # type: ignore[misc]
        for u, s in settings.HABEAS_AUDIT_HEAD_WEBHOOKS
    ]
    outcomes: dict[int, str | None] = {}

    def run(i: int, kind: str, send) -> None:  # the network only, never the database
        try:
            send()
            outcomes[i] = None
        except ChannelError as exc:
            outcomes[i] = f"{kind}: {exc}"
        except Exception as exc:  # a bug here must not pass for a send that went
            outcomes[i] = f"{kind}: unexpected error ({type(exc).__name__})"

    threads = [
        threading.Thread(target=run, args=(i, *send), daemon=True, name="habeas-audit-head")
        for i, send in enumerate(sends)
    ]
    for thread in threads:
        thread.start()
    if wait is None:  # each send ends within its timeout; one second for the rest
        longest = max(settings.HABEAS_WEBHOOK_TIMEOUT, settings.EMAIL_TIMEOUT or 0) + 1
        wait = min(settings.HABEAS_DELIVERY_PASS_SECONDS, longest)
    deadline = time.monotonic() + wait
    for thread in threads:
        while thread.is_alive() and not stop() and time.monotonic() < deadline:
            thread.join(min(0.2, max(0.0, deadline - time.monotonic())))
    done = dict(outcomes)  # a send that ends from now on is not counted
    errors = [error for error in done.values() if error]
    if len(done) < len(sends):
        errors.append(f"{len(sends) - len(done)} send(s) still running when the pass moved on")
    return errors


def _message(head: dict, address: str) -> EmailMessage:
    body = (
        "The signed head of the Habeas audit log, for safekeeping outside the server.\n"
        "Keep this message. To check the log against it later:\n\n"
        "    habeas audit head --expect '<the line below>'\n\n"
        f"{json.dumps(head)}\n"
    )
    return EmailMessage(
        subject=f"[Habeas] audit log head {head['at'][:10]} (#{head['last_id']})",
        body=body,
        to=[address],
    )
