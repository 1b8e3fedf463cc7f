"""Backups of a PostgreSQL database find pg_dump and pg_restore where Debian puts
them when they are not on PATH: the newest /usr/lib/postgresql/<version>/bin."""

from __future__ import annotations

import glob
import shutil

from habeas.ops.backup.postgres import pg_tool


def test_pg_dump_off_path_is_found_in_the_newest_debian_postgresql(monkeypatch):
    monkeypatch.delenv("HABEAS_PG_BIN", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    installed = {
        "/usr/lib/postgresql/*/bin/pg_dump": [
            "/usr/lib/postgresql/9/bin/pg_dump",
            "/usr/lib/postgresql/16/bin/pg_dump",
            "/usr/lib/postgresql/15/bin/pg_dump",
        ]
    }
    monkeypatch.setattr(glob, "glob", lambda pattern: installed.get(pattern, []))

    assert pg_tool("pg_dump") == "/usr/lib/postgresql/16/bin/pg_dump"
