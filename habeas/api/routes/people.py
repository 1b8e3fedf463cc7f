"""People and the spellings of their names over the API: the same selectors and
services as the person pages. A person is visible through any case of theirs the
token's user may see; changed by those who may change one of their cases."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as Reply

from habeas.cases import selectors, services
from habeas.cases.models import Case, Person, PersonName

from ..auth import require_write, user_of
from ..pagination import DEFAULT_SIZE, MAX_SIZE, Keyset, page_of
from ..schemas import PARTIAL_DATE_HELP, In, PageQuery, QueryIn, edtf, partial_dates, responses
from ..selectors import people_listed_for
from ._shared import api_enum

router = Router(tags=["people"])

if TYPE_CHECKING:
    NameScript = PersonName.Script
    NameKind = PersonName.Kind
    PersonSex = Person.Sex
else:
    NameScript = api_enum("NameScript", PersonName.Script)
    NameKind = api_enum("NameKind", PersonName.Kind)
    PersonSex = api_enum("PersonSex", Person.Sex)

PEOPLE_ORDER = Keyset(("display_name", "id"))
NAME_ORDER = Keyset(("id",))


class NameOut(Schema):
    id: UUID
    text: str
    script: NameScript
    language: str
    kind: NameKind
    seen_in: str
    is_primary: bool


class CaseRef(Schema):
    id: UUID
    reference: str


class PersonOut(Schema):
    id: UUID
    name: str = Field(description="The primary spelling.")
    sex: PersonSex
    birth_date: str | None = Field(description=PARTIAL_DATE_HELP)
    nationality: str = Field(description="ISO 3166-1 alpha-2, or empty.")
    occupation: str
    affiliation: str
    description: str
    names: list[NameOut]
    cases: list[CaseRef] = Field(description="Their cases the token's user may see.")
    created_at: datetime
    updated_at: datetime


class PersonPage(Schema):
    items: list[PersonOut]
    next: str | None = Field(description="The cursor of the next page; null on the last.")
    more: bool = Field(
        False, description="A name search matched more people than shown: narrow it."
    )


def name_out(name: PersonName) -> dict[str, Any]:
    return {
        "id": name.public_id,
        "text": name.text,
        "script": name.script,
        "language": name.language,
        "kind": name.kind,
        "seen_in": name.seen_in,
        "is_primary": name.is_primary,
    }


def person_out(
    person: Person, *, cases: Iterable[Case], names: Iterable[PersonName] | None = None
) -> dict[str, Any]:
    """A person as the person page shows them to the team (relatives and their
    contacts are not here: they have their own rules). `names`: as prefetched into a
    list, if they were (their names otherwise)."""
    return {
        "id": person.public_id,
        "name": person.display_name,
        "sex": person.sex,
        "birth_date": edtf(person.birth_date),
        "nationality": str(person.nationality.code or ""),
        "occupation": person.occupation,
        "affiliation": person.affiliation,
        "description": person.description,
        "names": [name_out(n) for n in (person.names.all() if names is None else names)],
        "cases": [{"id": c.public_id, "reference": c.reference} for c in cases],
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }


class PeopleQuery(QueryIn):
    q: str | None = Field(
        None,
        max_length=200,
        description="A name search across scripts and spellings ('Isakov' finds 'Исаков'); "
        "the best `limit` matches, ranked, on one page.",
    )
    cursor: str | None = Field(None, max_length=600)
    limit: int = Field(DEFAULT_SIZE, ge=1, le=MAX_SIZE)


@router.get("/", response=responses({200: PersonPage}, finds=False), summary="List people")
def person_list(request: HttpRequest, filters: Query[PeopleQuery]) -> dict[str, Any]:
    """The people of the token's user's cases, by name; or a name search (`q`)."""
    user = user_of(request)
    if filters.q and filters.q.strip():
        found = selectors.person_search_for_user(user=user, query=filters.q, limit=filters.limit)
        # name_list, case_list, visible_cases: the selectors' Prefetch(to_attr=...).
        items = [
            person_out(p, cases=p.case_list, names=p.name_list)  # type: ignore[attr-defined]
            for p in found.people
        ]
        return {"items": items, "next": None, "more": found.more}
    page = page_of(
        people_listed_for(user), keyset=PEOPLE_ORDER, cursor=filters.cursor, size=filters.limit
    )
    items = [
        person_out(p, cases=p.visible_cases, names=p.name_list)  # type: ignore[attr-defined]
        for p in page.items
    ]
    return {"items": items, "next": page.next}


@router.get("/{person_id}/", response=responses({200: PersonOut}), summary="Read a person")
def person_read(request: HttpRequest, person_id: UUID) -> dict[str, Any]:
    user = user_of(request)
    person = selectors.person_get_for_user(user=user, public_id=person_id)
    return person_out(person, cases=selectors.person_cases_for_user(user=user, person=person))


class PersonIn(In):
    """What the person's edit page changes; only the fields sent change."""

    sex: PersonSex | None = None
    birth_date: str | None = Field(None, max_length=100, description=PARTIAL_DATE_HELP)
    nationality: str | None = Field(None, max_length=2, description="ISO 3166-1 alpha-2.")
    occupation: str | None = Field(None, max_length=200)
    affiliation: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=10000)


