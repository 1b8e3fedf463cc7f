"""Append to the audit log. Every write, every view of confidential data, every
login, failed login and denied access calls `audit_record`.

Client addresses are kept for authentication events only (`auth.*`): that is
where an address helps an investigation (a login from an unexpected place, a
guessing attack), and leaving it off the rest keeps a stolen database from
telling where each staff member was when they opened which source's identity.
A session's address is in its `auth.login` entry."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from django.apps import apps
from django.conf import settings
from django.db import DataError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from habeas.core.encryption import keyring
from habeas.lib.crypto import KeyRing

from . import seal
from .context import client_ip
from .models import GENESIS, AuditEntry, AuditHead

log = logging.getLogger(__name__)

# Actions whose entries keep the client address (see the module docstring).
ADDRESS_KEPT_FOR = ("auth.",)


class _Case(Protocol):
    """A case, as the audit log names it (audit imports no app)."""

    public_id: uuid.UUID


def _target(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    ident = getattr(target, "public_id", None) or target.pk
    return target._meta.label_lower, str(ident)


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    case: _Case | None = None,
    request: HttpRequest | None = None,
    username: str = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain, atomically with the caller's transaction.
    `ip` stands in for the request's address (a summary written later)."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    target_type, target_id = _target(target)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    ring = keyring()
    entry = AuditEntry(
        id=head.last_id + 1,
        at=timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_username=(actor.get_username() if authenticated else username)[:150],
        action=action,
        target_type=target_type,
        target_id=target_id,
        case_id=str(case.public_id) if case is not None else "",
        ip=(client_ip(request) if ip is None else ip)
        if action.startswith(ADDRESS_KEPT_FOR)
        else "",
        detail=detail or {},
        prev_hash=head.last_hash,
        key_id=ring.active,
    )
    entry.hash = entry.compute_hash()
    entry.mac = seal.entry_mac(ring, ring.active, entry.payload())
    entry.save(force_insert=True)
    head.last_id, head.last_hash = entry.pk, entry.hash
    _head_seal(head, ring)
    head.save(update_fields=["last_id", "last_hash", "key_id", "mac"])
    log.info("audit %s #%s actor=%s", action, entry.pk, entry.actor_id)
    return entry


def _head_seal(head: AuditHead, ring: KeyRing) -> None:
    head.key_id = ring.active
    head.mac = seal.head_mac(
        ring,
        ring.active,
        last_id=head.last_id,
        last_hash=head.last_hash,
        sealed_from=head.sealed_from,
    )


class ChainBroken(Exception):
    def __init__(self, entry_id: int, reason: str) -> None:
        super().__init__(f"audit entry #{entry_id}: {reason}")
        self.entry_id = entry_id
        self.reason = reason


def _mac_fits(
    ring: KeyRing, key_id: str, mac: str, make: Callable[[KeyRing, str], str]
) -> bool | None:
    """True or False; None when the ring holds no key `key_id`."""
    if key_id not in ring.keys and key_id not in ring.audit_keys:
        return None
    return seal.same(make(ring, key_id), mac)


def _head_mac_check(ring: KeyRing, head: AuditHead, *, retired_key_allowed: bool = False) -> None:
    """ChainBroken if the head was rewound or made up by someone without the key.
    The head must be sealed under the ring's active key: whoever kept a key file
    from before a rotation could otherwise cut off everything written since and
    seal a head of their own under the old key (`habeas keys rotate` seals the
    head under the new key at once, with its `keys.rotated` entry)."""
    fits = _mac_fits(
        ring,
        head.key_id,
        head.mac,
        lambda r, k: seal.head_mac(
            r, k, last_id=head.last_id, last_hash=head.last_hash, sealed_from=head.sealed_from
        ),
    )
    if fits is None:
        raise ChainBroken(
            head.last_id,
            f"the head is sealed under key {head.key_id or '(none)'!r}, "
            "which is not in the key ring",
        )
    if not fits:
        raise ChainBroken(head.last_id, "the head was changed without the key (rewound?)")
    if head.key_id != ring.active and not retired_key_allowed:
        raise ChainBroken(
            head.last_id,
            f"the head is sealed under key {head.key_id!r}, not the active key "
            f"{ring.active!r}: rewound by someone holding an old key file, or the keys were "
            "rotated by hand and nothing was written since (run `habeas keys reencrypt`, "
            "which records the rotation)",
        )


def audit_verify(*, batch: int = 5000, restored: bool = False) -> int:
    """Walk the whole chain; return the number of entries, or raise ChainBroken
    naming the first entry that does not fit.

    Checked: ids without gaps; each entry's link to the previous one; its hash;
    from `sealed_from` on (never later than the key ring records), its MAC, under
    a key the chain has not already moved on from (a rotation moves it on once, for
    good); and a head, sealed, that names the last entry. The head must be sealed
    under the active key, except in a backup being restored (`restored`), which
    may predate a rotation: the restore's own entry then seals it under the active
    key."""
    ring = keyring()
    # Entries first, so that the first entry that does not fit is the one named;
    # the head's own MAC (which covers sealed_from) is checked at the end.
    head = AuditHead.objects.filter(pk=1).first()
    sealed_from = head.sealed_from if head is not None else 1
    recorded = seal.start_recorded()
    if recorded is not None and sealed_from > recorded:
        raise ChainBroken(
            recorded,
            f"the key ring says the log is sealed from here on, the log says from "
            f"#{sealed_from} on: its seal was stripped and applied anew, and the entries "
            "in between may have been rewritten",
        )
    expected_prev, expected_id, count = GENESIS, 1, 0
    current_key, left_behind = "", set[str]()
    last_seen = 0
    while True:
        rows, unreadable = _entries_after(last_seen, batch)
        if not rows and unreadable is None:
            break
        for entry in rows:
            if entry.pk != expected_id:
                raise ChainBroken(expected_id, "missing (deleted?)")
            if entry.prev_hash != expected_prev:
                raise ChainBroken(entry.pk, "does not follow the previous entry")
            if _hash_of(entry) != entry.hash:
                raise ChainBroken(entry.pk, "was changed after it was written")
            if entry.pk >= sealed_from:
                _entry_mac_check(ring, entry, left_behind)
                if entry.key_id != current_key:
                    left_behind.add(current_key)
                    current_key = entry.key_id
            expected_prev, expected_id = entry.hash, entry.pk + 1
            count += 1
        if unreadable is not None:
            raise ChainBroken(unreadable, UNREADABLE)
        last_seen = rows[-1].pk
    if head is None:
        if count:
            raise ChainBroken(
                expected_id - 1, "the head is missing (deleted to hide a truncation?)"
            )
        _refuse_empty_log_of_used_database()
        return 0
    _head_mac_check(ring, head, retired_key_allowed=restored)
    if (head.last_id, head.last_hash) != (expected_id - 1, expected_prev):
        raise ChainBroken(head.last_id, "the head does not match the last entry (truncated?)")
    return count


UNREADABLE = "was overwritten with values that cannot be read"


def _entries_after(last_seen: int, batch: int) -> tuple[list[AuditEntry], int | None]:
    """The next entries in order, and the id of an entry that cannot even be
    loaded, if one comes before the end of the batch (the entries before it are
    returned, to be checked first)."""
    entries = AuditEntry.objects.filter(id__gt=last_seen).order_by("id")
    try:
        return list(entries[:batch]), None
    except DataError:
        # PostgreSQL hands back what a writer put in a column but Python cannot
        # hold (a time past the year 9999): read one entry at a time to name it.
        readable = []
        for pk in entries.values_list("id", flat=True)[:batch]:
            try:
                readable.append(AuditEntry.objects.get(pk=pk))
            except DataError:
                return readable, pk
        raise


def _hash_of(entry: AuditEntry) -> str:
    try:
        return entry.compute_hash()
    except (AttributeError, TypeError, ValueError):
        # A field overwritten with something that is no value of its kind (a
        # time that is not a time): the database hands back None or junk.
        raise ChainBroken(entry.pk, UNREADABLE) from None


def _refuse_empty_log_of_used_database() -> None:
    """An empty log is intact only in a database nothing was done in: each account
    and case was created with an entry, so a log wiped whole (entries and head)
    next to them is caught. A wipe of everything, or of a log whose database holds
    neither yet, is caught only by an exported head."""
    held = [
        str(model._meta.verbose_name_plural)
        for model in (apps.get_model(settings.AUTH_USER_MODEL), apps.get_model("cases", "Case"))
        if model.objects.exists()
    ]
    if held:
        raise ChainBroken(
            1, f"missing: the log is empty, but the database holds {' and '.join(held)} (wiped?)"
        )


def _entry_mac_check(ring: KeyRing, entry: AuditEntry, left_behind: set[str]) -> None:
    fits = _mac_fits(
        ring, entry.key_id, entry.mac, lambda r, k: seal.entry_mac(r, k, entry.payload())
    )
    if fits is None:
        raise ChainBroken(
            entry.pk,
            f"is sealed under key {entry.key_id or '(none)'!r}, "
            "which is not in the key ring (forged?)",
        )
    if not fits:
        raise ChainBroken(entry.pk, "was forged or changed by someone without the key")
    if entry.key_id in left_behind:
        raise ChainBroken(
            entry.pk, "is sealed under a key the log had moved on from (forged with an old key?)"
        )


def audit_sealed_from() -> int:
    """The first entry that carries a MAC (1 unless the log predates the seal)."""
    head = AuditHead.objects.filter(pk=1).values_list("sealed_from", flat=True).first()
    return head or 1


def audit_head() -> dict[str, Any]:
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        return {"entries": 0, "head": GENESIS}
    return {"entries": head.last_id, "head": head.last_hash}


def audit_head_signed() -> dict[str, Any]:
    """The head to keep elsewhere (`habeas audit head`): entries, last id, its hash,
    when, and a MAC over all of them. Kept outside the reach of whoever holds the
    database, it shows later whether the log was rewound past it."""
    ring = keyring()
    head = AuditHead.objects.filter(pk=1).first()
    fields = {
        "entries": head.last_id if head else 0,
        "last_id": head.last_id if head else 0,
        "hash": head.last_hash if head else GENESIS,
        "at": timezone.now().isoformat(timespec="seconds"),
    }
    return {**fields, "key": ring.active, "mac": seal.export_mac(ring, ring.active, fields)}


class HeadRefused(Exception):
    """An exported head that does not fit this log; the message says why."""


def audit_head_check(exported: dict[str, Any]) -> int:
    """Check the log against a head exported earlier: its MAC is this ring's, the
    chain verifies, and the entry it names is still there, with the same hash (so
    the chain runs through it). Returns the number of entries now; raises
    HeadRefused or ChainBroken."""
    ring = keyring()
    try:
        if "mac" not in exported and "head" in exported:
            # Exported before heads were signed: {"entries": N, "head": hash}.
            last_id, wanted = _entry_number(exported["entries"]), str(exported["head"])
        else:
            last_id, wanted = _entry_number(exported["last_id"]), str(exported["hash"])
            key_id, mac = str(exported["key"]), str(exported["mac"])
            fields = {k: exported[k] for k in ("entries", "last_id", "hash", "at")}
            if not _mac_fits(ring, key_id, mac, lambda r, k: seal.export_mac(r, k, fields)):
                raise HeadRefused("that head was not exported by this installation, or was edited")
    except (KeyError, TypeError, ValueError, AttributeError):
        raise HeadRefused("that is not a head exported by `habeas audit head`") from None
    wanted = wanted.strip().lower()
    count = audit_verify()
    if last_id == 0:
        return count
    entry = AuditEntry.objects.filter(pk=last_id).only("hash").first()
    if entry is None:
        raise HeadRefused(
            f"the log ends before entry #{last_id} of that head: it was rewound (entries deleted)"
        )
    if not seal.same(entry.hash, wanted):
        raise HeadRefused(
            f"entry #{last_id} is not the one in that head: the log was rewritten from there on"
        )
    return count


def _entry_number(value: Any) -> int:
    """An entry number from an exported head: a whole number an id can be (JSON
    also allows 1e999, -5 or true, which name no entry)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(value)
    number = int(value)
    if not 0 <= number < 2**63:  # what the id column holds
        raise ValueError(value)
    return number
