"""Letters to the authorities laid out as the field writes them: the sender's
letterhead, the date, the addressee by title when no one is named, a subject line,
the salutation in the letter's language, an opening, the facts, the asks, the
closing and the signature; and "ready to send" refused until the sender, the
signatory and the addressee are there (review bugs 9, 11 and 19)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habeas.advocacy import documents, services
from habeas.advocacy.models import Addressee, DetailClearance, FamilyConsent, Intervention
from habeas.cases import services as cases
from habeas.cases.models import Event, EventActor
from habeas.lib.partialdate import PartialDate
from tests.support.organisation import give_the_organisation

TODAY = date(2026, 12, 6)


@pytest.fixture
def azat(alice):
    """Azat Isakov, taken in Russia on 20 Oct 2021, held by Turkmenistan."""
    person = cases.person_create(name="Azat Isakov", sex="m", by=alice)
    case = cases.case_create(
        reference="TM-2021-104",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20"),
        disappeared_place="Moscow region, Russia (in hiding)",
        by=alice,
    )
    police = cases.actor_create(name="Ministry of National Security", country="TM", by=alice)
    cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-22"),
        place="Turkmenabat",
        description="Reportedly handed over to the Turkmen security services.",
        actors=[(police, EventActor.Role.HOLDING_AUTHORITY)],
        by=alice,
    )
    services.event_clearances_set(
        case=case, clearances=dict.fromkeys(case.events.all(), Event.Clearance.PUBLIC), by=alice
    )
    # His mother's consent to letters and to publication (the urgent action).
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
def minister(alice):
    """The office, written to by its title: no person's name."""
    return services.addressee_create(
        kind=Addressee.Kind.GOVERNMENT,
        title="Minister for Foreign Affairs",
        organisation="Ministry of Foreign Affairs",
        address="Archabil Avenue 108\nAshgabat",
        country="TM",
        salutation="Your Excellency,",
        by=alice,
    )


def _letter(case, addressee, language="en"):
    return documents.build(
        kind=documents.DocKind.LETTER,
        case=case,
        language=language,
        today=TODAY,
        addressees=[addressee] if addressee else [],
    )


