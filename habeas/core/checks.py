"""System checks of the encryption keys and the data directory, run by `habeas check`
(and --deploy).

The key check reads the database: Django runs database-tagged checks too when
`check` is called without --database (it only passes databases=None), and this
one is the point of `habeas check` failing while a retired key is still in use.
It counts values by key id with one scan per encrypted column, and decrypts one
value per column and key to catch a wrong key that has the right name; it never
shows a value. Tables that do not exist yet (a database not migrated) are skipped.
"""

from __future__ import annotations

import contextlib
import shlex
import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

from habeas.conf import SQLITE_SIDECARS
from habeas.core.encryption import (
    FILE_KEY_USERS,
    column_counts,
    encrypted_fields,
    keys_failing_a_sample,
    table_exists,
)
from habeas.core.restoring import unfinished_restore


@register(Tags.security, Tags.database)
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list:
    ring = settings.HABEAS_KEYRING
    errors: list = []
    key_file = settings.HABEAS_KEY_FILE
    if key_file is not None:
        try:
            mode = stat.S_IMODE(key_file.stat().st_mode)
        except OSError as exc:
            errors.append(
                Error(f"Cannot read the key file {key_file}: {exc.strerror}.", id="habeas.E101")
            )
        else:
            if mode & 0o077:
                errors.append(
                    Error(
                        f"The key file {key_file} is open to other users (mode {mode:04o}).",
                        hint=f"chmod 600 {shlex.quote(str(key_file))}",
                        id="habeas.E101",
                    )
                )
    if unfinished_restore() is not None:
        # Half a backup's data: what the keys would be said to lack may just not be
        # there yet (habeas.E111 says what to do, once).
        return errors
    try:
        for model, field in encrypted_fields():
            if not table_exists(model):
                continue
            errors.extend(_column_messages(model, field, ring))
        for keys_of_files in FILE_KEY_USERS:
            errors.extend(_file_messages(keys_of_files(), ring))
    except DatabaseError as exc:
        errors.append(
            Warning(
                "Could not count encrypted values by key: the database did not answer "
                f"({type(exc).__name__}).",
                id="habeas.W102",
            )
        )
    return errors


def _file_messages(used: set[str], ring: Any) -> list:
    """Stored files (evidence) under a retired key, or a key the ring lacks."""
    messages: list = []
    retired = sorted(used & set(ring.retired))
    if retired:
        messages.append(
            Error(
                f"Stored files are still encrypted under a retired key ({', '.join(retired)}).",
                hint="Run `habeas keys reencrypt` to finish the rotation.",
                id="habeas.E105",
            )
        )
    unknown = sorted(used - set(ring.keys))
    if unknown:
        messages.append(
            Error(
                f"Stored files are encrypted under a key that is not in the key ring "
                f"({', '.join(unknown)}); they cannot be read.",
                hint="Restore the key file (or HABEAS_KEYS) that holds it from your key backup.",
                id="habeas.E106",
            )
        )
    return messages


def _column_messages(model: Any, field: Any, ring: Any) -> list:
    counts = column_counts(model, field, ring)
    label = f"{model._meta.label}.{field.name}"
    messages: list = []
    retired = {k: c for k, c in counts.by_key.items() if k in ring.retired}
    if retired:
        listed = ", ".join(f"{c} under {k}" for k, c in sorted(retired.items()))
        messages.append(
            Error(
                f"{label}: values are still encrypted under a retired key ({listed}).",
                hint="Run `habeas keys reencrypt` to finish the rotation.",
                id="habeas.E102",
            )
        )
    if counts.unknown:
        messages.append(
            Error(
                f"{label}: {counts.unknown} values are encrypted under a key that is not "
                "in the key ring; they cannot be read.",
                hint="Restore the key file (or HABEAS_KEYS) that holds it from your key backup.",
                id="habeas.E103",
            )
        )
    failing = keys_failing_a_sample(model, field, ring, sorted(counts.by_key))
    if failing:
        messages.append(
            Error(
                f"{label}: values under {', '.join(failing)} do not decrypt with the key of "
                "that name in the key ring: it is not the key they were encrypted with (or "
                "the first such row was altered).",
                hint="Restore the right key file (or HABEAS_KEYS) from your key backup.",
                id="habeas.E104",
            )
        )
    if counts.unencrypted:
        messages.append(
            Warning(
                f"{label}: {counts.unencrypted} values are stored unencrypted and cannot be read.",
                hint="`habeas migrate` encrypts values written before encryption was added; "
                "values written into the database by hand must be entered again.",
                id="habeas.W101",
            )
        )
    return messages


@register(Tags.security, deploy=True)
def check_data_private(app_configs: Any = None, **kwargs: Any) -> list:
    """The data directory and what is in it, for its owner only: the database holds
    case content, usernames, password hashes and the audit log. `habeas serve`
    tightens what it owns at start (habeas.conf.ensure_private_dir); this reports
    what it could not, and databases kept elsewhere."""
    data_dir = Path(settings.DATA_DIR)
    paths = [data_dir]
    with contextlib.suppress(OSError):
        paths += sorted(p for p in data_dir.iterdir() if p.name != "static")  # public
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(database["NAME"])
        paths += [name.with_name(name.name + suffix) for suffix in ("", *SQLITE_SIDECARS)]
    if settings.HABEAS_KEY_FILE is not None:  # habeas.E101 refuses it already
        paths = [p for p in paths if p != settings.HABEAS_KEY_FILE]
    messages: list = []
    for path in dict.fromkeys(paths):
        try:
            mode = stat.S_IMODE(path.lstat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            fix = "chmod 700" if path.is_dir() else "chmod 600"
            messages.append(
                Warning(
                    f"{path} can be read by other users of this computer (mode {mode:04o}).",
                    hint=f"{fix} {shlex.quote(str(path))}",
                    id="habeas.W110",
                )
            )
    return messages
