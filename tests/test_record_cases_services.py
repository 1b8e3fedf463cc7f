"""The services the forms and the demo share (issue 13, record-cases): what they
refuse and what they default to when called without a form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from habeas.cases import services as cases
from habeas.cases.models import Event, PersonName
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources


def test_the_service_refuses_a_last_contact_source_of_another_case(alice, alices_case):
    other = cases.case_open(name="Other Person", reference="TM-2021-900", country="TM", by=alice)
    elsewhere = sources.source_add(case=other, code_name="ELSEWHERE", kind="witness", by=alice)
    with pytest.raises(ValidationError) as refused:
        cases.case_update(case=alices_case, last_contact_source=elsewhere, by=alice)
    assert "last_contact_source" in refused.value.message_dict
    alices_case.refresh_from_db()
    assert alices_case.last_contact_source is None


def test_case_open_records_the_two_states_the_source_and_the_name_kind(alice):
    case = cases.case_open(
        name="Azat Isakov",
        name_kind=PersonName.Kind.TRANSLITERATION,
        reference="TM-2021-101",
        country="TM",
        taken_in_country="RU",
        last_contact_source_code_name="ORCHID",
        last_contact_source_kind="defender",
        by=alice,
    )
    case.refresh_from_db()
    assert case.taken_in_country.code == "RU"
    assert (case.last_contact_source.code_name, case.last_contact_source.kind) == (
        "ORCHID",
        "defender",
    )
    assert case.people.get().names.get().kind == PersonName.Kind.TRANSLITERATION
    # The link is in the case's history from the start.
    assert case.history.first().last_contact_source_id == case.last_contact_source.pk


def test_a_bad_code_name_is_refused_on_its_field_and_nothing_is_written(alice):
    with pytest.raises(ValidationError) as refused:
        cases.case_open(
            name="Azat Isakov",
            reference="TM-2021-101",
            country="TM",
            last_contact_source_code_name="X" * 61,
            by=alice,
        )
    assert "last_contact_source_code_name" in refused.value.message_dict
    assert not PersonName.objects.exists()


def test_an_event_whose_kind_changes_follows_its_new_kind_when_not_said(alice, alices_case):
    event = cases.event_add(
        case=alices_case,
        kind=Event.Kind.POLICE_VISIT,
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Police at the door.",
        by=alice,
    )
    assert not event.search_step
    cases.event_update(event=event, kind=Event.Kind.COURT_FILING, search_step=None, by=alice)
    event.refresh_from_db()
    assert event.search_step


def test_the_services_refuse_a_last_contact_after_the_disappearance(alice, alices_case):
    """The case form's rule holds for every other way in (the API, an import): a
    last contact after the disappearance is refused on its field, nothing written."""
    with pytest.raises(ValidationError) as refused:
        cases.case_open(
            name="Later Person",
            reference="TM-2021-901",
            country="TM",
            disappeared_on=PartialDate.parse("2021-10-20"),
            last_contact_on=PartialDate.parse("2021-10-22"),
            by=alice,
        )
    assert "last_contact_on" in refused.value.message_dict
    assert not cases.selectors.case_with_reference("TM-2021-901")
    with pytest.raises(ValidationError) as refused:
        cases.case_update(
            case=alices_case,
            disappeared_on=PartialDate.parse("2021-10-20"),
            last_contact_on=PartialDate.parse("2021-11"),
            by=alice,
        )
    assert "last_contact_on" in refused.value.message_dict
    # The same day is not "after": the last contact is often the day itself.
    cases.case_update(
        case=alices_case,
        disappeared_on=PartialDate.parse("2021-10-20"),
        last_contact_on=PartialDate.parse("2021-10-20 12:43"),
        by=alice,
    )


def test_a_persons_one_line_fields_are_cleaned_for_every_way_in(alice):
    """The API and an import reach the services without the forms' cleaning: a
    direction override in "seen in" or an occupation would reorder what a document
    prints (review-adversary #10)."""
    person = cases.person_create(name="Azat Isakov", occupation="jour\u202enalist", by=alice)
    assert person.occupation == "journalist"
    cases.person_update(person=person, affiliation="Memo\u200brial", by=alice)
    person.refresh_from_db()
    assert person.affiliation == "Memorial"
    name = cases.person_name_add(
        person=person,
        text="Azat Isakow",
        seen_in="ministry\u202e letter",
        language="t\u200bk",
        by=alice,
    )
    assert (name.seen_in, name.language) == ("ministry letter", "tk")
