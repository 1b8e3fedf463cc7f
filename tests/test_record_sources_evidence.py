"""One evidence item supports several claims and events (a dispatch backs six
claims), has a date of its own, and never ties to another case's records."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Event
from habeas.evidence.models import EvidenceItem
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source
from tests.support.evidence import add


@pytest.fixture
def record(contested_case, alice):
    """The contested case's two claims and an event."""
    event = cases.event_add(
        case=contested_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Taken from his flat.",
        by=alice,
    )
    flew, passport = Claim.objects.filter(case=contested_case).order_by("id")
    return flew, passport, event


def _upload(**extra):
    return {
        "upload": SimpleUploadedFile("dispatch.txt", b"The dispatch, as published.\n"),
        "title": "HRW dispatch",
        "kind": "file",
        **extra,
    }


def test_the_upload_form_offers_the_cases_claims_by_code_name_and_statement(
    login, alice, contested_case, record
):
    page = login(alice).get(reverse("evidence_add", args=[contested_case.public_id]))
    html = page.content.decode()
    assert 'type="checkbox" name="claims"' in html
    assert "HOST-MOI (F4): He flew home on 22 October 2021." in html
    assert "LARK (B2): He had no passport and would never go back." in html
    assert 'type="checkbox" name="events"' in html
    assert 'name="dated_on"' in html


def test_one_item_supports_several_claims_and_events_through_the_upload_form(
    login, alice, contested_case, record
):
    flew, passport, event = record
    client = login(alice)
    form = _upload(
        claims=[str(flew.public_id), str(passport.public_id)],
        events=[str(event.public_id)],
        dated_on="Nov 2021",
    )
    response = client.post(reverse("evidence_add", args=[contested_case.public_id]), form)
    assert response.status_code == 302
    item = EvidenceItem.objects.get(case=contested_case)
    assert set(item.claims.all()) == {flew, passport}
    assert list(item.events.all()) == [event]
    assert item.dated_on == PartialDate.parse("2021-11")
    page = client.get(item.get_absolute_url()).content.decode()
    assert "He flew home on 22 October 2021." in page
    assert "He had no passport" in page
    assert "Nov 2021" in page
    # Each claim leads back to the item, on the disputed facts page.
    elements = client.get(reverse("case_elements", args=[contested_case.public_id]))
    assert elements.content.decode().count("HRW dispatch") == 2


def test_an_item_cannot_support_another_cases_claim_or_event(alice, alices_case, record):
    flew, _passport, event = record
    person = cases.person_create(name="Other Person", by=alice)
    other = cases.case_create(reference="OTHER-1", person=person, country="RU", by=alice)
    for links in ({"claims": [flew]}, {"events": [event]}):
        with pytest.raises(ValidationError) as refused:
            add(other, alice, b"x\n", "a.txt", **links)
        assert set(refused.value.error_dict) == set(links)
    assert not EvidenceItem.objects.filter(case=other).exists()


def test_the_upload_form_refuses_another_cases_claim(login, alice, alices_case, record):
    flew, _passport, _event = record
    person = cases.person_create(name="Other Person", by=alice)
    other = cases.case_create(reference="OTHER-1", person=person, country="RU", by=alice)
    response = login(alice).post(
        reverse("evidence_add", args=[other.public_id]), _upload(claims=[str(flew.public_id)])
    )
    assert response.status_code == 400
    assert not EvidenceItem.objects.exists()


def test_the_edit_page_changes_what_an_item_supports(login, alice, contested_case, record):
    flew, passport, event = record
    item = add(contested_case, alice, b"x\n", "a.txt", claims=[flew])
    client = login(alice)
    url = reverse("evidence_edit", args=[contested_case.public_id, item.public_id])
    page = client.get(url).content.decode()
    assert f'value="{flew.public_id}"' in page and "checked" in page
    form = {
        "title": "Ministry letter and the cousin's reply",
        "claims": [str(flew.public_id), str(passport.public_id)],
        "events": [str(event.public_id)],
        "dated_on": "2021-11-03",
    }
    assert client.post(url, form).status_code == 302
    item.refresh_from_db()
    assert item.title == "Ministry letter and the cousin's reply"
    assert set(item.claims.all()) == {flew, passport}
    assert list(item.events.all()) == [event]
    assert item.dated_on == PartialDate.parse("2021-11-03")
    entry = AuditEntry.objects.filter(action="evidence.update").get()
    assert entry.detail["fields"] == ["title", "claims", "events", "dated_on"]
    # The same form again changes nothing and records nothing.
    response = client.post(url, form, follow=True)
    assert "Nothing changed." in response.content.decode()
    assert AuditEntry.objects.filter(action="evidence.update").count() == 1


def test_a_read_only_member_cannot_change_what_an_item_supports(
    login, alice, vera, contested_case, record
):
    flew, _passport, _event = record
    item = add(contested_case, alice, b"x\n", "a.txt")
    url = reverse("evidence_edit", args=[contested_case.public_id, item.public_id])
    response = login(vera).post(url, {"title": "T", "claims": [str(flew.public_id)]})
    assert response.status_code == 404
    assert not item.claims.exists()


def test_a_source_of_another_case_is_refused_on_edit(alice, alices_case, record):
    from habeas.evidence import services

    item = add(alices_case, alice, b"x\n", "a.txt")
    person = cases.person_create(name="Other Person", by=alice)
    other = cases.case_create(reference="OTHER-1", person=person, country="RU", by=alice)
    foreign = sources.source_add(
        case=other, code_name="FOREIGN", kind=Source.Kind.WITNESS, reliability="B", by=alice
    )
    with pytest.raises(ValidationError):
        services.evidence_update(
            item=item, by=alice, title="T", source=foreign, claims=[], events=[], dated_on=None
        )
