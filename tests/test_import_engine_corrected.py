"""A row corrected since its import (a file without an external id, imported again
after fixing a cell): its fingerprint changed, but the same row number of an earlier
import made a case for the person its name matches. The dry run says "Changed since
the import of <date> (case REF)", skips it by default and offers to import it as new:
no second case for the same person by default (note15, "Left for later").

Rule: habeas/imports/plan.py (`_changed_since`), docs/import.md."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import StringIO

import time_machine
from django.core.management import call_command

from habeas.cases.models import Case, Person
from habeas.imports.models import ImportedRecord
from tests.support.imports import _text, _to_dry_run

TODAY = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
HEADER = "Name,Date of birth,Disappeared on,Place,Country\n"
FIRST = HEADER + (
    "Azat Isakov,14.03.1985,20.10.2021,Moscow,TM\n"
    "Мерет Ходжаев,1985,2022-01,Ashgabat,TM\n"
    "Guljan Annaeva,1990,2020-05-03,Mary,TM\n"
)
# Row 3 corrected (the place), row 4 as it was.
CORRECTED = FIRST.replace("Ashgabat", "Ашхабад у дома")
MAPPING = {
    "column_0": "name",
    "column_1": "birth_date",
    "column_2": "disappeared_on",
    "column_3": "disappeared_place",
    "column_4": "country",
}


def _command(tmp_path, content: str, *args: str) -> str:
    path = tmp_path / "cases.csv"
    path.write_text(content, encoding="utf-8")
    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("import", "cases", str(path), "--as", "alice", *args, stdout=out)
    return out.getvalue()


def test_a_corrected_row_is_changed_since_the_import_and_skipped_by_default(alice, tmp_path):
    _command(tmp_path, FIRST)
    reference = ImportedRecord.objects.get(row=3).case.reference
    report = _command(tmp_path, CORRECTED, "--dry-run")
    assert (
        "row 3: IMP-" in report
        and f"Changed since the import of 2026-12-07 (case {reference})" in report
    ), report
    assert "row 2: nothing to do" in report and "row 4: nothing to do" in report
    done = _command(tmp_path, CORRECTED)
    assert "0 new cases" in done and "1 skipped" in done
    assert Person.objects.filter(display_name="Мерет Ходжаев").get().cases.count() == 1
    # The option to import it as new is there.
    assert "1 new cases" in _command(tmp_path, CORRECTED, "--duplicates", "new")
    assert Case.objects.count() == 4


def test_the_same_person_in_another_row_is_a_possible_duplicate_not_a_change(alice, tmp_path):
    _command(tmp_path, FIRST)
    # Мерет Ходжаев, row 3 of the first file, is row 2 of this one.
    moved = HEADER + "Мерет Ходжаев,1985,2022-01,x,TM\nGuljan Annaeva,1990,2020-05-03,Mary,TM\n"
    report = _command(tmp_path, moved, "--dry-run")
    assert "Changed since" not in report
    assert "row 2: " in report and "possible duplicate of Мерет Ходжаев" in report


def test_the_dry_run_page_shows_the_change_with_skip_chosen(client, alice):
    client.force_login(alice)
    with time_machine.travel(TODAY, tick=False):
        first = _to_dry_run(client, FIRST, MAPPING)
        assert client.post(f"/import/{first}/import/", {"what": "all"}).status_code == 302
        upload_id = _to_dry_run(client, CORRECTED, MAPPING)
        page = client.get(f"/import/{upload_id}/dry-run/")
    reference = ImportedRecord.objects.get(row=3).case.reference
    text = _text(page)
    assert "Row 3: changed since an earlier import" in text
    assert f"Changed since the import of 2026-12-07 (case {reference})" in text
    assert "Skipped by your decision 1" in text and "0 still to decide" in text
    html = page.content.decode()
    assert re.search(r'name="row_3" value="skip"[^>]*checked', html)
    assert 'value="new"' in html
    with time_machine.travel(TODAY, tick=False):
        done = client.post(f"/import/{upload_id}/import/", {"what": "all"})
    assert done.status_code == 302 and "/import/done/" in done["Location"]
    assert Case.objects.count() == 3
