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


def organisation_logo_png() -> bytes | None:
    """The logo as stored (a PNG re-encoded at upload), or None: documents draw it
    from here, never from another host. One query, the bytes only when there are some."""
    logo = (
        Organisation.objects.order_by("pk")
        .filter(has_logo=True)
        .values_list("logo", flat=True)
        .first()
    )
    return bytes(logo) if logo else None


def organisation_sender_lines(org: Organisation) -> list[str]:
    """The sender's block of a letter: the name, each line of the postal address,
    the e-mail and the telephone, in that order; empty ones left out."""
    lines = [org.name, *org.address.splitlines(), org.email, org.phone]
    return [line.strip() for line in lines if line and line.strip()]