def test_the_letter_reads_as_a_letter_to_the_ministry(azat, minister, db):
    """Bug 9: a sender, a subject, an opening and a signature; the first heading is
    not "Letter to the authorities"."""
    give_the_organisation()
    letter = _letter(azat, minister)
    text = letter.text()
    assert letter.letterhead[:2] == ["Demo Rights Centre", "12 Rue de Lausanne"]
    assert "cases@demo-rights.example" in letter.letterhead
    assert letter.title != "Letter to the authorities"
    assert "Letter to the authorities" not in text
    subject = (
        "Enforced disappearance of Azat Isakov (Turkmenistan), since 20 Oct 2021: "
        "request for information on his fate and whereabouts"
    )
    assert letter.title == subject
    assert f"Subject: {subject}" in text
    assert "We are writing to you on behalf of Demo Rights Centre about the enforced " in text
    assert "Yours faithfully,\nAmina Karimova\nDirector\nDemo Rights Centre" in text
    # The layout: letterhead, date, addressee, subject, salutation, opening, ... signature.
    order = [
        "Demo Rights Centre",
        "6 Dec 2026",
        "Minister for Foreign Affairs\nMinistry of Foreign Affairs",
        "Subject: ",
        "Your Excellency,",
        "We are writing",
        "disclose the fate and whereabouts of Azat Isakov",
        "Yours faithfully,",
        "Amina Karimova",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_an_office_is_addressed_by_its_title_once(azat, minister, db):
    """Bug 19: "Minister for Foreign Affairs, Minister for Foreign Affairs" nowhere."""
    give_the_organisation()
    text = _letter(azat, minister).text()
    block = (
        "Minister for Foreign Affairs\nMinistry of Foreign Affairs\n"
        "Archabil Avenue 108\nAshgabat\nTurkmenistan"
    )
    assert block in text
    assert text.count("Minister for Foreign Affairs") == 1
    assert (
        str(minister) == "Minister for Foreign Affairs — Ministry of Foreign Affairs, Turkmenistan"
    )
    # An office entered before the name was optional, its title typed as the name too.
    Addressee.objects.filter(pk=minister.pk).update(name="Minister for Foreign Affairs")
    minister.refresh_from_db()
    assert _letter(azat, minister).text().count("Minister for Foreign Affairs") == 1
    assert str(minister).count("Minister for Foreign Affairs") == 1


def test_the_salutation_is_the_letters_language(azat, minister, db):
    """Bug 11: a Russian letter does not open with the English "Your Excellency,"."""
    give_the_organisation()
    russian = _letter(azat, minister, "ru").text()
    assert "Your Excellency" not in russian
    assert "Ваше Превосходительство," in russian
    assert (
        "Тема: О насильственном исчезновении: Azat Isakov (Туркменистан), дата исчезновения — "
        "20 октября 2021 г.; просьба сообщить о его судьбе и местонахождении" in russian
    )
    assert "С уважением," in russian
    # Written in Russian, the addressee's own salutation is used in Russian letters.
    minister.salutation, minister.salutation_language = "Уважаемый господин министр!", "ru"
    minister.save()
    assert "Уважаемый господин министр!" in _letter(azat, minister, "ru").text()
    assert "Your Excellency," in _letter(azat, minister, "en").text()


@pytest.mark.parametrize(
    ("gap", "key"),
    [
        ({"name": ""}, "submitter"),
        ({"address": "", "email": ""}, "submitter"),
        ({"signatory_name": ""}, "signatory"),
        ({"signatory_title": ""}, "signatory"),
        (None, "addressee"),
    ],
)
def test_ready_to_send_is_refused_for_each_missing_item(azat, minister, alice, gap, key):
    """Bug 9: the letter cannot be marked ready without sender, signatory, addressee."""
    give_the_organisation(**(gap or {}))
    intervention = services.intervention_add(
        case=azat,
        kind=Intervention.Kind.LETTER_AUTHORITIES,
        addressee=None if gap is None else minister,
        by=alice,
    )
    document = documents.intervention_document(intervention=intervention, today=TODAY)
    assert document.missing_keys == [key]
    with pytest.raises(ValidationError, match="incomplete"):
        services.intervention_mark_ready(intervention=intervention, by=alice, today=TODAY)
    intervention.refresh_from_db()
    assert intervention.status == Intervention.Status.DRAFT


def test_with_everything_the_letter_is_marked_ready(azat, minister, alice):
    give_the_organisation(address="", phone="+41 22 000 00 00")  # an e-mail is a contact
    intervention = services.intervention_add(
        case=azat, kind=Intervention.Kind.LETTER_AUTHORITIES, addressee=minister, by=alice
    )
    services.intervention_mark_ready(intervention=intervention, by=alice, today=TODAY)
    intervention.refresh_from_db()
    assert intervention.status == Intervention.Status.READY


@pytest.mark.parametrize(
    "kind",
    [
        Intervention.Kind.WGEID_STANDARD,
        Intervention.Kind.SPECIAL_PROCEDURES,
        Intervention.Kind.COURT_PETITION,
        Intervention.Kind.EMBASSY,
    ],
)
def test_every_signed_document_needs_a_signatory(azat, minister, alice, kind):
    give_the_organisation(signatory_title="")
    intervention = services.intervention_add(case=azat, kind=kind, addressee=minister, by=alice)
    document = documents.intervention_document(intervention=intervention, today=TODAY)
    assert "signatory" in document.missing_keys
    assert "Name and title of the person who signs (organisation settings)" in document.missing


def test_the_urgent_action_needs_a_sender_but_no_signatory(azat, minister, alice):
    give_the_organisation(signatory_name="", email="", address="")
    intervention = services.intervention_add(
        case=azat, kind=Intervention.Kind.PRESS_STATEMENT, addressee=minister, by=alice
    )
    document = documents.intervention_document(intervention=intervention, today=TODAY)
    assert document.missing_keys == ["submitter"]


def test_an_addressee_needs_a_title_or_an_organisation(alice, client):
    client.force_login(alice)
    url = reverse("addressee_add")
    page = client.post(
        url,
        {"kind": "government", "name": "A. Smith", "country": "TM", "salutation_language": "en"},
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert "Give the title of the office or the organisation" in body
    assert 'value="A. Smith"' in body  # input kept
    assert not Addressee.objects.exists()
    client.post(
        url,
        {
            "kind": "intergovernmental",
            "title": "EEAS",
            "organisation": "European Union",
            "salutation_language": "en",
        },
    )
    assert str(Addressee.objects.get()) == "EEAS — European Union"  # no country needed


def test_pickers_and_the_directory_show_organisation_and_country(azat, minister, alice, client):
    client.force_login(alice)
    label = "Minister for Foreign Affairs — Ministry of Foreign Affairs, Turkmenistan"
    form = client.get(reverse("intervention_add", args=[azat.public_id])).content.decode()
    assert label in form
    advocacy = client.get(reverse("case_advocacy", args=[azat.public_id])).content.decode()
    assert label in advocacy
    directory = client.get(reverse("addressee_list")).content.decode()
    for shown in (
        "Authorities of the State concerned",
        "Ministry of Foreign Affairs",
        "Turkmenistan",
    ):
        assert shown in directory


def test_the_subject_names_the_day_without_the_time_of_day(azat, minister, alice):
    """A record holding the minute of the arrest ("20 Oct 2021, 12:43"): the subject
    line names the day only."""
    give_the_organisation()
    cases.case_update(case=azat, by=alice, disappeared_on=PartialDate.parse("2021-10-20 12:43"))
    letter = _letter(azat, minister)
    assert letter.title == (
        "Enforced disappearance of Azat Isakov (Turkmenistan), since 20 Oct 2021: "
        "request for information on his fate and whereabouts"
    )
    assert "12:43" not in letter.title
    assert "12:43" not in _letter(azat, minister, "ru").title


def test_the_minute_of_the_last_contact_goes_to_the_un_only(azat, minister, alice):
    """The minute a disappearance is dated to is that of the last message, which
    points at whoever received it: the letter to the Government and the public
    sheet carry the day; the Working Group gets the minute."""
    give_the_organisation()
    cases.case_update(case=azat, by=alice, disappeared_on=PartialDate.parse("2021-10-20 12:43"))
    for language in ("en", "ru"):
        assert "12:43" not in _letter(azat, minister, language).text()
    sheet = documents.build(
        kind=documents.DocKind.URGENT_ACTION,
        case=azat,
        language="en",
        today=date(2026, 12, 1),
        addressees=[minister],
    )
    assert "12:43" not in sheet.text()
    assert "20 Oct 2021" in sheet.text()
    un = documents.wgeid_submission(case=azat, language="en", today=date(2026, 12, 1))
    assert "20 Oct 2021, 12:43" in un.text()


@pytest.mark.parametrize(
    ("sex", "en"),
    [("m", "his choice"), ("f", "her choice"), ("", "their choice")],
)
def test_the_access_ask_says_whose_choice_as_the_subject_line_does(azat, minister, sex, en, db):
    """ "A lawyer of his choice" for a man, "her" for a woman, "their" when the
    record has no sex; the French, Spanish and Russian read right for each."""
    give_the_organisation()
    person = azat.people.get()
    person.sex = sex
    person.save()
    text = _letter(azat, minister).text()
    assert f"immediate access to family, a lawyer of {en} and a doctor;" in text
    assert "un avocat de son choix" in _letter(azat, minister, "fr").text()
    assert "un abogado de su elección" in _letter(azat, minister, "es").text()
    assert "адвокатом по его выбору" in _letter(azat, minister, "ru").text()


def test_a_sex_kept_from_the_recipient_is_not_given_away_by_the_access_ask(azat, minister, alice):
    """The public urgent action may not be told his sex here: "their choice" there."""
    give_the_organisation()
    services.person_details_clearance_set(case=azat, by=alice, sex=DetailClearance.GOVERNMENT)
    sheet = documents.build(
        kind=documents.DocKind.URGENT_ACTION,
        case=azat,
        language="en",
        today=TODAY,
        addressees=[minister],
    ).text()
    assert "a lawyer of their choice" in sheet
    assert "a lawyer of his choice" in _letter(azat, minister).text()  # the Government may know


@pytest.mark.parametrize(
    ("kind", "title", "salutation"),
    [
        (Addressee.Kind.GOVERNMENT, "Minister for Foreign Affairs", "Your Excellency,"),
        (Addressee.Kind.GOVERNMENT, "", "Your Excellency,"),
        (Addressee.Kind.EMBASSY, "Ambassador of France", "Your Excellency,"),
        (Addressee.Kind.EMBASSY, "", "Your Excellency,"),
        (Addressee.Kind.EMBASSY, "Assistant Secretary", "Dear Sir or Madam,"),
        (Addressee.Kind.INTERGOVERNMENTAL, "Turkmenistan desk", "Dear Sir or Madam,"),
        (Addressee.Kind.GOVERNMENT, "Prosecutor General", "Dear Sir or Madam,"),
        (
            Addressee.Kind.GOVERNMENT,
            "Head of the Presidential Administration",
            "Dear Sir or Madam,",
        ),
    ],
)
def test_your_excellency_is_for_ministers_ambassadors_and_heads_of_state(
    azat, alice, kind, title, salutation
):
    give_the_organisation()
    addressee = services.addressee_create(
        kind=kind,
        title=title,
        organisation="" if title else "Ministry of Foreign Affairs",
        country="" if kind == Addressee.Kind.INTERGOVERNMENTAL else "FR",
        by=alice,
    )
    text = _letter(azat, addressee).text()
    assert f"\n{salutation}\n" in text
    other = "Dear Sir or Madam," if salutation == "Your Excellency," else "Your Excellency,"
    assert other not in text
    russian = _letter(azat, addressee, "ru").text()
    expected = (
        "Ваше Превосходительство," if salutation == "Your Excellency," else "Уважаемые господа,"
    )
    assert f"\n{expected}\n" in russian


def test_an_assistant_secretary_is_dear_sir_or_madam_unless_given_a_salutation(azat, alice):
    give_the_organisation()
    addressee = services.addressee_create(
        kind=Addressee.Kind.EMBASSY,
        title="Assistant Secretary",
        organisation="U.S. Department of State",
        country="US",
        salutation="Dear Assistant Secretary,",
        salutation_language="en",
        by=alice,
    )
    assert "\nDear Assistant Secretary,\n" in _letter(azat, addressee).text()
    assert "\nУважаемые господа,\n" in _letter(azat, addressee, "ru").text()


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru"])
def test_a_country_the_address_already_names_in_any_language_is_not_added(azat, alice, language):
    """ "Ashgabat, Turkmenistan" ends the address: the Russian letter does not add
    "Туркменистан" under it (nor "Turkménistan", "Turkmenistán")."""
    give_the_organisation()
    addressee = services.addressee_create(
        kind=Addressee.Kind.GOVERNMENT,
        title="Minister for Foreign Affairs",
        address="Archabil avenue 108\nAshgabat, Turkmenistan",
        country="TM",
        by=alice,
    )
    text = _letter(azat, addressee, language).text()
    block = text.split("Archabil avenue 108\nAshgabat, Turkmenistan\n", 1)[1]
    assert block.startswith("\n"), block[:40]
    # An address not naming it still gets the country, in the letter's language.
    addressee.address = "Archabil avenue 108\nAshgabat"
    addressee.save()
    country = {
        "en": "Turkmenistan",
        "fr": "Turkménistan",
        "es": "Turkmenistán",
        "ru": "Туркменистан",
    }
    text = _letter(azat, addressee, language).text()
    assert f"Archabil avenue 108\nAshgabat\n{country[language]}\n" in text
