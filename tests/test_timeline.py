"""The case page: a timeline of events and claims, contested facts side by side."""

from __future__ import annotations

import pytest

from habeas.cases import services as cases
from habeas.cases.models import Actor, Event, EventActor
from habeas.cases.selectors import case_record
from habeas.lib.partialdate import PartialDate


def _event(case, by, when, kind=Event.Kind.THREAT, **kw):
    return cases.event_add(
        case=case, kind=kind, occurred_on=PartialDate.parse(when), description=when, by=by, **kw
    )


def test_timeline_orders_partial_dates_by_earliest_day_then_precision(alices_case, alice):
    for when in [
        "2021-10-20 12:43",
        "2021",
        "2021-10",
        "about 2002",
        "2021-10-20",
        "between 18 and 22 Oct 2021",
    ]:
        _event(alices_case, alice, when)

    record = case_record(case=alices_case)
    shown = [item.event.occurred_on.display() for item in record.timeline]

    assert shown == [
        "about 2002",
        "2021",
        "Oct 2021",
        "between 18 and 22 Oct 2021",
        "20 Oct 2021",
        "20 Oct 2021, 12:43",
    ]


def test_claims_about_an_event_sit_under_it_and_others_by_date_received(contested_case, alice):
    event = _event(contested_case, alice, "2021-10-22", kind=Event.Kind.DEPORTATION)
    from habeas.sources import services as sources

    source = contested_case.sources.get(code_name="LARK")
    sources.claim_add(
        case=contested_case,
        source=source,
        topic="event",
        event=event,
        by=alice,
        statement="Forced onto a plane.",
        received_on=PartialDate.parse("2021-12-01"),
        material="testimony",
    )
    record = case_record(case=contested_case)
    kinds = [("event" if item.event else "claim") for item in record.timeline]
    assert kinds == ["event", "claim", "claim"]
    assert [v.claim.statement for v in record.timeline[0].claims] == ["Forced onto a plane."]


def test_contradicting_claims_are_marked_on_the_case_page(login, alice, contested_case):
    page = login(alice).get(contested_case.get_absolute_url()).content.decode()

    assert page.count("Contested</strong>") == 2
    contested = page.split('id="contested"')[1].split('id="timeline"')[0]
    assert "He flew home on 22 October 2021." in contested
    assert "He had no passport and would never go back." in contested
    assert "HOST-MOI" in contested and "LARK" in contested
    assert "F4" in contested and "B2" in contested  # source reliability + credibility
    assert "Officials acknowledge but give another explanation" in contested


def test_the_case_page_shows_sources_by_code_name_only(login, bob, contested_case):
    page = login(bob).get(contested_case.get_absolute_url()).content.decode()
    assert "LARK" in page
    assert "CANARY-IDENTITY" not in page


def test_event_actors_and_roles_are_recorded_and_shown(login, alice, alices_case):
    agency = cases.actor_create(name="Ministry of National Security", country="TM", by=alice)
    unit = cases.actor_create(name="Fifth Department", kind="unit", parent=agency, by=alice)
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/events/new/"
    response = client.post(
        url,
        {
            "kind": "arrest",
            "occurred_on": "about Oct 2021",
            "place": "Ashgabat",
            "description": "Taken from the airport.",
            "clearance": "un",
            "actors-TOTAL_FORMS": "3",
            "actors-INITIAL_FORMS": "0",
            "actors-0-actor": str(unit.pk),
            "actors-0-role": "alleged_perpetrator",
            "actors-1-actor": str(agency.pk),
            "actors-1-role": "holding_authority",
            "actors-2-actor": "",
            "actors-2-role": "",
        },
    )
    assert response.status_code == 302
    event = alices_case.events.get()
    assert event.occurred_on.approximate
    assert event.clearance == "un"  # chosen on the form: its description may go to the UN
    roles = {(ea.actor.name, ea.role) for ea in EventActor.objects.filter(event=event)}
    assert roles == {
        ("Fifth Department", "alleged_perpetrator"),
        ("Ministry of National Security", "holding_authority"),
    }
    page = client.get(alices_case.get_absolute_url()).content.decode()
    # With its State (its parent's here): two same-named units must not read alike.
    assert (
        "Ministry of National Security › Fifth Department (Turkmenistan), alleged perpetrator"
        in page
    )
    assert "In documents sent outside: UN bodies" in page
    assert str(Actor.objects.get(pk=unit.pk)) == (
        "Ministry of National Security › Fifth Department (Turkmenistan)"
    )


def test_an_actor_without_a_role_is_refused(login, alice, alices_case):
    agency = cases.actor_create(name="Police", country="TM", by=alice)
    response = login(alice).post(
        f"/cases/{alices_case.public_id}/events/new/",
        {
            "kind": "arrest",
            "occurred_on": "2021-10-21",
            "description": "x",
            "actors-TOTAL_FORMS": "1",
            "actors-INITIAL_FORMS": "0",
            "actors-0-actor": str(agency.pk),
            "actors-0-role": "",
        },
    )
    assert response.status_code == 400
    assert "Say what role this actor played." in response.content.decode()
    assert not alices_case.events.exists()


def test_event_form_rejects_future_and_unknown_kinds(login, alice, alices_case):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/events/new/"
    base = {"actors-TOTAL_FORMS": "0", "actors-INITIAL_FORMS": "0", "description": "x"}
    response = client.post(url, {**base, "kind": "abduction", "occurred_on": "2999"})
    assert response.status_code == 400 and "is in the future" in response.content.decode()
    response = client.post(url, {**base, "kind": "teleportation", "occurred_on": "2021"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    response = client.post(url, {"kind": "arrest", "occurred_on": "2021"})  # no management form
    assert response.status_code == 400
    assert not alices_case.events.exists()


@pytest.mark.parametrize(
    ("occurred_on", "message"),
    [
        ("2021-02-31", "There is no 31 February 2021."),
        ("between 22 and 20 Oct 2021", "The end of the range is before its start."),
        ("between 2020 and 2999", "The end of the range is in the future."),
        ("2021-10-20 12:43:99", "12:43:99 is not a valid time of day."),
    ],
)
def test_event_form_refuses_impossible_dates_and_keeps_the_input(
    login, alice, alices_case, occurred_on, message
):
    url = f"/cases/{alices_case.public_id}/events/new/"
    data = {
        "kind": "arrest",
        "occurred_on": occurred_on,
        "place": "KEPT-PLACE",
        "description": "x",
        "actors-TOTAL_FORMS": "0",
        "actors-INITIAL_FORMS": "0",
    }
    response = login(alice).post(url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and "KEPT-PLACE" in page
    assert not alices_case.events.exists()
