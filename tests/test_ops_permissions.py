"""The data directory and the database are their owner's only, even when the
operator made the directory beforehand with the usual mode 0755 (as for
HABEAS_DATA_DIR=/srv/habeas): no other user of the computer can read case
content, usernames, password hashes or the audit log."""

from __future__ import annotations

import stat
from pathlib import Path

from habeas.core.checks import check_data_private
from tests.support.ops import habeas, habeas_env

# A write (as any request makes), then the modes of the database and of the -wal
# and -shm files SQLite keeps beside it while a connection is open.
WRITE_AND_SHOW_MODES = """
import pathlib, stat
from django.contrib.sessions.backends.db import SessionStore
SessionStore().save()
for suffix in ("", "-wal", "-shm"):
    path = pathlib.Path("{database}" + suffix)
    print(oct(stat.S_IMODE(path.stat().st_mode)))
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_data_directory_made_beforehand_and_its_database_become_owner_only(tmp_path):
    """GIVEN `mkdir -m 755 datadir`, and a database SQLite made world-readable
    WHEN Habeas starts there (migrate, demo writes: -wal and -shm appear)
    THEN the directory is 0700 and the database and its -wal/-shm 0600."""
    data = tmp_path / "datadir"
    data.mkdir()
    data.chmod(0o755)
    env = habeas_env(data)
    assert habeas("migrate", env=env).returncode == 0
    assert mode(data) == 0o700
    database = data / "habeas.sqlite3"
    assert mode(database) == 0o600

    database.chmod(0o644)  # made by an older Habeas, under umask 022
    code = WRITE_AND_SHOW_MODES.format(database=database)
    result = habeas("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0o600", "0o600", "0o600"]


def test_check_deploy_warns_about_data_other_users_can_read(settings, monkeypatch, tmp_path):
    """What Habeas could not tighten (another owner's directory, a database kept
    elsewhere) is named by `habeas check --deploy`, with the chmod that fixes it,
    ready to paste into a shell (a path with a space is quoted)."""
    data = tmp_path / "my data"
    data.mkdir(mode=0o700)
    database = tmp_path / "elsewhere" / "habeas.sqlite3"
    database.parent.mkdir()
    database.write_bytes(b"")
    settings.DATA_DIR = data
    # Only looked at, never connected to (so the same on a PostgreSQL test run).
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", database)
    (data / "secret_key").write_text("x" * 60)
    (data / "secret_key").chmod(0o600)
    assert check_data_private() == []

    data.chmod(0o755)
    database.chmod(0o644)
    (data / "secret_key").chmod(0o640)
    found = {(m.id, m.msg, m.hint) for m in check_data_private()}
    assert found == {
        (
            "habeas.W110",
            f"{data} can be read by other users of this computer (mode 0755).",
            f"chmod 700 '{data}'",
        ),
        (
            "habeas.W110",
            f"{database} can be read by other users of this computer (mode 0644).",
            f"chmod 600 {database}",
        ),
        (
            "habeas.W110",
            f"{data / 'secret_key'} can be read by other users of this computer (mode 0640).",
            f"chmod 600 '{data / 'secret_key'}'",
        ),
    }


def test_check_deploy_runs_the_permission_check(tmp_path):
    data = tmp_path / "data"
    env = habeas_env(data, HABEAS_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert habeas("migrate", env=env).returncode == 0
    (tmp_path / "db.sqlite3").chmod(0o644)
    result = habeas("check", "--deploy", env=env)
    assert f"(habeas.W110) {tmp_path / 'db.sqlite3'} can be read by other users" in result.stderr
