"""`habeas bench pages`: time the main pages over N synthetic cases, in a database of its own.

Settings are read once, at import, so the benchmark cannot switch databases in-process: the
command starts itself again (`python -m habeas bench pages ... --inner`) with
HABEAS_DATABASE_URL pointing at the benchmark database, and relays that process's JSON lines.
The organisation's database is never opened.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

INNER_MARK = "HABEAS_BENCH_DATABASE_URL"


def _same_database(first: dict[str, Any], second: dict[str, Any]) -> bool:
    def key(db: dict[str, Any]) -> tuple:
        name = db.get("NAME") or ""
        if db.get("ENGINE") == "django.db.backends.sqlite3" and name:
            name = str(Path(name).resolve())
        return (db.get("ENGINE"), name, db.get("HOST") or "", str(db.get("PORT") or ""))

    return key(first) == key(second)


def _shown(url: str) -> str:
    """The URL without a password, for messages."""
    parsed = dj_database_url.parse(url)
    if parsed["ENGINE"] == "django.db.backends.sqlite3":
        return str(parsed["NAME"])
    return f"{parsed['ENGINE'].rsplit('.', 1)[-1]}://{parsed.get('HOST', '')}/{parsed['NAME']}"


class Command(BaseCommand):
    help = "Benchmarks on synthetic data in a separate database (see bench/README.md)."
    # The outer process only starts the inner one; neither needs the system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        benchmarks = parser.add_subparsers(
            dest="benchmark", required=True, metavar="BENCHMARK", title="benchmarks"
        )
        pages = benchmarks.add_parser(
            "pages",
            help="Seed N fictional cases and time the dashboard, case list, case and search "
            "pages (one JSON line each).",
            description="Seed N fictional cases into a separate database (reused while N is "
            "the same) and print one JSON line per page with p50/p95 response times.",
        )
        pages.add_argument(
            "--cases", type=int, default=1000, metavar="N", help="Cases to seed (default 1000)."
        )
        pages.add_argument(
            "--requests",
            type=int,
            default=200,
            metavar="R",
            help="Timed requests per page, after 10 warm-up requests (default 200).",
        )
        pages.add_argument(
            "--reseed", action="store_true", help="Rebuild the benchmark database even if seeded."
        )
        pages.add_argument(
            "--database-url",
            default="",
            metavar="URL",
            help="Benchmark database (default: sqlite in <data dir>/bench/pages-N.sqlite3). "
            "Never Habeas's own database: it is refused.",
        )
        pages.add_argument(
            "--seed", type=int, default=None, metavar="S", help="Random seed (default fixed)."
        )
        pages.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options) -> None:
        from habeas.core import benchmark

        if options["cases"] < 1:
            raise CommandError(f"--cases must be at least 1 (got {options['cases']}).")
        if options["requests"] < 1:
            raise CommandError(f"--requests must be at least 1 (got {options['requests']}).")
        if options["seed"] is None:
            options["seed"] = benchmark.DEFAULT_SEED
        if options["inner"]:
            self.run_inner(options)
        else:
            self.run_outer(options)

    # -- the process the user started --

    def run_outer(self, options: dict[str, Any]) -> None:
        cases = options["cases"]
        url = options["database_url"]
        if not url:
            directory = Path(settings.DATA_DIR) / "bench"
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            url = f"sqlite:///{directory / f'pages-{cases}.sqlite3'}"
        try:
            target = dj_database_url.parse(url)
        except ValueError as exc:
            raise CommandError(f"--database-url is not a database URL: {exc}") from None
        if _same_database(target, settings.DATABASES["default"]):
            raise CommandError(
                "--database-url is Habeas's own database; give the benchmark one of its own."
            )
        hosts = [h for h in os.environ.get("HABEAS_ALLOWED_HOSTS", "").split(",") if h.strip()]
        env = dict(
            os.environ,
            HABEAS_DATABASE_URL=url,
            HABEAS_ALLOWED_HOSTS=",".join([*hosts, "testserver"]),
            HABEAS_DEBUG="0",  # DEBUG would keep every query in memory and slow each one
            **{INNER_MARK: url},
        )
        command = [
            sys.executable, "-m", "habeas", "bench", "pages", "--inner",
            "--cases", str(cases), "--requests", str(options["requests"]),
            "--seed", str(options["seed"]),
        ]  # fmt: skip
        if options["reseed"]:
            command.append("--reseed")
        self.stderr.write(f"Benchmark database: {_shown(url)}")
        # Our own interpreter and fixed arguments: no shell, nothing taken from input.
        with subprocess.Popen(  # noqa: S603
            command, env=env, stdout=subprocess.PIPE, text=True
        ) as inner:
            assert inner.stdout is not None
            try:
                for line in inner.stdout:
                    self.stdout.write(line.rstrip("\n"))
                    self.stdout.flush()
            except KeyboardInterrupt:
                # Ctrl+C reached both processes; the inner one says so and stops.
                inner.wait()
                raise SystemExit(130) from None
        if inner.returncode:
            # The inner process has said what went wrong on stderr.
            raise SystemExit(inner.returncode)

    # -- the process with HABEAS_DATABASE_URL set to the benchmark database --

    def run_inner(self, options: dict[str, Any]) -> None:
        from habeas.core import benchmark

        url = os.environ.get("HABEAS_DATABASE_URL", "")
        if not url or os.environ.get(INNER_MARK) != url:
            raise CommandError("--inner is internal: run `habeas bench pages` instead.")

        def log(message: str) -> None:
            self.stderr.write(message)
            self.stderr.flush()

        def emit(result: dict[str, Any]) -> None:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            self.stdout.flush()

        try:
            emit(
                benchmark.prepare(
                    cases=options["cases"],
                    seed=options["seed"],
                    reseed=options["reseed"],
                    log=log,
                )
            )
            for result in benchmark.measure(
                cases=options["cases"],
                requests=options["requests"],
                seed=options["seed"],
                log=log,
            ):
                emit(result)
        except benchmark.BenchError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            log("Interrupted. An unfinished seeding is redone by the next run.")
            raise SystemExit(130) from None
