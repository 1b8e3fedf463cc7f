"""Benchmark of `habeas import cases FILE`: a dry run, then the import, of N rows.

    .venv/bin/python bench/import_cases.py --rows 100000
    .venv/bin/python bench/import_cases.py --rows 10000 --format xlsx

Writes a spreadsheet of N fictional people (names in Latin and Cyrillic, some with
several spellings; dates in mixed formats; tags), into a throwaway data directory
with a database of its own (never the organisation's), then runs the command as a
caseworker would, each step in a process of its own so that its peak memory is its
own:

  1. `--dry-run`: read, map, check and look up every row; write nothing;
  2. the import, `--duplicates new`: the same, then write every case in one transaction.
     The fictional people share names and birth years from a small stock, as real
     registers do, so most rows look like possible duplicates of earlier rows; the
     importer decides they are all new, so that every row is written;
  3. the same file again: every row "already imported", nothing written.

Prints one JSON line per step: seconds (wall clock, Django start-up included), peak
resident memory in MB (ru_maxrss of the step's process), rows, and what the database
holds after it. The target (issue 15): under 2 minutes and 1 GB each, on SQLite.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST = ["Azat", "Gulnara", "Dilshod", "Bakyt", "Timur", "Aigul", "Serdar", "Maral",
         "Rustam", "Рустам", "Мурат", "Ольга", "Гулшат", "Ильяс", "Jumageldi"]  # fmt: skip
LAST = ["Isakov", "Berdyeva", "Rahimov", "Исаков", "Каримова", "Nazarov", "Юсупов",
        "Hojaýew", "Amanov", "Atayeva", "Мамедов", "Оразова", "Durdyev", "Ataýew"]  # fmt: skip
PLACES = ["Ashgabat", "Moscow", "Istanbul", "Turkmenabat", "Дашогуз", "Мары", "Tashkent"]
HEADERS = ["Reference", "ФИО", "Дата рождения", "Sex", "Country", "Disappeared on",
           "Disappearance place", "Last contact", "Summary", "Tags"]  # fmt: skip


def _date(rnd: random.Random, year: int) -> str:
    day, month = rnd.randint(1, 28), rnd.randint(1, 12)
    return rnd.choice(
        [f"{day:02d}.{month:02d}.{year}", f"{year}-{month:02d}-{day:02d}", f"{year}",
         f"about {year}", f"Oct {year}", f"октябрь {year}", f"between {year} and {year + 1}"]
    )  # fmt: skip


def rows(n: int, seed: int = 15) -> list[list[str]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        # Numbered, so that the fictional people are all different people; every
        # tenth with a second spelling in the same cell.
        name = f"{first} {last} {i}" + (f"; {last} {first} {i}" if i % 10 == 0 else "")
        gone = rnd.randint(1995, 2025)
        out.append(
            [
                f"BENCH-{i:06d}",
                name,
                str(rnd.randint(1940, min(gone, 1995))),
                rnd.choice(["m", "f", "м", "ж", ""]),
                rnd.choice(["Turkmenistan", "TM", "Туркменистан", "UZ", "Russia"]),
                _date(rnd, gone),
                rnd.choice(PLACES),
                # Heard from before they disappeared (a later contact is refused).
                rnd.choice(["", _date(rnd, gone - 1)]),
                "Taken from home by men in plain clothes; no news since.",
                rnd.choice(["", "exile", "exile, journalist", "activist"]),
            ]
        )
    return out


def write_file(path: Path, n: int, fmt: str) -> None:
    data = rows(n)
    if fmt == "csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(HEADERS)
            writer.writerows(data)
        return
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Cases")
    sheet.append(HEADERS)
    for row in data:
        sheet.append(row)
    book.save(path)


def habeas(data_dir: Path, *args: str) -> tuple[float, float, int, str]:
    """Run `habeas ARGS` in a process of its own: (seconds, CPU seconds, its peak RSS in
    MB, the last line it printed). CPU seconds tell the step's own cost on a machine
    others are using too."""
    env = {**os.environ, "HABEAS_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("HABEAS_DATABASE_URL", None)  # the throwaway directory's own SQLite file
    code = (
        "import resource, sys\n"
        "from habeas.__main__ import main\n"
        "sys.argv = ['habeas', *sys.argv[1:]]\n"
        "try:\n    main()\nfinally:\n"
        "    use = resource.getrusage(resource.RUSAGE_SELF)\n"
        "    print('RSS', use.ru_maxrss, use.ru_utime + use.ru_stime, file=sys.stderr)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"habeas {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    _rss, rss, cpu = next(
        line.split() for line in done.stderr.splitlines() if line.startswith("RSS ")
    )
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return seconds, float(cpu), int(rss) // 1024, last


def counts(data_dir: Path) -> dict[str, int]:
    db = sqlite3.connect(data_dir / "habeas.sqlite3")
    try:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("cases_case", "cases_person", "cases_nametoken", "alerts_deadline")
        }
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway directory")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="habeas-bench-import-"))
    try:
        habeas(data_dir, "migrate", "-v0")
        habeas(data_dir, "account", "create", "bench", "--role", "staff")
        sheet = data_dir / f"cases.{args.format}"
        write_file(sheet, args.rows, args.format)
        size = sheet.stat().st_size
        for step, extra in (
            ("dry run", ["--dry-run"]),
            ("import", ["--duplicates", "new"]),
            ("again", []),
        ):
            seconds, cpu, rss, last = habeas(
                data_dir, "import", "cases", str(sheet), "--as", "bench", *extra
            )
            print(
                json.dumps(
                    {
                        "step": step,
                        "rows": args.rows,
                        "format": args.format,
                        "file_mb": round(size / 2**20, 1),
                        "seconds": round(seconds, 1),
                        "cpu_seconds": round(cpu, 1),
                        "peak_mb": rss,
                        "said": last,
                        **counts(data_dir),
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            print(f"kept {data_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
