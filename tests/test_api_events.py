"""Events over the API: recorded and changed through the services, listed in the
timeline's order, another case's event the 404 of none."""

from __future__ import annotations

import uuid

import pytest

from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from tests.support.api import call, token_for


@pytest.fixture
def ministry(alice):
    state = cases.actor_create(name="Ministry of National Security", country="TM", by=alice)
    return cases.actor_create(name="Department 6", parent=state, by=alice)


def test_an_event_is_recorded_with_its_actors(client, alice, alices_case, ministry):
    body = {
        "kind": "arrest",
        "occurred_on": "20 Oct 2021",
        "description": "Taken from his flat.",
        "actors": [
            {"actor": str(ministry.public_id), "role": "alleged_perpetrator"},
            {"actor": str(ministry.public_id), "role": "alleged_perpetrator"},
        ],
    }
    path = f"/cases/{alices_case.public_id}/events/"
    answer = call(client, "post", path, token=token_for(alice), body=body)
    assert answer.status_code == 201, answer.content
    event = answer.json()
    assert event["occurred_on"] == "2021-10-20"
    assert event["clearance"] == "sources"
    assert event["actors"] == [
        {
            "actor": str(ministry.public_id),
            "name": "Ministry of National Security › Department 6 (Turkmenistan)",
            "role": "alleged_perpetrator",
        }
    ]
    assert AuditEntry.objects.filter(action="event.add").count() == 1
    read = call(client, "get", f"{path}{event['id']}/", token=token_for(alice))
    assert read.json() == event


def test_events_are_listed_in_the_timelines_order_and_changed(client, alice, alices_case):
    token = token_for(alice)
    path = f"/cases/{alices_case.public_id}/events/"
    for when in ("2021-10-22", "2021-10-20", "2021-10-21"):
        body = {"kind": "sighting", "occurred_on": when, "description": "Seen."}
        assert call(client, "post", path, token=token, body=body).status_code == 201
    first = call(client, "get", f"{path}?limit=2", token=token).json()
    rest = call(client, "get", f"{path}?cursor={first['next']}", token=token).json()
    days = [e["occurred_on"] for e in first["items"] + rest["items"]]
    assert days == ["2021-10-20", "2021-10-21", "2021-10-22"]
    event = first["items"][0]
    changed = call(
        client, "patch", f"{path}{event['id']}/", token=token, body={"place": "Ashgabat"}
    )
    assert changed.status_code == 200
    assert changed.json()["place"] == "Ashgabat"
    assert changed.json()["description"] == "Seen."
    assert AuditEntry.objects.get(action="event.update").detail == {"fields": ["place"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "arrest", "occurred_on": "2999", "description": "x"}, "occurred_on"),
        ({"kind": "arrest", "occurred_on": "", "description": "x"}, "occurred_on"),
        ({"kind": "party", "occurred_on": "2021", "description": "x"}, "kind"),
        ({"kind": "arrest", "occurred_on": "2021"}, "description"),
        (
            {
                "kind": "arrest",
                "occurred_on": "2021",
                "description": "x",
                "actors": [{"actor": str(uuid.uuid4()), "role": "witness"}],
            },
            "actors",
        ),
    ],
)
def test_an_event_the_web_refuses_is_refused(client, alice, alices_case, body, field):
    path = f"/cases/{alices_case.public_id}/events/"
    answer = call(client, "post", path, token=token_for(alice), body=body)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"]


def test_another_cases_event_is_not_found(client, alice, alices_case):
    token = token_for(alice)
    other = cases.case_create(
        reference="KZ-1", person=cases.person_create(name="A", by=alice), country="KZ", by=alice
    )
    body = {"kind": "arrest", "occurred_on": "2021", "description": "x"}
    made = call(client, "post", f"/cases/{other.public_id}/events/", token=token, body=body).json()
    wrong = f"/cases/{alices_case.public_id}/events/{made['id']}/"
    assert call(client, "get", wrong, token=token).status_code == 404
    assert call(client, "patch", wrong, token=token, body={"place": "x"}).status_code == 404


def test_the_outsider_reads_no_event(client, charlie, alices_case):
    path = f"/cases/{alices_case.public_id}/events/"
    assert call(client, "get", path, token=token_for(charlie)).status_code == 404
