"""What the source, claim, intervention and alert routes share: the case door for
records named by their own id, and the web's forms as the API's validation (so
the API refuses what the web refuses, with the same messages)."""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum
from typing import Any, TypeVar, cast
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Choices, Model, QuerySet
from django.http import Http404, HttpRequest
from ninja import Schema

from habeas.api.auth import require_write, user_of
from habeas.cases.access import CaseAccess, Need, access_to, case_access, deny

M = TypeVar("M", bound=Model)


def case_to_read(request: HttpRequest, case_id: UUID) -> CaseAccess:
    """The case for any member of its team; the audited 404 for anyone else."""
    return case_access(user=user_of(request), public_id=case_id, need=Need.READ)


def case_to_change(request: HttpRequest, case_id: UUID) -> CaseAccess:
    """The case for a member who may change it (lead or member, not read-only), with a
    token that may write. The case door comes first: to anyone off the team a write
    answers the same 404 as a read, whatever the token's scope."""
    access = case_access(user=user_of(request), public_id=case_id, need=Need.EDIT)
    require_write(request)
    return access


def record_of_case(
    request: HttpRequest, rows: QuerySet[M], public_id: UUID, *, need: Need = Need.READ
) -> tuple[M, CaseAccess]:
    """A record of some case (a source, a claim, an intervention) named by its own id,
    and the caller's access to that case: the 404 of a missing record, audited when
    it exists, unless `need` allows them (as `habeas.alerts.selectors.alert_access`
    does for alerts). A change also needs a token that may write."""
    user = user_of(request)
    record = rows.select_related("case").filter(public_id=public_id).first()
    access = access_to(user=user, case=record.case) if record is not None else None  # type: ignore[attr-defined]
    if record is None or access is None or not access.allows(need):
        raise deny(user=user, model=rows.model, public_id=public_id)
    if need is Need.EDIT:
        require_write(request)
    return record, access


def validated(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned data, or its errors as a service's ValidationError (400)."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


def current_values(form: forms.BaseForm) -> dict[str, Any]:
    """What an unbound edit form shows: the record's values as form data."""
    return {name: form[name].value() for name in form.fields}


def as_form_data(values: dict[str, Any]) -> dict[str, Any]:
    """Request values as form data: ids and choices as text, nothing for what was
    left out."""
    return {
        k: (str(v) if isinstance(v, UUID | Enum) and not isinstance(v, int) else v)
        for k, v in values.items()
        if v is not None
    }


class RecordRef(Schema):
    """Another record, by its public id and the words the web shows for it."""

    id: UUID
    label: str


def api_enum(name: str, choices: type[Choices]) -> type[Enum]:
    """A model's choices under a name of their own in the OpenAPI schema. Pydantic
    names an enum's schema after its class, and many are called `Kind` or `Status`
    (a source's, an intervention's, a case's): one would overwrite the other."""
    members = {member.name: member.value for member in choices}
    # (The functional API makes a class; mypy reads the call as an instance.)
    made = IntEnum(name, members) if issubclass(choices, int) else StrEnum(name, members)
    return cast("type[Enum]", made)


def door_of_path(request: HttpRequest) -> None:
    """The read door of each record a route's path names, for a request whose query
    or body does not fit the schema (django-ninja checks them before the view runs):
    an outsider gets the audited 404 whatever the body, never a 400 that would tell
    them the record exists. A member who may read it gets the 400."""
    # Imported here: every kind of record's door, which the other helpers do not need.
    from habeas.advocacy.models import Intervention
    from habeas.alerts.selectors import alert_access
    from habeas.cases.selectors import person_get_for_user
    from habeas.sources.models import Claim, Source

    match = getattr(request, "resolver_match", None)
    user = user_of(request)
    for name, value in (match.kwargs if match is not None else {}).items():
        try:
            public_id = UUID(str(value))
        except ValueError:
            raise Http404 from None  # no record has that id
        if name == "case_id":
            case_to_read(request, public_id)
        elif name == "person_id":
            person_get_for_user(user=user, public_id=public_id)
        elif name == "alert_id":
            alert_access(user=user, public_id=public_id)
        elif name == "source_id":
            record_of_case(request, Source.objects.all(), public_id)
        elif name == "claim_id":
            record_of_case(request, Claim.objects.all(), public_id)
        elif name == "intervention_id":
            record_of_case(request, Intervention.objects.all(), public_id)
