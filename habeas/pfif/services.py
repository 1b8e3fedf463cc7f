"""Importing a PFIF document: one transaction per file, nothing written unless
every record can be, each record written once however often the file comes.

How PFIF becomes Habeas's records (docs/pfif.md has the user's version):
- a person record becomes a person and a case, as someone opening a case would
  enter them (habeas.cases.services: case_open): its full_name the primary name
  "as reported", alternate_names more names as reported, sex, date of birth, the
  description, the country concerned chosen for the file; what PFIF has and a case
  has no field for (age, home address, photo and profile links, where the record
  came from) goes into the description and the case summary, said as PFIF said it.
  The record's author, if named, becomes a source of the case (identity and contact
  sealed as every source's are).
- a note record becomes a claim of a source on that case, one source per note
  author (habeas.sources.services: claim_add): its text the statement, its status,
  last known location and photo link said after it, its source_date the date of
  the information (so silence counts from it) and the import day the day received.
  A note's status is the author's claim, not the organisation's reading: it never
  becomes a status of the case.
- linked_person_record_id becomes a possible duplicate to decide on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.cases import services as case_services
from habeas.cases.access import cases_visible_to
from habeas.cases.models import Case, Person
from habeas.core.encryption import keyring
from habeas.lib.partialdate import PartialDate, PartialDateError, Precision
from habeas.sources import services as source_services
from habeas.sources.models import Claim, Source

from . import document as pfif
from .feed import domain
from .models import PfifAuthor, PfifImport, PfifRecord, PossibleDuplicate

SEX_FROM_PFIF = {"female": Person.Sex.FEMALE, "male": Person.Sex.MALE, "other": Person.Sex.OTHER}
STATUS_WORDS = {
    "information_sought": "The author is seeking information about this person.",
    "is_note_author": "The author of this note is the person concerned.",
    "believed_alive": "The author has received information that this person is alive.",
    "believed_missing": "The author has reason to think this person is missing.",
    "believed_dead": "The author has received information that this person is dead.",
}


def _day(moment: dt.datetime) -> PartialDate:
    day = moment.date()
    return PartialDate(lo=day, hi=day, precision=Precision.DAY)


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


def reference_new() -> str:
    """A new case's reference: random, so that it says nothing of the record it came
    from, and nothing of whether another team imported that record too (a reference
    derived from the record id would clash with theirs, and the way round the clash
    would show)."""
    return "PFIF-" + secrets.token_hex(5).upper()


AUTHOR_PURPOSE = "pfif-author-v1"


def author_keys(name: str, email: str, phone: str) -> list[str]:
    """What a note author is known by on a case: a keyed hash (HMAC-SHA-256, a key
    derived from the key ring) of the SHA-256 of their name, e-mail and phone. Unkeyed,
    anyone holding a copy of the database and the public notes (or a list of suspects)
    could confirm who speaks on which case. The first key is the active ring key's (new
    rows), the others those of older ring keys (rows written before a rotation)."""
    digest = hashlib.sha256("\x1f".join((name, email, phone)).encode()).hexdigest()
    ring = keyring()
    ids = [ring.active, *sorted(k for k in ring.keys if k != ring.active)]
    return [
        hmac.new(ring.derive(AUTHOR_PURPOSE, k), digest.encode(), hashlib.sha256).hexdigest()
        for k in ids
    ]


class _Import:
    def __init__(self, *, doc: pfif.Document, by: User, country: str, batch: PfifImport) -> None:
        self.doc, self.by, self.country, self.batch = doc, by, country, batch
        self.problems: list[str] = []
        self.cases: dict[str, Case] = {}
        self.people: dict[str, Person] = {}
        self.today = timezone.localdate()

    def problem(self, where: str, error: ValidationError | str) -> None:
        for message in [error] if isinstance(error, str) else _messages(error):
            self.problems.append(f"{where}: {message}")

    def run(self) -> None:
        known = {
            r.record_id: r
            # Imported before into a case the importer may see: another team's copy
            # is theirs, and neither blocks nor reveals anything here (its cases
            # are not this team's to add to).
            for r in PfifRecord.objects.filter(
                record_id__in=[p.record_id for p in self.doc.persons]
                + [n.record_id for n in self.doc.all_notes()]
                + [n.person_record_id for n in self.doc.notes],
                case__in=cases_visible_to(self.by),
            ).select_related("case")
        }
        for person in self.doc.persons:
            where = _("Line %(line)d, person %(id)s") % {
                "line": person.line,
                "id": person.record_id,
            }
            if person.record_id in known:
                self.batch.already_imported += 1
                self.cases[person.record_id] = known[person.record_id].case
                continue
            if not person.get("full_name"):
                if person.get("expiry_date"):
                    self.batch.expired_skipped += 1  # an expired record's placeholder
                else:
                    self.problem(where, _("a person record needs full_name."))
                continue
            try:
                with transaction.atomic():
                    self.person(person)
            except ValidationError as error:
                self.problem(where, error)
        for note in self.doc.all_notes():
            where = _("Line %(line)d, note %(id)s") % {"line": note.line, "id": note.record_id}
            if note.record_id in known:
                self.batch.already_imported += 1
                continue
            case = self.cases.get(note.person_record_id)
            if case is None and note.person_record_id in known:
                case = known[note.person_record_id].case
            if case is None:
                if note.person_record_id not in {p.record_id for p in self.doc.persons}:
                    self.problem(
                        where,
                        _(
                            "it is about person %(id)s, who is neither in this file nor "
                            "imported before."
                        )
                        % {"id": note.person_record_id},
                    )
                continue  # its person was refused: said there
            try:
                with transaction.atomic():
                    self.note(note, case)
            except ValidationError as error:
                self.problem(where, error)

    def person(self, record: pfif.Person) -> None:
        get = record.get
        birth = None
        if get("date_of_birth"):
            try:
                birth = PartialDate.parse(get("date_of_birth"))
            except PartialDateError as error:
                raise ValidationError({"date_of_birth": str(error)}) from None
        about = []
        if get("age"):
            when = f" as of {record.source_date:%d %b %Y}" if record.source_date else ""
            about.append(f"Age {get('age')}{when} (PFIF).")
        home = ", ".join(
            get(f)
            for f in (
                "home_street",
                "home_neighborhood",
                "home_city",
                "home_state",
                "home_postal_code",
                "home_country",
            )
            if get(f)
        )
        if home:
            about.append(f"Home (PFIF): {home}.")
        for label, name in (("Photo", "photo_url"), ("Profiles", "profile_urls")):
            if get(name):
                about.append(f"{label} (PFIF, not fetched): {get(name)}")
        description = "\n\n".join(x for x in (get("description"), "\n".join(about)) if x)
        person = case_services.person_create(
            name=get("full_name").replace("\n", " "),
            sex=SEX_FROM_PFIF.get(get("sex"), ""),
            birth_date=birth,
            description=description,
            by=self.by,
        )
        seen = {person.display_name}
        for alternate in get("alternate_names").splitlines():
            if alternate.strip() and alternate.strip() not in seen:  # a name once
                seen.add(alternate.strip())
                case_services.person_name_add(person=person, text=alternate, by=self.by)
        origin = ", ".join(x for x in (get("source_name"), get("source_url")) if x)
        summary = f"Imported from PFIF person record {record.record_id}"
        if origin:
            summary += f" ({origin})"
        if record.source_date:
            summary += f", dated {record.source_date:%d %b %Y}"
        case = case_services.case_open(
            person=person,
            reference=self.reference(),
            country=self.country,
            summary=summary + ".",
            by=self.by,
        )
        if get("author_name"):
            self.author(case, get("author_name"), get("author_email"), get("author_phone"), "")
        self.cases[record.record_id] = case
        self.people[record.record_id] = person
        PfifRecord.objects.create(
            record_id=record.record_id, kind=PfifRecord.Kind.PERSON, batch=self.batch, case=case
        )
        self.batch.persons_created += 1

    def reference(self) -> str:
        """reference_new(), drawn again in the rare clash with a random reference
        already given: the clash depends on nothing the importer chose."""
        reference = reference_new()
        while Case.objects.filter(reference=reference).exists():
            reference = reference_new()
        return reference

    def author(self, case: Case, name: str, email: str, phone: str, status: str) -> Source:
        keys = author_keys(name, email, phone)
        known = PfifAuthor.objects.filter(case=case, key__in=keys).select_related("source").first()
        if known is not None:
            return known.source
        number = PfifAuthor.objects.filter(case=case).count() + 1
        # A code name that says where it came from and nothing of who it is.
        kind = Source.Kind.VICTIM if status == "is_note_author" else Source.Kind.WITNESS
        source = source_services.source_add(
            case=case,
            by=self.by,
            code_name=f"PFIF-{number}",
            kind=kind,
            identity=name,
            contact="\n".join(x for x in (email, phone) if x),
        )
        PfifAuthor.objects.create(case=case, key=keys[0], source=source)
        return source

    def note(self, note: pfif.Note, case: Case) -> None:
        source = self.author(
            case, note.author_name, note.author_email, note.author_phone, note.status
        )
        lines = [note.text]
        if note.status:
            lines.append(f"Status (PFIF {note.status}): {STATUS_WORDS[note.status]}")
        if note.author_made_contact is not None:
            made = "yes" if note.author_made_contact else "no"
            lines.append(f"The author has been in contact with the person: {made}.")
        if note.last_known_location:
            lines.append(f"Last known location: {note.last_known_location}")
        if note.photo_url:
            lines.append(f"Photo (not fetched): {note.photo_url}")
        if note.email_of_found_person or note.phone_of_found_person:
            # The person's own contact details go into the source's sealed contact,
            # never into a statement every member reads.
            found = "\n".join(
                x for x in (note.email_of_found_person, note.phone_of_found_person) if x
            )
            source_services.source_update(
                source=source,
                by=self.by,
                contact="\n".join(x for x in (source.contact, f"The person: {found}") if x),
            )
            lines.append("Contact details of the person were given: see the source's contact.")
        topic = Claim.Topic.OTHER
        if note.last_known_location:
            topic = Claim.Topic.WHEREABOUTS
        if note.status:
            topic = Claim.Topic.STATUS
        assert note.source_date is not None  # the schema requires it
        claim = source_services.claim_add(
            case=case,
            source=source,
            topic=topic,
            statement="\n".join(lines),
            dated_on=_day(note.source_date),
            received_on=_day(timezone.now()),
            material=Claim.Material.MESSAGE,
            by=self.by,
        )
        PfifRecord.objects.create(
            record_id=note.record_id,
            kind=PfifRecord.Kind.NOTE,
            batch=self.batch,
            case=case,
            claim=claim,
        )
        self.batch.notes_created += 1
        if note.linked_person_record_id:
            self.duplicate(note, case)

    def duplicate(self, note: pfif.Note, case: Case) -> None:
        linked = note.linked_person_record_id
        candidate = self.people.get(linked)
        if candidate is None:
            record = (
                PfifRecord.objects.filter(record_id=linked, kind=PfifRecord.Kind.PERSON)
                .order_by("pk")
                .first()
            )
            if record is not None:
                candidate = record.case.people.order_by("pk").first()
        own = f"{domain()}/person."
        if candidate is None and linked.startswith(own):
            candidate = Person.objects.filter(
                public_id__in=_uuid_or_none(linked[len(own) :])
            ).first()
        person = case.people.order_by("pk").first()
        assert person is not None
        PossibleDuplicate.objects.get_or_create(
            person=person,
            linked_record_id=linked,
            defaults={
                "batch": self.batch,
                "case": case,
                "candidate": candidate if candidate != person else None,
                "note_record_id": note.record_id,
            },
        )


def _uuid_or_none(text: str) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(text)]
    except ValueError:
        return []


@transaction.atomic
def pfif_import(*, data: bytes, filename: str, country: str, by: User) -> PfifImport:
    """Import `data` (a PFIF 1.4 document) as `by`, into cases of `country`.

    Raises pfif.DocumentError (not PFIF, not safe, not valid: each problem with its
    line) or ValidationError (records Habeas cannot take, each named); then nothing
    is written."""
    if not by.may_write:
        raise PermissionDenied
    doc = pfif.read(data)
    batch = PfifImport(
        created_by=by, filename=filename[:300], sha256=pfif.sha256(data), country=country
    )
    batch.full_clean()
    batch.save()
    job = _Import(doc=doc, by=by, country=country, batch=batch)
    job.run()
    if job.problems:
        raise ValidationError(job.problems[:100])
    batch.save()
    audit_record(
        action="pfif.import",
        actor=by,
        target=batch,
        detail={
            "sha256": batch.sha256,
            "persons": batch.persons_created,
            "notes": batch.notes_created,
            "already": batch.already_imported,
            "expired": batch.expired_skipped,
            "duplicates": batch.duplicates.count(),
        },
    )
    return batch


@transaction.atomic
def pfif_exported(*, by: User, people: int) -> None:
    """The audit entry of a staff export: who took how many people out."""
    audit_record(action="pfif.export", actor=by, detail={"people": people})
