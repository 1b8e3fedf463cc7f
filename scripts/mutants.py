#!/usr/bin/env python3
"""Mutation check: does the suite notice when a rule is broken?

Each `scripts/mutants/*.toml` lists mutants: one exact find/replace in one file
that breaks one rule, and the tests that must then fail. The tree (tracked files
and untracked, non-ignored ones) is copied into a temporary directory; each
mutant is applied THERE in turn, its tests run on SQLite (stopping at the first
failure), and the file restored:

    KILLED    a test failed, as it must
    SURVIVED  the tests passed with the rule broken: a gap in the suite
    STALE     `find` does not occur exactly once (the code moved on): fix the rule
    TIMEOUT   the tests ran longer than --timeout: undecided
    BROKEN    pytest did not get to run the tests (the edit broke an import, or no
              test is left): says nothing about the tests

The tests are first run once without any mutant; those that fail anyway are
named and left out of the mutants' runs, so they are never counted as a kill.
Exits non-zero unless every mutant is killed.

    scripts/mutants.py [--list] [--only M1,M2b] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not postgres"]


def load_mutants() -> list[dict]:
    mutants = []
    for path in sorted((ROOT / "scripts" / "mutants").glob("*.toml")):
        with open(path, "rb") as handle:
            for mutant in tomllib.load(handle).get("mutant", []):
                missing = {"id", "rule", "file", "find", "replace", "tests"} - set(mutant)
                if missing:
                    sys.exit(f"{path.name}: mutant {mutant.get('id', '?')} lacks {sorted(missing)}")
                mutants.append({**mutant, "source": path.name})
    ids = [m["id"] for m in mutants]
    if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
        sys.exit(f"Mutant ids used twice: {', '.join(duplicates)}")
    return mutants


def copy_tree(target: Path) -> None:
    """The working tree as git sees it (tracked, plus untracked files not ignored)."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is skipped
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def environment(copy: Path, data_dir: Path) -> dict[str, str]:
    """SQLite in a data directory of the run's own, the copy's code first on the path,
    and no bytecode written (a mutant the size of the original, written within the
    same second, would otherwise be shadowed by the original's cached bytecode)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HABEAS_")}
    env.update(HABEAS_DATA_DIR=str(data_dir), PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    return env


def check_imports_the_copy(copy: Path, env: dict[str, str]) -> None:
    # The venv's editable install points at the checkout: the copy must win.
    found = subprocess.run(
        [sys.executable, "-c", "import habeas; print(habeas.__file__)"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not found.startswith(str(copy)):
        sys.exit(f"The copy's code is not what gets imported (habeas is {found or '?'}): stopping.")


def run_tests(tests: list[str], copy: Path, env: dict[str, str], timeout: float, *extra: str):
    """pytest's exit code (None on timeout) and its output."""
    try:
        result = subprocess.run(  # noqa: S603 (the tests named in our own rules)
            [sys.executable, *PYTEST, *extra, *tests],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, ""
    return result.returncode, result.stdout + result.stderr


def failing_without_mutants(tests, copy, env, timeout) -> list[str]:
    """The tests (node ids) that fail with no mutant applied: they cannot tell a
    mutant from the code as it is, so they are left out of every mutant's run."""
    code, output = run_tests(tests, copy, env, timeout)
    if code is None:
        sys.exit("The tests timed out with no mutant applied: stopping.")
    if code not in (0, 1):
        sys.exit(f"{output[-3000:]}\npytest could not run the tests (exit code {code}): stopping.")
    summary = (line.split(" - ")[0].split() for line in output.splitlines())
    return [words[1] for words in summary if len(words) > 1 and words[0] in ("FAILED", "ERROR")]


def related(test: str, failing: str) -> bool:
    return failing.startswith(test) or test.startswith(failing)


def check_rules(mutants: list[dict]) -> int:
    """Moving or rewriting code must carry its mutants along: a rule whose `find`
    no longer occurs exactly once, or whose tests are gone, checks nothing."""
    problems = []
    for m in mutants:
        path = ROOT / m["file"]
        found = path.read_text().count(m["find"]) if path.is_file() else 0
        if found != 1:
            where = f"{m['id']} ({m['source']})"
            problems.append(f"{where}: `find` occurs {found} times in {m['file']}")
        for test in m["tests"]:
            if not (ROOT / test.split("::")[0]).exists():
                problems.append(f"{m['id']} ({m['source']}): no test file {test}")
    ids = [m["id"] for m in mutants]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    problems += [f"mutant id {i} is used twice" for i in twice]
    for line in problems:
        print(line, file=sys.stderr)
    if not problems:
        print(f"{len(mutants)} mutants apply to the code.")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check that every rule still applies to the code (make lint): no test run",
    )
    parser.add_argument("--only", help="comma-separated mutant ids")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per mutant")
    args = parser.parse_args()

    mutants = load_mutants()
    if args.only:
        wanted = set(args.only.split(","))
        if unknown := wanted - {m["id"] for m in mutants}:
            sys.exit(f"No such mutant: {', '.join(sorted(unknown))}")
        mutants = [m for m in mutants if m["id"] in wanted]
    if args.list:
        for m in mutants:
            print(f"{m['id']:8} {m['file']}: {m['rule']}")
        return 0
    if args.check:
        return check_rules(mutants)

    results: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="habeas-mutants-") as tmp:
        copy = Path(tmp) / "tree"
        copy_tree(copy)
        env = environment(copy, Path(tmp) / "data")
        check_imports_the_copy(copy, env)

        for m in mutants:
            path = copy / m["file"]
            found = (path.read_text() if path.is_file() else "").count(m["find"])
            if found != 1:
                results[m["id"]] = "STALE"
                print(
                    f"STALE    {m['id']:8} {m['file']}: `find` occurs {found} times ({m['source']})"
                )
        runnable = [m for m in mutants if m["id"] not in results]

        started = time.monotonic()
        tests = sorted({t for m in runnable for t in m["tests"]})
        failing = failing_without_mutants(tests, copy, env, args.timeout * 3) if tests else []
        print(f"Without mutants ({time.monotonic() - started:.0f} s): ", end="")
        print(f"{len(failing)} tests fail: {' '.join(failing)}" if failing else "the tests pass.")

        for m in runnable:
            path = copy / m["file"]
            original = path.read_text()
            path.write_text(original.replace(m["find"], m["replace"]))
            left_out = [
                f"--deselect={f}" for f in failing if any(related(t, f) for t in m["tests"])
            ]
            started = time.monotonic()
            try:
                code, _ = run_tests(m["tests"], copy, env, args.timeout, "-x", *left_out)
            finally:
                path.write_text(original)
            # 1: a test failed. Anything else (an import broken by the edit, no test
            # left to run) says nothing about the tests, so it is not a kill.
            verdict = {0: "SURVIVED", 1: "KILLED", None: "TIMEOUT"}.get(code, "BROKEN")
            results[m["id"]] = verdict
            seconds = time.monotonic() - started
            print(f"{verdict:8} {m['id']:8} {m['rule']} ({seconds:.0f} s)", flush=True)

    killed = sum(v == "KILLED" for v in results.values())
    print(f"\nScore: {killed} of {len(results)} killed.")
    for verdict in ("SURVIVED", "STALE", "TIMEOUT", "BROKEN"):
        if ids := [i for i, v in results.items() if v == verdict]:
            print(f"{verdict}: {', '.join(ids)}")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
