"""`habeas evidence verify`: re-check the hash of every stored evidence file.

Exits non-zero, naming each item (by public id and case reference) whose stored
file is missing, cannot be decrypted, or no longer has the hash recorded at upload.

`habeas evidence rebuild-working`: make every image's and PDF's working copy
again from its original, as an upload now would (run once after upgrading: older
working copies of PDFs kept the EXIF of their embedded photos).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from habeas.core.commands import Command as BaseCommand
from habeas.evidence.models import EvidenceItem
from habeas.evidence.services import evidence_rebuild_working, evidence_verify

# evidence_rebuild_working's outcomes, as the summary counts them.
OUTCOMES = {
    "rebuilt": gettext_lazy("%(count)s rebuilt"),
    "unchanged": gettext_lazy("%(count)s unchanged"),
    "withdrawn": gettext_lazy("%(count)s withdrawn"),
    "damaged": gettext_lazy("%(count)s damaged"),
}


class Command(BaseCommand):
    help = gettext_lazy(
        "Evidence store maintenance: `verify` re-checks every stored hash; "
        "`rebuild-working` makes the working copies again."
    )

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "verify", help=gettext_lazy("Re-check every stored evidence file's hashes.")
        )
        actions.add_parser(
            "rebuild-working",
            help=gettext_lazy("Make every image's and PDF's working copy again from its original."),
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "rebuild-working":
            self.rebuild_working()
            return
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
            raise CommandError(
                ngettext(
                    "%(changed)d of %(count)d evidence item changed or missing.",
                    "%(changed)d of %(count)d evidence items changed or missing.",
                    count,
                )
                % {"changed": len(changed), "count": count}
            )
        self.stdout.write(
            ngettext(
                "%(count)d evidence item checked: all intact.",
                "%(count)d evidence items checked: all intact.",
                count,
            )
            % {"count": count}
        )

    def rebuild_working(self) -> None:
        done: dict[str, int] = {}
        damaged = []
        for item in EvidenceItem.objects.select_related("case").order_by("id").iterator():
            outcome = evidence_rebuild_working(item=item)
            if outcome:
                done[outcome] = done.get(outcome, 0) + 1
            if outcome == "damaged":
                damaged.append(f"{item.public_id} (case {item.case.reference})")
            elif outcome == "withdrawn":
                self.stdout.write(
                    f"WITHDRAWN working copy of {item.public_id} (case {item.case.reference}): "
                    "its original cannot be read completely"
                )
        for line in damaged:
            self.stderr.write(f"CHANGED {line}")
        summary = ", ".join(
            OUTCOMES.get(outcome, "%(count)s " + outcome) % {"count": count}
            for outcome, count in sorted(done.items())
        )
        line = _("Working copies: %(summary)s.") % {"summary": summary or _("none")}
        if damaged:
            raise CommandError(line)
        self.stdout.write(line)
