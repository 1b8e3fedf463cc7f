"""`habeas account`: what an operator on the server can do when no administrator
can log in (the first administrator; the only one lost their phone and codes)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.accounts import services
from habeas.accounts.models import User
from habeas.core.commands import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy(
        "Create an account, or reset an account's two-factor login, from the server."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser(
            "create", help=gettext_lazy("create an account with a generated password")
        )
        create.add_argument("username")
        create.add_argument("--role", choices=User.Role.values, default=User.Role.STAFF)
        reset = sub.add_parser(
            "reset-2fa", help=gettext_lazy("remove an account's authenticator and backup codes")
        )
        reset.add_argument("username")

    def handle(self, *args, action: str, username: str, **options) -> None:
        if action == "create":
            self._create(username, options["role"])
        else:
            self._reset(username)

    def _create(self, username: str, role: str) -> None:
        field = User._meta.get_field("username")
        try:
            username = field.clean(username, None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if User.objects.filter(username=username).exists():
            raise CommandError(
                _("There is already an account %(username)r.") % {"username": username}
            )
        user, password = services.user_create(username=username, role=role, by=None)
        self.stdout.write(
            _("Created %(username)s (%(role)s).")
            % {"username": user.username, "role": user.get_role_display()}
        )
        self.stdout.write(
            _("Initial password, shown only now: %(password)s") % {"password": password}
        )
        if role == User.Role.ADMINISTRATOR:
            self.stdout.write(_("They set up two-factor login at their first login."))

    def _reset(self, username: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no account %(username)r.") % {"username": username})
        services.two_factor_reset(user=user, by=None)
        self.stdout.write(
            _("Two-factor login of %(username)s is reset and their sessions have ended.")
            % {"username": user.username}
        )
