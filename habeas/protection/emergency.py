"""The emergency file's shape: what a UN urgent submission needs, prepared before
anything happens (docs/protection.md, docs/domain.md).

After a disappearance the family may be threatened into silence and devices
seized; so the organisation writes down in advance, with the person, every
spelling of their name, their date of birth, documents, family, lawyer, what
they fear and from whom. The file is one JSON document sealed as a whole in
`AtRisk.emergency_file` (the photo apart, in `AtRisk.photo`): a copy of the
database shows neither its contents nor which parts are filled in.

Values are kept as typed (strings, booleans); the forms validate them, and
`from_json` reads what an older version wrote, ignoring keys it does not know
and defaulting those it lacks, so a file never becomes unreadable.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from habeas.lib.partialdate import PartialDate, PartialDateError

VERSION = 1


@dataclass
class Name:
    """One spelling of the person's name, in a script (habeas/lib/names.py guesses
    it when left empty) and a language."""

    text: str = ""
    script: str = ""
    language: str = ""


@dataclass
class Document:
    """An identity document: a passport, an ID card, a residence permit."""

    kind: str = ""
    number: str = ""
    issued_by: str = ""  # the issuing State (ISO code) or authority


@dataclass
class Address:
    label: str = ""  # "home", "parents", "office"…
    text: str = ""


@dataclass
class Relative:
    name: str = ""
    relationship: str = ""
    contact: str = ""  # how to reach them: sealed here, then on the case's relative


@dataclass
class EmergencyFile:
    names: list[Name] = field(default_factory=list)  # the first is the primary name
    birth_date: str = ""  # a partial date, in EDTF ("1987", "1987-03")
    birth_place: str = ""
    sex: str = ""  # Person.Sex
    nationality: str = ""  # ISO country code
    country: str = ""  # the State they fear: the case's country when it opens
    lives_in: str = ""  # where they live now (ISO country code)
    lives_place: str = ""  # …and the town, as precise as the person agreed
    occupation: str = ""
    affiliation: str = ""
    documents: list[Document] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    relatives: list[Relative] = field(default_factory=list)
    lawyer_name: str = ""
    lawyer_contact: str = ""
    fears: str = ""  # what they fear
    feared_actors: str = ""  # and from whom
    likely_taken_to: str = ""  # where they are likely to be taken
    risk_torture: bool = False
    risk_health: bool = False
    risk_family_reprisals: bool = False
    health_notes: str = ""
    # Their consents, given at enrolment, as a case's family consent records them
    # (habeas/advocacy FamilyConsent): to UN bodies, to the authorities and other
    # States, to publication; and whether they may be named in public.
    consent_un: bool = False
    consent_authorities: bool = False
    consent_publication: bool = False
    consent_named: bool = False
    consent_form: str = ""  # FamilyConsent.Form: written, message, oral

    @property
    def primary_name(self) -> str:
        return next((n.text for n in self.names if n.text.strip()), "")

    @property
    def birth_partial(self) -> PartialDate | None:
        if not self.birth_date.strip():
            return None
        try:
            return PartialDate.from_edtf(self.birth_date)
        except (PartialDateError, ValueError):
            pass
        try:
            return PartialDate.parse(self.birth_date)
        except (PartialDateError, ValueError):
            return None

    def texts(self) -> list[str]:
        """Every free-text value in the file (for tests and checks that nothing of it
        leaks)."""
        out: list[str] = []
        for value in asdict(self).values():
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, list):
                out += [v for row in value for v in row.values() if isinstance(v, str)]
        return [text for text in out if text]

    def to_json(self) -> str:
        return json.dumps({"version": VERSION, **asdict(self)}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> EmergencyFile:
        if not text:
            return cls()
        data = json.loads(text)
        rows: dict[str, type[Any]] = {
            "names": Name,
            "documents": Document,
            "addresses": Address,
            "relatives": Relative,
        }
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.name in rows:
                row = rows[f.name]
                known = {g.name for g in fields(row)}
                value = [row(**{k: v for k, v in item.items() if k in known}) for item in value]
            values[f.name] = value
        return cls(**values)
