"""Reads of the organisation's settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from .logo import clean_logo
from .models import Organisation


def organisation_current() -> Organisation:
    """The organisation's settings; until an administrator saves them, an unsaved
    row whose name is HABEAS_ORGANISATION (the environment's initial value)."""
    row = Organisation.objects.order_by("pk").first()
    if row is not None:
        return row
    return Organisation(name=getattr(settings, "HABEAS_ORGANISATION", "") or "")


@dataclass(frozen=True)
class LogoRead:
    """The logo a document may draw (`png`), and whether a stored one was left out
    because it no longer decodes as an image (`broken`: a staff warning)."""

    png: bytes | None
    broken: bool = False


def organisation_logo() -> LogoRead:
    """The logo, re-encoded from its pixels on every read (logo.clean_logo), never
    the stored bytes as they are: a logo altered in the database must not carry
    metadata into every document, and one that no longer decodes is left out rather
    than break every document. One query, the bytes only when there are some."""
    stored = (
        Organisation.objects.order_by("pk")
        .filter(has_logo=True)
        .values_list("logo", flat=True)
        .first()
    )
    if not stored:
        return LogoRead(None)
    try:
        return LogoRead(clean_logo(bytes(stored)))
    except ValidationError:
        return LogoRead(None, broken=True)


def organisation_logo_png() -> bytes | None:
    """The logo as a clean PNG, or None (see organisation_logo)."""
    return organisation_logo().png


def organisation_sender_lines(org: Organisation) -> list[str]:
    """The sender's block of a letter: the name, each line of the postal address,
    the e-mail and the telephone, in that order; empty ones left out."""
    lines = [org.name, *org.address.splitlines(), org.email, org.phone]
    return [line.strip() for line in lines if line and line.strip()]
