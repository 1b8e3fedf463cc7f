"""Database triggers that make the audit table append-only where the database can.

Kept as functions (not only in a migration) so tests that must empty every table
between runs can lift and restore them explicitly.
"""

from __future__ import annotations

TABLE = "audit_auditentry"

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]
POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION habeas_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries are append-only'; END;
       $$ LANGUAGE plpgsql""",
    f"""DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}""",
    f"""CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION habeas_audit_append_only()""",
    f"""DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}""",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION habeas_audit_append_only()""",
]
POSTGRES_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_UNINSTALL
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_UNINSTALL
    return []


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, True):
            cursor.execute(sql)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, False):
            cursor.execute(sql)


def installed(connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name LIKE 'audit_no_%'"
            )
            return cursor.fetchone()[0] == 2
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname IN "
                "('audit_no_change', 'audit_no_truncate')"
            )
            return cursor.fetchone()[0] == 2
    return False
