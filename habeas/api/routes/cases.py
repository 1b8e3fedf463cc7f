"""Cases and their status history over the API: the same selectors, access door
and services as the case pages (habeas/cases/views.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from habeas.cases import access, selectors
from habeas.cases.models import Case, ContactChannel, Priority, Status

from ..auth import user_of
from ..pagination import DEFAULT_SIZE, MAX_SIZE, Keyset, page_of
from ..schemas import PARTIAL_DATE_HELP, edtf, responses

router = Router(tags=["cases"])

CASE_ORDER = Keyset(("priority", "reference"))  # the case list's order and index


class PersonRef(Schema):
    id: UUID
    name: str


class CaseOut(Schema):
    id: UUID
    reference: str
    country: str = Field(description="ISO 3166-1 alpha-2: the State concerned.")
    taken_in_country: str = Field(description="Where the person was taken, if elsewhere.")
    status: Status = Field(description="The latest status asserted (see /statuses/).")
    is_open: bool
    priority: Priority
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


def case_out(case: Case) -> dict[str, Any]:
    """A case as the API shows it: what every member of its team reads on its page.
    Who had the last contact and what was said are left out (the source grant's;
    see the sources resources)."""
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
        "tags": sorted(t.name for t in case.tags.all()),
        "people": [{"id": p.public_id, "name": p.display_name} for p in case.people.all()],
        "last_info_at": case.last_info_at,
        "un_submitted_on": case.un_submitted_on,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


class CaseFilters(Schema):
    status: Status | None = None
    country: str | None = Field(None, max_length=2, description="ISO 3166-1 alpha-2.")
    priority: Priority | None = None
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
    if filters.updated_since is not None:
        cases = cases.filter(updated_at__gte=filters.updated_since)
    page = page_of(cases, keyset=CASE_ORDER, cursor=filters.cursor, size=filters.limit)
    return {"items": [case_out(c) for c in page.items], "next": page.next}


@router.get("/{case_id}/", response=responses({200: CaseOut}), summary="Read a case")
def case_read(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    access_ = access.case_access(user=user_of(request), public_id=case_id)
    return case_out(access_.case)
