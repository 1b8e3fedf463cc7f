"""XLSX: the workbook's structure through openpyxl (read-only), each sheet streamed by hand.

openpyxl in read-only mode reads which sheets exist and which are hidden, the shared strings
and which cell styles are dates. Its row-by-row sheet parser runs in Python over defusedxml's
pure-Python parser, minutes for 100,000 rows, so the sheet itself is read with the guarded
expat reader (habeas.imports.reading.events), a few seconds.

Formulas are never read as their text: the result the spreadsheet program saved with the file
is. A formula whose result was not saved (files written by a library, not a spreadsheet
program) reads as empty, with a warning naming the cell. Merged cells keep their value in the
top-left cell, as XLSX stores them; the user is told, because the other rows of a merged
block are empty here while they looked filled on screen.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings as python_warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.escape import unescape
from openpyxl.xml.constants import SHARED_STRINGS

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
from .zipguard import open_zip

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
# Strict OOXML (ISO 29500) names the same elements under another namespace.
_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main "
_ROW, _CELL, _VALUE, _FORMULA = "row", "c", "v", "f"
_INLINE, _TEXT, _PHONETIC, _MERGE = "is", "t", "rPh", "mergeCell"


def read_xlsx(data: bytes, *, max_rows: int, sheet: str = "") -> Table:
    open_zip(data, "XLSX").close()
    try:
        book = _Workbook(data)
    except ReadError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged or hostile file
        if _caused_by_entities(exc):
            raise xml_attack("XLSX") from None
        raise ReadError(
            _("The file is not a valid XLSX file (it is damaged or of another type).")
        ) from None
    warnings: list[str] = []
    sheets = book.sheets
    if sheet:
        chosen = next((s for s in sheets if s.title == sheet), None)
        if chosen is None:
            raise ReadError(_("The workbook has no sheet named “%(sheet)s”.") % {"sheet": sheet})
    else:
        visible = [s for s in sheets if s.visible]
        if not visible:
            raise ReadError(_("The workbook has no visible sheet to read."))
        chosen = visible[0]
    for each in sheets:
        if each is not chosen and not each.visible:
            warnings.append(_("The hidden sheet “%(sheet)s” is not read.") % {"sheet": each.title})
    others = [s.title for s in sheets if s is not chosen and s.visible]
    if others:
        warnings.append(
            _(
                "Only the sheet “%(sheet)s” is read; the workbook's other sheets (%(others)s) "
                "are not."
            )
            % {"sheet": chosen.title, "others": ", ".join(f"“{o}”" for o in others)}
        )
    reader = _SheetReader(book, chosen, warnings)
    return build_table(
        reader.rows(), max_rows=max_rows, warnings=warnings, sheet=chosen.title,
        on_end=[reader.finish],
    )  # fmt: skip


@dataclass(frozen=True)
class _Sheet:
    title: str
    visible: bool
    path: str


class _Workbook:
    """What openpyxl's read-only loading reads, without its look at every sheet: for a sheet
    without a size note, openpyxl reads the whole sheet to find its size, slowly."""

    def __init__(self, data: bytes) -> None:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")  # openpyxl's notes on unsupported parts
            reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            reader.read_manifest()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
        self.archive: zipfile.ZipFile = reader.archive
        self.epoch = reader.wb.epoch
        self.date_styles: set[int] = set(reader.wb._date_formats)
        self.duration_styles: set[int] = set(reader.wb._timedelta_formats)
        self.sheets = [
            _Sheet(each.name, each.state == "visible", rel.target)
            for each, rel in reader.parser.find_sheets()
            if "chartsheet" not in rel.Type and rel.target in reader.valid_files
        ]
        part = reader.package.find(SHARED_STRINGS)
        self.strings: list[str] = []
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.strings = _shared_strings(source)


def _shared_strings(source: IO[bytes]) -> list[str]:
    """The shared string table: each <si>'s text runs, without phonetic guides (<rPh>)."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"collect": False, "phonetic": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "si":
            parts.clear()
        elif local == _PHONETIC:
            state["phonetic"] += 1
        elif local == _TEXT and not state["phonetic"]:
            state["collect"] = True

    def end(name: str) -> None:
        local = name.rpartition(" ")[2]
        if local == "si":
            text = "".join(parts)
            strings.append(unescape(text) if "_x" in text else text)
        elif local == _PHONETIC:
            state["phonetic"] -= 1
        elif local == _TEXT:
            state["collect"] = False

    def text(data: str) -> None:
        if state["collect"]:
            parts.append(data)

    for _chunk in events.parse(source, start, end, text, pending=[]):
        pass
    return strings


