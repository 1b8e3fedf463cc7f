"""ODS (LibreOffice, OpenOffice) read by hand: content.xml streamed through defusedxml.

No library reads ODS without loading the whole document; a sheet of 100,000 rows must stream.
defusedxml refuses any DTD, entity or external reference, so an "XML bomb" or a request to
read a file on the server stops the reading with a clear message. A sheet stores repeated
rows and columns once with a count ("1,048,000 empty rows"): empty repeats are counted, never
expanded. Formulas are read as the result saved with the file, never as their text.
"""

from __future__ import annotations

import datetime as dt
import re

# The element type and its parse error only; parsing is defusedxml's.
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .table import MAX_COLUMNS, Collector, ReadError, Table, build_table
from .xlsx import value_text
from .zipguard import open_zip

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"

T_TABLE = f"{{{_TABLE}}}table"
T_ROW = f"{{{_TABLE}}}table-row"
T_CELL = f"{{{_TABLE}}}table-cell"
T_COVERED = f"{{{_TABLE}}}covered-table-cell"
S_STYLE = f"{{{_STYLE}}}style"
S_TABLE_PROPS = f"{{{_STYLE}}}table-properties"
A_NAME = f"{{{_TABLE}}}name"
A_STYLE = f"{{{_TABLE}}}style-name"
A_DISPLAY = f"{{{_TABLE}}}display"
A_ROWS_REPEATED = f"{{{_TABLE}}}number-rows-repeated"
A_COLS_REPEATED = f"{{{_TABLE}}}number-columns-repeated"
A_COLS_SPANNED = f"{{{_TABLE}}}number-columns-spanned"
A_ROWS_SPANNED = f"{{{_TABLE}}}number-rows-spanned"
A_FORMULA = f"{{{_TABLE}}}formula"
A_VALUE_TYPE = f"{{{_OFFICE}}}value-type"
A_VALUE = f"{{{_OFFICE}}}value"
A_DATE = f"{{{_OFFICE}}}date-value"
A_TIME = f"{{{_OFFICE}}}time-value"
A_BOOLEAN = f"{{{_OFFICE}}}boolean-value"
A_STYLE_NAME = f"{{{_STYLE}}}name"
X_P = f"{{{_TEXT}}}p"
X_S = f"{{{_TEXT}}}s"
X_C = f"{{{_TEXT}}}c"
X_TAB = f"{{{_TEXT}}}tab"
X_BREAK = f"{{{_TEXT}}}line-break"

_DURATION = re.compile(r"-?PT?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?")


def read_ods(data: bytes, *, max_rows: int, sheet: str = "") -> Table:
    archive = open_zip(data, "ODS")
    try:
        source = archive.open("content.xml")
    except KeyError:
        raise ReadError(_("The file is not a valid ODS file: it has no content.")) from None
    warnings: list[str] = []
    reader = _Reader(source, sheet, warnings)
    table = build_table(reader.rows(), max_rows=max_rows, warnings=warnings, on_end=[reader.finish])
    table.sheet = reader.sheet
    return table


