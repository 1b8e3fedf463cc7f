"""Encrypted backups: `habeas backup FILE` and `habeas restore FILE`.

A backup is one file: a gzip-compressed tar stream, encrypted as a whole with
`habeas.lib.crypto.encrypt_stream` under the key ring's active key (AES-256-GCM
in 64 KiB chunks; truncation, reordering and any altered byte fail to decrypt),
bound to `ARCHIVE_AAD`. The tar holds, in this order::

    manifest.json        what is in the backup (below); always the first member
    database.sqlite3     SQLite: a consistent online copy (sqlite3 backup API)
      or database.pgdump PostgreSQL: `pg_dump --format=custom` (one snapshot)
    files/<path>         every regular file under DATA_DIR/files/

The manifest::

    {"kind": "habeas-backup", "format": 1, "created_at": "2026-…Z",
     "habeas_version": "0.1.0",
     "database": {"vendor": "sqlite", "member": "database.sqlite3",
                  "sha256": "…", "size": 123},
     "migrations": {"audit": "0002_append_only_triggers", …},  # last applied per app
     "audit": {"entries": 1234, "head": "<sha256 of the last entry>"},
     "files": [{"path": "ab/cd.bin", "sha256": "…", "size": 456}, …]}

The migrations and the audit head are read from the very snapshot that is
dumped (the SQLite copy; the exported PostgreSQL snapshot pg_dump uses), so
they describe the database in the backup, not the live one a moment later.

The key file is never in the backup: the backup is encrypted with it, and the
operator keeps it apart. Restoring needs a key ring holding the key the backup
names in its header.

Nothing plain is ever written outside the data directory: the database dump is
staged in a private temporary directory inside it (where the live database is
anyway), and the archive streams through a pipe into the encryption.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
import threading
import urllib.parse
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.conf import settings
from django.db import DatabaseError, connection, connections

from habeas.conf import SQLITE_SIDECARS
from habeas.lib.crypto import (
    KEY_ID_PATTERN,
    STREAM_CHUNK,
    DecryptionError,
    KeyRing,
    decrypt_stream,
    encrypt_stream,
    fsync_dir,
    stream_key_id,
)

ARCHIVE_AAD = b"habeas backup archive"
KIND = "habeas-backup"
FORMAT = 1
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES_PREFIX = "files/"

DAMAGED = (
    "The backup {name} could not be decrypted: it is damaged, truncated or was "
    "altered (or it is not a Habeas backup). Nothing was restored."
)


class BackupError(Exception):
    """One readable line for the operator; never contains confidential data."""


# --- where things are ---------------------------------------------------------------


def files_dir() -> Path:
    """Stored files (evidence): DATA_DIR/files/ unless a setting names another place."""
    return Path(getattr(settings, "HABEAS_FILES_DIR", None) or settings.DATA_DIR / "files")


def habeas_version() -> str:
    try:
        return metadata.version("habeas")
    except metadata.PackageNotFoundError:
        return "unknown"


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


def _staging_dir(prefix: str) -> Path:
    """A private temporary directory inside the data directory (mode 0700), locked
    as in use until `_remove_staging`."""
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


def _remove_staging(path: Path) -> None:
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
    copying = _SQLiteTarget.copying()
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


def _read_only_uri(path: Path) -> str:
    return f"file:{urllib.parse.quote(str(path))}?mode=ro"


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# --- PostgreSQL tools ----------------------------------------------------------------

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
    named = os.environ.get("HABEAS_PG_BIN", "")
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
    db = settings.DATABASES["default"]
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


def _first_error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error" in line.lower() or "fatal" in line.lower():
            return line
    return lines[0] if lines else "no message"


# --- backup --------------------------------------------------------------------------


@dataclass
class StoredFile:
    path: str  # relative, POSIX
    source: Path
    sha256: str
    size: int


@dataclass
class Snapshot:
    member: str
    path: Path
    migrations: dict[str, str]
    audit: dict[str, Any]


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
        src = sqlite3.connect(_read_only_uri(source), uri=True, timeout=20)
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
    from habeas.audit.models import GENESIS

    if head is None:
        return {"entries": 0, "head": GENESIS}
    return {"entries": int(head[0]), "head": str(head[1])}


def _snapshot_postgresql(staging: Path) -> Snapshot:
    import psycopg

    target = staging / DATABASE_MEMBERS["postgresql"]
    pg_dump = pg_tool("pg_dump")
    params = connection.get_connection_params()
    try:
        conn = psycopg.connect(**params)
    except psycopg.Error as exc:
        raise BackupError(
            f"Cannot connect to the database: {_first_error_line(str(exc))}"
        ) from None
    try:
        # Export a snapshot, read the migrations and the audit head in it, and
        # have pg_dump dump exactly that snapshot while this transaction lasts.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            cursor.execute(
                "SELECT to_regclass('django_migrations') IS NOT NULL, "
                "to_regclass('audit_audithead') IS NOT NULL"
            )
            has_migrations, has_audit = cursor.fetchone()
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
            raise BackupError(f"pg_dump failed: {_first_error_line(result.stderr)}")
    except psycopg.Error as exc:
        raise BackupError(f"Reading the database failed: {_first_error_line(str(exc))}") from None
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
                sha256, size = _sha256_file(path)
            except OSError as exc:
                raise BackupError(f"Cannot read the stored file {path}: {exc.strerror}.") from None
            found.append(StoredFile(path=relative, source=path, sha256=sha256, size=size))
    return found, skipped


class _HashingReader:
    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path, sha256: str, size: int) -> None:
    changed = BackupError(
        f"The stored file {name} changed while the backup was made; run the backup again."
    )
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size != size:
                raise changed
            info = tarfile.TarInfo(name)
            info.size = size
            info.mode = 0o600
            info.mtime = int(os.fstat(handle.fileno()).st_mtime)
            reader = _HashingReader(handle)
            tar.addfile(info, reader)
    except FileNotFoundError:
        raise changed from None
    if reader.digest.hexdigest() != sha256:
        raise changed


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _run_beside(
    work: Callable[[], None], cleanup: Callable[[], None]
) -> tuple[threading.Thread, list]:
    """Run `work` in a thread, then `cleanup` (closing its end of a pipe); collect
    its exception instead of losing it."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            with contextlib.suppress(OSError):
                cleanup()

    thread = threading.Thread(target=run, name="habeas-backup-pipe", daemon=True)
    thread.start()
    return thread, errors


