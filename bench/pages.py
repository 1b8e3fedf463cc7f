"""Page benchmark: time the main pages over N synthetic cases, in a database of its own.

    .venv/bin/python bench/pages.py --cases 1000          (or bench/pages.sh --cases 1000)

Seeds N fictional cases into a separate database (reused while N and the seed are the
same) and prints one JSON line per page with p50/p95 response times; see bench/README.md.

Settings are read once, when Django starts: this script points HABEAS_DATABASE_URL at the
benchmark database before it starts Django, and refuses a database that is the
organisation's (HABEAS_DATABASE_URL as it was, or the data directory's SQLite file).
The organisation's database is never opened.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import dj_database_url  # noqa: E402  (after the checkout is on the path)

from habeas.conf import SQLITE_NAME, ConfigurationError, default_data_dir  # noqa: E402

DEFAULT_SEED = 20_240_501


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


def arguments(
    *,
    prog: str,
    description: str,
    each: str,
    more: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.Namespace:
    """The options of every benchmark of the seeded database (`more` adds its own);
    `each` names what is timed ("page", "resource")."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "--cases", type=int, default=1000, metavar="N", help="Cases to seed (default 1000)."
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=200,
        metavar="R",
        help=f"Timed requests per {each}, after 10 warm-up requests (default 200).",
    )
    parser.add_argument(
        "--reseed", action="store_true", help="Rebuild the benchmark database even if seeded."
    )
    parser.add_argument(
        "--database-url",
        default="",
        metavar="URL",
        help="Benchmark database (default: sqlite in <data dir>/bench/pages-N.sqlite3). "
        "Never Habeas's own database: it is refused.",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, metavar="S", help="Random seed (default fixed)."
    )
    if more is not None:
        more(parser)
    args = parser.parse_args()
    if args.cases < 1:
        parser.error(f"--cases must be at least 1 (got {args.cases}).")
    if args.requests < 1:
        parser.error(f"--requests must be at least 1 (got {args.requests}).")
    return args


def _arguments() -> argparse.Namespace:
    def pages(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--pages",
            default="",
            metavar="NAMES",
            help="Measure only these pages: names or patterns, comma-separated, "
            "e.g. 'search_*' (default: every page).",
        )

    return arguments(
        prog="bench/pages.py",
        description="Seed N fictional cases into a separate database (reused while N is "
        "the same) and print one JSON line per page with p50/p95 response times.",
        each="page",
        more=pages,
    )


def _benchmark_database(args: argparse.Namespace) -> str:
    """The benchmark database's URL; never the organisation's (SystemExit with one line)."""
    data_dir = Path(os.environ.get("HABEAS_DATA_DIR") or default_data_dir(ROOT)).resolve()
    own_url = os.environ.get("HABEAS_DATABASE_URL", "")
    own = (
        dj_database_url.parse(own_url)
        if own_url
        else {"ENGINE": "django.db.backends.sqlite3", "NAME": str(data_dir / SQLITE_NAME)}
    )
    url = args.database_url
    if not url:
        directory = data_dir / "bench"
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        url = f"sqlite:///{directory / f'pages-{args.cases}.sqlite3'}"
    try:
        target = dj_database_url.parse(url)
    except ValueError as exc:
        raise SystemExit(f"bench/pages.py: --database-url is not a database URL: {exc}") from None
    if _same_database(target, own):
        raise SystemExit(
            "bench/pages.py: --database-url is Habeas's own database; "
            "give the benchmark one of its own."
        )
    return url


def run(
    *,
    prog: str,
    args: argparse.Namespace,
    url: str,
    measure: Callable[[Callable[[str], None]], Iterable[dict[str, Any]]],
    hosts: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> None:
    """What every benchmark of the seeded database does (bench/pages.py, bench/api.py):
    point Django at the benchmark database `url` (and `env`) before it starts, seed it
    (seeding.prepare), and print one JSON line for the seeding and one for each result
    of `measure(log)`; a refusal, a seeding error or an interruption is one line naming
    `prog`."""
    allowed = [h for h in os.environ.get("HABEAS_ALLOWED_HOSTS", "").split(",") if h.strip()]
    os.environ.update(
        HABEAS_DATABASE_URL=url,
        HABEAS_ALLOWED_HOSTS=",".join([*allowed, *hosts, "testserver"]),
        HABEAS_DEBUG="0",  # DEBUG would keep every query in memory and slow each one
        DJANGO_SETTINGS_MODULE="habeas.settings",
        **(env or {}),
    )
    print(f"Benchmark database: {_shown(url)}", file=sys.stderr, flush=True)
    import django

    try:
        django.setup()
    except ConfigurationError as exc:
        raise SystemExit(f"{prog}: {exc}") from None
    # The seeder imports Habeas's models: only once Django is set up.
    import seeding

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    def emit(result: dict[str, Any]) -> None:
        print(json.dumps(result, ensure_ascii=False), flush=True)

    try:
        emit(seeding.prepare(cases=args.cases, seed=args.seed, reseed=args.reseed, log=log))
        for result in measure(log):
            emit(result)
    except seeding.BenchError as exc:
        raise SystemExit(f"{prog}: {exc}") from None
    except KeyboardInterrupt:
        log("Interrupted. An unfinished seeding is redone by the next run.")
        raise SystemExit(130) from None


def main() -> None:
    args = _arguments()

    def measure(log: Callable[[str], None]) -> Iterable[dict[str, Any]]:
        import timing  # imports Habeas's models: only once Django is set up

        only = [name.strip() for name in args.pages.split(",") if name.strip()]
        return timing.measure(
            cases=args.cases, requests=args.requests, seed=args.seed, log=log, only=only
        )

    run(prog="bench/pages.py", args=args, url=_benchmark_database(args), measure=measure)


if __name__ == "__main__":
    main()
