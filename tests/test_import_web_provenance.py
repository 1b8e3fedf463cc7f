"""Where an imported case came from, and what a copy of the database does not tell.

Every imported case records its import (the file's SHA-256, when, by whom) and its
row, and its page says "Imported from a file on <date> by <user>, row N", never the
file's name (which can name a source: it is kept sealed). The keys that recognise a
row when it comes back are HMACs under the key ring, so that a copy of the database
and a spreadsheet cannot confirm which rows were imported; files imported before
the upgrade are still recognised (the migration), and so are those imported before
a key rotation (the user replay's finding 14, the adversary's #13, imports half)."""

from __future__ import annotations

import hashlib
import importlib
import json
from datetime import UTC, datetime
from io import StringIO

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from habeas.cases.models import Case
from habeas.imports.models import ImportBatch, ImportedRecord, ImportUpload
from habeas.imports.plan import row_digest, row_keys
from tests.support.imports import _text, _to_dry_run, _upload, _upload_id

TODAY = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
SECRET_NAME = "statements-of-witness-Karimova.csv"
CSV = (
    "Reference,Name,Date of birth,Disappeared on,Country\n"
    "IMP-1,Azat Isakov,1990-03-14,2021-10-20,TM\n"
    "IMP-2,Мерет Ходжаев,1985,2022-01,TM\n"
)
MAPPING = {
    "column_0": "reference",
    "column_1": "name",
    "column_2": "birth_date",
    "column_3": "disappeared_on",
    "column_4": "country",
}


def _raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _import_command(tmp_path, name: str = "cases.csv", content: str = CSV) -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("import", "cases", str(path), "--as", "alice", stdout=out)
    return out.getvalue()


def test_an_imported_case_says_which_file_row_and_who_without_the_file_name(client, alice):
    client.force_login(alice)
    with time_machine.travel(TODAY, tick=False):
        upload_id = _to_dry_run(client, CSV, MAPPING, name=SECRET_NAME)
        # The name is the uploader's to see, but sealed at rest.
        assert "Karimova" not in " ".join(_raw("imports_importupload", "filename"))
        assert ImportUpload.objects.get().filename == SECRET_NAME
        assert client.post(f"/import/{upload_id}/import/", {"what": "all"}).status_code == 302
    case = Case.objects.get(reference="IMP-2")
    page = _text(client.get(case.get_absolute_url()))
    sha = hashlib.sha256(CSV.encode()).hexdigest()
    assert "Imported from a file on 7 Dec 2026 by alice, row 3." in page
    assert f"File SHA-256 {sha[:12]}…" in page
    assert "Karimova" not in page and "statements" not in page
    record = ImportedRecord.objects.select_related("batch").get(case=case)
    assert (record.row, record.batch.file_sha256, record.batch.created_by) == (3, sha, alice)
    assert "Karimova" not in " ".join(_raw("imports_importbatch", "filename"))
    assert ImportBatch.objects.get().filename == SECRET_NAME


def test_the_command_records_the_row_of_each_case(alice, client, tmp_path):
    _import_command(tmp_path, SECRET_NAME)
    client.force_login(alice)
    page = _text(client.get(Case.objects.get(reference="IMP-1").get_absolute_url()))
    assert "Imported from a file on 7 Dec 2026 by alice, row 2." in page


def test_a_case_entered_with_the_form_says_nothing_of_a_file(client, alice, alices_case):
    client.force_login(alice)
    assert "Imported from a file" not in _text(client.get(alices_case.get_absolute_url()))


def test_row_keys_are_keyed_so_a_database_copy_cannot_confirm_a_row(alice, tmp_path):
    content = "External id,Name,Country\n17,Azat Isakov,TM\n,Мерет Ходжаев,TM\n"
    _import_command(tmp_path, content=content)
    keys = set(ImportedRecord.objects.values_list("key", flat=True))
    cells = {"name": "Мерет Ходжаев", "country": "TM", "external_id": ""}
    unkeyed = (
        "row:"
        + hashlib.sha256(
            json.dumps(sorted(cells.items()), ensure_ascii=False, separators=(",", ":")).encode()
        ).hexdigest()
    )
    assert unkeyed == row_digest(cells, "")  # the premise: what was stored before
    assert "id:17" not in keys and unkeyed not in keys
    assert row_keys(row_digest(cells, ""))[0] in keys
    assert row_keys(row_digest({}, "17"))[0] in keys
    # Still recognised when the same file comes back.
    assert "2 already imported" in _import_command(tmp_path, content=content)


def test_rows_imported_before_a_key_rotation_are_still_recognised(alice, tmp_path, settings):
    _import_command(tmp_path)
    settings.HABEAS_KEYRING = settings.HABEAS_KEYRING.rotated()
    again = _import_command(tmp_path)
    assert "0 new cases" in again and "2 already imported" in again
    assert Case.objects.count() == 2


def test_the_migration_keys_the_keys_written_before_and_seals_file_names(alice, tmp_path):
    """Rows written with the old keys (the id in clear, the unkeyed hash) are recognised
    once migrated: idempotence survives the upgrade."""
    content = "External id,Name,Country\n17,Azat Isakov,TM\n,Мерет Ходжаев,TM\n"
    _import_command(tmp_path, SECRET_NAME, content)
    cells = {"name": "Мерет Ходжаев", "country": "TM", "external_id": ""}
    old = {"id:17", row_digest(cells, "")}  # as 0001 stored them
    for record in ImportedRecord.objects.all():
        record.key = "id:17" if record.row == 2 else row_digest(cells, "")
        record.save()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE imports_importbatch SET filename = %s", [SECRET_NAME])
    assert set(ImportedRecord.objects.values_list("key", flat=True)) == old

    migration = importlib.import_module(
        "habeas.imports.migrations.0002_keys_keyed_and_filenames_sealed"
    )

    class Editor:
        quote_name = staticmethod(connection.ops.quote_name)

    Editor.connection = connection
    migration.seal_the_names_kept_in_clear(apps, Editor())
    migration.key_the_row_keys(apps, Editor())
    assert "Karimova" not in " ".join(_raw("imports_importbatch", "filename"))
    assert ImportBatch.objects.get().filename == SECRET_NAME
    again = _import_command(tmp_path, content=content)
    assert "0 new cases" in again and "2 already imported" in again


def test_an_upload_with_a_source_naming_file_name_is_sealed(client, alice):
    client.force_login(alice)
    _upload_id(_upload(client, CSV, SECRET_NAME))
    assert all("Karimova" not in value for value in _raw("imports_importupload", "filename"))
