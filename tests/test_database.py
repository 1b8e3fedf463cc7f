import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_make_test_asked_for():
    """`make test` runs the suite twice; this fails if the PostgreSQL run silently
    fell back to SQLite."""
    expected = os.environ.get("HABEAS_EXPECT_DATABASE") or "sqlite"
    assert connection.vendor == expected