class _Reader:
    def __init__(self, source: Any, wanted: str, warnings: list[str]) -> None:
        self.source, self.wanted, self.warnings = source, wanted, warnings
        self.sheet = ""
        self.hidden_styles: set[str] = set()
        self.unsaved = Collector(warnings)
        self.merged = Collector(warnings)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        try:
            yield from self._rows()
        except DefusedXmlException:
            raise ReadError(
                _(
                    "The ODS file contains XML declarations (entities or a DTD) that a "
                    "spreadsheet never needs; it is refused as a possible attack."
                )
            ) from None
        except ET.ParseError:
            raise ReadError(_("The ODS file is damaged: its content cannot be read.")) from None
        finally:
            self.source.close()

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        stack: list[ET.Element] = []
        reading = False  # inside the sheet chosen
        number = 0
        for event, element in iterparse(self.source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                stack.append(element)
                if element.tag == T_TABLE:
                    reading = self._choose(element)
                    number = 0
                continue
            stack.pop()
            tag = element.tag
            if tag == S_STYLE:
                props = element.find(S_TABLE_PROPS)
                if props is not None and props.get(A_DISPLAY) == "false":
                    self.hidden_styles.add(element.get(A_STYLE_NAME, ""))
            elif tag == T_ROW:
                repeat = _count(element.get(A_ROWS_REPEATED))
                if reading:
                    cells = self._cells(element, number + 1)
                    if any(cells):
                        for _i in range(repeat):
                            number += 1
                            yield number, cells
                    else:
                        number += repeat
                element.clear()
                if stack:
                    stack[-1].remove(element)
                continue
            elif tag == T_TABLE and reading:
                return
        if not self.sheet:
            if self.wanted:
                raise ReadError(
                    _("The workbook has no sheet named “%(sheet)s”.") % {"sheet": self.wanted}
                )
            raise ReadError(_("The workbook has no visible sheet to read."))

    def _choose(self, table: ET.Element) -> bool:
        name = table.get(A_NAME, "")
        hidden = table.get(A_STYLE, "") in self.hidden_styles
        if self.sheet:
            return False
        if self.wanted:
            chosen = name == self.wanted
        else:
            chosen = not hidden
            if hidden:
                self.warnings.append(
                    _("The hidden sheet “%(sheet)s” is not read.") % {"sheet": name}
                )
        if chosen:
            self.sheet = name
        return chosen

    def _cells(self, row: ET.Element, number: int) -> list[str]:
        out: list[str] = []
        pending = 0  # empty cells not yet added: trailing ones never are
        for cell in row:
            if cell.tag not in (T_CELL, T_COVERED):
                continue
            repeat = _count(cell.get(A_COLS_REPEATED))
            text = "" if cell.tag == T_COVERED else self._value(cell, len(out) + pending, number)
            if not text:
                pending += repeat
                continue
            if len(out) + pending >= MAX_COLUMNS:
                out.append("…")  # beyond any header: reported by build_table
                break
            out.extend([""] * pending)
            pending = 0
            out.extend([text] * min(repeat, MAX_COLUMNS - len(out)))
            spans = _count(cell.get(A_COLS_SPANNED)), _count(cell.get(A_ROWS_SPANNED))
            if spans != (1, 1):
                first = f"{get_column_letter(len(out))}{number}"
                last = f"{get_column_letter(len(out) + spans[0] - 1)}{number + spans[1] - 1}"
                self.merged.add(
                    _(
                        "Cells %(range)s are merged: their value is read in %(cell)s only, the "
                        "other cells are empty."
                    )
                    % {"range": f"{first}:{last}", "cell": first}
                )
        return out

    def _value(self, cell: ET.Element, index: int, number: int) -> str:
        kind = cell.get(A_VALUE_TYPE)
        text = ""
        if kind in ("float", "percentage", "currency"):
            raw = cell.get(A_VALUE, "")
            try:
                text = value_text(float(raw))
            except ValueError:
                text = raw
        elif kind == "date":
            text = _date(cell.get(A_DATE, ""))
        elif kind == "time":
            text = _duration(cell.get(A_TIME, ""))
        elif kind == "boolean":
            text = "TRUE" if cell.get(A_BOOLEAN) == "true" else "FALSE"
        else:
            text = _paragraphs(cell)
        if not text and cell.get(A_FORMULA):
            self.unsaved.add(
                _(
                    "Cell %(cell)s has a formula whose result was not saved with the file: "
                    "it is read as empty. Open the file in a spreadsheet program and save "
                    "it again to keep the results."
                )
                % {"cell": f"{get_column_letter(index + 1)}{number}"}
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


def _paragraphs(cell: ET.Element) -> str:
    return "\n".join(_inline(p) for p in cell if p.tag == X_P).strip()


def _inline(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == X_S:
            parts.append(" " * _count(child.get(X_C)))
        elif child.tag == X_TAB:
            parts.append("\t")
        elif child.tag == X_BREAK:
            parts.append("\n")
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)
