"""The real name once typed into "last contact: with whom" must not survive the
upgrade that moved it into a sealed source (cases 0020/0021) in the SQLite file's
free pages or in the -wal file of a running site (adversarial review of issue 13).

Each step runs in a process of its own against a database file in a temporary data
directory, as an upgrade does: the data is written as the old form wrote it (the
schema taken back to cases 0017), then `migrate` brings it forward."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

WRITE_AS_BEFORE = """
import django; django.setup()
from django.core.management import call_command
from django.db import connection
from habeas.accounts.models import User
from habeas.cases import services
call_command("migrate", verbosity=0)
user = User.objects.create_user(username="demo", password="a long password 1", role="staff")
case = services.case_create(
    reference="TM-2021-001", person=services.person_create(name="P", by=user),
    country="TM", by=user,
)
# Back to before 0018, whose rebuild of the case tables (its own upgrade from
# before this round) leaves the old pages, text and all, on the free list.
call_command("migrate", "cases", "0017_personname_public_id_unique", verbosity=0)
with connection.cursor() as cursor:
    # As the old form wrote it: one name, then another, each kept in the history.
    for text in ("Zulfiya CANARYFIRSTQX Nurmatova", "Second CANARYSECONDQX person"):
        cursor.execute(
            "UPDATE cases_case SET last_contact_with = %s", [text]
        )
        cursor.execute(
            "UPDATE cases_historicalcase SET last_contact_with = %s WHERE history_id = "
            "(SELECT MAX(history_id) FROM cases_historicalcase)", [text],
        )
connection.close()
"""

# A SQLite built without SECURE_DELETE (python.org, pyenv, macOS and many
# distributions' builds) stands here as this connection with the pragma off.
MIGRATE_WITHOUT_SECURE_DELETE = """
import django; django.setup()
from django.core.management import call_command
from django.db import connection
connection.ensure_connection()
connection.cursor().execute("PRAGMA secure_delete=OFF")
call_command("migrate", verbosity=0)
connection.close()
"""

MIGRATE = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
"""


def _run(script: str, data: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HABEAS_")}
    env.update(
        HABEAS_DATA_DIR=str(data), PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="habeas.settings"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]


def _leftovers(data: Path) -> dict[str, int]:
    return {
        p.name: p.read_bytes().count(b"CANARY")
        for p in data.iterdir()
        if p.name.startswith("habeas.sqlite3")
    }


@pytest.fixture
def data(tmp_path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    _run(WRITE_AS_BEFORE, data)
    assert any(_leftovers(data).values())  # the text is there to be erased
    return data


def test_the_moved_name_is_not_left_in_the_free_pages_of_the_database_file(data):
    _run(MIGRATE_WITHOUT_SECURE_DELETE, data)
    assert not any(_leftovers(data).values()), _leftovers(data)


def test_the_moved_name_is_not_left_in_the_wal_of_a_running_site(data):
    running_site = sqlite3.connect(data / "habeas.sqlite3")  # serve's or watch's connection
    try:
        running_site.execute("SELECT count(*) FROM cases_case").fetchall()
        _run(MIGRATE, data)
        running_site.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # the site goes on
        assert not any(_leftovers(data).values()), _leftovers(data)
    finally:
        running_site.close()


def test_every_connection_erases_what_it_deletes(settings):
    # Read from the settings: this machine's SQLite may have the pragma on by build,
    # so asking a connection would not tell whether Habeas sets it.
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("a SQLite pragma")
    pragmas = options["init_command"].replace(" ", "").lower().split(";")
    assert "pragmasecure_delete=on" in pragmas
