"""`habeas organisation`: show or set who submits and signs the documents, from the
server (operators script their set-ups; the web page is the administrators')."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.core.commands import Command as BaseCommand
from habeas.organisation.selectors import organisation_current
from habeas.organisation.services import organisation_update

# option → field, in the order `show` prints them.
OPTIONS = {
    "name": "name",
    "address": "address",
    "email": "email",
    "phone": "phone",
    "signatory_name": "signatory_name",
    "signatory_title": "signatory_title",
}


class Command(BaseCommand):
    help = gettext_lazy("Show or set the organisation's settings (name, address, signatory, logo).")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("show", help=gettext_lazy("print the settings documents use"))
        set_ = sub.add_parser(
            "set", help=gettext_lazy("change the settings given; the others stay")
        )
        set_.add_argument("--name")
        set_.add_argument("--address", help=gettext_lazy("lines separated by \\n"))
        set_.add_argument("--email")
        set_.add_argument("--phone")
        set_.add_argument("--signatory-name", dest="signatory_name")
        set_.add_argument("--signatory-title", dest="signatory_title")
        logo = set_.add_mutually_exclusive_group()
        logo.add_argument(
            "--logo", help=gettext_lazy("an image file (JPEG, PNG, WebP, GIF or TIFF)")
        )
        logo.add_argument("--remove-logo", action="store_true")

    def handle(self, *args, action: str, **options) -> None:
        if action == "set":
            self._set(options)
        self._show()

    def _set(self, options: dict) -> None:
        fields = {
            field: options[option].replace("\\n", "\n") if option == "address" else options[option]
            for option, field in OPTIONS.items()
            if options.get(option) is not None
        }
        logo = None
        if options.get("logo"):
            try:
                logo = Path(options["logo"]).read_bytes()
            except OSError as error:
                raise CommandError(
                    _("Cannot read the logo: %(why)s.") % {"why": error.strerror}
                ) from None
        remove = bool(options.get("remove_logo"))
        if not fields and logo is None and not remove:
            raise CommandError(_("Nothing to set: give at least one option (see --help)."))
        try:
            saved = organisation_update(by=None, logo=logo, logo_remove=remove, **fields)
        except ValidationError as error:
            raise CommandError(_one_line(error)) from None
        self.stdout.write(_("Nothing changed.") if saved is None else _("Saved."))

    def _show(self) -> None:
        org = organisation_current()
        if org.pk is None:
            self.stdout.write(_("Not saved yet: the name comes from HABEAS_ORGANISATION."))
        for option, field in OPTIONS.items():
            value = getattr(org, field).replace("\n", " / ")
            self.stdout.write(f"{option.replace('_', '-')}: {value}")
        self.stdout.write(f"logo: {'yes' if org.has_logo else 'none'}")


def _one_line(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        f"--{field.replace('_', '-')}: {' '.join(ValidationError(errors).messages)}"
        for field, errors in error.error_dict.items()
    )