class _SheetReader:
    def __init__(self, book: _Workbook, ws: _Sheet, warnings: list[str]) -> None:
        self.book, self.ws, self.warnings = book, ws, warnings
        self.strings = book.strings
        self.dates = book.date_styles
        self.durations = book.duration_styles
        self.epoch = book.epoch
        self.unsaved = Collector(warnings)
        self.errors = Collector(warnings)
        self.merged: list[str] = []
        self.out: list[tuple[int, list[str]]] = []
        self.number = 0
        self.column = 0
        self.cells: list[str] = []
        self.cell: dict[str, str] | None = None
        self.value: list[str] = []
        self.length = 0
        self.collecting = False
        self.formula = False
        self.phonetic = 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        try:
            with self.book.archive.open(self.ws.path) as source:
                yield from self._parse(source)
        except ReadError:
            raise
        except DefusedXmlException:
            raise xml_attack("XLSX") from None
        except (expat.ExpatError, ValueError, IndexError, KeyError, OSError, EOFError):
            raise ReadError(
                _("The sheet “%(sheet)s” is damaged and cannot be read past row %(row)d.")
                % {"sheet": self.ws.title, "row": self.number}
            ) from None

    def _parse(self, source: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
        for _chunk in events.parse(source, self._start, self._end, self._text, pending=self.out):
            yield from self.out
            self.out.clear()

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if self.cell is not None:
            if local == _VALUE or (local == _TEXT and not self.phonetic):
                self.collecting = True
            elif local == _FORMULA:
                self.formula = True
            elif local == _PHONETIC:
                self.phonetic += 1
        elif local == _CELL:
            self.cell, self.value, self.length, self.formula = attrs, [], 0, False
            reference = attrs.get("r")
            self.column = _column(reference) if reference else self.column + 1
        elif local == _ROW:
            number = attrs.get("r")
            self.number = int(number) if number else self.number + 1
            self.cells, self.column = [], 0
        elif local == _MERGE and "ref" in attrs:
            self.merged.append(attrs["ref"])

    def _end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if self.cell is not None:
            if local in (_VALUE, _TEXT):
                self.collecting = False
            elif local == _PHONETIC:
                self.phonetic -= 1
            elif local == _CELL:
                self._add_cell(self.cell)
                self.cell = None
        elif local == _ROW:
            self.out.append((self.number, self.cells))

    def _text(self, data: str) -> None:
        if self.collecting:
            self.length += len(data)
            if self.length > MAX_CELL:
                raise cell_too_long(self.number)
            self.value.append(data)

    def _add_cell(self, cell: dict[str, str]) -> None:
        column = self.column
        raw = "".join(self.value)
        if column > MAX_COLUMNS:
            if raw and (not self.cells or self.cells[-1] != "…"):
                self.cells.append("…")  # beyond any header: reported by build_table
            return
        where = f"{get_column_letter(column)}{self.number}"
        kind = cell.get("t", "n")
        if not raw:
            if self.formula:
                self.unsaved.add(
                    _(
                        "Cell %(cell)s has a formula whose result was not saved with the file: "
                        "it is read as empty. Open the file in a spreadsheet program and save "
                        "it again to keep the results."
                    )
                    % {"cell": where}
                )
            return
        if kind == "e":
            self.errors.add(
                _("Cell %(cell)s holds the spreadsheet error %(error)s: it is read as empty.")
                % {"cell": where, "error": raw}
            )
            return
        text = self._text_of(kind, raw, int(cell.get("s") or 0))
        if text:
            if len(self.cells) < column:
                self.cells.extend([""] * (column - len(self.cells)))
            self.cells[column - 1] = text

    def _text_of(self, kind: str, raw: str, style: int) -> str:
        if kind == "s":
            text = self.strings[int(raw)]
            if len(text) > MAX_CELL:
                raise cell_too_long(self.number)
            return value_text(text)
        if kind in ("inlineStr", "str"):
            return raw.strip()
        if kind == "b":
            return "TRUE" if raw.strip() in ("1", "true") else "FALSE"
        if kind == "d":
            return _iso_moment(raw)
        number = float(raw)
        if style in self.dates:
            try:
                return value_text(from_excel(number, self.epoch, timedelta=style in self.durations))
            except (OverflowError, ValueError):
                return value_text(number)
        return value_text(number)

    def finish(self) -> None:
        self.unsaved.close(_("%(count)d more cells have formulas whose result was not saved."))
        self.errors.close(_("%(count)d more cells hold spreadsheet errors."))
        listed = Collector(self.warnings)
        for ref in self.merged:
            listed.add(
                _(
                    "Cells %(range)s are merged: their value is read in %(cell)s only, the "
                    "other cells are empty."
                )
                % {"range": ref, "cell": ref.split(":")[0]}
            )
        listed.close(_("%(count)d more blocks of cells are merged."))


def _column(reference: str) -> int:
    """1 for "A7", 28 for "AB7"."""
    index = 0
    for ch in reference:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        elif ch.isdigit():
            break
        else:
            raise ValueError(reference)
    return index


def _iso_moment(raw: str) -> str:
    try:
        return value_text(dt.datetime.fromisoformat(raw.strip()))
    except ValueError:
        return raw.strip()


def _caused_by_entities(exc: BaseException | None) -> bool:
    """Whether defusedxml refused a DTD or an entity, however openpyxl wrapped its error."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def value_text(value: Any) -> str:
    """A cell's value as the text a person would type: dates in ISO form, whole numbers
    without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value).strip()
