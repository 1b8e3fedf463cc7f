"""The audit log's keyed MACs (HMAC-SHA-256), over entries, the head and exports.

The hash chain alone proves order and completeness only against someone who
cannot recompute SHA-256, that is, against no one. The MACs are made with a key
derived from the key ring (`KeyRing.audit_key`), which lives in keys.json or
HABEAS_KEYS, never in the database: whoever can write to the database but does
not hold the key file can neither rewrite an entry, append one, nor move the
head back. Each sealed entry and the head record the id of the ring key their
MAC was made with, so entries sealed before a key rotation stay verifiable.

Every MAC covers a purpose label first ("entry", "head", "export"), so a MAC of
one kind can never be passed off as another.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any, cast

from django.conf import settings

from habeas.lib.crypto import KeyRing, KeyRingError, read_key_file, write_key_file

log = logging.getLogger(__name__)


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _mac(ring: KeyRing, key_id: str, purpose: str, message: bytes) -> str:
    key = ring.audit_key(key_id)
    return hmac.new(
        key, purpose.encode() + b"\0" + key_id.encode() + b"\0" + message, hashlib.sha256
    ).hexdigest()


def entry_mac(ring: KeyRing, key_id: str, payload: bytes) -> str:
    """The MAC of one entry: over its canonical payload, previous hash included."""
    return _mac(ring, key_id, "entry", payload)


def head_mac(ring: KeyRing, key_id: str, *, last_id: int, last_hash: str, sealed_from: int) -> str:
    fields = {"last_id": last_id, "last_hash": last_hash, "sealed_from": sealed_from}
    return _mac(ring, key_id, "head", _canonical(fields))


def export_mac(ring: KeyRing, key_id: str, fields: dict[str, Any]) -> str:
    """The MAC of an exported head (every field but "key" and "mac")."""
    return _mac(ring, key_id, "export", _canonical(fields))


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def start_recorded() -> int | None:
    """The first sealed entry as the key ring records it (None if it does not)."""
    return settings.HABEAS_KEYRING.audit_sealed_from


def start_record(entry_id: int) -> None:
    """Record in the key file, once, that the log is sealed from `entry_id` on: the
    database alone then cannot have the log sealed anew from a later entry. Keys
    from HABEAS_KEYS cannot be written: the operator adds "audit_sealed_from"
    there (docs/operations.md)."""
    path = settings.HABEAS_KEY_FILE
    if start_recorded() is not None or path is None:
        return
    try:
        on_disk = read_key_file(path)
        if on_disk.audit_sealed_from is None:
            on_disk = on_disk.with_audit_sealed_from(entry_id)
            write_key_file(path, on_disk)
    except (KeyRingError, OSError) as exc:
        log.warning("the start of the audit seal is not recorded in the key file: %s", exc)
        return
    settings.HABEAS_KEYRING = settings.HABEAS_KEYRING.with_audit_sealed_from(
        cast(int, on_disk.audit_sealed_from)  # set just above when it was not
    )
