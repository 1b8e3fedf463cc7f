"""Documents to another State or an intergovernmental body ask it to urge the
Government concerned to disclose the fate and whereabouts, protect the person,
give access and bring them before a judge; never to release the person itself
(review bug 5: the United States asked to "release Azat Isakov")."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from habeas.advocacy import documents, services
from habeas.advocacy.models import Addressee, FamilyConsent, Intervention
from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate
from tests.support.organisation import give_the_organisation

TODAY = date(2026, 12, 6)


@pytest.fixture
def azat(alice):
    person = cases.person_create(name="Azat Isakov", sex="m", by=alice)
    case = cases.case_create(
        reference="TM-2021-104",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20"),
        disappeared_place="Moscow region, Russia (in hiding)",
        by=alice,
    )
    # His mother's consent to letters to other States and to publication.
    services.family_consent_record(
        case=case,
        given_by="his mother",
        given_on=date(2024, 3, 1),
        form=FamilyConsent.Form.WRITTEN,
        to_authorities=True,
        to_publication=True,
        by=alice,
    )
    return case


@pytest.fixture
def drl(alice):
    return services.addressee_create(
        kind=Addressee.Kind.EMBASSY,
        title="Bureau of Democracy, Human Rights, and Labor",
        organisation="U.S. Department of State",
        address="2201 C Street NW\nWashington, DC 20520",
        country="US",
        salutation="Dear colleagues,",
        by=alice,
    )


@pytest.fixture
def eeas(alice):
    return services.addressee_create(
        kind=Addressee.Kind.INTERGOVERNMENTAL,
        title="EEAS",
        organisation="European Union",
        by=alice,
    )


def _embassy_document(case, addressee, alice, language="en"):
    intervention = services.intervention_add(
        case=case, kind=Intervention.Kind.EMBASSY, addressee=addressee, language=language, by=alice
    )
    return documents.intervention_document(intervention=intervention, today=TODAY)


def test_the_embassy_step_is_a_letter_urging_the_government(azat, drl, alice):
    """Bug 5: not an urgent action sheet asking the US to release him."""
    give_the_organisation()
    document = _embassy_document(azat, drl, alice)
    text = document.text()
    assert document.kind == documents.DocKind.THIRD_STATE
    assert "release Azat" not in text
    assert "Urgent action" not in text
    assert "We respectfully ask you to urge the Government of Turkmenistan to" in text
    assert "disclose the fate and whereabouts of Azat Isakov without delay;" in text
    assert "brought before an independent judge, or else released." in text
    assert document.title == (
        "Enforced disappearance of Azat Isakov (Turkmenistan), since 20 Oct 2021: "
        "request to urge the Government of Turkmenistan to disclose the fate and whereabouts"
    )
    assert "Bureau of Democracy, Human Rights, and Labor\nU.S. Department of State" in text
    assert "Dear colleagues," in text  # its own salutation, in English
    assert document.is_complete


def test_a_letter_to_another_states_office_urges_too(azat, alice):
    """Any letter whose addressee is of another State takes the third-State form."""
    give_the_organisation()
    russia = services.addressee_create(
        kind=Addressee.Kind.GOVERNMENT,
        title="Minister of Internal Affairs",
        organisation="Ministry of Internal Affairs",
        country="RU",
        by=alice,
    )
    letter = documents.build(
        kind=documents.DocKind.LETTER, case=azat, language="en", today=TODAY, addressees=[russia]
    )
    assert letter.kind == documents.DocKind.THIRD_STATE
    assert "release Azat" not in letter.text()
    assert "urge the Government of Turkmenistan" in letter.text()


def test_the_eu_is_asked_in_russian_too(azat, eeas, alice):
    give_the_organisation()
    text = _embassy_document(azat, eeas, alice, "ru").text()
    assert "Просим вас призвать правительство государства Туркменистан" in text
    assert "Уважаемые господа," in text  # an EU desk: no "Your Excellency"
    assert "EEAS\nEuropean Union" in text


def test_the_urgent_action_lists_addressees_with_organisation_and_country(azat, drl, alice):
    give_the_organisation()
    sheet = documents.build(
        kind=documents.DocKind.URGENT_ACTION,
        case=azat,
        language="en",
        today=TODAY,
        addressees=[drl],
    )
    write_to = next(s for s in sheet.sections if s.heading == "Please write to").bullets
    assert write_to[0].startswith(
        "Bureau of Democracy, Human Rights, and Labor — U.S. Department of State, United States"
    )
    # Written only to another State, the sheet asks it to urge, not to release.
    assert "release Azat" not in sheet.text()
    assert "urge the Government of Turkmenistan" in sheet.text()


def test_the_briefing_note_recommends_urging_the_government(azat, alice, client):
    client.force_login(alice)
    page = client.get(reverse("briefing") + "?country=TM").content.decode()
    assert "We recommend that you urge the Government of Turkmenistan" in page
    assert "release …" not in page


def test_the_intervention_picker_shows_organisation_and_country(azat, drl, eeas, alice, client):
    client.force_login(alice)
    form = client.get(reverse("intervention_add", args=[azat.public_id])).content.decode()
    assert (
        "Bureau of Democracy, Human Rights, and Labor — U.S. Department of State, "
        "United States" in form
    )
    assert "EEAS — European Union" in form
