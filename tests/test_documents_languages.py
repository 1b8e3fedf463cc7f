# ruff: noqa: E501 — tables of dates read better one case a line.
"""Documents in English, French, Spanish and Russian: the same wording keys in every
language, dates and country names in the document's language, the person's name in
the document's script with the other spellings "also written", and a warning to the
staff when the record's free text is in another script than the document."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given

from habeas.advocacy import documents, services
from habeas.advocacy.models import Intervention
from habeas.advocacy.texts import LANGUAGES, TEXTS, country_name, format_date
from habeas.cases import services as cases
from habeas.cases.models import Event, PersonName
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source
from tests.support.advocacy import give_what_the_un_asks
from tests.support.partial_dates import unhurried, values

TODAY = date(2026, 11, 28)
KINDS = ("wgeid", "ced_urgent_action", "special_procedures", "letter", "urgent_action")


@pytest.fixture
def org(settings):
    settings.HABEAS_ORGANISATION = "Demo Rights Centre"


@pytest.fixture
def complete_case(alices_case, alice, org):
    """Рустам Исаков (primary, Cyrillic) also recorded as Rustam Isakow: the record's
    free text is English, as the field often has it."""
    alices_case.disappeared_place = "Istanbul, Esenyurt"
    alices_case.save()
    police = cases.actor_create(name="Istanbul police (test)", country="TR", by=alice)
    give_what_the_un_asks(
        alices_case, police=police, arrested_on="2021-10-20", searched_on="2021-10-25", by=alice
    )
    return alices_case


def _document(client, case, kind: str, lang: str, **extra) -> tuple[str, str]:
    """(the staff's page around the document, the document itself) as the preview shows them."""
    query = {"doc": kind, "lang": lang, **extra}
    page = client.get(reverse("case_document", args=[case.public_id]), query)
    assert page.status_code == 200, (kind, lang)
    body = page.content.decode()
    start = body.index('<article class="document"')
    return body[:start], body[start:]


# --- The wording ------------------------------------------------------------------------


def test_the_pickers_offer_the_four_languages(alices_case, alice, client):
    assert LANGUAGES == ("en", "fr", "es", "ru")
    assert set(TEXTS) == set(LANGUAGES)
    client.force_login(alice)
    page = client.get(reverse("case_advocacy", args=[alices_case.public_id])).content.decode()
    for option in ("English", "Français", "Español", "Русский"):
        assert f">{option}</option>" in page
    briefing = client.get(reverse("briefing"), {"country": "TM", "lang": "es"}).content.decode()
    assert '<option value="es" selected>Español</option>' in briefing


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_exactly_the_english_keys(language):
    english, wording = TEXTS["en"], TEXTS[language]
    assert sorted(set(english) - set(wording)) == [], "missing"
    assert sorted(set(wording) - set(english)) == [], "not in English"
    for key, text in wording.items():
        assert text.strip(), key
        # A placeholder English does not fill would fail the document at run time.
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        english_fields = {n for _, n, _, _ in string.Formatter().parse(english[key]) if n}
        assert fields <= english_fields, key


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_un_bodies_are_named_as_the_un_names_them(language):
    t = TEXTS[language]
    wgeid, committee, fate = {
        "fr": (
            "Groupe de travail sur les disparitions forcées ou involontaires",
            "Comité des disparitions forcées",
            "le sort et le lieu où se trouve",
        ),
        "es": (
            "Grupo de Trabajo sobre las Desapariciones Forzadas o Involuntarias",
            "Comité contra la Desaparición Forzada",
            "la suerte y el paradero",
        ),
    }[language]
    assert t["sp.mandate.wgeid"] == wgeid
    assert wgeid.split(" ", 3)[3] in t["wgeid.title"]  # "sur les disparitions forcées…"
    assert committee in t["ced.to"] and committee in t["kind.ced_urgent_action"]
    assert fate in t["ask.disclose"]


# --- Every document kind in every language, with no English left --------------------------

# Words of the English templates; none is in the fixture's record.
ENGLISH = re.compile(
    r"\b(Submission|Full name|Other spellings|Date of|Place of|Forces believed|Circumstances|"
    r"Steps taken|Submitted by|Consent of|disclose|whereabouts|release|Please|Yours|"
    r"faithfully|Dear|unknown|Country|Days since|Summary|Background|Request|Committee|"
    r"Working Group|Special Rapporteur|alleged perpetrator|None recorded|INCOMPLETE)\b"
)


@pytest.mark.parametrize("lang", ["fr", "es", "ru"])
def test_every_kind_builds_with_no_english_left(complete_case, alice, client, lang):
    addressee = services.addressee_create(kind="government", organisation="MFA", by=alice)
    client.force_login(alice)
    for kind in KINDS:
        _, document = _document(client, complete_case, kind, lang, addressee=addressee.public_id)
        assert not ENGLISH.findall(document), (kind, ENGLISH.findall(document))
        assert "Oct" not in document and "Turkmenistan" not in document, kind
    briefing = client.get(reverse("briefing"), {"country": "TM", "lang": lang})
    assert briefing.status_code == 200
    body = briefing.content.decode()
    assert not ENGLISH.findall(body[body.index('<article class="document"') :]), lang


def test_the_english_documents_still_read_in_english(complete_case, alice, client):
    client.force_login(alice)
    _, document = _document(client, complete_case, "wgeid", "en")
    assert "Full name: Rustam Isakow" in document and "20 Oct 2021" in document


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_working_group_takes_french_and_spanish_without_a_warning(
    complete_case, alice, bob, client, lang
):
    client.force_login(bob)
    staff, _ = _document(client, complete_case, "wgeid", lang)
    assert "accepts submissions in English, French or Spanish only" not in staff
    created = client.post(
        reverse("intervention_add", args=[complete_case.public_id]),
        {"kind": "wgeid_standard", "language": lang},
        follow=True,
    )
    assert "English, French or Spanish only" not in created.content.decode()
    intervention = Intervention.objects.get(case=complete_case)
    assert intervention.language == lang
    document = documents.intervention_document(intervention=intervention, today=TODAY)
    assert document.language == lang and document.title == TEXTS[lang]["wgeid.title"]


# --- The name in the document's script (bugs 11 and 12) ----------------------------------


def test_bug12_an_english_submission_prints_the_latin_name(complete_case, alice, client):
    """The primary name is Cyrillic: the English WGEID prints the Latin spelling and the
    Cyrillic one as also written (it printed "Рустам Исаков" throughout)."""
    client.force_login(alice)
    _, document = _document(client, complete_case, "wgeid", "en")
    assert "Full name: Rustam Isakow" in document
    assert "Other spellings: Рустам Исаков" in document
    _, action = _document(client, complete_case, "urgent_action", "en")
    assert "disclose the fate and whereabouts of Rustam Isakow;" in action
    assert "of Рустам Исаков" not in action


@pytest.fixture
def azat(alice, org):
    """Bug 11's case: entered in Latin script, the Russian spelling added later."""
    person = cases.person_create(
        name="Azat Isakov", name_kind=PersonName.Kind.TRANSLITERATION, by=alice
    )
    cases.person_name_add(person=person, text="Азат Исаков", language="ru", by=alice)
    cases.person_name_add(person=person, text="Azat Isakow", language="tk", by=alice)
    case = cases.case_create(
        reference="TM-2021-101",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20"),
        by=alice,
    )
    case.disappeared_place = "Москва"
    case.save()
    cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        place="Moscow",
        description="Police came to his door.",
        by=alice,
    )
    services.event_clearances_set(
        case=case, clearances=dict.fromkeys(case.events.all(), Event.Clearance.PUBLIC), by=alice
    )
    return case


