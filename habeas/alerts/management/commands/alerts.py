"""`habeas alerts resend-failed`: send every failed notification again.

For after an outage longer than the automatic retries (HABEAS_DELIVERY_RETRY_DAYS),
or once a recipient's address is corrected. Each goes out with its original
delivery id, so a receiver that got it after all can drop the copy. Audited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from habeas.alerts import services
from habeas.alerts.models import Delivery


class Command(BaseCommand):
    help = "Alerts maintenance: `resend-failed` sends every failed notification again."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("resend-failed", help="Send every failed notification again.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        count = services.deliveries_resend(deliveries=Delivery.objects.all(), by=None)
        self.stdout.write(
            f"{count} failed notification{'s' if count != 1 else ''} queued to be sent again"
            " (the watcher sends them on its next pass)."
        )
