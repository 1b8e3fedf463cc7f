"""Reads that depend on who asks. A case, and everything hanging off it, is
visible only to the members of its team; anyone else gets a 404, so that the
existence of a case is not revealed (ARCHITECTURE principle 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.lib.names import search_terms
from habeas.sources.models import Claim, ClaimLink, Source

from .models import Actor, Case, CaseMember, Event, EventActor, NameToken, Person, StatusAssertion


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not (user.is_authenticated and user.is_active):
        return Case.objects.none()
    return Case.objects.filter(Exists(CaseMember.objects.filter(case=OuterRef("pk"), user=user)))


def membership_for(*, user: User, case: Case) -> CaseMember | None:
    return CaseMember.objects.filter(user=user, case=case).first()


def deny(*, user: User, model: type, public_id: UUID) -> Http404:
    """Record a refused access to something that exists (an informer probing ids
    leaves a trace), and return the 404 to raise — the same 404 as for nothing."""
    if model.objects.filter(public_id=public_id).exists():
        audit_record(
            action="access.denied",
            actor=user,
            detail={"model": model._meta.label_lower, "id": str(public_id)},
        )
    return Http404()


def case_get_for_user(*, user: User, public_id: UUID) -> Case:
    """The case with what its page shows; 404 unless `user` is on its team."""
    case = (
        cases_visible_to(user)
        .prefetch_related(
            Prefetch("people", queryset=Person.objects.prefetch_related("names")),
            "tags",
            Prefetch("members", queryset=CaseMember.objects.select_related("user")),
        )
        .filter(public_id=public_id)
        .first()
    )
    if case is None:
        raise deny(user=user, model=Case, public_id=public_id)
    return case


def case_get_for_edit(*, user: User, public_id: UUID) -> Case:
    """The case if `user` may change it (lead or member); read-only members and
    outsiders get 404 — the edit pages do not exist for them."""
    case = cases_visible_to(user).filter(public_id=public_id).first()
    member = membership_for(user=user, case=case) if case else None
    if member is None or member.role == CaseMember.Role.READ_ONLY:
        raise deny(user=user, model=Case, public_id=public_id)
    return case


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    country: str = ""
    priority: int | None = None
    silent_days: int | None = None
    open_only: bool = False


def case_list_for_user(*, user: User, filters: CaseFilters, today: date) -> QuerySet[Case]:
    cases = cases_visible_to(user)
    if filters.status:
        cases = cases.filter(current_status=filters.status)
    if filters.country:
        cases = cases.filter(country=filters.country)
    if filters.priority:
        cases = cases.filter(priority=filters.priority)
    if filters.silent_days is not None:
        cases = cases.filter(last_info_at__date__lt=today - timedelta(days=filters.silent_days))
    if filters.open_only:
        cases = cases.filter(is_open=True)
    return cases.prefetch_related("people", "tags").order_by("priority", "reference")


def dashboard_for_user(*, user: User, today: date, limit: int = 25) -> dict[str, list[Case]]:
    """Open cases by urgency (priority, then silent longest), and the cases whose
    UN Working Group urgent window is still open, closing soonest first."""
    visible = cases_visible_to(user).filter(is_open=True)
    by_urgency = list(
        visible.order_by("priority", "last_info_at").prefetch_related("people")[:limit]
    )
    window_open = list(
        visible.filter(urgent_window_closes__gte=today)
        .order_by("urgent_window_closes")
        .prefetch_related("people")[:limit]
    )
    return {"by_urgency": by_urgency, "window_open": window_open}


def person_get_for_user(*, user: User, public_id: UUID) -> Person:
    """A person is visible through any case of theirs the user may see."""
    return get_object_or_404(
        Person.objects.filter(
            Exists(cases_visible_to(user).filter(people=OuterRef("pk")))
        ).prefetch_related("names", "relatives"),
        public_id=public_id,
    )


def person_cases_for_user(*, user: User, person: Person) -> list[Case]:
    return list(cases_visible_to(user).filter(people=person).order_by("reference"))


def _token_matches(key: str, skeleton: str) -> QuerySet[NameToken]:
    if connection.vendor == "sqlite":
        # SQLite only uses an index for LIKE on NOCASE columns; a range on the
        # binary-ordered key is the same prefix test and uses the index.
        prefix = Q(key__gte=key, key__lt=key + "\x7f")
    else:
        # PostgreSQL: LIKE 'key%' uses the varchar_pattern_ops index.
        prefix = Q(key__startswith=key)
    condition = prefix | Q(skeleton=skeleton) if len(skeleton) >= 3 else prefix
    return NameToken.objects.filter(condition)


def person_search_for_user(*, user: User, query: str, limit: int = 50) -> list[Person]:
    """People whose names match every word of `query`, across scripts and
    spellings (see habeas.lib.names); closest spellings first."""
    terms = search_terms(query)[:6]
    if not terms:
        return []
    people = Person.objects.filter(Exists(cases_visible_to(user).filter(people=OuterRef("pk"))))
    for key, skeleton in terms:
        people = people.filter(pk__in=_token_matches(key, skeleton).values("person_id"))
    found = list(
        people.prefetch_related(
            "names",
            Prefetch("cases", queryset=cases_visible_to(user).order_by("reference")),
        ).order_by("display_name")[: limit * 2]
    )
    keys = [key for key, _ in terms]

    def closeness(person: Person) -> tuple[int, str]:
        exact = {k for name in person.names.all() for k, _ in search_terms(name.text)}
        return (-sum(k in exact for k in keys), person.display_name)

    return sorted(found, key=closeness)[:limit]


def actors_all() -> QuerySet[Actor]:
    """Actors are the organisation's shared reference list, not case content."""
    return Actor.objects.select_related("parent")


