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

What is not imported, each record said on the result page:
- a record whose id is of this Habeas's own domain (feed.domain()): this instance
  published it (its public feed, a staff export), so importing it would record
  the same person twice; its notes go with it;
- a person who looks like someone the importer may already see, by the spreadsheet
  import's own check (habeas.imports.plan: the cross-script name keys of every
  spelling, ranked by birth date): skipped as a possible duplicate, or, if the
  importer chose so, imported as new with the match listed as a possible
  duplicate to decide on. PFIF has no disappearance date, so only names and
  birth date speak.
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
from habeas.imports import plan as import_plan
from habeas.lib.names import search_term_variants
from habeas.lib.partialdate import PartialDate, PartialDateError, Precision
from habeas.sources import services as source_services
from habeas.sources.models import Claim, Source

from . import document as pfif
from . import feed
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


class Duplicates:
    """What the importer chose for a person who looks like someone recorded."""

    SKIP = "skip"  # not imported, said on the result page
    NEW = "new"  # imported as a new person, the match listed as a possible duplicate


class Skipped:
    """Why a record was not imported (PfifImport.skipped[…]["why"]; the words are
    selectors.SKIPPED_WORDS, in the reader's language)."""

    OURS = "ours"
    DUPLICATE = "duplicate"
    PERSON_SKIPPED = "person_skipped"


def is_ours(record_id: str) -> bool:
    """A record id of this Habeas's own domain: published by this instance."""
    return record_id.startswith(domain() + "/")


class _Import:
    def __init__(
        self,
        *,
        doc: pfif.Document,
        by: User,
        country: str,
        batch: PfifImport,
        duplicates: str = Duplicates.SKIP,
    ) -> None:
        self.doc, self.by, self.country, self.batch = doc, by, country, batch
        self.duplicates = duplicates
        self.problems: list[str] = []
        self.cases: dict[str, Case] = {}
        self.people: dict[str, Person] = {}
        self.skipped_people: set[str] = set()
        self.likely: dict[str, list[str]] = {}  # person record id -> candidates' public ids
        self.today = timezone.localdate()

    def skip(
        self,
        record: pfif.Person | pfif.Note,
        why: str,
        candidates: tuple[str, ...] | list[str] = (),
    ) -> None:
        self.batch.skipped.append(
            {
                "line": record.line,
                "record_id": record.record_id,
                "kind": "person" if isinstance(record, pfif.Person) else "note",
                "why": why,
                "candidates": list(candidates),
            }
        )

    def look_alike(self, persons: list[pfif.Person]) -> None:
        """The spreadsheet import's duplicate check (habeas.imports.plan), run once for
        every person the file would create: their names' cross-script keys against the
        people the importer may see, ranked by birth date."""
        rows = []
        for number, person in enumerate(persons):
            spellings = [person.get("full_name").replace("\n", " ")]
            spellings += [a for a in person.get("alternate_names").splitlines() if a.strip()]
            try:
                birth = (
                    PartialDate.parse(person.get("date_of_birth"))
                    if person.get("date_of_birth")
                    else None
                )
            except PartialDateError:
                birth = None  # refused with its line when the person is written
            rows.append(
                import_plan.PlanRow(
                    number=number,
                    values={
                        "words": [search_term_variants(text) for text in spellings],
                        "person": {"birth_date": birth},
                        "case": {"disappeared_on": None},  # PFIF has none
                    },
                )
            )
        import_plan.duplicates_mark(rows, self.by)
        for row in rows:
            if row.action == import_plan.Action.DUPLICATE:
                self.likely[persons[row.number].record_id] = [
                    c.public_id for c in row.candidates if not c.row
                ]

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
        fresh = []
        for person in (p for p in self.doc.persons if p.record_id not in known):
            if is_ours(person.record_id):
                self.skip(person, Skipped.OURS)
                self.skipped_people.add(person.record_id)
            elif person.get("full_name"):
                fresh.append(person)
        self.look_alike(fresh)
        for person in self.doc.persons:
            where = _("Line %(line)d, person %(id)s") % {
                "line": person.line,
                "id": person.record_id,
            }
            if person.record_id in known:
                self.batch.already_imported += 1
                self.cases[person.record_id] = known[person.record_id].case
                continue
            if person.record_id in self.skipped_people:
                continue
            likely = self.likely.get(person.record_id)
            if likely and self.duplicates == Duplicates.SKIP:
                self.skip(person, Skipped.DUPLICATE, likely)
                self.skipped_people.add(person.record_id)
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
            if is_ours(note.record_id):
                self.skip(note, Skipped.OURS)
                continue
            if note.person_record_id in self.skipped_people:
                self.skip(note, Skipped.PERSON_SKIPPED)
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
        # Imported as new although it looks like someone recorded: listed to decide on.
        for public_id in self.likely.get(record.record_id, [])[:1]:
            PossibleDuplicate.objects.get_or_create(
                person=person,
                linked_record_id=feed.record_id(f"person.{public_id}"),
                defaults={
                    "batch": self.batch,
                    "case": case,
                    "candidate": Person.objects.filter(public_id=public_id).first(),
                    "note_record_id": "",
                },
            )

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
def pfif_import(
    *, data: bytes, filename: str, country: str, by: User, duplicates: str = Duplicates.SKIP
) -> PfifImport:
    """Import `data` (a PFIF 1.4 document) as `by`, into cases of `country`. A person
    who looks like someone `by` may see is skipped, or imported as new with the match
    listed (`duplicates`: Duplicates.SKIP or NEW).

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
    job = _Import(doc=doc, by=by, country=country, batch=batch, duplicates=duplicates)
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
            "skipped": len(batch.skipped),
        },
    )
    return batch


@transaction.atomic
def pfif_exported(*, by: User, people: int) -> None:
    """The audit entry of a staff export: who took how many people out."""
    audit_record(action="pfif.export", actor=by, detail={"people": people})
