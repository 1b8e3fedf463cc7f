"""`habeas export public --format json|csv`: the published list for partners."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from habeas.advocacy import export


class Command(BaseCommand):
    help = "Export what is cleared for publication (public profiles) as JSON or CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=["public"], help="what to export")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **options) -> None:
        rows = export.public_rows(today=timezone.localdate())
        text = export.to_json(rows) if options["format"] == "json" else export.to_csv(rows)
        self.stdout.write(text, ending="")
