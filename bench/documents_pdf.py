"""How long the PDF of a UN submission takes to make, and how large it is, for a
person named in Chinese (the largest font, Droid Sans Fallback, subset into the
file) and, for comparison, in Latin script. Prints figures; not a test.

    .venv/bin/python bench/documents_pdf.py [--runs 10]

Uses a throwaway SQLite database under a temporary data directory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed renderings per name")
    args = parser.parse_args()
    os.environ["HABEAS_DATA_DIR"] = tempfile.mkdtemp(prefix="habeas-bench-pdf-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    os.environ.setdefault("HABEAS_ORGANISATION", "Demo Rights Centre")
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    from habeas.accounts.models import User
    from habeas.advocacy import documents, render
    from habeas.cases import services as cases
    from habeas.lib.partialdate import PartialDate

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench-pdf", password=None)
    print("fonts:", ", ".join(face.family for face in render.faces()))
    print("text shaping:", "HarfBuzz" if render.shaping() else "none")
    for label, name, place in (
        ("chinese", "王小明", "烏魯木齊"),
        ("latin", "Rustam Isakow", "Turkmenabat"),
    ):
        person = cases.person_create(name=name, by=user)
        case = cases.case_create(
            reference=f"BENCH-{label}",
            person=person,
            country="CN",
            disappeared_on=PartialDate.parse("2026-01-05"),
            by=user,
        )
        case.disappeared_place = place
        case.save()
        document = documents.wgeid_submission(case=case, language="en", today=date(2026, 12, 6))
        start = time.perf_counter()
        body = render.to_pdf(document)  # the first one loads and parses the fonts
        first = time.perf_counter() - start
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            body = render.to_pdf(document)
            times.append(time.perf_counter() - start)
        median, slowest = statistics.median(times) * 1000, max(times) * 1000
        print(
            f"{label}: first {first * 1000:.0f} ms; then median {median:.0f} ms,"
            f" max {slowest:.0f} ms over {args.runs}; {len(body) / 1024:.1f} KiB"
        )


if __name__ == "__main__":
    main()
