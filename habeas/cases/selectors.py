"""Reads of cases, people, actors and references that depend on who asks. Who may
see or change what is decided in `access` (the one door); these reads apply it, and
a refused record is the audited 404 of a missing one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict, cast
from uuid import UUID

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.lib.names import search_term_variants
from habeas.lib.partialdate import PartialDate
from habeas.sources.models import Claim, ClaimLink, ClaimRelay, Source

from .access import (
    cases_listed_for,
    cases_visible_to,
    changing_memberships,
    deny,
    manages_every_team,
    people_editable_by,
    person_visible_to,
    relative_contact_visible,
    sees_at_least,
    source_grant,
)
from .models import (
    Actor,
    Case,
    CaseMember,
    Event,
    EventActor,
    NameToken,
    Person,
    PersonName,
    Relative,
    StatusAssertion,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    country: str = ""
    priority: int | None = None
    silent_days: int | None = None
    open_only: bool = False


def case_list_for_user(
    *, user: User, filters: CaseFilters, today: date, cases: QuerySet[Case] | None = None
) -> QuerySet[Case]:
    """The user's cases matching `filters`, in list order. `cases`: the visible
    cases in another query shape (`cases_listed_for`)."""
    cases = cases_visible_to(user) if cases is None else cases
    if filters.status:
        cases = cases.filter(current_status=filters.status)
    if filters.country:
        cases = cases.filter(country=filters.country)
    if filters.priority:
        cases = cases.filter(priority=filters.priority)
    if filters.silent_days is not None:
        # Nothing new since before that day began (local time): a range on the
        # indexed column, not a date cast of every row.
        since = today - timedelta(days=filters.silent_days)
        cases = cases.filter(last_info_at__lt=timezone.make_aware(datetime.combine(since, time())))
    if filters.open_only:
        cases = cases.filter(is_open=True)
    return cases.prefetch_related("people", "tags").order_by("priority", "reference")


COUNT_CAP = 10_000  # filtered case lists count this far, then say "more than"


@dataclass(frozen=True)
class CaseListPage:
    """One page of the case list. Pages are found by the last case of the page before
    (keyset pagination), so that the hundredth page costs what the first one does."""

    cases: list[Case]
    count: int  # the cases matching the filters (filtered: up to COUNT_CAP + 1)
    at_start: bool
    at_end: bool
    filtered: bool = False

    @property
    def count_capped(self) -> bool:
        return self.filtered and self.count > COUNT_CAP

    @property
    def count_cap(self) -> int:
        return COUNT_CAP

    @property
    def first_cursor(self) -> str:
        return cursor_of(self.cases[0]) if self.cases else ""

    @property
    def last_cursor(self) -> str:
        return cursor_of(self.cases[-1]) if self.cases else ""


def cursor_of(case: Case) -> str:
    """Where a case stands in the list order (priority, then reference)."""
    return f"{case.priority}:{case.reference}"


def cursor_parse(text: str) -> tuple[int, str] | None:
    """The (priority, reference) a cursor names, or None for anything else."""
    priority, sep, reference = (text or "").partition(":")
    digits = priority.isascii() and priority.isdigit()  # not "²", which int() refuses
    if not sep or not digits or len(priority) > 3 or not 0 < len(reference) <= 40:
        return None
    if not reference.isprintable():  # a NUL would make PostgreSQL refuse the query
        return None
    return int(priority), reference


def _beyond(cursor: tuple[int, str], *, before: bool) -> RawSQL:
    # A row-value comparison, so that SQLite and PostgreSQL seek straight to the
    # cursor in the (priority, reference) indexes instead of counting rows up to it.
    # Only names from the model and a fixed operator go into the SQL; the cursor's
    # values are parameters.
    quote = connection.ops.quote_name
    table = quote(Case._meta.db_table)
    columns = f"{table}.{quote('priority')}, {table}.{quote('reference')}"
    operator = "<" if before else ">"
    sql = f"({columns}) {operator} (%s, %s)"
    return RawSQL(sql, cursor, output_field=BooleanField())  # noqa: S611


def case_list_page(
    *,
    user: User,
    filters: CaseFilters,
    today: date,
    after: str = "",
    before: str = "",
    last: bool = False,
    size: int = 50,
) -> CaseListPage:
    """The page of cases after (or before) a cursor, the last page, or the first one.
    A cursor that is malformed, or runs off either end, gives the first or last page."""
    visible, count = cases_listed_for(user)  # unfiltered, that count is the count
    cases = case_list_for_user(user=user, filters=filters, today=today, cases=visible)
    page = partial(CaseListPage, filtered=filters != CaseFilters())
    if filters != CaseFilters():
        # Counted up to a cap, so that a filter matching most of a large register
        # costs what a narrow one does; the page then says "more than".
        count = cases.order_by()[: COUNT_CAP + 1].count()
    after_at, before_at = cursor_parse(after), cursor_parse(before)
    if after_at:
        rows = list(cases.filter(_beyond(after_at, before=False))[: size + 1])
        if rows:
            return page(rows[:size], count, at_start=False, at_end=len(rows) <= size)
        last = True  # past the end: the last page
    elif before_at:
        backwards = cases.filter(_beyond(before_at, before=True)).reverse()
        rows = list(backwards[: size + 1])
        if len(rows) > size:
            return page(rows[:size][::-1], count, at_start=False, at_end=False)
        # Fewer than a page before the cursor: that is the first page.
    if last:
        rows = list(cases.reverse()[: size + 1])
        return page(rows[:size][::-1], count, at_start=len(rows) <= size, at_end=True)
    rows = list(cases[: size + 1])
    return page(rows[:size], count, at_start=True, at_end=len(rows) <= size)


QUIET_DAYS = 14  # "gone quiet" on the dashboard: the alert rule's default (AlertSettings)
DASHBOARD_SHOWN = 25  # cases per section of the dashboard; the case list has them all


class Dashboard(TypedDict):
    """The open cases of the dashboard in what needs action first: each open case is
    in exactly one list (the alerts due are the alerts app's, between the first two)."""

    window_open: list[Case]  # UN urgent window still open: closing soonest first
    # No new information for QUIET_DAYS or more: by priority, then silent longest.
    gone_quiet: list[Case]
    others: list[Case]  # the rest: by priority, then silent longest
    cut: list[str]  # the lists above that hold more than DASHBOARD_SHOWN cases
    shown: int
    quiet_days: int


def dashboard_for_user(*, user: User, today: date, limit: int = DASHBOARD_SHOWN) -> Dashboard:
    """What needs action today first: cases whose UN urgent window is still open,
    then those gone quiet, then the rest; the last two by priority, then silent
    longest. Three lists of at most `limit`, each read by one query on an index of
    `Case` (and one for the people shown)."""
    visible = cases_listed_for(user)[0].filter(is_open=True)
    # A case already submitted to the Working Group needs no action on its window;
    # it is listed below with the others.
    window_open = Q(urgent_window_closes__gte=today, un_submitted_on__isnull=True)
    # Silent QUIET_DAYS days or more: nothing new since before the day after that began.
    quiet = Q(last_info_at__lt=_midnight(today - timedelta(days=QUIET_DAYS - 1)))
    lists = {
        "window_open": visible.filter(window_open).order_by(
            "urgent_window_closes", "priority", "reference"
        ),
        # An urgent case gone quiet comes before a low one silent since 1999: the
        # team acts on priority first (the index case_open_urgency serves both lists).
        "gone_quiet": visible.filter(~window_open, quiet).order_by(
            "priority", "last_info_at", "reference"
        ),
        "others": visible.filter(~window_open)
        .exclude(quiet)
        .order_by("priority", "last_info_at", "reference"),
    }
    read = {name: list(q.prefetch_related("people")[: limit + 1]) for name, q in lists.items()}
    return Dashboard(
        window_open=read["window_open"][:limit],
        gone_quiet=read["gone_quiet"][:limit],
        others=read["others"][:limit],
        cut=[name for name, rows in read.items() if len(rows) > limit],
        shown=limit,
        quiet_days=QUIET_DAYS,
    )


def _midnight(day: date) -> datetime:
    """Local midnight of `day`, as the alert rules count days."""
    return timezone.make_aware(datetime.combine(day, time()))


def person_get_for_user(*, user: User, public_id: UUID) -> Person:
    """A person is visible through any case of theirs the user may see; anyone else
    gets the audited 404 that a case gives (an informer probing ids leaves a trace)."""
    person = (
        Person.objects.filter(Exists(cases_visible_to(user).filter(people=OuterRef("pk"))))
        .prefetch_related("names")
        .filter(public_id=public_id)
        .first()
    )
    if person is None:
        raise deny(user=user, model=Person, public_id=public_id)
    return person


def person_cases_for_user(*, user: User, person: Person) -> list[Case]:
    return list(cases_visible_to(user).filter(people=person).order_by("reference"))


def _token_matches(readings: tuple[tuple[str, str], ...]) -> QuerySet[NameToken, Any]:
    """The people (`person_id`) with a name token matching any reading of one query
    word: its key as a prefix, or its skeleton.

    One scan per reading, joined by UNION ALL rather than an OR: each scan reads
    (key, person) or (skeleton, person) from an index alone, where an OR makes the
    database fetch every matching row from the table (3,900 rows for a common
    surname at 100,000 cases). Duplicates are left to the caller's IN or INTERSECT."""
    scans = []
    for key, _ in readings:
        if connection.vendor == "sqlite":
            # SQLite only uses an index for LIKE on NOCASE columns; a range on the
            # binary-ordered key is the same prefix test and uses the index.
            condition = Q(key__gte=key, key__lt=key + "\x7f")
        else:
            # PostgreSQL: LIKE 'key%' uses the varchar_pattern_ops index.
            condition = Q(key__startswith=key)
        scans.append(NameToken.objects.filter(condition).values("person_id"))
    skeletons = [skeleton for _, skeleton in readings if len(skeleton) >= 3]
    if skeletons:
        scans.append(NameToken.objects.filter(skeleton__in=skeletons).values("person_id"))
    first, *others = scans
    return first.union(*others, all=True) if others else first


@dataclass(frozen=True)
class SearchResult:
    people: Sequence[Person]
    more: bool  # more people matched than are shown: the query should be narrowed


@dataclass(frozen=True)
class SearchLine:
    """One person found, as the search page lists them."""

    public_id: UUID
    display_name: str
    also: list[str]  # their other names
    cases: list[tuple[UUID, str]]  # (public_id, reference) of each case the reader may see


@dataclass(frozen=True)
class SearchLines:
    lines: list[SearchLine]
    more: bool


# The walk by name (see _walk_by_name) is taken when at least this many times the
# people a page shows are expected among the visible people spelled as typed.
WALK_MARGIN = 8


def _people_ranked(user: User, words: list[tuple[tuple[str, str], ...]]) -> QuerySet[Person]:
    """People whose names match every word (see habeas.lib.names), among those `user`
    may see, ranked: the people with the most words spelled exactly as typed first,
    then by name."""
    # The people matching every word, found from the name index alone (INTERSECT),
    # before anyone's cases are looked at: visibility and ranking then cost per person
    # matching the whole name, not per person matching its most common word.
    first, *others = [_token_matches(readings) for readings in words]
    matching = first.intersection(*others) if others else first
    people = Person.objects.filter(person_visible_to(user)).filter(pk__in=matching)
    # How many words the person has spelled as typed (primary spellings only: other
    # readings are not "as typed"): one indexed probe per word, cheaper for 1,800
    # namesakes than counting each one's matching tokens.
    typed = dict.fromkeys(readings[0][0] for readings in words)
    exact = sum(
        (
            Cast(Exists(NameToken.objects.filter(person=OuterRef("pk"), key=key)), IntegerField())
            for key in typed
        ),
        Value(0),
    )
    return people.annotate(exact=exact).order_by("-exact", "display_name", "pk")


def _walk_by_name(
    user: User, words: list[tuple[tuple[str, str], ...]], limit: int
) -> list[int] | None:
    """The first `limit + 1` people of the ranking, found by walking the people in name
    order (the `person_display_name` index) and keeping those `user` may see with the
    word spelled as typed; None when this way does not apply.

    Why: a surname alone is shared by 1,746 people at 100,000 cases, all spelled as
    typed, and the ranking reads and tests every one of them before keeping 51 (15 ms
    of SQL on a new connection); the walk stops at the 51st (3 ms). It gives the same
    people: with one word, being spelled as typed is the first rank, so when `limit + 1`
    such people are visible they are the ranking's first `limit + 1`, by name. It is
    only fast when many of them are visible: the walk reads about (people in the
    register) × (limit + 1) / (visible matches) names, all of them for a caseworker on
    30 cases (66 ms). So it is taken only for one word whose visible matches are
    expected to be at least WALK_MARGIN times a page: the tokens of the word's key (a
    count of one index range), times the share of the cases `user` is on (a count of
    their memberships that stops at what is needed). Fewer than `limit + 1` found:
    None, and the ranking runs."""
    if len(words) != 1:
        return None
    key = words[0][0][0]
    tokens = NameToken.objects.filter(key=key).count()
    wanted = WALK_MARGIN * (limit + 1)
    if not tokens or tokens < wanted:
        return None
    # visible matches ≈ tokens × memberships / cases
    if not sees_at_least(user, -(-wanted * _register_size() // tokens)):
        return None
    spelled = Exists(NameToken.objects.filter(person=OuterRef("pk"), key=key))
    walked = (
        Person.objects.filter(spelled)
        .filter(person_visible_to(user))
        .order_by("display_name", "pk")
        .values_list("pk", flat=True)
    )
    found = list(walked[: limit + 1])
    return found if len(found) > limit else None


def _register_size() -> int:
    """How many cases there are, read as the highest case id: one index probe where a
    count reads them all. Deleted cases and skipped ids make it larger than the count,
    so the walk is taken less often than it could be, never more."""
    return Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _ranked_ids(user: User, query: str, limit: int) -> list[int]:
    """The ids of the first `limit + 1` people found for `query`, in rank order."""
    words = search_term_variants(query)[:6]
    if not words:
        return []
    walked = _walk_by_name(user, words, limit)
    if walked is not None:
        return walked
    return list(_people_ranked(user, words).values_list("pk", flat=True)[: limit + 1])


def person_search_for_user(*, user: User, query: str, limit: int = 50) -> SearchResult:
    """People whose names match every word of `query`, across scripts and spellings
    (see habeas.lib.names), among those `user` may see, ranked: the people with the
    most words spelled exactly as typed first, then by name; at most `limit`, whole
    (the API gives their records). Each comes with `name_list`, their names, and
    `case_list`, the cases `user` may see (`public_id` and `reference` only)."""
    ids = _ranked_ids(user, query, limit)
    shown = ids[:limit]
    people = Person.objects.filter(pk__in=shown).prefetch_related(
        # Into lists (to_attr): a related manager's cache would build a filtered
        # queryset per person found.
        Prefetch("names", queryset=PersonName.objects.order_by("pk"), to_attr="name_list"),
        Prefetch(
            "cases",
            queryset=cases_visible_to(user).only("public_id", "reference").order_by("reference"),
            to_attr="case_list",
        ),
    )
    by_id = {person.pk: person for person in people} if shown else {}
    # A person gone between the two reads (merged, removed) is left out, not a 500.
    return SearchResult([by_id[pk] for pk in shown if pk in by_id], more=len(ids) > limit)


def person_search_lines_for_user(*, user: User, query: str, limit: int = 50) -> SearchLines:
    """The search page's lines for the people `person_search_for_user` finds: only the
    columns a line shows, read as values. A surname alone fills the page at 100,000
    cases, and making 50 people, their names and cases into model instances (every
    column converted: dates parsed, UUIDs built) was a third of the page."""
    ids = _ranked_ids(user, query, limit)
    shown = ids[:limit]
    if not shown:
        return SearchLines([], more=False)
    rows = Person.objects.filter(pk__in=shown).values_list("pk", "public_id", "display_name")
    people = {pk: (public_id, name) for pk, public_id, name in rows}
    also: dict[int, list[str]] = {pk: [] for pk in shown}
    names = PersonName.objects.filter(person__in=shown, is_primary=False).order_by("pk")
    for person_id, text in names.values_list("person_id", "text"):
        also[person_id].append(text)
    cases: dict[int, list[tuple[UUID, str]]] = {pk: [] for pk in shown}
    links = Case.people.through.objects.filter(person__in=shown).filter(
        Exists(cases_visible_to(user).filter(pk=OuterRef("case_id")))
    )
    for person_id, public_id, reference in links.values_list(
        "person_id", "case__public_id", "case__reference"
    ).order_by("case__reference"):
        cases[person_id].append((public_id, reference))
    lines = [
        SearchLine(
            public_id=people[pk][0], display_name=people[pk][1], also=also[pk], cases=cases[pk]
        )
        for pk in shown
        if pk in people  # gone between the two reads: left out, not a 500
    ]
    return SearchLines(lines, more=len(ids) > limit)


class RelativeAccess(TypedDict):
    """What a relative read by `_relatives_known_to` says of the reader's access."""

    contact_visible: bool
    editable: bool


def _relatives_known_to(
    user: User, person: Person
) -> QuerySet[WithAnnotations[Relative, RelativeAccess]]:
    """The relatives of `person` recorded on a case of `user`'s, each with
    `contact_visible` (whether `user` may read and change how to reach them and the
    notes kept on them: the grant on the relative's case) and `editable`."""
    return Relative.objects.filter(
        Exists(CaseMember.objects.filter(user=user, case=OuterRef("case"))), person=person
    ).annotate(
        contact_visible=relative_contact_visible(user),
        editable=Exists(changing_memberships(user).filter(case=OuterRef("case"))),
    )


@dataclass(frozen=True)
class RelativesView:
    known: list[WithAnnotations[Relative, RelativeAccess]]  # on a case of the reader's
    elsewhere: int  # how many are recorded on the person's other cases


def relatives_for_user(*, user: User, person: Person) -> RelativesView:
    """The relatives of `person` (already access-checked) that `user` may know of, and
    how many others the person's other teams recorded."""
    known = list(_relatives_known_to(user, person))
    return RelativesView(known=known, elsewhere=person.relatives.count() - len(known))


def relative_get_for_edit(
    *, user: User, person: Person, public_id: UUID
) -> WithAnnotations[Relative, RelativeAccess]:
    """One relative of `person` (already access-checked) that `user` may change: one
    recorded on a case they may change; 404 otherwise, audited."""
    relative = _relatives_known_to(user, person).filter(public_id=public_id, editable=True).first()
    if relative is None:
        raise deny(user=user, model=Relative, public_id=public_id)
    return relative


def cases_for_new_relative(*, user: User, person: Person) -> QuerySet[Case]:
    """The cases a relative of `person` may be recorded on by `user`: those of the
    person that `user` may change, each with `contact_grant` (whether a contact and
    notes may be entered there)."""
    return (
        Case.objects.filter(
            Exists(changing_memberships(user).filter(case=OuterRef("pk"))), people=person
        )
        .annotate(contact_grant=Exists(source_grant(user).filter(case=OuterRef("pk"))))
        .order_by("created_at", "pk")
    )


# --- References ------------------------------------------------------------------

# One message for every clash, whoever's case it is (security review M4).
REFERENCE_TAKEN = gettext_lazy("This reference cannot be used. Choose another.")


def case_with_reference(reference: str, *, exclude: Case | None = None) -> Case | None:
    """The case holding `reference`, whatever its letter case ("tm-2021-003" is
    TM-2021-003: staff type both)."""
    cases = Case.objects.filter(reference__iexact=reference)
    if exclude is not None and exclude.pk:
        cases = cases.exclude(pk=exclude.pk)
    return cases.only("pk", "public_id").first()


def reference_probe(*, user: User, reference: str, exclude: Case | None = None) -> bool:
    """Whether `reference` is taken (by a case other than `exclude`). A clash with a
    case `user` cannot see is written to the audit log as a refused access: typing
    references of other teams' cases is how an informer would count them."""
    clash = case_with_reference(reference, exclude=exclude)
    if clash is None:
        return False
    if not cases_visible_to(user).filter(pk=clash.pk).exists():
        audit_record(
            action="access.denied",
            actor=user,
            detail={"model": "cases.case", "id": str(clash.public_id), "via": "reference"},
        )
    return True


def actors_all() -> QuerySet[Actor]:
    """Actors are the organisation's shared reference list, not case content. Each is
    shown with its parent (its State may be the parent's), and a parent with its own."""
    return Actor.objects.select_related("parent__parent")


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
    sort: tuple[Any, ...]
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


def _date_sort(value: PartialDate) -> tuple[date, date, str]:
    """Order partial dates by the day they are placed on, then the latest day they
    may mean (a day before its month), then time of day. Open dates sit on their
    known end: "before Oct 2021" by 30 Sep 2021, not by the year 1800."""
    time = value.time.isoformat() if value.time else ""
    return (value.sort_date, value.latest_known_day, time)


def case_record(*, case: Case) -> CaseRecord:
    """Everything the case page shows below the summary, in a fixed number of queries.
    `case` must come from a selector: this function does not check access."""
    sources = list(Source.objects.filter(case=case).order_by("code_name"))
    by_source = {s.pk: s for s in sources}
    claims = list(
        Claim.objects.filter(case=case)
        # The chain a claim came through, shown with it, in one query for all.
        .prefetch_related(Prefetch("relays", queryset=ClaimRelay.objects.select_related("source")))
        .order_by("received_from", "id")
    )
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
            # The parent too: an actor is shown with its State, which may be its parent's.
            Prefetch("event_actors", queryset=EventActor.objects.select_related("actor__parent"))
        )
        .order_by("occurred_from", "id")
    )
    items = [TimelineItem(sort=(*_date_sort(e.occurred_on), 0, e.pk), event=e) for e in events]
    # Every item here has its event.
    by_event: dict[int | None, TimelineItem] = {cast(Event, item.event).pk: item for item in items}
    for view in by_claim.values():
        event_item = by_event.get(view.claim.event_id)
        if event_item is not None:
            event_item.claims.append(view)
        else:
            # By when the source said it; an undated fact by when it reached us.
            sort = (*_date_sort(view.claim.dated_on or view.claim.received_on), 1, view.claim.pk)
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


def person_name_get(*, person: Person, name_id: UUID) -> PersonName:
    """One spelling of `person` (already access-checked); 404 for another person's."""
    try:
        return PersonName.objects.get(person=person, public_id=name_id)
    except PersonName.DoesNotExist:
        raise Http404 from None


def person_get_for_edit(*, user: User, public_id: UUID) -> Person:
    """A person may be changed by those who may change one of their cases."""
    person = people_editable_by(user).filter(public_id=public_id).first()
    if person is None:
        raise deny(user=user, model=Person, public_id=public_id)
    return person


def event_get(*, case: Case, public_id: UUID) -> Event:
    return get_object_or_404(Event.objects.filter(case=case), public_id=public_id)


def team_members(*, case: Case) -> list[CaseMember]:
    return list(case.members.select_related("user").order_by("user__username"))


def team_member_get(*, case: Case, user_id: str) -> CaseMember | None:
    """The member of `case`'s team whose account's public id is `user_id` (as a form
    posts it), or None for anything else."""
    try:
        public_id = UUID(user_id)
    except ValueError:
        return None
    return case.members.select_related("user").filter(user__public_id=public_id).first()


def cases_for_team_admin(*, user: User) -> QuerySet[Case]:
    """Every case, by reference only, for an administrator's team management."""
    if not manages_every_team(user):
        raise Http404
    return Case.objects.only("public_id", "reference").order_by("reference")
