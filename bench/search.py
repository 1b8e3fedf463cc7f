"""Name search at scale: the search pages at 1,000 and at 100,000 cases, in one run.

    .venv/bin/python bench/search.py                      (--small 1000 --large 100000)

The target is a ratio (search at 100,000 cases no slower than 1.5 times search at 1,000),
and a ratio of two runs made minutes apart on a shared machine says more about the load
than about the code. So this script measures both sizes round after round, alternating
which goes first, each round a run of bench/pages.py on the search pages only (the same
seeded databases, reused, the same safety: never the organisation's database), and
reports the median over rounds of each page's p50 and p95 and of the per-round ratios.

Prints one JSON line per page and round, then one summary line per page; see
bench/README.md, "Name search at scale".
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

PAGES = Path(__file__).resolve().parent / "pages.py"
TARGET = 1.5


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/search.py",
        description="Time the search pages at two register sizes, round after round, and "
        "print the ratio of the larger to the smaller.",
    )
    parser.add_argument("--small", type=int, default=1000, metavar="N", help="default 1000")
    parser.add_argument("--large", type=int, default=100_000, metavar="N", help="default 100000")
    parser.add_argument(
        "--rounds", type=int, default=5, metavar="K", help="Rounds of both sizes (default 5)."
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=100,
        metavar="R",
        help="Timed requests per page and round (default 100).",
    )
    parser.add_argument(
        "--pages", default="search_*", metavar="NAMES", help="Pages (default 'search_*')."
    )
    parser.add_argument("--seed", type=int, default=None, metavar="S", help="As bench/pages.py.")
    args = parser.parse_args()
    if not 1 <= args.small < args.large:
        parser.error("--small must be at least 1 and smaller than --large.")
    if args.rounds < 1 or args.requests < 1:
        parser.error("--rounds and --requests must be at least 1.")
    return args


def _run(args: argparse.Namespace, cases: int) -> list[dict[str, Any]]:
    """One run of bench/pages.py on the search pages; its JSON lines, seeding left out."""
    command = [sys.executable, str(PAGES), "--cases", str(cases), "--requests", str(args.requests)]
    command += ["--pages", args.pages]
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    # stderr (progress, the load average) goes straight through to ours.
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"bench/search.py: bench/pages.py --cases {cases} failed.")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return [line for line in lines if "page" in line]


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def main() -> None:
    args = _arguments()
    sizes = (args.small, args.large)
    # A database not seeded yet is seeded by its first run, before that run times anything.
    results: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for round_number in range(1, args.rounds + 1):
        order = sizes if round_number % 2 else sizes[::-1]
        for cases in order:
            for result in _run(args, cases):
                print(json.dumps({"round": round_number, **result}, ensure_ascii=False), flush=True)
                results.setdefault((result["page"], cases), []).append(result)
    for page in dict.fromkeys(name for name, _ in results):
        small, large = results.get((page, args.small), []), results.get((page, args.large), [])
        if len(small) != len(large):
            continue
        summary: dict[str, Any] = {"page": page, "small": args.small, "large": args.large}
        for stat in ("p50_ms", "p95_ms", "cpu_p50_ms"):
            summary[f"{stat}_small"] = _median([r[stat] for r in small])
            summary[f"{stat}_large"] = _median([r[stat] for r in large])
            # Each round's ratio is of two runs made side by side, under the same load.
            ratios = [b[stat] / a[stat] for a, b in zip(small, large, strict=True)]
            summary[f"ratio_{stat.removesuffix('_ms')}"] = _median(ratios)
        if "people_shown" in small[0]:
            summary["people_shown_small"] = small[0]["people_shown"]
            summary["people_shown_large"] = large[0]["people_shown"]
        summary["rounds"] = len(small)
        summary["within_target"] = summary["ratio_p50"] <= TARGET
        print(json.dumps(summary, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
