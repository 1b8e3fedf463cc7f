"""Confidential model fields, encrypted at rest (docs/architecture.md#encryption-at-rest).

`EncryptedTextField(purpose=...)` keeps in its column a token from
`habeas.lib.crypto` sealed under the active key of `settings.HABEAS_KEYRING` and
bound to the field's *purpose* and the row's `public_id`::

    binding = "<purpose>#<public_id>"      e.g. "sources.source.identity#5f0c…"

so a value copied into another row or another confidential column does not
decrypt. The purpose is a fixed string written in the model, not the table name,
because history tables (django-simple-history) copy these columns into rows that
keep the original `public_id`: those copies decrypt with the same binding.

How values flow:

- reading a row gives the descriptor a `Sealed` token; `obj.identity` decrypts it
  on first access (and caches the plain text on the instance). A value that does
  not decrypt raises `DecryptionError`: never ciphertext, never a guess.
- assigning `obj.identity = "..."` keeps plain text on the instance only;
  `save()` (and `bulk_create`) seals it in `pre_save`, which is the only way a
  value reaches the column. `get_prep_value` accepts nothing else:
  `QuerySet.update(identity="x")`, `filter(identity="x")`, `bulk_update` and
  `loaddata` raise `PlaintextRefused`; lookups other than exact/in/isnull
  (contains, startswith, …) are refused, since they could only match ciphertext;
  serialisers (`dumpdata`) are refused too.
- the empty string is stored as the empty string: an empty confidential field
  reveals only that it is empty, and `filter(identity="")` keeps working. (So
  emptiness is not authenticated: whoever can write to the database can blank a
  field, as they could delete the row.)
- `public_id` never changes (editable=False): a value is sealed to it.
- `values()` / `values_list()` return `Sealed` objects, which hold the token but
  refuse to become text: `str()` / f-strings raise `SealedValueError`, so neither
  ciphertext nor a placeholder can end up in a page, an export or another row.

Raw helpers at the bottom (`column_counts`, `reencrypt_column`,
`seal_plaintext_column`) read and write the columns with SQL, without
descriptors: `habeas keys`, the system check and data migrations use them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.core.validators import MaxLengthValidator
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.query_utils import DeferredAttribute
from django.utils.functional import cached_property

from habeas.lib import crypto
from habeas.lib.crypto import DecryptionError, KeyRing

__all__ = [
    "DecryptionError",
    "EncryptedTextField",
    "PlaintextRefused",
    "Sealed",
    "SealedValueError",
]

PURPOSE_PATTERN = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)+")
ALLOWED_LOOKUPS = frozenset({"exact", "in", "isnull"})

# Stored files (evidence) are re-encrypted by `habeas keys rotate` through these
# hooks: each takes the new key ring and returns how many files it re-sealed (with
# `habeas.lib.crypto.reencrypt_stream`, replacing each file atomically) and the
# names of those it could not (missing or damaged), which make the command fail.
FILE_REENCRYPTORS: list[Callable[[KeyRing], tuple[int, list[str]]]] = []
# And the ids of the keys stored files are sealed under, so that `habeas keys
# drop-retired` never removes a key a file still needs.
FILE_KEY_USERS: list[Callable[[], set[str]]] = []


class PlaintextRefused(FieldError):
    """Plain text was about to reach an encrypted column, or be compared with one."""


class SealedValueError(TypeError):
    """A sealed value (from values()/values_list()) was about to be used as text."""


class Sealed:
    """A confidential value as stored: opaque. Read it from a model instance instead."""

    __slots__ = ("_label", "_token")

    def __init__(self, token: str, label: str) -> None:
        self._token = token
        self._label = label

    def __str__(self) -> str:
        raise SealedValueError(
            f"{self._label} is encrypted: read it from a model instance, "
            "not from values() or values_list()"
        )

    def __repr__(self) -> str:
        return f"<Sealed {self._label}>"

    @property
    def key_id(self) -> str:
        return crypto.key_id_of(self._token)


class _ForStorage:
    """What `pre_save` hands to `get_prep_value`: a token sealed for this very row."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token


def keyring() -> KeyRing:
    return settings.HABEAS_KEYRING


