"""The tamper-evident audit log: an append-only hash chain.

Each entry's hash covers its own fields and the previous entry's hash, so editing,
deleting or reordering any entry breaks every hash after it. Since anyone can
recompute a hash, each entry from `AuditHead.sealed_from` on also carries a keyed
MAC over the same fields (`seal.py`; the key is in the key ring, not in the
database), and so does the head: an entry cannot be rewritten or forged, nor the
tail cut off, without the key file. The database refuses UPDATE and DELETE on the
table (triggers, see `triggers.py`). A copy of the whole database from an earlier
day carries a valid, older head: only a signed head exported elsewhere since then
(`habeas audit head`) shows such a rollback.
"""

from __future__ import annotations

import hashlib
import json

from django.db import models

GENESIS = "0" * 64


class AuditEntry(models.Model):
    # No foreign keys: a deleted user or case must not cascade into the log.
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    case_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip = models.CharField(max_length=45, blank=True)
    # Ids, field names and outcomes only — never names, contacts or statements.
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Empty on entries written before the log was sealed (see AuditHead.sealed_from).
    key_id = models.CharField(max_length=32, blank=True)
    mac = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def payload(self) -> bytes:
        """The canonical bytes the hash covers (everything but the hash itself)."""
        return json.dumps(
            {
                "id": self.pk,
                "at": self.at.isoformat(timespec="microseconds"),
                "actor_id": self.actor_id,
                "actor_username": self.actor_username,
                "action": self.action,
                "target_type": self.target_type,
                "target_id": self.target_id,
                "case_id": self.case_id,
                "ip": self.ip,
                "detail": self.detail,
                "prev_hash": self.prev_hash,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload()).hexdigest()


class AuditHead(models.Model):
    """One row: the latest entry's id and hash. Appending locks it, so concurrent
    writers form one chain instead of forking it."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)
    # The first entry that carries a MAC: 1 on installations that started sealed;
    # on older ones, the first entry written after the upgrade (the entries before
    # it are fixed by the hash chain up to that sealed entry).
    sealed_from = models.BigIntegerField(default=1)
    key_id = models.CharField(max_length=32, blank=True)
    mac = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"head #{self.last_id}"


class HeadExport(models.Model):
    """The day's export of the signed head (habeas.alerts.audit_head): one row per
    day, claimed by compare-and-set so that two watchers send it once."""

    day = models.DateField(unique=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Content-free reasons from the channels ("the endpoint answered 500").
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"head export of {self.day}"
