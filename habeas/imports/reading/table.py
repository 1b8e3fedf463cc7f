"""What every reader returns: a header row, the data rows as the user numbers them, warnings.

Readers stream: `Table.rows` is consumed once, and `Table.warnings` may grow while it is
read (a formula without a cached value is only seen when its row is reached, merged cells
only after the last row of an XLSX sheet). Read the warnings after the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from habeas.lib.text import formula_unescape

# Past this many warnings of one kind the rest are counted, not listed: a sheet of
# 100,000 formulas must not make 100,000 lines.
MAX_LISTED = 20
# No import has this many fields; a cell past it is out of any table (XLSX allows 16,384).
MAX_COLUMNS = 1000
# A cell longer than this is not a spreadsheet cell (Excel's own limit is 32,767 characters).
# Every reader counts a cell's characters as it builds them: an ODS "run of N spaces" is a
# few bytes in the file and N characters in memory.
MAX_CELL = 100_000


class ReadError(Exception):
    """A file Habeas cannot read at all: one translated line saying why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def xml_attack(kind: str) -> ReadError:
    return ReadError(
        _(
            "The %(kind)s file contains XML declarations (entities or a DTD) that a spreadsheet "
            "never needs; it is refused as a possible attack."
        )
        % {"kind": kind}
    )


def cell_too_long(row: int, hint: str = "") -> ReadError:
    message = _(
        "Row %(row)d has a cell longer than %(max)d characters: it is not a spreadsheet cell."
    ) % {"row": row, "max": MAX_CELL}
    return ReadError(f"{message} {hint}" if hint else message)


@dataclass(frozen=True)
class Row:
    """One data row: `number` is the row the user sees in their program (1-based, the header
    row counted), `cells` one text per header, "" when empty."""

    number: int
    cells: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[Row] | list[Row]
    warnings: list[str] = field(default_factory=list)
    sheet: str = ""


def cell_text(value: object) -> str:
    """The text of one cell, whitespace around it dropped (never meaningful in a cell)."""
    return "" if value is None else str(value).strip()


class Collector:
    """Warnings of one kind: the first MAX_LISTED listed, the others counted in one line."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        self.listed = 0
        self.extra = 0

    def add(self, message: str) -> None:
        if self.listed < MAX_LISTED:
            self.warnings.append(message)
            self.listed += 1
        else:
            self.extra += 1

    def close(self, more: str) -> None:
        """`more` is a message with %(count)d for the warnings left out."""
        if self.extra:
            self.warnings.append(more % {"count": self.extra})


def build_table(
    raw_rows: Iterable[tuple[int, list[str]]],
    *,
    max_rows: int,
    warnings: list[str],
    sheet: str = "",
    on_end: list | None = None,
) -> Table:
    """Turn (row number, cell texts) into a Table: the first non-empty row is the header,
    empty rows are skipped, cells are padded or cut to the header's width (values past
    the last header are reported, not dropped silently), and more than `max_rows` data
    rows stop the reading with a ReadError."""
    source = iter(raw_rows)
    headers: list[str] | None = None
    for _number, cells in source:
        if any(cells):
            headers = _trim(cells)
            break
    if headers is None:
        raise ReadError(_("The file has no rows: there is nothing to import."))
    if not any(headers):
        raise ReadError(_("The file has no header row."))
    return Table(
        headers=headers,
        rows=_data_rows(source, len(headers), max_rows, warnings, on_end or []),
        warnings=warnings,
        sheet=sheet,
    )


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _data_rows(
    source: Iterator[tuple[int, list[str]]],
    width: int,
    max_rows: int,
    warnings: list[str],
    on_end: list,
) -> Iterator[Row]:
    beyond = Collector(warnings)
    count = 0
    for number, cells in source:
        if not any(cells):
            continue
        count += 1
        if count > max_rows:
            raise ReadError(
                ngettext(
                    "The file has more than %(max)d row of data. Split it into smaller files.",
                    "The file has more than %(max)d rows of data. Split it into smaller files.",
                    max_rows,
                )
                % {"max": max_rows}
            )
        # Habeas's own exports quote a cell that a spreadsheet would run as a formula
        # ('=…); read back, it is the text it was (habeas.lib.text.formula_escape).
        cells = [formula_unescape(c) if c[:1] == "'" else c for c in cells]
        if len(cells) > width:
            if any(cells[width:]):
                beyond.add(
                    _(
                        "Row %(row)d has values to the right of the last column with a header; "
                        "they are not imported."
                    )
                    % {"row": number}
                )
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        yield Row(number, cells)
    beyond.close(
        _("%(count)d more rows have values to the right of the last column with a header.")
    )
    for finish in on_end:
        finish()
