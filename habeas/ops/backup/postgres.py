"""pg_dump and pg_restore: where they are, and the connection they are given."""

from __future__ import annotations

import glob
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

from habeas.ops.backup.archive import BackupError

# OPTIONS of a Django database setting that libpq also reads from the environment.
_LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
}


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: from HABEAS_PG_BIN, else PATH, else the newest
    /usr/lib/postgresql/<version>/bin (Debian's layout)."""
    named = settings.HABEAS_PG_BIN
    if named:
        candidate = Path(named) / name
        if not os.access(candidate, os.X_OK):
            raise BackupError(f"HABEAS_PG_BIN is {named}, which has no {name} program.")
        return str(candidate)
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)/bin/", path)
        return int(match.group(1)) if match else 0

    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version, reverse=True)
    if installed:
        return installed[0]
    raise BackupError(
        f"{name} was not found: install the PostgreSQL client programs, or set "
        "HABEAS_PG_BIN to the directory that holds them."
    )


def pg_environment() -> dict[str, str]:
    """The connection settings for pg_dump / pg_restore, through libpq's environment
    variables: the password never appears on a command line."""
    db: Mapping[str, Any] = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in _LIBPQ_ENV.items():
        value = (db.get("OPTIONS") or {}).get(option)
        if isinstance(value, str | int) and not isinstance(value, bool):
            env[variable] = str(value)
    env["PGAPPNAME"] = "habeas-backup"
    return env


def first_error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error" in line.lower() or "fatal" in line.lower():
            return line
    return lines[0] if lines else "no message"
