"""A backup or restore killed half-way (SIGKILL, OOM, a cron timeout): no plain
copy of the database stays in the data directory past the next command, a
running backup's copy is left alone, and an interrupted restore is named, keeps
Habeas from serving incomplete data, and can simply be run again."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from habeas.core import restoring
from habeas.ops.backup import restore, staging
from tests.support.ops import habeas, habeas_env, start

BIG = 30 * 1024 * 1024  # a stored file large enough for a backup to take a while


def run_ok(*args: str, env: dict[str, str]) -> str:
    result = habeas(*args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def staging_dirs(data_dir: Path) -> list[str]:
    return sorted(p.name for p in data_dir.iterdir() if p.name.startswith(staging.STAGING_PREFIXES))


def kill_when(process, condition, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert process.poll() is None, "finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A data directory with the demo data, a large stored file, and its backup."""
    root = tmp_path_factory.mktemp("ops-backup")
    data = root / "a"
    env = habeas_env(data)
    run_ok("demo", env=env)
    (data / "files" / "big.bin").write_bytes(secrets.token_bytes(BIG))
    archive = root / "a.backup"
    run_ok("backup", str(archive), env=env)
    return {"root": root, "data": data, "env": env, "archive": archive}


def test_a_killed_backup_leaves_no_plain_copy_after_the_next_command(source, tmp_path):
    """GIVEN `habeas backup` killed with SIGKILL while its plain database copy exists
    WHEN the operator runs `habeas check` (as serve and migrate do at start)
    THEN the copy is gone, and a new backup goes through."""
    data, env = source["data"], source["env"]
    process = start("backup", str(tmp_path / "killed.backup"), env=env, log=tmp_path / "log")
    kill_when(process, lambda: list(data.glob(".backup-*/database.sqlite3")))
    left = staging_dirs(data)
    assert left, "the killed backup left nothing to clean up"

    checked = run_ok("check", env=env)
    assert staging_dirs(data) == []
    assert f"Removed what interrupted backups or restores left in {data}: {left[0]}" in checked

    run_ok("backup", str(tmp_path / "next.backup"), env=env)
    assert staging_dirs(data) == []


def test_the_next_backup_removes_what_a_killed_one_left(source, tmp_path):
    data, env = source["data"], source["env"]
    stale = data / ".backup-k1ll3d"
    stale.mkdir(mode=0o700)
    (stale / "database.sqlite3").write_bytes(b"a plain copy of the database")
    (stale / staging.STAGING_LOCK).touch()  # its process died: nobody holds the lock

    run_ok("backup", str(tmp_path / "next.backup"), env=env)
    assert not stale.exists()


def test_a_running_backups_copy_is_left_alone(settings, tmp_path):
    """The staging directory of a backup still running (its lock held), or one just
    being made (no lock yet), survives another command's clean-up; one without a
    lock that is older than a minute (an older Habeas's) does not."""
    settings.DATA_DIR = tmp_path
    running = staging.staging_dir(".backup-")
    young = tmp_path / ".restore-young"
    young.mkdir()
    old = tmp_path / ".backup-old"
    old.mkdir()
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    try:
        result = habeas("check", env=habeas_env(tmp_path))
        assert result.returncode == 0, result.stderr
        assert running.is_dir()
        assert young.is_dir()
        assert not old.exists()
    finally:
        staging.remove_staging(running)
    assert not running.exists()


def test_an_interrupted_restore_is_named_stops_habeas_and_can_be_run_again(source, tmp_path):
    """GIVEN `habeas restore` killed with SIGKILL half-way
    WHEN the operator starts Habeas
    THEN it refuses, naming the interrupted restore; running the restore again
    clears away the half-restored data and restores everything."""
    target = tmp_path / "b"
    target.mkdir(mode=0o700)
    shutil.copy2(source["data"] / "keys.json", target / "keys.json")
    env = habeas_env(target)
    archive = source["archive"]
    process = start("restore", str(archive), env=env, log=tmp_path / "log")
    kill_when(process, lambda: list(target.glob(".restore-*/files/big.bin")))

    refused = habeas("serve", env=env)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    assert f"(habeas.E111) A restore into {target} was interrupted (of {archive}" in refused.stderr
    assert f"Run `habeas restore {archive}` again" in refused.stderr
    assert staging_dirs(target) == []  # the plain copy is gone already

    again = run_ok("restore", str(archive), env=env)
    assert f"A restore of {archive} (started " in again
    assert "had been interrupted: what it had placed was removed" in again
    assert "Restored the backup of" in again
    assert run_ok("check", env=env)
    db = sqlite3.connect(target / "habeas.sqlite3")
    assert db.execute("select action from audit_auditentry order by id desc").fetchone() == (
        "backup.restore",
    )
    assert (target / "files" / "big.bin").stat().st_size == BIG
    assert not (target / restoring.RESTORE_MARKER).exists()


