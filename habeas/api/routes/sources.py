"""Sources and the claims they make, over the same forms, selectors and services as
the web pages (habeas/sources/views.py).

Who a source is (identity, contact, confidential notes) leaves only for a member
holding the source grant on the source's case, and every response that carries it
is recorded (`source_identity_viewed`), as the source page records it. Everyone
else on the team reads the code name and the grading, and may not set the identity
either: those fields are refused by name, where the web form does not offer them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as Reply

from habeas.accounts.models import User
from habeas.cases.access import CaseAccess, Need, cases_visible_to, source_grant_case_ids
from habeas.core.encryption import EncryptedTextField
from habeas.sources import selectors, services
from habeas.sources.forms import RELAY_FIELDS, ClaimForm, SourceForm
from habeas.sources.models import Claim, Credibility, Reliability, Source

from ..auth import user_of
from ..pagination import DEFAULT_SIZE, MAX_SIZE, Keyset, page_of
from ..schemas import PARTIAL_DATE_HELP, In, edtf, responses
from ._shared import (
    RecordRef,
    api_enum,
    as_form_data,
    case_to_change,
    case_to_read,
    current_values,
    validated,
)
from ._shared import record_of_case as _record

router = Router(tags=["sources"])
claims_router = Router(tags=["claims"])

if TYPE_CHECKING:
    SourceKind = Source.Kind
    SourceReliability = Reliability
    ClaimTopic = Claim.Topic
    ClaimMaterial = Claim.Material
    ClaimCredibility = Credibility
    ClaimAttribution = Claim.Attribution
else:
    SourceKind = api_enum("SourceKind", Source.Kind)
    SourceReliability = api_enum("SourceReliability", Reliability)
    ClaimTopic = api_enum("ClaimTopic", Claim.Topic)
    ClaimMaterial = api_enum("ClaimMaterial", Claim.Material)
    ClaimCredibility = api_enum("ClaimCredibility", Credibility)
    ClaimAttribution = api_enum("ClaimAttribution", Claim.Attribution)

SOURCE_ORDER = Keyset(("created_at", "public_id"))
CLAIM_ORDER = Keyset(("received_from", "created_at", "public_id"))
# Who a source is: its sealed fields (identity, contact, notes), a field added later
# included. They go out, and may be set, only with the source grant.
CONFIDENTIAL_SOURCE_FIELDS = tuple(
    field.name for field in Source._meta.get_fields() if isinstance(field, EncryptedTextField)
)
VIA = "api"  # where an identity was seen, in the audit log

GRANT_ONLY = "Null unless the token's user may see who the case's sources are (the source grant)."


# --- Sources ---------------------------------------------------------------------


class SourceOut(Schema):
    id: UUID
    case: UUID
    code_name: str
    kind: SourceKind
    reliability: SourceReliability
    reliability_rationale: str
    consent_information_public: bool
    consent_named_publicly: bool
    public_name: str
    consent_to_un: bool
    consent_to_government: bool
    identity: str | None = Field(description=GRANT_ONLY)
    contact: str | None = Field(description=GRANT_ONLY)
    notes: str | None = Field(description=GRANT_ONLY)
    created_at: datetime
    updated_at: datetime


class SourcePage(Schema):
    items: list[SourceOut]
    next: str | None = Field(description="The cursor of the next page; null on the last.")


class SourceFilters(Schema):
    case: UUID | None = None
    kind: SourceKind | None = None
    cursor: str | None = Field(None, max_length=600)
    limit: int = Field(DEFAULT_SIZE, ge=1, le=MAX_SIZE)


class SourceChange(In):
    code_name: str | None = Field(None, max_length=60)
    kind: SourceKind | None = None
    reliability: SourceReliability | None = None
    reliability_rationale: str | None = Field(None, max_length=2000)
    consent_information_public: bool | None = None
    consent_named_publicly: bool | None = None
    public_name: str | None = Field(None, max_length=200)
    consent_to_un: bool | None = None
    consent_to_government: bool | None = None
    identity: str | None = Field(None, max_length=2000, description="With the source grant only.")
    contact: str | None = Field(None, max_length=2000, description="With the source grant only.")
    notes: str | None = Field(None, max_length=5000, description="With the source grant only.")


class SourceNew(SourceChange):
    case: UUID
    code_name: str = Field(max_length=60)
    kind: SourceKind


def _source_out(source: Source, *, reveal: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": source.public_id,
        "case": source.case.public_id,
        "code_name": source.code_name,
        "kind": source.kind,
        "reliability": source.reliability,
        "reliability_rationale": source.reliability_rationale,
        "consent_information_public": source.consent_information_public,
        "consent_named_publicly": source.consent_named_publicly,
        "public_name": source.public_name,
        "consent_to_un": source.consent_to_un,
        "consent_to_government": source.consent_to_government,
        "created_at": source.created_at,
        "updated_at": source.updated_at,
    }
    for name in CONFIDENTIAL_SOURCE_FIELDS:
        # Read, and so decrypted, only when it goes out.
        out[name] = getattr(source, name) if reveal else None
    return out


def _shown(user: User, sources: list[Source], granted: frozenset[int]) -> list[dict[str, Any]]:
    """Each source as the API shows it to `user`, who holds the grant on the cases
    `granted`: who it is only there, and recorded by one entry for each case of the
    list, naming the sources shown."""
    out, revealed = [], []
    for source in sources:
        reveal = source.case_id in granted
        if reveal:
            revealed.append(source)
        out.append(_source_out(source, reveal=reveal))
    if revealed:
        services.source_identities_listed(sources=revealed, by=user, via=VIA)
    return out


def _one(user: User, source: Source, access: CaseAccess) -> dict[str, Any]:
    granted = frozenset([source.case_id]) if access.may_see_sources else frozenset()
    reveal = source.case_id in granted
    if reveal:  # one source: its own entry, as on its page
        services.source_identity_viewed(source=source, by=user, via=VIA)
    return _source_out(source, reveal=reveal)


def _source_form(access: CaseAccess, *, data: dict[str, Any] | None, source=None) -> SourceForm:
    form = SourceForm(data, instance=source, case=access.case)
    if not access.may_see_sources:
        for name in CONFIDENTIAL_SOURCE_FIELDS:
            del form.fields[name]
    return form


def _check_grant_fields(access: CaseAccess, given: dict[str, Any]) -> None:
    if access.may_see_sources:
        return
    refused = sorted(set(given) & set(CONFIDENTIAL_SOURCE_FIELDS))
    if refused:
        message = _("Only a member who may see who sources are can set this.")
        raise ValidationError(dict.fromkeys(refused, message))


@router.get("/", response=responses({200: SourcePage}), summary="List sources")
def source_list(request: HttpRequest, filters: Query[SourceFilters]) -> dict[str, Any]:
    """The sources of the token's user's cases (or of one case), by code name only,
    unless the user holds the source grant on a source's case: then who it is too,
    and each such sight is recorded in the audit log."""
    user = user_of(request)
    if filters.case is not None:
        rows = Source.objects.filter(case=case_to_read(request, filters.case).case)
    else:
        rows = Source.objects.filter(case__in=cases_visible_to(user))
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    rows = rows.select_related("case")
    page = page_of(rows, keyset=SOURCE_ORDER, cursor=filters.cursor, size=filters.limit)
    granted = source_grant_case_ids(user=user) if page.items else frozenset()
    return {"items": _shown(user, page.items, granted), "next": page.next}


@router.get("/{source_id}/", response=responses({200: SourceOut}), summary="Read a source")
def source_read(request: HttpRequest, source_id: UUID) -> dict[str, Any]:
    source, access = _record(request, Source.objects.all(), source_id)
    return _one(user_of(request), source, access)


@router.post(
    "/", response=responses({201: SourceOut}, writes=True), summary="Add a source to a case"
)
def source_add(request: HttpRequest, payload: SourceNew) -> Reply[dict[str, Any]]:
    """Add a source, as the "Add a source" page does: the same form's checks (a code
    name once per case, a grade with its reason), the same service. Identity,
    contact and notes only with the source grant."""
    access = case_to_change(request, payload.case)
    given = {k: v for k, v in payload.model_dump(exclude={"case"}).items() if v is not None}
    _check_grant_fields(access, given)
    form = _source_form(access, data={"reliability": Reliability.F, **given})
    source = services.source_add(case=access.case, by=user_of(request), **validated(form))
    return Reply(201, _one(user_of(request), source, access))


@router.patch(
    "/{source_id}/", response=responses({200: SourceOut}, writes=True), summary="Change a source"
)
def source_change(request: HttpRequest, source_id: UUID, payload: SourceChange) -> dict[str, Any]:
    """Change the fields sent (null or absent: left as they are), as the source's
    edit page would."""
    source, access = _record(request, Source.objects.all(), source_id, need=Need.EDIT)
    given = {k: v for k, v in payload.model_dump().items() if v is not None}
    _check_grant_fields(access, given)
    data = {**current_values(_source_form(access, data=None, source=source)), **given}
    cleaned = validated(_source_form(access, data=data, source=source))
    # Only what was sent: the audit entry names the fields this request changed.
    source = services.source_update(
        source=source, by=user_of(request), **{k: cleaned[k] for k in given}
    )
    return _one(user_of(request), source, access)


# --- Claims ----------------------------------------------------------------------


class ClaimOut(Schema):
    id: UUID
    case: UUID
    source: RecordRef = Field(description="The source that says it, by code name.")
    via: list[RecordRef] = Field(
        description="The sources it came through, from the nearest the source to the "
        "organisation; empty when it came directly."
    )
    topic: ClaimTopic
    event: UUID | None = Field(description="The event it is about, if any.")
    statement: str
    outside_wording: str
    dated_on: str | None = Field(
        description="When the source learned or said it. " + PARTIAL_DATE_HELP
    )
    received_on: str = Field(description="When the organisation received it. " + PARTIAL_DATE_HELP)
    material: ClaimMaterial
    language: str
    credibility: ClaimCredibility
    credibility_rationale: str
    grade: str = Field(description='The Admiralty grade, e.g. "B2".')
    attribution: ClaimAttribution
    created_at: datetime
    updated_at: datetime


class ClaimPage(Schema):
    items: list[ClaimOut]
    next: str | None = Field(description="The cursor of the next page; null on the last.")


class ClaimFilters(Schema):
    case: UUID | None = None
    source: UUID | None = None
    topic: ClaimTopic | None = None
    cursor: str | None = Field(None, max_length=600)
    limit: int = Field(DEFAULT_SIZE, ge=1, le=MAX_SIZE)


class ClaimChange(In):
    source: UUID | None = None
    via: list[UUID] | None = Field(
        None, max_length=len(RELAY_FIELDS), description="Replaces the chain; [] for directly."
    )
    topic: ClaimTopic | None = None
    event: UUID | None = Field(None, description="null: about no event.")
    statement: str | None = Field(None, max_length=20000)
    outside_wording: str | None = Field(None, max_length=20000)
    dated_on: str | None = Field(
        None, max_length=80, description=PARTIAL_DATE_HELP, examples=["2021-11-20", "Oct 2021"]
    )
    received_on: str | None = Field(
        None, max_length=80, description=PARTIAL_DATE_HELP, examples=["2021-12", "2022-01-05"]
    )
    material: ClaimMaterial | None = None
    language: str | None = Field(None, max_length=16)
    credibility: ClaimCredibility | None = None
    credibility_rationale: str | None = Field(None, max_length=2000)
    attribution: ClaimAttribution | None = None


class ClaimNew(ClaimChange):
    case: UUID
    source: UUID
    topic: ClaimTopic
    statement: str = Field(max_length=20000)
    received_on: str = Field(
        max_length=80, description=PARTIAL_DATE_HELP, examples=["2021-12", "2022-01-05"]
    )
    material: ClaimMaterial
    credibility: ClaimCredibility = ClaimCredibility(6)


def _ref(source: Source) -> dict[str, Any]:
    return {"id": source.public_id, "label": source.code_name}


def _claim_out(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.public_id,
        "case": claim.case.public_id,
        "source": _ref(claim.source),
        "via": [_ref(relay.source) for relay in claim.relays.all()],
        "topic": claim.topic,
        "event": claim.event.public_id if claim.event else None,
        "statement": claim.statement,
        "outside_wording": claim.outside_wording,
        "dated_on": edtf(claim.dated_on),
        "received_on": edtf(claim.received_on),
        "material": claim.material,
        "language": claim.language,
        "credibility": claim.credibility,
        "credibility_rationale": claim.credibility_rationale,
        "grade": claim.grade,
        "attribution": claim.attribution,
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
    }


def _claims() -> QuerySet[Claim]:
    return selectors.with_chain(Claim.objects.select_related("case", "event"))


def _claim_data(given: dict[str, Any], form: ClaimForm) -> dict[str, Any]:
    """The API's fields as the claim form's data: ids as text, the chain as its
    pickers (via_1 nearest the source)."""
    data = as_form_data({k: v for k, v in given.items() if k != "via"})
    if "event" in given and given["event"] is None:
        data["event"] = ""
    if given.get("via") is not None:
        pickers = [name for name in RELAY_FIELDS if name in form.fields]
        chain = [str(v) for v in given["via"]]
        if len(chain) > len(pickers):
            raise ValidationError({"via": _("Choose the sources it came through from this case.")})
        data.update(dict.fromkeys(pickers, ""))
        data.update(zip(pickers, chain, strict=False))
    return data


def _reread(claim: Claim) -> dict[str, Any]:
    return _claim_out(_claims().get(pk=claim.pk))


@claims_router.get("/", response=responses({200: ClaimPage}), summary="List claims")
def claim_list(request: HttpRequest, filters: Query[ClaimFilters]) -> dict[str, Any]:
    """What the sources of the token's user's cases (or of one case) said, each with
    its two dates and the chain it came through, by date received."""
    if filters.case is not None:
        rows = _claims().filter(case=case_to_read(request, filters.case).case)
    else:
        rows = _claims().filter(case__in=cases_visible_to(user_of(request)))
    if filters.source is not None:
        rows = rows.filter(source__public_id=filters.source)
    if filters.topic is not None:
        rows = rows.filter(topic=filters.topic)
    page = page_of(rows, keyset=CLAIM_ORDER, cursor=filters.cursor, size=filters.limit)
    return {"items": [_claim_out(c) for c in page.items], "next": page.next}


@claims_router.get("/{claim_id}/", response=responses({200: ClaimOut}), summary="Read a claim")
def claim_read(request: HttpRequest, claim_id: UUID) -> dict[str, Any]:
    claim, _access = _record(request, _claims(), claim_id)
    return _claim_out(claim)


@claims_router.post(
    "/", response=responses({201: ClaimOut}, writes=True), summary="Add a claim to a case"
)
def claim_add(request: HttpRequest, payload: ClaimNew) -> Reply[dict[str, Any]]:
    """Record what a source said, as the "Add a claim" page does: its source, event
    and chain from the same case only, its two dates checked against each other and
    the event, an official position only from an official source."""
    access = case_to_change(request, payload.case)
    given = {k: v for k, v in payload.model_dump(exclude={"case"}).items() if v is not None}
    blank = ClaimForm(None, case=access.case)
    form = ClaimForm(_claim_data(given, blank), case=access.case)
    validated(form)
    claim = services.claim_add(case=access.case, by=user_of(request), **form.service_data())
    return Reply(201, _reread(claim))


@claims_router.patch(
    "/{claim_id}/", response=responses({200: ClaimOut}, writes=True), summary="Change a claim"
)
def claim_change(request: HttpRequest, claim_id: UUID, payload: ClaimChange) -> dict[str, Any]:
    """Change the fields sent; absent or null leaves a field as it is, except `event`
    (null: about no event). `via`, when sent, replaces the chain."""
    claim, access = _record(request, _claims(), claim_id, need=Need.EDIT)
    given = payload.model_dump(exclude_unset=True)
    given = {k: v for k, v in given.items() if v is not None or k == "event"}
    blank = ClaimForm(None, instance=claim, case=access.case)
    data = {**as_form_data(current_values(blank)), **_claim_data(given, blank)}
    form = ClaimForm(data, instance=claim, case=access.case)
    validated(form)
    # A change names only what was sent (and the chain only if sent).
    changed = {k: v for k, v in form.service_data().items() if k in given}
    claim = services.claim_update(claim=claim, by=user_of(request), **changed)
    return _reread(claim)
