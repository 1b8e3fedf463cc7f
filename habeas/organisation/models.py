"""The organisation that runs this Habeas: who sends, signs and submits its
documents. One row, set by administrators in the web UI."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    name = models.CharField(_("name of the organisation"), max_length=300, blank=True)
    address = models.TextField(_("postal address"), max_length=1000, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    signatory_name = models.CharField(_("name of the signatory"), max_length=200, blank=True)
    signatory_title = models.CharField(_("title of the signatory"), max_length=200, blank=True)
    # Re-encoded from the pixels at upload (no metadata), stored here: documents
    # must never fetch anything from another host.
    logo = models.BinaryField(null=True, blank=True, editable=False)
    has_logo = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Who changed who signs, and when; the logo's bytes stay out of the history.
    history = HistoricalRecords(
        excluded_fields=["logo"], history_change_reason_field=models.TextField(null=True)
    )

    def __str__(self) -> str:
        return self.name or "—"