def test_a_restore_killed_after_placing_the_database_is_cleared_and_redone(source, tmp_path):
    """The state a restore killed after placing the database leaves (its marker, the
    database, the stored files, no `backup.restore` entry): the retry does not
    stop at "the data directory already has a database"."""
    target = tmp_path / "b"
    target.mkdir(mode=0o700)
    shutil.copy2(source["data"] / "keys.json", target / "keys.json")
    env = habeas_env(target)
    shutil.copy2(source["data"] / "habeas.sqlite3", target / "habeas.sqlite3")
    (target / "files").mkdir()
    (target / "files" / "half.bin").write_bytes(b"part of the files")
    (target / restoring.RESTORE_MARKER).write_text(
        '{"backup": "/srv/backups/monday.backup", "started_at": "2026-12-01T03:00:00Z"}'
    )

    refused = habeas("migrate", env=env)
    assert refused.returncode != 0
    assert "was interrupted (of /srv/backups/monday.backup" in refused.stderr

    again = run_ok("restore", str(source["archive"]), env=env)
    assert "/srv/backups/monday.backup (started 2026-12-01T03:00:00Z) had been interrupted" in again
    assert not (target / "files" / "half.bin").exists()
    assert (target / "files" / "big.bin").exists()


def test_a_restore_killed_before_renaming_its_database_copy_is_cleaned_up_quietly(source, tmp_path):
    """GIVEN what a restore killed between copying the database and renaming it
    leaves: its marker (of a backup path with a space), the full plain copy
    `habeas.sqlite3.restoring`, a database with no stored files beside it
    WHEN Habeas is started (here `habeas check`)
    THEN the plain copy is removed and named, the refusal is the interrupted
    restore's alone (no warning per unreadable file, no key error), and its advice
    can be pasted into a shell."""
    target = tmp_path / "b"
    target.mkdir(mode=0o700)
    shutil.copy2(source["data"] / "keys.json", target / "keys.json")
    shutil.copy2(source["data"] / "habeas.sqlite3", target / "habeas.sqlite3")
    shutil.copy2(source["data"] / "habeas.sqlite3", target / "habeas.sqlite3.restoring")
    (target / restoring.RESTORE_MARKER).write_text(
        '{"backup": "/srv/my backups/monday.backup", "started_at": "2026-12-01T03:00:00Z"}'
    )
    result = habeas("check", env=habeas_env(target))
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in said
    assert not (target / "habeas.sqlite3.restoring").exists()
    assert "(habeas.I110) Removed what interrupted backups or restores left" in said
    assert "habeas.sqlite3.restoring" in said
    assert "(habeas.E111) A restore into" in said
    assert "Run `habeas restore '/srv/my backups/monday.backup'` again" in said
    assert "unreadable" not in said
    assert [line for line in said.splitlines() if "(habeas.E1" in line and "E111" not in line] == []


def test_a_running_restores_database_copy_is_left_alone_and_named_absolutely(
    settings, tmp_path, monkeypatch
):
    """A restore that runs (its marker locked) keeps its database copy; its marker
    names the backup by its absolute path, whatever directory it was typed in."""
    settings.DATA_DIR = tmp_path
    monkeypatch.chdir(tmp_path)
    marker = restore.mark_restoring(Path("monday.backup"), replacing=False)
    copying = tmp_path / "habeas.sqlite3.restoring"
    copying.write_bytes(b"the copy being made")
    try:
        result = habeas("check", env=habeas_env(tmp_path))
        assert "(habeas.E111) A restore into" in result.stderr
        assert f"is running (of {tmp_path / 'monday.backup'}, started" in result.stderr
        assert copying.exists()
        assert restoring.unfinished_restore().backup == str(tmp_path / "monday.backup")
    finally:
        restore.unmark_restoring(marker)
