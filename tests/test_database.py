import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_make_test_asked_for():
    """`make test` runs the suite twice; this fails if the PostgreSQL run silently
    fell back to SQLite."""
    expected = os.environ.get("HABEAS_EXPECT_DATABASE") or "sqlite"
    assert connection.vendor == expected


def test_the_command_tests_run_habeas_on_a_fresh_database_of_the_same_kind(tmp_path):
    """The tests that run `habeas` in a subprocess (commands, backups, migrations on
    encrypted data) get a fresh database of their own, of the pass's kind."""
    from tests.support.commands import habeas, habeas_env

    env = habeas_env(tmp_path)
    shown = habeas(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.db import connection as c; print(c.vendor, c.settings_dict['NAME'])",
        env=env,
    )
    vendor, name = shown.stdout.split()
    assert vendor == (os.environ.get("HABEAS_EXPECT_DATABASE") or "sqlite"), shown.stderr
    assert name != connection.settings_dict["NAME"]
    if vendor == "postgresql":
        assert env["HABEAS_DATABASE_URL"].endswith(f"/{name}")
