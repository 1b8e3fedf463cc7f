"""The page benchmark's seeder: N fictional cases written with executemany, fast.

Imported by bench/pages.py once Django is set up on the benchmark's own database, never
the organisation's: every function here writes to whatever the default connection is.
Everything generated is fictional; a fixed random seed makes two runs (and two machines)
compare like with like. The columns the services derive from a case's records are worked
out by `case_derived`, which tests/test_bench_seeding.py holds to the services.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from habeas.accounts.models import User
from habeas.cases import silence
from habeas.cases.models import (
    CLOSING_STATUSES,
    URGENT_WINDOW_MONTHS,
    Actor,
    Case,
    CaseMember,
    Event,
    EventActor,
    NameToken,
    Person,
    PersonName,
    Status,
    StatusAssertion,
    Tag,
)
from habeas.cases.services import SEARCH_STEP_KINDS, name_tokens_build
from habeas.lib.partialdate import PartialDate, Precision, add_months
from habeas.sources.models import Claim, ClaimLink, ClaimRelay, Source

BENCH_USERNAME = "bench"
# Bump when the generated data changes shape, so that old benchmark databases are reseeded.
GENERATOR_VERSION = 3
MARKER_TABLE = "habeas_bench_marker"
CASES_PER_CHUNK = 5_000  # one transaction each

Log = Callable[[str], None]


class BenchError(Exception):
    """Something the person running the benchmark must fix; the message says what."""


# --- names ---------------------------------------------------------------------------------
# Fictional people get plausible Russian/Turkmen-style names: one given name and one surname,
# each known in Cyrillic, Turkmen Latin and an English (BGN-like) romanisation.

_MALE = """
Аманмурад Amanmyrat Amanmurad   Ата Ata Ata                 Бабамурад Babamyrat Babamurad
Байрам Baýram Bayram            Бахтияр Bahtyýar Bakhtiyar  Батыр Batyr Batyr
Берды Berdi Berdy               Гельды Geldi Geldy          Гурбан Gurban Gurban
Довлет Döwlet Dovlet            Джума Juma Dzhuma           Ильяс Ylyas Ilyas
Керим Kerim Kerim               Мекан Mekan Mekan           Мердан Merdan Merdan
Мурад Myrat Murad               Нурмухаммед Nurmuhammet Nurmukhammed
Овез Öwez Ovez                  Ораз Oraz Oraz              Пирмухаммед Pirmuhammet Pirmukhammed
Рахим Rahym Rakhim              Рустам Rüstem Rustam        Сапар Sapar Sapar
Сердар Serdar Serdar            Таган Tagan Tagan           Тойли Toýly Toyli
Хаджи Hajy Khadzhi              Чары Çary Chary             Шатлык Şatlyk Shatlyk
Ыхлас Yhlas Ykhlas              Язмурад Ýazmyrat Yazmurad   Ахмед Ahmet Akhmed
Алишер Alişer Alisher           Бобур Bobur Bobur           Фаррух Farruh Farrukh
Тимур Timur Timur               Руслан Ruslan Ruslan        Илья Ilýa Ilya
Сергей Sergeý Sergey            Виктор Wiktor Viktor        Николай Nikolaý Nikolay
"""
_FEMALE = """
Айна Aýna Aina                  Аннагуль Annagül Annagul    Бахар Bahar Bakhar
Гульшат Gülşat Gulshat          Гульнара Gulnara Gulnara    Дурсун Dursun Dursun
Зарема Zarema Zarema            Лейли Leýli Leyli           Мая Maýa Maya
Марал Maral Maral               Мехри Mähri Mekhri          Нурджахан Nurjahan Nurdzhakhan
Огулджан Oguljan Oguldzhan      Огулгерек Ogulgerek Ogulgerek  Сельби Selbi Selbi
Тавус Tawus Tavus               Шемшат Şemşat Shemshat      Энеджан Enejan Enedzhan
Язгуль Ýazgül Yazgul            Наталья Natalýa Natalya     Дилноза Dilnoza Dilnoza
Шабнам Şabnam Shabnam           Марьям Merýem Maryam        Гозель Gözel Gozel
"""
# Male forms; the female form adds а / a / a (Бердыева, Berdiýewa, Berdyeva).
_SURNAMES = """
Аманов Amanow Amanov            Атаев Ataýew Ataev          Бабаев Babaýew Babaev
Байрамов Baýramow Bayramov      Бердыев Berdiýew Berdyev    Гельдыев Geldiýew Geldyev
Гурбанов Gurbanow Gurbanov      Довлетов Döwletow Dovletov  Джумаев Jumaýew Dzhumaev
Ильясов Ylyasow Ilyasov         Каррыев Karryýew Karryev    Мамедов Mämmedow Mamedov
Мередов Meredow Meredov         Мурадов Myradow Muradov     Назаров Nazarow Nazarov
Нурыев Nuryýew Nuryev           Овезов Öwezow Ovezov        Оразов Orazow Orazov
Реджепов Rejepow Redzhepov      Сапаров Saparow Saparov     Сердаров Serdarow Serdarov
Таганов Taganow Taganov         Тойлыев Toýlyýew Toylyev    Ходжаев Hojaýew Khodzhaev
Ходжамурадов Hojamyradow Khodzhamuradov                     Чарыев Çaryýew Charyev
Шихмурадов Şyhmyradow Shikhmuradov                          Язмурадов Ýazmyradow Yazmuradov
Аннаев Annaýew Annaev           Акмурадов Akmyradow Akmuradov  Бегенчев Begençew Begenchev
Худайбердыев Hudaýberdiýew Khudayberdyev                    Аллаков Allakow Allakov
Гараев Garaýew Garaev           Исаков Isakow Isakov        Мусаев Musaýew Musaev
Алиев Aliýew Aliev              Юлдашев Ýoldaşew Yuldashev  Рахимов Rahymow Rakhimov
Шарипов Şaripow Sharipov        Касымов Kasymow Kasymov     Ахмедов Ahmedow Akhmedov
Соколов Sokolow Sokolov         Кузнецов Kuznesow Kuznetsov
Нурмухаммедов Nurmuhammedow Nurmukhammedov
Пирлиев Pirliýew Pirliev        Ташлиев Taşlyýew Tashliev   Веллеков Wellekow Vellekov
Гочмурадов Goçmyradow Gochmuradov  Эсенов Esenow Esenov     Аширов Aşyrow Ashirov
Байлыев Baýlyýew Baylyev        Клычев Gylyçew Klychev      Дурдыев Durdyýew Durdyev
Ниязов Nyýazow Niyazov          Агаев Agaýew Agaev          Сахатов Sahatow Sakhatov
"""


def _triples(text: str) -> list[tuple[str, str, str]]:
    words = text.split()
    return list(zip(words[0::3], words[1::3], words[2::3], strict=True))


MALE_NAMES = _triples(_MALE)
FEMALE_NAMES = _triples(_FEMALE)
SURNAMES = _triples(_SURNAMES)
# Cyrillic, Turkmen Latin, English Latin: the scripts and languages of the three spellings.
SPELLINGS = (("Cyrl", "ru"), ("Latn", "tk"), ("Latn", "en"))


def person_names(rng: random.Random, *, female: bool, turkmen: bool) -> list[tuple[str, str, str]]:
    """(text, script, language) of one fictional person: Cyrillic, then the Latin spelling
    used in the person's country, then sometimes a second romanisation."""
    given = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    surname = list(rng.choice(SURNAMES))
    if female:
        surname = [s + "а" if i == 0 else s + "a" for i, s in enumerate(surname)]
    full = [f"{g} {s}" for g, s in zip(given, surname, strict=True)]
    wanted = (0, 1, 2) if turkmen and rng.random() < 0.4 else (0, 1) if turkmen else (0, 2)
    return [(full[i], *SPELLINGS[i]) for i in wanted]


