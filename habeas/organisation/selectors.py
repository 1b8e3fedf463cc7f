"""Reads of the organisation's settings."""

from __future__ import annotations

from django.conf import settings

from .models import Organisation


def organisation_current() -> Organisation:
    """The organisation's settings; until an administrator saves them, an unsaved
    row whose name is HABEAS_ORGANISATION (the environment's initial value)."""
    row = Organisation.objects.order_by("pk").first()
    if row is not None:
        return row
    return Organisation(name=getattr(settings, "HABEAS_ORGANISATION", "") or "")
