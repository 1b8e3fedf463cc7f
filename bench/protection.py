"""Benchmark of the protection ladder in the watcher (issue 16); figures, not a test.

    .venv/bin/python bench/protection.py --people 10000 --due 1000     (make bench-protection)

Seeds N people at risk, each with a plan (every 12 h, an hour's grace, a reminder
by e-mail, the team after 60 min, the contacts after 240), a team member with an
e-mail address and two safety contacts (one by e-mail, one partner by a signed
webhook on loopback), into a database of its own (never the organisation's:
<data dir>/bench/protection-N.sqlite3, or --database-url). Then:

  1. pass_nothing_due: one full watcher pass with every deadline in the future
     (target: under 0.2 s), and the ladder's step alone;
  2. escalations_due: `--due` plans missed five hours ago, so that each opens an
     escalation and climbs reminder → team → contacts in one pass; the time until
     every notification is in the outbox (target: under 5 s), then the time to send
     them (e-mail to Django's in-memory backend, webhooks to the loopback receiver);
  3. noticed: a real `habeas watch --interval S` for a while, with `--late` plans
     whose deadlines fall during it; how long after its deadline each escalation
     was opened (target: within one interval; the loop sleeps S after each pass).

Prints one JSON line per step, with CPU (process time) and wall seconds, and the
machine's load average (`uptime`) before each.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from receiver import receiver  # bench/receiver.py (a script's folder is on its path)

SECRET = "bench-protection-secret-0123456789"  # noqa: S105 - a throwaway loopback receiver
ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed(fn):
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return result, round(time.process_time() - cpu, 3), round(time.perf_counter() - wall, 3)


def emit(**fields) -> None:
    print(json.dumps(fields, default=str), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--late", type=int, default=40, help="deadlines during step 3")
    parser.add_argument(
        "--interval", type=float, default=0, help="step 3 (default HABEAS_WATCH_INTERVAL)"
    )
    parser.add_argument(
        "--run-seconds", type=float, default=0, help="step 3 (default 3 intervals + 10 s)"
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument(
        "--port", type=int, default=18765, help="the partner receiver's (kept in the seeded rows)"
    )
    args = parser.parse_args()

    server, seen = receiver(SECRET, args.port)
    url = f"http://127.0.0.1:{server.server_address[1]}/partner"
    data_dir = Path(os.environ.get("HABEAS_DATA_DIR", ROOT / "var"))
    (data_dir / "bench").mkdir(parents=True, exist_ok=True)
    db = data_dir / "bench" / f"protection-{args.people}.sqlite3"
    if args.reseed and db.exists():
        db.unlink()
    env = {
        "HABEAS_DATABASE_URL": args.database_url or f"sqlite:///{db}",
        "HABEAS_PROTECTION_WEBHOOK_URLS": url,
        "HABEAS_PROTECTION_WEBHOOK_SECRET": SECRET,
        "HABEAS_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "habeas.settings",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["NAME"] == settings.DATA_DIR / "habeas.sqlite3":
        raise SystemExit("refusing to run on Habeas's own database")

    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from habeas.alerts import watcher
    from habeas.alerts.models import Delivery
    from habeas.protection import ladder
    from habeas.protection.models import Escalation, Plan

    call_command("migrate", verbosity=0)
    if Plan.objects.count() != args.people:
        _, cpu, wall = timed(lambda: seed(args.people, url))
        emit(step="seed", people=args.people, cpu=cpu, wall=wall)

    # A clean slate: no escalation, no outbox, every deadline in the future.
    def reset() -> None:
        Escalation.objects.all().delete()
        Delivery.objects.all().delete()
        now = timezone.now()
        Plan.objects.update(next_deadline=now + timedelta(hours=13), last_check_in_at=now)

    reset()
    watcher.watch_pass(worker="bench-warmup")
    # A running watcher has loaded the URLconf (the links in the team's messages)
    # once, at its first escalation: not counted below.
    from django.urls import reverse

    reverse("protection:at_risk_list")

    # 1. Nothing due.
    before = load()
    summary, cpu, wall = timed(lambda: watcher.watch_pass(worker="bench"))
    now = timezone.now()
    _, step_cpu, step_wall = timed(lambda: ladder.watch_step(now, lambda: False))
    emit(
        step="pass_nothing_due",
        people=args.people,
        cpu=cpu,
        wall=wall,
        ladder_step_cpu=step_cpu,
        ladder_step_wall=step_wall,
        protection_ms=summary.get("protection_ms"),
        load=before,
    )

    # 2. `due` escalations at once, every stage due.
    now = timezone.now()
    ids = list(Plan.objects.order_by("?").values_list("pk", flat=True)[: args.due])
    Plan.objects.filter(pk__in=ids).update(next_deadline=now - timedelta(hours=5))
    before = load()
    result, cpu, wall = timed(lambda: ladder.watch_step(timezone.now(), lambda: False))
    queued = Delivery.objects.filter(alert__isnull=True).count()
    emit(
        step="escalations_due",
        people=args.people,
        due=args.due,
        opened=result["opened"],
        stages_climbed=result["climbed"],
        notifications_in_outbox=queued,
        cpu=cpu,
        wall=wall,
        load=before,
    )
    from django.core import mail

    mail.outbox = []
    seen["ok"] = seen["bad"] = 0
    before = load()
    passes = 0

    def drain() -> None:
        nonlocal passes
        while Delivery.objects.filter(status=Delivery.Status.PENDING).exists() and passes < 50:
            watcher.watch_pass(worker="bench")
            passes += 1

    _, cpu, wall = timed(drain)
    emit(
        step="notifications_sent",
        sent=Delivery.objects.filter(status=Delivery.Status.SENT).count(),
        emails=len(mail.outbox),
        webhooks_received=seen["ok"],
        bad_signatures=seen["bad"],
        passes=passes,
        cpu=cpu,
        wall=wall,
        load=before,
    )

    # 3. A real watcher: deadlines falling while it runs.
    interval = args.interval or float(settings.HABEAS_WATCH_INTERVAL)
    run_seconds = args.run_seconds or 3 * interval + 10
    reset()
    late = list(Plan.objects.order_by("?").values_list("pk", flat=True)[: args.late])
    before = load()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "habeas"), "watch", "--interval", str(interval)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.readline()  # "Watching every …": it is up
    # Deadlines spread over the run, the last one interval + 5 s before its end.
    start, span = timezone.now() + timedelta(seconds=1), run_seconds - interval - 6
    for i, pk in enumerate(late):
        Plan.objects.filter(pk=pk).update(
            next_deadline=start + timedelta(seconds=span * i / max(1, len(late) - 1))
        )
    time.sleep(run_seconds)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    delays = [
        (e.started_at - e.missed_deadline).total_seconds()
        for e in Escalation.objects.filter(at_risk__plan__pk__in=late)
    ]
    from habeas.alerts.models import WatcherState

    state = WatcherState.objects.get(pk=1)
    emit(
        step="noticed",
        interval_seconds=interval,
        deadlines=len(late),
        noticed=len(delays),
        delay_max=round(max(delays), 3) if delays else None,
        delay_median=round(statistics.median(delays), 3) if delays else None,
        within_one_interval=bool(delays) and max(delays) <= interval,
        last_pass_ms=round(
            (state.last_pass_finished - state.last_pass_started).total_seconds() * 1000, 1
        ),
        load=before,
        watcher_errors=err.strip().splitlines()[-3:] if process.returncode else [],
    )
    server.shutdown()


def seed(n: int, url: str) -> None:
    """N people at risk through bulk_create (the services' checks are not what is
    measured here; the rows are the ones plan_set and contacts_set write)."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from habeas.accounts.models import User
    from habeas.protection.models import AtRisk, AtRiskMember, Plan, SafetyContact

    user, _ = User.objects.get_or_create(
        username="bench", defaults={"role": "staff", "email": "bench@org.example"}
    )
    now = timezone.now()
    for start in range(0, n, 2000):
        with transaction.atomic():
            people = AtRisk.objects.bulk_create(
                AtRisk(code_name=f"P{i:05d}", consent_on=now.date(), consent_how="bench")
                for i in range(start, min(n, start + 2000))
            )
            AtRiskMember.objects.bulk_create(
                AtRiskMember(at_risk=a, user=user, role=AtRiskMember.Role.LEAD) for a in people
            )
            plans = []
            for a in people:
                plan = Plan(
                    at_risk=a,
                    kind=Plan.Kind.INTERVAL,
                    every_hours=12,
                    grace_minutes=60,
                    remind_after=15,
                    reminder_channel="email",
                    team_after=60,
                    contacts_after=240,
                    link_key=f"bench-{a.pk}",
                    pin_hash="x",
                    duress_pin_hash="y",
                    next_deadline=now + timedelta(hours=13),
                )
                plan.reminder_target = f"p{a.pk}@safe.example"
                plans.append(plan)
            Plan.objects.bulk_create(plans)
            contacts = []
            for a in people:
                for channel, target in (("email", f"c{a.pk}@contact.example"), ("webhook", url)):
                    contact = SafetyContact(at_risk=a, channel=channel, language="en")
                    contact.name, contact.target = f"Contact {a.pk}", target
                    contacts.append(contact)
            SafetyContact.objects.bulk_create(contacts)


if __name__ == "__main__":
    main()
