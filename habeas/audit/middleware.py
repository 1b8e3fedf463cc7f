"""Makes the client address of the current request available to `audit_record`,
so services (which do not see the request) still record where a write came from."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import address_of, current_ip


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(address_of(request.META))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
