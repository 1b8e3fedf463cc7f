"""The real `habeas` command in a subprocess, on a data directory of the test's
own and the database of the test pass: the embedded SQLite default, or in the
PostgreSQL pass a fresh database of its own on that server (`Sites`)."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class Sites:
    """The installations the subprocess tests run: a data directory and its database.

    On SQLite the database is the file in the data directory. On PostgreSQL (the
    pass's HABEAS_DATABASE_URL) each data directory gets a database of its own on
    that server, created empty when `habeas_env` first names the directory; it is
    dropped when the test owning the directory ends, or with the run
    (tests/conftest.py).

    `start` fills a new data directory from a template made once per run, instead
    of migrating (or loading the demo) again: a copy of the template's directory and,
    on PostgreSQL, a CREATE DATABASE … TEMPLATE of its database."""

    def __init__(self, url: str = ""):
        self.url = url  # a PostgreSQL server URL, or "" for SQLite
        self.databases: dict[Path, str] = {}
        self.templates: dict[str, Path] = {}
        self.root: Path | None = None

    @property
    def vendor(self) -> str:
        return "postgresql" if self.url else "sqlite"

    def url_of(self, name: str) -> str:
        return urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))

    def admin(self):
        import psycopg

        # The maintenance database: the URL's own need not exist (pytest-django
        # creates test_<name> next to it).
        return psycopg.connect(self.url_of("postgres"), autocommit=True, connect_timeout=5)

    def new_database(self, label: str = "site", template: str = "") -> str:
        from psycopg import sql

        name = f"{urlsplit(self.url).path.strip('/') or 'habeas'}_{label}_{secrets.token_hex(4)}"
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.admin() as admin:
            admin.execute(create)
        return name

    def database_url(self, data_dir: Path, template: str = "") -> str:
        key = Path(data_dir).resolve()
        if key not in self.databases:
            self.databases[key] = self.new_database(template=template)
        return self.url_of(self.databases[key])

    def start(self, kind: str, data_dir: Path) -> dict[str, str]:
        """A new installation in `data_dir` as `habeas migrate` ("migrated") or
        `habeas demo` ("demo") leaves it; returns its environment."""
        template = self.templates.get(kind) or self._make_template(kind)
        assert Path(data_dir).resolve() not in self.databases, f"{data_dir} is in use"
        shutil.copytree(template, data_dir, dirs_exist_ok=True)
        if self.url:
            self.database_url(data_dir, template=self.databases[template.resolve()])
        return self.env(data_dir)

    def _make_template(self, kind: str) -> Path:
        self.root = self.root or Path(tempfile.mkdtemp(prefix="habeas-templates-"))
        data_dir = self.root / kind
        if kind == "migrated":
            env = self.env(data_dir)
            command = "migrate"
        else:
            assert kind == "demo", kind
            env = self.start("migrated", data_dir)
            command = "demo"
        result = habeas(command, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        self.templates[kind] = data_dir
        return data_dir

    def env(self, data_dir: Path, **extra: str) -> dict[str, str]:
        """The environment of a `habeas` subprocess on `data_dir`: none of the test
        run's own HABEAS_* settings, the database of that directory, then `extra`
        (HABEAS_DATABASE_URL="" asks for SQLite on any server)."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("HABEAS_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        }
        env["HABEAS_DATA_DIR"] = str(data_dir)
        if self.url and "HABEAS_DATABASE_URL" not in extra:
            env["HABEAS_DATABASE_URL"] = self.database_url(data_dir)
        env.update(extra)
        return env

    def drop(self, under: Path | None = None) -> None:
        """Drop the databases of data directories under `under` (all without it)."""
        from psycopg import sql

        keys = [k for k in self.databases if under is None or k.is_relative_to(under.resolve())]
        if not keys:
            return
        with self.admin() as admin:
            for key in keys:
                name = self.databases.pop(key)
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

    def close(self) -> None:
        self.drop()
        self.templates.clear()
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None


def _pass_database() -> str:
    url = os.environ.get("HABEAS_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


SITES = Sites(_pass_database())


def habeas_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `habeas` subprocess on `data_dir`, on the pass's kind of
    database (see Sites.env)."""
    return SITES.env(data_dir, **extra)


def habeas(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "habeas", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def query(env: dict[str, str], statement: str) -> list[tuple]:
    """Rows of `statement`, run straight on the database of `env`."""
    url = env.get("HABEAS_DATABASE_URL")
    if url:
        import psycopg

        with psycopg.connect(url) as connection:
            return connection.execute(statement).fetchall()
    path = Path(env["HABEAS_DATA_DIR"]) / "habeas.sqlite3"
    assert path.exists(), f"{path} does not exist"
    db = sqlite3.connect(path)
    try:
        return db.execute(statement).fetchall()
    finally:
        db.close()


def database_is_empty(env: dict[str, str]) -> bool:
    """No database file (SQLite), or a database without tables (PostgreSQL)."""
    if env.get("HABEAS_DATABASE_URL"):
        tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        return query(env, tables) == [(0,)]
    return not (Path(env["HABEAS_DATA_DIR"]) / "habeas.sqlite3").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
