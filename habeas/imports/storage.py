"""Uploaded files waiting for their import: `<files dir>/imports/<public_id>.upload`,
sealed with habeas.lib.crypto's stream encryption and bound to the upload's public
id (a file moved onto another upload does not decrypt), as evidence is stored.

A spreadsheet of cases holds names, places and dates of people a State is hiding:
it never rests in plain text, neither on disk nor in the database."""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from pathlib import Path
from uuid import UUID

from django.conf import settings

from habeas.lib.crypto import DecryptionError, decrypt_stream, encrypt_stream


class UploadGone(Exception):
    """The stored file is missing or no longer decrypts (its key was retired)."""


def store_dir() -> Path:
    path = Path(settings.HABEAS_FILES_DIR) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_of(public_id: UUID) -> Path:
    return store_dir() / f"{public_id}.upload"


def plan_path_of(public_id: UUID) -> Path:
    """Where the dry run's plan of the upload is kept (habeas.imports.kept)."""
    return store_dir() / f"{public_id}.plan"


def aad_of(public_id: UUID) -> bytes:
    return f"habeas.imports:{public_id}".encode("ascii")


def seal(data: bytes, public_id: UUID) -> None:
    """Encrypt `data` to its final name, through a temporary file: a crash leaves
    the whole file or nothing."""
    tmp = store_dir() / f".tmp-{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as dst:
            encrypt_stream(settings.HABEAS_KEYRING, io.BytesIO(data), dst, aad_of(public_id))
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, path_of(public_id))
    finally:
        discard_path(tmp)


def open_plain(public_id: UUID) -> bytes:
    """The decrypted file, in memory only (plaintext on disk outlives the request)."""
    out = io.BytesIO()
    try:
        with open(path_of(public_id), "rb") as src:
            decrypt_stream(settings.HABEAS_KEYRING, src, out, aad_of(public_id))
    except FileNotFoundError:
        raise UploadGone("the stored file is missing") from None
    except DecryptionError as exc:
        raise UploadGone(str(exc)) from None
    return out.getvalue()


def discard_path(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def discard(public_id: UUID) -> None:
    """The upload's file and its kept plan."""
    discard_path(path_of(public_id))
    discard_path(plan_path_of(public_id))