# --- other fictional content ---------------------------------------------------------------

COUNTRIES = (("TM", 70), ("RU", 8), ("UZ", 6), ("TJ", 5), ("BY", 4), ("KZ", 4), ("KG", 3))
PLACES = {
    "TM": ("Ashgabat", "Dashoguz", "Turkmenabat", "Mary", "Balkanabat", "Tejen", "Bayramaly"),
    "RU": ("Moscow", "Grozny", "Kazan", "Makhachkala", "Nazran"),
    "UZ": ("Tashkent", "Andijan", "Samarkand", "Nukus"),
    "TJ": ("Dushanbe", "Khorog", "Khujand"),
    "BY": ("Minsk", "Homel", "Brest"),
    "KZ": ("Almaty", "Astana", "Taldykorgan"),
    "KG": ("Bishkek", "Osh", "Jalal-Abad"),
}
# Places abroad and their States: an exile taken there has a second State in the case.
ABROAD_IN = {"Istanbul": "TR", "Moscow": "RU", "Ankara": "TR", "Dubai": "AE", "Kazan": "RU"}
ABROAD = tuple(ABROAD_IN)
STATUSES = (
    (Status.PRESUMED_ED, 45), (Status.REPORTED_MISSING, 15),
    (Status.DETENTION_ACKNOWLEDGED, 10), (Status.WHEREABOUTS_CONFIRMED, 8),
    (Status.RELEASED, 12), (Status.DEAD, 5), (Status.CLOSED, 5),
)  # fmt: skip
PRIORITIES = ((1, 10), (2, 25), (3, 45), (4, 20))
OCCUPATIONS = ("Journalist", "Teacher", "Blogger", "Student", "Engineer", "Imam", "Lawyer",
               "Migrant worker", "Civil servant", "Doctor", "Farmer", "Trader")  # fmt: skip
