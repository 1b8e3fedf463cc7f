"""The `habeas` command as a newcomer and an operator use it: demo, serve, check.

These run the real command in a subprocess against a fresh data directory, on the
database of the test pass: the embedded SQLite default, as `make run` uses it, or
in the PostgreSQL pass a fresh database of its own on that server (`Sites`).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest


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


def test_demo_loads_once_and_prints_a_fresh_generated_password(tmp_path):
    env = habeas_env(tmp_path)
    first = habeas("demo", env=env)
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded." in first.stdout
    password = re.search(r"user 'demo', password: (\S+)", first.stdout).group(1)
    assert len(password) >= 12

    second = habeas("demo", env=env)
    assert "Demo data already loaded." in second.stdout
    assert password not in second.stdout

    assert query(env, "select count(*) from cases_case")[0][0] >= 30
    assert query(env, "select count(distinct country) from cases_case")[0][0] >= 5
    if SITES.vendor == "sqlite":
        assert query(env, "pragma journal_mode") == [("wal",)]
    statuses = {r[0] for r in query(env, "select current_status from cases_case")}
    assert {"released", "dead", "closed", "presumed_ed"} <= statuses
    scripts = {r[0] for r in query(env, "select script from cases_personname")}
    assert {"Cyrl", "Latn"} <= scripts


def test_demo_password_can_be_chosen(tmp_path):
    SITES.start("migrated", tmp_path)
    result = habeas("demo", env=habeas_env(tmp_path, HABEAS_DEMO_PASSWORD="chosen-demo-pass"))
    assert "password: chosen-demo-pass" in result.stdout


def test_secret_key_is_generated_once_with_owner_only_permissions(tmp_path):
    data_dir = tmp_path / "new-data-dir"
    env = habeas_env(data_dir)
    assert habeas("check", env=env).returncode == 0
    key_file = data_dir / "secret_key"
    first = key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    habeas("check", env=env)
    assert key_file.read_text() == first


def test_configuration_errors_are_one_readable_line(tmp_path):
    result = habeas("check", env=habeas_env(tmp_path, HABEAS_DEBUG="maybe"))
    assert result.returncode != 0
    assert result.stderr.strip() == "habeas: HABEAS_DEBUG must be 1 or 0 (got 'maybe')."

    short = habeas("check", env=habeas_env(tmp_path, HABEAS_SECRET_KEY="short"))
    assert short.returncode != 0
    assert "Traceback" not in short.stderr
    assert "HABEAS_SECRET_KEY must be at least 50 characters long." in short.stderr


def test_serve_answers_with_gunicorn_and_serves_static_files(tmp_path):
    port = free_port()
    SITES.start("migrated", tmp_path)
    env = habeas_env(tmp_path, HABEAS_PORT=str(port))
    process = subprocess.Popen(
        [sys.executable, "-m", "habeas", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"serve did not start: {process.communicate()[1][-2000:]}")
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
            page = r.read().decode()
            assert "Log in" in page
            assert r.headers["Referrer-Policy"] == "same-origin"
            css = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{css}", timeout=5) as r:
            assert r.status == 200 and b"--fg" in r.read()
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert f"Habeas is at http://127.0.0.1:{port}/" in out
    assert "gunicorn" in err.lower() or "Booting worker" in err


def test_serve_refuses_a_bad_port_with_one_line(tmp_path):
    result = habeas("serve", env=habeas_env(tmp_path, HABEAS_PORT="eighty"))
    assert result.returncode != 0
    assert "HABEAS_PORT must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_deploy_check_is_clean_in_the_production_configuration(tmp_path):
    env = habeas_env(
        tmp_path,
        HABEAS_HTTPS="1",
        HABEAS_ALLOWED_HOSTS="habeas.example.org",
    )
    result = habeas("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