def _write_archive(
    ring: KeyRing, out: BinaryIO, manifest: dict, snapshot: Snapshot, files: list[StoredFile]
) -> None:
    """tar (gzip) → pipe → encrypt_stream → out; nothing plain touches the disk."""
    read_fd, write_fd = os.pipe()
    reader = os.fdopen(read_fd, "rb")
    writer = os.fdopen(write_fd, "wb")

    def produce() -> None:
        with tarfile.open(fileobj=writer, mode="w|gz", format=tarfile.PAX_FORMAT) as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))
            db = manifest["database"]
            _add_file(tar, snapshot.member, snapshot.path, db["sha256"], db["size"])
            for stored in files:
                _add_file(
                    tar, FILES_PREFIX + stored.path, stored.source, stored.sha256, stored.size
                )

    thread, errors = _run_beside(produce, writer.close)
    try:
        encrypt_stream(ring, reader, out, ARCHIVE_AAD)
    finally:
        reader.close()  # if encryption failed, the writer gets a broken pipe and stops
        thread.join()
    if errors:
        # The encrypted stream ended early but well-formed: the caller discards it.
        raise errors[0]


def create_backup(target: Path | str, *, force: bool = False) -> BackupResult:
    """Write an encrypted backup of the database and the stored files to `target`."""
    from habeas.audit.services import audit_record

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
    staging = _staging_dir(".backup-")
    try:
        # The database first, then the files: a file is stored before the row that
        # names it is committed, so every file the snapshot names is there.
        snapshot = (_snapshot_sqlite if vendor == "sqlite" else _snapshot_postgresql)(staging)
        files, skipped = _stored_files(files_dir())
        db_sha256, db_size = _sha256_file(snapshot.path)
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
                _write_archive(ring, out, manifest, snapshot, files)
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
        _remove_staging(staging)
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


# --- restore -------------------------------------------------------------------------


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


def _archive_key_id(handle: BinaryIO, name: str) -> str:
    try:
        key_id = stream_key_id(handle)
    except DecryptionError:
        raise BackupError(f"{name} is not a Habeas backup.") from None
    handle.seek(0)
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise BackupError(DAMAGED.format(name=name))
    return key_id


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


def _safe_relative(path: object) -> str:
    if not isinstance(path, str) or not path or "\x00" in path or "\\" in path:
        raise BackupError("The backup's manifest is damaged (a stored file has a bad name).")
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part in ("", ".", "..") for part in path.split("/")):
        raise BackupError("The backup's manifest is damaged (a stored file has a bad name).")
    return path


