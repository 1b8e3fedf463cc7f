"""The first demo case, the motivating one, recorded section by section as a caseworker
would: the shape of the story in docs/domain.md (a last message, an official "flew home"
claim, sources that contradict it). Its dates are relative to the day the demo is
loaded, so its UN urgent window is open whenever someone tries Habeas.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import NamedTuple

from habeas.accounts.models import User
from habeas.cases import services as cases
from habeas.cases.models import Actor, Case, Event, EventActor, Person, PersonName, Status
from habeas.evidence import services as evidence
from habeas.evidence.models import Assessment, Element
from habeas.lib.partialdate import PartialDate, Precision
from habeas.sources import services as sources
from habeas.sources.models import Claim, ClaimLink, Source

FIRST_REFERENCE = "TM-DEMO-001"

Kind = PersonName.Kind


def _day(d: date) -> PartialDate:
    return PartialDate(lo=d, hi=d, precision=Precision.DAY)


# The first case's dates: he disappeared GONE_DAYS_AGO days before the demo is loaded
# (so his UN urgent window is open), and the ministry says he flew home FLOWN_AFTER later.
GONE_DAYS_AGO = 39
FLOWN_AFTER = timedelta(days=2)


class _FirstClaims(NamedTuple):
    last: Claim  # his last message
    flown: Claim  # the official version: he flew home of his own accord
    passport: Claim  # he had no passport
    custody: Claim  # he is held in Ashgabat


def first_case(by: User, actors: dict[str, Actor], today: date) -> None:
    """The motivating case, recorded section by section as a caseworker would."""
    gone = today - timedelta(days=GONE_DAYS_AGO)
    person = _first_person(by)
    case = _first_case_opened(person, by, gone=gone)
    events = _first_events(case, by, actors, gone=gone)
    claims = _first_claims(case, by, _first_sources(case, by), events, gone=gone)
    _first_links(case, by, claims)
    _first_status(case, by, claims, gone=gone)
    # "Silent for" counts from the latest of these dated records: the word that he is
    # held, at the latest 12 days ago (the status is the team's reading, not news).


def _first_person(by: User) -> Person:
    """Rustam Isakov under his four spellings, and his mother."""
    person = cases.person_create(
        name="Рустам Исаков",
        script="Cyrl",
        language="ru",
        by=by,
        sex="m",
        occupation="Blogger",
        affiliation="Exiled opposition movement (fictional)",
        nationality="TM",
        birth_date=PartialDate.parse("1988"),
        description="Left Turkmenistan in 2017; lived in Istanbul; "
        "criticised the government online.",
    )
    for text, script, lang, kind, seen in [
        ("Rüstem Isakow", "Latn", "tk", Kind.BIRTH, "Birth certificate copy held by family"),
        ("Rustam Isakov", "Latn", "en", Kind.TRANSLITERATION, "His own social-media profile"),
        ("Rustam Issakov", "Latn", "en", Kind.MISSPELLING, "Host ministry's letter"),
    ]:
        cases.person_name_add(
            person=person,
            text=text,
            script=script,
            language=lang,
            kind=kind,
            seen_in=seen,
            by=by,
        )
    cases.relative_add(
        person=person,
        name="Mother (name withheld)",
        relationship="mother",
        contact="Reached only through the source ROWAN",
        by=by,
    )
    return person


def _first_case_opened(person: Person, by: User, *, gone: date) -> Case:
    """The case as the opening form records it (opened today, like every demo case:
    its silence comes from its dated records, never from when it was opened)."""
    return cases.case_open(
        reference=FIRST_REFERENCE,
        person=person,
        country="TM",
        taken_in_country="TR",  # taken in Istanbul, believed held in Turkmenistan
        by=by,
        summary=(
            "Exiled blogger. After security officers threatened his family at home, he "
            "sent a last message that police were at his door. Silence since. The host "
            "ministry says he flew home two days later; he had no passport and had said he "
            "would never return."
        ),
        disappeared_on=PartialDate(lo=gone, hi=gone, precision=Precision.MINUTE, time=time(12, 43)),
        disappeared_place="Istanbul, Esenyurt district",
        last_contact_on=PartialDate(
            lo=gone, hi=gone, precision=Precision.MINUTE, time=time(12, 43)
        ),
        last_contact_place="His flat, Istanbul",
        last_contact_channel="messenger",
        # Who got the last message is the source to protect: a code name, never a name.
        last_contact_source_code_name="ROWAN",
        last_contact_source_kind=Source.Kind.WITNESS,
        last_contact_message="Police are here, I'm hiding.",
        risk_torture=True,
        risk_family_reprisals=True,
        priority=1,
        tags=["exile", "transnational repression"],
    )


def _first_events(
    case: Case, by: User, actors: dict[str, Actor], *, gone: date
) -> tuple[Event, Event, Event]:
    """Threats before, the last contact, the alleged removal, the ministry's letter."""
    flown = gone + FLOWN_AFTER
    cases.event_add(
        case=case,
        kind=Event.Kind.HARASSMENT_OF_FAMILY,
        by=by,
        occurred_on=PartialDate.parse(f"about {(gone - timedelta(days=20)).strftime('%b %Y')}"),
        place="Dashoguz, Turkmenistan",
        description="Security officers visited his parents, warned that he must stop posting, "
        "and took their phones.",
        actors=[(actors["tm_mnb_5"], EventActor.Role.ALLEGED_PERPETRATOR)],
    )
    cases.event_add(
        case=case,
        kind=Event.Kind.THREAT,
        by=by,
        occurred_on=_day(gone - timedelta(days=12)),
        place="Online",
        description="A pro-government video channel said the authorities "
        "knew where he lived in Istanbul.",
    )
    last = cases.event_add(
        case=case,
        kind=Event.Kind.LAST_CONTACT,
        by=by,
        occurred_on=case.last_contact_on,
        place="Istanbul",
        description="His last message: police are at the door.",
    )
    removal = cases.event_add(
        case=case,
        kind=Event.Kind.DEPORTATION,
        by=by,
        occurred_on=PartialDate(lo=gone, hi=flown, precision=Precision.RANGE),
        place="Istanbul → Ashgabat (alleged)",
        description="Alleged forced return to Turkmenistan.",
        actors=[
            (actors["tr_migration"], EventActor.Role.ALLEGED_PERPETRATOR),
            (actors["tm_mnb"], EventActor.Role.HOLDING_AUTHORITY),
        ],
    )
    statement = cases.event_add(
        case=case,
        kind=Event.Kind.OFFICIAL_STATEMENT,
        by=by,
        occurred_on=_day(gone + timedelta(days=19)),
        place="Ankara",
        description="The host interior ministry's written statement: he left for Ashgabat "
        "by air of his own accord.",
        actors=[(actors["tr_moi"], EventActor.Role.SPOKESPERSON)],
    )
    return last, removal, statement