CODE_NAMES = ("ROWAN", "LARK", "KESTREL", "WILLOW", "HERON", "ASPEN", "FINCH", "JUNIPER",
              "OSPREY", "HAZEL", "SWIFT", "CEDAR", "PLOVER", "ALDER", "WREN", "MAPLE")  # fmt: skip
TAGS = ("exile", "transnational repression", "prison", "religion", "journalist", "2002 events",
        "forced return", "family harassed", "incommunicado", "health")  # fmt: skip
EVENT_TEXT = (
    "Officers in plain clothes came to the family home and asked where he was.",
    "Taken from the street by men who showed no warrant, according to neighbours.",
    "Relatives went to the district police station; staff denied holding anyone.",
    "Moved at night to another facility; the family learnt of it from a released detainee.",
    "A message from an unknown number said the person was alive and in custody.",
    "The prosecutor's office replied that it had no information on the case.",
    "Seen in the courtyard of a pre-trial detention centre by a former cellmate.",
    "The family was warned not to speak to foreign media or human rights groups.",
    "Lawyer refused access; told the person had not asked for a lawyer.",
    "Closed hearing held without the family being told of the date.",
)
CLAIM_TEXT = (
    "I saw him taken into a grey car by three men; one of them wore a uniform jacket.",
    "She phoned me on the day and said she was being followed near the bazaar.",
    "The authorities told us he left the country of his own will; he had no passport.",
    "A guard told my cousin that he is held in the special block and is very thin.",
    "We received a letter saying the case is under investigation and nothing more.",
    "He was last online at noon; his phone has been switched off since then.",
    "Officials deny that any such person was ever detained.",
    "Our source in the facility says she was moved to another region in the spring.",
    "Neighbours confirm that the police searched the flat and took documents.",
    "The family was shown a photo that they believe was taken in detention.",
)


def _weighted(pairs: tuple) -> tuple[list, list[int]]:
    values = [value for value, _ in pairs]
    return values, list(itertools.accumulate(weight for _, weight in pairs))


def _pick(rng: random.Random, table: tuple[list, list[int]]) -> Any:
    values, cumulative = table
    return values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


# --- rows ----------------------------------------------------------------------------------


