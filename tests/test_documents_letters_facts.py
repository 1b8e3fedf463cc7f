"""A letter whose circumstances read "None recorded." is complete but says nothing
the recipient can act on: the staff are warned on the intervention page (not
stopped) until events are cleared for its recipient."""

from __future__ import annotations

import pytest

from habeas.advocacy import services
from habeas.advocacy.models import Addressee, Intervention
from habeas.cases import services as cases
from habeas.cases.models import Event
from tests.support.advocacy import give_what_the_un_asks
from tests.support.organisation import give_the_organisation

NO_FACTS = "This letter states no facts: clear events for the authorities"


@pytest.fixture
def letter(alices_case, alice):
    give_the_organisation(name="Demo Rights Centre")
    police = cases.actor_create(name="Police (test)", country="TM", by=alice)
    give_what_the_un_asks(
        alices_case, police=police, arrested_on="2021-10-20", searched_on="2021-10-25", by=alice
    )
    # Cleared for the UN only: nothing the authorities' letter may state.
    services.event_clearances_set(
        case=alices_case,
        clearances=dict.fromkeys(alices_case.events.all(), Event.Clearance.UN),
        by=alice,
    )
    minister = services.addressee_create(
        kind=Addressee.Kind.GOVERNMENT,
        title="Minister of Interior",
        organisation="Ministry of Interior",
        country="TM",
        by=alice,
    )
    return services.intervention_add(
        case=alices_case, kind=Intervention.Kind.LETTER_AUTHORITIES, addressee=minister, by=alice
    )


def test_a_letter_without_facts_warns_the_staff_but_may_be_marked_ready(letter, bob, client):
    client.force_login(bob)
    page = client.get(letter.get_absolute_url()).content.decode()
    assert NO_FACTS in page
    assert letter.status == Intervention.Status.DRAFT
    services.intervention_mark_ready(intervention=letter, by=bob)  # a warning, not a block
    letter.refresh_from_db()
    assert letter.status == Intervention.Status.READY


def test_events_cleared_for_the_authorities_end_the_warning(letter, alice, bob, client):
    case = letter.case
    services.event_clearances_set(
        case=case, clearances=dict.fromkeys(case.events.all(), Event.Clearance.PUBLIC), by=alice
    )
    client.force_login(bob)
    assert NO_FACTS not in client.get(letter.get_absolute_url()).content.decode()
