"""Cursor (keyset) pagination for every API list.

A page is found by the sort key of the last item of the page before, so the
thousandth page costs what the first does and an item added meanwhile is neither
skipped nor repeated. The cursor is opaque to clients: the sort key as JSON,
base64url-encoded. A cursor that does not decode, or does not fit the list's key,
is refused with 400 (never silently the first page)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Field, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

M = TypeVar("M", bound=Model)

DEFAULT_SIZE = 50
MAX_SIZE = 100


@dataclass(frozen=True)
class Keyset:
    """A list's order: columns of the listed model, all ascending or all descending,
    the last of them unique (so the order is total)."""

    fields: tuple[str, ...]
    descending: bool = False

    def order_by(self) -> list[str]:
        sign = "-" if self.descending else ""
        return [sign + name for name in self.fields]


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next: str | None  # the cursor of the next page; None on the last one


def encode(values: Sequence[Any]) -> str:
    text = json.dumps([v if isinstance(v, int | str) else str(v) for v in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _bad_cursor() -> ValidationError:
    return ValidationError({"cursor": _("This is not a cursor this list gave.")})


def decode(cursor: str, *, model: type[Model], keyset: Keyset) -> list[Any]:
    """The sort key a cursor names, each value checked by its model field."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _bad_cursor() from None
    if not isinstance(values, list) or len(values) != len(keyset.fields):
        raise _bad_cursor()
    checked = []
    for name, value in zip(keyset.fields, values, strict=True):
        field = model._meta.get_field(name)
        if not isinstance(value, int | str) or isinstance(value, bool):
            raise _bad_cursor()
        if isinstance(value, str) and (len(value) > 400 or not value.isprintable()):
            raise _bad_cursor()  # a NUL would make PostgreSQL refuse the query
        try:
            checked.append(field.get_db_prep_value(field.to_python(value), connection))  # type: ignore[union-attr]
        except (ValidationError, TypeError, ValueError, OverflowError):
            raise _bad_cursor() from None
    return checked


def _beyond(model: type[Model], keyset: Keyset, values: list[Any]) -> RawSQL:
    # A row-value comparison, so SQLite and PostgreSQL seek straight to the cursor in
    # an index on the key (as cases.selectors does for the case list). Only column
    # names from the model and a fixed operator go into the SQL; values are parameters.
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(f"{table}.{quote(_column(model, name))}" for name in keyset.fields)
    marks = ", ".join(["%s"] * len(values))
    operator = "<" if keyset.descending else ">"
    sql = f"({columns}) {operator} ({marks})"
    return RawSQL(sql, values, output_field=BooleanField())  # noqa: S611


def page_of(
    queryset: QuerySet[M], *, keyset: Keyset, cursor: str | None, size: int = DEFAULT_SIZE
) -> Page[M]:
    """The page of `queryset` (in `keyset`'s order) after `cursor` (None: the first)."""
    model = queryset.model
    rows = queryset.order_by(*keyset.order_by())
    if cursor:
        rows = rows.filter(_beyond(model, keyset, decode(cursor, model=model, keyset=keyset)))
    found = list(rows[: size + 1])
    items = found[:size]
    more = len(found) > size
    next_cursor = None
    if more and items:
        last = items[-1]
        next_cursor = encode([_key_value(last, name) for name in keyset.fields])
    return Page(items=items, next=next_cursor)


def _key_value(row: Model, name: str) -> Any:
    value = getattr(row, model_attname(row, name))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if isinstance(value, int | str) else str(value)


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # a concrete column, not a relation's reverse
    return field.column


def model_attname(row: Model, name: str) -> str:
    return row._meta.get_field(name).attname  # type: ignore[union-attr]
