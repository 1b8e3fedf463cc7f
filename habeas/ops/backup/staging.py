"""Staging directories: where a backup or restore keeps a plain copy of the database
while it runs (inside the data directory), and how those a killed process left are
told from those in use, and removed."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from habeas.core.restoring import unfinished_restore
from habeas.ops.backup.archive import BackupError
from habeas.ops.backup.targets import SQLiteTarget

# Staging directories hold a plain copy of the database while a backup or restore
# runs. Each holds an flock on its STAGING_LOCK for as long as its process lives, so
# that one whose process was killed (SIGKILL, OOM, power loss skip every `finally`)
# can be told from one in use, and removed.
STAGING_PREFIXES = (".backup-", ".restore-")
STAGING_LOCK = "in-use.lock"
# A staging directory without its lock file is younger than this while its process
# creates the lock; older, it was left by a version of Habeas that made none.
STAGING_LOCK_GRACE_SECONDS = 60
_staging_locks: dict[Path, int] = {}


def staging_dir(prefix: str) -> Path:
    """A private temporary directory inside the data directory (mode 0700), locked
    as in use until `remove_staging`."""
    remove_stale_staging()
    try:
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=settings.DATA_DIR))
        fd = os.open(path / STAGING_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise BackupError(
            f"Cannot create a temporary directory in {settings.DATA_DIR}: {exc.strerror}."
        ) from None
    fcntl.flock(fd, fcntl.LOCK_EX)
    _staging_locks[path] = fd
    return path


def remove_staging(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    fd = _staging_locks.pop(path, None)
    if fd is not None:
        os.close(fd)


def remove_stale_staging() -> list[str]:
    """Remove the staging directories of backups and restores whose process died
    (the plain database copies they hold would stay forever); return their names.
    A directory whose process still runs is left alone."""
    removed: list[str] = []
    try:
        entries = sorted(Path(settings.DATA_DIR).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(STAGING_PREFIXES) or entry in _staging_locks:
            continue
        if entry.is_symlink() or not entry.is_dir():
            continue
        if _staging_in_use(entry):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry.name)
    copying = SQLiteTarget.copying()
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and (
        copying.exists() and not getattr(unfinished_restore(), "running", False)
    ):  # a restore killed between copying the database and renaming it
        copying.unlink(missing_ok=True)
        removed.append(copying.name)
    return removed


def _staging_in_use(entry: Path) -> bool:
    try:
        fd = os.open(entry / STAGING_LOCK, os.O_RDWR)
    except FileNotFoundError:
        try:
            age = datetime.now(UTC).timestamp() - entry.stat().st_mtime
        except OSError:
            return True  # gone already
        return age < STAGING_LOCK_GRACE_SECONDS
    except OSError:
        return True  # not ours to judge
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # lets go of the lock; rmtree follows at once
    return False
