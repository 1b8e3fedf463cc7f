"""Writing PFIF 1.4: person records and their note records, in the field order
Person Finder writes (each field once; empty ones left out).

Built from plain dicts that the selectors fill, so that what goes out is exactly
what a selector chose: this module reads no model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from lxml import etree

from habeas.lib.text import plain_text

from .document import NS

PERSON_FIELDS = (
    "person_record_id", "entry_date", "expiry_date", "author_name", "author_email",
    "author_phone", "source_name", "source_date", "source_url", "full_name",
    "given_name", "family_name", "alternate_names", "description", "sex",
    "date_of_birth", "age", "home_street", "home_neighborhood", "home_city",
    "home_state", "home_postal_code", "home_country", "photo_url", "profile_urls",
)  # fmt: skip
NOTE_FIELDS = (
    "note_record_id", "person_record_id", "linked_person_record_id", "entry_date",
    "author_name", "author_email", "author_phone", "source_date", "author_made_contact",
    "status", "email_of_found_person", "phone_of_found_person", "last_known_location",
    "text", "photo_url",
)  # fmt: skip


@dataclass
class PersonOut:
    fields: dict[str, str]
    notes: list[dict[str, str]] = field(default_factory=list)


def domain() -> str:
    """The domain of every record id this instance writes ("<domain>/<id>"):
    HABEAS_PFIF_DOMAIN, else the host of HABEAS_SITE_URL."""
    configured = getattr(settings, "HABEAS_PFIF_DOMAIN", "")
    return configured or urlsplit(settings.HABEAS_SITE_URL).hostname or "localhost"


def record_id(local: str) -> str:
    return f"{domain()}/{local}"


def absolute(path: str) -> str:
    return settings.HABEAS_SITE_URL.rstrip("/") + path


def utc(moment: dt.datetime | dt.date) -> str:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(), tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: etree._Element, names: tuple[str, ...], values: dict[str, str]) -> None:
    for name in names:
        value = plain_text(values.get(name) or "").strip()
        if value:
            etree.SubElement(parent, f"{{{NS}}}{name}").text = value


def write(persons: Iterable[PersonOut]) -> bytes:
    root = etree.Element(f"{{{NS}}}pfif", nsmap={"pfif": NS})
    for person in persons:
        element = etree.SubElement(root, f"{{{NS}}}person")
        _add(element, PERSON_FIELDS, person.fields)
        for note in person.notes:
            _add(etree.SubElement(element, f"{{{NS}}}note"), NOTE_FIELDS, note)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
