"""Documents in Russian are Russian throughout: wording, labels, country names and
dates ("20 октября 2021 г."), from fixed tables rather than the system locale."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from habeas.advocacy import documents, services
from habeas.advocacy.models import Intervention
from habeas.advocacy.texts import TEXTS, format_date
from habeas.cases import services as cases
from habeas.cases.models import Event, EventActor, Person
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source
from tests.support.documents import docx_text, pdf_text
from tests.support.organisation import give_the_organisation

ENGLISH_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
)


@pytest.mark.parametrize(
    ("edtf", "english", "russian"),
    [
        ("2021-10-20", "20 Oct 2021", "20 октября 2021 г."),
        ("2021-10-20T12:43", "20 Oct 2021, 12:43", "20 октября 2021 г., 12:43"),
        ("2021-10", "Oct 2021", "октябрь 2021 г."),
        ("2021", "2021", "2021 г."),
        ("2021-10~", "about Oct 2021", "около октября 2021 г."),
        ("2002~", "about 2002", "около 2002 г."),
        ("2021-10-20/2021-10-22", "between 20 and 22 Oct 2021", "с 20 по 22 октября 2021 г."),
        ("2021-10-30/2021-11-02", None, "с 30 октября по 2 ноября 2021 г."),
        ("2021-12-30/2022-01-02", None, "с 30 декабря 2021 г. по 2 января 2022 г."),
        ("2021-10/2021-12", None, "с октября по декабрь 2021 г."),
        ("2021-11/2022-02", None, "с ноября 2021 г. по февраль 2022 г."),
        ("2002/2004", None, "с 2002 по 2004 г."),
    ],
)
def test_dates_in_each_language(edtf, english, russian):
    value = PartialDate.from_edtf(edtf)
    if english is not None:
        assert format_date(value, "en") == english
    assert format_date(value, "ru") == russian


def test_a_calendar_day_in_each_language():
    assert format_date(date(2026, 5, 1), "en") == "1 May 2026"
    assert format_date(date(2026, 5, 1), "ru") == "1 мая 2026 г."


@pytest.mark.parametrize("month", range(1, 13))
def test_a_russian_date_a_document_writes_is_read_back_as_the_same_date(month):
    """One table of month names serves both ways: what a Russian document writes,
    typed back into a date field, is the same month."""
    for edtf in (f"2021-{month:02}-20", f"2021-{month:02}"):
        value = PartialDate.from_edtf(edtf)
        written = format_date(value, "ru").removesuffix(" г.")
        assert PartialDate.parse(written) == value, written


def test_every_label_of_the_record_has_wording_in_both_languages():
    for language in TEXTS:
        assert set(TEXTS[language]) == set(TEXTS["en"]), language
    keys = set(TEXTS["en"])
    needed = (
        [f"source.{v}" for v in Source.Kind.values]
        + [f"role.{v}" for v in EventActor.Role.values]
        + [f"sex.{v}" for v in Person.Sex.values if v]
        + [f"kind.{v}" for v in Intervention.Kind.values]
    )
    assert set(needed) <= keys


@pytest.fixture
def russian_case(alices_case, alice, settings):
    """A case with something for every label: sex, birth date, nationality, an
    event with a perpetrator, a named source's claim, steps taken at home and at
    the UN — all its data in Russian, so that any English left is a label."""
    give_the_organisation(
        name="Правозащитный центр",
        address="ул. Мира, 1\nМосква",
        signatory_name="Анна Петрова",
        signatory_title="Директор",
    )
    case = alices_case
    person = case.people.get()
    cases.person_update(
        person=person,
        sex="m",
        birth_date=PartialDate.parse("1985-03-02"),
        nationality="TM",
        occupation="блогер",
        by=alice,
    )
    cases.case_update(case=case, disappeared_place="Стамбул, Эсеньюрт", by=alice)
    police = cases.actor_create(name="Полиция Стамбула", country="TR", by=alice)
    events = [
        cases.event_add(
            case=case,
            kind=Event.Kind.ARREST,
            occurred_on=PartialDate.parse("2021-10-20"),
            place="Эсеньюрт",
            description="Полиция пришла к нему домой.",
            actors=[(police, EventActor.Role.ALLEGED_PERPETRATOR)],
            by=alice,
        ),
        cases.event_add(
            case=case,
            kind=Event.Kind.SEARCH_BY_FAMILY,
            occurred_on=PartialDate.parse("2021-11"),
            description="Мать обратилась в прокуратуру.",
            by=alice,
        ),
    ]
    services.event_clearances_set(
        case=case, clearances=dict.fromkeys(events, Event.Clearance.PUBLIC), by=alice
    )
    mother = sources.source_add(
        case=case,
        code_name="MAMA",
        kind=Source.Kind.RELATIVE,
        consent_to_un=True,
        consent_to_government=True,
        consent_information_public=True,
        consent_named_publicly=True,
        by=alice,
    )
    sources.claim_add(
        case=case,
        source=mother,
        topic=Claim.Topic.WHEREABOUTS,
        statement="Его видели в следственном изоляторе.",
        received_on=PartialDate.parse("2021-12-05"),
        material=Claim.Material.TESTIMONY,
        by=alice,
    )
    addressee = services.addressee_create(
        kind="government",
        name="Генеральный прокурор",
        organisation="Генеральная прокуратура",
        salutation="Уважаемый господин Генеральный прокурор!",
        salutation_language="ru",
        by=alice,
    )
    sent_on = timezone.localdate() - timedelta(days=30)
    for kind in (Intervention.Kind.LETTER_AUTHORITIES, Intervention.Kind.WGEID_STANDARD):
        intervention = services.intervention_add(
            case=case, kind=kind, addressee=addressee, language="ru", by=alice
        )
        Intervention.objects.filter(pk=intervention.pk).update(sent_on=sent_on, status="sent")
    return case, addressee


def _english_left(text: str) -> list[str]:
    """English labels, wording and month names found in `text`."""
    found = ENGLISH_MONTHS.findall(text)
    for value in TEXTS["en"].values():
        for fragment in re.split(r"\{\w+\}", value):
            fragment = fragment.strip(" .,:;")
            if len(fragment) >= 5 and fragment in text:
                found.append(fragment)
    labels = [
        *Source.Kind.labels,
        *EventActor.Role.labels,
        *(label for value, label in Person.Sex.choices if value),
        *Intervention.Kind.labels,
        "Turkmenistan",
        "Turkey",
    ]
    found += [str(label) for label in labels if len(str(label)) >= 5 and str(label) in text]
    return found


@pytest.mark.parametrize("kind", [*documents.DocKind, "briefing"])
def test_a_russian_document_has_no_english_in_any_format(russian_case, alice, client, kind):
    case, addressee = russian_case
    client.force_login(alice)
    if kind == "briefing":
        url = reverse("briefing") + "?country=TM&lang=ru"
    else:
        url = reverse("case_document", args=[case.public_id])
        url += f"?doc={kind}&lang=ru&addressee={addressee.public_id}"
    html = client.get(url).content.decode()
    article = html[html.index('<article class="document"') : html.index("</article>")]
    pdf = " ".join(pdf_text(client.get(url + "&format=pdf").content).split())
    docx = docx_text(client.get(url + "&format=docx").content)
    for fmt, text in (("html", article), ("pdf", pdf), ("docx", docx)):
        assert _english_left(text) == [], (kind, fmt)
        assert re.search(r"\d{1,2} (октября|ноября|декабря) 202\d г\.", text), (kind, fmt)


def test_a_russian_submission_names_things_in_russian(russian_case):
    case, addressee = russian_case
    text = documents.wgeid_submission(case=case, language="ru", today=date(2026, 11, 28)).text()
    assert "Пол: Мужской" in text
    assert "Дата рождения: 2 марта 1985 г." in text
    assert "Гражданство: Туркменистан" in text
    assert "Полиция Стамбула (предполагаемый исполнитель), Турция" in text
    assert (
        "Родственник, без даты (получено нами: 5 декабря 2021 г.): "
        "Его видели в следственном изоляторе." in text
    )
    assert "Письмо властям — Генеральная прокуратура" in text
    assert "ноябрь 2021 г.: Мать обратилась в прокуратуру." in text
    letter = documents.authorities_letter(
        case=case, language="ru", today=date(2026, 11, 28), addressee=addressee
    ).text()
    assert "28 ноября 2026 г." in letter
    english = documents.authorities_letter(
        case=case, language="en", today=date(2026, 11, 28), addressee=addressee
    ).text()
    assert "28 Nov 2026" in english
