"""`habeas demo`: migrate, load the demo data once, and (re)set the demo login."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from habeas.accounts.models import User
from habeas.demo import cases as demo


class Command(BaseCommand):
    help = "Load the fictional demo cases (once) and print the demo login."

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        password = settings.HABEAS_DEMO_PASSWORD or secrets.token_urlsafe(12)
        with transaction.atomic():
            user, _ = User.objects.get_or_create(
                username=demo.DEMO_USERNAME, defaults={"role": User.Role.STAFF}
            )
            user.set_password(password)
            user.save()
            loaded = demo.is_loaded()
            if not loaded:
                demo.load(user=user)
        port = settings.HABEAS_PORT
        self.stdout.write("Demo data " + ("already loaded." if loaded else "loaded."))
        self.stdout.write(
            f"Log in at http://127.0.0.1:{port}/ as user 'demo', password: {password}"
        )