class Table:
    """INSERT of given fields of one model (or auto-created through model) by executemany.

    Bulk paths skip Model.save(), so callers fill the derived columns themselves. Columns
    added to a model later, and not listed here, get what the ORM would store by default,
    so the benchmark keeps working while the models grow."""

    def __init__(self, model: type[models.Model], fields: list[str]) -> None:
        quote = connection.ops.quote_name
        listed = [model._meta.get_field(name) for name in fields]
        extra = [f for f in model._meta.concrete_fields if f not in listed and not f.primary_key]
        self.fill = [self._filler(f) for f in extra]
        columns = [f.column for f in listed + extra]
        # Table and column names come from the models, never from input.
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(model._meta.db_table),
            ", ".join(quote(c) for c in columns),
            ", ".join(["%s"] * len(columns)),
        )
        self.rows: list[tuple] = []

    @staticmethod
    def _filler(f: models.Field) -> Callable[[], Any]:
        """What the ORM would store for a field the seeder does not set."""
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = timezone.now
        else:
            value = f.get_default  # the default, else "" for text, else NULL
        if f.unique or callable(f.default):
            return lambda: f.get_db_prep_save(value(), connection)
        constant = f.get_db_prep_save(value(), connection)
        return lambda: constant

    def flush(self, cursor: CursorWrapper) -> int:
        count = len(self.rows)
        if self.rows:
            rows = self.rows
            if self.fill:
                rows = [(*row, *(fill() for fill in self.fill)) for row in rows]
            cursor.executemany(self.sql, rows)
            self.rows = []
        return count


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def case_derived(
    *,
    disappeared_on: PartialDate | None,
    last_contact_on: PartialDate | None,
    status: str,
    asserted_on: date,
    opened: datetime,
    now: datetime,
    events: Iterable[PartialDate],
    claims: Iterable[PartialDate | None],
) -> dict[str, Any]:
    """The `Case` columns Habeas derives from a case's records, for rows the seeder writes
    without Case.save() and the services: a case opened at `opened` (case_create asserts
    "reported missing" as of the disappearance, or of that day), its one status asserted
    on `asserted_on`, its events' dates and its claims' information dates (None: the
    report gives none). Silence is habeas/cases/silence.py's rule, as `now`.
    tests/test_bench_seeding.py compares them with what the services store."""
    disappeared_from = disappeared_on.lo if disappeared_on else None
    reported_on = disappeared_from or timezone.localdate(opened)
    # The current status is the latest assertion; the later-entered one wins a tie.
    current = status if asserted_on >= reported_on else Status.REPORTED_MISSING
    facts = silence.CaseFacts(
        opened=opened,
        disappeared_on=disappeared_on,
        last_contact_on=last_contact_on,
        events=tuple(events),
        claims=tuple(claims),
        statuses=((Status.REPORTED_MISSING, reported_on), (status, asserted_on)),
    )
    return {
        "disappeared_from": disappeared_from,
        "last_contact_from": last_contact_on.lo if last_contact_on else None,
        "urgent_window_closes": (
            add_months(disappeared_from, URGENT_WINDOW_MONTHS) if disappeared_from else None
        ),
        "current_status": current,
        "is_open": current not in CLOSING_STATUSES,
        "last_info_at": silence.latest_information(facts, now=now),
    }