def _check_manifest(raw: bytes, vendor: str) -> dict:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        raise BackupError("This is not a Habeas backup (its manifest is missing or unreadable).")
    version = manifest.get("format")
    if not isinstance(version, int) or version < 1:
        raise BackupError("The backup's manifest is damaged (no format version).")
    if version > FORMAT:
        raise BackupError(
            f"This backup was made by a newer Habeas ({manifest.get('habeas_version', '?')}, "
            f"backup format {version}; this version reads format {FORMAT}): restore it with "
            "that version or a newer one."
        )
    try:
        database = manifest["database"]
        backup_vendor = database["vendor"]
        if database["member"] != DATABASE_MEMBERS.get(backup_vendor):
            raise KeyError("member")
        for entry in [database, *manifest["files"]]:
            if not (isinstance(entry["sha256"], str) and isinstance(entry["size"], int)):
                raise KeyError("sha256")
        for entry in manifest["files"]:
            _safe_relative(entry["path"])
        entries, head = manifest["audit"]["entries"], manifest["audit"]["head"]
        if not (isinstance(entries, int) and isinstance(head, str)):
            raise KeyError("audit")
        migrations = manifest["migrations"]
        if not isinstance(migrations, dict):
            raise KeyError("migrations")
    except (KeyError, TypeError):
        raise BackupError("The backup's manifest is damaged.") from None
    if backup_vendor != vendor:
        shown = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"This backup is of a {shown.get(backup_vendor, backup_vendor)} database, but "
            f"Habeas is configured for {shown.get(vendor, vendor)} (HABEAS_DATABASE_URL): "
            "restore it into the same kind of database."
        )
    from django.db.migrations.loader import MigrationLoader

    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    for app, name in sorted(migrations.items()):
        if (app, name) not in known:
            raise BackupError(
                f"This backup was made by a newer Habeas ({manifest.get('habeas_version', '?')}: "
                f"its database has migration {app}.{name}, which this version does not know): "
                "upgrade Habeas first."
            )
    return manifest


def _extract_member(
    tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path, sha256: str, size: int
) -> None:
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    source = tar.extractfile(member)
    digest, written = hashlib.sha256(), 0
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
            written += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.utime(dest, (member.mtime, member.mtime))
    if written != size or digest.hexdigest() != sha256:
        label = "the database" if not member.name.startswith(FILES_PREFIX) else member.name
        raise BackupError(
            f"In the backup, {label} does not match its SHA-256 hash in the manifest: "
            "the backup is damaged. Nothing was restored."
        )


def _read_tar(stream: BinaryIO, staging: Path, vendor: str) -> dict:
    with tarfile.open(fileobj=stream, mode="r|gz") as tar:
        members = iter(tar)
        first = next(members, None)
        if first is None or first.name != MANIFEST or not first.isfile():
            raise BackupError("This is not a Habeas backup (it has no manifest).")
        if first.size > MANIFEST_MAX_BYTES:
            raise BackupError("The backup's manifest is damaged (too large).")
        manifest = _check_manifest(tar.extractfile(first).read(), vendor)
        database = manifest["database"]
        expected = {database["member"]: (database["sha256"], database["size"])}
        for entry in manifest["files"]:
            expected[FILES_PREFIX + entry["path"]] = (entry["sha256"], entry["size"])
        seen: set[str] = set()
        for member in members:
            if member.name not in expected or member.name in seen or not member.isfile():
                raise BackupError(
                    f"The backup holds an entry its manifest does not list ({member.name!r}): "
                    "it is damaged. Nothing was restored."
                )
            seen.add(member.name)
            _extract_member(tar, member, staging / member.name, *expected[member.name])
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(
                f"The backup lacks {missing[0]!r}, which its manifest lists: it is damaged. "
                "Nothing was restored."
            )
    # Read to the end: only then has the decryption verified the final chunk.
    while stream.read(STREAM_CHUNK):
        pass
    return manifest


def _decrypt_and_extract(
    ring: KeyRing, handle: BinaryIO, name: str, staging: Path, vendor: str
) -> dict:
    read_fd, write_fd = os.pipe()
    reader = os.fdopen(read_fd, "rb")
    writer = os.fdopen(write_fd, "wb")
    thread, errors = _run_beside(
        lambda: decrypt_stream(ring, handle, writer, ARCHIVE_AAD), writer.close
    )
    failure: BaseException | None = None
    manifest: dict = {}
    try:
        manifest = _read_tar(reader, staging, vendor)
    except (tarfile.TarError, EOFError, zlib.error, OSError, BackupError) as exc:
        failure = exc
    finally:
        reader.close()  # a decryption still writing gets a broken pipe and stops
        thread.join()
    decryption = next((e for e in errors if not isinstance(e, BrokenPipeError)), None)
    if isinstance(decryption, DecryptionError):
        raise BackupError(DAMAGED.format(name=name))
    if decryption is not None:
        raise decryption
    if isinstance(failure, BackupError):
        raise failure
    if (
        isinstance(failure, OSError)
        and not isinstance(failure, tarfile.TarError)
        and (failure.filename is not None or failure.errno is not None)
    ):
        raise BackupError(
            f"Restoring failed while writing to {settings.DATA_DIR}: {failure.strerror or failure}."
        )
    if failure is not None:
        raise BackupError(DAMAGED.format(name=name))
    return manifest