def test_bug11_a_russian_letter_names_him_in_cyrillic(azat, alice, client):
    addressee = services.addressee_create(kind="government", organisation="МИД", by=alice)
    client.force_login(alice)
    staff, document = _document(client, azat, "letter", "ru", addressee=addressee.public_id)
    assert "Полное имя: Азат Исаков" in document
    assert "Другие написания: Azat Isakov, Azat Isakow" in document
    assert "сообщить о судьбе и местонахождении следующего лица: Азат Исаков;" in document
    assert "местонахождении: Azat" not in document and "Azat Isakov;" not in document
    # The event's English text and place go as recorded: the staff are told, not the reader.
    warning = "2 passages of the record going into this document"
    assert warning in staff and "Cyrillic" in staff
    assert warning not in document


def test_the_name_a_document_prints_is_chosen_by_script_and_kind(alice):
    person = cases.person_create(name="Рустам Исаков", by=alice)
    add = cases.person_name_add
    add(person=person, text="Rustam Isakow", kind=PersonName.Kind.REPORTED, by=alice)
    add(person=person, text="Rustam Isakov", kind=PersonName.Kind.TRANSLITERATION, by=alice)
    add(person=person, text="Rustam Issakov", kind=PersonName.Kind.MISSPELLING, by=alice)
    add(person=person, text="Rustem Ysakow", kind=PersonName.Kind.EXPECTED, by=alice)
    add(person=person, text="Rusik", kind=PersonName.Kind.ALIAS, by=alice)

    def name(language):
        return documents.name_for_language(person, language)

    # A transliteration before a spelling as reported; never an expected spelling.
    assert name("fr") == (
        "Rustam Isakov",
        ["Рустам Исаков", "Rustam Isakow", "Rustam Issakov", "Rusik"],
    )
    assert name("ru")[0] == "Рустам Исаков" and "Rustem Ysakow" not in name("ru")[1]
    # An official spelling before all of them.
    add(person=person, text="Rustam Isakov Jr", kind=PersonName.Kind.OFFICIAL, by=alice)
    assert name("es")[0] == "Rustam Isakov Jr"
    assert name("es")[1][:2] == ["Рустам Исаков", "Rustam Isakow"]


