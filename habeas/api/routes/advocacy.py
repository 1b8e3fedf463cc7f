"""Interventions (what was sent to whom, and what came back), over the same forms,
selectors and services as the web pages (habeas/advocacy/views.py).

An intervention changes by steps, as on its page: ready to send, sent (or sent
before the case was in Habeas), a response, closed, or an urgent-procedure draft
turned standard. Each step is its own route and its own service, whose refusals
(the urgent procedure outside its three-month window, an incomplete document, a
date in the future) come back as a 400 with the web's message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as Reply

from habeas.accounts.models import User
from habeas.advocacy import selectors, services
from habeas.advocacy.forms import (
    InterventionCloseForm,
    InterventionForm,
    MarkReadyForm,
    MarkSentForm,
    ResponseForm,
    SentElsewhereForm,
)
from habeas.advocacy.models import Intervention, Language, Response
from habeas.cases.access import Need, cases_visible_to

from ..auth import user_of
from ..pagination import DEFAULT_SIZE, MAX_SIZE, Keyset, page_of
from ..schemas import In, responses
from ._shared import RecordRef, api_enum, as_form_data, case_to_change, case_to_read, validated
from ._shared import record_of_case as _record

router = Router(tags=["interventions"])

if TYPE_CHECKING:
    InterventionKind = Intervention.Kind
    InterventionStatus = Intervention.Status
    InterventionChannel = Intervention.Channel
    DocumentLanguage = Language
    ResponseType = Response.Type
else:
    InterventionKind = api_enum("InterventionKind", Intervention.Kind)
    InterventionStatus = api_enum("InterventionStatus", Intervention.Status)
    InterventionChannel = api_enum("InterventionChannel", Intervention.Channel)
    DocumentLanguage = api_enum("DocumentLanguage", Language)
    ResponseType = api_enum("ResponseType", Response.Type)

ORDER = Keyset(("created_at", "public_id"))


class ResponseOut(Schema):
    id: UUID
    received_on: date
    type: ResponseType
    content: str
    deadline: date | None = Field(description="The deadline the reply starts, if any.")


class InterventionOut(Schema):
    id: UUID
    case: UUID
    kind: InterventionKind
    status: InterventionStatus
    addressee: RecordRef | None
    language: DocumentLanguage
    channel: InterventionChannel | None
    reference: str
    sent_on: date | None
    sent_outside: bool = Field(description="Sent before the case was in Habeas.")
    checked_on: date | None = Field(description="When its document was checked as ready.")
    document: str = Field(description="The document as sent; empty until then.")
    notes: str
    closed_on: date | None
    closed_reason: str
    responses: list[ResponseOut]
    created_at: datetime
    updated_at: datetime


class InterventionPage(Schema):
    items: list[InterventionOut]
    next: str | None = Field(description="The cursor of the next page; null on the last.")


class InterventionFilters(Schema):
    case: UUID | None = None
    kind: InterventionKind | None = None
    status: InterventionStatus | None = None
    cursor: str | None = Field(None, max_length=600)
    limit: int = Field(DEFAULT_SIZE, ge=1, le=MAX_SIZE)


class InterventionNew(In):
    case: UUID
    kind: InterventionKind = Field(
        description="The Working Group's urgent procedure only while its three-month "
        "window is open; a prompt intervention only with reprisals recorded; a CED "
        "urgent action only for a State party. Refused otherwise, saying why."
    )
    addressee: UUID | None = Field(None, description="An entry of the addressee directory.")
    language: DocumentLanguage = DocumentLanguage("en")
    channel: InterventionChannel | None = None
    reference: str = Field("", max_length=100)
    notes: str = Field("", max_length=5000)


class ReadyIn(In):
    checked: bool = Field(
        description="The page's declaration: the document was read through and checked "
        "against the record. Must be true."
    )
    channel: InterventionChannel | None = None


class SentIn(In):
    sent_on: date = Field(examples=["2022-02-01"])
    channel: InterventionChannel


class SentElsewhereIn(In):
    sent_on: date = Field(examples=["2022-02-01"])
    channel: InterventionChannel
    reference: str = Field("", max_length=100)
    note: str = Field("", max_length=2000)
    procedure: InterventionKind | None = Field(
        None, description="For a submission to the Working Group: the procedure it went under."
    )


class CloseIn(In):
    reason: str = Field(max_length=500)


class ResponseIn(In):
    received_on: date = Field(examples=["2022-03-01"])
    type: ResponseType
    content: str = Field("", max_length=50000)
    deadline: date | None = None


def _out(intervention: Intervention) -> dict[str, Any]:
    addressee = intervention.addressee
    return {
        "id": intervention.public_id,
        "case": intervention.case.public_id,
        "kind": intervention.kind,
        "status": intervention.status,
        "addressee": {"id": addressee.public_id, "label": str(addressee)} if addressee else None,
        "language": intervention.language,
        "channel": intervention.channel or None,
        "reference": intervention.reference,
        "sent_on": intervention.sent_on,
        "sent_outside": intervention.sent_outside,
        "checked_on": intervention.checked_on,
        "document": intervention.document,
        "notes": intervention.notes,
        "closed_on": intervention.closed_on,
        "closed_reason": intervention.closed_reason,
        "responses": [
            {
                "id": r.public_id,
                "received_on": r.received_on,
                "type": r.type,
                "content": r.content,
                "deadline": r.deadline,
            }
            for r in intervention.responses.all()
        ],
        "created_at": intervention.created_at,
        "updated_at": intervention.updated_at,
    }


def _interventions() -> QuerySet[Intervention]:
    return Intervention.objects.select_related("addressee").prefetch_related("responses")


def _reread(intervention: Intervention) -> dict[str, Any]:
    return _out(_interventions().select_related("case").get(pk=intervention.pk))


@router.get("/", response=responses({200: InterventionPage}), summary="List interventions")
def intervention_list(request: HttpRequest, filters: Query[InterventionFilters]) -> dict[str, Any]:
    """The interventions of the token's user's cases (or of one case)."""
    if filters.case is not None:
        case = case_to_read(request, filters.case).case
        rows = selectors.interventions_for_case(case=case)
    else:
        rows = _interventions().filter(case__in=cases_visible_to(user_of(request)))
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    page = page_of(
        rows.select_related("case"), keyset=ORDER, cursor=filters.cursor, size=filters.limit
    )
    return {"items": [_out(i) for i in page.items], "next": page.next}


@router.get(
    "/{intervention_id}/",
    response=responses({200: InterventionOut}),
    summary="Read an intervention",
)
def intervention_read(request: HttpRequest, intervention_id: UUID) -> dict[str, Any]:
    intervention, _access = _record(request, _interventions(), intervention_id)
    return _out(intervention)


@router.post(
    "/",
    response=responses({201: InterventionOut}, writes=True),
    summary="Record a draft intervention",
)
def intervention_add(request: HttpRequest, payload: InterventionNew) -> Reply[dict[str, Any]]:
    """A draft intervention, as the "New intervention" page records one. Its kind is
    the service's to refuse, with the page's reason: the urgent procedure once its
    window has closed names the day it closed."""
    access = case_to_change(request, payload.case)
    form = InterventionForm(as_form_data(payload.model_dump(exclude={"case"})), case=access.case)
    # Every kind passes the form: the service refuses those the facts do not call
    # for, and says why (the form would only say "not one of the choices").
    cast(forms.ChoiceField, form.fields["kind"]).choices = Intervention.Kind.choices
    cast(forms.ModelChoiceField, form.fields["addressee"]).to_field_name = "public_id"
    intervention = services.intervention_add(
        case=access.case, by=user_of(request), **validated(form)
    )
    return Reply(201, _reread(intervention))


def _step(
    request: HttpRequest,
    intervention_id: UUID,
    write: Callable[[Intervention, User, dict[str, Any]], object],
    *,
    form: Callable[[dict[str, Any], Intervention], forms.BaseForm] | None = None,
    payload: Schema | None = None,
) -> dict[str, Any]:
    """One step of an intervention, as each step route takes it: the access door
    first (an outsider gets the audited 404 whatever the body), then the body,
    checked by the web's form for that step, then the step's service (`write`,
    given the intervention, the token's user and the form's values); the
    intervention as it is now."""
    intervention, _access = _record(request, _interventions(), intervention_id, need=Need.EDIT)
    data: dict[str, Any] = {}
    if form is not None and payload is not None:
        data = validated(form(as_form_data(payload.model_dump()), intervention))
    write(intervention, user_of(request), data)
    return _reread(intervention)


@router.post(
    "/{intervention_id}/ready/",
    response=responses({200: InterventionOut}, writes=True),
    summary="Mark a draft ready to send",
)
def intervention_ready(
    request: HttpRequest, intervention_id: UUID, payload: ReadyIn
) -> dict[str, Any]:
    """Refused, with what is missing, while its document fails the completeness check."""
    return _step(
        request,
        intervention_id,
        lambda i, by, data: services.intervention_mark_ready(
            intervention=i, by=by, channel=data["channel"]
        ),
        form=lambda data, _i: MarkReadyForm(data),
        payload=payload,
    )


@router.post(
    "/{intervention_id}/sent/",
    response=responses({200: InterventionOut}, writes=True),
    summary="Record that it was sent",
)
def intervention_sent(
    request: HttpRequest, intervention_id: UUID, payload: SentIn
) -> dict[str, Any]:
    """The document as sent is kept; refused while it is incomplete or changed since
    it was checked."""
    return _step(
        request,
        intervention_id,
        lambda i, by, data: services.intervention_mark_sent(intervention=i, by=by, **data),
        form=lambda data, _i: MarkSentForm(data),
        payload=payload,
    )


@router.post(
    "/{intervention_id}/sent-elsewhere/",
    response=responses({200: InterventionOut}, writes=True),
    summary="Record that it was sent before the case was in Habeas",
)
def intervention_sent_elsewhere(
    request: HttpRequest, intervention_id: UUID, payload: SentElsewhereIn
) -> dict[str, Any]:
    return _step(
        request,
        intervention_id,
        lambda i, by, data: services.intervention_record_sent_elsewhere(
            intervention=i, by=by, **data
        ),
        form=lambda data, i: SentElsewhereForm(data, wgeid=i.is_wgeid),
        payload=payload,
    )


@router.post(
    "/{intervention_id}/standard/",
    response=responses({200: InterventionOut}, writes=True),
    summary="Turn an urgent-procedure draft into a standard one",
)
def intervention_to_standard(request: HttpRequest, intervention_id: UUID) -> dict[str, Any]:
    """For a draft whose urgent window passed before it went out."""
    return _step(
        request,
        intervention_id,
        lambda i, by, _data: services.intervention_to_standard(intervention=i, by=by),
    )


@router.post(
    "/{intervention_id}/close/",
    response=responses({200: InterventionOut}, writes=True),
    summary="Close an intervention",
)
def intervention_close(
    request: HttpRequest, intervention_id: UUID, payload: CloseIn
) -> dict[str, Any]:
    """Nothing more is expected of it: its follow-ups and response deadlines stop."""
    return _step(
        request,
        intervention_id,
        lambda i, by, data: services.intervention_close(intervention=i, by=by, **data),
        form=lambda data, _i: InterventionCloseForm(data),
        payload=payload,
    )


@router.post(
    "/{intervention_id}/responses/",
    response=responses({201: InterventionOut}, writes=True),
    summary="Record a response",
)
def response_add(
    request: HttpRequest, intervention_id: UUID, payload: ResponseIn
) -> Reply[dict[str, Any]]:
    """A detailed reply to the Working Group starts the six-month clock to contest it."""
    return Reply(
        201,
        _step(
            request,
            intervention_id,
            lambda i, by, data: services.response_record(intervention=i, by=by, **data),
            form=lambda data, _i: ResponseForm(data),
            payload=payload,
        ),
    )