class _SQLiteTarget:
    def __init__(self) -> None:
        self.path = Path(settings.DATABASES["default"]["NAME"])
        self.placed = False

    @staticmethod
    def copying() -> Path:
        """The database being copied into place: a full plain copy until renamed."""
        name = Path(settings.DATABASES["default"]["NAME"])
        return name.with_name(name.name + ".restoring")

    def sidecars(self) -> list[Path]:
        return [self.path.with_name(self.path.name + s) for s in SQLITE_SIDECARS]

    def check_empty(self) -> None:
        if not self.path.exists():
            return
        try:
            db = sqlite3.connect(_read_only_uri(self.path), uri=True)
            try:
                tables = db.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                ).fetchone()[0]
            finally:
                db.close()
        except sqlite3.Error:
            raise BackupError(
                f"{self.path} exists and is not an empty database: restore needs an empty "
                "data directory. Use a new HABEAS_DATA_DIR, or move that file away first."
            ) from None
        if tables:
            raise BackupError(
                f"The data directory already has a database ({self.path}, {tables} tables): "
                "restore needs an empty data directory. Use a new HABEAS_DATA_DIR, or move "
                "that file away first."
            )

    def place(self, source: Path) -> None:
        for sidecar in self.sidecars():  # of the empty database it replaces
            sidecar.unlink(missing_ok=True)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.copying()
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o600)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        fsync_dir(self.path.parent)
        self.placed = True

    def undo(self) -> str:
        connections.close_all()
        if self.placed:
            for path in [self.path, *self.sidecars()]:
                path.unlink(missing_ok=True)
        self.copying().unlink(missing_ok=True)
        return "The restored database was removed again; the data directory is as it was."

    def discard_interrupted(self, interrupted: str) -> None:
        """Remove what a restore killed half-way placed (Habeas has not run on it since:
        it refuses to start while the restore's marker is there)."""
        self.placed = True
        self.undo()


class _PostgreSQLTarget:
    def __init__(self) -> None:
        self.name = settings.DATABASES["default"]["NAME"]
        self.placed = False

    def check_empty(self) -> None:
        try:
            with connection.cursor() as cursor:
                tables = connection.introspection.table_names(cursor)
        except DatabaseError as exc:
            raise BackupError(
                f"Cannot reach the database {self.name}: {_first_error_line(str(exc))}"
            ) from None
        if tables:
            raise BackupError(
                f"The database {self.name} already has {len(tables)} tables: restore needs an "
                "empty database. Create one (createdb --owner ROLE NEW_NAME) and point "
                "HABEAS_DATABASE_URL at it, or drop and re-create this one."
            )

    def place(self, source: Path) -> None:
        pg_restore = pg_tool("pg_restore")
        connections.close_all()
        result = subprocess.run(  # noqa: S603 (fixed program, no shell, no secrets in argv)
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={self.name}",
                str(source),
            ],
            env=pg_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(
                f"pg_restore failed: {_first_error_line(result.stderr)} The database "
                f"{self.name} was left as it was (the restore runs in one transaction)."
            )
        self.placed = True

    def undo(self) -> str:
        connections.close_all()
        if not self.placed:
            return f"The database {self.name} was left as it was."
        return (
            f"The database {self.name} now holds the restored data but must not be used: "
            "drop it and create it empty again (dropdb, createdb) before another try."
        )

    def discard_interrupted(self, interrupted: str) -> None:
        try:
            self.check_empty()
        except BackupError:
            raise BackupError(
                f"{interrupted} The database {self.name} may hold part of it and must not be "
                "used: drop it and create it empty again (dropdb, createdb), then run "
                "`habeas restore` again."
            ) from None


