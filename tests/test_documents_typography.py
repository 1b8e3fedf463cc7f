# ruff: noqa: E501 — expected rows read better one a line.
"""Documents read as their language writes them: French puts a no-break space before
":" and ";" in every labelled row, and a PDF refusal still names the field; the asks
agree with the sentence that leads into them in every language; a field with
nothing recorded reads right whatever the gender of its label."""

from __future__ import annotations

import re
from datetime import date

import pytest

from habeas.advocacy import documents, render
from habeas.advocacy.documents import DocKind
from habeas.advocacy.texts import LANGUAGES, TEXTS
from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate
from tests.support.advocacy import give_what_the_un_asks

TODAY = date(2026, 11, 28)
NBSP = "\u00a0"
# Cuneiform: no font Habeas draws with has it (as in tests/test_advocacy_output.py).
NO_GLYPH_NAME, NO_GLYPH_PLACE = "𒀭𒂗𒍪", "𒌷𒉈𒆠"


@pytest.fixture
def org(settings):
    settings.HABEAS_ORGANISATION = "Demo Rights Centre"


@pytest.fixture
def complete_case(alices_case, alice, org):
    alices_case.disappeared_place = "Istanbul, Esenyurt"
    alices_case.save()
    police = cases.actor_create(name="Istanbul police (test)", country="TR", by=alice)
    give_what_the_un_asks(
        alices_case, police=police, arrested_on="2021-10-20", searched_on="2021-10-25", by=alice
    )
    return alices_case


def _text(case, kind: DocKind, language: str) -> str:
    return documents.build(
        kind=kind, case=case, language=language, today=TODAY, addressees=[]
    ).text()


@pytest.mark.parametrize("kind", list(DocKind))
def test_every_french_label_takes_a_no_break_space_before_its_colon(complete_case, kind):
    """GIVEN a case whose record has no colon or semicolon in its free text
    WHEN any document is written in French
    THEN every ":" and ";" has a no-break space before it, none a plain space or
    none at all; the English one keeps "Date: "."""
    french = _text(complete_case, kind, "fr")
    assert re.findall(rf"[^{NBSP}][:;](?=\s)", french) == []
    assert f"{NBSP}: " in french
    english = _text(complete_case, kind, "en")
    assert re.findall(rf"{NBSP}[:;]", english) == []


def test_french_labelled_rows_and_information_lines(complete_case):
    text = _text(complete_case, DocKind.WGEID, "fr")
    assert f"\nDate{NBSP}: 20 octobre 2021 à 12 h 43\n" in text
    assert (
        f"\nLieu de l'arrestation, de l'enlèvement ou où la personne a été vue pour la dernière fois{NBSP}: Istanbul, Esenyurt\n"
        in text
    )
    assert f"\nForces présumées responsables{NBSP}: Istanbul police (test)" in text
    assert f"\n- 25 octobre 2021{NBSP}: His mother asked" in text
    assert f"\n- 20 octobre 2021, Esenyurt{NBSP}: Police came" in text
    summary = _text(complete_case, DocKind.URGENT_ACTION, "fr")
    # The public sheet has the day only; the minute is the UN's (test_documents_letters).
    assert f"Date{NBSP}: 20 octobre 2021{NBSP}; Lieu de l'arrestation" in summary


def test_a_french_pdf_refusal_names_the_fields_without_the_separator(alice, org):
    """GIVEN a case whose name and place the PDF fonts cannot draw
    WHEN its French urgent action ("Date : …\u00a0; Lieu : …" on one line) is checked
    THEN the refusal names the fields as the reader sees them, no stray space."""
    person = cases.person_create(name=NO_GLYPH_NAME, by=alice)
    case = cases.case_create(reference="CN-2026-009", person=person, country="CN", by=alice)
    case.disappeared_on = PartialDate.parse("2026-01-05")
    case.disappeared_place = NO_GLYPH_PLACE
    case.save()
    case.refresh_from_db()
    document = documents.build(
        kind=DocKind.URGENT_ACTION, case=case, language="fr", today=TODAY, addressees=[]
    )
    place = (
        "Lieu de l'arrestation, de l'enlèvement ou où la personne a été vue pour la dernière fois"
    )
    assert f"{NBSP}; {place}{NBSP}: {NO_GLYPH_PLACE}" in document.text()
    assert f"Résumé — {place}" in render.pdf_gaps(document)
    submission = documents.build(
        kind=DocKind.WGEID, case=case, language="fr", today=TODAY, addressees=[]
    )
    assert render.pdf_gaps(submission)[:2] == [
        "La personne disparue — Nom complet",
        f"La disparition — {place}",
    ]


