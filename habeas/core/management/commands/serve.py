"""`habeas serve`: prepare the data directory and serve Habeas with gunicorn."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from habeas.conf import ConfigurationError, env_int, env_str


def run_gunicorn(*, host: str, port: int, workers: int, threads: int) -> None:
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
                "graceful_timeout": 20,
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


class Command(BaseCommand):
    help = "Create the data directory, migrate the database and serve Habeas (gunicorn)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=None, help="Address to listen on (HABEAS_HOST).")
        parser.add_argument("--port", type=int, default=None, help="Port (HABEAS_PORT).")
        parser.add_argument("--workers", type=int, default=None, help="Processes (HABEAS_WORKERS).")
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply migrations.")

    def handle(self, *args, **options) -> None:
        try:
            host = options["host"] or env_str("HABEAS_HOST", "127.0.0.1")
            port = options["port"] or env_int("HABEAS_PORT", 8000)
            workers = options["workers"] or env_int("HABEAS_WORKERS", 2)
            threads = env_int("HABEAS_THREADS", 4)
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from None
        if not 0 < port < 65536:
            raise CommandError(f"HABEAS_PORT must be between 1 and 65535 (got {port}).")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        else:
            # `migrate` runs the checks that need the database (keys: a value under a
            # retired or missing key); without it, run them here, so a server never
            # starts unable to read its data.
            call_command("check", databases=["default"], verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # Forked workers must not share the parent's database connection.
        connections.close_all()
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        self.stdout.write(f"Habeas is at http://{shown}:{port}/  (data: {settings.DATA_DIR})")
        self.stdout.write("Stop it with Ctrl+C.")
        self.stdout.flush()
        os.environ.setdefault("SERVER_SOFTWARE", "gunicorn")
        run_gunicorn(host=host, port=port, workers=workers, threads=threads)
