"""Reads of the advocacy app. Case-bound reads go through the cases selectors
(outsiders get 404); public reads see only published profiles, with one query
shape whether a profile is unpublished or does not exist."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404

from habeas.accounts.models import User
from habeas.cases.access import cases_visible_to
from habeas.cases.models import Case, Event, Person, PersonName, Relative
from habeas.lib.partialdate import PartialDate, Precision
from habeas.sources.models import Claim, ClaimRelay

from . import ced, procedure
from .models import (
    Addressee,
    FamilyConsent,
    Intervention,
    PersonDetailsClearance,
    PublicProfile,
    PublicUpdate,
    Response,
)
from .publication import UN_KINDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def interventions_for_case(*, case: Case) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(case=case)
        .select_related("addressee")
        .prefetch_related("responses")
    )


def intervention_for_case(*, case: Case, public_id: UUID) -> Intervention:
    """An intervention of `case` (already access-checked); 404 for one of another case."""
    return get_object_or_404(
        Intervention.objects.select_related("addressee", "case").prefetch_related("responses"),
        case=case,
        public_id=public_id,
    )


def kinds_for(case: Case, today: date) -> list[tuple[str, StrOrPromise]]:
    """Intervention kinds offered for `case` on `today`: CED urgent actions only when
    the State concerned is a party to the Convention; the Working Group's urgent
    procedure only while its window is open, its prompt intervention only when
    reprisals are recorded (`procedure.refusals` says why not)."""
    refused = procedure.refusals(case, today)
    return [
        (value, label)
        for value, label in Intervention.Kind.choices
        if (value != Intervention.Kind.CED_URGENT_ACTION or ced.is_party(case.country.code))
        and value not in refused
    ]


def details_clearance_for(*, case: Case) -> PersonDetailsClearance:
    """Where each of the person's details may go: the case's row, or the defaults
    (unsaved) for a case nobody has decided for yet."""
    return PersonDetailsClearance.objects.filter(case=case).first() or PersonDetailsClearance(
        case=case
    )


def addressee_list() -> QuerySet[Addressee]:
    return Addressee.objects.all()


def addressee_get(*, public_id: UUID | str | None) -> Addressee | None:
    """None when none is asked for; 404 for an unknown one."""
    if not public_id:
        return None
    try:
        return Addressee.objects.get(public_id=UUID(str(public_id)))
    except (ValueError, Addressee.DoesNotExist):
        raise Http404 from None


# What each scope of consent is recorded as (FamilyConsent): "un" for UN bodies,
# "authorities" for letters to the authorities and to other States or
# intergovernmental bodies, "publication" for anything public.
CONSENT_SCOPES = {
    "un": "to_un",
    "authorities": "to_authorities",
    "publication": "to_publication",
}


def family_consents_for(case: Case) -> QuerySet[FamilyConsent]:
    """Every consent recorded on `case` (already access-checked), newest first,
    withdrawn ones included."""
    return FamilyConsent.objects.filter(case=case).select_related("relative", "evidence__case")


def relatives_of_case(*, case: Case) -> QuerySet[Relative]:
    """The relatives recorded on `case` itself: who may have consented. A relative
    another team recorded for the same person on its own case stays unknown here
    (cases.selectors.relatives_for_user): its name would reach every member."""
    return Relative.objects.filter(case=case, person__cases=case).order_by("name", "id")


def family_consent_for_case(*, case: Case, public_id: UUID) -> FamilyConsent:
    """A consent of `case` (already access-checked); 404 for one of another case."""
    return get_object_or_404(FamilyConsent, case=case, public_id=public_id)


def consent_given(case: Case, scope: str) -> bool:
    """Whether the family's consent to `scope` ("un", "authorities" or
    "publication") is recorded on `case` and not withdrawn."""
    field = CONSENT_SCOPES[scope]  # KeyError: a scope nobody records is a bug
    return FamilyConsent.objects.filter(
        case=case, withdrawn_on__isnull=True, **{field: True}
    ).exists()


def cases_with_consent(cases: Iterable[Case], scope: str) -> set[int]:
    """The ids of those of `cases` whose family consented to `scope`, in one query."""
    field = CONSENT_SCOPES[scope]
    return set(
        FamilyConsent.objects.filter(
            case__in=list(cases), withdrawn_on__isnull=True, **{field: True}
        ).values_list("case_id", flat=True)
    )


def profile_for_case(*, case: Case) -> PublicProfile | None:
    return PublicProfile.objects.filter(case=case).defer("photo").first()


# The spellings offered for "also written": the person's name as born, on documents,
# as reported, and transliterated. Not an alias or nickname (a name used in hiding or
# online links the person to accounts and contacts), nor a misspelling (seen in a
# source, not necessarily a public one: it can show which message or document the
# organisation holds), nor an expected variant no source has used. The team can
# still type any of them in; nothing is one click from publication by default.
PUBLICATION_SPELLINGS = frozenset(
    {
        PersonName.Kind.BIRTH,
        PersonName.Kind.OFFICIAL,
        PersonName.Kind.REPORTED,
        PersonName.Kind.TRANSLITERATION,
    }
)


def publication_initial(*, case: Case) -> dict[str, Any]:
    """What the publication form starts from when nothing is cleared yet, so nobody
    retypes the record: the person's primary name, their other spellings of that
    name as "also written", the country and the disappearance date as precise as
    the case has it. Nothing is published until the team saves the form."""
    person = case.people.prefetch_related("names").order_by("id").first()
    names = list(person.names.all()) if person else []
    variants = [
        n.text
        for n in names
        if person and n.text != person.display_name and n.kind in PUBLICATION_SPELLINGS
    ]
    gone = case.disappeared_on
    if gone is not None and gone.precision is Precision.MINUTE:
        # The hour stays in the record: a public page needs the day at most.
        gone = PartialDate(lo=gone.lo, hi=gone.hi, precision=Precision.DAY)
    return {
        "name": person.display_name if person else "",
        "name_variants": "\n".join(variants),
        "country": case.country,
        "disappeared_on": gone,
    }


def un_submission_sent(*, case: Case) -> bool:
    """Whether any intervention putting `case` before a UN body is marked sent."""
    return Intervention.objects.filter(case=case, kind__in=UN_KINDS, sent_on__isnull=False).exists()


def briefing_cases(*, user: User, country: str) -> list[Case]:
    """The cases of `country` that `user` is on, with the name each is listed by."""
    return list(
        cases_visible_to(user)
        .filter(country=country)
        .prefetch_related(Prefetch("people", queryset=Person.objects.order_by("id")))
        .order_by("reference")
    )


def briefing_selection(*, cases: list[Case], chosen: list[str]) -> list[Case]:
    """The cases among `cases` (already limited to what the user may see) whose
    public ids are in `chosen`. Anything else — another country's case, someone
    else's case, a malformed id — is ignored, and so reveals nothing."""
    wanted = set()
    for value in chosen:
        try:
            wanted.add(UUID(str(value)))
        except ValueError:
            continue
    return [case for case in cases if case.public_id in wanted]


