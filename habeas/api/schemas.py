"""What every route shares in its OpenAPI description: the error body, the
responses each kind of route can give, and the base of request bodies."""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from habeas.core.fields import PartialDateField
from habeas.lib.partialdate import PartialDate
from habeas.lib.text import plain_text

from .pagination import DEFAULT_SIZE, MAX_SIZE


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in a sentence.")
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Messages per field of the request ('__all__': the request as a whole).",
    )


# The statuses every authenticated route may answer besides its own.
_ALWAYS = {400: ErrorOut, 401: ErrorOut, 429: ErrorOut}


def responses(ok: dict[int, Any], *, writes: bool = False, finds: bool = True) -> dict[int, Any]:
    """The response declaration of a route: its own success, then 400 (the request
    does not fit or a service refused it), 401, 404 (when it names a record), 403
    and 413 (when it writes) and 429. Declared so that the schema tells a client
    every status it can meet."""
    declared = {**ok, **_ALWAYS}
    if finds:
        declared[404] = ErrorOut
    if writes:
        declared[403] = ErrorOut
        declared[413] = ErrorOut
        declared[404] = ErrorOut  # a viewer writing gets the web's 404
    return declared


class In(Schema):
    """A request body: unknown fields are refused (a typo must not be ignored), and
    every text arrives without control characters, as forms' text does
    (habeas.core.middleware.PlainTextInputMiddleware leaves JSON alone)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return _cleaned(value)


class QueryIn(Schema):
    """Query parameters: their text without control characters too (a NUL would
    make PostgreSQL refuse the query)."""

    @field_validator("*", mode="after")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return _cleaned(value)


class PageQuery(QueryIn):
    """Where a page starts (`cursor`: the `next` of the page before) and its size."""

    cursor: str | None = Field(None, max_length=600)
    limit: int = Field(DEFAULT_SIZE, ge=1, le=MAX_SIZE)


def _cleaned(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Enum):
        return plain_text(value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value


PARTIAL_DATE_HELP = (
    "A partial date as Habeas stores it (EDTF: '2021-10-20T12:43', '2021-10', '2002~', "
    "'2020/2021-10', '../2021-09'), or any form the web's date boxes accept "
    "('Oct 2021', 'about 2002', 'before Oct 2021'). Empty: unknown."
)


def partial_dates(**texts: str | None) -> dict[str, PartialDate | None]:
    """Read the partial dates of a request (only those sent); every date that cannot
    be read is refused at once, on its field."""
    read: dict[str, PartialDate | None] = {}
    errors: dict[str, str] = {}
    field = PartialDateField()
    for name, text in texts.items():
        if text is None:
            continue
        try:
            read[name] = field.to_python(text.strip())
        except ValidationError as error:
            errors[name] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return read


def edtf(value: PartialDate | None) -> str | None:
    return value.to_edtf() if value else None


def not_blank(value: str, field: str) -> None:
    if not value.strip():
        raise ValidationError({field: _("This field is required.")})
