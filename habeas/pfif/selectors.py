"""What goes into a PFIF document, chosen here and nowhere else.

- `staff_people`: the people of the cases the user may see, each with the status
  history of those cases only (a person on a case of another team brings none of
  it along).
- `public_people`: the published public profiles, field for field what their
  public page shows (habeas.advocacy.publication): the same name and variants, the
  same status in the same words, the same country, the disappearance date exactly
  as precise as the page prints it, the same summary, demands and timeline, the
  photo the page links to. Nothing is read from the working record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from habeas.accounts.models import User
from habeas.advocacy import selectors as advocacy_selectors
from habeas.advocacy.models import PublicProfile
from habeas.advocacy.publication import disappeared_when
from habeas.cases.access import cases_visible_to
from habeas.cases.models import Case, Person, PersonName, Status, StatusAssertion
from habeas.lib.partialdate import PartialDate, Precision
from habeas.organisation.selectors import organisation_current

from . import feed
from .models import PfifImport, PfifRecord, PossibleDuplicate

# Why a record was not imported (services.Skipped), in the reader's language.
SKIPPED_WORDS = {
    "ours": _("published by this Habeas; not imported"),
    "duplicate": _("skipped as a possible duplicate of someone already recorded"),
    "person_skipped": _("its person was not imported, so neither is this note"),
}

# Habeas's statuses in PFIF's note status vocabulary (docs/pfif.md says why each).
# PFIF has five words and no "closed"; a closed case's note carries no status, its
# text says it was closed and why.
STATUS_TO_PFIF: dict[str, str] = {
    Status.REPORTED_MISSING: "information_sought",
    Status.PRESUMED_ED: "believed_missing",
    Status.DETENTION_ACKNOWLEDGED: "believed_alive",
    Status.WHEREABOUTS_CONFIRMED: "believed_alive",
    Status.RELEASED: "believed_alive",
    Status.DEAD: "believed_dead",
    Status.CLOSED: "",
}
PUBLIC_STATUS_TO_PFIF: dict[str, str] = {
    PublicProfile.PublicStatus.CONTINUING: "believed_missing",
    PublicProfile.PublicStatus.UNCONFIRMED: "believed_missing",
    PublicProfile.PublicStatus.REMOVED_DIED: "believed_dead",
    PublicProfile.PublicStatus.REMOVED_RELEASED: "believed_alive",
    PublicProfile.PublicStatus.REMOVED_CONTACT: "believed_alive",
}
SEX_TO_PFIF: dict[str, str] = {
    Person.Sex.FEMALE: "female",
    Person.Sex.MALE: "male",
    Person.Sex.OTHER: "other",
}


def pfif_date_of_birth(value: PartialDate | None) -> str:
    """A birth date in PFIF's YYYY, YYYY-MM or YYYY-MM-DD; a range or an approximate
    date has no such form and is left out rather than made more precise."""
    if value is None or value.approximate:
        return ""
    if value.precision in (Precision.DAY, Precision.MINUTE):
        return value.lo.isoformat()
    if value.precision is Precision.MONTH:
        return value.lo.strftime("%Y-%m")
    if value.precision is Precision.YEAR:
        return str(value.lo.year)
    return ""


def pfif_source_date(value: PartialDate) -> tuple[str, str]:
    """A PFIF source_date for a date known as precisely as `value`, and what the
    note's text must add when that is less than a day.

    PFIF 1.4 has one date form, a full UTC moment. A month, a year, a range or an
    "about" date is given as the day a timeline places it on (its first day; the
    last for an open start such as "before 2003"), and the text says that this day
    only stands for the period, so that no reader takes it for the day it happened.
    """
    day = value.sort_date
    exact = value.precision in (Precision.DAY, Precision.MINUTE) and not value.approximate
    remark = "" if exact else f"(PFIF needs a day: {day:%d %b %Y} stands for {value.display()}.)"
    return feed.utc(day), remark


def staff_people(*, user: User) -> list[feed.PersonOut]:
    cases = cases_visible_to(user)
    people = (
        Person.objects.filter(cases__in=cases)
        .distinct()
        .order_by("display_name", "pk")
        .prefetch_related(
            Prefetch("names", queryset=PersonName.objects.order_by("pk")),
            Prefetch(
                "cases",
                queryset=cases.order_by("reference").prefetch_related(
                    Prefetch(
                        "statuses", queryset=StatusAssertion.objects.order_by("asserted_on", "pk")
                    )
                ),
            ),
        )
    )
    org = organisation_current().name or feed.domain()
    out = []
    for person in people:
        names = [
            n.text
            for n in person.names.all()
            if not n.is_primary and n.kind != PersonName.Kind.EXPECTED
        ]
        fields = {
            "person_record_id": feed.record_id(f"person.{person.public_id}"),
            "entry_date": feed.utc(person.created_at),
            "source_name": org,
            "source_date": feed.utc(person.updated_at),
            "source_url": feed.absolute(person.get_absolute_url()),
            "full_name": person.display_name,
            "alternate_names": "\n".join(names),
            "description": person.description,
            "sex": SEX_TO_PFIF.get(person.sex, ""),
            "date_of_birth": pfif_date_of_birth(person.birth_date),
        }
        notes = [
            _status_note(person, case, s, org)
            for case in person.cases.all()
            for s in case.statuses.all()
        ]
        out.append(feed.PersonOut(fields=fields, notes=notes))
    return out


def _status_note(person: Person, case: Case, status: StatusAssertion, org: str) -> dict[str, str]:
    # English: a PFIF document goes to other systems, whoever asked for it.
    with translation.override("en"):
        label = str(Status(status.status).label)
    text = f"{label}, as of {status.asserted_on:%d %b %Y} (case {case.reference}): {status.basis}"
    if status.closed_reason:
        text += f"\nClosed: {status.closed_reason}"
    return {
        "note_record_id": feed.record_id(f"status.{case.public_id}.{status.pk}"),
        "person_record_id": feed.record_id(f"person.{person.public_id}"),
        "entry_date": feed.utc(status.created_at),
        "author_name": org,
        "source_date": feed.utc(status.asserted_on),
        "status": STATUS_TO_PFIF.get(status.status, ""),
        "text": text,
    }


def public_people() -> list[feed.PersonOut]:
    profiles = (
        advocacy_selectors.published_profiles()
        .only(
            "public_id",
            "name",
            "name_variants",
            "country",
            "disappeared_on",
            "status",
            "summary",
            "demands",
            "has_photo",
            "published_at",
            "updated_at",
        )
        .order_by("name", "pk")
        .prefetch_related("updates")
    )
    author = feed.domain()
    out = []
    for profile in profiles:
        person_id = feed.record_id(f"public.{profile.public_id}")
        published = profile.published_at or profile.updated_at
        description = profile.summary
        if profile.demand_list:
            description += "\n\nWe demand:\n" + "\n".join(profile.demand_list)
        fields = {
            "person_record_id": person_id,
            "entry_date": feed.utc(published),
            "source_date": feed.utc(published),
            "source_url": feed.absolute(profile.get_absolute_url()),
            "full_name": profile.name,
            "alternate_names": "\n".join(profile.variants),
            "description": description.strip(),
            "photo_url": (
                feed.absolute(reverse("public_photo", args=[profile.public_id]))
                if profile.has_photo
                else ""
            ),
        }
        with translation.override("en"):
            said = [str(profile.get_status_display())]
            if profile.country:
                said.append(str(profile.country.name))
            if profile.disappeared_on:
                said.append(f"Disappeared {disappeared_when(profile.disappeared_on)}")
        notes = [
            {
                "note_record_id": feed.record_id(f"public.{profile.public_id}.status"),
                "person_record_id": person_id,
                "entry_date": feed.utc(published),
                "author_name": author,
                "source_date": feed.utc(published),
                "status": PUBLIC_STATUS_TO_PFIF.get(profile.status, ""),
                "text": " — ".join(said),
            }
        ]
        for update in profile.updates.all():
            # When it went public, as the Atom feed says: added, or its profile first
            # published if that came later.
            listed = max(update.published_at, profile.published_at or update.published_at)
            # Dated what it tells (a 2002 disappearance is not news of today): its
            # date, as precise as it was cleared.
            source_date, remark = pfif_source_date(update.happened_on)
            text = f"{update.happened_on.display()} — {update.title}"
            if update.text:
                text += f"\n{update.text}"
            if remark:
                text += f"\n{remark}"
            notes.append(
                {
                    "note_record_id": feed.record_id(f"public.update.{update.public_id}"),
                    "person_record_id": person_id,
                    "entry_date": feed.utc(listed),
                    "author_name": author,
                    "source_date": source_date,
                    "text": text,
                }
            )
        out.append(feed.PersonOut(fields=fields, notes=notes))
    return out


def import_get(*, user: User, public_id: UUID) -> PfifImport:
    """An import, for the person who ran it only (others: 404)."""
    return get_object_or_404(PfifImport, public_id=public_id, created_by=user)


def cases_created(*, batch: PfifImport, user: User) -> list[Case]:
    """The cases an import opened that the user may still see, with their people,
    so that its result page links every one of them."""
    opened = batch.records.filter(kind=PfifRecord.Kind.PERSON).values("case")
    return list(
        cases_visible_to(user)
        .filter(pk__in=opened)
        .order_by("reference")
        .prefetch_related(Prefetch("people", queryset=Person.objects.order_by("pk")))
    )


def duplicates_of(*, batch: PfifImport, user: User) -> list[PossibleDuplicate]:
    """The possible duplicates an import found; a candidate on cases the user may
    not see is left unnamed (only the record id is shown), or this page would tell
    an outsider who else is recorded."""
    duplicates = list(batch.duplicates.select_related("case", "person", "candidate").order_by("pk"))
    candidates = {d.candidate_id for d in duplicates if d.candidate_id}
    if candidates:
        visible = set(
            Person.objects.filter(pk__in=candidates, cases__in=cases_visible_to(user)).values_list(
                "pk", flat=True
            )
        )
        for duplicate in duplicates:
            if duplicate.candidate_id not in visible:
                duplicate.candidate = None
    return duplicates


@dataclass
class LookAlike:
    """Someone recorded whom a skipped person looks like, as the reader may see them."""

    name: str
    url: str
    cases: list[tuple[str, str]] = field(default_factory=list)  # (reference, url)


@dataclass
class SkippedRecord:
    line: int
    record_id: str
    kind: str
    why: str
    candidates: list[LookAlike]


def skipped_of(*, batch: PfifImport, user: User) -> list[SkippedRecord]:
    """The records an import left out, each with why in words and, for a possible
    duplicate, the people it looks like that `user` may still see, with the
    references of their visible cases: someone on cases they may no longer see is
    left unnamed."""
    ids = sorted({c for s in batch.skipped for c in s.get("candidates", [])})
    seen: dict[str, LookAlike] = {}
    if ids:
        through = Case.people.through.objects.filter(
            person__public_id__in=ids, case__in=cases_visible_to(user)
        ).order_by("case__reference")
        for person_id, name, reference, case_id in through.values_list(
            "person__public_id", "person__display_name", "case__reference", "case__public_id"
        ):
            alike = seen.setdefault(
                str(person_id), LookAlike(name, reverse("person_detail", args=[person_id]))
            )
            alike.cases.append((reference, reverse("case_detail", args=[case_id])))
    return [
        SkippedRecord(
            line=s["line"],
            record_id=s["record_id"],
            kind=s["kind"],
            why=str(SKIPPED_WORDS.get(s["why"], s["why"])),
            candidates=[seen[c] for c in s.get("candidates", []) if c in seen],
        )
        for s in batch.skipped
    ]