def events_for_clearance(*, case: Case) -> list[Event]:
    """The events of `case` (already access-checked), each with the sources of the
    claims it rests on and those the claims came through, for deciding what goes
    outside."""
    return list(
        Event.objects.filter(case=case).prefetch_related(
            Prefetch("claims", queryset=Claim.objects.select_related("source").order_by("id")),
            Prefetch("claims__relays", queryset=ClaimRelay.objects.select_related("source")),
        )
    )


def briefing_countries(*, user: User) -> list[str]:
    return sorted(set(cases_visible_to(user).values_list("country", flat=True)))


# --- Public (no login): published profiles only, built from cleared fields. ---


def published_profiles() -> QuerySet[PublicProfile]:
    return PublicProfile.objects.filter(is_published=True).only(
        "public_id", "name", "country", "disappeared_on", "status"
    )


def published_profile_get(*, public_id: UUID) -> PublicProfile:
    return get_object_or_404(
        PublicProfile.objects.prefetch_related("updates").defer("photo"),
        is_published=True,
        public_id=public_id,
    )


def published_updates(*, limit: int = 50) -> QuerySet[PublicUpdate]:
    """The latest entries of published profiles, each with `listed_at`: when it went
    public — when it was added, or when its profile was first published if that came
    later (an update written while the profile was hidden was not public yet)."""
    return (
        PublicUpdate.objects.filter(profile__is_published=True)
        .select_related("profile")
        .annotate(
            listed_at=Greatest("published_at", Coalesce("profile__published_at", "published_at"))
        )
        .order_by("-listed_at", "-id")[:limit]
    )