def test_a_misspelling_or_expected_spelling_is_never_the_name(alice):
    person = cases.person_create(name="Рустам Исаков", by=alice)
    cases.person_name_add(
        person=person, text="Rustam Issakov", kind=PersonName.Kind.MISSPELLING, by=alice
    )
    cases.person_name_add(
        person=person, text="Rustam Ysakow", kind=PersonName.Kind.EXPECTED, by=alice
    )
    # No Latin spelling fit to print: the primary name, whatever its script.
    assert documents.name_for_language(person, "en") == ("Рустам Исаков", ["Rustam Issakov"])


def test_english_text_in_an_english_document_raises_no_warning(complete_case, alice, client):
    client.force_login(alice)
    staff, _ = _document(client, complete_case, "wgeid", "en")
    assert "passage" not in staff


def test_cyrillic_text_in_an_english_document_is_counted(complete_case, alice):
    event = complete_case.events.get(kind=Event.Kind.ARREST)
    event.description = "Полиция пришла к нему домой."
    event.save()
    document = documents.build(
        kind=documents.DocKind.WGEID, case=complete_case, language="en", today=TODAY, addressees=[]
    )
    assert any("1 passage of the record" in w and "Latin" in w for w in document.warnings)
    assert "1 passage" not in document.text()


def test_a_statement_in_another_script_is_counted(complete_case, alice):
    mother = Source.objects.get(case=complete_case, code_name="MOTHER")
    sources.claim_add(
        case=complete_case,
        source=mother,
        topic=Claim.Topic.WHEREABOUTS,
        statement="Его держат в Овадандепе.",
        received_on=PartialDate.parse("2021-11"),
        material=Claim.Material.TESTIMONY,
        by=alice,
    )
    document = documents.build(
        kind=documents.DocKind.WGEID, case=complete_case, language="en", today=TODAY, addressees=[]
    )
    assert any("1 passage of the record" in w for w in document.warnings)
    russian = documents.build(
        kind=documents.DocKind.WGEID, case=complete_case, language="ru", today=TODAY, addressees=[]
    )
    # In Russian the English ones are: two descriptions, an event's place, the case's.
    assert any("4 passages of the record" in w for w in russian.warnings), russian.warnings


