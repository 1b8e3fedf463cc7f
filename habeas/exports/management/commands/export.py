"""`habeas export public --format json|csv`: the published list for partners.
`habeas export case REF --as USERNAME [--output FILE]`: a case's full record as
JSON, as USERNAME may read it (who sources are only with their source grant on
the case, and audited like a download)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import CommandError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.accounts.models import User
from habeas.advocacy import export
from habeas.cases.access import case_access
from habeas.cases.selectors import case_with_reference
from habeas.core.commands import Command as BaseCommand
from habeas.exports import selectors, services


class Command(BaseCommand):
    help = gettext_lazy(
        "Export for partners: `public` the published profiles (JSON or CSV), "
        "`case REF --as USERNAME` a case's full record as JSON."
    )

    def add_arguments(self, parser) -> None:
        what = parser.add_subparsers(dest="what", required=True, metavar="WHAT")
        public = what.add_parser("public", help=gettext_lazy("What is cleared for publication."))
        public.add_argument("--format", choices=["json", "csv"], default="json")
        case = what.add_parser(
            "case", help=gettext_lazy("A case's full record as JSON, for its team.")
        )
        case.add_argument("reference", help=gettext_lazy("the case's reference, e.g. TM-2021-003"))
        case.add_argument(
            "--as",
            dest="username",
            required=True,
            help=gettext_lazy(
                "the account reading it: only its team's cases, and who sources are "
                "only with its source grant on the case"
            ),
        )
        case.add_argument(
            "--output", "-o", help=gettext_lazy("write to this file instead of the output")
        )

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        if what == "public":
            rows = export.public_rows(today=timezone.localdate())
            text = export.to_json(rows) if options["format"] == "json" else export.to_csv(rows)
            self.stdout.write(text, ending="")
            return
        self.export_case(options["reference"], options["username"], options.get("output"))

    def export_case(self, reference: str, username: str, output: str | None) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active account is called %(username)r.") % {"username": username}
            )
        case = case_with_reference(reference.strip())
        # One message whether the case is missing or not the account's: the command
        # says no more than the page's 404 (and a refusal is audited the same way).
        missing = CommandError(
            _("%(username)s has no case with the reference %(reference)r.")
            % {"username": username, "reference": reference}
        )
        if case is None:
            raise missing
        try:
            access = case_access(user=user, public_id=case.public_id)
        except Http404:
            raise missing from None
        record = selectors.case_export(access=access)
        services.case_exported(case=access.case, export=record, by=user, via="command")
        text = selectors.to_json(record)
        if output:
            try:
                # Readable by its owner only: it may hold who the sources are.
                fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.fchmod(fd, 0o600)  # also a file that was there before, and whatever the umask
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(path)s: %(why)s.") % {"path": output, "why": error.strerror}
                ) from None
            self.stdout.write(
                _("%(reference)s written to %(path)s.")
                % {"reference": access.case.reference, "path": output}
            )
            return
        self.stdout.write(text, ending="")
