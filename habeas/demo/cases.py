"""Fictional demo data: 35 cases across eleven countries.

Every person, source and statement here is invented. The first case (first_case.py)
follows the story in docs/domain.md; the others cover long disappearances in prison,
releases, deaths in custody, closed cases, and names in Cyrillic and Latin.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from habeas.accounts.models import User
from habeas.cases import services as cases
from habeas.cases.models import (
    Actor,
    Case,
    Event,
    EventActor,
    PersonName,
)
from habeas.demo import advocacy as advocacy_demo
from habeas.demo import backfilled
from habeas.demo import evidence as evidence_demo
from habeas.demo import protection as protection_demo
from habeas.demo.first_case import FIRST_REFERENCE, first_case
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source

DEMO_USERNAME = "demo"

Kind = PersonName.Kind


def is_loaded() -> bool:
    return Case.objects.filter(reference=FIRST_REFERENCE).exists()


def _actors(by: User) -> dict[str, Actor]:
    made: dict[str, Actor] = {}
    for key, name, kind, country, parent in [
        ("tm_mnb", "Ministry of National Security", "agency", "TM", None),
        ("tm_mnb_5", "Fifth Department (counter-extremism)", "unit", "TM", "tm_mnb"),
        ("tm_mvd", "Ministry of Internal Affairs", "agency", "TM", None),
        ("tm_prison", "Prison facility LB-K/12 (fictional)", "unit", "TM", "tm_mvd"),
        ("tr_moi", "Ministry of Interior", "agency", "TR", None),
        ("tr_migration", "Directorate of Migration Management", "unit", "TR", "tr_moi"),
        ("ru_fsb", "Federal Security Service", "agency", "RU", None),
        # Named like Turkmenistan's on purpose: actors are told apart by their State.
        ("ru_mvd", "Ministry of Internal Affairs", "agency", "RU", None),
        ("ru_centre_e", "Centre for Countering Extremism", "unit", "RU", None),
        ("by_kgb", "State Security Committee", "agency", "BY", None),
        ("uz_sgb", "State Security Service", "agency", "UZ", None),
        ("tj_gknb", "State Committee for National Security", "agency", "TJ", None),
        ("kg_gknb", "State Committee for National Security", "agency", "KG", None),
        ("kz_knb", "National Security Committee", "agency", "KZ", None),
        ("eg_nsa", "National Security Agency", "agency", "EG", None),
        ("mx_police", "State Police (fictional unit)", "agency", "MX", None),
        ("lk_army", "Army (fictional brigade)", "agency", "LK", None),
        ("sy_intel", "Military Intelligence (fictional branch)", "agency", "SY", None),
    ]:
        made[key] = cases.actor_create(
            name=name,
            kind=kind,
            country=country,
            parent=made.get(parent) if parent else None,
            by=by,
        )
    return made


# reference, country, names (text, script, language, kind), sex, disappeared, place,
# statuses after "reported missing" [(status, as-of, basis, closed reason)], priority, summary
OTHER_CASES = [
    (
        "TM-2002-004",
        "TM",
        [("Аннамурад Гурбанов", "Cyrl", "ru"), ("Annamyrat Gurbanow", "Latn", "tk")],
        "m",
        "about 2002",
        "Ashgabat",
        [("presumed_ed", "2003-03-01", "Sentenced in a closed trial; no news since.", "")],
        2,
        "Former official sentenced after the events of November 2002; family never allowed a visit.",
    ),
    (
        "TM-2002-007",
        "TM",
        [("Довлетгелды Оразов", "Cyrl", "ru"), ("Döwletgeldi Orazow", "Latn", "tk")],
        "m",
        "2002-12",
        "Ashgabat",
        [("presumed_ed", "2003-02-10", "Transferred to an unknown prison.", "")],
        2,
        "Diplomat; arrested in December 2002; believed held in a high-security prison.",
    ),
    (
        "TM-2003-001",
        "TM",
        [("Мердан Ходжамурадов", "Cyrl", "ru"), ("Merdan Hojamyradow", "Latn", "tk")],
        "m",
        "2003-01-14",
        "Turkmenabat",
        [("presumed_ed", "2003-06-01", "No acknowledgement of detention.", "")],
        3,
        "Journalist; taken from his home in Turkmenabat.",
    ),
    (
        "TM-2003-009",
        "TM",
        [("Огулджан Бердыева", "Cyrl", "ru"), ("Oguljan Berdiýewa", "Latn", "tk")],
        "f",
        "between 2003-02 and 2003-04",
        "Dashoguz",
        [("presumed_ed", "2004-01-01", "Unconfirmed reports of death in custody.", "")],
        2,
        "Teacher; relatives heard unconfirmed reports of her death in 2010.",
    ),
    (
        "TM-2004-002",
        "TM",
        [("Сапармурад Аманов", "Cyrl", "ru"), ("Saparmyrat Amanow", "Latn", "tk")],
        "m",
        "2004",
        "Mary",
        [("dead", "2019-05-20", "Family informed of death in custody.", "")],
        3,
        "Died in custody; the family was informed in 2019.",
    ),
    (
        "TM-2005-003",
        "TM",
        [("Гульшат Мамедова", "Cyrl", "ru"), ("Gülşat Mämmedowa", "Latn", "tk")],
        "f",
        "2005-06",
        "Balkanabat",
        [("released", "2021-09-01", "Released after 16 years; family confirmed.", "")],
        4,
        "Released in 2021.",
    ),
    (
        "TM-2008-011",
        "TM",
        [("Бахтияр Назаров", "Cyrl", "ru"), ("Bahtyýar Nazarow", "Latn", "tk")],
        "m",
        "about 2008",
        "Ashgabat",
        [
            (
                "detention_acknowledged",
                "2012-04-01",
                "Authorities acknowledged a sentence, not the place.",
                "",
            )
        ],
        3,
        "Sentence acknowledged in 2012; place of detention never disclosed.",
    ),
    (
        "TM-2018-005",
        "TM",
        [("Айна Гельдыева", "Cyrl", "ru"), ("Aýna Geldiýewa", "Latn", "tk")],
        "f",
        "2018-03-08",
        "Ashgabat airport",
        [("whereabouts_confirmed", "2018-09-01", "Lawyer saw her in a pre-trial facility.", "")],
        3,
        "Stopped at the airport; whereabouts confirmed six months later.",
    ),
    (
        "TM-2021-003",
        "TM",
        [("Ыхлас Меретов", "Cyrl", "ru"), ("Yhlas Meredow", "Latn", "tk")],
        "m",
        "between 20 and 22 Oct 2021",
        "Moscow → Ashgabat",
        [("presumed_ed", "2021-12-01", "Forcibly returned; no information.", "")],
        1,
        "Migrant worker; forcibly returned from Russia.",
    ),
    (
        "TM-2024-002",
        "TM",
        [("Мерет Язмурадов", "Cyrl", "ru"), ("Meret Ýazmyradow", "Latn", "tk")],
        "m",
        "2024-07",
        "Istanbul",
        [
            (
                "closed",
                "2024-09-10",
                "Found safe in a third country.",
                "Found safe; family asked to close the case",
            )
        ],
        4,
        "Reported missing; later found safe.",
    ),
    (
        "RU-2000-014",
        "RU",
        [("Ахмед Мусаев", "Cyrl", "ru"), ("Akhmed Musaev", "Latn", "en")],
        "m",
        "2000-05-11",
        "Grozny",
        [("presumed_ed", "2000-08-01", "Detained at a checkpoint; never seen again.", "")],
        3,
        "Detained at a checkpoint in 2000.",
    ),
    (
        "RU-2001-022",
        "RU",
        [("Зарема Исаева", "Cyrl", "ru"), ("Zarema Isaeva", "Latn", "en")],
        "f",
        "about 2001",
        "Urus-Martan",
        [("presumed_ed", "2002-01-01", "Abducted by armed men in uniform.", "")],
        3,
        "Abducted from her home at night.",
    ),
    (
        "RU-2009-003",
        "RU",
        [("Руслан Исаков", "Cyrl", "ru"), ("Ruslan Isakov", "Latn", "en")],
        "m",
        "2009-07-15",
        "Nazran",
        [("dead", "2009-09-01", "Body identified by family.", "")],
        4,
        "Body found two months later.",
    ),
    (
        "RU-2022-031",
        "RU",
        [("Илья Соколов", "Cyrl", "ru"), ("Ilya Sokolov", "Latn", "en")],
        "m",
        "2022-10",
        "Moscow",
        [("detention_acknowledged", "2023-02-01", "Charged; held incommunicado for months.", "")],
        2,
        "Anti-war protester held incommunicado.",
    ),
    (
        "RU-2023-008",
        "RU",
        [("Марьям Алиева", "Cyrl", "ru"), ("Mariam Alieva", "Latn", "en")],
        "f",
        "2023-04-02",
        "Makhachkala",
        [("released", "2023-06-15", "Released; family confirmed.", "")],
        4,
        "Released after ten weeks.",
    ),
    (
        "BY-1999-001",
        "BY",
        [("Виктор Гончаренко", "Cyrl", "ru"), ("Viktar Hancharenka", "Latn", "be")],
        "m",
        "1999-09",
        "Minsk",
        [("presumed_ed", "2000-01-01", "No trace since September 1999.", "")],
        3,
        "Opposition organiser.",
    ),
    (
        "BY-2021-010",
        "BY",
        [("Алесь Кузьмич", "Cyrl", "be"), ("Ales Kuzmich", "Latn", "en")],
        "m",
        "2021-02",
        "Homel",
        [("detention_acknowledged", "2022-03-01", "Sentenced; no contact allowed.", "")],
        2,
        "Political prisoner held incommunicado.",
    ),
    (
        "BY-2020-021",
        "BY",
        [("Наталья Ковальчук", "Cyrl", "ru"), ("Natallia Kavalchuk", "Latn", "be")],
        "f",
        "2020-08-10",
        "Minsk",
        [("released", "2020-08-20", "Released after ten days.", "")],
        4,
        "Detained during protests.",
    ),
    (
        "UZ-2005-002",
        "UZ",
        [("Шавкат Юлдашев", "Cyrl", "ru"), ("Shavkat Yo'ldoshev", "Latn", "uz")],
        "m",
        "2005-05",
        "Andijan",
        [("presumed_ed", "2005-09-01", "Detained after the events in Andijan.", "")],
        3,
        "Detained after May 2005.",
    ),
    (
        "UZ-2015-004",
        "UZ",
        [("Дилноза Каримова", "Cyrl", "ru"), ("Dilnoza Karimova", "Latn", "uz")],
        "f",
        "2015",
        "Tashkent",
        [("dead", "2016-02-01", "Died in custody; family informed.", "")],
        4,
        "Died in custody.",
    ),
    (
        "UZ-2019-006",
        "UZ",
        [("Бобур Рахимов", "Cyrl", "ru"), ("Bobur Rahimov", "Latn", "uz")],
        "m",
        "2019-11-03",
        "Istanbul",
        [("presumed_ed", "2020-01-15", "Abducted abroad; returned by force.", "")],
        2,
        "Abducted in Istanbul.",
    ),
    (
        "TJ-2015-007",
        "TJ",
        [("Умед Назаров", "Cyrl", "ru"), ("Umed Nazarov", "Latn", "en")],
        "m",
        "2015-09",
        "Dushanbe",
        [("presumed_ed", "2015-12-01", "Opposition member, no information.", "")],
        3,
        "Opposition party member.",
    ),
    (
        "TJ-2018-002",
        "TJ",
        [("Шабнам Саидова", "Cyrl", "ru"), ("Shabnam Saidova", "Latn", "en")],
        "f",
        "2018-02-19",
        "Moscow",
        [("whereabouts_confirmed", "2018-05-01", "Held in Dushanbe pre-trial detention.", "")],
        3,
        "Forcibly returned from Russia.",
    ),
    (
        "TJ-2022-011",
        "TJ",
        [("Фаррух Шарипов", "Cyrl", "ru"), ("Farrukh Sharipov", "Latn", "en")],
        "m",
        "2022-05",
        "Khorog",
        [("presumed_ed", "2022-07-01", "Detained in the crackdown in the east.", "")],
        2,
        "Detained in Khorog.",
    ),
    (
        "KG-2021-001",
        "KG",
        [("Азамат Бакыт уулу", "Cyrl", "ky"), ("Azamat Bakyt uulu", "Latn", "ky")],
        "m",
        "2021-05-31",
        "Bishkek",
        [("released", "2021-07-05", "Reappeared in a third country.", "")],
        4,
        "Abducted in Bishkek; reappeared abroad.",
    ),
    (
        "KG-2023-004",
        "KG",
        [("Айгуль Токтогулова", "Cyrl", "ky"), ("Aigul Toktogulova", "Latn", "en")],
        "f",
        "2023-01",
        "Osh",
        [("closed", "2023-03-01", "Duplicate of another organisation's case.", "Duplicate record")],
        4,
        "Closed as a duplicate.",
    ),
    (
        "KZ-2022-001",
        "KZ",
        [("Ержан Касымов", "Cyrl", "ru"), ("Erjan Qasymov", "Latn", "kk")],
        "m",
        "2022-01-06",
        "Almaty",
        [("dead", "2022-02-01", "Body returned to the family.", "")],
        3,
        "Detained during January events.",
    ),
    (
        "KZ-2022-014",
        "KZ",
        [("Гульнара Ахметова", "Cyrl", "ru"), ("Gulnara Akhmetova", "Latn", "en")],
        "f",
        "2022-01-07",
        "Taldykorgan",
        [("released", "2022-01-25", "Released without charge.", "")],
        4,
        "Detained for 18 days.",
    ),
    (
        "EG-2019-033",
        "EG",
        [("Omar Hassan", "Latn", "en")],
        "m",
        "2019-09-21",
        "Cairo",
        [
            (
                "presumed_ed",
                "2019-11-01",
                "Arrested after protests; never brought before a court.",
                "",
            )
        ],
        2,
        "Student arrested after protests.",
    ),
    (
        "MX-2014-043",
        "MX",
        [("José Ramírez", "Latn", "es")],
        "m",
        "2014-09-26",
        "Iguala, Guerrero",
        [("presumed_ed", "2014-10-15", "Taken by police; no information.", "")],
        3,
        "Student taken by local police.",
    ),
    (
        "LK-2009-117",
        "LK",
        [("Kumar Selvaraj", "Latn", "en")],
        "m",
        "2009-05-18",
        "Vavuniya",
        [("presumed_ed", "2010-01-01", "Surrendered to the army; not seen since.", "")],
        3,
        "Surrendered at the end of the war.",
    ),
]


# Where exiles are taken from: the case then concerns two States.
TAKEN_ABROAD_IN = {"Istanbul": "TR", "Moscow": "RU"}


def _taken_in(place: str, country: str) -> str:
    taken = TAKEN_ABROAD_IN.get(place.split(" →")[0], "")
    return "" if taken == country else taken


def _other_case(row: tuple, by: User, actors: dict[str, Actor]) -> None:
    ref, country, names, sex, gone_text, place, statuses, priority, summary = row
    (first, script, lang), *variants = names
    person = cases.person_create(name=first, script=script, language=lang, sex=sex, by=by)
    for text, v_script, v_lang in variants:
        cases.person_name_add(
            person=person,
            text=text,
            script=v_script,
            language=v_lang,
            kind=Kind.TRANSLITERATION,
            seen_in="NGO reports",
            by=by,
        )
    gone = PartialDate.parse(gone_text)
    case = cases.case_create(
        reference=ref,
        person=person,
        country=country,
        summary=summary,
        by=by,
        disappeared_on=gone,
        disappeared_place=place,
        taken_in_country=_taken_in(place, country),
        priority=priority,
        tags=["prison"] if "prison" in summary.lower() else [],
    )
    agency = next((a for a in actors.values() if a.country == country and a.parent is None), None)
    event = cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=gone,
        place=place,
        by=by,
        description=summary,
        actors=[(agency, EventActor.Role.ALLEGED_PERPETRATOR)] if agency else [],
    )
    family = sources.source_add(
        case=case,
        code_name="FAMILY-1",
        kind=Source.Kind.RELATIVE,
        reliability="B",
        identity="A relative (demo)",
        notes="Reached through the family's lawyer; fears a visit from the police (demo).",
        consent_to_un=True,
        by=by,
    )
    advocacy_demo.family_consent(
        case,
        by,
        given_by="a relative (demo)",
        given_on=timezone.localdate(),
        to_un=True,
    )
    claim = sources.claim_add(
        case=case,
        source=family,
        topic=Claim.Topic.EVENT,
        event=event,
        by=by,
        statement=summary,
        # The family told it as it happened, as precisely as they know it.
        dated_on=gone,
        received_on=gone,
        material=Claim.Material.TESTIMONY,
        credibility=2,
    )
    for status, as_of, basis, reason in statuses:
        cases.status_assert(
            case=case,
            status=status,
            asserted_on=date.fromisoformat(as_of),
            basis=basis,
            closed_reason=reason,
            claims=[claim],
            by=by,
        )


def load(*, user: User) -> None:
    today = timezone.localdate()
    actors = _actors(user)
    first_case(user, actors, today)
    for row in OTHER_CASES:
        _other_case(row, user, actors)
    # Opened today about years back, as most cases are: nothing set behind the forms.
    backfilled.load(by=user, actors=actors, today=today)
    # Interventions, responses, addressees and public profiles.
    advocacy_demo.load(user=user, today=today)
    # Evidence files, generated here.
    evidence_demo.load(user=user, reference=FIRST_REFERENCE)
    # A person at risk, enrolled before anything happened.
    protection_demo.load(user=user)