# --- Dates and countries ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "french", "spanish"),
    [
        ("20 Oct 2021", "20 octobre 2021", "20 de octubre de 2021"),
        ("1 Aug 2021", "1er août 2021", "1 de agosto de 2021"),
        ("Oct 2021", "octobre 2021", "octubre de 2021"),
        ("2021", "2021", "2021"),
        ("20 Oct 2021 12:43", "20 octobre 2021 à 12 h 43", "20 de octubre de 2021, 12:43"),
        ("about Oct 2021", "vers octobre 2021", "hacia octubre de 2021"),
        ("about 20 Oct 2021", "vers le 20 octobre 2021", "hacia el 20 de octubre de 2021"),
        ("before Oct 2021", "avant octobre 2021", "antes de octubre de 2021"),
        ("before 20 Oct 2021", "avant le 20 octobre 2021", "antes del 20 de octubre de 2021"),
        ("after 2019", "après 2019", "después de 2019"),
        ("before about Oct 2021", "avant octobre 2021 environ", "antes de octubre de 2021 aproximadamente"),
        ("early 2003", "début 2003", "a principios de 2003"),
        ("mid 2003", "mi-2003", "a mediados de 2003"),
        ("late Nov 2021", "fin novembre 2021", "a finales de noviembre de 2021"),
        ("mid Apr 2021", "mi-avril 2021", "a mediados de abril de 2021"),
        ("between 20 and 22 Oct 2021", "du 20 au 22 octobre 2021", "del 20 al 22 de octubre de 2021"),
        ("between Oct and Dec 2021", "d'octobre à décembre 2021", "de octubre a diciembre de 2021"),
        ("between 22 Oct and Nov 2021", "du 22 octobre à novembre 2021", "del 22 de octubre a noviembre de 2021"),
        ("between Oct and 5 Nov 2021", "d'octobre au 5 novembre 2021", "de octubre al 5 de noviembre de 2021"),
        ("between 2020 and Oct 2021", "de 2020 à octobre 2021", "de 2020 a octubre de 2021"),
        ("between 2002 and 2004", "de 2002 à 2004", "de 2002 a 2004"),
        ("between 20 Oct 2021 and 3 Jan 2022", "du 20 octobre 2021 au 3 janvier 2022", "del 20 de octubre de 2021 al 3 de enero de 2022"),
        ("approximately between 2019 and 2020", "approximativement de 2019 à 2020", "aproximadamente de 2019 a 2020"),
    ],
)  # fmt: skip
def test_each_shape_in_french_and_spanish(typed, french, spanish):
    value = PartialDate.parse(typed)
    assert format_date(value, "fr") == french
    assert format_date(value, "es") == spanish


ENGLISH_DATE_WORDS = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|about|before|after|between|and|"
    r"early|mid|late|approximately)\b"
)


@unhurried
@given(values)
def test_every_shape_is_written_in_french_and_spanish(value):
    for language in ("fr", "es"):
        text = format_date(value, language)
        # The same years as the English, and no English word.
        assert re.findall(r"\d{4}", text) == re.findall(r"\d{4}", value.display()), text
        assert not ENGLISH_DATE_WORDS.search(text), text
        # Words of one language never leak into the other.
        assert not re.search(r"\b(de le|à le|a el|de el)\b", text), text
        other = {
            "fr": r"\b(del|al|antes|después|hacia|principios|mediados|finales|aproximadamente)\b",
            "es": r"\b(du|au|avant|après|vers|début|fin|environ|approximativement)\b",
        }
        assert not re.search(other[language], text), text


@pytest.mark.parametrize(
    ("language", "turkmenistan", "russia"),
    [
        ("fr", "Turkménistan", "Russie"),
        ("es", "Turkmenistán", "Rusia"),
        ("ru", "Туркменистан", "Россия"),
    ],
)
def test_country_names_in_the_documents_language(language, turkmenistan, russia):
    assert country_name("TM", language) == turkmenistan
    assert country_name("RU", language) == russia


@pytest.mark.parametrize(
    ("name", "full"),
    [("王小明", True), ("王", False), ("김민준", True), ("Rustam", False), ("Rustam Isakow", True)],
)
def test_a_chinese_or_korean_full_name_needs_no_space(name, full):
    assert documents._is_full_name(name) is full
