"""Cases and their status history over the API: the same selectors, access door
and services as the case pages (habeas/cases/views.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as Reply

from habeas.cases import access, selectors, services
from habeas.cases.models import (
    Case,
    ContactChannel,
    Person,
    Priority,
    Status,
    StatusAssertion,
    Tag,
)
from habeas.sources.models import Claim

from ..auth import require_write, user_of
from ..pagination import DEFAULT_SIZE, MAX_SIZE, Keyset, page_of
from ..schemas import PARTIAL_DATE_HELP, In, PageQuery, QueryIn, edtf, partial_dates, responses
from ._shared import api_enum
from .people import NameKind, NameScript, PersonOut, person_out

router = Router(tags=["cases"])

if TYPE_CHECKING:
    CaseStatus = Status
    CasePriority = Priority
else:
    CaseStatus = api_enum("CaseStatus", Status)
    CasePriority = api_enum("CasePriority", Priority)

CASE_ORDER = Keyset(("priority", "reference"))  # the case list's order and index
STATUS_ORDER = Keyset(("asserted_on", "created_at", "id"), descending=True)


class PersonRef(Schema):
    id: UUID
    name: str


class CaseOut(Schema):
    id: UUID
    reference: str
    country: str = Field(description="ISO 3166-1 alpha-2: the State concerned.")
    taken_in_country: str = Field(description="Where the person was taken, if elsewhere.")
    status: CaseStatus = Field(description="The latest status asserted (see /statuses/).")
    is_open: bool
    priority: CasePriority
    summary: str
    disappeared_on: str | None = Field(description=PARTIAL_DATE_HELP)
    disappeared_place: str
    last_contact_on: str | None = Field(description=PARTIAL_DATE_HELP)
    last_contact_place: str
    last_contact_channel: ContactChannel | None
    risk_torture: bool
    risk_health: bool
    risk_family_reprisals: bool
    tags: list[str]
    people: list[PersonRef]
    last_info_at: datetime = Field(description="When the case last had news of the person.")
    un_submitted_on: date | None
    created_at: datetime
    updated_at: datetime


class CasePage(Schema):
    items: list[CaseOut]
    next: str | None = Field(description="The cursor of the next page; null on the last.")


def case_out(
    case: Case, *, people: Iterable[Person] | None = None, tags: Iterable[Tag] | None = None
) -> dict[str, Any]:
    """A case as the API shows it: what every member of its team reads on its page.
    Who had the last contact and what was said are left out (the source grant's;
    see the sources resources). `people`, `tags`: as prefetched into lists, if they
    were (the case's otherwise)."""
    people = case.people.all() if people is None else people
    tags = case.tags.all() if tags is None else tags
    return {
        "id": case.public_id,
        "reference": case.reference,
        "country": str(case.country.code or ""),
        "taken_in_country": str(case.taken_in_country.code or ""),
        "status": case.current_status,
        "is_open": case.is_open,
        "priority": case.priority,
        "summary": case.summary,
        "disappeared_on": edtf(case.disappeared_on),
        "disappeared_place": case.disappeared_place,
        "last_contact_on": edtf(case.last_contact_on),
        "last_contact_place": case.last_contact_place,
        "last_contact_channel": case.last_contact_channel or None,
        "risk_torture": case.risk_torture,
        "risk_health": case.risk_health,
        "risk_family_reprisals": case.risk_family_reprisals,
        "tags": sorted(t.name for t in tags),
        "people": [{"id": p.public_id, "name": p.display_name} for p in people],
        "last_info_at": case.last_info_at,
        "un_submitted_on": case.un_submitted_on,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


class CaseFilters(QueryIn):
    status: CaseStatus | None = None
    country: str | None = Field(None, max_length=2, description="ISO 3166-1 alpha-2.")
    priority: CasePriority | None = None
    open: bool | None = Field(None, description="true: open cases only.")
    updated_since: datetime | None = Field(None, description="Changed at or after this moment.")
    cursor: str | None = Field(None, max_length=600)
    limit: int = Field(DEFAULT_SIZE, ge=1, le=MAX_SIZE)


@router.get("/", response=responses({200: CasePage}, finds=False), summary="List cases")
def case_list(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """The cases of the token's user's teams, in the case list's order (priority,
    then reference), a page at a time."""
    user = user_of(request)
    visible, _count = access.cases_listed_for(user)
    cases = selectors.case_list_for_user(
        user=user,
        filters=selectors.CaseFilters(
            status=filters.status or "",
            country=(filters.country or "").upper(),
            priority=filters.priority,
            open_only=bool(filters.open),
        ),
        today=timezone.localdate(),
        cases=visible,
    )
    # The list shows people by id and name only: not reading the rest of each person
    # spares parsing their partial dates (bench/api.py's profile).
    # Into lists (to_attr): a related manager's cache builds a filtered queryset per
    # case and relation, a fifth of the list's time.
    people = Prefetch(
        "people",
        queryset=Person.objects.only("id", "public_id", "display_name"),
        to_attr="people_list",
    )
    tags = Prefetch("tags", to_attr="tag_list")
    cases = cases.prefetch_related(None).prefetch_related(people, tags)
    since = filters.updated_since
    if since is not None:
        if timezone.is_naive(since):  # no offset given: UTC, as the API writes times
            since = timezone.make_aware(since, UTC)
        cases = cases.filter(updated_at__gte=since)
    page = page_of(cases, keyset=CASE_ORDER, cursor=filters.cursor, size=filters.limit)
    items = [
        case_out(c, people=c.people_list, tags=c.tag_list)  # type: ignore[attr-defined]
        for c in page.items
    ]
    return {"items": items, "next": page.next}


@router.get("/{case_id}/", response=responses({200: CaseOut}), summary="Read a case")
def case_read(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    access_ = access.case_access(user=user_of(request), public_id=case_id)
    return case_out(access_.case)


# --- Opening and changing a case ---------------------------------------------------

DATE_FIELDS = ("disappeared_on", "last_contact_on")


class CaseFieldsIn(In):
    """What a case's edit page changes; every field optional (PATCH: only those sent
    change)."""

    reference: str | None = Field(None, max_length=40)
    country: str | None = Field(None, max_length=2, description="ISO 3166-1 alpha-2.")
    taken_in_country: str | None = Field(None, max_length=2)
    summary: str | None = Field(None, max_length=20000)
    disappeared_on: str | None = Field(None, max_length=100, description=PARTIAL_DATE_HELP)
    disappeared_place: str | None = Field(None, max_length=300)
    last_contact_on: str | None = Field(None, max_length=100, description=PARTIAL_DATE_HELP)
    last_contact_place: str | None = Field(None, max_length=300)
    last_contact_channel: ContactChannel | None = None
    risk_torture: bool | None = None
    risk_health: bool | None = None
    risk_family_reprisals: bool | None = None
    priority: CasePriority | None = None
    tags: list[str] | None = Field(None, max_length=50)


class CaseCreateIn(CaseFieldsIn):
    """A new case, as the web's "Open a case" form makes one: for a person recorded
    now under `name`, or for someone already recorded (`person`, whom the token's
    user may change)."""

    reference: str = Field(max_length=40)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2.")
    person: UUID | None = Field(None, description="An existing person; or give `name`.")
    name: str | None = Field(None, max_length=300, description="The disappeared person's name.")
    name_script: NameScript | None = Field(None, description="Empty: detected.")
    name_kind: NameKind = NameKind.REPORTED


def _case_fields(payload: CaseFieldsIn, *, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields sent, as the services take them: dates read, codes upper-cased,
    text cleared with "" or null."""
    sent = payload.model_dump(include=set(names), exclude_unset=True)
    fields: dict[str, Any] = {}
    for name, value in sent.items():
        if name in DATE_FIELDS:
            continue
        if name in {"country", "taken_in_country"}:
            value = (value or "").upper()
        elif name == "last_contact_channel":
            value = value or ""
        elif value is None and name not in {"priority", "tags"}:
            value = "" if not name.startswith("risk_") else False
        fields[name] = value
    for name in ("priority", "tags"):  # null: unchanged
        if name in fields and fields[name] is None:
            del fields[name]
    dates = {n: sent[n] or "" for n in DATE_FIELDS if n in sent}
    fields.update(partial_dates(**dates))
    return fields


CASE_FIELDS = tuple(CaseFieldsIn.model_fields)


@router.post("/", response=responses({201: CaseOut}, writes=True), summary="Open a case")
def case_create(request: HttpRequest, payload: CaseCreateIn) -> Reply[dict[str, Any]]:
    """Open a case; its opener leads its team. 404 for a viewer, as on the web."""
    user = require_write(request)
    access.require_writer(user=user, what="api.case_create")
    known = None
    if payload.person is not None:
        if payload.name:
            raise ValidationError({"name": _("Give a name or a person, not both.")})
        known = selectors.person_get_for_edit(user=user, public_id=payload.person)
    elif not (payload.name or "").strip():
        raise ValidationError({"name": _("Enter the person's name.")})
    fields = _case_fields(payload, names=CASE_FIELDS)
    selectors.reference_probe(user=user, reference=payload.reference)  # audits a probe
    case = services.case_open(
        person=known,
        name=payload.name or "",
        script=payload.name_script or "",
        name_kind=payload.name_kind,
        by=user,
        **fields,
    )
    return Reply(201, case_out(case))


@router.patch(
    "/{case_id}/", response=responses({200: CaseOut}, writes=True), summary="Change a case"
)
def case_update(request: HttpRequest, case_id: UUID, payload: CaseFieldsIn) -> dict[str, Any]:
    """Change the fields sent (the others stay). `tags` replaces the case's tags."""
    user = user_of(request)
    case = access.case_access(user=user, public_id=case_id, need=access.Need.EDIT).case
    require_write(request)  # after the door: an outsider gets its audited 404
    fields = _case_fields(payload, names=CASE_FIELDS)
    if fields.get("reference"):
        selectors.reference_probe(user=user, reference=fields["reference"], exclude=case)
    tags = fields.pop("tags", None)
    services.case_update(case=case, by=user, tags=tags, **fields)
    return case_out(case)


# --- People of a case --------------------------------------------------------------


class CasePersonIn(In):
    name: str = Field(max_length=300)
    script: NameScript | None = Field(None, description="Empty: detected.")


@router.post(
    "/{case_id}/people/",
    response=responses({201: PersonOut}, writes=True),
    summary="Add a person to a case",
)
def case_person_add(
    request: HttpRequest, case_id: UUID, payload: CasePersonIn
) -> Reply[dict[str, Any]]:
    """Another person disappeared in the same case (a brother taken the same night)."""
    user = user_of(request)
    case = access.case_access(user=user, public_id=case_id, need=access.Need.EDIT).case
    require_write(request)  # after the door: an outsider gets its audited 404
    person = services.case_person_add(
        case=case, name=payload.name, script=payload.script or "", by=user
    )
    person = selectors.person_get_for_user(user=user, public_id=person.public_id)
    return Reply(201, person_out(person, cases=[case]))


# --- The status history ------------------------------------------------------------


class StatusOut(Schema):
    status: CaseStatus
    asserted_on: date
    basis: str
    closed_reason: str
    claims: list[UUID]
    asserted_by: str | None = Field(description="The username of who recorded it.")
    created_at: datetime


class StatusPage(Schema):
    items: list[StatusOut]
    next: str | None


def status_out(row: StatusAssertion) -> dict[str, Any]:
    return {
        "status": row.status,
        "asserted_on": row.asserted_on,
        "basis": row.basis,
        "closed_reason": row.closed_reason,
        "claims": [c.public_id for c in row.claims.all()],
        "asserted_by": row.asserted_by.username if row.asserted_by else None,
        "created_at": row.created_at,
    }


@router.get(
    "/{case_id}/statuses/",
    response=responses({200: StatusPage}),
    summary="List a case's status history",
)
def status_list(request: HttpRequest, case_id: UUID, page: Query[PageQuery]) -> dict[str, Any]:
    """Every status asserted on the case, latest first (the first is the current one)."""
    case = access.case_access(user=user_of(request), public_id=case_id).case
    rows = StatusAssertion.objects.filter(case=case).select_related("asserted_by")
    found = page_of(
        rows.prefetch_related("claims"), keyset=STATUS_ORDER, cursor=page.cursor, size=page.limit
    )
    return {"items": [status_out(r) for r in found.items], "next": found.next}


class StatusIn(In):
    status: CaseStatus
    asserted_on: date = Field(description="As of which day (YYYY-MM-DD).")
    basis: str = Field(max_length=5000, description="What it rests on, in a few words.")
    closed_reason: str = Field("", max_length=300, description="Required to close the case.")
    claims: list[UUID] = Field(default_factory=list, max_length=100)


@router.post(
    "/{case_id}/statuses/",
    response=responses({201: StatusOut}, writes=True),
    summary="Record a status",
)
def status_add(request: HttpRequest, case_id: UUID, payload: StatusIn) -> Reply[dict[str, Any]]:
    """Record who says what the case's status is, as of when, on what basis."""
    user = user_of(request)
    case = access.case_access(user=user, public_id=case_id, need=access.Need.EDIT).case
    require_write(request)  # after the door: an outsider gets its audited 404
    if payload.asserted_on > timezone.localdate():
        raise ValidationError({"asserted_on": _("A status cannot be asserted for a future date.")})
    if not payload.basis.strip():
        raise ValidationError({"basis": _("This field is required.")})
    claims = list(Claim.objects.filter(case=case, public_id__in=payload.claims))
    if len(claims) != len(set(payload.claims)):
        raise ValidationError({"claims": _("Choose claims of this case.")})
    row = services.status_assert(
        case=case,
        status=payload.status,
        asserted_on=payload.asserted_on,
        basis=payload.basis,
        closed_reason=payload.closed_reason,
        claims=claims,
        by=user,
    )
    return Reply(201, status_out(row))