# What leads into each list of asks: the lead-in is one sentence with each bullet.
LEAD_INS = {
    "asks": ("ask.disclose", "ask.torture", "ask.access.m", "ask.release"),
    "sp.asks.urgent_appeal": ("ask.disclose", "ask.torture", "ask.access.m", "ask.release"),
    "sp.asks.allegation_letter": ("ask.disclose", "ask.torture", "ask.access.m", "ask.release"),
    "third.asks": (
        "third.ask.disclose",
        "third.ask.torture",
        "third.ask.access.m",
        "third.ask.judge",
    ),
    "recommendation": (
        "third.ask.disclose",
        "third.ask.torture",
        "third.ask.access.m",
        "third.ask.judge",
    ),
    "ced.asks": ("ced.ask.protect", "ced.ask.inform"),
}


def _infinitive(word: str, language: str) -> bool:
    endings = {"fr": ("er", "ir", "re"), "es": ("ar", "er", "ir")}[language]
    return word.endswith(endings)


@pytest.mark.parametrize("lead_in", LEAD_INS)
def test_spanish_asks_agree_with_their_lead_in(lead_in):
    """ "…que" takes the subjunctive ("les rogamos que revelen"), "…a"/"…de" the
    infinitive ("que insten al Gobierno … a revelar"): never "con la petición de
    revelen"."""
    t = TEXTS["es"]
    subjunctive = t[lead_in].endswith(" que")
    assert subjunctive or t[lead_in].endswith((" a", " de")), t[lead_in]
    for ask in LEAD_INS[lead_in]:
        verb = t[ask].split()[0]
        assert _infinitive(verb, "es") != subjunctive, (lead_in, t[ask])


@pytest.mark.parametrize("lead_in", LEAD_INS)
def test_french_asks_are_infinitives_after_de_or_a(lead_in):
    t = TEXTS["fr"]
    assert t[lead_in].endswith((" de", " à", " d'")), t[lead_in]
    for ask in LEAD_INS[lead_in]:
        assert _infinitive(t[ask].split()[0], "fr"), (lead_in, t[ask])


def test_the_spanish_special_procedures_closing_reads_as_one_sentence(complete_case):
    text = _text(complete_case, DocKind.SPECIAL_PROCEDURES, "es")
    assert "a sus autoridades que\n\n- revelen la suerte y el paradero de " in text
    assert "con la petición de" not in text


@pytest.mark.parametrize(
    ("language", "date_row", "place_row", "forces_row"),
    [
        (
            "en",
            "Date: unknown",
            "Place of arrest, abduction or where last seen: unknown",
            "Forces believed responsible: unknown",
        ),
        (
            "fr",
            f"Date{NBSP}: non communiquée",
            f"dernière fois{NBSP}: non communiqué",
            f"Forces présumées responsables{NBSP}: non identifiées",
        ),
        (
            "es",
            "Fecha: no consta",
            "por última vez: no consta",
            "Fuerzas presuntamente responsables: no consta",
        ),
        ("ru", "Дата: неизвестна", "в последний раз: неизвестно", ": неизвестны"),
    ],
)
def test_a_field_with_nothing_recorded_agrees_with_its_label(
    alice, org, language, date_row, place_row, forces_row
):
    person = cases.person_create(name="Aziz Karimov", by=alice)
    case = cases.case_create(reference="TM-2026-009", person=person, country="TM", by=alice)
    case.refresh_from_db()
    text = _text(case, DocKind.WGEID, language)
    for row in (date_row, place_row, forces_row):
        assert f"{row}\n" in text, row
    assert language in LANGUAGES


def test_the_russian_communication_does_not_make_every_victim_a_man(complete_case):
    """ "пострадавшего" is masculine; "жертва", as the UN's Russian texts write it,
    is said of a woman or a man alike."""
    text = _text(complete_case, DocKind.SPECIAL_PROCEDURES, "ru")
    assert "Имя жертвы " in text
    assert "пострадавш" not in text
