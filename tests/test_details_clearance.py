"""Where each of the person's details may go, per recipient, as events are cleared:
an occupation or an affiliation goes to UN bodies only until a caseworker clears it
further (PersonDetailsClearance, on the "What goes outside" page)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habeas.advocacy import documents
from habeas.advocacy import services as advocacy
from habeas.advocacy.models import PersonDetailsClearance
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Event
from habeas.lib.partialdate import PartialDate

TODAY = date(2026, 12, 7)
ACTIVIST = "Human rights activist, dissident"
DIASPORA = "Turkmen opposition/diaspora activists"


@pytest.fixture
def activist_case(alices_case, alice):
    person = alices_case.people.get()
    cases.person_update(
        person=person,
        sex="m",
        nationality="TM",
        birth_date=date(1990, 5, 1),
        occupation=ACTIVIST,
        affiliation=DIASPORA,
        by=alice,
    )
    return alices_case


def clearance_url(case) -> str:
    return reverse("event_clearance", args=[case.public_id])


def the_letter(case) -> str:
    return documents.authorities_letter(
        case=case, language="en", today=TODAY, addressee=None
    ).text()


def details_post(**chosen: str) -> dict[str, str]:
    values = {
        "sex": "public",
        "birth_date": "government",
        "nationality": "public",
        "occupation": "un",
        "affiliation": "un",
        **chosen,
    }
    return {"save_details": "1", **{f"details-{k}": v for k, v in values.items()}}


def test_bug10_the_letter_to_the_government_leaves_out_occupation_and_affiliation(
    activist_case,
):
    """Bug 10: GIVEN an activist's case with nothing decided WHEN the letter to the
    Turkmen ministry is generated THEN it prints neither his occupation nor his
    affiliation, while the UN submission does."""
    letter = the_letter(activist_case)
    assert ACTIVIST not in letter
    assert DIASPORA not in letter
    assert "Nationality: Turkmenistan" in letter
    assert "Date of birth: 1 May 1990" in letter
    un = documents.wgeid_submission(case=activist_case, language="en", today=TODAY).text()
    assert f"Occupation: {ACTIVIST}" in un
    assert f"Affiliation: {DIASPORA}" in un
    public = documents.urgent_action(case=activist_case, language="en", today=TODAY, addressees=[])
    facts = documents.case_facts(
        case=activist_case, recipient=documents.Recipient.PUBLIC, today=TODAY
    )
    assert (facts.birth_date, facts.occupation, facts.sex) == ("", "", "Male")
    assert ACTIVIST not in public.text()


def test_clearing_the_occupation_for_the_authorities_through_the_page(login, alice, activist_case):
    client = login(alice)
    page = client.get(clearance_url(activist_case)).content.decode()
    assert "can put the person at more risk in its hands" in page
    assert 'name="details-occupation"' in page

    saved = client.post(clearance_url(activist_case), details_post(occupation="government"))
    assert saved.status_code == 302
    row = PersonDetailsClearance.objects.get(case=activist_case)
    assert row.occupation == "government"
    assert row.updated_by == alice
    assert f"Occupation: {ACTIVIST}" in the_letter(activist_case)
    assert DIASPORA not in the_letter(activist_case)
    entry = AuditEntry.objects.get(action="details_clearance.set")
    assert entry.detail == {"changed": {"occupation": "government"}}
    assert ACTIVIST not in str(entry.detail)

    # Kept inside: not even the UN.
    client.post(clearance_url(activist_case), details_post(sex="internal"))
    un = documents.wgeid_submission(case=activist_case, language="en", today=TODAY).text()
    assert "Sex:" not in un
    assert f"Occupation: {ACTIVIST}" in un  # posted back as UN only: the UN has it
    assert ACTIVIST not in the_letter(activist_case)


def test_a_bad_choice_is_refused_with_the_form_kept(login, alice, activist_case):
    client = login(alice)
    refused = client.post(clearance_url(activist_case), details_post(occupation="everyone"))
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Select a valid choice" in body
    assert "nothing was saved" in body
    assert not PersonDetailsClearance.objects.filter(case=activist_case).exists()


def test_the_service_refuses_what_is_not_a_detail_or_a_clearance(alice, activist_case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Not a detail"):
        advocacy.person_details_clearance_set(case=activist_case, by=alice, photo="public")
    with pytest.raises(ValidationError, match="Unknown clearance"):
        advocacy.person_details_clearance_set(case=activist_case, by=alice, occupation="all")


def test_saving_the_events_leaves_the_details_alone(login, alice, activist_case):
    event = cases.event_add(
        case=activist_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Taken by police.",
        by=alice,
    )
    client = login(alice)
    saved = client.post(clearance_url(activist_case), {f"event-{event.public_id}": "public"})
    assert saved.status_code == 302
    event.refresh_from_db()
    assert event.clearance == "public"
    assert not PersonDetailsClearance.objects.filter(case=activist_case).exists()


def test_outsiders_and_readers_get_404(login, charlie, vera, activist_case):
    for user in (charlie, vera):
        client = login(user)
        assert client.get(clearance_url(activist_case)).status_code == 404
        posted = client.post(clearance_url(activist_case), details_post(occupation="public"))
        assert posted.status_code == 404
    assert not PersonDetailsClearance.objects.filter(case=activist_case).exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_clearance_page_queries_do_not_grow_with_events(login, alice, activist_case):
    client = login(alice)
    url = clearance_url(activist_case)
    cases.event_add(
        case=activist_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Taken.",
        by=alice,
    )
    one = _queries(client, url)
    for day in ("2021-10-21", "2021-10-22", "2021-10-23"):
        cases.event_add(
            case=activist_case,
            kind=Event.Kind.DETENTION,
            occurred_on=PartialDate.parse(day),
            description="Held.",
            by=alice,
        )
    advocacy.person_details_clearance_set(case=activist_case, by=alice, occupation="public")
    assert _queries(client, url) == one
