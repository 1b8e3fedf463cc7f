"""Reading a spreadsheet someone uploads: CSV, XLSX or ODS, into a header and text rows.

Pure code: no models, no database. The file may come from an adversary (a state that wants
the server down or its files read), so every reader bounds what it unpacks, refuses XML
entities and stops past `max_rows` with a message rather than cutting the file silently.
See docs/import.md for what users are told.
"""

from __future__ import annotations

import os

from django.utils.translation import gettext as _

from .csvfile import read_csv
from .ods import read_ods
from .table import ReadError, Row, Table
from .xlsx import read_xlsx

__all__ = ["MAX_ROWS", "ReadError", "Row", "Table", "read_table"]

MAX_ROWS = 100_000

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Excel .xls, and Word .doc


def read_table(data: bytes, filename: str, *, max_rows: int = MAX_ROWS, sheet: str = "") -> Table:
    """The table in `data`; its format is told by its content first, then by `filename`.

    `sheet` names the sheet of a workbook to read; by default the first visible one. Rows are
    streamed: iterate `Table.rows` once, then read `Table.warnings`. Raises ReadError, with a
    translated one-line message, for a file that cannot be read, also while the rows are read
    (damage found late, more rows than `max_rows`).
    """
    extension = os.path.splitext(filename.lower())[1]
    if not data:
        raise ReadError(_("The file is empty."))
    if data.startswith(_OLE) or extension == ".xls":
        raise ReadError(
            _(
                "This is an old Excel file (.xls). Open it in Excel or LibreOffice and save it "
                "as .xlsx or CSV."
            )
        )
    if data.startswith(_ZIP):
        if extension == ".ods" or (extension != ".xlsx" and _is_ods(data)):
            return read_ods(data, max_rows=max_rows, sheet=sheet)
        return read_xlsx(data, max_rows=max_rows, sheet=sheet)
    if extension in (".xlsx", ".xlsm", ".ods"):
        raise ReadError(
            _("The file is named %(name)s but is not a spreadsheet of that type.")
            % {"name": os.path.basename(filename)}
        )
    return read_csv(data, max_rows=max_rows)


def _is_ods(data: bytes) -> bool:
    # An ODS file starts with its uncompressed "mimetype" part, as the ODF standard requires.
    return b"application/vnd.oasis.opendocument.spreadsheet" in data[:100]
