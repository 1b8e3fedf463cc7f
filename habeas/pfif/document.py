"""Reading a PFIF 1.4 document: refused unless it is safe XML and valid against the
schema shipped in data/pfif-1.4.xsd, then turned into plain records.

One parse, by lxml, with entities, DTDs and the network off: nothing is expanded,
loaded or fetched. A document that declares a DTD at all (where the billion laughs
and XXE live) is then refused: PFIF needs none. Only a file of at most
HABEAS_PFIF_MAX_BYTES is parsed (an XML tree costs tens of times its size in
memory); the schema then says where the content is wrong, line by line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

NS = "http://zesty.ca/pfif/1.4"
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "pfif-1.4.xsd"
OLDER_NAMESPACES = (
    "http://zesty.ca/pfif/1.1",
    "http://zesty.ca/pfif/1.2",
    "http://zesty.ca/pfif/1.3",
)


class DocumentError(Exception):
    """The document cannot be imported; `problems` says why, each naming a line or
    a record, in words for the person who chose the file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Note:
    record_id: str
    person_record_id: str = ""
    linked_person_record_id: str = ""
    author_name: str = ""
    author_email: str = ""
    author_phone: str = ""
    source_date: dt.datetime | None = None
    entry_date: dt.datetime | None = None
    author_made_contact: bool | None = None
    status: str = ""
    email_of_found_person: str = ""
    phone_of_found_person: str = ""
    last_known_location: str = ""
    text: str = ""
    photo_url: str = ""
    line: int = 0


@dataclass
class Person:
    record_id: str
    fields: dict[str, str]
    source_date: dt.datetime | None = None
    notes: list[Note] = field(default_factory=list)
    line: int = 0

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass
class Document:
    persons: list[Person]
    notes: list[Note]  # notes outside any person, each naming its person

    def all_notes(self) -> list[Note]:
        return [n for p in self.persons for n in p.notes] + self.notes


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), _lxml_parser()))


def _lxml_parser() -> etree.XMLParser:
    # No entity is resolved, no DTD loaded, nothing fetched; a document that declares
    # a DTD at all is then refused (read()).
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_MISSING = re.compile(
    r"Element '(?P<record>[^']+)': Not all fields of key identity-constraint "
    r"'pfif:(?:person|note|top_note)_(?P<field>\w+)' evaluate to a node\.?"
)
_TWICE = re.compile(
    r"Element '(?P<element>[^']+)': The XPath '[^']+' of a field of unique "
    r"identity-constraint '[^']+' evaluates to a node-set with more than one member\.?"
)


def _shown(message: str) -> str:
    """libxml2's message, with the namespace as the document writes it, and its two
    identity-constraint messages (a required field missing, a field twice) said in
    words a PFIF writer knows."""
    message = message.replace(f"{{{NS}}}", "pfif:").strip()
    if match := _MISSING.fullmatch(message):
        return _("Element '%(record)s': the required field pfif:%(field)s is missing.") % {
            "record": match["record"],
            "field": match["field"],
        }
    if match := _TWICE.fullmatch(message):
        return _("Element '%(element)s': this field appears more than once in its record.") % {
            "element": match["element"]
        }
    return message


