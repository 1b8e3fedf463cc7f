"""Authenticated encryption of confidential values and files (Django-free).

Everything here is AES-256-GCM from the `cryptography` package; this module adds
only the framing: which key, which nonce, what the ciphertext is bound to.

Values (`encrypt` / `decrypt`) become ASCII tokens that fit a TEXT column::

    hv1$<key id>$<base64url(nonce || ciphertext || tag)>

- the nonce is 96 random bits, fresh for every encryption;
- the plaintext is UTF-8, padded to a multiple of 32 bytes (ISO/IEC 7816-4:
  0x80 then zeros) so that a token does not reveal the exact length of, say, a
  name;
- the associated data is the token's own header (`hv1$<key id>$`) followed by the
  caller's *binding* string. The database layer binds a value to its field and
  row, so a token copied to another row or column fails to decrypt.

`decrypt` raises `DecryptionError` whenever the value is not a token (plain text
in an encrypted column), names a key the ring does not hold, is bound to
something else, or was altered. It never returns the ciphertext or a guess.

Files and backups (`encrypt_stream` / `decrypt_stream`) are cut into 64 KiB
chunks, each sealed on its own so that a file of any size streams through
constant memory. The layout is::

    header: b"HVS" | version (1 byte) | key id length (1 byte) | key id | salt (32 bytes)
    chunks: AES-GCM(chunk) || tag, 65536 + 16 bytes each, the last one shorter or equal

Each file gets its own key, HKDF-SHA256(ring key, salt), so nonces never repeat
across files; chunk i's nonce is (i, final flag), and the AAD is the header, i,
the final flag and the caller's binding. Reordered, dropped, duplicated or
appended chunks, and a truncated file, therefore fail to decrypt (STREAM
construction, as in Tink's streaming AEAD).

Key rings are stored as JSON::

    {"version": 1, "active": "k2-5e1d0a",
     "keys": {"k1-0b93f4": {"key": "<base64 of 32 bytes>", "retired": true},
              "k2-5e1d0a": {"key": "<base64 of 32 bytes>"}}}

The active key encrypts; every key in the ring decrypts; retired keys are kept
only until nothing is encrypted under them any more (`habeas keys rotate`).

Keys for other purposes are derived from the ring keys with HKDF-SHA256 and a
purpose label (`KeyRing.derive`), so one key file serves them all and a derived
key reveals nothing of the key it came from. The audit log's MAC keys are derived
per ring key and recorded by key id in every entry. When a retired key is
dropped, its derived audit key stays in the file under "audit_keys" (it decrypts
nothing; it only lets entries sealed before the rotation be verified)::

    "audit_keys": {"k1-0b93f4": "<base64 of 32 bytes>"}

The ring also records the first audit entry that carries a MAC, once the log is
sealed (`"audit_sealed_from": 1`; written by the sealing migration). It is no
secret, but the database cannot change it: a log whose seal was stripped cannot
be sealed anew from a later entry, which would hide rewritten entries before it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import functools
import json
import os
import re
import secrets
import stat
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol, TypeGuard, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
TOKEN_PREFIX = "hv1$"  # noqa: S105 (a format marker, not a secret)
PAD_BLOCK = 32
# Key ids appear in tokens and file headers: short, and free of "$" and of SQL
# LIKE wildcards, so that they can be matched literally.
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9-]{1,32}")

AUDIT_PURPOSE = "audit-mac-v1"

STREAM_MAGIC = b"HVS"
STREAM_VERSION = 1
STREAM_SALT_BYTES = 32
STREAM_CHUNK = 64 * 1024


class CryptoError(Exception):
    """Base class. Messages never contain plaintext or key material."""


class DecryptionError(CryptoError):
    """A value or file could not be decrypted: it is plain text, damaged, bound to
    another record, or under a key the ring does not hold."""


class KeyRingError(CryptoError):
    """A key ring (JSON) is malformed or a key file cannot be used."""


# --- key rings -------------------------------------------------------------------


def new_key_id(number: int) -> str:
    """A key id, "k<number>-<6 random hex digits>".

    The number orders rotations for people; the random part keeps a key generated
    anew (say, after the key file was lost) from taking the id of the key the data
    was really encrypted under."""
    return f"k{number}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class KeyRing:
    """Key id → 32-byte key; `active` encrypts, all of them decrypt."""

    keys: Mapping[str, bytes] = field(repr=False)
    active: str
    retired: frozenset[str] = frozenset()
    # Audit MAC keys of ring keys that were dropped: verification of old entries only.
    audit_keys: Mapping[str, bytes] = field(default_factory=dict, repr=False)
    # The first audit entry sealed with a MAC (see the module docstring); None
    # until the sealing migration records it.
    audit_sealed_from: int | None = None

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyRingError("it holds no keys")
        for key_id, key in self.keys.items():
            if not KEY_ID_PATTERN.fullmatch(key_id):
                raise KeyRingError("key ids are 1 to 32 letters, digits or '-'")
            if not isinstance(key, bytes) or len(key) != KEY_BYTES:
                raise KeyRingError(f"key {key_id!r} is not {KEY_BYTES} bytes long")
        if self.active not in self.keys:
            raise KeyRingError(f"the active key {self.active!r} is not in it")
        if self.active in self.retired:
            raise KeyRingError(f"the active key {self.active!r} is marked retired")
        if not self.retired <= set(self.keys):
            raise KeyRingError("it marks as retired a key it does not hold")
        for key_id, key in self.audit_keys.items():
            if not KEY_ID_PATTERN.fullmatch(key_id) or len(key) != KEY_BYTES:
                raise KeyRingError(f"audit key {key_id!r} is malformed")
        sealed = self.audit_sealed_from
        if sealed is not None and (isinstance(sealed, bool) or not isinstance(sealed, int)):
            raise KeyRingError('"audit_sealed_from" is not a whole number')
        if sealed is not None and sealed < 1:
            raise KeyRingError('"audit_sealed_from" is not 1 or more')

    @classmethod
    def generate(cls, key_id: str | None = None) -> KeyRing:
        key_id = key_id or new_key_id(1)
        return cls(keys={key_id: secrets.token_bytes(KEY_BYTES)}, active=key_id)

    def rotated(self) -> KeyRing:
        """A ring with a new active key; the previous active key becomes retired."""
        numbers = (re.match(r"k(\d{1,9})(?:-|$)", k) for k in self.keys)
        new_id = new_key_id(1 + max((int(m.group(1)) for m in numbers if m), default=0))
        return KeyRing(
            keys={**self.keys, new_id: secrets.token_bytes(KEY_BYTES)},
            active=new_id,
            retired=self.retired | {self.active},
            audit_keys=self.audit_keys,
            audit_sealed_from=self.audit_sealed_from,
        )

    def without(self, key_ids: set[str]) -> KeyRing:
        """The ring less some retired keys (once nothing is encrypted under them)."""
        if self.active in key_ids:
            raise KeyRingError("the active key cannot be removed")
        # Their audit keys stay: entries sealed under them must remain verifiable.
        kept = {k: self.audit_key(k) for k in key_ids if k in self.keys}
        return KeyRing(
            keys={k: v for k, v in self.keys.items() if k not in key_ids},
            active=self.active,
            retired=self.retired - key_ids,
            audit_keys={**self.audit_keys, **kept},
            audit_sealed_from=self.audit_sealed_from,
        )

    def with_audit_sealed_from(self, entry_id: int) -> KeyRing:
        return dataclasses.replace(self, audit_sealed_from=entry_id)

    def derive(self, purpose: str, key_id: str | None = None) -> bytes:
        """A 32-byte key for `purpose`, derived from ring key `key_id` (the active
        key by default) with HKDF-SHA256. Different purposes give unrelated keys."""
        return _hkdf(self.key(key_id or self.active), b"habeas/" + purpose.encode("ascii"))

    def audit_key(self, key_id: str) -> bytes:
        """The MAC key of the audit log for entries sealed under `key_id`: derived
        from the ring key while the ring holds it, kept on its own once dropped."""
        if key_id in self.keys:
            return self.derive(AUDIT_PURPOSE, key_id)
        if key_id in self.audit_keys:
            return self.audit_keys[key_id]
        return self.key(key_id)  # raises, naming the missing key

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            shown = repr(key_id) if KEY_ID_PATTERN.fullmatch(key_id) else "(malformed)"
            raise DecryptionError(
                f"encrypted under key {shown}, which is not in the key ring"
            ) from None

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        try:
            data = json.loads(text)
        except (ValueError, TypeError):
            raise KeyRingError("it is not JSON") from None
        if not isinstance(data, dict) or data.get("version") != 1:
            raise KeyRingError('it does not say "version": 1')
        entries = data.get("keys")
        if not isinstance(entries, dict):
            raise KeyRingError('it has no "keys" object')
        keys: dict[str, bytes] = {}
        retired: set[str] = set()
        for key_id, entry in entries.items():
            raw = entry.get("key") if isinstance(entry, dict) else None
            try:
                keys[key_id] = base64.b64decode(raw or "", validate=True)
            except (binascii.Error, ValueError, TypeError):
                raise KeyRingError(f"key {key_id!r} is not base64") from None
            flag = entry.get("retired", False)
            if not isinstance(flag, bool):
                raise KeyRingError(f'key {key_id!r}: "retired" must be true or false')
            if flag:
                retired.add(key_id)
        active = data.get("active")
        if not isinstance(active, str):
            raise KeyRingError('it does not name its "active" key')
        audit_keys: dict[str, bytes] = {}
        stored = data.get("audit_keys", {})
        if not isinstance(stored, dict):
            raise KeyRingError('"audit_keys" is not an object')
        for key_id, raw in stored.items():
            try:
                audit_keys[key_id] = base64.b64decode(raw or "", validate=True)
            except (binascii.Error, ValueError, TypeError):
                raise KeyRingError(f"audit key {key_id!r} is not base64") from None
        return cls(
            keys=keys,
            active=active,
            retired=frozenset(retired),
            audit_keys=audit_keys,
            audit_sealed_from=data.get("audit_sealed_from"),
        )

    def to_json(self) -> str:
        entries: dict[str, dict[str, object]] = {}
        for key_id, key in self.keys.items():
            entries[key_id] = {"key": base64.b64encode(key).decode("ascii")}
            if key_id in self.retired:
                entries[key_id]["retired"] = True
        data: dict[str, object] = {"version": 1, "active": self.active, "keys": entries}
        if self.audit_keys:
            data["audit_keys"] = {
                k: base64.b64encode(v).decode("ascii") for k, v in self.audit_keys.items()
            }
        if self.audit_sealed_from is not None:
            data["audit_sealed_from"] = self.audit_sealed_from
        return json.dumps(data, indent=2) + "\n"


@functools.lru_cache(maxsize=64)
def _hkdf(key: bytes, info: bytes) -> bytes:
    # Cached: `habeas audit verify` needs the audit key once per entry.
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(key)


def read_key_file(path: Path) -> KeyRing:
    """Load a key file, refusing one that other users could read or change."""
    try:
        mode = path.stat().st_mode
        if stat.S_IMODE(mode) & 0o077:
            raise KeyRingError(
                f"the key file {path} is open to other users (mode "
                f"{stat.S_IMODE(mode):04o}); run: chmod 600 {path}"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyRingError(f"the key file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not text"
        raise KeyRingError(f"cannot read the key file {path}: {reason}") from None
    try:
        return KeyRing.from_json(text)
    except KeyRingError as exc:
        raise KeyRingError(f"the key file {path} is damaged: {exc}") from None


def write_key_file(path: Path, ring: KeyRing, *, replace: bool = True) -> bool:
    """Write `ring` to `path` with mode 0600, atomically: a crash leaves the old file
    or the new one, never half of one. With replace=False an existing file is kept
    (and False returned), so that two processes starting at once agree on one ring.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(ring.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the file exists: create-if-absent, atomically
            except FileExistsError:
                return False
        fsync_dir(path.parent)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable (best effort)."""
    with contextlib.suppress(OSError):  # not every file system lets a directory be synced
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- values ------------------------------------------------------------------------


def _pad(data: bytes) -> bytes:
    data += b"\x80"
    return data + b"\x00" * (-len(data) % PAD_BLOCK)


def _unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise DecryptionError("the encrypted value is damaged")
    return stripped[:-1]


def encrypt(ring: KeyRing, plaintext: str, aad: str) -> str:
    """Seal `plaintext` under the active key, bound to `aad`."""
    header = f"{TOKEN_PREFIX}{ring.active}$"
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(ring.key(ring.active)).encrypt(
        nonce, _pad(plaintext.encode("utf-8")), (header + aad).encode("utf-8")
    )
    return header + base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")


def is_token(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def key_id_of(token: str) -> str:
    """The id of the key a token was sealed under (DecryptionError if not a token)."""
    if not is_token(token) or token.count("$") != 2:
        raise DecryptionError("the value is not encrypted")
    return token.split("$")[1]


def decrypt(ring: KeyRing, token: str, aad: str) -> str:
    """Open a token sealed by `encrypt` with the same `aad`, or raise DecryptionError."""
    key_id = key_id_of(token)
    key = ring.key(key_id)
    body = token.split("$")[2]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("the encrypted value is damaged") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("the encrypted value is damaged")
    header = f"{TOKEN_PREFIX}{key_id}$"
    try:
        padded = AESGCM(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], (header + aad).encode("utf-8")
        )
    except InvalidTag:
        raise DecryptionError(
            "the encrypted value was altered or belongs to another record"
        ) from None
    return _unpad(padded).decode("utf-8")


def reencrypt(ring: KeyRing, token: str, aad: str) -> str:
    """The same value sealed under the active key (unchanged if it already is)."""
    if key_id_of(token) == ring.active:
        decrypt(ring, token, aad)  # still verify: never pass on a damaged value
        return token
    return encrypt(ring, decrypt(ring, token, aad), aad)


# --- streams (evidence files, backups) ---------------------------------------------


def _file_key(ring_key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"habeas stream v1")
    return AESGCM(hkdf.derive(ring_key))


def _chunk_nonce_and_aad(header: bytes, index: int, final: bool, aad: bytes) -> tuple[bytes, bytes]:
    position = struct.pack(">QI", index, int(final))
    return position, header + position + aad


def _read_full(src: BinaryIO, size: int) -> bytes:
    """Read exactly `size` bytes unless the stream ends first (pipes may return less)."""
    parts, wanted = [], size
    while wanted:
        part = src.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


class Writer(Protocol):
    """Where decrypted bytes go: a file, or a sink that hashes what passes."""

    def write(self, data: bytes, /) -> int: ...


def _seal_chunks(ring: KeyRing, chunks: Iterator[bytes], dst: BinaryIO, aad: bytes) -> None:
    key_id = ring.active.encode("ascii")
    salt = secrets.token_bytes(STREAM_SALT_BYTES)
    header = STREAM_MAGIC + bytes([STREAM_VERSION, len(key_id)]) + key_id + salt
    cipher = _file_key(ring.key(ring.active), salt)
    dst.write(header)
    index = 0
    current = next(chunks, b"")
    while True:
        following = next(chunks, None)  # one chunk of look-ahead tells which is final
        final = following is None
        nonce, chunk_aad = _chunk_nonce_and_aad(header, index, final, aad)
        dst.write(cipher.encrypt(nonce, current, chunk_aad))
        if final:
            return
        current, index = cast(bytes, following), index + 1  # not final: not None


def _open_chunks(ring: KeyRing, src: BinaryIO, aad: bytes) -> Iterator[bytes]:
    start = _read_full(src, len(STREAM_MAGIC) + 2)
    if len(start) < len(STREAM_MAGIC) + 2 or not start.startswith(STREAM_MAGIC):
        raise DecryptionError("the file is not an encrypted Habeas file")
    if start[len(STREAM_MAGIC)] != STREAM_VERSION:
        raise DecryptionError("the encrypted file has an unknown format version")
    key_id_bytes = _read_full(src, start[-1])
    salt = _read_full(src, STREAM_SALT_BYTES)
    if len(key_id_bytes) != start[-1] or len(salt) != STREAM_SALT_BYTES:
        raise DecryptionError("the encrypted file is truncated")
    try:
        key_id = key_id_bytes.decode("ascii")
    except UnicodeDecodeError:
        raise DecryptionError("the encrypted file is damaged") from None
    header = start + key_id_bytes + salt
    cipher = _file_key(ring.key(key_id), salt)
    index = 0
    current = _read_full(src, STREAM_CHUNK + TAG_BYTES)
    while True:
        following = _read_full(src, STREAM_CHUNK + TAG_BYTES)
        final = not following
        nonce, chunk_aad = _chunk_nonce_and_aad(header, index, final, aad)
        try:
            plain = cipher.decrypt(nonce, current, chunk_aad)
        except InvalidTag:
            raise DecryptionError(
                "the encrypted file was altered, truncated or belongs to another record"
            ) from None
        yield plain
        if final:
            return
        current, index = following, index + 1


def _plain_chunks(src: BinaryIO) -> Iterator[bytes]:
    while chunk := _read_full(src, STREAM_CHUNK):
        yield chunk


def encrypt_stream(ring: KeyRing, src: BinaryIO, dst: BinaryIO, aad: bytes) -> None:
    """Encrypt everything readable from `src` into `dst` under the active key."""
    _seal_chunks(ring, _plain_chunks(src), dst, aad)


def decrypt_stream(ring: KeyRing, src: BinaryIO, dst: Writer, aad: bytes) -> None:
    """Decrypt `src` into `dst`, or raise DecryptionError.

    Chunks are written as they are verified, so truncation is only known at the
    end: on an exception, discard whatever was written to `dst`.
    """
    for chunk in _open_chunks(ring, src, aad):
        dst.write(chunk)


def reencrypt_stream(ring: KeyRing, src: BinaryIO, dst: BinaryIO, aad: bytes) -> None:
    """Rotation hook for stored files: `src` (under any key of the ring) re-sealed
    into `dst` under the active key. As with decrypt_stream, keep `dst` only if
    this returns; then replace the old file with it atomically."""
    _seal_chunks(ring, _open_chunks(ring, src, aad), dst, aad)


def stream_key_id(src: BinaryIO) -> str:
    """The id of the key an encrypted file was sealed under (reads the header only)."""
    start = _read_full(src, len(STREAM_MAGIC) + 2)
    if len(start) < len(STREAM_MAGIC) + 2 or not start.startswith(STREAM_MAGIC):
        raise DecryptionError("the file is not an encrypted Habeas file")
    return _read_full(src, start[-1]).decode("ascii", errors="replace")
