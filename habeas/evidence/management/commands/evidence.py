"""`habeas evidence verify`: re-check the hash of every stored evidence file.

Exits non-zero, naming each item (by public id and case reference) whose stored
file is missing, cannot be decrypted, or no longer has the hash recorded at upload.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from habeas.evidence.models import EvidenceItem
from habeas.evidence.services import evidence_verify


class Command(BaseCommand):
    help = "Evidence store maintenance: `verify` re-checks every stored hash."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("verify", help="Re-check every stored evidence file's hashes.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        changed = []
        count = 0
        for item in EvidenceItem.objects.select_related("case").order_by("id").iterator():
            count += 1
            problem = evidence_verify(item=item)
            if problem:
                changed.append(f"{item.public_id} (case {item.case.reference}): {problem}")
        for line in changed:
            self.stderr.write(f"CHANGED {line}")
        if changed:
            raise CommandError(f"{len(changed)} of {count} evidence items changed or missing.")
        self.stdout.write(f"{count} evidence items checked: all intact.")