def read(data: bytes) -> Document:
    """Parse and validate `data`; raise DocumentError saying what is wrong."""
    if not data.strip():
        raise DocumentError([_("The file is empty.")])
    if len(data) > settings.HABEAS_PFIF_MAX_BYTES:
        raise DocumentError([too_large(len(data))])
    try:
        root = etree.fromstring(data, _lxml_parser())
    except etree.XMLSyntaxError as error:
        if _declares_dtd(data):
            raise DocumentError([_dtd_refused()]) from None
        line, column = error.position
        raise DocumentError(
            [
                _("Line %(line)d, column %(column)d: this is not well-formed XML.")
                % {"line": line, "column": column}
            ]
        ) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise DocumentError([_dtd_refused()])
    namespace = etree.QName(root).namespace or ""
    if namespace in OLDER_NAMESPACES:
        raise DocumentError(
            [
                _("This is PFIF %(version)s; Habeas reads PFIF 1.4 only.")
                % {"version": namespace.rsplit("/", 1)[1]}
            ]
        )
    if etree.QName(root).localname != "pfif" or namespace != NS:
        raise DocumentError(
            [
                _(
                    "Line %(line)d: the document is not PFIF 1.4 (its root must be "
                    "pfif:pfif in the namespace %(ns)s)."
                )
                % {"line": root.sourceline or 1, "ns": NS}
            ]
        )
    checker = schema()
    if not checker.validate(root):
        errors = list(checker.error_log)
        # After an element it does not expect libxml2 also reports the record's required
        # fields as missing, present or not: the order is said first, alone.
        if any("This element is not expected" in e.message for e in errors):
            errors = [e for e in errors if "identity-constraint" not in e.message]
        problems = [
            _("Line %(line)d: %(problem)s") % {"line": e.line, "problem": _shown(e.message)}
            for e in errors
        ]
        raise DocumentError(problems[:50])
    return _records(root)


def _dtd_refused() -> str:
    return _(
        "The file declares a DTD. PFIF needs none, and Habeas refuses any "
        "(a DTD can hide entities that expand to gigabytes or read files)."
    )


def _declares_dtd(data: bytes) -> bool:
    """Whether a document lxml could not parse has a document type declaration, in any
    of the encodings XML allows (the message then says why it is refused)."""
    head = data[:4096]
    return any("<!DOCTYPE".encode(codec) in head for codec in ("utf-8", "utf-16-le", "utf-16-be"))


def too_large(size: int) -> str:
    return _(
        "The file is %(size)s MB; a PFIF file may be at most %(max)s MB (Person Finder's "
        "exports are a few MB). Split it into smaller files."
    ) % {
        "size": f"{size / 1024 / 1024:.1f}",
        "max": f"{settings.HABEAS_PFIF_MAX_BYTES / 1024 / 1024:g}",
    }


def _text(element: etree._Element) -> str:
    return (element.text or "").strip()


def _fields(element: etree._Element) -> dict[str, str]:
    return {
        etree.QName(child).localname: _text(child)
        for child in element
        if isinstance(child.tag, str) and etree.QName(child).localname != "note"
    }


def utc(text: str) -> dt.datetime | None:
    if not text:
        return None
    return dt.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)


def _note(element: etree._Element, person_record_id: str = "") -> Note:
    f = _fields(element)
    made = f.get("author_made_contact", "")
    return Note(
        record_id=f["note_record_id"],
        person_record_id=f.get("person_record_id") or person_record_id,
        linked_person_record_id=f.get("linked_person_record_id", ""),
        author_name=f.get("author_name", ""),
        author_email=f.get("author_email", ""),
        author_phone=f.get("author_phone", ""),
        source_date=utc(f.get("source_date", "")),
        entry_date=utc(f.get("entry_date", "")),
        author_made_contact=None if not made else made in ("true", "1"),
        status=f.get("status", ""),
        email_of_found_person=f.get("email_of_found_person", ""),
        phone_of_found_person=f.get("phone_of_found_person", ""),
        last_known_location=f.get("last_known_location", ""),
        text=f.get("text", ""),
        photo_url=f.get("photo_url", ""),
        line=element.sourceline or 0,
    )


def _records(root: etree._Element) -> Document:
    persons, notes = [], []
    for element in root:
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).localname == "person":
            f = _fields(element)
            person = Person(
                record_id=f["person_record_id"],
                fields=f,
                source_date=utc(f.get("source_date", "")),
                line=element.sourceline or 0,
            )
            person.notes = [
                _note(child, person.record_id)
                for child in element
                if isinstance(child.tag, str) and etree.QName(child).localname == "note"
            ]
            persons.append(person)
        else:
            notes.append(_note(element))
    return Document(persons=persons, notes=notes)
