"""The API's one place where exceptions become responses (no view catches one).

- a service's ValidationError, and a request that does not fit the schema: 400,
  with messages per field;
- no valid token: 401, one body for every reason (errors.AUTH_FAILED);
- a read-only token asked to write: 403;
- anything missing or not the caller's (Http404, PermissionDenied, DoesNotExist):
  404, one body, so another team's id and an id that never existed look alike
  (the access door has already audited the refusal);
- a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413; over a rate limit: 429 with
  Retry-After.
Every body is {"detail": str, "errors": {field: [str, …]}}, in the request's
language (translated messages)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from .auth import ScopeRefused, require_write
from .ratelimit import Limited
from .routes._shared import door_of_path

log = logging.getLogger(__name__)

# The key of messages about the request as a whole rather than one field.
WHOLE = NON_FIELD_ERRORS


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or {}}


def not_found_body() -> dict[str, Any]:
    return error_body(_("Not found."))


def auth_failed_body() -> dict[str, Any]:
    return error_body(
        _(
            "Send a valid API token: 'Authorization: Bearer hbs_…'. A token that is "
            "unknown, revoked or expired is refused the same way."
        )
    )


def _field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in found] for field, found in error.message_dict.items()}
    return {WHOLE: [str(m) for m in error.messages]}


# What pydantic's error types say, in words we can translate.
def _request_message(kind: str, fallback: str) -> str:
    messages = {
        "missing": _("This field is required."),
        "extra_forbidden": _("This field is not accepted here."),
        "string_type": _("Enter text."),
        "string_too_long": _("This text is too long."),
        "int_type": _("Enter a whole number."),
        "int_parsing": _("Enter a whole number."),
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "uuid_type": _("Enter an id as the API gives it."),
        "uuid_parsing": _("Enter an id as the API gives it."),
        "date_type": _("Enter a date as YYYY-MM-DD."),
        "date_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
        "datetime_type": _("Enter a date and time in ISO 8601."),
        "datetime_parsing": _("Enter a date and time in ISO 8601."),
        "datetime_from_date_parsing": _("Enter a date and time in ISO 8601."),
        "enum": _("Choose one of the values the schema lists."),
        "literal_error": _("Choose one of the values the schema lists."),
        "list_type": _("Enter a list."),
        "model_type": _("Enter an object."),
        "dict_type": _("Enter an object."),
        "greater_than_equal": _("This number is too small."),
        "less_than_equal": _("This number is too large."),
        "too_long": _("This list is too long."),
    }
    return str(messages.get(kind, fallback))


def _request_errors(error: RequestInvalid) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in error.errors:
        where = [str(part) for part in item.get("loc", ())[1:]]  # past "body"/"query"
        # A body sent as one object arrives under the route's parameter name.
        if len(where) > 1 and where[0] in {"payload", "filters"}:
            where = where[1:]
        key = ".".join(where) or WHOLE
        message = _request_message(str(item.get("type", "")), str(item.get("msg", "")))
        fields.setdefault(key, []).append(message)
    return fields


def install(api: NinjaAPI) -> None:
    """Register the handlers on `api` (replacing ninja's defaults)."""

    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def validation(request: HttpRequest, exc: Exception) -> HttpResponse:
        assert isinstance(exc, DjangoValidationError)
        return respond(request, error_body(_("The request was refused."), _field_errors(exc)), 400)

    def request_invalid(request: HttpRequest, exc: Exception) -> HttpResponse:
        assert isinstance(exc, RequestInvalid)
        # The order of every route, though the body is read before the view runs:
        # the door (an outsider's audited 404), the token's scope (403), the body.
        try:
            door_of_path(request)
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                require_write(request)
        except (Http404, ObjectDoesNotExist):
            return respond(request, not_found_body(), 404)
        except ScopeRefused:
            return scope(request, exc)
        body = error_body(_("The request does not fit the schema."), _request_errors(exc))
        return respond(request, body, 400)

    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = respond(request, auth_failed_body(), 401)
        response["WWW-Authenticate"] = 'Bearer realm="habeas"'
        return response

    def scope(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, error_body(str(ScopeRefused.message)), 403)

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, not_found_body(), 404)

    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        detail = _("The request body is too large: at most %(size)d bytes.") % {
            "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        }
        return respond(request, error_body(detail), 413)

    def limited(request: HttpRequest, exc: Exception) -> HttpResponse:
        assert isinstance(exc, Limited)
        detail = _("Too many requests. Try again in %(seconds)d seconds.") % {
            "seconds": exc.retry_after
        }
        response = respond(request, error_body(detail), 429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    def http_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        assert isinstance(exc, HttpError)
        if exc.status_code == 400:  # ninja's only one: a body that is not JSON
            return respond(request, error_body(_("The request body is not valid JSON.")), 400)
        return respond(request, error_body(str(exc)), exc.status_code)

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with its traceback (never the request's headers: see docs/api.md).
        log.error("API error on %s %s", request.method, request.path, exc_info=exc)
        return respond(request, error_body(_("Something went wrong on our side.")), 500)

    for kind, handler in (
        (DjangoValidationError, validation),
        (RequestInvalid, request_invalid),
        (AuthenticationError, unauthenticated),
        (ScopeRefused, scope),
        (Http404, not_found),
        (PermissionDenied, not_found),
        (ObjectDoesNotExist, not_found),
        (RequestDataTooBig, too_big),
        (Limited, limited),
        (HttpError, http_error),
        (Exception, server_error),
    ):
        api.add_exception_handler(kind, handler)  # type: ignore[arg-type]  # ninja's alias
