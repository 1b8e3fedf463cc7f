"""The evidence store: `<DATA_DIR>/files/evidence/<public_id>.<copy>`, each file
sealed with habeas.lib.crypto's stream encryption, bound to its item's public id
and copy name, so that a file moved onto another item does not decrypt.

Files are written to a temporary name in the same directory, synced, then renamed:
a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from habeas.core.encryption import table_exists
from habeas.lib.crypto import (
    DecryptionError,
    KeyRing,
    decrypt_stream,
    encrypt_stream,
    reencrypt_stream,
    stream_key_id,
)

from .models import CustodyEvent, EvidenceItem

log = logging.getLogger(__name__)

ORIGINAL = "original"
WORKING = "working"


def store_dir() -> Path:
    # Under the root `habeas backup` saves (settings.HABEAS_FILES_DIR).
    path = Path(settings.HABEAS_FILES_DIR) / "evidence"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_of(public_id, copy: str) -> Path:
    return store_dir() / f"{public_id}.{copy}"


def aad_of(public_id, copy: str) -> bytes:
    return f"habeas.evidence:{public_id}:{copy}".encode("ascii")


def _tmp_path() -> Path:
    return store_dir() / f".tmp-{secrets.token_hex(8)}"


def seal_to_tmp(src: BinaryIO, public_id, copy: str, ring: KeyRing | None = None) -> Path:
    """Encrypt `src` into a temporary file of the store; the caller renames it with
    `commit_tmp` once the database rows exist, or removes it with `discard`."""
    tmp = _tmp_path()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as dst:
            encrypt_stream(ring or settings.HABEAS_KEYRING, src, dst, aad_of(public_id, copy))
            dst.flush()
            os.fsync(dst.fileno())
    except BaseException:
        discard(tmp)
        raise
    return tmp


def commit_tmp(tmp: Path, public_id, copy: str) -> Path:
    final = path_of(public_id, copy)
    os.replace(tmp, final)
    return final


def discard(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


@dataclass
class Digest:
    size: int
    sha256: str
    sha512: str


class HashingWriter:
    """Counts and hashes what is written through it (SHA-256 and SHA-512), passing
    it on to `dst` if there is one: a file is hashed as it streams, never re-read."""

    def __init__(self, dst: BinaryIO | None) -> None:
        self.dst, self.size = dst, 0
        self.sha256, self.sha512 = hashlib.sha256(), hashlib.sha512()

    def write(self, chunk: bytes) -> int:
        self.size += len(chunk)
        self.sha256.update(chunk)
        self.sha512.update(chunk)
        if self.dst is not None:
            self.dst.write(chunk)
        return len(chunk)

    def digest(self) -> Digest:
        return Digest(self.size, self.sha256.hexdigest(), self.sha512.hexdigest())


def digest_chunks(chunks: Iterable[bytes]) -> Digest:
    writer = HashingWriter(None)
    for chunk in chunks:
        writer.write(chunk)
    return writer.digest()


class FileDamaged(Exception):
    """The stored file is missing, cannot be decrypted, or its hash changed."""


def open_plain(public_id, copy: str, *, expect_sha256: str) -> io.BytesIO:
    """The decrypted copy, in memory, checked against its recorded hash before
    anything is handed out; FileDamaged otherwise.

    In memory, never in a temporary file: plaintext evidence on disk outlives the
    request (in free blocks, in backups of /tmp, on a seized disk). Files are
    bounded by the upload limit, HABEAS_EVIDENCE_MAX_BYTES."""
    out = io.BytesIO()
    writer = HashingWriter(out)
    try:
        with open(path_of(public_id, copy), "rb") as src:
            decrypt_stream(settings.HABEAS_KEYRING, src, writer, aad_of(public_id, copy))
    except FileNotFoundError:
        raise FileDamaged("the stored file is missing") from None
    except DecryptionError as exc:
        raise FileDamaged(str(exc)) from None
    if writer.digest().sha256 != expect_sha256:
        raise FileDamaged("the stored file's hash no longer matches the one recorded")
    out.seek(0)
    return out


def check(public_id, copy: str, *, sha256: str, sha512: str = "") -> str:
    """'' if the stored copy decrypts to the recorded hashes, else why not."""
    writer = HashingWriter(None)
    try:
        with open(path_of(public_id, copy), "rb") as src:
            decrypt_stream(settings.HABEAS_KEYRING, src, writer, aad_of(public_id, copy))
    except FileNotFoundError:
        return "the stored file is missing"
    except DecryptionError as exc:
        return str(exc)
    digest = writer.digest()
    if digest.sha256 != sha256 or (sha512 and digest.sha512 != sha512):
        return "the hash no longer matches the one recorded"
    return ""


def reencrypt_file(ring: KeyRing, public_id, copy: str) -> bool:
    """Re-seal one stored file under the active key; False if it already was."""
    path = path_of(public_id, copy)
    with open(path, "rb") as src:
        if stream_key_id(src) == ring.active:
            return False
    tmp = _tmp_path()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as dst, open(path, "rb") as src:
            reencrypt_stream(ring, src, dst, aad_of(public_id, copy))
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, path)
    finally:
        discard(tmp)
    return True


def reencrypt_all(ring: KeyRing) -> tuple[int, list[str]]:
    """The `habeas keys rotate` hook (FILE_REENCRYPTORS): every stored evidence file
    re-sealed under the active key. Damaged or missing files are left as they are,
    and returned by name so that the command fails (`habeas evidence verify` says
    what is wrong with each)."""
    done, failed = 0, []
    for item in EvidenceItem.objects.only("pk", "public_id", "working_sha256").iterator():
        copies = [ORIGINAL] + ([WORKING] if item.working_sha256 else [])
        changed = False
        for copy in copies:
            try:
                if reencrypt_file(ring, item.public_id, copy):
                    done += 1
                    changed = True
            except (OSError, DecryptionError):
                log.warning("evidence %s %s could not be re-encrypted", item.public_id, copy)
                failed.append(f"evidence {item.public_id} {copy}")
        if changed:
            CustodyEvent.objects.create(
                item=item, action=CustodyEvent.Action.REENCRYPT, note=f"key {ring.active}"
            )
    return done, failed


def key_ids_in_use() -> set[str]:
    """The keys the stored files of evidence items are sealed under (read from the
    files' headers). A file that cannot be read is logged; `habeas evidence
    verify` names it."""
    if not table_exists(EvidenceItem):
        return set()  # a database not migrated yet holds no files
    used: set[str] = set()
    for item in EvidenceItem.objects.only("public_id", "working_sha256").iterator():
        for copy in [ORIGINAL] + ([WORKING] if item.working_sha256 else []):
            try:
                with open(path_of(item.public_id, copy), "rb") as handle:
                    used.add(stream_key_id(handle))
            except (OSError, DecryptionError):
                log.warning("evidence %s %s: unreadable", item.public_id, copy)
    return used
