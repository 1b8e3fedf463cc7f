"""The `habeas` command as a newcomer and an operator use it: demo, serve, check.

These run the real command in a subprocess against a fresh data directory, on the
database of the test pass: the embedded SQLite default, as `make run` uses it, or
in the PostgreSQL pass a fresh database of its own on that server (`Sites`).
"""

from __future__ import annotations

import re
import stat
import subprocess
import sys
import time
import urllib.request

import pytest

from habeas.ops.backup import BackupError
from habeas.ops.backup.postgres import pg_tool
from tests.support.commands import SITES, free_port, habeas, habeas_env, query


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
        # Where people reach it: links and PFIF ids are built from it (habeas.W301).
        HABEAS_SITE_URL="https://habeas.example.org",
    )
    result = habeas("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_operator_settings_are_settings_that_diffsettings_shows(tmp_path):
    """What the commands read from the environment goes through settings, like every
    other operator setting, so `habeas diffsettings` shows the values in effect."""
    env = habeas_env(
        tmp_path,
        HABEAS_HOST="0.0.0.0",  # noqa: S104 - a value to read back, nothing listens
        HABEAS_PORT="8123",
        HABEAS_WORKERS="3",
        HABEAS_THREADS="5",
        HABEAS_WATCH_INTERVAL="7",
        HABEAS_PG_BIN="/opt/pg/bin",
    )
    result = habeas("diffsettings", env=env)
    assert result.returncode == 0, result.stderr
    for line in (
        "HABEAS_HOST = '0.0.0.0'",
        "HABEAS_PORT = 8123",
        "HABEAS_WORKERS = 3",
        "HABEAS_THREADS = 5",
        "HABEAS_WATCH_INTERVAL = 7",
        "HABEAS_PG_BIN = '/opt/pg/bin'",
        f"HABEAS_FILES_DIR = PosixPath('{tmp_path.resolve()}/files')",
    ):
        assert line in result.stdout, line


def test_pg_tools_come_from_the_pg_bin_setting(settings, tmp_path):
    settings.HABEAS_PG_BIN = str(tmp_path)
    with pytest.raises(BackupError, match=f"HABEAS_PG_BIN is {tmp_path}, which has no pg_dump"):
        pg_tool("pg_dump")