class _FilesTarget:
    def __init__(self) -> None:
        self.path = files_dir()
        self.placed = False

    def check_empty(self) -> None:
        if self.path.is_dir() and any(self.path.iterdir()):
            raise BackupError(
                f"{self.path} is not empty: restore needs an empty data directory. Use a new "
                "HABEAS_DATA_DIR, or move that directory away first."
            )
        if self.path.exists() and not self.path.is_dir():
            raise BackupError(f"{self.path} is in the way: it should be a directory.")

    def place(self, source: Path) -> None:
        if not source.is_dir():
            return
        if self.path.is_dir():
            self.path.rmdir()  # empty, checked above
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            os.replace(source, self.path)
        except OSError:  # another file system: copy instead
            shutil.copytree(source, self.path)
        self.placed = True

    def undo(self) -> None:
        if self.placed:
            shutil.rmtree(self.path, ignore_errors=True)

    def discard_interrupted(self) -> None:
        self.placed = True
        self.undo()


# --- an interrupted restore ------------------------------------------------------------

# Written before a restore places anything, locked (flock) while it runs, removed
# when it has finished. Left behind, it means the restore's process died half-way:
# the data directory may hold part of the backup, so Habeas does not start
# (habeas.core.checks) until `habeas restore` is run again, which clears that part
# away and starts afresh.
RESTORE_MARKER = "restore-in-progress.json"


@dataclass
class UnfinishedRestore:
    backup: str
    started_at: str
    running: bool

    def describe(self) -> str:
        if self.running:
            return (
                f"A restore into {settings.DATA_DIR} is running (of {self.backup}, "
                f"started {self.started_at})."
            )
        return (
            f"A restore into {settings.DATA_DIR} was interrupted (of {self.backup}, "
            f"started {self.started_at}): the data there is incomplete."
        )

    def what_to_do(self) -> str:
        if self.running:
            return "Wait for it to finish."
        return (
            f"Run `habeas restore {shlex.quote(self.backup)}` again: it clears away what the "
            "interrupted one placed and starts afresh."
        )


def unfinished_restore() -> UnfinishedRestore | None:
    """The restore that is running on this data directory, or was killed half-way."""
    try:
        fd = os.open(Path(settings.DATA_DIR) / RESTORE_MARKER, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError:
        return UnfinishedRestore(backup="?", started_at="?", running=False)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            running = False
        except BlockingIOError:
            running = True
        raw = os.read(fd, 64 * 1024)
    finally:
        os.close(fd)
    try:
        info = json.loads(raw)
        backup, started_at = str(info["backup"]), str(info["started_at"])
    except (ValueError, TypeError, KeyError):
        backup, started_at = "?", "?"
    return UnfinishedRestore(backup=backup, started_at=started_at, running=running)


def _mark_restoring(source: Path, *, replacing: bool) -> int:
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


def _unmark_restoring(fd: int) -> None:
    (Path(settings.DATA_DIR) / RESTORE_MARKER).unlink(missing_ok=True)
    os.close(fd)


def _discard_unfinished_restore(database: Any, stored: _FilesTarget) -> str:
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
    from django.core.management import call_command

    from habeas.audit.services import ChainBroken, audit_head, audit_record, audit_verify

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
        key_id = _archive_key_id(handle, str(source))
        if key_id not in ring.keys:
            raise _key_missing(key_id, ring)
        database = _SQLiteTarget() if vendor == "sqlite" else _PostgreSQLTarget()
        stored = _FilesTarget()
        resumed = _discard_unfinished_restore(database, stored)
        database.check_empty()
        stored.check_empty()
        marker = _mark_restoring(source, replacing=bool(resumed))
        staging = _staging_dir(".restore-")
        try:
            manifest = _decrypt_and_extract(ring, handle, str(source), staging, vendor)
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
            _unmark_restoring(marker)  # undone, or nothing placed: nothing to clear away
            raise
        finally:
            _remove_staging(staging)
    audit_record(
        action="backup.restore",
        detail={
            "entries": manifest["audit"]["entries"],
            "files": len(manifest["files"]),
            "backup_created_at": manifest.get("created_at", ""),
            "key": key_id,
        },
    )
    _unmark_restoring(marker)
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


def _undone(message: str, database: Any, stored: _FilesTarget) -> BackupError:
    stored.undo()
    state = database.undo()
    return BackupError(f"{message} {state}")


def _pending_migrations() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _key_messages() -> list[str]:
    """What the key checks say about the restored data (a retired key missing from
    the ring, say): the data is restored faithfully, the operator must add keys."""
    from django.core import checks

    from habeas.core.checks import check_encryption_keys

    return [
        f"{m.msg} {m.hint or ''}".strip()
        for m in check_encryption_keys()
        if m.level >= checks.ERROR
    ]
