#!/usr/bin/env python3
"""Check that every repository path the docs name exists.

Reads README.md, CONTRIBUTING.md and docs/*.md, finds every path under habeas/,
tests/, bench/, scripts/ or docs/ (globs such as tests/test_evidence*.py must
match at least one file; a path holding "<" is a placeholder and is skipped),
and, for `path.py:name`, checks that `name` is defined or assigned in that file;
a dotted `habeas.app.module` must be a module, `habeas.app.module.name` a name
defined in it.
Prints one line per broken reference; exits 1 if there is any.

    scripts/check_doc_paths.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
PATH = re.compile(r"(?<![\w/.])((?:habeas|tests|bench|scripts|docs)/[\w./*<>-]*[\w*/>])(?::(\w+))?")
DOTTED = re.compile(r"(?<![\w/.])habeas(?:\.\w+)+")


def defines(path: Path, name: str) -> bool:
    text = path.read_text(encoding="utf-8")
    return bool(re.search(rf"^\s*(?:def|class)\s+{name}\b|^\s*{name}\s*[:=]", text, re.M))


def dotted_problem(dotted: str) -> str | None:
    """`habeas.app.module` must be a module; `habeas.app.module.name` a name in it."""
    parts = dotted.split(".")
    for cut in range(len(parts), 1, -1):
        base = ROOT.joinpath(*parts[:cut])
        module = base.with_suffix(".py") if not base.is_dir() else base / "__init__.py"
        if module.exists():
            rest = parts[cut:]
            if not rest or (len(rest) == 1 and defines(module, rest[0])):
                return None
            return f"{'.'.join(rest)} is not defined in {module.relative_to(ROOT)}"
    return None  # not a module of Habeas: a file name (habeas.sqlite3), a host, a check id


def broken(doc: Path) -> list[str]:
    problems = []
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        for match in PATH.finditer(line):
            path, name = match.group(1), match.group(2)
            if "<" in path:
                continue
            found = sorted(ROOT.glob(path)) if "*" in path else [ROOT / path]
            found = [p for p in found if p.exists()]
            where = f"{doc.relative_to(ROOT)}:{number}"
            if not found:
                problems.append(f"{where}: {path} does not exist")
            elif name and found[0].is_file() and not defines(found[0], name):
                problems.append(f"{where}: {name} is not defined in {path}")
        for match in DOTTED.finditer(line):
            problem = dotted_problem(match.group(0).rstrip("."))
            if problem:
                problems.append(f"{doc.relative_to(ROOT)}:{number}: {problem}")
    return problems


def main() -> int:
    problems = [p for doc in DOCS if doc.exists() for p in broken(doc)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