def binding(purpose: str, row_id: Any) -> str:
    """The associated data a value is sealed with: its purpose and its row's public_id.

    The public_id is normalised (SQLite hands UUIDs back as 32 hex digits,
    PostgreSQL as UUID objects) so that raw and ORM reads agree."""
    if row_id is None or row_id == "":
        raise DecryptionError(f"{purpose}: the row has no public_id to bind the value to")
    if not isinstance(row_id, uuid.UUID):
        try:
            row_id = uuid.UUID(str(row_id))
        except ValueError:
            return f"{purpose}#{row_id}"
    return f"{purpose}#{row_id}"


class EncryptedAttribute(DeferredAttribute):
    """Data descriptor: holds the sealed or plain value, decrypts on first read."""

    field: EncryptedTextField

    def __get__(self, instance: models.Model | None, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)  # loads a deferred field if need be
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest, bound to its purpose and row"
    descriptor_class = EncryptedAttribute

    def __init__(self, *args: Any, purpose: str, bind_to: str = "public_id", **kwargs: Any):
        self.purpose = purpose
        self.bind_to = bind_to
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        if self.bind_to != "public_id":
            kwargs["bind_to"] = self.bind_to
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if not PURPOSE_PATTERN.fullmatch(self.purpose):
            errors.append(
                checks.Error(
                    "purpose must be a dotted lower-case name such as 'sources.source.identity'.",
                    obj=self,
                    id="habeas.E110",
                )
            )
        try:
            self.model._meta.get_field(self.bind_to)
        except FieldDoesNotExist:
            errors.append(
                checks.Error(
                    f"{self.model.__name__} has no field {self.bind_to!r} to bind values to.",
                    hint="Add public_id = models.UUIDField(default=uuid.uuid4, unique=True, "
                    "editable=False).",
                    obj=self,
                    id="habeas.E111",
                )
            )
        twins = [
            f.name
            for f in self.model._meta.local_fields
            if isinstance(f, EncryptedTextField) and f.purpose == self.purpose and f is not self
        ]
        if twins:
            errors.append(
                checks.Error(
                    f"purpose {self.purpose!r} is also used by {', '.join(twins)}: values "
                    "could then be moved between these columns.",
                    obj=self,
                    id="habeas.E112",
                )
            )
        return errors

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    @cached_property
    def validators(self) -> list:
        # TextField does not check max_length itself; measure the plain text here
        # (the stored token is longer).
        extra = [MaxLengthValidator(self.max_length)] if self.max_length else []
        return [*super().validators, *extra]

    # -- reading --

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value, self.label)

    def open(self, instance: models.Model, value: Sealed) -> str:
        try:
            return crypto.decrypt(
                keyring(), value._token, binding(self.purpose, getattr(instance, self.bind_to))
            )
        except DecryptionError as exc:
            raise DecryptionError(f"{self.label} of row {instance.pk}: {exc}") from None

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value  # never str(): that would raise, or worse, store a placeholder
        return super().to_python(value)

    # -- writing --

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if self.attname in model_instance.__dict__:
            value = model_instance.__dict__[self.attname]
        else:
            value = getattr(model_instance, self.attname)
        if value is None or value == "":
            return value
        aad = binding(self.purpose, getattr(model_instance, self.bind_to))
        ring = keyring()
        if isinstance(value, Sealed):
            # Loaded but never read: verify it belongs here, move it to the active key.
            try:
                return _ForStorage(crypto.reencrypt(ring, value._token, aad))
            except DecryptionError as exc:
                raise DecryptionError(f"{self.label} of row {model_instance.pk}: {exc}") from None
        return _ForStorage(crypto.encrypt(ring, self.to_python(value), aad))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, _ForStorage):
            return value.token
        if value is None or value == "":
            return value
        raise PlaintextRefused(
            f"{self.label} is encrypted: set it on a model instance and save() it; "
            "it cannot be written or compared through a query."
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ALLOWED_LOOKUPS:
            raise PlaintextRefused(
                f"{self.label} is encrypted and cannot be searched with __{lookup_name}."
            )
        return super().get_lookup(lookup_name)

    def value_to_string(self, obj: models.Model) -> str:
        raise PlaintextRefused(f"{self.label} is encrypted and is not serialised.")


# --- raw access: key status, rotation, migrations -----------------------------------


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """Every encrypted column of every installed model (history tables included)."""
    seen: set[tuple[str, str]] = set()
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        for f in opts.local_concrete_fields:
            if isinstance(f, EncryptedTextField) and (opts.db_table, f.column) not in seen:
                seen.add((opts.db_table, f.column))
                yield model, f


def _names(model: type[models.Model], f: EncryptedTextField, using: str) -> dict[str, str]:
    quote = connections[using].ops.quote_name
    return {
        "table": quote(model._meta.db_table),
        "pk": quote(model._meta.pk.column),
        # bind_to names a column of the model itself (public_id unless a model says otherwise).
        "bind": quote(model._meta.get_field(f.bind_to).column),  # type: ignore[union-attr,arg-type]
        "col": quote(f.column),
    }


def table_exists(model: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        return model._meta.db_table in connection.introspection.table_names(cursor)


@dataclass
class ColumnCounts:
    """How the non-empty values of one encrypted column are stored."""

    total: int = 0
    unencrypted: int = 0
    by_key: dict[str, int] = field(default_factory=dict)

    @property
    def encrypted(self) -> int:
        return self.total - self.unencrypted

    @property
    def unknown(self) -> int:
        """Tokens under a key the ring does not hold."""
        return self.encrypted - sum(self.by_key.values())


def column_counts(
    model: type[models.Model],
    f: EncryptedTextField,
    ring: KeyRing,
    using: str = DEFAULT_DB_ALIAS,
) -> ColumnCounts:
    """Count one column's values by key id in one scan, without reading any value."""
    n = _names(model, f, using)
    key_ids = sorted(ring.keys)
    # SUBSTR(col, 1, len) = 'hv1$k1$': a literal comparison (no LIKE wildcards).
    # Lengths are integers computed here, prefixes are parameters.
    sums = ", ".join(
        f"SUM(CASE WHEN SUBSTR({n['col']}, 1, {len(crypto.TOKEN_PREFIX) + len(k) + 1}) = %s "
        "THEN 1 ELSE 0 END)"
        for k in key_ids
    )
    sql = (
        f"SELECT COUNT(*), SUM(CASE WHEN SUBSTR({n['col']}, 1, {len(crypto.TOKEN_PREFIX)}) = %s "  # noqa: S608
        f"THEN 0 ELSE 1 END){', ' + sums if sums else ''} FROM {n['table']} "
        f"WHERE {n['col']} IS NOT NULL AND {n['col']} <> ''"
    )
    params = [crypto.TOKEN_PREFIX] + [f"{crypto.TOKEN_PREFIX}{k}$" for k in key_ids]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    total, unencrypted, *per_key = (int(x or 0) for x in row)
    return ColumnCounts(
        total=total,
        unencrypted=unencrypted,
        by_key={k: c for k, c in zip(key_ids, per_key, strict=True) if c},
    )


def keys_failing_a_sample(
    model: type[models.Model],
    f: EncryptedTextField,
    ring: KeyRing,
    key_ids: list[str],
    using: str = DEFAULT_DB_ALIAS,
) -> list[str]:
    """Key ids under which the column's first value does not decrypt.

    Counting by key id cannot tell a key from another one with the same id (a key
    file edited by hand, or the wrong backup restored); decrypting one value per
    key can."""
    n = _names(model, f, using)
    failing = []
    for key_id in key_ids:
        prefix = f"{crypto.TOKEN_PREFIX}{key_id}$"
        sql = (
            f"SELECT {n['bind']}, {n['col']} FROM {n['table']} "  # noqa: S608
            f"WHERE SUBSTR({n['col']}, 1, {len(prefix)}) = %s ORDER BY {n['pk']} LIMIT 1"
        )
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [prefix])
            row = cursor.fetchone()
        if row is None:
            continue
        try:
            crypto.decrypt(ring, row[1], binding(f.purpose, row[0]))
        except DecryptionError:
            failing.append(key_id)
    return failing


@dataclass
class ReencryptResult:
    done: int = 0
    failed: list[Any] = field(default_factory=list)  # primary keys, never values


def reencrypt_column(
    model: type[models.Model],
    f: EncryptedTextField,
    ring: KeyRing,
    *,
    batch_size: int = 500,
    using: str = DEFAULT_DB_ALIAS,
) -> ReencryptResult:
    """Re-seal every token of one column that is not under the active key.

    Batches of `batch_size` rows, each in its own transaction; rows are updated only
    if unchanged since they were read (a concurrent edit wins). Safe to interrupt
    and run again: old keys stay in the ring until `habeas keys drop-retired`.
    Rows that do not decrypt are left alone and their primary keys returned.
    """
    n = _names(model, f, using)
    active_prefix = f"{crypto.TOKEN_PREFIX}{ring.active}$"
    select = (
        f"SELECT {n['pk']}, {n['bind']}, {n['col']} FROM {n['table']} "  # noqa: S608
        f"WHERE SUBSTR({n['col']}, 1, {len(crypto.TOKEN_PREFIX)}) = %s "
        f"AND SUBSTR({n['col']}, 1, {len(active_prefix)}) <> %s AND {n['pk']} > %s "
        f"ORDER BY {n['pk']} LIMIT {int(batch_size)}"
    )
    update = f"UPDATE {n['table']} SET {n['col']} = %s WHERE {n['pk']} = %s AND {n['col']} = %s"  # noqa: S608
    result = ReencryptResult()
    last: Any = _lowest_key(model)
    while True:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(select, [crypto.TOKEN_PREFIX, active_prefix, last])
            rows = cursor.fetchall()
            for pk, row_id, token in rows:
                try:
                    fresh = crypto.reencrypt(ring, token, binding(f.purpose, row_id))
                except DecryptionError:
                    result.failed.append(pk)
                    continue
                cursor.execute(update, [fresh, pk, token])
                result.done += cursor.rowcount
        if len(rows) < batch_size:
            return result
        last = rows[-1][0]


def _lowest_key(model: type[models.Model]) -> Any:
    # Keyset pagination starts below every primary key (integer keys here; history
    # tables too).
    return -(2**63 - 1) if model._meta.pk.get_internal_type() in _INTEGER_KEYS else ""


_INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def seal_plaintext_column(
    model: type[models.Model], field_name: str, ring: KeyRing, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Encrypt values written before the column was encrypted (data migrations).

    Works with the historical models a migration's `apps` gives."""
    f = cast(EncryptedTextField, model._meta.get_field(field_name))
    n = _names(model, f, using)
    select = (
        f"SELECT {n['pk']}, {n['bind']}, {n['col']} FROM {n['table']} "  # noqa: S608
        f"WHERE {n['col']} <> '' AND SUBSTR({n['col']}, 1, {len(crypto.TOKEN_PREFIX)}) <> %s"
    )
    update = f"UPDATE {n['table']} SET {n['col']} = %s WHERE {n['pk']} = %s"  # noqa: S608
    with connections[using].cursor() as cursor:
        cursor.execute(select, [crypto.TOKEN_PREFIX])
        rows = cursor.fetchall()
        for pk, row_id, text in rows:
            cursor.execute(update, [crypto.encrypt(ring, text, binding(f.purpose, row_id)), pk])
    return len(rows)


def unseal_column(
    model: type[models.Model], field_name: str, ring: KeyRing, using: str = DEFAULT_DB_ALIAS
) -> int:
    """The reverse of `seal_plaintext_column`, for migrating back to a version
    without encryption. Raises DecryptionError on a value that does not decrypt."""
    f = cast(EncryptedTextField, model._meta.get_field(field_name))
    n = _names(model, f, using)
    select = (
        f"SELECT {n['pk']}, {n['bind']}, {n['col']} FROM {n['table']} "  # noqa: S608
        f"WHERE SUBSTR({n['col']}, 1, {len(crypto.TOKEN_PREFIX)}) = %s"
    )
    update = f"UPDATE {n['table']} SET {n['col']} = %s WHERE {n['pk']} = %s"  # noqa: S608
    with connections[using].cursor() as cursor:
        cursor.execute(select, [crypto.TOKEN_PREFIX])
        rows = cursor.fetchall()
        for pk, row_id, token in rows:
            cursor.execute(update, [crypto.decrypt(ring, token, binding(f.purpose, row_id)), pk])
    return len(rows)
