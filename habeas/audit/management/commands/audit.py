"""`habeas audit verify` and `habeas audit head`."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.audit.seal import start_recorded
from habeas.audit.services import (
    ChainBroken,
    HeadRefused,
    audit_head_check,
    audit_head_signed,
    audit_sealed_from,
    audit_verify,
)
from habeas.core.commands import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy("Verify the audit log, or print its signed head to keep elsewhere.")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "verify", help=gettext_lazy("Check every entry; exit 1 naming the first broken one.")
        )
        head = sub.add_parser(
            "head",
            help=gettext_lazy("Print the signed head (entries, last id, hash, time, MAC) as JSON."),
        )
        head.add_argument(
            "--expect",
            metavar="HEAD",
            help=gettext_lazy(
                "A head printed earlier (its JSON, or a file holding it): fail unless the "
                "log still runs through it."
            ),
        )

    def handle(self, *args, **options) -> None:
        try:
            if options["action"] == "verify":
                self.stdout.write(
                    _("Audit log intact: %(count)s entries.") % {"count": audit_verify()}
                )
                if (sealed_from := audit_sealed_from()) > 1:
                    self.stdout.write(
                        _(
                            "Entries #1 to #%(last)s were written before the log was "
                            "sealed: they carry no MAC, and are fixed by the hash chain that "
                            "entry #%(first)s extends."
                        )
                        % {"last": sealed_from - 1, "first": sealed_from}
                    )
                if start_recorded() is None:
                    self.stdout.write(
                        _(
                            "The key ring does not record where the seal starts: add "
                            '"audit_sealed_from": %(first)s to it (HABEAS_KEYS), so that a '
                            "seal stripped from the database cannot be applied anew."
                        )
                        % {"first": sealed_from}
                    )
                return
            if options.get("expect"):
                audit_head_check(_read_head(options["expect"]))
        except ChainBroken as broken:
            raise CommandError(
                _("The audit log is broken at %(entry)s.") % {"entry": broken}
            ) from None
        except HeadRefused as refused:
            raise CommandError(
                _("The audit log does not match that head: %(why)s.") % {"why": refused}
            ) from None
        self.stdout.write(json.dumps(audit_head_signed()))


def _read_head(text: str) -> dict:
    text = text.strip()
    if not text.startswith("{"):
        try:
            text = Path(text).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            raise CommandError(
                _(
                    "--expect takes a head printed by `habeas audit head` (its JSON, or a "
                    "file holding it)."
                )
            ) from None
    try:
        head = json.loads(text)
    except ValueError:
        head = None
    if not isinstance(head, dict):
        raise CommandError(_("That head is not JSON printed by `habeas audit head`."))
    return head
