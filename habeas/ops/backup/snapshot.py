"""`habeas backup`: a consistent snapshot of the database, the stored files, and the
encrypted archive written from them."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from habeas.audit.models import GENESIS
from habeas.audit.services import audit_record
from habeas.lib.crypto import KeyRing, fsync_dir
from habeas.ops.backup.archive import (
    DATABASE_MEMBERS,
    FORMAT,
    KIND,
    BackupError,
    Snapshot,
    StoredFile,
    habeas_version,
    read_only_uri,
    sha256_file,
    write_archive,
)
from habeas.ops.backup.postgres import first_error_line, pg_environment, pg_tool
from habeas.ops.backup.staging import remove_staging, staging_dir


@dataclass
class BackupResult:
    path: Path
    key_id: str
    entries: int
    head: str
    files: int
    bytes: int
    skipped: list[str] = field(default_factory=list)


def _last_migrations(rows: list[tuple[Any, str, str]]) -> dict[str, str]:
    """Last applied migration per app, from (id, app, name) rows."""
    last: dict[str, tuple[Any, str]] = {}
    for row_id, app, name in rows:
        if app not in last or row_id > last[app][0]:
            last[app] = (row_id, name)
    return {app: name for app, (_, name) in sorted(last.items())}


def _snapshot_sqlite(staging: Path) -> Snapshot:
    source = Path(settings.DATABASES["default"]["NAME"])
    if not source.is_file():
        raise BackupError(f"There is no database at {source} to back up.")
    target = staging / DATABASE_MEMBERS["sqlite"]
    try:
        src = sqlite3.connect(read_only_uri(source), uri=True, timeout=20)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot open the database {source}: {exc}.") from None
    try:
        dst = sqlite3.connect(target)
        try:
            # One step (pages=-1): the whole copy is made under one read
            # transaction, a consistent snapshot; in WAL mode writers go on.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            tables = {r[0] for r in dst.execute("SELECT name FROM sqlite_master")}
            migrations = (
                dst.execute("SELECT id, app, name FROM django_migrations").fetchall()
                if "django_migrations" in tables
                else []
            )
            head = (
                dst.execute(
                    "SELECT last_id, last_hash FROM audit_audithead WHERE id = 1"
                ).fetchone()
                if "audit_audithead" in tables
                else None
            )
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Copying the database {source} failed: {exc}.") from None
    finally:
        src.close()
    os.chmod(target, 0o600)
    return Snapshot(
        member=DATABASE_MEMBERS["sqlite"],
        path=target,
        migrations=_last_migrations(migrations),
        audit=_audit_dict(head),
    )


def _audit_dict(head: tuple[Any, str] | None) -> dict[str, Any]:
    if head is None:
        return {"entries": 0, "head": GENESIS}
    return {"entries": int(head[0]), "head": str(head[1])}


def _snapshot_postgresql(staging: Path) -> Snapshot:
    import psycopg  # only PostgreSQL installations need it loaded

    target = staging / DATABASE_MEMBERS["postgresql"]
    pg_dump = pg_tool("pg_dump")
    params = connection.get_connection_params()
    try:
        conn = psycopg.connect(**params)
    except psycopg.Error as exc:
        raise BackupError(f"Cannot connect to the database: {first_error_line(str(exc))}") from None
    try:
        # Export a snapshot, read the migrations and the audit head in it, and
        # have pg_dump dump exactly that snapshot while this transaction lasts.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            # Each SELECT here returns one row.
            snapshot_id = cursor.fetchone()[0]  # type: ignore[index]
            cursor.execute(
                "SELECT to_regclass('django_migrations') IS NOT NULL, "
                "to_regclass('audit_audithead') IS NOT NULL"
            )
            has_migrations, has_audit = cursor.fetchone()  # type: ignore[misc]
            migrations = []
            if has_migrations:
                cursor.execute("SELECT id, app, name FROM django_migrations")
                migrations = cursor.fetchall()
            head = None
            if has_audit:
                cursor.execute("SELECT last_id, last_hash FROM audit_audithead WHERE id = 1")
                head = cursor.fetchone()
        result = subprocess.run(  # noqa: S603 (fixed program, no shell, no secrets in argv)
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_id}",
                f"--file={target}",
            ],
            env=pg_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {first_error_line(result.stderr)}")
    except psycopg.Error as exc:
        raise BackupError(f"Reading the database failed: {first_error_line(str(exc))}") from None
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
        conn.close()
    os.chmod(target, 0o600)
    return Snapshot(
        member=DATABASE_MEMBERS["postgresql"],
        path=target,
        migrations=_last_migrations(migrations),
        audit=_audit_dict(head),
    )


def _stored_files(root: Path) -> tuple[list[StoredFile], list[str]]:
    """Every regular file under `root` with its hash; what was skipped (links, …)."""
    found: list[StoredFile] = []
    skipped: list[str] = []
    if not root.exists():
        return found, skipped
    if not root.is_dir():
        raise BackupError(f"{root} is not a directory.")
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirnames):
            if (here / name).is_symlink():
                skipped.append((here / name).relative_to(root).as_posix())
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            relative = path.relative_to(root).as_posix()
            try:
                mode = path.lstat().st_mode
            except FileNotFoundError:  # deleted since the listing
                continue
            if not stat.S_ISREG(mode):
                skipped.append(relative)
                continue
            try:
                sha256, size = sha256_file(path)
            except OSError as exc:
                raise BackupError(f"Cannot read the stored file {path}: {exc.strerror}.") from None
            found.append(StoredFile(path=relative, source=path, sha256=sha256, size=size))
    return found, skipped


def create_backup(target: Path | str, *, force: bool = False) -> BackupResult:
    """Write an encrypted backup of the database and the stored files to `target`."""
    target = Path(target).expanduser().absolute()
    if target.is_dir():
        raise BackupError(f"{target} is a directory: name the backup file to write.")
    if target.exists() and not force:
        raise BackupError(f"{target} exists: choose another name, or add --force to replace it.")
    if not target.parent.is_dir():
        raise BackupError(f"The directory {target.parent} does not exist.")
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    ring: KeyRing = settings.HABEAS_KEYRING
    tmp = target.with_name(target.name + ".tmp")
    staging = staging_dir(".backup-")
    try:
        # The database first, then the files: a file is stored before the row that
        # names it is committed, so every file the snapshot names is there.
        snapshot = (_snapshot_sqlite if vendor == "sqlite" else _snapshot_postgresql)(staging)
        files, skipped = _stored_files(Path(settings.HABEAS_FILES_DIR))
        db_sha256, db_size = sha256_file(snapshot.path)
        manifest = {
            "kind": KIND,
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "habeas_version": habeas_version(),
            "database": {
                "vendor": vendor,
                "member": snapshot.member,
                "sha256": db_sha256,
                "size": db_size,
            },
            "migrations": snapshot.migrations,
            "audit": snapshot.audit,
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in files],
        }
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise BackupError(
                f"{tmp} exists: another backup may be running; if not, remove it."
            ) from None
        except OSError as exc:
            raise BackupError(f"Cannot write {tmp}: {exc.strerror}.") from None
        try:
            with os.fdopen(fd, "wb") as out:
                os.fchmod(out.fileno(), 0o600)
                write_archive(ring, out, manifest, snapshot, files)
                out.flush()
                os.fsync(out.fileno())
            size = tmp.stat().st_size
            if force:
                os.replace(tmp, target)
            else:
                try:
                    os.link(tmp, target)  # create-if-absent, atomically
                except FileExistsError:
                    raise BackupError(
                        f"{target} appeared while the backup was made; nothing was replaced."
                    ) from None
            fsync_dir(target.parent)
        except OSError as exc:
            raise BackupError(f"Writing the backup failed: {exc.strerror or exc}.") from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    finally:
        remove_staging(staging)
    audit_record(
        action="backup.create",
        detail={
            "entries": snapshot.audit["entries"],
            "files": len(files),
            "bytes": size,
            "key": ring.active,
            "database": vendor,
        },
    )
    return BackupResult(
        path=target,
        key_id=ring.active,
        entries=snapshot.audit["entries"],
        head=snapshot.audit["head"],
        files=len(files),
        bytes=size,
        skipped=skipped,
    )