def actor_get(*, public_id: UUID) -> Actor:
    return get_object_or_404(actors_all(), public_id=public_id)


@dataclass
class ClaimView:
    claim: Claim
    contradicted_by: list[Claim] = field(default_factory=list)
    corroborated_by: list[Claim] = field(default_factory=list)

    @property
    def contested(self) -> bool:
        return bool(self.contradicted_by)


@dataclass
class TimelineItem:
    sort: tuple
    event: Event | None = None
    claim: ClaimView | None = None
    claims: list[ClaimView] = field(default_factory=list)

    @property
    def contested(self) -> bool:
        if self.claim is not None:
            return self.claim.contested
        return any(c.contested for c in self.claims)


@dataclass
class CaseRecord:
    timeline: list[TimelineItem]
    contradictions: list[ClaimLink]
    sources: list[Source]
    statuses: list[StatusAssertion]
    claims: list[Claim]
    events: list[Event]


def _date_sort(value) -> tuple:
    """Order partial dates by earliest day, then latest (a day before its month),
    then time of day."""
    time = value.time.isoformat() if value.time else ""
    return (value.lo, value.hi, time)


def case_record(*, case: Case) -> CaseRecord:
    """Everything the case page shows below the summary, in a fixed number of queries.
    `case` must come from a selector: this function does not check access."""
    sources = list(Source.objects.filter(case=case).order_by("code_name"))
    by_source = {s.pk: s for s in sources}
    claims = list(Claim.objects.filter(case=case).order_by("received_from", "id"))
    for claim in claims:
        claim.source = by_source[claim.source_id]
    by_claim = {c.pk: ClaimView(c) for c in claims}
    links = list(ClaimLink.objects.filter(case=case).order_by("id"))
    for link in links:
        link.from_claim = by_claim[link.from_claim_id].claim
        link.to_claim = by_claim[link.to_claim_id].claim
        a, b = by_claim[link.from_claim_id], by_claim[link.to_claim_id]
        if link.kind == ClaimLink.Kind.CONTRADICTS:
            a.contradicted_by.append(b.claim)
            b.contradicted_by.append(a.claim)
        else:
            a.corroborated_by.append(b.claim)
            b.corroborated_by.append(a.claim)

    events = list(
        Event.objects.filter(case=case)
        .prefetch_related(
            Prefetch("event_actors", queryset=EventActor.objects.select_related("actor"))
        )
        .order_by("occurred_from", "id")
    )
    items = [TimelineItem(sort=(*_date_sort(e.occurred_on), 0, e.pk), event=e) for e in events]
    by_event = {item.event.pk: item for item in items}
    for view in by_claim.values():
        event_item = by_event.get(view.claim.event_id)
        if event_item is not None:
            event_item.claims.append(view)
        else:
            sort = (*_date_sort(view.claim.received_on), 1, view.claim.pk)
            items.append(TimelineItem(sort=sort, claim=view))
    items.sort(key=lambda item: item.sort)

    statuses = list(
        StatusAssertion.objects.filter(case=case)
        .select_related("asserted_by")
        .prefetch_related(Prefetch("claims", queryset=Claim.objects.select_related("source")))
    )
    contradictions = [link for link in links if link.kind == ClaimLink.Kind.CONTRADICTS]
    return CaseRecord(
        timeline=items,
        contradictions=contradictions,
        sources=sources,
        statuses=statuses,
        claims=claims,
        events=events,
    )


def person_get_for_edit(*, user: User, public_id: UUID) -> Person:
    """A person may be changed by those who may change one of their cases."""
    editable = CaseMember.objects.filter(user=user, case__people=OuterRef("pk")).exclude(
        role=CaseMember.Role.READ_ONLY
    )
    person = Person.objects.filter(Exists(editable), public_id=public_id).first()
    if person is None:
        raise deny(user=user, model=Person, public_id=public_id)
    return person


def event_get(*, case: Case, public_id: UUID) -> Event:
    return get_object_or_404(Event.objects.filter(case=case), public_id=public_id)


def may_manage_team(*, user: User, case: Case) -> bool:
    """The case's leads manage its team; so do administrators, who need not be on
    it (and then see its reference and team, not its content)."""
    if user.role == User.Role.ADMINISTRATOR:
        return True
    return CaseMember.objects.filter(user=user, case=case, role=CaseMember.Role.LEAD).exists()


def case_get_for_team(*, user: User, public_id: UUID) -> Case:
    case = Case.objects.filter(public_id=public_id).first()
    if case is None or not may_manage_team(user=user, case=case):
        raise deny(user=user, model=Case, public_id=public_id)
    return case


def team_members(*, case: Case) -> list[CaseMember]:
    return list(case.members.select_related("user").order_by("user__username"))


def cases_for_team_admin(*, user: User) -> QuerySet[Case]:
    """Every case, by reference only, for an administrator's team management."""
    if user.role != User.Role.ADMINISTRATOR:
        raise Http404
    return Case.objects.only("public_id", "reference").order_by("reference")
