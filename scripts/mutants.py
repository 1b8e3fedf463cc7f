#!/usr/bin/env python3
"""Mutation check: does the suite notice when a rule is broken?

Each `scripts/mutants/*.toml` lists mutants: one exact find/replace in one file
that breaks one rule, and the tests that must then fail. For each mutant this
script copies the tree (tracked files and untracked, non-ignored ones) into a
temporary directory, applies the edit THERE, runs the mutant's tests on SQLite
and expects a failure:

    KILLED    the tests failed, as they must
    SURVIVED  the tests passed with the rule broken: a gap in the suite
    STALE     `find` does not occur exactly once (the code moved on): fix the rule
    TIMEOUT   the tests ran longer than --timeout: undecided, so it fails too

The tests are first run once without any mutant, so that a test failing anyway
is reported as such rather than counted as a kill. Exits non-zero unless every
mutant is killed.

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
PYTEST = ["-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "not postgres"]


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


def run_tests(tests: list[str], copy: Path, env: dict[str, str], timeout: float):
    """('passed' | 'failed' | 'timeout', the end of pytest's output)."""
    try:
        result = subprocess.run(  # noqa: S603 (the tests named in our own rules)
            [sys.executable, *PYTEST, *tests],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "timeout", ""
    tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
    return ("passed" if result.returncode == 0 else "failed"), tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
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
            print(f"{m['id']:6} {m['file']}: {m['rule']}")
        return 0

    results: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="habeas-mutants-") as tmp:
        copy = Path(tmp) / "tree"
        copy_tree(copy)
        env = environment(copy, Path(tmp) / "data")
        check_imports_the_copy(copy, env)

        for m in mutants:
            path = copy / m["file"]
            text = path.read_text() if path.is_file() else ""
            if text.count(m["find"]) != 1:
                results[m["id"]] = "STALE"
                print(
                    f"STALE     {m['id']:6} {m['file']}: `find` occurs "
                    f"{text.count(m['find'])} times (must be once) [{m['source']}]"
                )
        runnable = [m for m in mutants if m["id"] not in results]

        tests = sorted({t for m in runnable for t in m["tests"]})
        started = time.monotonic()
        baseline, tail = run_tests(tests, copy, env, args.timeout * 3) if tests else ("passed", "")
        if baseline != "passed":
            print(
                f"{tail}\n\nThe tests {baseline} without any mutant, so no mutant can be "
                f"judged:\n  {sys.executable} {' '.join(PYTEST)} {' '.join(tests)}"
            )
            return 1
        print(f"Unmutated: {len(tests)} test paths pass ({time.monotonic() - started:.0f} s).")

        for m in runnable:
            path = copy / m["file"]
            original = path.read_text()
            path.write_text(original.replace(m["find"], m["replace"]))
            started = time.monotonic()
            try:
                outcome, _ = run_tests(m["tests"], copy, env, args.timeout)
            finally:
                path.write_text(original)
            verdict = {"failed": "KILLED", "passed": "SURVIVED", "timeout": "TIMEOUT"}[outcome]
            results[m["id"]] = verdict
            print(
                f"{verdict:9} {m['id']:6} {m['rule']} ({time.monotonic() - started:.0f} s)",
                flush=True,
            )

    killed = sum(v == "KILLED" for v in results.values())
    print(f"\nScore: {killed} of {len(results)} killed.")
    for verdict in ("SURVIVED", "STALE", "TIMEOUT"):
        if ids := [i for i, v in results.items() if v == verdict]:
            print(f"{verdict}: {', '.join(ids)}")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
