"""Partial dates through the web forms: the examples are shown before anyone gets one
wrong, and what is typed is stored and shown exactly as precise as it was given."""

import re

import pytest
from django.urls import reverse

from habeas.cases.models import Event
from habeas.core.fields import PartialDateFormField
from habeas.sources.models import Claim

pytestmark = pytest.mark.django_db

EVENT_FORM = {"kind": "arrest", "place": "", "description": "Police came.", "clearance": ""}
NO_ACTORS = {"actors-TOTAL_FORMS": "0", "actors-INITIAL_FORMS": "0"}


def _help_of(html: str, field_id: str) -> str:
    """The help text Django renders for a field, tied to its input by aria-describedby."""
    match = re.search(rf'<div class="helptext" id="{field_id}_helptext">(.*?)</div>', html, re.S)
    assert match, f"no help text rendered for {field_id}"
    assert f'aria-describedby="{field_id}_helptext' in html
    return match[1]


def test_the_blank_event_form_shows_the_date_examples(alices_case, alice, client):
    """First-use bug 13: the examples appeared only in the error after a wrong date."""
    client.force_login(alice)
    page = client.get(reverse("event_add", args=[alices_case.public_id]))
    assert page.status_code == 200
    shown = _help_of(page.content.decode(), "id_occurred_on")
    for example in ("Oct 2021", "about 2002", "between 2020 and Oct 2021", "before Oct 2021"):
        assert example in shown
    assert "early 2003" in shown and "after 2019" in shown


def test_a_field_with_its_own_help_shows_it_and_the_examples(alices_case, alice, client):
    """A model's help ("When your organisation received it") no longer hides the examples."""
    form_field = Claim._meta.get_field("received_on").formfield()
    assert "When your organisation received it" in str(form_field.help_text)
    assert "before Oct 2021" in str(form_field.help_text)
    form_field.help_text = "Set later by a form"  # as a form's __init__ may do
    assert "Set later by a form" in str(form_field.help_text)
    assert "before Oct 2021" in str(form_field.help_text)
    assert "before Oct 2021" in str(PartialDateFormField().help_text)


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("between 2020 and Oct 2021", "2020/2021-10", "between 2020 and Oct 2021"),
        ("between 22 Oct and Nov 2021", "2021-10-22/2021-11", "between 22 Oct and Nov 2021"),
        ("before Oct 2021", "../2021-09", "before Oct 2021"),
        ("after 2019", "2020/..", "after 2019"),
        ("early 2003", "2003-01/2003-04", "early 2003"),
        ("late Nov 2021", "2021-11-21/2021-11-30", "late Nov 2021"),
    ],
)
def test_an_event_keeps_the_precision_typed(alices_case, alice, client, typed, stored, shown):
    """First-use bug 13, through the event form and the case page."""
    client.force_login(alice)
    response = client.post(
        reverse("event_add", args=[alices_case.public_id]),
        {**EVENT_FORM, "occurred_on": typed, **NO_ACTORS},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(case=alices_case)
    assert event.occurred_on.to_edtf() == stored
    assert event.occurred_from == event.occurred_on.sort_date
    page = client.get(reverse("case_detail", args=[alices_case.public_id])).content.decode()
    assert f"<time>{shown}</time>" in page
    edit = client.get(reverse("event_edit", args=[alices_case.public_id, event.public_id]))
    assert f'value="{shown}"' in edit.content.decode()


def test_an_open_start_event_sorts_on_the_day_it_names(alices_case, alice, client):
    """'before Oct 2021' is placed at 30 Sep 2021 (its only known day), not in the year 1800."""
    client.force_login(alice)
    client.post(
        reverse("event_add", args=[alices_case.public_id]),
        {**EVENT_FORM, "occurred_on": "before Oct 2021", **NO_ACTORS},
    )
    event = Event.objects.get(case=alices_case)
    assert event.occurred_from.isoformat() == "2021-09-30"


def test_a_wrong_date_keeps_the_input_and_says_what_is_accepted(alices_case, alice, client):
    client.force_login(alice)
    response = client.post(
        reverse("event_add", args=[alices_case.public_id]),
        {**EVENT_FORM, "occurred_on": "some time in autumn", **NO_ACTORS},
    )
    assert response.status_code == 400  # the form again, with what was wrong
    html = response.content.decode()
    assert 'value="some time in autumn"' in html
    assert "Could not read" in html
    assert "before Oct 2021" in _help_of(html, "id_occurred_on")
    assert not Event.objects.filter(case=alices_case).exists()
