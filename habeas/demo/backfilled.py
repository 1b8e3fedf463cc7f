"""Three demo cases entered after the fact, as an organisation enters most of its cases:
opened today about a disappearance years back, through the services the forms call and
nothing else. Their "silent for" is whatever the silence rule makes of their dated
records; nothing here sets a counter.

Every person, source and statement is invented. The first follows the shape of a
published case (an exile taken in one State and handed to another, a ministry saying he
flew home, informal sources saying he is held); the second has only years and seasons
for dates; the third has ranges.

The latest dated information of each, which tests/test_demo_backfilled.py writes out by
hand: TM-2021-014, 30 Nov 2021; TM-2003-017, 31 Dec 2009; UZ-2016-008, 31 Oct 2017.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.utils import timezone

from habeas.accounts.models import User
from habeas.cases import services as cases
from habeas.cases.models import Actor, Case, Event, EventActor, PersonName, Status
from habeas.demo import advocacy as advocacy_demo
from habeas.evidence import services as evidence
from habeas.evidence.models import Assessment, Element, EvidenceItem
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, ClaimLink, Source

Kind = PersonName.Kind
Role = EventActor.Role

# References of the cases this module enters, in the order it enters them.
REFERENCES = ("TM-2021-014", "TM-2003-017", "UZ-2016-008")


def _d(text: str) -> PartialDate:
    """A date as a caseworker types it into the form."""
    return PartialDate.parse(text)


def load(*, by: User, actors: dict[str, Actor], today: date) -> None:
    exile_taken_abroad(by, actors, today)
    journalist_2003(by, actors)
    student_2016(by, actors)


def exile_taken_abroad(by: User, actors: dict[str, Actor], today: date) -> Case:
    """An exiled activist's last text message, a ministry letter saying he flew home,
    informal sources saying he is held: read in an NGO's dispatch and entered this week."""
    case = cases.case_open(
        name="Begench Atayev",
        script="Latn",
        reference="TM-2021-014",
        country="TM",
        taken_in_country="RU",
        summary=(
            "Exiled activist living in hiding in Russia. Police came to the flat where he "
            "stayed; he texted a fellow activist that he was going into hiding. The Russian "
            "ministry says he flew home two days later; others say he had lost his passport "
            "and is held in Turkmenistan."
        ),
        disappeared_on=_d("2021-10-20"),
        disappeared_place="Moscow region, Russia (in hiding)",
        last_contact_on=_d("2021-10-20"),
        last_contact_place="Moscow region, Russia",
        last_contact_channel="sms",
        last_contact_source_code_name="SAXAUL",
        last_contact_source_kind=Source.Kind.DEFENDER,
        last_contact_message="The police are at the door. I'm going into hiding.",
        risk_torture=True,
        risk_family_reprisals=True,
        priority=2,
        tags=["exile", "transnational repression", "forced return"],
        by=by,
    )
    person = case.people.get()
    for text, script, language in [
        ("Бегенч Атаев", "Cyrl", "ru"),
        ("Begenç Ataýew", "Latn", "tk"),
    ]:
        cases.person_name_add(
            person=person,
            text=text,
            script=script,
            language=language,
            kind=Kind.TRANSLITERATION,
            seen_in="NGO dispatch (demo)",
            by=by,
        )
    cases.person_update(
        person=person,
        sex="m",
        nationality="TM",
        occupation="Human rights activist, video blogger",
        by=by,
    )
    # The dispatch speaks of "his parents": nobody knows their names.
    cases.relative_add(
        person=person, case=case, name="", relationship="parents (names not known)", by=by
    )

    saxaul = sources.source_update(
        source=Source.objects.get(case=case, code_name="SAXAUL"),
        reliability="B",
        reliability_rationale="A fellow activist whose earlier reports proved accurate.",
        identity="A fellow activist in exile (identity withheld in the demo)",
        consent_to_un=True,
        by=by,
    )
    ministry = sources.source_add(
        case=case,
        code_name="RU-MVD",
        kind=Source.Kind.OFFICIAL,
        reliability="F",
        identity="Russian Ministry of Internal Affairs",
        consent_information_public=True,
        consent_named_publicly=True,
        public_name="the Ministry of Internal Affairs of the Russian Federation",
        consent_to_un=True,
        consent_to_government=True,
        by=by,
    )
    several = sources.source_add(
        case=case,
        code_name="SEVERAL",
        kind=Source.Kind.ANONYMOUS,
        reliability="C",
        identity="Several people close to him, quoted by the NGO",
        by=by,
    )
    informal = sources.source_add(
        case=case,
        code_name="INFORMAL",
        kind=Source.Kind.ANONYMOUS,
        reliability="C",
        identity="Informal channels in Turkmenistan",
        by=by,
    )
    ngo = sources.source_add(
        case=case,
        code_name="DISPATCH",
        kind=Source.Kind.NGO,
        reliability="B",
        identity="An international NGO's published dispatch (demo)",
        consent_information_public=True,
        consent_named_publicly=True,
        consent_to_un=True,
        by=by,
    )

    family = cases.event_add(
        case=case,
        kind=Event.Kind.HARASSMENT_OF_FAMILY,
        occurred_on=_d("before Oct 2021"),
        place="Turkmenistan",
        description="Security officers visited his parents, warned them about his videos "
        "and took their phones.",
        actors=[(actors["tm_mnb"], Role.ALLEGED_PERPETRATOR)],
        by=by,
    )
    cases.event_add(
        case=case,
        kind=Event.Kind.POLICE_VISIT,
        occurred_on=_d("2021-10-20"),
        place="Moscow region, Russia",
        description="Police came to the flat where he was staying.",
        actors=[(actors["ru_mvd"], Role.OTHER)],
        by=by,
    )
    last = cases.event_add(
        case=case,
        kind=Event.Kind.LAST_CONTACT,
        occurred_on=_d("2021-10-20"),
        place="Moscow region, Russia",
        description="His last text message: police at the door, going into hiding.",
        by=by,
    )
    removed = cases.event_add(
        case=case,
        kind=Event.Kind.DEPORTATION,
        occurred_on=_d("between 20 and 22 Oct 2021"),
        place="Moscow → Turkmenabat (alleged)",
        description="Alleged removal to Turkmenistan.",
        actors=[
            (actors["ru_mvd"], Role.ALLEGED_PERPETRATOR),
            (actors["tm_mnb"], Role.HOLDING_AUTHORITY),
        ],
        by=by,
    )
    inquiry = cases.event_add(
        case=case,
        kind=Event.Kind.INQUIRY,
        occurred_on=_d("Oct 2021"),
        place="Moscow",
        description="The NGO asked the Russian ministry where he was.",
        by=by,
    )
    letter = cases.event_add(
        case=case,
        kind=Event.Kind.OFFICIAL_STATEMENT,
        occurred_on=_d("Nov 2021"),
        place="Moscow",
        description="The ministry's reply: he flew to Turkmenabat on 22 Oct 2021.",
        actors=[(actors["ru_mvd"], Role.SPOKESPERSON)],
        by=by,
    )
    held = cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=_d("Nov 2021"),
        place="Turkmenistan",
        description="Reportedly held by the security services (informal channels).",
        actors=[(actors["tm_mnb"], Role.HOLDING_AUTHORITY)],
        by=by,
    )

    # The organisation read the dispatch this week: received now, dated 2021.
    received = PartialDate.parse((today - timedelta(days=3)).isoformat())
    c_last = sources.claim_add(
        case=case,
        source=saxaul,
        topic=Claim.Topic.EVENT,
        event=last,
        statement="On 20 October 2021 he texted: the police are at the door, he is going "
        "into hiding. Nothing since.",
        dated_on=_d("2021-10-20"),
        via=[ngo],
        received_on=received,
        material=Claim.Material.MESSAGE,
        credibility=2,
        by=by,
    )
    c_flown = sources.claim_add(
        case=case,
        source=ministry,
        topic=Claim.Topic.EVENT,
        event=letter,
        statement="He flew from Moscow to Turkmenabat on 22 October 2021.",
        dated_on=_d("Nov 2021"),
        via=[saxaul, ngo],
        received_on=received,
        material=Claim.Material.OFFICIAL_REPLY,
        credibility=4,
        attribution=Claim.Attribution.ALTERNATIVE,
        by=by,
    )
    c_passport = sources.claim_add(
        case=case,
        source=several,
        topic=Claim.Topic.OTHER,
        statement="He had lost his passport and had no wish to return.",
        dated_on=None,  # the dispatch does not say when they said it
        via=[ngo],
        received_on=received,
        material=Claim.Material.TESTIMONY,
        credibility=2,
        by=by,
    )
    c_held = sources.claim_add(
        case=case,
        source=informal,
        topic=Claim.Topic.WHEREABOUTS,
        event=held,
        statement="He is held by the security services in Turkmenistan.",
        dated_on=_d("late Nov 2021"),
        via=[saxaul, ngo],
        received_on=received,
        material=Claim.Material.TESTIMONY,
        credibility=3,
        by=by,
    )
    c_family = sources.claim_add(
        case=case,
        source=ngo,
        topic=Claim.Topic.EVENT,
        event=family,
        statement="Security officers threatened his parents and confiscated their phones.",
        dated_on=_d("late Nov 2021"),  # the dispatch's own date
        received_on=received,
        material=Claim.Material.PRESS_RELEASE,
        credibility=2,
        by=by,
    )
    # The NGO consented to the UN; informal channels and the people quoted did not. A
    # caseworker gives the Working Group the NGO's own account of the removal, of the
    # word that he is held and of its inquiry, so the submission tells both sides, not
    # only the ministry's "he flew home".
    ngo_says = [
        (removed, "He was removed to Turkmenistan between 20 and 22 October 2021."),
        (inquiry, "The NGO asked the Russian ministry where he was in October 2021."),
        (held, "People close to him say he is held by the security services in Turkmenistan."),
    ]
    for event, statement in ngo_says:
        sources.claim_add(
            case=case,
            source=ngo,
            topic=Claim.Topic.EVENT,
            event=event,
            statement=statement,
            dated_on=_d("late Nov 2021"),  # the dispatch's own date
            received_on=received,
            material=Claim.Material.PRESS_RELEASE,
            credibility=3,
            by=by,
        )
    for first, second, kind in [
        (c_flown, c_passport, ClaimLink.Kind.CONTRADICTS),
        (c_flown, c_held, ClaimLink.Kind.CONTRADICTS),
        (c_last, c_held, ClaimLink.Kind.CORROBORATES),
    ]:
        sources.claims_link(case=case, first=first, second=second, kind=kind, by=by)

    for element, supporting, undermining, rationale in [
        (Element.DEPRIVATION, [c_last, c_held], [],
         "Police at the door as he wrote; informal channels say he is held."),
        (Element.STATE, [c_last, c_held, c_family], [],
         "Russian police, then Turkmen security services."),
        (Element.CONCEALMENT, [c_passport, c_held], [c_flown],
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
    # Habeas suggests the status from the three elements; the caseworker confirms it as
    # of the day the information supports, not the day it was typed in.
    evidence.presumed_ed_confirm(case=case, asserted_on=date(2021, 11, 30), by=by)
    evidence.evidence_add(
        case=case,
        upload=_named(_dispatch_html(), "ngo-dispatch.html"),
        kind=EvidenceItem.Kind.WEB_CAPTURE,
        title="The NGO's dispatch",
        source=ngo,
        claims=[c_family, c_passport, c_held, c_flown],
        events=[family, letter],
        dated_on=_d("late Nov 2021"),
        source_url="https://ngo.example.org/dispatch/2021-11",
        capture_tool="Browser: save page as",
        collected_by="Caseworker (demo)",
        collection_method="Saved from the NGO's website",
        by=by,
    )
    return case


def journalist_2003(by: User, actors: dict[str, Actor]) -> Case:
    """A journalist taken early in 2003: a family that knows years, not days, and a
    released prisoner who saw him in 2009."""
    case = cases.case_open(
        name="Шатлык Овезов",
        script="Cyrl",
        reference="TM-2003-017",
        country="TM",
        summary="Journalist from Dashoguz taken early in 2003; sentenced in a closed "
        "trial the family was not told of. A released prisoner saw him in 2009.",
        disappeared_on=_d("early 2003"),
        disappeared_place="Dashoguz",
        last_contact_on=_d("early 2003"),
        last_contact_place="The family home, Dashoguz",
        last_contact_channel="in_person",
        last_contact_source_code_name="TAMARISK",
        last_contact_source_kind=Source.Kind.RELATIVE,
        priority=3,
        tags=["journalist", "prison"],
        by=by,
    )
    person = case.people.get()
    cases.person_name_add(
        person=person,
        text="Şatlyk Öwezow",
        script="Latn",
        language="tk",
        kind=Kind.TRANSLITERATION,
        seen_in="Family's letters",
        by=by,
    )
    tamarisk = sources.source_update(
        source=Source.objects.get(case=case, code_name="TAMARISK"),
        reliability="B",
        reliability_rationale="His mother, who saw him taken.",
        identity="His mother (identity withheld in the demo)",
        consent_to_un=True,
        by=by,
    )
    advocacy_demo.family_consent(
        case, by, given_by="his mother (demo)", given_on=timezone.localdate(), to_un=True
    )
    juniper = sources.source_add(
        case=case,
        code_name="JUNIPER",
        kind=Source.Kind.WITNESS,
        reliability="C",
        identity="A released prisoner (identity withheld in the demo)",
        by=by,
    )
    arrest = cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=_d("early 2003"),
        place="Dashoguz",
        description="Taken from the family home by officers who gave no reason.",
        actors=[(actors["tm_mnb"], Role.ALLEGED_PERPETRATOR)],
        by=by,
    )
    cases.event_add(
        case=case,
        kind=Event.Kind.TRIAL,
        occurred_on=_d("2003"),
        place="Ashgabat (closed hearing)",
        description="Closed trial; the family learnt of it afterwards. Sentence unknown.",
        by=by,
    )
    cases.event_add(
        case=case,
        kind=Event.Kind.SEARCH_BY_FAMILY,
        occurred_on=_d("about 2004"),
        place="Ashgabat",
        description="His mother wrote to the Prosecutor General asking where he is held.",
        by=by,
    )
    seen = cases.event_add(
        case=case,
        kind=Event.Kind.SIGHTING,
        occurred_on=_d("2009"),
        place="Prison hospital (place not stated)",
        description="Seen, very thin, in a prison hospital.",
        by=by,
    )
    c_arrest = sources.claim_add(
        case=case,
        source=tamarisk,
        topic=Claim.Topic.EVENT,
        event=arrest,
        statement="They came in the morning and took him; they said nothing.",
        dated_on=_d("early 2003"),
        received_on=_d("2004"),
        material=Claim.Material.TESTIMONY,
        credibility=2,
        by=by,
    )
    # Seen in 2009, told to the organisation in 2012: silence counts from 2009.
    sources.claim_add(
        case=case,
        source=juniper,
        topic=Claim.Topic.EVENT,
        event=seen,
        statement="I saw him in the prison hospital. He was very thin.",
        dated_on=_d("2009"),
        received_on=_d("2012"),
        material=Claim.Material.TESTIMONY,
        credibility=3,
        by=by,
    )
    cases.status_assert(
        case=case,
        status=Status.PRESUMED_ED,
        asserted_on=date(2004, 1, 1),
        basis="Taken by officers; no answer to the family's letters.",
        claims=[c_arrest],
        by=by,
    )
    return case


def student_2016(by: User, actors: dict[str, Actor]) -> Case:
    """A student taken on his return from abroad: dates known only as ranges."""
    case = cases.case_open(
        name="Sherzod Aminov",
        script="Latn",
        reference="UZ-2016-008",
        country="UZ",
        summary="Student returning from Turkey; his phone went silent at the airport. A "
        "lawyer's complaint was refused; he was later seen in a pre-trial centre.",
        disappeared_on=_d("between 3 and 9 Apr 2016"),
        disappeared_place="Tashkent airport",
        last_contact_on=_d("2016-04-03"),
        last_contact_place="Tashkent airport",
        last_contact_channel="phone",
        last_contact_source_code_name="POPLAR",
        last_contact_source_kind=Source.Kind.RELATIVE,
        priority=3,
        tags=["forced return"],
        by=by,
    )
    person = case.people.get()
    cases.person_name_add(
        person=person,
        text="Шерзод Аминов",
        script="Cyrl",
        language="uz",
        kind=Kind.TRANSLITERATION,
        seen_in="Court papers",
        by=by,
    )
    poplar = sources.source_update(
        source=Source.objects.get(case=case, code_name="POPLAR"),
        reliability="B",
        reliability_rationale="His sister, who spoke to him that day.",
        identity="His sister (identity withheld in the demo)",
        consent_to_un=True,
        by=by,
    )
    advocacy_demo.family_consent(
        case, by, given_by="his sister (demo)", given_on=timezone.localdate(), to_un=True
    )
    birch = sources.source_add(
        case=case,
        code_name="BIRCH",
        kind=Source.Kind.LAWYER,
        reliability="A",
        identity="The family's lawyer (identity withheld in the demo)",
        consent_to_un=True,
        consent_to_government=True,
        by=by,
    )
    heron = sources.source_add(
        case=case,
        code_name="HERON",
        kind=Source.Kind.WITNESS,
        reliability="C",
        identity="A former detainee (identity withheld in the demo)",
        by=by,
    )
    arrest = cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=_d("between 3 and 9 Apr 2016"),
        place="Tashkent airport",
        description="Taken on arrival, according to other passengers.",
        actors=[(actors["uz_sgb"], Role.ALLEGED_PERPETRATOR)],
        by=by,
    )
    filing = cases.event_add(
        case=case,
        kind=Event.Kind.COURT_FILING,
        occurred_on=_d("Jun 2016"),
        place="Tashkent",
        description="The lawyer's complaint of unlawful detention; refused.",
        by=by,
    )
    cases.event_add(
        case=case,
        kind=Event.Kind.OFFICIAL_STATEMENT,
        occurred_on=_d("between 1 and 15 Jul 2016"),
        place="Tashkent",
        description="The prosecutor's office: no record of his detention.",
        by=by,
    )
    seen = cases.event_add(
        case=case,
        kind=Event.Kind.SIGHTING,
        occurred_on=_d("between Aug and Oct 2017"),
        place="Pre-trial detention centre, Tashkent",
        description="Seen in a pre-trial detention centre by a former detainee.",
        by=by,
    )
    c_arrest = sources.claim_add(
        case=case,
        source=poplar,
        topic=Claim.Topic.EVENT,
        event=arrest,
        statement="He called from the plane to say he had landed. Then his phone was off.",
        dated_on=_d("2016-04-03"),
        received_on=_d("Apr 2016"),
        material=Claim.Material.TESTIMONY,
        credibility=2,
        by=by,
    )
    sources.claim_add(
        case=case,
        source=birch,
        topic=Claim.Topic.EVENT,
        event=filing,
        statement="The court refused the complaint: no detention is on record.",
        dated_on=_d("Jul 2016"),
        received_on=_d("Jul 2016"),
        material=Claim.Material.DOCUMENT,
        credibility=1,
        by=by,
    )
    sources.claim_add(
        case=case,
        source=heron,
        topic=Claim.Topic.EVENT,
        event=seen,
        statement="I saw him in the centre some time between August and October 2017.",
        dated_on=_d("between Aug and Oct 2017"),
        received_on=_d("Dec 2017"),
        material=Claim.Material.TESTIMONY,
        credibility=3,
        by=by,
    )
    cases.status_assert(
        case=case,
        status=Status.PRESUMED_ED,
        asserted_on=date(2016, 8, 1),
        basis="Taken at the airport; the authorities deny holding him.",
        claims=[c_arrest],
        by=by,
    )
    return case


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _dispatch_html() -> bytes:
    return (
        b"<!doctype html><html><head><title>Activist missing (demo)</title></head><body>"
        b"<h1>Activist missing after police visit (fictional demo text)</h1>"
        b"<p>Security officers threatened his parents and confiscated their phones. On 20 "
        b"October 2021 he texted a fellow activist that police were at the door. The "
        b"ministry says he flew home; several sources say he had lost his passport, and "
        b"informal channels say he is held.</p></body></html>"
    )
