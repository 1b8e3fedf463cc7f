"""Maintenance only: erase what 0020/0021 took out of the case but SQLite may keep.

The real name once typed into "last contact: with whom" left the case's columns in
0020 (blanked, moved into a sealed source) and 0021 (column dropped), but an
overwritten value and a dropped table's pages are not erased by SQLite unless
`secure_delete` is on, which many builds leave off (settings now turn it on for
every connection): the text stayed readable in the database file's free space and
in stale frames of the -wal file. Here the WAL is checkpointed and emptied, and
VACUUM rewrites the whole file from its live rows only.

Not atomic: VACUUM and a checkpoint cannot run inside a transaction. On PostgreSQL
nothing is done here: docs/operations.md (Upgrades) says to run `VACUUM FULL` on
cases_case and cases_historicalcase by hand, which needs a lock a migration should
not take on a large table unannounced.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        # secure_delete for this connection whatever it was opened with, so that the
        # checkpoint and VACUUM themselves leave nothing behind.
        cursor.execute("PRAGMA secure_delete=ON")
        # Stale frames in the WAL may hold the old pages: copy back, then empty it.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("VACUUM")
        # VACUUM wrote the new file through the WAL: empty it again.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0023_case_un_submitted_on_filled"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
