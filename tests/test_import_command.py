"""`habeas import cases FILE`, as an administrator runs it on a spreadsheet: a dry run
that prints every row, the import itself, and one readable line on bad input."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from habeas.audit.models import AuditEntry
from habeas.cases.models import Case
from habeas.imports import services

CSV = (
    "Reference,ФИО,Дата рождения,Country,Disappeared on,Last contact\n"
    "TM-2021-101,Azat Isakov; Азат Исаков,1985,Turkmenistan,20.10.2021,Oct 2021\n"
    "TM-2021-102,Гулнара Бердыева,,TM,октябрь 2021,\n"
)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def sheet(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_a_dry_run_prints_each_row_and_writes_nothing_but_its_audit_entry(alice, sheet):
    out = _run("cases", str(sheet), "--as", "alice", "--dry-run")
    assert "row 2: TM-2021-101: new case" in out
    assert "row 3: TM-2021-102: new case" in out
    assert "Dry run: 2 rows: 2 to create" in out
    assert Case.objects.count() == 0
    assert AuditEntry.objects.filter(action="import.dry_run", actor_id=alice.pk).count() == 1


def test_the_import_then_the_same_file_again(alice, sheet):
    out = _run("cases", str(sheet), "--as", "alice")
    assert "Imported cases.csv: 2 new cases" in out
    assert Case.objects.count() == 2
    again = _run("cases", str(sheet), "--as", "alice")
    assert "row 2: nothing to do: Already imported on" in again
    assert "0 new cases, 0 for people already recorded, 0 skipped, 2 already imported" in again
    assert Case.objects.count() == 2


def test_a_file_with_a_bad_row_exits_with_one_line_and_imports_nothing(alice, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "TM-2021-103,Dilshod,,TM,31.02.2021,\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        _run("cases", str(path), "--as", "alice")
    assert str(error.value) == (
        "bad.csv: Row 4 has a problem: nothing was imported. Correct it, or import the valid "
        "rows only."
    )
    assert Case.objects.count() == 0
    out = _run("cases", str(path), "--as", "alice", "--valid-rows-only")
    assert "row 4: refused: Disappeared on: “31.02.2021” is not a date" in out
    assert "2 new cases" in out and "1 refused" in out


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--as", "nobody"], "No active user 'nobody'."),
        (["--as", "vera"], "vera is a viewer: a viewer cannot import cases."),
        (["--as", "alice", "--mapping", "Uwazi"], "No saved mapping 'Uwazi'."),
    ],
)
def test_bad_input_is_one_line(alice, vera, sheet, args, line):
    with pytest.raises(CommandError, match=f"^{line}$"):
        _run("cases", str(sheet), *args)


def test_an_unreadable_file_is_one_line(alice, tmp_path):
    missing = tmp_path / "missing.csv"
    with pytest.raises(CommandError, match=r"^Cannot read .*missing.csv: No such file"):
        _run("cases", str(missing), "--as", "alice")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(CommandError, match=r"^old.xls: This is an old Excel file"):
        _run("cases", str(old), "--as", "alice")


def test_a_file_without_a_name_column_is_one_line(alice, tmp_path):
    path = tmp_path / "noname.csv"
    path.write_text("Reference,Country\nR-1,TM\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"^noname.csv: Map a column to Name\.$"):
        _run("cases", str(path), "--as", "alice")


def test_a_saved_mapping_maps_columns_the_suggestion_would_not(alice, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Código,Nombre,País\nR-1,Azat Isakov,TM\n", encoding="utf-8")
    services.import_mapping_save(
        name="Spanish list",
        headers=["Código", "Nombre", "País"],
        mapping={0: "reference", 1: "name", 2: "country"},
        by=alice,
    )
    out = _run("cases", str(path), "--as", "alice", "--mapping", "Spanish list")
    assert "1 new cases" in out
    assert Case.objects.get().reference == "R-1"
