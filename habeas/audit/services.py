"""Append to the audit log. Every write, every view of confidential data, every
login, failed login and denied access calls `audit_record`."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import GENESIS, AuditEntry, AuditHead

log = logging.getLogger(__name__)


def client_ip(request: HttpRequest | None) -> str:
    """The address the request came from: REMOTE_ADDR, or, when REMOTE_ADDR is one of
    HABEAS_TRUSTED_PROXIES, the right-most X-Forwarded-For entry that is not a
    trusted proxy. Entries left of that are the client's to invent and never used."""
    if request is None:
        from .middleware import current_ip

        return current_ip.get()
    return address_of(request.META)


def _parse_ip(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def address_of(meta) -> str:
    remote = (meta.get("REMOTE_ADDR") or "")[:45]
    proxies = settings.HABEAS_TRUSTED_PROXIES
    if not proxies:
        return remote

    def trusted(ip) -> bool:
        return ip is not None and any(ip in network for network in proxies)

    if not trusted(_parse_ip(remote)):
        return remote
    hops = [h for h in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    for hop in reversed(hops):
        ip = _parse_ip(hop)
        if ip is None:
            break  # garbage from the client side: stop at the last good hop
        if not trusted(ip):
            return str(ip)[:45]
        remote = str(ip)[:45]
    return remote


def _target(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    ident = getattr(target, "public_id", None) or target.pk
    return target._meta.label_lower, str(ident)


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    case: models.Model | None = None,
    request: HttpRequest | None = None,
    username: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry to the chain, atomically with the caller's transaction."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    target_type, target_id = _target(target)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        id=head.last_id + 1,
        at=timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_username=(actor.get_username() if authenticated else username)[:150],
        action=action,
        target_type=target_type,
        target_id=target_id,
        case_id=str(case.public_id) if case is not None else "",
        ip=client_ip(request),
        detail=detail or {},
        prev_hash=head.last_hash,
    )
    entry.hash = entry.compute_hash()
    entry.save(force_insert=True)
    head.last_id, head.last_hash = entry.pk, entry.hash
    head.save(update_fields=["last_id", "last_hash"])
    log.info("audit %s #%s actor=%s", action, entry.pk, entry.actor_id)
    return entry


class ChainBroken(Exception):
    def __init__(self, entry_id: int, reason: str) -> None:
        super().__init__(f"audit entry #{entry_id}: {reason}")
        self.entry_id = entry_id
        self.reason = reason


def audit_verify(*, batch: int = 5000) -> int:
    """Walk the whole chain; return the number of entries, or raise ChainBroken
    naming the first entry that does not fit."""
    expected_prev, expected_id, count = GENESIS, 1, 0
    last_seen = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_seen).order_by("id")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.pk != expected_id:
                raise ChainBroken(expected_id, "missing (deleted?)")
            if entry.prev_hash != expected_prev:
                raise ChainBroken(entry.pk, "does not follow the previous entry")
            if entry.compute_hash() != entry.hash:
                raise ChainBroken(entry.pk, "was changed after it was written")
            expected_prev, expected_id = entry.hash, entry.pk + 1
            count += 1
        last_seen = rows[-1].pk
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id, head.last_hash) != (expected_id - 1, expected_prev):
        raise ChainBroken(head.last_id, "the head does not match the last entry (truncated?)")
    return count


def audit_head() -> dict[str, Any]:
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        return {"entries": 0, "head": GENESIS}
    return {"entries": head.last_id, "head": head.last_hash}
