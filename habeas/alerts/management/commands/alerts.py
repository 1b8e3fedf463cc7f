"""`habeas alerts resend-failed`: send every failed notification again.

For after an outage longer than the automatic retries (HABEAS_DELIVERY_RETRY_DAYS),
or once a recipient's address is corrected. Each goes out with its original
delivery id, so a receiver that got it after all can drop the copy. Audited.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy, ngettext

from habeas.alerts import services
from habeas.alerts.models import Delivery
from habeas.core.commands import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy(
        "Alerts maintenance: `resend-failed` sends every failed notification again."
    )

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "resend-failed", help=gettext_lazy("Send every failed notification again.")
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        count = services.deliveries_resend(deliveries=Delivery.objects.all(), by=None)
        self.stdout.write(
            ngettext(
                "%(count)d failed notification queued to be sent again"
                " (the watcher sends them on its next pass).",
                "%(count)d failed notifications queued to be sent again"
                " (the watcher sends them on its next pass).",
                count,
            )
            % {"count": count}
        )
