"""`habeas serve`: prepare the data directory and serve Habeas with gunicorn."""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.core.running import RunningCommand

# Seconds a stopping server's workers may take to finish their requests.
GRACEFUL_TIMEOUT = 20
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_master(arbiter, worker) -> None:
    """gunicorn's post_fork hook: a worker is killed when its master dies.

    Otherwise a worker orphaned by a killed master keeps the listening socket until
    its requests end (a slow client keeps it for minutes), and `habeas serve` cannot
    start again meanwhile. The master's death is a crash: its workers' requests
    were lost with it anyway, their transactions are rolled back. Linux only.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    if os.getppid() != arbiter.pid:  # the master died before prctl took effect
        os._exit(1)


def wait_for_port(host: str, port: int, *, within: float, say) -> None:
    """Wait until `host:port` can be bound (as gunicorn binds it: SO_REUSEADDR),
    for a server still stopping there; refuse with one line after `within` s."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    deadline = time.monotonic() + within
    told = False
    while True:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise CommandError(
                        _("Cannot listen on %(host)s:%(port)s: %(why)s.")
                        % {"host": host, "port": port, "why": exc.strerror}
                    ) from None
            else:
                return
        if time.monotonic() > deadline:
            raise CommandError(
                _(
                    "Port %(port)s on %(host)s is in use by another program: stop it, or "
                    "choose another port (HABEAS_PORT or --port)."
                )
                % {"port": port, "host": host}
            )
        if not told:
            say(
                _("Port %(port)s is in use; waiting up to %(within)s s for it to be free.")
                % {"port": port, "within": f"{within:g}"}
            )
            told = True
        time.sleep(0.2)


def run_gunicorn(*, host: str, port: int, workers: int, threads: int) -> None:
    # Loaded only to serve: the WSGI application and gunicorn are no part of other commands.
    from gunicorn.app.base import BaseApplication

    from habeas.wsgi import application

    class HabeasServer(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                # Threads keep slow (Tor, mobile) clients from tying up a whole worker.
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 60,
                "graceful_timeout": GRACEFUL_TIMEOUT,
                "post_fork": die_with_master,
                # gunicorn's control socket is one path per user (~/.gunicorn/gunicorn.ctl):
                # a second instance would take it over. Habeas is managed by signals.
                "control_socket_disable": True,
                # No access log: it would record who visited which case, from where.
                "accesslog": None,
                "errorlog": "-",
                "proc_name": "habeas",
                "limit_request_line": 8190,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    HabeasServer().run()


class Command(RunningCommand):
    help = gettext_lazy(
        "Create the data directory, migrate the database and serve Habeas (gunicorn)."
    )
    running_as = "habeas serve"  # holds the lock until the server stops: no key rotation

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--host", default=None, help=gettext_lazy("Address to listen on (HABEAS_HOST).")
        )
        parser.add_argument(
            "--port", type=int, default=None, help=gettext_lazy("Port (HABEAS_PORT).")
        )
        parser.add_argument(
            "--workers", type=int, default=None, help=gettext_lazy("Processes (HABEAS_WORKERS).")
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help=gettext_lazy("Do not apply migrations.")
        )

    def handle(self, *args, **options) -> None:
        host = options["host"] or settings.HABEAS_HOST
        port = options["port"] or settings.HABEAS_PORT
        workers = options["workers"] or settings.HABEAS_WORKERS
        threads = settings.HABEAS_THREADS
        if not 0 < port < 65536:
            raise CommandError(
                _("HABEAS_PORT must be between 1 and 65535 (got %(port)s).") % {"port": port}
            )
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        else:
            # `migrate` runs the checks that need the database (keys: a value under a
            # retired or missing key); without it, run them here, so a server never
            # starts unable to read its data.
            call_command("check", databases=["default"], verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # A server that was just stopped (or crashed) may hold the port a little longer.
        wait_for_port(host, port, within=GRACEFUL_TIMEOUT + 5, say=self.stdout.write)
        # Forked workers must not share the parent's database connection.
        connections.close_all()
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        self.stdout.write(
            _("Habeas is at %(url)s  (data: %(dir)s)")
            % {"url": f"http://{shown}:{port}/", "dir": settings.DATA_DIR}
        )
        self.stdout.write(_("Stop it with Ctrl+C."))
        self.stdout.flush()
        os.environ.setdefault("SERVER_SOFTWARE", "gunicorn")
        run_gunicorn(host=host, port=port, workers=workers, threads=threads)
