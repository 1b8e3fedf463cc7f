"""The API's order of refusals on every route: the access door first (an outsider
gets the audited 404, whatever the body and whatever the token's scope), then the
token's scope (a member with a read-only token gets 403), then the body (400).
And the schema itself: each choice list under a name of its own."""

from __future__ import annotations

import re
from enum import Enum
from typing import get_args

import pytest
from pydantic import BaseModel

from habeas.advocacy import services as advocacy
from habeas.api import api as api_module
from habeas.api.routes import advocacy as advocacy_routes
from habeas.api.routes import alerts as alerts_routes
from habeas.api.routes import cases as cases_routes
from habeas.api.routes import events as events_routes
from habeas.api.routes import people as people_routes
from habeas.api.routes import sources as sources_routes
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Event
from habeas.lib.partialdate import PartialDate
from tests.support.alerts import raise_alert
from tests.support.api import call, token_for
from tests.support.api_bodies import API_BODIES

PREFIX = "/api/v1"


@pytest.fixture
def ids(contested_case, alice):
    case = contested_case
    person = case.people.get()
    event = cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10"),
        description="Taken.",
        by=alice,
    )
    found = {
        "case_id": case.public_id,
        "person_id": person.public_id,
        "name_id": person.names.first().public_id,
        "event_id": event.public_id,
        "source_id": case.sources.get(code_name="LARK").public_id,
        "claim_id": case.claims.first().public_id,
        "intervention_id": advocacy.intervention_add(
            case=case, kind="letter_authorities", by=alice
        ).public_id,
        "alert_id": raise_alert(case, occurrence="door").public_id,
    }
    return {name: str(value) for name, value in found.items()}


def _writes_naming_a_record() -> list[tuple[str, str]]:
    paths = api_module.api.get_openapi_schema()["paths"]
    return [
        (method, path.removeprefix(PREFIX))
        for path, operations in paths.items()
        for method in operations
        if method != "get" and "{" in path
    ]


def _filled(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], path)


# Bodies no write accepts: a field no schema has, and a wrong type for a real one.
UNFIT = [{"no_such_field": 1}, {"kind": 12, "occurred_on": ["x"], "text": {}}]


@pytest.mark.parametrize("body", UNFIT)
def test_an_outsider_gets_the_audited_404_whatever_the_body(client, ids, charlie, alice, body):
    writes = _writes_naming_a_record()
    assert len(writes) >= 15, "the schema lost its writes"
    outsider, member = token_for(charlie), token_for(alice)
    for method, path in writes:
        before = AuditEntry.objects.filter(action="access.denied", actor_id=charlie.pk).count()
        answer = call(client, method, _filled(path, ids), token=outsider, body=body)
        assert answer.status_code == 404, (method, path, answer.content)
        assert answer.json() == {"detail": "Not found.", "errors": {}}
        after = AuditEntry.objects.filter(action="access.denied", actor_id=charlie.pk).count()
        assert after > before, (method, path, "the refusal was not audited")
        # The team's lead, same body: past the door, the request's own fault named
        # (a step that takes no body takes none).
        answer = call(client, method, _filled(path, ids), token=member, body=body)
        assert answer.status_code in (200, 204, 400), (method, path, answer.content)


def test_the_door_comes_before_the_scope_on_every_write(client, ids, charlie, bob):
    """An outsider's read-only token: the 404 (audited), not the 403 that would tell
    them the record exists. A member's read-only token: 403, nothing written."""
    outsider, member = token_for(charlie, scope="read"), token_for(bob, scope="read")
    before = AuditEntry.objects.exclude(action="access.denied").count()
    for method, path in _writes_naming_a_record():
        # Once with a body that fits the schema (the view's own order), once with none
        # (the order kept when the body is refused before the view).
        fits = API_BODIES.get((method.upper(), path), lambda ids: {})(ids)
        for body in (fits, {"no_such_field": 1}):
            refused = call(client, method, _filled(path, ids), token=outsider, body=body)
            assert refused.status_code == 404, (method, path, body, refused.content)
            forbidden = call(client, method, _filled(path, ids), token=member, body=body)
            assert forbidden.status_code == 403, (method, path, body, forbidden.content)
    assert AuditEntry.objects.exclude(action="access.denied").count() == before


def _enums(annotation, seen: set) -> set[type[Enum]]:
    found: set[type[Enum]] = set()
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return {annotation}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return found
        seen.add(annotation)
        for field in annotation.model_fields.values():
            found |= _enums(field.annotation, seen)
        return found
    for arg in get_args(annotation):
        found |= _enums(arg, seen)
    return found


def test_every_choice_list_has_a_name_of_its_own_in_the_schema():
    """Pydantic names an enum's schema after its class: two classes called `Kind`
    (an event's, a name's) would make one overwrite the other, and the schema would
    promise a name's kinds for an event."""
    models, seen = set(), set()
    for module in (
        cases_routes,
        events_routes,
        people_routes,
        sources_routes,
        advocacy_routes,
        alerts_routes,
    ):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                models.add(value)
    enums: set[type[Enum]] = set()
    for model in models:
        enums |= _enums(model, seen)
    by_name: dict[str, set[type[Enum]]] = {}
    for enum in enums:
        by_name.setdefault(enum.__name__, set()).add(enum)
    shared = {name: classes for name, classes in by_name.items() if len(classes) > 1}
    assert not shared, shared
    components = api_module.api.get_openapi_schema()["components"]["schemas"]
    for enum in enums:
        assert components[enum.__name__]["enum"] == [m.value for m in enum], enum.__name__
