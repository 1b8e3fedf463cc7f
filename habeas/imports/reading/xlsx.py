"""XLSX through openpyxl in read-only mode, one row at a time.

Formulas are never read as their text: openpyxl gives the result the spreadsheet program
saved with the file (data_only). A formula whose result was not saved (files written by a
library, not a spreadsheet program) reads as empty, with a warning naming the cell. Merged
cells keep their value in the top-left cell, as XLSX stores them; the user is told, because
the other rows of a merged block are empty here while they looked filled on screen.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings as python_warnings
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from .table import MAX_COLUMNS, Collector, ReadError, Table, build_table
from .zipguard import open_zip


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, also telling a formula without a saved result from a blank."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["data_type"] = "unsaved"
        return cell


def read_xlsx(data: bytes, *, max_rows: int, sheet: str = "") -> Table:
    archive = open_zip(data, "XLSX")
    archive.close()
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")  # openpyxl's notes on unsupported styles
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except ReadError:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged or hostile file
        raise ReadError(
            _("The file is not a valid XLSX file (it is damaged or of another type).")
        ) from None
    warnings: list[str] = []
    sheets = [ws for ws in book.worksheets if hasattr(ws, "_worksheet_path")]
    if sheet:
        chosen = next((ws for ws in sheets if ws.title == sheet), None)
        if chosen is None:
            raise ReadError(_("The workbook has no sheet named “%(sheet)s”.") % {"sheet": sheet})
    else:
        visible = [ws for ws in sheets if ws.sheet_state == "visible"]
        if not visible:
            raise ReadError(_("The workbook has no visible sheet to read."))
        chosen = visible[0]
    for ws in sheets:
        if ws is not chosen and ws.sheet_state != "visible":
            warnings.append(_("The hidden sheet “%(sheet)s” is not read.") % {"sheet": ws.title})
    others = [ws.title for ws in sheets if ws is not chosen and ws.sheet_state == "visible"]
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
        reader.rows(),
        max_rows=max_rows,
        warnings=warnings,
        sheet=chosen.title,
        on_end=[reader.finish],
    )


class _SheetReader:
    def __init__(self, book: Any, ws: Any, warnings: list[str]) -> None:
        self.book, self.ws, self.warnings = book, ws, warnings
        self.unsaved = Collector(warnings)
        self.errors = Collector(warnings)
        self.parser: _Parser | None = None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        book = self.book
        try:
            with book._archive.open(self.ws._worksheet_path) as source:
                self.parser = _Parser(
                    source,
                    book.shared_strings,
                    data_only=True,
                    epoch=book.epoch,
                    date_formats=book._date_formats,
                    timedelta_formats=book._timedelta_formats,
                )
                for number, cells in self.parser.parse():
                    yield number, self._texts(number, cells)
        except ReadError:
            raise
        except Exception:
            raise ReadError(
                _("The sheet “%(sheet)s” is damaged and cannot be read past row %(row)d.")
                % {"sheet": self.ws.title, "row": self.parser.row_counter if self.parser else 0}
            ) from None

    def _texts(self, number: int, cells: list[dict[str, Any]]) -> list[str]:
        if not cells:
            return []
        width = max(cell["column"] for cell in cells)
        out = [""] * min(width, MAX_COLUMNS)
        for cell in cells:
            column = cell["column"]
            if column > MAX_COLUMNS:
                if cell["value"] is not None:
                    out.append("…")  # beyond any header: reported by build_table
                    break
                continue
            kind = cell["data_type"]
            where = f"{get_column_letter(column)}{number}"
            if kind == "unsaved":
                self.unsaved.add(
                    _(
                        "Cell %(cell)s has a formula whose result was not saved with the file: "
                        "it is read as empty. Open the file in a spreadsheet program and save "
                        "it again to keep the results."
                    )
                    % {"cell": where}
                )
            elif kind == "e":
                self.errors.add(
                    _("Cell %(cell)s holds the spreadsheet error %(error)s: it is read as empty.")
                    % {"cell": where, "error": cell["value"]}
                )
            else:
                out[column - 1] = value_text(cell["value"])
        return out

    def finish(self) -> None:
        self.unsaved.close(_("%(count)d more cells have formulas whose result was not saved."))
        self.errors.close(_("%(count)d more cells hold spreadsheet errors."))
        merged = self.parser.merged_cells if self.parser else None
        listed = Collector(self.warnings)
        for ref in getattr(merged, "mergeCell", None) or []:
            top_left = str(ref.ref).split(":")[0]
            listed.add(
                _(
                    "Cells %(range)s are merged: their value is read in %(cell)s only, the "
                    "other cells are empty."
                )
                % {"range": ref.ref, "cell": top_left}
            )
        listed.close(_("%(count)d more blocks of cells are merged."))


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
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value).strip()
