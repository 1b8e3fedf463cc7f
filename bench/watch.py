"""Benchmark of `habeas watch --once`; see bench/README.md.

    .venv/bin/python bench/watch.py --cases 100000 --due 1000

Seeds N open cases into a database of its own (never the organisation's: default
<data dir>/bench/watch-N.sqlite3, or --database-url), then times two passes:
  1. nothing due: the pass an idle watcher makes every 30 s;
  2. `--due` alerts due at once, each delivered to a signed webhook on loopback
     (a threaded receiver that checks the signature of every request).
Prints one JSON line per step.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from receiver import receiver  # bench/receiver.py (a script's folder is on its path)

SECRET = "bench-webhook-secret-0123456789"  # noqa: S105 - a throwaway loopback receiver
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    server, seen = receiver(SECRET)
    data_dir = Path(os.environ.get("HABEAS_DATA_DIR", ROOT / "var"))
    (data_dir / "bench").mkdir(parents=True, exist_ok=True)
    db = data_dir / "bench" / f"watch-{args.cases}.sqlite3"
    if args.reseed and db.exists():
        db.unlink()
    os.environ["HABEAS_DATABASE_URL"] = args.database_url or f"sqlite:///{db}"
    os.environ["HABEAS_WEBHOOK_URLS"] = f"http://127.0.0.1:{server.server_address[1]}/hook"
    os.environ["HABEAS_WEBHOOK_SECRET"] = SECRET
    os.environ["DJANGO_SETTINGS_MODULE"] = "habeas.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["NAME"] == settings.DATA_DIR / "habeas.sqlite3":
        raise SystemExit("refusing to run on Habeas's own database")

    from django.core.management import call_command
    from django.utils import timezone

    from habeas.alerts import detection, watcher
    from habeas.alerts.models import Deadline, Delivery, Rule
    from habeas.cases.models import Case

    call_command("migrate", verbosity=0)
    if Case.objects.count() != args.cases:
        t0 = time.perf_counter()
        seed(args.cases)
        seeded = time.perf_counter() - t0
        t0 = time.perf_counter()
        detection.rebuild_all()
        rebuilt = time.perf_counter() - t0
        print(
            json.dumps(
                {
                    "step": "seed",
                    "cases": args.cases,
                    "seconds": round(seeded, 1),
                    "deadlines_seconds": round(rebuilt, 1),
                }
            ),
            flush=True,
        )
    # Start from a clean slate: no alerts, no outbox, every deadline in the future.
    from habeas.alerts.models import Alert

    Alert.objects.all().delete()
    now = timezone.now()
    Case.objects.update(last_info_at=now)
    detection.rebuild_all(now=now)
    watcher.watch_pass(worker="bench-warmup")

    t0 = time.perf_counter()
    summary = watcher.watch_pass(worker="bench")
    idle = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "step": "pass_nothing_due",
                "cases": args.cases,
                "seconds": round(idle, 3),
                "summary": summary,
            }
        ),
        flush=True,
    )

    ids = list(
        Deadline.objects.filter(rule=Rule.QUIET)
        .order_by("?")
        .values_list("pk", flat=True)[: args.due]
    )
    Deadline.objects.filter(pk__in=ids).update(due_at=now, occurrence="bench")
    # Count only what this pass sends (the warm-up pass may have sent anniversaries).
    seen["ok"] = seen["bad"] = 0
    sent_before = Delivery.objects.filter(status=Delivery.Status.SENT).count()
    t0 = time.perf_counter()
    summary = watcher.watch_pass(worker="bench")
    busy = time.perf_counter() - t0
    sent = Delivery.objects.filter(status=Delivery.Status.SENT).count() - sent_before
    print(
        json.dumps(
            {
                "step": "pass_with_due",
                "cases": args.cases,
                "due": args.due,
                "seconds": round(busy, 3),
                "webhooks_received": seen["ok"],
                "bad_signatures": seen["bad"],
                "sent": sent,
                "summary": summary,
            }
        ),
        flush=True,
    )
    server.shutdown()


def seed(n: int) -> None:
    """N open cases on one team, "reported missing", opened now. bulk_create skips save()
    and the services: the columns they derive come from the page benchmark's
    seeding.case_derived, which tests/test_bench_seeding.py holds to the services."""
    import random
    from datetime import date, timedelta

    from django.db import transaction
    from django.utils import timezone
    from seeding import case_derived

    from habeas.accounts.models import User
    from habeas.cases.models import Case, CaseMember, Status
    from habeas.lib.partialdate import PartialDate, Precision

    rng = random.Random(6)
    user, _ = User.objects.get_or_create(username="bench", defaults={"role": "staff"})
    now = timezone.now()
    for start in range(0, n, 5000):
        rows = []
        for i in range(start, min(n, start + 5000)):
            day = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
            gone = PartialDate(lo=day, hi=day, precision=Precision.DAY)
            derived = case_derived(
                disappeared_on=gone,
                last_contact_on=None,
                status=Status.REPORTED_MISSING,
                asserted_on=day,
                opened=now,
                now=now,
                events=[],
                claims=[],
            )
            rows.append(
                Case(
                    reference=f"B-{i:06d}",
                    country="TM",
                    disappeared_on=gone,
                    created_by=user,
                    **derived,
                )
            )
        with transaction.atomic():
            made = Case.objects.bulk_create(rows, batch_size=1000)
            CaseMember.objects.bulk_create(
                [CaseMember(case=c, user=user, role="lead") for c in made], batch_size=1000
            )


if __name__ == "__main__":
    main()
