"""What an attacker with write access to the database does to the audit log: lift
the append-only triggers (the database owner can), write, recompute hashes (SHA-256
is public). What they cannot do is make a MAC: the key is not in the database."""

from __future__ import annotations

import json

from django.db import connection

from habeas.audit import triggers
from habeas.audit.models import AuditEntry


def sql_as_attacker(sql: str, params: list | None = None) -> None:
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
    triggers.install(connection)


def rewrite_with_hash(entry: AuditEntry, **changes) -> AuditEntry:
    """Change an entry and recompute its hash, as anyone can."""
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.hash = entry.compute_hash()
    sql_as_attacker(
        "UPDATE audit_auditentry SET action=%s, actor_username=%s, detail=%s, prev_hash=%s, "
        "hash=%s WHERE id=%s",
        [
            entry.action,
            entry.actor_username,
            json.dumps(entry.detail),
            entry.prev_hash,
            entry.hash,
            entry.pk,
        ],
    )
    return entry
