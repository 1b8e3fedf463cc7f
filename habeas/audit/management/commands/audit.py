"""`habeas audit verify` and `habeas audit head`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from habeas.audit.services import ChainBroken, audit_head, audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, or print its head to keep elsewhere."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check every entry; exit 1 naming the first broken one.")
        head = sub.add_parser("head", help="Print the number of entries and the head hash.")
        head.add_argument("--expect", metavar="HASH", help="Fail unless this hash is in the chain.")

    def handle(self, *args, **options) -> None:
        if options["action"] == "verify":
            try:
                count = audit_verify()
            except ChainBroken as broken:
                raise CommandError(f"The audit log is broken at {broken}.") from None
            self.stdout.write(f"Audit log intact: {count} entries.")
            return
        expected = options.get("expect")
        if expected:
            from habeas.audit.models import AuditEntry

            if not AuditEntry.objects.filter(hash=expected.strip().lower()).exists():
                raise CommandError(
                    "That hash is not in the audit log: the log was rebuilt or truncated."
                )
        self.stdout.write(json.dumps(audit_head()))
