"""The tamper-evident audit log: an append-only hash chain.

Each entry's hash covers its own fields and the previous entry's hash, so editing,
deleting or reordering any entry breaks every hash after it. The database refuses
UPDATE and DELETE on the table (triggers, see `triggers.py`), and an operator can
export the head hash to prove later that the log was not rebuilt from scratch.
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

    def __str__(self) -> str:
        return f"head #{self.last_id}"