@router.patch(
    "/{person_id}/", response=responses({200: PersonOut}, writes=True), summary="Change a person"
)
def person_update(request: HttpRequest, person_id: UUID, payload: PersonIn) -> dict[str, Any]:
    user = user_of(request)
    person = selectors.person_get_for_edit(user=user, public_id=person_id)
    require_write(request)  # after the door: an outsider gets its audited 404
    sent = payload.model_dump(exclude_unset=True)
    fields: dict[str, Any] = {k: (v or "") for k, v in sent.items() if k != "birth_date"}
    if "nationality" in fields:
        fields["nationality"] = fields["nationality"].upper()
    if "birth_date" in sent:
        fields.update(partial_dates(birth_date=sent["birth_date"] or ""))
    services.person_update(person=person, by=user, **fields)
    person = selectors.person_get_for_user(user=user, public_id=person_id)
    return person_out(person, cases=selectors.person_cases_for_user(user=user, person=person))


# --- Spellings of a name -----------------------------------------------------------


class NamePage(Schema):
    items: list[NameOut]
    next: str | None


@router.get(
    "/{person_id}/names/", response=responses({200: NamePage}), summary="List a person's names"
)
def name_list(request: HttpRequest, person_id: UUID, page: Query[PageQuery]) -> dict[str, Any]:
    person = selectors.person_get_for_user(user=user_of(request), public_id=person_id)
    found = page_of(person.names.all(), keyset=NAME_ORDER, cursor=page.cursor, size=page.limit)
    return {"items": [name_out(n) for n in found.items], "next": found.next}


class NameIn(In):
    text: str = Field(max_length=300)
    script: NameScript | None = Field(None, description="Empty: detected from the text.")
    language: str = Field("", max_length=16, description="e.g. ru, tk, en, de")
    kind: NameKind = NameKind.REPORTED
    seen_in: str = Field("", max_length=300)
    is_primary: bool = False


class NameChangeIn(In):
    text: str | None = Field(None, max_length=300)
    script: NameScript | None = None
    language: str | None = Field(None, max_length=16)
    kind: NameKind | None = None
    seen_in: str | None = Field(None, max_length=300)
    is_primary: bool | None = None


@router.post(
    "/{person_id}/names/",
    response=responses({201: NameOut}, writes=True),
    summary="Add a spelling of a person's name",
)
def name_add(request: HttpRequest, person_id: UUID, payload: NameIn) -> Reply[dict[str, Any]]:
    user = user_of(request)
    person = selectors.person_get_for_edit(user=user, public_id=person_id)
    require_write(request)  # after the door: an outsider gets its audited 404
    data = payload.model_dump()
    data["script"] = data["script"] or ""
    name = services.person_name_add(person=person, by=user, **data)
    return Reply(201, name_out(name))


@router.patch(
    "/{person_id}/names/{name_id}/",
    response=responses({200: NameOut}, writes=True),
    summary="Correct a spelling",
)
def name_update(
    request: HttpRequest, person_id: UUID, name_id: UUID, payload: NameChangeIn
) -> dict[str, Any]:
    """Only the fields sent change; the others keep their values."""
    user = user_of(request)
    person = selectors.person_get_for_edit(user=user, public_id=person_id)
    require_write(request)  # after the door: an outsider gets its audited 404
    name = selectors.person_name_get(person=person, name_id=name_id)
    data: dict[str, Any] = {
        "text": name.text,
        "script": name.script,
        "language": name.language,
        "kind": name.kind,
        "seen_in": name.seen_in,
        "is_primary": name.is_primary,
    }
    data.update({k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None})
    services.person_name_update(name=name, by=user, **data)
    return name_out(name)


@router.delete(
    "/{person_id}/names/{name_id}/",
    response=responses({204: None}, writes=True),
    summary="Remove a spelling entered by mistake",
)
def name_remove(request: HttpRequest, person_id: UUID, name_id: UUID) -> Reply[None]:
    """Never the primary one: make another spelling primary first."""
    user = user_of(request)
    person = selectors.person_get_for_edit(user=user, public_id=person_id)
    require_write(request)  # after the door: an outsider gets its audited 404
    name = selectors.person_name_get(person=person, name_id=name_id)
    services.person_name_remove(name=name, by=user)
    return Reply(204, None)
