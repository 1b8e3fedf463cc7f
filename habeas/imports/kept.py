"""The dry run's plan, kept for the report's pages and for the commit.

Planning a file (habeas.imports.plan) parses and checks every row and looks each one
up against the records: about a minute for 100,000 rows. The dry-run report is read a
page at a time and then committed; planning again for every page and for the commit
doubled the import's time. So the plan of an upload is kept next to it, as the upload
is kept (storage.py): `<files dir>/imports/<upload public id>.plan`, sealed with the
key ring's stream encryption, never in plain text, and removed with the upload (on
commit, or after its day).

What a kept plan is bound to (the associated data of its encryption): the upload,
its uploader, the file's SHA-256 and the mapping. Read with anything else (another
user, another mapping), it does not decrypt, and is built again.

What it is valid for:
- the report's pages read it as it is (`fresh=False`): the report is the dry run's;
- the commit reuses it only if nothing the plan read has changed since it was built
  (`fresh=True`): the same day (dates "in the future"), and the same rows in every
  table the plan looks up — names' search keys and the people on cases (possible
  duplicates), the importer's memberships (which people and cases they may see),
  earlier imports, cases and people. A case created meanwhile, a name added, a
  membership given or taken: the plan is built again from the file, as before, so the
  commit never writes what a fresh plan would refuse. References are re-checked by
  the commit itself (services._recheck) whatever the plan.
- decisions on possible duplicates are not part of a plan: the commit applies the
  ones it is given, checked against the candidates the plan shows.

Why pickle: a plan is 100,000 rows of parsed values (partial dates, candidates), and
the plan's shape changes as the import learns new columns; pickle keeps it whole in
a few seconds. It is only ever read from a file this server sealed (authenticated
encryption: a forged or altered file does not decrypt), and its reader accepts only
the plan's own classes and plain values, nothing that could run code.
"""

from __future__ import annotations

import enum
import hashlib
import io
import json
import os
import pickle
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from habeas.accounts.models import User
from habeas.cases.models import Case, CaseMember, NameToken, Person
from habeas.lib.crypto import DecryptionError, decrypt_stream, encrypt_stream

from . import storage
from .models import ImportedRecord, ImportUpload
from .plan import ImportPlan

FORMAT = 2  # bumped when a kept plan of an earlier Habeas must not be read: 2, PlanRow grew

# What a kept plan may contain besides plain values (str, int, list, dict, tuple...).
ALLOWED = {
    ("habeas.imports.plan", "ImportPlan"),
    ("habeas.imports.plan", "PlanRow"),
    ("habeas.imports.plan", "Candidate"),
    ("habeas.lib.partialdate", "PartialDate"),
    ("habeas.lib.partialdate", "Precision"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "datetime"),
    ("datetime", "timezone"),
    ("datetime", "timedelta"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("collections", "Counter"),
    ("copyreg", "_reconstructor"),
    ("builtins", "object"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        if module.startswith(("habeas.", "django.")):
            # Choices (a status, a sex): an enumeration is rebuilt by value lookup.
            found = super().find_class(module, name)
            if isinstance(found, type) and issubclass(found, enum.Enum):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a plan")


def path_of(upload: ImportUpload) -> Path:
    return storage.plan_path_of(upload.public_id)


def _mapping_text(mapping: dict[int, str]) -> str:
    return json.dumps(sorted((int(i), k) for i, k in mapping.items() if k))


def _aad(upload: ImportUpload, user: User, mapping: dict[int, str]) -> bytes:
    digest = hashlib.sha256(_mapping_text(mapping).encode()).hexdigest()
    return (
        f"habeas.imports.plan:{FORMAT}:{upload.public_id}:{user.pk}:{upload.sha256}:{digest}"
    ).encode("ascii")


def _stamp(rows: QuerySet[Any]) -> list[Any]:
    found = rows.aggregate(n=Count("pk"), top=Max("pk"))
    return [found["n"], found["top"]]


def fingerprint(user: User) -> list[Any]:
    """What the plan of a file for `user` depends on besides the file and mapping: the
    day, and the number and newest row of every table it looks up. Rows are only
    added with new ids (AUTOINCREMENT, sequences), so any row added or removed moves
    a count or a highest id. A reference changed in place is not seen here: the
    commit reads every reference again anyway."""
    tables: list[QuerySet[Any]] = [
        NameToken.objects.all(),
        Case.people.through.objects.all(),
        CaseMember.objects.filter(user=user),
        ImportedRecord.objects.all(),
        Case.objects.all(),
        Person.objects.all(),
    ]
    return [timezone.localdate().isoformat(), *(_stamp(rows) for rows in tables)]


def keep(
    *,
    upload: ImportUpload,
    user: User,
    mapping: dict[int, str],
    plan: ImportPlan,
    stamp: list[Any],
) -> None:
    """Seal `plan` (built when the tables stood at `stamp`) next to `upload`."""
    data = pickle.dumps((stamp, plan), protocol=pickle.HIGHEST_PROTOCOL)
    tmp = storage.store_dir() / f".tmp-{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as dst:
            encrypt_stream(
                settings.HABEAS_KEYRING, io.BytesIO(data), dst, _aad(upload, user, mapping)
            )
        os.replace(tmp, path_of(upload))
    finally:
        storage.discard_path(tmp)


def read(
    *, upload: ImportUpload, user: User, mapping: dict[int, str]
) -> tuple[list[Any], ImportPlan] | None:
    """The kept plan of `upload` for `user` under `mapping` and the stamp it was built
    at, or None (none kept, kept for another mapping or user, or unreadable)."""
    out = io.BytesIO()
    try:
        with open(path_of(upload), "rb") as src:
            decrypt_stream(settings.HABEAS_KEYRING, src, out, _aad(upload, user, mapping))
        stamp, plan = _Unpickler(io.BytesIO(out.getbuffer())).load()
    except (FileNotFoundError, DecryptionError, pickle.UnpicklingError, EOFError, ValueError):
        return None
    if not isinstance(plan, ImportPlan) or plan.mapping != {
        int(i): k for i, k in mapping.items() if k
    }:
        return None
    return stamp, plan


def plan_for(
    *,
    upload: ImportUpload,
    user: User,
    mapping: dict[int, str],
    build: Callable[[], ImportPlan],
    fresh: bool,
) -> tuple[ImportPlan, bool]:
    """The plan of `upload` under `mapping` for `user`, and whether it was built now.
    The kept one if there is one (if `fresh`, only while nothing it read changed);
    otherwise `build()`, kept for next time."""
    found = read(upload=upload, user=user, mapping=mapping)
    if found is not None:
        stamp, plan = found
        if not fresh or stamp == fingerprint(user):
            return plan, False
    stamp = fingerprint(user)  # before building: a change during it must not be missed
    plan = build()
    keep(upload=upload, user=user, mapping=mapping, plan=plan, stamp=stamp)
    return plan, True
