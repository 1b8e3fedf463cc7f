"""`habeas pfif export|import`: PFIF 1.4 from the server (docs/pfif.md)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from habeas.accounts.models import User
from habeas.core.commands import Command as BaseCommand
from habeas.pfif import feed, selectors, services
from habeas.pfif.document import DocumentError, too_large


def _user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("There is no active account %(username)r.") % {"username": username})
    return user


class Command(BaseCommand):
    help = gettext_lazy(
        "Export people and their status history as PFIF 1.4, or import a PFIF 1.4 file."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help=gettext_lazy("write a PFIF 1.4 document"))
        who = export.add_mutually_exclusive_group(required=True)
        who.add_argument(
            "--as", dest="username", help=gettext_lazy("the people this account may see")
        )
        who.add_argument(
            "--public",
            action="store_true",
            help=gettext_lazy("the published profiles only (/public/pfif.xml)"),
        )
        export.add_argument(
            "--output", "-o", help=gettext_lazy("file to write (default: standard output)")
        )
        imp = sub.add_parser("import", help=gettext_lazy("import a PFIF 1.4 document"))
        imp.add_argument("file")
        imp.add_argument(
            "--as", dest="username", required=True, help=gettext_lazy("who imports (audited)")
        )
        imp.add_argument(
            "--country",
            required=True,
            help=gettext_lazy("country concerned of the cases it opens (ISO code, e.g. BY)"),
        )
        imp.add_argument(
            "--duplicates",
            choices=[services.Duplicates.SKIP, services.Duplicates.NEW],
            default=services.Duplicates.SKIP,
            help=gettext_lazy(
                "a person who looks like someone recorded: skip (default) or import as new"
            ),
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "export":
            self._export(options)
        else:
            self._import(options)

    def _export(self, options) -> None:
        if options["public"]:
            data = feed.write(selectors.public_people())
        else:
            user = _user(options["username"])
            people = selectors.staff_people(user=user)
            data = feed.write(people)
            services.pfif_exported(by=user, people=len(people))
        if options["output"]:
            Path(options["output"]).write_bytes(data)
        else:
            self.stdout.write(data.decode("utf-8"), ending="")

    def _import(self, options) -> None:
        user = _user(options["username"])
        country = options["country"].strip().upper()
        if country not in countries:
            raise CommandError(
                _("%(code)r is not a country code (e.g. BY, RU, SY).")
                % {"code": options["country"]}
            )
        path = Path(options["file"])
        try:
            if path.stat().st_size > settings.HABEAS_PFIF_MAX_BYTES:
                raise CommandError(
                    too_large(path.stat().st_size) + "\n" + _("Nothing was imported.")
                )
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(why)s.") % {"path": path, "why": error.strerror}
            ) from None
        try:
            batch = services.pfif_import(
                data=data,
                filename=path.name,
                country=country,
                by=user,
                duplicates=options["duplicates"],
            )
        except DocumentError as error:
            raise CommandError("\n".join([*error.problems, _("Nothing was imported.")])) from None
        except ValidationError as error:
            raise CommandError("\n".join([*error.messages, _("Nothing was imported.")])) from None
        except PermissionDenied:
            raise CommandError(
                _("%(username)s may not import (a viewer).") % {"username": user.username}
            ) from None
        self.stdout.write(
            _(
                "Imported %(file)s (SHA-256 %(sha256)s): %(people)s people "
                "and cases, %(notes)s notes as claims; %(already)s "
                "records already imported, %(expired)s expired records skipped."
            )
            % {
                "file": path.name,
                "sha256": batch.sha256,
                "people": batch.persons_created,
                "notes": batch.notes_created,
                "already": batch.already_imported,
                "expired": batch.expired_skipped,
            }
        )
        for dup in selectors.duplicates_of(batch=batch, user=user):
            known = (
                f" = {dup.candidate.display_name}"
                if dup.candidate
                else " " + _("(not recorded here)")
            )
            self.stdout.write(
                _("Possible duplicate: %(reference)s %(name)s and %(record)s%(known)s.")
                % {
                    "reference": dup.case.reference,
                    "name": dup.person.display_name,
                    "record": dup.linked_record_id,
                    "known": known,
                }
                + " "
                + _("Nothing was merged.")
            )
        for record in selectors.skipped_of(batch=batch, user=user):
            like = "; ".join(
                f"{c.name} ({', '.join(ref for ref, _url in c.cases)})" for c in record.candidates
            )
            self.stdout.write(
                _("Not imported: line %(line)s, %(id)s: %(why)s")
                % {"line": record.line, "id": record.record_id, "why": record.why}
                + (f": {like}" if like else ".")
            )