def _first_sources(case: Case, by: User) -> tuple[Source, Source, Source, Source]:
    """A trusted contact, the host ministry, a cousin, an informal channel."""
    rowan = sources.source_update(
        source=Source.objects.get(case=case, code_name="ROWAN"),
        reliability="B",
        reliability_rationale="Knew him for years; what they told us before proved right.",
        identity="Trusted contact in Istanbul (identity withheld in the demo)",
        contact="Signal only",
        consent_to_un=True,
        by=by,
    )
    ministry = sources.source_add(
        case=case,
        code_name="HOST-MOI",
        kind=Source.Kind.OFFICIAL,
        reliability="F",
        identity="Host interior ministry",
        consent_information_public=True,
        consent_named_publicly=True,
        public_name="the Ministry of Interior of the host country",
        consent_to_un=True,
        consent_to_government=True,
        by=by,
    )
    lark = sources.source_add(
        case=case,
        code_name="LARK",
        kind=Source.Kind.RELATIVE,
        reliability="B",
        identity="Cousin abroad",
        contact="E-mail",
        consent_to_un=True,
        by=by,
    )
    kestrel = sources.source_add(
        case=case,
        code_name="KESTREL",
        kind=Source.Kind.ANONYMOUS,
        reliability="C",
        identity="Informal channel in Ashgabat",
        by=by,
    )
    return rowan, ministry, lark, kestrel


