"""How long reading a 100,000-row spreadsheet takes, and how much memory it needs.

The import's reading layer alone (habeas.imports.reading and the cell parsers), without the
database: the engine's bench/import_cases.py measures the whole import. Each format runs in
a process of its own so that its peak resident memory (ru_maxrss) is its own; the file is
built first and its size is outside the measure ("grew" is the peak minus the memory once
the file is built). Prints one JSON line per format.

    .venv/bin/python bench/import_reading.py              # CSV, XLSX and ODS, 100,000 rows
    .venv/bin/python bench/import_reading.py --rows 10000 --only csv
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["ФИО", "Дата рождения", "Дата исчезновения", "Место", "Гражданство", "Пол",
           "Статус", "Комментарий"]  # fmt: skip
FORMATS = ("csv", "xlsx", "ods")


def row(i: int) -> list[str]:
    return [
        f"Исаков{i} Мурат; Isakov{i} Murat", f"{1 + i % 28:02d}.{1 + i % 12:02d}.19{60 + i % 40}",
        f"20{10 + i % 15}-{1 + i % 12:02d}", f"Ашхабад, ул. Магтымгулы, {i}", "Туркменистан",
        "М" if i % 2 else "Ж", "пропал без вести", f"Задержан сотрудниками МНБ у дома {i}.",
    ]  # fmt: skip


def build(kind: str, rows: int) -> bytes:
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows(row(i) for i in range(rows))
        return buffer.getvalue().encode("cp1251", errors="replace")
    if kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Cases")
        sheet.append(HEADERS)
        for i in range(rows):
            sheet.append(row(i))
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    from xml.sax.saxutils import escape

    def xml_row(cells: list[str]) -> str:
        return "<table:table-row>" + "".join(
            f"<table:table-cell><text:p>{escape(c)}</text:p></table:table-cell>" for c in cells
        ) + "</table:table-row>"  # fmt: skip

    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="Cases">'
        + xml_row(HEADERS) + "".join(xml_row(row(i)) for i in range(rows))
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content)
    return out.getvalue()


def measure(kind: str, rows: int) -> dict[str, object]:
    """In this process: build, then read every row and parse every cell as the import does."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    import django

    django.setup()
    from habeas.imports import columns, values
    from habeas.imports.reading import read_table

    data = build(kind, rows)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    table = read_table(data, f"cases.{kind}", max_rows=rows)
    mapping = columns.suggest_mapping(table.headers)
    count = sum(1 for _row in table.rows)
    read_s = time.perf_counter() - started
    table = read_table(data, f"cases.{kind}", max_rows=rows)
    problems = 0
    for each in table.rows:
        for index, key in mapping.items():
            try:
                values.PARSERS[columns.FIELDS_BY_KEY[key].kind](each.cells[index])
            except values.ValueProblem:
                problems += 1
    total_s = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "format": kind, "rows": count, "file_mb": round(len(data) / 2**20, 1),
        "read_s": round(read_s, 2), "read_and_parse_s": round(total_s, 2),
        "problems": problems, "grew_mb": round((peak - base) / 1024, 1),
        "peak_mb": round(peak / 1024, 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", choices=FORMATS)
    parser.add_argument("--child", choices=FORMATS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.rows)))
        return
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.setdefault("HABEAS_DATA_DIR", tempfile.mkdtemp(prefix="habeas-bench-"))
    for kind in [args.only] if args.only else FORMATS:
        subprocess.run(
            [sys.executable, __file__, "--child", kind, "--rows", str(args.rows)],
            check=True,
            env=env,
        )


if __name__ == "__main__":
    main()
