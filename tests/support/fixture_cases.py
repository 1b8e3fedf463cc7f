"""The fixture cases of issue 14, recorded only through the services the forms call
(no ORM writes behind them): the motivating case (an exiled Turkmen activist taken
in Russia, held in Turkmenistan), a Chinese case and an Arabic case. The golden
files (tests/golden/) are their documents at TODAY; the web test drives the forms
for the same facts.

Every date is fixed: build them under `time_machine.travel(NOW)` so that "today"
is TODAY for the services (they refuse dates in the future) and for the documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from habeas.accounts.models import User
from habeas.advocacy import services as advocacy
from habeas.advocacy.models import Addressee, FamilyConsent
from habeas.cases import services as cases
from habeas.cases.models import Actor, Case, Event, EventActor, PersonName
from habeas.lib.partialdate import PartialDate
from habeas.organisation import services as organisation
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

ORGANISATION = {
    "name": "Central Asia Rights Watchers",
    "address": "Rue de Lausanne 12\n1201 Geneva\nSwitzerland",
    "email": "cases@carw.example.org",
    "phone": "+41 22 000 00 00",
    "signatory_name": "Dilnoza Karimova",
    "signatory_title": "Director",
}


@dataclass
class FixtureCase:
    case: Case
    # The addressees of the motivating case: the State concerned (by title only), a
    # third State and an intergovernmental body.
    addressees: dict[str, Addressee] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)


def organisation_set(admin: User) -> None:
    """The organisation as an administrator sets it on its settings page."""
    organisation.organisation_update(by=admin, **ORGANISATION)


def _actor(name: str, country: str, by: User) -> Actor:
    return cases.actor_create(name=name, country=country, kind=Actor.Kind.AGENCY, by=by)


def _family_consent(case: Case, given_by: str, by: User, *, record: bool = True) -> None:
    """The family's consent to the UN, letters and publication, recorded with the
    FamilyConsent service as the Advocacy page does; the relative is a source too
    (code name only)."""
    sources.source_add(
        case=case,
        code_name="FAMILY",
        kind=Source.Kind.RELATIVE,
        consent_to_un=True,
        consent_to_government=True,
        by=by,
    )
    if not record:  # the web test records it through the consent form
        return
    advocacy.family_consent_record(
        case=case,
        by=by,
        given_by=given_by,
        given_on=date(2026, 11, 1),
        form=FamilyConsent.Form.WRITTEN,
        to_un=True,
        to_authorities=True,
        to_publication=True,
    )


def _clear_events(case: Case, by: User) -> None:
    advocacy.event_clearances_set(
        case=case,
        clearances=dict.fromkeys(case.events.all(), Event.Clearance.PUBLIC),
        by=by,
    )


def motivating_case(by: User, *, consent: bool = True) -> FixtureCase:
    """Azat Isakov (Азат Исаков), an exiled Turkmen activist taken in Moscow on 20
    October 2021 and believed held in Turkmenistan."""
    person = cases.person_create(
        name="Азат Исаков",
        script="Cyrl",
        language="ru",
        by=by,
        sex="m",
        occupation="Opposition activist",
        nationality="TM",
        birth_date=PartialDate.parse("1986"),
    )
    cases.person_name_add(
        person=person,
        text="Azat Isakov",
        script="Latn",
        language="en",
        kind=PersonName.Kind.TRANSLITERATION,
        seen_in="His own social-media profile",
        by=by,
    )
    case = cases.case_open(
        reference="TM-FIX-001",
        person=person,
        country="TM",
        taken_in_country="RU",
        disappeared_on=PartialDate.parse("2021-10-20"),
        disappeared_place="Moscow, Russian Federation",
        summary="Exiled activist taken in Moscow; believed held in Turkmenistan.",
        by=by,
    )
    moscow_police = _actor("Main Directorate of the Interior Ministry for Moscow", "RU", by)
    mnb = _actor("Ministry of National Security", "TM", by)
    cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        place="Moscow",
        description="Police officers detained him at his flat.",
        actors=[(moscow_police, EventActor.Role.ALLEGED_PERPETRATOR)],
        by=by,
    )
    cases.event_add(
        case=case,
        kind=Event.Kind.DEPORTATION,
        occurred_on=PartialDate.parse("2021-10"),
        place="Moscow → Ashgabat",
        description="Forcibly returned to Turkmenistan.",
        actors=[(mnb, EventActor.Role.HOLDING_AUTHORITY)],
        by=by,
    )
    cases.event_add(
        case=case,
        kind=Event.Kind.SEARCH_BY_FAMILY,
        occurred_on=PartialDate.parse("2021-11-02"),
        place="Ashgabat",
        description="His family asked the Prosecutor General's Office where he is held.",
        by=by,
    )
    _clear_events(case, by)
    orchid = sources.source_add(
        case=case,
        code_name="ORCHID",
        kind=Source.Kind.DEFENDER,
        consent_to_un=True,
        by=by,
    )
    ministry = sources.source_add(
        case=case,
        code_name="RU-MVD",
        kind=Source.Kind.OFFICIAL,
        consent_named_publicly=True,
        public_name="the Ministry of Internal Affairs of the Russian Federation",
        consent_information_public=True,
        consent_to_un=True,
        consent_to_government=True,
        by=by,
    )
    hrw = sources.source_add(
        case=case,
        code_name="HRW",
        kind=Source.Kind.NGO,
        consent_named_publicly=True,
        public_name="Human Rights Watch",
        consent_information_public=True,
        consent_to_un=True,
        consent_to_government=True,
        by=by,
    )
    texted = sources.claim_add(
        case=case,
        source=orchid,
        topic=Claim.Topic.EVENT,
        statement="He texted me at 14:10 that police were at his door; I never heard "
        "from him again.",
        dated_on=PartialDate.parse("2021-10-20"),
        received_on=PartialDate.parse("2021-10-21"),
        material=Claim.Material.MESSAGE,
        by=by,
    )
    # The outside wording: what documents say instead of ORCHID's own words (the
    # claim form's "wording for outside" field, changed on the claim's edit form).
    sources.claim_update(
        claim=texted,
        outside_wording="He sent a message saying that police officers were at his "
        "door; he has not been heard from since.",
        by=by,
    )
    handed = sources.claim_add(
        case=case,
        source=ministry,
        topic=Claim.Topic.WHEREABOUTS,
        statement="Mr Isakov was handed over to the competent authorities of "
        "Turkmenistan on 22 October 2021.",
        dated_on=PartialDate.parse("2021-10-22"),
        received_on=PartialDate.parse("2021-11-15"),
        material=Claim.Material.OFFICIAL_REPLY,
        by=by,
    )
    reported = sources.claim_add(
        case=case,
        source=hrw,
        topic=Claim.Topic.WHEREABOUTS,
        statement="Azat Isakov is believed to be held incommunicado in Turkmenistan.",
        dated_on=PartialDate.parse("2022-02-10"),
        received_on=PartialDate.parse("2022-02-10"),
        material=Claim.Material.PRESS_RELEASE,
        by=by,
    )
    _family_consent(case, "his sister", by, record=consent)
    addressees = {
        "mfa": advocacy.addressee_create(
            kind=Addressee.Kind.GOVERNMENT,
            title="Minister for Foreign Affairs",
            organisation="Ministry of Foreign Affairs of Turkmenistan",
            address="Archabil avenue 108\nAshgabat, Turkmenistan",
            country="TM",
            by=by,
        ),
        "drl": advocacy.addressee_create(
            kind=Addressee.Kind.EMBASSY,
            title="Assistant Secretary",
            organisation="U.S. Department of State, Bureau of Democracy, Human Rights, and Labor",
            address="2201 C Street NW\nWashington, DC 20520",
            country="US",
            by=by,
        ),
        "eeas": advocacy.addressee_create(
            kind=Addressee.Kind.INTERGOVERNMENTAL,
            title="EU Special Representative for Human Rights",
            organisation="European External Action Service",
            address="Rond Point Schuman 9A\n1046 Brussels, Belgium",
            by=by,
        ),
    }
    return FixtureCase(
        case=case,
        addressees=addressees,
        claims={"texted": texted, "handed": handed, "reported": reported},
    )


def _script_case(
    *,
    reference: str,
    name: str,
    script: str,
    language: str,
    latin: str,
    country: str,
    place: str,
    police: str,
    by: User,
    consent: bool = True,
) -> FixtureCase:
    person = cases.person_create(name=name, script=script, language=language, by=by, sex="m")
    cases.person_name_add(
        person=person,
        text=latin,
        script="Latn",
        language="en",
        kind=PersonName.Kind.TRANSLITERATION,
        seen_in="Passport copy",
        by=by,
    )
    case = cases.case_open(
        reference=reference,
        person=person,
        country=country,
        disappeared_on=PartialDate.parse("2025-03-14"),
        disappeared_place=place,
        by=by,
    )
    cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2025-03-14"),
        place=place,
        description="Taken from his home by plain-clothes officers.",
        actors=[(_actor(police, country, by), EventActor.Role.ALLEGED_PERPETRATOR)],
        by=by,
    )
    cases.event_add(
        case=case,
        kind=Event.Kind.SEARCH_BY_FAMILY,
        occurred_on=PartialDate.parse("2025-03-20"),
        place=place,
        description="His family asked the local police station where he is held.",
        by=by,
    )
    _clear_events(case, by)
    _family_consent(case, "his wife", by, record=consent)
    return FixtureCase(case=case)


def chinese_case(by: User, *, consent: bool = True) -> FixtureCase:
    """王小明 (Wang Xiaoming), taken in 乌鲁木齐."""
    return _script_case(
        reference="CN-FIX-001",
        name="王小明",
        script="Hani",
        language="zh",
        latin="Wang Xiaoming",
        country="CN",
        place="乌鲁木齐",
        police="Urumqi Public Security Bureau",
        by=by,
        consent=consent,
    )


def arabic_case(by: User, *, consent: bool = True) -> FixtureCase:
    """محمد الأحمد (Mohammed al-Ahmad), taken in دمشق."""
    return _script_case(
        reference="SY-FIX-001",
        name="محمد الأحمد",
        script="Arab",
        language="ar",
        latin="Mohammed al-Ahmad",
        country="SY",
        place="دمشق",
        police="Air Force Intelligence Directorate",
        by=by,
        consent=consent,
    )
