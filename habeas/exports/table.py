"""The case list as a spreadsheet table, in the import's own columns, so that a
file exported here is a file `habeas import cases` reads back (docs/exports.md):
CSV for scripts and other programs, XLSX for Excel (a CSV's separator depends on
the reader's locale: Russian Excel splits on ";" and shows a comma-separated
file as one column).

Every cell goes through `habeas.lib.text.formula_escape`: a name or a place typed
as =HYPERLINK(…) reaches the partner's spreadsheet as text, never as a formula.
The XLSX keeps it too: openpyxl itself writes a string starting with "=" as a
formula, and a text cell would become one again the moment someone edits it."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from habeas.cases.models import Case, Person, Status
from habeas.imports.columns import FIELDS
from habeas.lib.text import formula_escape

# Several values in one cell (the spellings of a name, the tags): the import splits
# on ";" as well as on new lines.
JOIN = "; "


def _person(case: Case) -> Person | None:
    """The person the case was opened for (the first recorded). A case about several
    people exports them all in JSON; one row of the table holds one person."""
    people = list(case.people.all())
    return min(people, key=lambda p: p.pk) if people else None


def _names(case: Case) -> str:
    person = _person(case)
    if person is None:
        return ""
    # The primary spelling first, as the import takes the first as the name shown.
    return JOIN.join(n.text for n in person.names.all())


def _of_person(read: Callable[[Person], str]) -> Callable[[Case], str]:
    def cell(case: Case) -> str:
        person = _person(case)
        return read(person) if person is not None else ""

    return cell


def _edtf(attribute: str) -> Callable[[Case], str]:
    def read(case: Case) -> str:
        value = getattr(case, attribute)
        return value.to_edtf() if value else ""

    return read


def _text(attribute: str) -> Callable[[Case], str]:
    return lambda case: str(getattr(case, attribute) or "")


def _status(case: Case) -> str:
    # The label, in English whoever downloads (a partner's script reads it; the
    # import reads English and Russian labels back: habeas.imports.values.parse_status).
    if not case.current_status:
        return ""
    with translation.override("en"):
        return str(Status(case.current_status).label)


def _status_on(case: Case) -> str:
    # The day the current status is known as of (annotated by
    # exports.selectors.case_list_export): the import refuses a status other than
    # "reported missing" without it, so a released person's row comes back.
    value = getattr(case, "current_status_on", None)
    return value.isoformat() if value else ""


# Import column (habeas/imports/columns.py, FIELDS' keys) → its value for a case.
CELLS: dict[str, Callable[[Case], str]] = {
    "reference": lambda case: case.reference,
    # The case's own id: importing the file twice, or into the instance it came
    # from, finds the cases already there instead of making them again.
    "external_id": lambda case: str(case.public_id),
    "name": _names,
    "sex": _of_person(lambda p: p.sex),
    "birth_date": _of_person(lambda p: p.birth_date.to_edtf() if p.birth_date else ""),
    "nationality": _of_person(lambda p: p.nationality.code or ""),
    "occupation": _of_person(lambda p: p.occupation),
    "affiliation": _of_person(lambda p: p.affiliation),
    "description": _of_person(lambda p: p.description),
    "country": lambda case: case.country.code or "",
    "taken_in_country": lambda case: case.taken_in_country.code or "",
    "disappeared_on": _edtf("disappeared_on"),
    "disappeared_place": _text("disappeared_place"),
    "last_contact_on": _edtf("last_contact_on"),
    "last_contact_place": _text("last_contact_place"),
    "last_contact_channel": _text("last_contact_channel"),
    # Yes, or empty for no: the import reads both (habeas.imports.values.parse_flag).
    "risk_torture": lambda case: "yes" if case.risk_torture else "",
    "risk_health": lambda case: "yes" if case.risk_health else "",
    "risk_family_reprisals": lambda case: "yes" if case.risk_family_reprisals else "",
    "summary": _text("summary"),
    "status": _status,
    "status_date": _status_on,
    "priority": lambda case: str(case.priority),
    "tags": lambda case: JOIN.join(sorted(t.name for t in case.tags.all())),
}

# Import columns the table leaves empty, and why (tests/test_exports_csv.py holds
# every import column to be in CELLS or here).
NOT_WRITTEN = {
    # One cell holds every spelling, each in its own script, which the import tells
    # from its letters: one script for them all would be wrong for all but one.
    "name_script": "each spelling's script is told from its letters",
}


# The columns: the import's, in its order (a value above for a column the import
# does not have is not written).
KEYS: list[str] = [f.key for f in FIELDS if f.key in CELLS]


def row(case: Case, keys: list[str] = KEYS) -> list[str]:
    return [formula_escape(CELLS[key](case)) for key in keys]


class _Line:
    """A file-like object that hands back what csv.writer wrote, one line at a time."""

    def write(self, text: str) -> str:
        return text


def csv_lines(cases: Iterable[Case], keys: list[str] = KEYS) -> Iterator[str]:
    """The CSV text, line by line (a download streams it: 100,000 cases are never
    one string in memory). A byte-order mark first: Excel then reads UTF-8."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([formula_escape(k) for k in keys])
    for case in cases:
        yield writer.writerow(row(case, keys))


def xlsx_file(cases: Iterable[Case], keys: list[str] = KEYS) -> IO[bytes]:
    """The same table as an XLSX workbook, in a temporary file (openpyxl's
    write-only mode keeps one row in memory, not the list). Every cell is text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="cases")
    sheet.append([formula_escape(k) for k in keys])
    for case in cases:
        # XML cannot hold most control characters (a tab or new line stays).
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row(case, keys)])
    # Closed by whoever reads it (the download's FileResponse).
    out = tempfile.TemporaryFile()  # noqa: SIM115
    book.save(out)
    out.seek(0)
    return out
