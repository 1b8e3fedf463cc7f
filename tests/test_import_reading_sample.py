"""The sample files a caseworker downloads from the import page: each column is recognised,
every cell is read, and a dry run of each would create every case (docs/import.md)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

import habeas.imports
from habeas.imports import columns, values
from habeas.imports.reading import read_table

DATA = Path(habeas.imports.__file__).parent / "data"
SAMPLES = ["sample-cases.csv", "sample-cases.xlsx"]


@pytest.mark.parametrize("name", SAMPLES)
def test_every_column_of_the_sample_is_recognised_and_every_cell_read(name):
    table = read_table((DATA / name).read_bytes(), name)
    mapping = columns.suggest_mapping(table.headers)
    assert len(mapping) == len(table.headers)
    rows = list(table.rows)
    assert len(rows) == 5
    assert table.warnings == []
    for row in rows:
        for index, key in mapping.items():
            kind = columns.FIELDS_BY_KEY[key].kind
            if kind == "date":
                values.parse_date(row.cells[index], today=timezone.localdate())
            else:
                values.PARSERS[kind](row.cells[index])


def test_the_two_samples_hold_the_same_table():
    csv, xlsx = (read_table((DATA / n).read_bytes(), n) for n in SAMPLES)
    assert csv.headers == xlsx.headers
    assert [r.cells for r in csv.rows] == [r.cells for r in xlsx.rows]


@pytest.mark.parametrize("name", SAMPLES)
def test_a_dry_run_of_the_sample_would_create_every_case(alice, name):
    out = StringIO()
    call_command("import", "cases", str(DATA / name), "--as", "alice", "--dry-run", stdout=out)
    assert "5 to create" in out.getvalue(), out.getvalue()
