"""The backup file: its format, and writing and reading its encrypted tar stream.

What the archive holds is described in habeas/ops/backup/__init__.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
import threading
import urllib.parse
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from habeas.lib.crypto import (
    KEY_ID_PATTERN,
    STREAM_CHUNK,
    DecryptionError,
    KeyRing,
    decrypt_stream,
    encrypt_stream,
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


# What goes into the archive: the database snapshot, and each stored file.
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


def habeas_version() -> str:
    try:
        return metadata.version("habeas")
    except metadata.PackageNotFoundError:
        return "unknown"


def read_only_uri(path: Path) -> str:
    return f"file:{urllib.parse.quote(str(path))}?mode=ro"


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


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


def write_archive(
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


def archive_key_id(handle: BinaryIO, name: str) -> str:
    try:
        key_id = stream_key_id(handle)
    except DecryptionError:
        raise BackupError(f"{name} is not a Habeas backup.") from None
    handle.seek(0)
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise BackupError(DAMAGED.format(name=name))
    return key_id


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
    source = cast(IO[bytes], tar.extractfile(member))  # a regular file: the caller checked
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
        manifest = _check_manifest(cast(IO[bytes], tar.extractfile(first)).read(), vendor)
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


def decrypt_and_extract(
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
