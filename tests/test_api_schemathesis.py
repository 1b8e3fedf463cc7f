"""The served OpenAPI schema against the implementation, with schemathesis.

Every operation of `/api/v1/schema/` is called with requests generated from the
schema itself, over the WSGI application (every middleware included), with:

- a staff token of a seeded case's lead, its path ids pinned to the case's real
  records (so updates and steps reach the services) and then left to chance;
- an outsider's token (a staff user on no team), its path ids pinned to the same
  records.

Each response must be no server error, carry a status the schema declares for the
operation, and fit that status's schema; every request of the outsider to a route
that names a record answers 404, and its lists are empty.

Bounded for CI (2 cores): few examples per operation, derandomized (the same
requests on every run), no shrinking, a deadline per request.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from habeas.advocacy import services as advocacy
from habeas.cases import services as cases
from habeas.cases.models import Event
from habeas.lib.partialdate import PartialDate
from tests.support.alerts import raise_alert
from tests.support.api import token_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation and run: pinned ids (the records' own routes), random ids,
# and the outsider's.
PINNED, RANDOM, OUTSIDER = 12, 4, 4


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=timedelta(seconds=5),
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture
def in_the_test_transaction(settings):
    """Requests served by the real WSGI handler, inside the test's transaction: the
    handler's signal that closes "old" connections would end it (Django's test client
    disconnects it the same way). No rate limit: the run makes hundreds of requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.HABEAS_API_RATE_PER_TOKEN = 0
    settings.HABEAS_API_RATE_PER_ADDRESS = 0
    settings.HABEAS_API_REFUSALS_PER_ADDRESS = 0
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(contested_case, alice):
    """A case with a record behind every kind of id the API's paths take."""
    case = contested_case
    person = case.people.get()
    event = cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10"),
        description="Taken.",
        by=alice,
    )
    intervention = advocacy.intervention_add(case=case, kind="letter_authorities", by=alice)
    ids = {
        "case_id": case.public_id,
        "person_id": person.public_id,
        "name_id": person.names.first().public_id,
        "event_id": event.public_id,
        "source_id": case.sources.get(code_name="LARK").public_id,
        "claim_id": case.claims.first().public_id,
        "intervention_id": intervention.public_id,
        "alert_id": raise_alert(case, occurrence="schemathesis").public_id,
        "status_id": getattr(case.statuses.first(), "public_id", None),
    }
    return {name: str(value) for name, value in ids.items() if value is not None}


@pytest.fixture
def schema(in_the_test_transaction, db):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler())


def _operations(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18, "the schema lost operations"
    return operations


def _path_names(operation) -> list[str]:
    return re.findall(r"{(\w+)}", operation.path)


# Fields of request bodies that name a record, and the seeded record they name when
# pinned: a new claim of the seeded case from its seeded source.
BODY_IDS = {"case": "case_id", "source": "source_id"}


def _run(operation, *, token: str, examples: int, pinned: dict | None, extra=None) -> None:
    names = _path_names(operation)
    path = {n: pinned[n] for n in names} if pinned is not None else None
    strategy = operation.as_strategy(path_parameters=path) if path else operation.as_strategy()

    @_settings(examples)
    @given(case=strategy)
    def check(case):
        if pinned is not None and isinstance(case.body, dict):
            for field, name in BODY_IDS.items():
                if field in case.body:
                    case.body[field] = pinned[name]
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        case.validate_response(response, checks=CHECKS)
        if extra is not None:
            extra(case, response)

    check()


def _each(operations, run) -> None:
    """Run every operation, then fail naming each one that failed and why (one
    operation's failure does not hide another's)."""
    failed = {}
    for operation in operations:
        try:
            run(operation)
        except (Exception, BaseExceptionGroup) as error:  # reported below, with its operation
            failed[operation.label] = f"{type(error).__name__}: {error}"[:3000]
    assert not failed, "\n\n".join(f"{label}\n{why}" for label, why in failed.items())


def test_the_schema_holds_for_a_member_of_the_case(schema, seeded, alice):
    token = token_for(alice)

    def run(operation):
        names = _path_names(operation)
        missing = set(names) - set(seeded)
        assert not missing, f"no seeded record for {missing}"
        _run(operation, token=token, examples=PINNED, pinned=seeded)
        if names:
            _run(operation, token=token, examples=RANDOM, pinned=None)

    _each(_operations(schema), run)


def test_an_outsider_gets_404_for_every_record_and_sees_nothing(schema, seeded, charlie):
    token = token_for(charlie)

    def nothing_of_theirs(case, response):
        names_a_record = _path_names(case.operation) or (
            isinstance(case.body, dict) and "case" in case.body
        )
        if names_a_record:
            assert response.status_code == 404, (case.operation.label, response.status_code)
            return
        assert response.status_code in (200, 201, 400, 404), (case.operation.label, response.text)
        if response.status_code == 200 and case.method == "GET":
            assert response.json()["items"] == [], case.operation.label
        for value in seeded.values():
            assert value not in response.text, case.operation.label

    _each(
        _operations(schema),
        lambda operation: _run(
            operation, token=token, examples=OUTSIDER, pinned=seeded, extra=nothing_of_theirs
        ),
    )
