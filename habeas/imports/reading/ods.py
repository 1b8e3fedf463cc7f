"""ODS (LibreOffice, OpenOffice) read by hand: content.xml streamed through guarded expat.

No library reads ODS without loading the whole document; a sheet of 100,000 rows must stream.
The reader (habeas.imports.reading.events) refuses any DTD, entity or external reference as
defusedxml does, so an "XML bomb" or a request to read a file on the server stops the reading
with a clear message. A sheet stores repeated rows and columns once with a count ("1,048,000
empty rows"): empty repeats are counted, never expanded. Formulas are read as the result
saved with the file, never as their text; comments on cells are not cell text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import IO
from xml.parsers import expat

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from . import events
from .table import (
    MAX_CELL,
    MAX_COLUMNS,
    Collector,
    ReadError,
    Table,
    build_table,
    cell_too_long,
    xml_attack,
)
from .xlsx import value_text
from .zipguard import open_zip

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0 "
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0 "

T_TABLE = _TABLE + "table"
T_ROW = _TABLE + "table-row"
T_CELL = _TABLE + "table-cell"
T_COVERED = _TABLE + "covered-table-cell"
S_STYLE = _STYLE + "style"
S_TABLE_PROPS = _STYLE + "table-properties"
A_NAME = _TABLE + "name"
A_STYLE = _TABLE + "style-name"
A_DISPLAY = _TABLE + "display"
A_ROWS_REPEATED = _TABLE + "number-rows-repeated"
A_COLS_REPEATED = _TABLE + "number-columns-repeated"
A_COLS_SPANNED = _TABLE + "number-columns-spanned"
A_ROWS_SPANNED = _TABLE + "number-rows-spanned"
A_FORMULA = _TABLE + "formula"
A_VALUE_TYPE = _OFFICE + "value-type"
A_VALUE = _OFFICE + "value"
A_DATE = _OFFICE + "date-value"
A_TIME = _OFFICE + "time-value"
A_BOOLEAN = _OFFICE + "boolean-value"
A_STYLE_NAME = _STYLE + "name"
O_ANNOTATION = _OFFICE + "annotation"
X_P = _TEXT + "p"
X_S = _TEXT + "s"
X_C = _TEXT + "c"
X_TAB = _TEXT + "tab"
X_BREAK = _TEXT + "line-break"

_DURATION = re.compile(r"-?PT?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?")


def read_ods(data: bytes, *, max_rows: int, sheet: str = "") -> Table:
    archive = open_zip(data, "ODS")
    try:
        source = archive.open("content.xml")
    except KeyError:
        raise ReadError(_("The file is not a valid ODS file: it has no content.")) from None
    warnings: list[str] = []
    reader = _Reader(source, sheet, warnings, max_rows)
    table = build_table(reader.rows(), max_rows=max_rows, warnings=warnings, on_end=[reader.finish])
    table.sheet = reader.sheet
    return table


class _Reader:
    def __init__(self, source: IO[bytes], wanted: str, warnings: list[str], max_rows: int) -> None:
        self.source, self.wanted, self.warnings = source, wanted, warnings
        self.max_rows = max_rows
        self.sheet = ""
        self.hidden_styles: set[str] = set()
        self.unsaved = Collector(warnings)
        self.merged = Collector(warnings)
        self.out: list[tuple[int, list[str]]] = []
        self.style = ""  # the style:style being read
        self.reading = False  # inside the sheet chosen
        self.finished = False  # past it: the rest of the file is not read
        self.number = 0  # the last row number of the sheet read
        self.row_repeat = 1
        self.cells: list[str] = []
        self.pending = 0  # empty cells not yet added: trailing ones never are
        self.cell: dict[str, str] | None = None
        self.covered = False
        self.text: list[str] = []
        self.length = 0  # characters in self.text, counted before they are made
        self.paragraphs = 0
        self.in_p = 0
        self.in_note = 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        try:
            for _chunk in events.parse(
                self.source, self._start, self._end, self._text, pending=self.out
            ):
                yield from self.out
                self.out.clear()
                if self.finished:
                    break
        except DefusedXmlException:
            raise xml_attack("ODS") from None
        except expat.ExpatError:
            raise ReadError(_("The ODS file is damaged: its content cannot be read.")) from None
        finally:
            self.source.close()
        if not self.sheet:
            if self.wanted:
                raise ReadError(
                    _("The workbook has no sheet named “%(sheet)s”.") % {"sheet": self.wanted}
                )
            raise ReadError(_("The workbook has no visible sheet to read."))

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if self.cell is not None:
            if name == O_ANNOTATION or self.in_note:
                self.in_note += 1
            elif name == X_P:
                if self.paragraphs:
                    self._append("\n", 1)
                self.paragraphs += 1
                self.in_p += 1
            elif self.in_p:
                if name == X_S:
                    # "N spaces" is a few bytes in the file: counted before it is made.
                    spaces = _count(attrs.get(X_C))
                    self._grow(spaces)
                    self.text.append(" " * spaces)
                elif name == X_TAB:
                    self._append("\t", 1)
                elif name == X_BREAK:
                    self._append("\n", 1)
        elif name in (T_CELL, T_COVERED):
            if self.reading:
                self.cell, self.covered = attrs, name == T_COVERED
                self.text, self.length, self.paragraphs = [], 0, 0
        elif name == T_ROW:
            self.row_repeat = _count(attrs.get(A_ROWS_REPEATED))
            self.cells, self.pending = [], 0
        elif name == T_TABLE:
            if not self.finished:
                self.reading = self._choose(attrs)
                self.number = 0
        elif name == S_STYLE:
            self.style = attrs.get(A_STYLE_NAME, "")
        elif name == S_TABLE_PROPS and attrs.get(A_DISPLAY) == "false":
            self.hidden_styles.add(self.style)

    def _end(self, name: str) -> None:
        if self.cell is not None:
            if self.in_note:
                self.in_note -= 1
            elif name == X_P:
                self.in_p -= 1
            elif name in (T_CELL, T_COVERED):
                self._add_cell(self.cell)
                self.cell = None
        elif name == T_ROW and self.reading:
            if any(self.cells):
                # One more than the table may hold is enough for build_table to refuse it.
                for _i in range(min(self.row_repeat, self.max_rows + 1)):
                    self.number += 1
                    self.out.append((self.number, self.cells))
            else:
                self.number += self.row_repeat
        elif name == T_TABLE and self.reading:
            self.reading, self.finished = False, True

    def _text(self, data: str) -> None:
        if self.in_p and not self.in_note:
            self._append(data, len(data))

    def _append(self, text: str, length: int) -> None:
        self._grow(length)
        self.text.append(text)

    def _grow(self, length: int) -> None:
        self.length += length
        if self.length > MAX_CELL:
            raise cell_too_long(self.number + 1)

    def _choose(self, attrs: dict[str, str]) -> bool:
        name = attrs.get(A_NAME, "")
        if self.sheet:
            return False
        if self.wanted:
            chosen = name == self.wanted
        else:
            chosen = attrs.get(A_STYLE, "") not in self.hidden_styles
            if not chosen:
                self.warnings.append(
                    _("The hidden sheet “%(sheet)s” is not read.") % {"sheet": name}
                )
        if chosen:
            self.sheet = name
        return chosen

    def _add_cell(self, cell: dict[str, str]) -> None:
        cells = self.cells
        repeat = _count(cell.get(A_COLS_REPEATED))
        text = "" if self.covered else self._value(cell, len(cells) + self.pending)
        if not text:
            self.pending += repeat
            return
        if len(cells) + self.pending >= MAX_COLUMNS:
            if not cells or cells[-1] != "…":
                cells.append("…")  # beyond any header: reported by build_table
            return
        cells.extend([""] * self.pending)
        self.pending = 0
        first = len(cells) + 1
        cells.extend([text] * min(repeat, MAX_COLUMNS - len(cells)))
        spans = _count(cell.get(A_COLS_SPANNED)), _count(cell.get(A_ROWS_SPANNED))
        if spans != (1, 1):
            row = self.number + 1
            start = f"{get_column_letter(first)}{row}"
            last = f"{get_column_letter(min(first + spans[0] - 1, 16384))}{row + spans[1] - 1}"
            self.merged.add(
                _(
                    "Cells %(range)s are merged: their value is read in %(cell)s only, the "
                    "other cells are empty."
                )
                % {"range": f"{start}:{last}", "cell": start}
            )

    def _value(self, cell: dict[str, str], index: int) -> str:
        kind = cell.get(A_VALUE_TYPE)
        if kind in ("float", "percentage", "currency"):
            raw = cell.get(A_VALUE, "")
            try:
                text = value_text(float(raw))
            except ValueError:
                text = raw.strip()
        elif kind == "date":
            text = _date(cell.get(A_DATE, ""))
        elif kind == "time":
            text = _duration(cell.get(A_TIME, ""))
        elif kind == "boolean":
            text = "TRUE" if cell.get(A_BOOLEAN) == "true" else "FALSE"
        else:
            text = "".join(self.text).strip()
        if not text and cell.get(A_FORMULA):
            self.unsaved.add(
                _(
                    "Cell %(cell)s has a formula whose result was not saved with the file: "
                    "it is read as empty. Open the file in a spreadsheet program and save "
                    "it again to keep the results."
                )
                % {"cell": f"{get_column_letter(min(index + 1, 16384))}{self.number + 1}"}
            )
        return text

    def finish(self) -> None:
        self.unsaved.close(_("%(count)d more cells have formulas whose result was not saved."))
        self.merged.close(_("%(count)d more blocks of cells are merged."))


def _count(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


def _date(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value.strip()
    return value_text(moment)


def _duration(value: str) -> str:
    match = _DURATION.fullmatch(value.strip())
    if not match:
        return value.strip()
    hours, minutes, seconds = (float(g) if g else 0 for g in match.groups())
    return f"{int(hours):02d}:{int(minutes):02d}:{int(seconds):02d}"
