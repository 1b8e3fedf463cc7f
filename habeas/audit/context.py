"""Where a request came from: the client address of a request, and of the request
being served now (set by `AuditContextMiddleware`), so services, which do not see
the request, still record where a write came from. Lockout and the audit log both
read it; it reads nothing of theirs."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

current_ip: ContextVar[str] = ContextVar("habeas_audit_ip", default="")


def client_ip(request: HttpRequest | None) -> str:
    """The address the request came from: REMOTE_ADDR, or, when REMOTE_ADDR is one of
    HABEAS_TRUSTED_PROXIES, the right-most X-Forwarded-For entry that is not a
    trusted proxy. Entries left of that are the client's to invent and never used.
    Without a request, the address of the request being served (empty outside one)."""
    if request is None:
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