# --- What the alerts follow (rules 2 and 3): submissions, follow-ups, deadlines ---


@dataclass(frozen=True)
class Pending:
    """Something awaiting an answer or a deadline: a sent intervention with no
    response yet (a follow-up) or a response with a deadline."""

    subject: str  # "intervention:<pk>" or "response:<pk>"
    kind: str  # "follow_up" or "response_deadline"
    on: date  # sent on (follow-up) or the deadline itself


def submission_sent(*, case: Case) -> bool:
    """Whether the case has been submitted to the UN Working Group (urgent or standard
    procedure, sent): that ends its urgent window. A prompt intervention does not."""
    return Intervention.objects.filter(
        case=case, kind__in=Intervention.CASE_SUBMISSION_KINDS, sent_on__isnull=False
    ).exists()


def submitted_among(*, case_ids: Iterable[int]) -> set[int]:
    """Of `case_ids`, the cases with a submission sent (one query, for bulk work)."""
    return set(
        Intervention.objects.filter(
            case_id__in=case_ids,
            kind__in=Intervention.CASE_SUBMISSION_KINDS,
            sent_on__isnull=False,
        ).values_list("case_id", flat=True)
    )


def cases_with_interventions(*, case_ids: Iterable[int]) -> set[int]:
    """Of `case_ids`, those with any intervention (only they can have follow-ups)."""
    return set(Intervention.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True))


def pending_for_case(*, case: Case) -> list[Pending]:
    """Sent interventions still open and without a response, and the deadlines of
    responses to interventions not closed (a closed one expects nothing more)."""
    responses = Response.objects.filter(intervention__case=case)
    answered = set(responses.values_list("intervention_id", flat=True))
    open_ones = Intervention.objects.filter(case=case, sent_on__isnull=False).exclude(
        status__in=(Intervention.Status.RESPONDED, Intervention.Status.CLOSED)
    )
    found = [
        Pending(f"intervention:{pk}", "follow_up", cast(date, sent_on))  # sent: set
        for pk, sent_on in open_ones.values_list("pk", "sent_on")
        if pk not in answered
    ]
    deadlines = responses.filter(deadline__isnull=False).exclude(
        intervention__status=Intervention.Status.CLOSED
    )
    found += [
        Pending(f"response:{pk}", "response_deadline", cast(date, deadline))  # set
        for pk, deadline in deadlines.values_list("pk", "deadline")
    ]
    return found


def still_pending(*, case: Case, subject: str) -> bool:
    """Asked when a follow-up or deadline alert is due: a response recorded since,
    or the intervention closed, cancels it."""
    return any(p.subject == subject for p in pending_for_case(case=case))


def cases_changed_since(since: datetime | None) -> set[int]:
    """Cases with an intervention changed, or a response recorded, after `since`
    (all of them when None): their follow-up deadlines need recomputing."""
    changed = Intervention.objects.all()
    answered = Response.objects.all()
    if since is not None:
        changed = changed.filter(updated_at__gt=since)
        answered = answered.filter(created_at__gt=since)
    ids = set(changed.values_list("case_id", flat=True))
    ids |= set(answered.values_list("intervention__case_id", flat=True))
    return ids
