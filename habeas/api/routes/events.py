"""Events of a case over the API (what happened, when, who acted): the same access
door and services as the event pages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as Reply

from habeas.cases import access, selectors, services
from habeas.cases.models import Actor, Event, EventActor

from ..auth import require_write, user_of
from ..pagination import Keyset, page_of
from ..schemas import PARTIAL_DATE_HELP, In, PageQuery, edtf, partial_dates, responses
from ._shared import api_enum

router = Router(tags=["events"])

if TYPE_CHECKING:
    EventKind = Event.Kind
    EventClearance = Event.Clearance
    ActorRole = EventActor.Role
else:
    EventKind = api_enum("EventKind", Event.Kind)
    EventClearance = api_enum("EventClearance", Event.Clearance)
    ActorRole = api_enum("ActorRole", EventActor.Role)

EVENT_ORDER = Keyset(("occurred_from", "id"))  # the timeline's order


class ActorRoleOut(Schema):
    actor: UUID
    name: str = Field(description="The actor with its State, as every page prints it.")
    role: ActorRole


class EventOut(Schema):
    id: UUID
    kind: EventKind
    occurred_on: str = Field(description=PARTIAL_DATE_HELP)
    place: str
    description: str
    clearance: EventClearance = Field(description="Which outside recipients it may reach.")
    search_step: bool
    actors: list[ActorRoleOut]
    created_at: datetime
    updated_at: datetime


class EventPage(Schema):
    items: list[EventOut]
    next: str | None


def event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.public_id,
        "kind": event.kind,
        "occurred_on": edtf(event.occurred_on),
        "place": event.place,
        "description": event.description,
        "clearance": event.clearance,
        "search_step": event.search_step,
        "actors": [
            {"actor": ea.actor.public_id, "name": str(ea.actor), "role": ea.role}
            for ea in event.event_actors.all()
        ],
        "created_at": event.created_at,
        "updated_at": event.updated_at,
    }


def _events_of(case_id: Any) -> Any:
    # The parent too: an actor is printed with its State, which may be its parent's.
    actors = EventActor.objects.select_related("actor__parent").order_by("id")
    return Event.objects.filter(case_id=case_id).prefetch_related(
        Prefetch("event_actors", queryset=actors)
    )


@router.get("/{case_id}/events/", response=responses({200: EventPage}), summary="List events")
def event_list(request: HttpRequest, case_id: UUID, page: Query[PageQuery]) -> dict[str, Any]:
    """The case's events in the timeline's order (earliest first)."""
    case = access.case_access(user=user_of(request), public_id=case_id).case
    found = page_of(_events_of(case.pk), keyset=EVENT_ORDER, cursor=page.cursor, size=page.limit)
    return {"items": [event_out(e) for e in found.items], "next": found.next}


@router.get(
    "/{case_id}/events/{event_id}/", response=responses({200: EventOut}), summary="Read an event"
)
def event_read(request: HttpRequest, case_id: UUID, event_id: UUID) -> dict[str, Any]:
    case = access.case_access(user=user_of(request), public_id=case_id).case
    selectors.event_get(case=case, public_id=event_id)  # 404 for another case's event
    return event_out(_events_of(case.pk).get(public_id=event_id))


class ActorRoleIn(In):
    actor: UUID = Field(description="An actor's id (the shared list of actors).")
    role: ActorRole


class EventChangeIn(In):
    kind: EventKind | None = None
    occurred_on: str | None = Field(None, max_length=100, description=PARTIAL_DATE_HELP)
    place: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=20000)
    clearance: EventClearance | None = None
    search_step: bool | None = Field(
        None, description="A step taken to find the person; null: as its kind says."
    )
    actors: list[ActorRoleIn] | None = Field(None, max_length=50, description="Replaces them.")


class EventIn(EventChangeIn):
    kind: EventKind
    occurred_on: str = Field(max_length=100, description=PARTIAL_DATE_HELP)
    description: str = Field(max_length=20000)


def _actor_pairs(wanted: list[ActorRoleIn]) -> list[tuple[Actor, str]]:
    """The actors named, each role once (as the event form's rows are read)."""
    known = {
        a.public_id: a
        for a in selectors.actors_all().filter(public_id__in=[w.actor for w in wanted])
    }
    pairs, seen = [], set()
    for item in wanted:
        actor = known.get(item.actor)
        if actor is None:
            raise ValidationError({"actors": _("Choose actors from the list of actors.")})
        if (actor.pk, item.role) not in seen:
            seen.add((actor.pk, item.role))
            pairs.append((actor, str(item.role)))
    return pairs


def _event_fields(payload: EventChangeIn) -> dict[str, Any]:
    sent = payload.model_dump(exclude_unset=True, exclude={"actors"})
    fields = {k: ("" if v is None and k in {"place"} else v) for k, v in sent.items()}
    if "occurred_on" in sent:
        read = partial_dates(occurred_on=sent["occurred_on"] or "")["occurred_on"]
        if read is None:
            raise ValidationError({"occurred_on": _("Say when it happened, even roughly.")})
        fields["occurred_on"] = read
    for required in ("kind", "description", "clearance"):
        if required in fields and fields[required] is None:
            del fields[required]
    return fields


@router.post(
    "/{case_id}/events/",
    response=responses({201: EventOut}, writes=True),
    summary="Record an event",
)
def event_add(request: HttpRequest, case_id: UUID, payload: EventIn) -> Reply[dict[str, Any]]:
    user = user_of(request)
    case = access.case_access(user=user, public_id=case_id, need=access.Need.EDIT).case
    require_write(request)  # after the door: an outsider gets its audited 404
    fields = _event_fields(payload)
    actors = _actor_pairs(payload.actors or [])
    event = services.event_add(case=case, by=user, actors=actors, **fields)
    return Reply(201, event_out(_events_of(case.pk).get(pk=event.pk)))


@router.patch(
    "/{case_id}/events/{event_id}/",
    response=responses({200: EventOut}, writes=True),
    summary="Change an event",
)
def event_update(
    request: HttpRequest, case_id: UUID, event_id: UUID, payload: EventChangeIn
) -> dict[str, Any]:
    """Only the fields sent change; `actors`, when sent, replaces the event's actors."""
    user = user_of(request)
    case = access.case_access(user=user, public_id=case_id, need=access.Need.EDIT).case
    require_write(request)  # after the door: an outsider gets its audited 404
    event = selectors.event_get(case=case, public_id=event_id)
    actors = _actor_pairs(payload.actors) if payload.actors is not None else None
    services.event_update(event=event, by=user, actors=actors, **_event_fields(payload))
    return event_out(_events_of(case.pk).get(pk=event.pk))
