"""Tables as habeas.imports.reading gives them, built in a test without a file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    number: int
    cells: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)
    sheet: str = ""


def table(headers: list[str], *rows: list[str]) -> Table:
    """Row numbers as a spreadsheet shows them: the header is row 1."""
    return Table(headers=headers, rows=[Row(i + 2, list(cells)) for i, cells in enumerate(rows)])


def mapping_of(headers: list[str]) -> dict[int, str]:
    """Headers written as field keys map to themselves."""
    return dict(enumerate(headers))
