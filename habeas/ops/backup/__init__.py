"""Encrypted backups: `habeas backup FILE` and `habeas restore FILE`.

A backup is one file: a gzip-compressed tar stream, encrypted as a whole with
`habeas.lib.crypto.encrypt_stream` under the key ring's active key (AES-256-GCM
in 64 KiB chunks; truncation, reordering and any altered byte fail to decrypt),
bound to `ARCHIVE_AAD`. The tar holds, in this order::

    manifest.json        what is in the backup (below); always the first member
    database.sqlite3     SQLite: a consistent online copy (sqlite3 backup API)
      or database.pgdump PostgreSQL: `pg_dump --format=custom` (one snapshot)
    files/<path>         every regular file under DATA_DIR/files/

The manifest::

    {"kind": "habeas-backup", "format": 1, "created_at": "2026-…Z",
     "habeas_version": "0.1.0",
     "database": {"vendor": "sqlite", "member": "database.sqlite3",
                  "sha256": "…", "size": 123},
     "migrations": {"audit": "0002_append_only_triggers", …},  # last applied per app
     "audit": {"entries": 1234, "head": "<sha256 of the last entry>"},
     "files": [{"path": "ab/cd.bin", "sha256": "…", "size": 456}, …]}

The migrations and the audit head are read from the very snapshot that is
dumped (the SQLite copy; the exported PostgreSQL snapshot pg_dump uses), so
they describe the database in the backup, not the live one a moment later.

The key file is never in the backup: the backup is encrypted with it, and the
operator keeps it apart. Restoring needs a key ring holding the key the backup
names in its header.

Nothing plain is ever written outside the data directory: the database dump is
staged in a private temporary directory inside it (where the live database is
anyway), and the archive streams through a pipe into the encryption.

The modules: `archive` (the format; writing and reading the encrypted tar),
`snapshot` (`habeas backup`), `restore` (`habeas restore`), `targets` (where a
restore places the database and the files), `staging` (the plain copies made on
the way), `postgres` (pg_dump and pg_restore).
"""

from habeas.ops.backup.archive import BackupError
from habeas.ops.backup.restore import RestoreResult, restore_backup
from habeas.ops.backup.snapshot import BackupResult, create_backup

__all__ = [
    "BackupError",
    "BackupResult",
    "RestoreResult",
    "create_backup",
    "restore_backup",
]
