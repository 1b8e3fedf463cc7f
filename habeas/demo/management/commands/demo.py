"""`habeas demo`: migrate, load the demo data once, and (re)set the demo login."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.accounts.models import User
from habeas.core.commands import Command as BaseCommand
from habeas.demo import cases as demo


class Command(BaseCommand):
    help = gettext_lazy("Load the fictional demo cases (once) and print the demo login.")

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        password = settings.HABEAS_DEMO_PASSWORD or secrets.token_urlsafe(12)
        with transaction.atomic():
            user, _created = User.objects.get_or_create(
                username=demo.DEMO_USERNAME, defaults={"role": User.Role.STAFF}
            )
            user.set_password(password)
            user.save()
            loaded = demo.is_loaded()
            if not loaded:
                demo.load(user=user)
        port = settings.HABEAS_PORT
        self.stdout.write(_("Demo data already loaded.") if loaded else _("Demo data loaded."))
        self.stdout.write(
            _("Log in at %(url)s as user 'demo', password: %(password)s")
            % {"url": f"http://127.0.0.1:{port}/", "password": password}
        )
