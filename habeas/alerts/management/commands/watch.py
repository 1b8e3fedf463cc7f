"""`habeas watch`: raise due alerts and deliver notifications, pass after pass.

Safe to run twice (rows are claimed by compare-and-set) and to kill at any
moment (unfinished claims are taken over after the lease). SIGTERM or SIGINT
ends it within a few seconds, even mid-send: the delivery step stops starting
sends, waits briefly for those in flight and leaves the rest to their lease.
`--once` runs a single pass, for cron or tests; `--rebuild` recomputes every
case's deadlines first (after a bulk import).
"""

from __future__ import annotations

import json
import logging
import signal
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from habeas.alerts import delivery, detection, watcher
from habeas.core.running import RunningCommand

log = logging.getLogger("habeas.alerts.watch")

# How long a stopping watcher waits for sends in flight before it exits.
STOP_GRACE_SECONDS = 2.0


class Command(RunningCommand):
    help = gettext_lazy(
        "Raise due alerts and deliver notifications (a long-running loop; --once for one pass)."
    )
    running_as = "habeas watch"  # no key rotation under a running watcher

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help=gettext_lazy("Run one pass and exit.")
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help=gettext_lazy("Seconds between passes (HABEAS_WATCH_INTERVAL, default 30)."),
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help=gettext_lazy("Recompute every case's deadlines first."),
        )

    def handle(self, *args, **options) -> None:
        interval = options["interval"] or settings.HABEAS_WATCH_INTERVAL
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        if not options["once"]:  # one pass is simply killed: its claims outlive it
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        if options["rebuild"]:
            count = detection.rebuild_all(stop=lambda: bool(stopping))
            if stopping:
                self.stdout.write(
                    ngettext(
                        "Stopped after recomputing %(count)d case; run it again.",
                        "Stopped after recomputing %(count)d cases; run it again.",
                        count,
                    )
                    % {"count": count}
                )
                return
            self.stdout.write(
                ngettext("Recomputed %(count)d case.", "Recomputed %(count)d cases.", count)
                % {"count": count}
            )
        if options["once"]:
            summary = watcher.watch_pass()
            self.stdout.write(json.dumps(summary))
            return
        self.stdout.write(
            _("Watching every %(interval)s s (worker %(worker)s).")
            % {"interval": f"{interval:g}", "worker": watcher.worker_name()}
        )
        self.stdout.flush()
        outbox = delivery.Outbox(watcher.worker_name(), probe_at_start=True)
        failures = 0
        while not stopping:
            more = False
            try:
                close_old_connections()
                summary = watcher.watch_pass(outbox=outbox, stop=lambda: bool(stopping))
                more = bool((summary.get("delivered") or {}).get("more"))
                failures = 0
            except Exception:  # the database is away: wait, then retry
                failures += 1
                log.exception("watch: pass failed (%d in a row)", failures)
            # Deliveries left behind by the pass's time budget: go on at once (the
            # next pass raises new alerts first). Back off while the database is
            # unreachable; never a tight crash loop.
            if more:
                continue
            pause = interval if not failures else min(interval * 2**failures, 600)
            deadline = time.monotonic() + pause
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.2, pause))
        try:
            outbox.close(wait=STOP_GRACE_SECONDS)
        except Exception:  # the database is away: the claims are taken over after the lease
            log.exception("watch: could not record the sends in flight")
        self.stdout.write(_("Watcher stopped."))
