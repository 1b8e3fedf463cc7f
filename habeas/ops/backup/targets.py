"""Where a restore puts what the backup holds: the SQLite database, the PostgreSQL
database, the stored files. Each checks it is empty, places, and undoes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections

from habeas.conf import SQLITE_SIDECARS
from habeas.lib.crypto import fsync_dir
from habeas.ops.backup.archive import BackupError, read_only_uri
from habeas.ops.backup.postgres import first_error_line, pg_environment, pg_tool


class SQLiteTarget:
    def __init__(self) -> None:
        self.path = Path(settings.DATABASES["default"]["NAME"])
        self.placed = False

    @staticmethod
    def copying() -> Path:
        """The database being copied into place: a full plain copy until renamed."""
        name = Path(settings.DATABASES["default"]["NAME"])
        return name.with_name(name.name + ".restoring")

    def sidecars(self) -> list[Path]:
        return [self.path.with_name(self.path.name + s) for s in SQLITE_SIDECARS]

    def check_empty(self) -> None:
        if not self.path.exists():
            return
        try:
            db = sqlite3.connect(read_only_uri(self.path), uri=True)
            try:
                tables = db.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                ).fetchone()[0]
            finally:
                db.close()
        except sqlite3.Error:
            raise BackupError(
                f"{self.path} exists and is not an empty database: restore needs an empty "
                "data directory. Use a new HABEAS_DATA_DIR, or move that file away first."
            ) from None
        if tables:
            raise BackupError(
                f"The data directory already has a database ({self.path}, {tables} tables): "
                "restore needs an empty data directory. Use a new HABEAS_DATA_DIR, or move "
                "that file away first."
            )

    def place(self, source: Path) -> None:
        for sidecar in self.sidecars():  # of the empty database it replaces
            sidecar.unlink(missing_ok=True)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.copying()
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o600)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        fsync_dir(self.path.parent)
        self.placed = True

    def undo(self) -> str:
        connections.close_all()
        if self.placed:
            for path in [self.path, *self.sidecars()]:
                path.unlink(missing_ok=True)
        self.copying().unlink(missing_ok=True)
        return "The restored database was removed again; the data directory is as it was."

    def discard_interrupted(self, interrupted: str) -> None:
        """Remove what a restore killed half-way placed (Habeas has not run on it since:
        it refuses to start while the restore's marker is there)."""
        self.placed = True
        self.undo()


class PostgreSQLTarget:
    def __init__(self) -> None:
        self.name = settings.DATABASES["default"]["NAME"]
        self.placed = False

    def check_empty(self) -> None:
        try:
            with connection.cursor() as cursor:
                tables = connection.introspection.table_names(cursor)
        except DatabaseError as exc:
            raise BackupError(
                f"Cannot reach the database {self.name}: {first_error_line(str(exc))}"
            ) from None
        if tables:
            raise BackupError(
                f"The database {self.name} already has {len(tables)} tables: restore needs an "
                "empty database. Create one (createdb --owner ROLE NEW_NAME) and point "
                "HABEAS_DATABASE_URL at it, or drop and re-create this one."
            )

    def place(self, source: Path) -> None:
        pg_restore = pg_tool("pg_restore")
        connections.close_all()
        result = subprocess.run(  # noqa: S603 (fixed program, no shell, no secrets in argv)
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={self.name}",
                str(source),
            ],
            env=pg_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(
                f"pg_restore failed: {first_error_line(result.stderr)} The database "
                f"{self.name} was left as it was (the restore runs in one transaction)."
            )
        self.placed = True

    def undo(self) -> str:
        connections.close_all()
        if not self.placed:
            return f"The database {self.name} was left as it was."
        return (
            f"The database {self.name} now holds the restored data but must not be used: "
            "drop it and create it empty again (dropdb, createdb) before another try."
        )

    def discard_interrupted(self, interrupted: str) -> None:
        try:
            self.check_empty()
        except BackupError:
            raise BackupError(
                f"{interrupted} The database {self.name} may hold part of it and must not be "
                "used: drop it and create it empty again (dropdb, createdb), then run "
                "`habeas restore` again."
            ) from None


class FilesTarget:
    def __init__(self) -> None:
        self.path = Path(settings.HABEAS_FILES_DIR)
        self.placed = False

    def check_empty(self) -> None:
        if self.path.is_dir() and any(self.path.iterdir()):
            raise BackupError(
                f"{self.path} is not empty: restore needs an empty data directory. Use a new "
                "HABEAS_DATA_DIR, or move that directory away first."
            )
        if self.path.exists() and not self.path.is_dir():
            raise BackupError(f"{self.path} is in the way: it should be a directory.")

    def place(self, source: Path) -> None:
        if not source.is_dir():
            return
        if self.path.is_dir():
            self.path.rmdir()  # empty, checked above
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            os.replace(source, self.path)
        except OSError:  # another file system: copy instead
            shutil.copytree(source, self.path)
        self.placed = True

    def undo(self) -> None:
        if self.placed:
            shutil.rmtree(self.path, ignore_errors=True)

    def discard_interrupted(self) -> None:
        self.placed = True
        self.undo()