@dataclass
class _Seeder:
    """Generates and inserts the rows of `n` cases, CASES_PER_CHUNK per transaction."""

    rng: random.Random
    today: date
    now: datetime
    user_id: int
    actor_ids: list[int]
    tag_ids: list[int]
    uuid_native: bool = field(init=False)
    tokens_of: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    edtf_of: dict[tuple, tuple[str, date, PartialDate]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.uuid_native = connection.features.has_native_uuid_field
        self.adapt_date = connection.ops.adapt_datefield_value
        self.adapt_dt = connection.ops.adapt_datetimefield_value
        self.stamp = self.adapt_dt(self.now)
        self.countries = _weighted(COUNTRIES)
        self.statuses = _weighted(STATUSES)
        self.priorities = _weighted(PRIORITIES)
        self.event_kinds = list(Event.Kind.values)
        self.actor_roles = list(EventActor.Role.values)
        self.source_kinds = list(Source.Kind.values)
        self.materials = list(Claim.Material.values)
        self.ids = {
            model: _next_id(model)
            for model in (Person, PersonName, Case, Event, Source, Claim, StatusAssertion)
        }
        through = StatusAssertion.claims.through
        self.tables = {
            Person: Table(Person, ["id", "public_id", "display_name", "sex", "birth_date",
                                   "nationality", "occupation", "affiliation", "description",
                                   "created_at", "updated_at"]),
            PersonName: Table(PersonName, ["id", "person", "text", "script", "language", "kind",
                                           "seen_in", "is_primary", "created_at"]),
            NameToken: Table(NameToken, ["person", "name", "key", "skeleton"]),
            Case: Table(Case, [
                "id", "public_id", "reference", "country", "summary", "disappeared_on",
                "disappeared_place", "last_contact_on", "last_contact_place",
                "last_contact_channel", "last_contact_message", "taken_in_country",
                "risk_torture", "risk_health", "risk_family_reprisals", "priority",
                "last_contact_source", "disappeared_from", "last_contact_from",
                "urgent_window_closes", "current_status", "is_open", "last_info_at",
                "created_at", "updated_at", "created_by"]),
            Case.people.through: Table(Case.people.through, ["case", "person"]),
            Case.tags.through: Table(Case.tags.through, ["case", "tag"]),
            CaseMember: Table(CaseMember, ["case", "user", "role", "may_see_sources"]),
            StatusAssertion: Table(StatusAssertion, ["id", "case", "status", "asserted_on",
                                                     "basis", "closed_reason", "asserted_by",
                                                     "created_at"]),
            through: Table(through, ["statusassertion", "claim"]),
            Event: Table(Event, ["id", "public_id", "case", "kind", "occurred_on",
                                 "occurred_from", "place", "description", "search_step",
                                 "created_by", "created_at", "updated_at"]),
            EventActor: Table(EventActor, ["event", "actor", "role"]),
            Source: Table(Source, ["id", "public_id", "case", "code_name", "kind", "reliability",
                                   "identity", "contact", "consent_named_publicly",
                                   "consent_to_un", "consent_to_government", "notes",
                                   "created_by", "created_at", "updated_at"]),
            Claim: Table(Claim, ["id", "public_id", "case", "source", "topic", "event",
                                 "statement", "dated_on", "received_on", "received_from",
                                 "material", "language", "credibility", "attribution",
                                 "created_by", "created_at", "updated_at"]),
            ClaimRelay: Table(ClaimRelay, ["claim", "source", "position"]),
            ClaimLink: Table(ClaimLink, ["case", "from_claim", "to_claim", "kind", "note",
                                         "created_by", "created_at"]),
        }  # fmt: skip

    # -- small generators --

    def new_id(self, model: type[models.Model]) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def new_uuid(self) -> Any:
        bits = self.rng.getrandbits(128)
        bits = (bits & ~(0xF000 << 64) | (4 << 76)) & ~(0xC000 << 48) | (0x8000 << 48)
        return uuid.UUID(int=bits) if self.uuid_native else f"{bits:032x}"

    def name_terms(self, text: str) -> list[tuple[str, str]]:
        """Search keys exactly as the service stores them (name_tokens_build), once per text."""
        terms = self.tokens_of.get(text)
        if terms is None:
            built = name_tokens_build(PersonName(person_id=0, text=text))
            terms = self.tokens_of[text] = [(token.key, token.skeleton) for token in built]
        return terms

    def partial(self, day: int, shape: str, extra: int = 0) -> tuple[str, date, PartialDate]:
        """(EDTF text, earliest day, the date itself) of a partial date around day
        ordinal `day`, cached."""
        key = (day, shape, extra)
        found = self.edtf_of.get(key)
        if found is None:
            lo = date.fromordinal(day)
            if shape == "minute":
                value = PartialDate(
                    lo, lo, Precision.MINUTE, time=dtime(extra // 2, extra % 2 * 30)
                )
            elif shape == "day":
                value = PartialDate(lo, lo, Precision.DAY)
            elif shape == "range":
                value = PartialDate(lo, lo + timedelta(days=extra), Precision.RANGE)
            elif shape == "month":
                lo = lo.replace(day=1)
                hi = add_months(lo, 1) - timedelta(days=1)
                value = PartialDate(lo, hi, Precision.MONTH, approximate=bool(extra))
            else:
                lo, hi = date(lo.year, 1, 1), date(lo.year, 12, 31)
                value = PartialDate(lo, hi, Precision.YEAR, approximate=bool(extra))
            found = self.edtf_of[key] = (value.to_edtf(), value.lo, value)
        return found

    def some_date(self, day: int) -> tuple[str, date, PartialDate]:
        """A partial date with the mix of precisions testimony gives."""
        roll = self.rng.random()
        if roll < 0.45:
            return self.partial(day, "day")
        if roll < 0.60:
            return self.partial(day, "minute", self.rng.randrange(48))
        if roll < 0.80:
            return self.partial(day, "month", int(roll > 0.76))
        if roll < 0.92:
            return self.partial(day, "year", int(roll > 0.88))
        return self.partial(day, "range", self.rng.randint(1, 5))

    # -- one case --

    def case(self, number: int) -> None:
        rng, t, today = self.rng, self.tables, self.today.toordinal()
        country = _pick(rng, self.countries)
        female = rng.random() < 0.3
        status = str(_pick(rng, self.statuses))
        priority = _pick(rng, self.priorities)

        # Dates: most disappearances are years old; 3% are recent (UN urgent window open).
        if rng.random() < 0.03:
            gone_day = today - rng.randrange(100)
        else:
            gone_day = today - rng.randrange(100, 25 * 365)
        unknown = ("", None, None)
        gone_edtf, gone_lo, gone = self.some_date(gone_day) if rng.random() < 0.95 else unknown
        contact_edtf, contact = "", None
        if rng.random() < 0.6:
            contact_edtf, _, contact = self.some_date(gone_day - rng.randrange(3))
        silent = rng.randrange(max(1, min(today - gone_day, 4000)))
        if status in CLOSING_STATUSES:
            silent = max(silent, 30)
        # The case was opened then; what it records says how long it has been silent.
        opened = datetime.combine(
            date.fromordinal(today - silent), dtime(rng.randrange(24), rng.randrange(60)), UTC
        )

        # The person and their names.
        person_id = self.new_id(Person)
        names = person_names(rng, female=female, turkmen=country == "TM")
        primary = 0 if rng.random() < 0.6 else 1
        t[Person].rows.append((
            person_id, self.new_uuid(), names[primary][0], "f" if female else "m",
            self.partial(today - rng.randrange(20 * 365, 60 * 365), "year")[0], country,
            rng.choice(OCCUPATIONS), "", "", self.stamp, self.stamp,
        ))  # fmt: skip
        for i, (text, script, language) in enumerate(names):
            name_id = self.new_id(PersonName)
            kind = "official" if i < 2 else "transliteration"
            t[PersonName].rows.append((
                name_id, person_id, text, script, language, kind,
                "Passport copy" if i == 1 else "", i == primary, self.stamp,
            ))  # fmt: skip
            t[NameToken].rows.extend(
                (person_id, name_id, key, skeleton) for key, skeleton in self.name_terms(text)
            )

        # The case.
        case_id = self.new_id(Case)
        place = rng.choice(PLACES[country] + ABROAD)
        year = gone_lo.year if gone_lo else self.today.year
        case_row = (
            case_id, self.new_uuid(), f"{country}-{year}-{number:06d}", country,
            f"{rng.choice(OCCUPATIONS)} last seen in {place}. "
            + " ".join(rng.sample(EVENT_TEXT, 2)),
            gone_edtf, place, contact_edtf, place if contact_edtf else "",
            rng.choice(("phone", "messenger", "in_person", "sms", "text", "unknown"))
            if contact_edtf else "", "", ABROAD_IN.get(place, "").replace(country, ""),
            rng.random() < 0.3, rng.random() < 0.2, rng.random() < 0.25, priority,
        )  # fmt: skip
        t[Case.people.through].rows.append((case_id, person_id))
        if rng.random() < 0.3:
            t[Case.tags.through].rows.append((case_id, rng.choice(self.tag_ids)))
        t[CaseMember].rows.append((case_id, self.user_id, "lead", True))

        # Events: about ten, from a few weeks before the disappearance on.
        span = max(1, min(today - gone_day + 60, 3 * 365))
        event_ids, event_days, event_dates, claim_dates = [], [], [], []
        for _ in range(rng.randint(8, 12)):
            day = min(today, gone_day - 60 + rng.randrange(span))
            edtf, lo, value = self.some_date(day)
            event_dates.append(value)
            event_id = self.new_id(Event)
            event_ids.append(event_id)
            event_days.append(day)
            kind = rng.choice(self.event_kinds)
            t[Event].rows.append((
                event_id, self.new_uuid(), case_id, kind, edtf, self.adapt_date(lo),
                rng.choice(PLACES[country]), rng.choice(EVENT_TEXT),
                kind in SEARCH_STEP_KINDS,  # event_add's default: no form says otherwise
                self.user_id, self.stamp, self.stamp,
            ))  # fmt: skip
            if rng.random() < 0.3:
                t[EventActor].rows.append(
                    (event_id, rng.choice(self.actor_ids), rng.choice(self.actor_roles))
                )

        # Sources (2-4) and their claims (about ten), 60% about one of the events.
        source_ids = []
        for code_name in rng.sample(CODE_NAMES, rng.randint(2, 4)):
            source_ids.append(self.new_id(Source))
            t[Source].rows.append((
                source_ids[-1], self.new_uuid(), case_id, code_name,
                rng.choice(self.source_kinds), rng.choice("ABCDEF"), "", "",
                False, rng.random() < 0.7, False, "", self.user_id, self.stamp, self.stamp,
            ))  # fmt: skip
        claim_ids = []
        for _ in range(rng.randint(8, 12)):
            claim_ids.append(self.new_id(Claim))
            if rng.random() < 0.6:
                which = rng.randrange(len(event_ids))
                topic, event_id, day = "event", event_ids[which], event_days[which]
            else:
                topic, event_id = rng.choice(("status", "whereabouts", "other")), None
                day = gone_day + rng.randrange(span)
            # When the source said it, then when the organisation received it: soon after,
            # or, for a fifth, this month (a case entered after the fact). A sixth of
            # reports give no date for what they say.
            said = min(today, day + rng.randrange(60))
            dated_edtf, _, dated = self.some_date(said) if rng.random() < 0.85 else unknown
            if rng.random() < 0.2:
                received = max(said, today - rng.randrange(30))
            else:
                received = min(today, said + rng.randrange(30))
            edtf, lo, _received_on = self.some_date(received)
            claim_dates.append(dated)  # silence: when it was said, never when received
            official = rng.random() < 0.1
            source_id = rng.choice(source_ids)
            t[Claim].rows.append((
                claim_ids[-1], self.new_uuid(), case_id, source_id, topic, event_id,
                rng.choice(CLAIM_TEXT), dated_edtf, edtf, self.adapt_date(lo),
                rng.choice(self.materials), rng.choice(("ru", "tk", "en")),
                rng.randint(1, 6), "denies" if official else "", self.user_id, self.stamp,
                self.stamp,
            ))  # fmt: skip
            if rng.random() < 0.2:  # came through one or two other sources of the case
                others = [other for other in source_ids if other != source_id]
                chain = rng.sample(others, min(len(others), rng.randint(1, 2)))
                t[ClaimRelay].rows.extend(
                    (claim_ids[-1], relay, position) for position, relay in enumerate(chain, 1)
                )

        # A few contradictions (and a corroboration) between claims of the case.
        pairs = rng.sample(list(itertools.combinations(claim_ids, 2)), rng.randint(2, 4))
        for i, (low, high) in enumerate(pairs):
            kind = "corroborates" if i == 3 else "contradicts"
            note = "Whether the person is held by the State" if kind == "contradicts" else ""
            t[ClaimLink].rows.append((case_id, low, high, kind, note, self.user_id, self.stamp))

        # The status the case shows, resting on one or two claims.
        assertion_id = self.new_id(StatusAssertion)
        asserted = date.fromordinal(min(today, gone_day + rng.randrange(400)))
        t[StatusAssertion].rows.append((
            assertion_id, case_id, status, self.adapt_date(asserted),
            "Based on the testimony collected so far.",
            "Found safe" if status == Status.CLOSED else "", self.user_id, self.stamp,
        ))  # fmt: skip
        through = t[StatusAssertion.claims.through].rows
        through.extend((assertion_id, claim) for claim in rng.sample(claim_ids, rng.randint(1, 2)))

        # The columns the services would have derived from all of the above.
        derived = case_derived(
            disappeared_on=gone,
            last_contact_on=contact,
            status=status,
            asserted_on=asserted,
            opened=opened,
            now=self.now,
            events=event_dates,
            claims=claim_dates,
        )
        # Who had the last contact: a source of the case, by code name (never free text).
        contact_source = source_ids[0] if contact else None
        t[Case].rows.append((
            *case_row, contact_source, self.adapt_date(gone_lo),
            self.adapt_date(derived["last_contact_from"]),
            self.adapt_date(derived["urgent_window_closes"]), derived["current_status"],
            derived["is_open"], self.adapt_dt(derived["last_info_at"]), self.adapt_dt(opened),
            self.stamp, self.user_id,
        ))  # fmt: skip

    def flush(self) -> int:
        with connection.cursor() as cursor:
            return sum(table.flush(cursor) for table in self.tables.values())


# --- the benchmark database ----------------------------------------------------------------


# What seeding writes, and so what a reseed empties.
SEEDED_MODELS: list[type[models.Model]] = [
    Session, User, Actor, Tag, Person, PersonName, NameToken, Case, Case.people.through,
    Case.tags.through, CaseMember, Event, EventActor, Source, Claim, ClaimRelay, ClaimLink,
    StatusAssertion, StatusAssertion.claims.through,
]  # fmt: skip


def marker() -> dict[str, Any] | None:
    """What the benchmark database says it holds (`seconds` is None while seeding, or if
    seeding was interrupted), or None if the benchmark never seeded it."""
    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cases, seed, version, seconds FROM {MARKER_TABLE}")  # noqa: S608
        row = cursor.fetchone()
    return dict(zip(("cases", "seed", "version", "seconds"), row, strict=True)) if row else None


def _holds_data() -> bool:
    """Whether the database holds cases or accounts (anything a wipe could lose)."""
    tables = connection.introspection.table_names()
    return any(model._meta.db_table in tables and model.objects.exists() for model in (Case, User))


def _sqlite_path() -> Path | None:
    if connection.vendor != "sqlite":
        return None
    return Path(connection.settings_dict["NAME"])


def _wipe(log: Log) -> None:
    """Empty the benchmark database; refuses one that holds cases it did not make."""
    if marker() is None and _holds_data():
        raise BenchError(
            "The benchmark database holds cases or accounts but no benchmark marker: it looks "
            "like real data, so it is left alone. Point --database-url at an empty database."
        )
    path = _sqlite_path()
    if path is not None:
        existed = bool(connection.introspection.table_names())
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if existed:
            log(f"Removed the old benchmark database {path}")
        return
    # Not `flush`: it would also truncate tables that refuse it (the append-only audit log),
    # and the benchmark writes nothing there. CASCADE empties what refers to these tables.
    call_command("migrate", interactive=False, verbosity=0)
    tables = [model._meta.db_table for model in SEEDED_MODELS]
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")
    log("Emptied the benchmark database")


def prepare(*, cases: int, seed: int, reseed: bool, log: Log) -> dict[str, Any]:
    """Reuse a database seeded with the same N, seed and generator, or seed a fresh one."""
    found = marker()
    wanted = {"cases": cases, "seed": seed, "version": GENERATOR_VERSION}
    complete = found is not None and found["seconds"] is not None
    if complete and not reseed and all(found[k] == v for k, v in wanted.items()):
        call_command("migrate", interactive=False, verbosity=0)
        log(f"Reusing the benchmark database with {cases} cases (--reseed to rebuild it)")
        return {"step": "seed", "cases": cases, "seconds": found["seconds"], "reused": True}
    if found is not None or _holds_data() or _sqlite_path() is not None:
        _wipe(log)
    started = time.perf_counter()
    seed_database(cases=cases, seed=seed, log=log)
    seconds = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {MARKER_TABLE} SET seconds = %s", [seconds])  # noqa: S608
    connection.close()  # the pages run with the connection settings Habeas uses
    return {"step": "seed", "cases": cases, "seconds": seconds}


def new_seeder(*, seed: int) -> _Seeder:
    """The `bench` user, fictional actors and tags, and a seeder of cases for them."""
    now = timezone.now()
    with transaction.atomic():
        user = User(username=BENCH_USERNAME, role=User.Role.STAFF)
        user.set_unusable_password()
        user.save()
        actors = Actor.objects.bulk_create(
            Actor(name=f"Fictional unit {i:02d}", kind=Actor.Kind.UNIT, country=country)
            for i, (country, _) in enumerate(COUNTRIES * 6)
        )
        tags = Tag.objects.bulk_create(Tag(name=name) for name in TAGS)
    return _Seeder(
        rng=random.Random(seed),
        today=timezone.localdate(now),
        now=now,
        user_id=user.pk,
        actor_ids=[a.pk for a in actors],
        tag_ids=[t.pk for t in tags],
    )


def reset_sequences() -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them, so
    rows the services add afterwards get ids of their own."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), SEEDED_MODELS):
                cursor.execute(sql)


def seed_database(*, cases: int, seed: int, log: Log) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    # The marker comes first, so that an interrupted seeding is recognised as the
    # benchmark's (and reseeded) rather than taken for real data.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {MARKER_TABLE} (cases integer, seed integer, version integer, "
            "seconds real)"
        )
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, NULL)",  # noqa: S608
            [cases, seed, GENERATOR_VERSION],
        )
    if connection.vendor == "sqlite":
        # A throwaway database: no need to survive a power cut while it is filled.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
            cursor.execute("PRAGMA temp_store=MEMORY")
    seeder = new_seeder(seed=seed)
    started = time.perf_counter()
    for first in range(1, cases + 1, CASES_PER_CHUNK):
        last = min(cases, first + CASES_PER_CHUNK - 1)
        with transaction.atomic():
            for number in range(first, last + 1):
                seeder.case(number)
            seeder.flush()
        log(f"  seeded {last}/{cases} cases ({time.perf_counter() - started:.0f} s)")
    reset_sequences()
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would soon do on a real server
