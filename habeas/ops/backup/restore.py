"""`habeas restore`: a backup into an empty data directory and database, checked
against its manifest and its audit log before anything is kept."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from habeas.audit.services import ChainBroken, audit_head, audit_record, audit_verify
from habeas.core.checks import check_encryption_keys
from habeas.core.restoring import RESTORE_MARKER, unfinished_restore
from habeas.lib.crypto import KeyRing
from habeas.ops.backup.archive import (
    DATABASE_MEMBERS,
    FILES_PREFIX,
    BackupError,
    archive_key_id,
    decrypt_and_extract,
)
from habeas.ops.backup.staging import remove_staging, staging_dir
from habeas.ops.backup.targets import FilesTarget, PostgreSQLTarget, SQLiteTarget


@dataclass
class RestoreResult:
    created_at: str
    vendor: str
    entries: int
    head: str
    files: int
    pending_migrations: int
    key_messages: list[str]
    resumed: str = ""  # what was cleared away of an interrupted restore


def mark_restoring(source: Path, *, replacing: bool) -> int:
    """Put the marker in place (`replacing` an interrupted restore's), already locked
    so that no one sees it unlocked while this restore runs; return the descriptor
    that holds the lock."""
    data_dir = Path(settings.DATA_DIR)
    fd, tmp = tempfile.mkstemp(prefix="restore-marker-", dir=data_dir)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        started = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        # As an absolute path: the advice to run the restore again may be read in
        # another working directory.
        backup = str(source.resolve())
        os.write(fd, json.dumps({"backup": backup, "started_at": started}).encode())
        os.fsync(fd)
        try:
            if replacing:
                os.replace(tmp, data_dir / RESTORE_MARKER)
            else:
                os.link(tmp, data_dir / RESTORE_MARKER)  # only if there is none
        except FileExistsError:
            raise BackupError(
                f"Another restore into {data_dir} has just started; nothing was restored."
            ) from None
    except BaseException:
        os.close(fd)
        raise
    finally:
        Path(tmp).unlink(missing_ok=True)
    return fd


def unmark_restoring(fd: int) -> None:
    (Path(settings.DATA_DIR) / RESTORE_MARKER).unlink(missing_ok=True)
    os.close(fd)


def _key_missing(key_id: str, ring: KeyRing) -> BackupError:
    where = settings.HABEAS_KEY_FILE
    held = ", ".join(sorted(ring.keys))
    if where is None:
        source, place = "HABEAS_KEYS", "set HABEAS_KEYS to the key ring it was made with"
    else:
        source = str(where)
        place = (
            f"copy the key file it was made with to {where} "
            "(or set HABEAS_KEY_FILE or HABEAS_KEYS to it)"
        )
    return BackupError(
        f"This backup was made with key {key_id}, which is not in the key ring "
        f"({source} holds {held}): place the key file first ({place}). Nothing was restored."
    )


def _discard_unfinished_restore(database: Any, stored: FilesTarget) -> str:
    """Clear away what an interrupted restore placed; say so (empty: there was none)."""
    unfinished = unfinished_restore()
    if unfinished is None:
        return ""
    if unfinished.running:
        raise BackupError(f"{unfinished.describe()} Wait for it to finish.")
    stored.discard_interrupted()
    database.discard_interrupted(unfinished.describe())
    return (
        f"A restore of {unfinished.backup} (started {unfinished.started_at}) had been "
        "interrupted: what it had placed was removed, and this restore started afresh."
    )


def restore_backup(source: Path | str) -> RestoreResult:
    """Restore a backup into an empty data directory (and empty database)."""
    source = Path(source).expanduser()
    ring: KeyRing = settings.HABEAS_KEYRING
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Restoring into {vendor} databases is not supported.")
    try:
        handle = open(source, "rb")  # noqa: SIM115 (closed below, after the thread)
    except OSError as exc:
        raise BackupError(f"Cannot read {source}: {exc.strerror}.") from None
    with handle:
        key_id = archive_key_id(handle, str(source))
        if key_id not in ring.keys:
            raise _key_missing(key_id, ring)
        database = SQLiteTarget() if vendor == "sqlite" else PostgreSQLTarget()
        stored = FilesTarget()
        resumed = _discard_unfinished_restore(database, stored)
        database.check_empty()
        stored.check_empty()
        marker = mark_restoring(source, replacing=bool(resumed))
        staging = staging_dir(".restore-")
        try:
            manifest = decrypt_and_extract(ring, handle, str(source), staging, vendor)
            try:
                database.place(staging / manifest["database"]["member"])
                stored.place(staging / FILES_PREFIX.rstrip("/"))
                # A backup from before the audit log was sealed: its audit tables
                # get the seal's columns first (a migration of the audit app only).
                call_command("migrate", "audit", verbosity=0)
                count = audit_verify(restored=True)  # may predate a key rotation
                head = audit_head()
                if (count, head["head"]) != (
                    manifest["audit"]["entries"],
                    manifest["audit"]["head"],
                ):
                    raise BackupError(
                        f"The restored audit log ({count} entries) does not match the backup's "
                        f"manifest ({manifest['audit']['entries']} entries)."
                    )
            except ChainBroken as broken:
                raise _undone(
                    f"The restored audit log is broken at {broken}.", database, stored
                ) from None
            except BackupError as exc:
                raise _undone(str(exc), database, stored) from None
            except (OSError, DatabaseError) as exc:
                reason = getattr(exc, "strerror", None) or type(exc).__name__
                raise _undone(f"Restoring failed: {reason}.", database, stored) from None
        except BackupError:
            unmark_restoring(marker)  # undone, or nothing placed: nothing to clear away
            raise
        finally:
            remove_staging(staging)
    audit_record(
        action="backup.restore",
        detail={
            "entries": manifest["audit"]["entries"],
            "files": len(manifest["files"]),
            "backup_created_at": manifest.get("created_at", ""),
            "key": key_id,
        },
    )
    unmark_restoring(marker)
    return RestoreResult(
        created_at=str(manifest.get("created_at", "?")),
        vendor=vendor,
        entries=manifest["audit"]["entries"],
        head=manifest["audit"]["head"],
        files=len(manifest["files"]),
        pending_migrations=_pending_migrations(),
        key_messages=_key_messages(),
        resumed=resumed,
    )


def _undone(message: str, database: Any, stored: FilesTarget) -> BackupError:
    stored.undo()
    state = database.undo()
    return BackupError(f"{message} {state}")


def _pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _key_messages() -> list[str]:
    """What the key checks say about the restored data (a retired key missing from
    the ring, say): the data is restored faithfully, the operator must add keys."""
    return [
        f"{m.msg} {m.hint or ''}".strip()
        for m in check_encryption_keys()
        if m.level >= checks.ERROR
    ]