def _first_claims(
    case: Case,
    by: User,
    witnesses: tuple[Source, Source, Source, Source],
    events: tuple[Event, Event, Event],
    *,
    gone: date,
) -> _FirstClaims:
    """What each source says: the last message, the ministry's version, and what
    contradicts it."""
    rowan, ministry, lark, kestrel = witnesses
    last, removal, statement = events
    flown = gone + FLOWN_AFTER
    c_last = sources.claim_add(
        case=case,
        source=rowan,
        topic=Claim.Topic.EVENT,
        event=last,
        by=by,
        statement="At 12:43 he wrote: police are here, I'm hiding. "
        "Nothing since; his phone is off.",
        # What goes outside: his words reported, not the contact's "he wrote" to them
        # (first person points to who received it).
        outside_wording="At 12:43 he sent a message saying that police were at his door "
        "and that he was hiding. He has not been heard from since; his phone is off.",
        dated_on=case.last_contact_on,
        received_on=case.last_contact_on,
        material=Claim.Material.MESSAGE,
        credibility=2,
    )
    c_flown = sources.claim_add(
        case=case,
        source=ministry,
        topic=Claim.Topic.EVENT,
        event=statement,
        by=by,
        statement=f"Mr Issakov left the country by air for Ashgabat on {flown:%d %B %Y} of his "
        "own accord.",
        dated_on=_day(gone + timedelta(days=19)),
        received_on=_day(gone + timedelta(days=19)),
        material=Claim.Material.OFFICIAL_REPLY,
        credibility=4,
        attribution=Claim.Attribution.ALTERNATIVE,
    )
    c_passport = sources.claim_add(
        case=case,
        source=lark,
        topic=Claim.Topic.EVENT,
        event=removal,
        by=by,
        statement="He lost his passport last year and had no travel document. He said many "
        "times he would never go back.",
        # "Last year" reads wrong once the year turns; the outside wording does not.
        outside_wording="He had lost his passport the year before and had no travel "
        "document. He had said many times that he would never go back.",
        dated_on=_day(gone + timedelta(days=21)),
        received_on=_day(gone + timedelta(days=21)),
        material=Claim.Material.TESTIMONY,
        credibility=2,
    )
    c_custody = sources.claim_add(
        case=case,
        source=kestrel,
        topic=Claim.Topic.WHEREABOUTS,
        by=by,
        statement="He is held by the security service in Ashgabat.",
        # Said some time in those three days, and passed on at once.
        dated_on=PartialDate(
            lo=gone + timedelta(days=25), hi=gone + timedelta(days=27), precision=Precision.RANGE
        ),
        received_on=PartialDate(
            lo=gone + timedelta(days=25), hi=gone + timedelta(days=27), precision=Precision.RANGE
        ),
        material=Claim.Material.TESTIMONY,
        credibility=3,
    )
    return _FirstClaims(last=c_last, flown=c_flown, passport=c_passport, custody=c_custody)


def _first_links(case: Case, by: User, claims: _FirstClaims) -> None:
    """Which claims contradict the ministry's, and which corroborate each other."""
    c_last, c_flown, c_passport, c_custody = claims
    sources.claims_link(
        case=case,
        first=c_flown,
        second=c_passport,
        kind=ClaimLink.Kind.CONTRADICTS,
        note="Whether he could and would travel home of his own accord",
        by=by,
    )
    sources.claims_link(
        case=case,
        first=c_flown,
        second=c_custody,
        kind=ClaimLink.Kind.CONTRADICTS,
        note="Whether he is free",
        by=by,
    )
    sources.claims_link(
        case=case, first=c_last, second=c_custody, kind=ClaimLink.Kind.CORROBORATES, by=by
    )


def _first_status(case: Case, by: User, claims: _FirstClaims, *, gone: date) -> None:
    """The three elements assessed, and the status that rests on them."""
    c_last, c_flown, c_passport, c_custody = claims
    # The three elements, assessed as the status below rests on them.
    for element, supporting, undermining, rationale in [
        (Element.DEPRIVATION, [c_last, c_custody], [],
         "Police at his door as he wrote; an informal channel says he is held."),
        (Element.STATE, [c_last, c_custody], [],
         "Police, then the security service: agents of the State on both sides."),
        (Element.CONCEALMENT, [c_passport, c_custody], [c_flown],
         "The ministry's “flew home” is contradicted: he had no passport."),
    ]:  # fmt: skip
        evidence.element_assess(
            case=case,
            element=element,
            assessment=Assessment.CREDIBLE,
            rationale=rationale,
            supporting=supporting,
            undermining=undermining,
            by=by,
        )
    cases.status_assert(
        case=case,
        status=Status.PRESUMED_ED,
        asserted_on=gone + timedelta(days=27),
        by=by,
        basis="Deprivation of liberty and State involvement credible; no official "
        "information on his fate or whereabouts.",
        claims=[c_last, c_passport, c_custody],
    )
