"""Fail unless every translation of the interface is complete (make lint).

For each catalogue (habeas/locale/<code>/LC_MESSAGES/django.po, or the files named),
`msgfmt --check --statistics` must succeed (well-formed entries, placeholders kept,
plural forms declared) and report no fuzzy and no untranslated message: a fuzzy one
is not shown at all, an untranslated one shows English in the middle of the page.

    python scripts/check_translations.py [django.po …]
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# "123 translated messages, 4 fuzzy translations, 5 untranslated messages."
COUNT = re.compile(r"(\d+) (translated|fuzzy|untranslated)")


def check(po: Path) -> list[str]:
    """What is wrong with one catalogue, as lines to print; empty when complete."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "--output-file=/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    name = po.relative_to(ROOT) if po.is_relative_to(ROOT) else po
    if result.returncode != 0:
        return [f"{name}: msgfmt --check refused it:", result.stderr.strip()]
    counts = {kind: int(n) for n, kind in COUNT.findall(result.stderr)}
    problems = [
        f"{name}: {counts[kind]} {kind}"
        for kind in ("fuzzy", "untranslated")
        if counts.get(kind, 0)
    ]
    if not counts.get("translated"):
        problems.append(f"{name}: no translated message ({result.stderr.strip()})")
    return problems


def main(argv: list[str]) -> int:
    catalogues = [Path(p).resolve() for p in argv] or sorted(
        (ROOT / "habeas" / "locale").glob("*/LC_MESSAGES/django.po")
    )
    problems = [line for po in catalogues for line in check(po)]
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(
            "Translate every message and clear every fuzzy flag (CONTRIBUTING.md, "
            "'Add a language'); msgattrib --untranslated / --only-fuzzy lists them.",
            file=sys.stderr,
        )
        return 1
    for po in catalogues:
        print(f"{po.relative_to(ROOT) if po.is_relative_to(ROOT) else po}: complete")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
