"""A full disk, told apart from other failures, and the health of the data's storage.

When the disk is full, SQLite says "database or disk is full" (or "disk I/O error"
when it cannot even open its -wal/-shm files), PostgreSQL raises DiskFull
(SQLSTATE 53100), and file writes raise OSError ENOSPC. Nothing is half-written
(each write is one transaction, files are stored before their rows), but the user
deserves to know that nothing was saved and why, and the operator's monitor must
see it coming.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from django.conf import settings
from django.db import connection

DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
SQLITE_FULL = 13  # sqlite3.h
SQLITE_IOERR = 10
POSTGRES_DISK_FULL = "53100"
MIB = 1024 * 1024


def data_paths() -> list[Path]:
    """Where Habeas writes: the data directory, the stored files, a SQLite database."""
    paths = [Path(settings.DATA_DIR), Path(settings.HABEAS_FILES_DIR)]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        paths.append(Path(database["NAME"]).parent)
    return list(dict.fromkeys(paths))


def free_bytes(path: Path) -> int:
    """Bytes an unprivileged process may still write on `path`'s file system."""
    while not path.exists() and path != path.parent:
        path = path.parent  # files/ is made at the first upload
    info = os.statvfs(path)
    return info.f_bavail * info.f_frsize


def low_on_space() -> bool:
    """Less than HABEAS_MIN_FREE_MB left where Habeas writes."""
    floor = settings.HABEAS_MIN_FREE_MB * MIB
    try:
        return any(free_bytes(path) < floor for path in data_paths())
    except OSError:
        return True


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) says the disk is full."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
            return True
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF == SQLITE_FULL:
            return True
        if "database or disk is full" in str(exc):
            return True
        if POSTGRES_DISK_FULL in (getattr(exc, "sqlstate", None), getattr(exc, "pgcode", None)):
            return True
        # SQLite cannot open its -wal/-shm files: an I/O error, full disk or not.
        io_error = (code is not None and code & 0xFF == SQLITE_IOERR) or (
            "disk I/O error" in str(exc)
        )
        if io_error and low_on_space():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def database_problem() -> str:
    """Why the database cannot be read and written, or "" if it can."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A standby, or a database set read-only (default_transaction_read_only).
                cursor.execute("SHOW transaction_read_only")
                if cursor.fetchone()[0] == "on":
                    return "the database is read-only"
            else:
                cursor.execute("SELECT 1")
    except Exception:  # any database failure is "not ok" to a monitor
        return "the database does not answer"
    # The vendor is SQLite, whose connection has is_in_memory_db.
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():  # type: ignore[attr-defined]
        # SQLite writes the file and creates -wal/-shm beside it.
        name = Path(connection.settings_dict["NAME"])
        if not (os.access(name, os.W_OK) and os.access(name.parent, os.W_OK)):
            return "the database is read-only"
    return ""
