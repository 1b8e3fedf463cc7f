"""The secrets of a check-in plan: the link, the PINs, and the lock on guessing.

The link. A plan's check-in page is `/k/<token>/`, the token 128 random bits. Only
`link_key(token)` is stored: an HMAC-SHA-256 under a key derived from the key ring,
so a copy of the database alone cannot make a working link, nor confirm a link
found on a seized phone. After a key rotation the stored key is still found:
`link_keys(token)` gives the HMAC under every key of the ring.

The PINs. Two per plan, the normal one and the duress one, kept as slow hashes
(Django's password hashers) of the PIN's HMAC under a key derived from the key ring
(`PIN_PURPOSE`): a copy of the database alone cannot try the 10^6 to 10^8 PINs
offline, it needs the key too. After a key rotation a PIN is checked under every
key of the ring (`check_pin`), as links are. A PIN is compared in the form the person meant:
full-width digits (a phone keyboard set to another script) become ASCII digits and
spaces are dropped.

The lock. Every answer is counted before it is checked (`attempt_begin`), in one
transaction that also sets the lock when the count reaches `PIN_TRIES`; so two
guesses sent at once cannot both be checked past the limit. A right PIN clears the
count (`attempt_passed`). From the fifth wrong answer on, the plan is locked for
`lock_for(count)`: 15 minutes, doubling with every wrong answer after a lock ran
out, at most a day. While locked, every PIN, the right ones included, is refused
exactly like a wrong one, so a guesser learns nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from datetime import datetime, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F, Q

from habeas.core.encryption import keyring

from .models import Plan

LINK_PURPOSE = "protection-link-v1"
PIN_PURPOSE = "protection-pin-v1"
TOKEN_BYTES = 16  # 128 bits
PIN_TRIES = 5
LOCK_FIRST = timedelta(minutes=15)
LOCK_LONGEST = timedelta(days=1)


def new_link_token() -> str:
    """A new secret link token: 128 bits from `secrets`, URL-safe (22 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def _mac(key: bytes, token: str) -> str:
    return hmac.new(key, token.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def link_key(token: str) -> str:
    """What `Plan.link_key` stores for `token`: its HMAC under the active ring key's
    derived link key (64 hex digits)."""
    return _mac(keyring().derive(LINK_PURPOSE), token)


def link_keys(token: str) -> list[str]:
    """`token`'s HMAC under every key of the ring, the active one first: a link issued
    before a key rotation still works while the ring holds the key it was made under."""
    ring = keyring()
    ids = [ring.active, *sorted(k for k in ring.keys if k != ring.active)]
    return [_mac(ring.derive(LINK_PURPOSE, k), token) for k in ids]


def new_pin(digits: int = 6) -> str:
    """A random PIN of `digits` decimal digits (leading zeros kept)."""
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def pin_normalised(pin: str) -> str:
    """The PIN as meant: NFKC (full-width and other digits become ASCII), no spaces."""
    return "".join(unicodedata.normalize("NFKC", pin or "").split())


def _peppered(key: bytes, pin: str) -> str:
    return _mac(key, pin_normalised(pin))


def hash_pin(pin: str) -> str:
    """A slow, salted hash (Django's preferred password hasher) of the PIN's HMAC
    under the active ring key's derived PIN key."""
    return make_password(_peppered(keyring().derive(PIN_PURPOSE), pin))


def check_pin(pin: str, encoded: str) -> bool:
    """Whether `pin` is the PIN hashed in `encoded`, under any key of the ring. As
    slow for a wrong PIN as for a right one, and for an empty or unusable hash too:
    every key is tried, whichever matches."""
    ring = keyring()
    ids = [ring.active, *sorted(k for k in ring.keys if k != ring.active)]
    found = False
    for key_id in ids:
        # "!" is Django's unusable hash: checked against at full cost, never matched.
        found |= check_password(_peppered(ring.derive(PIN_PURPOSE, key_id), pin), encoded or "!")
    return found


def lock_for(count: int) -> timedelta:
    """How long a plan stays locked after its `count`-th wrong answer in a row."""
    if count < PIN_TRIES:
        return timedelta(0)
    doublings = min(count - PIN_TRIES, 10)
    return min(LOCK_FIRST * (2**doublings), LOCK_LONGEST)


def attempt_begin(plan_id: int, now: datetime) -> int | None:
    """Count one answer on the plan before its PIN is checked, and lock the plan
    if this answer is the `PIN_TRIES`-th in a row (a right answer unlocks it again
    through `attempt_passed`). Returns the count, or None when the plan is locked:
    the answer is then refused without a check.

    The increment is one conditional UPDATE and the lock is set in the same
    transaction, which holds the row (PostgreSQL) or the database (SQLite) until it
    commits: an answer sent at the same moment waits and then finds the lock."""
    with transaction.atomic():
        rows = Plan.objects.filter(pk=plan_id)
        open_ = rows.filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        if not open_.update(failed_pins=F("failed_pins") + 1):
            return None
        count = rows.values_list("failed_pins", flat=True).get()
        if count >= PIN_TRIES:
            rows.update(locked_until=now + lock_for(count))
    return count


def attempt_passed(plan_id: int) -> None:
    """A right PIN: the count starts again and any lock it set is lifted."""
    Plan.objects.filter(pk=plan_id).update(failed_pins=0, locked_until=None)


def locked_now(count: int | None) -> bool:
    """Whether an answer counted as `count` (None: refused) is the one that locked the
    plan: the moment to tell the team someone may be guessing."""
    return count == PIN_TRIES
