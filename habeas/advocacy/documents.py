"""Documents generated from the record for a recipient outside the organisation.

Every document is built in two steps: `case_facts` reads the record for one
*recipient* (the UN, the government concerned, or the public — which includes
diplomats and the press) and keeps only what that recipient may receive; the
builders then lay those facts out as sections. Renderers (render.py) turn the
sections into HTML, PDF or DOCX, so the three formats always say the same.

What may go to whom:
- a claim (and an event that rests only on claims) is used only when its
  source consented to that recipient; a source is named only with consent to
  be named publicly, and then by kind ("a relative"), never by code name or
  identity;
- encrypted fields (last contact message, relatives' and sources' contacts,
  source identities) are never read here;
- the case summary and notes are working text and are never copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Prefetch
from django_countries import countries

from habeas.cases.models import Case, Event, EventActor
from habeas.sources.models import Claim, Source

from .models import Addressee, Intervention
from .texts import texts_for


class Recipient(StrEnum):
    UN = "un"
    GOVERNMENT = "government"
    PUBLIC = "public"


class DocKind(StrEnum):
    WGEID = "wgeid"
    LETTER = "letter"
    URGENT_ACTION = "urgent_action"


RECIPIENT_OF = {
    DocKind.WGEID: Recipient.UN,
    DocKind.LETTER: Recipient.GOVERNMENT,
    DocKind.URGENT_ACTION: Recipient.PUBLIC,
}

# The intervention kinds each document serves (the document "sent" with them).
DOCUMENT_FOR_KIND = {
    Intervention.Kind.WGEID_URGENT: DocKind.WGEID,
    Intervention.Kind.WGEID_STANDARD: DocKind.WGEID,
    Intervention.Kind.WGEID_PROMPT: DocKind.WGEID,
    Intervention.Kind.CED_URGENT_ACTION: DocKind.WGEID,
    Intervention.Kind.SPECIAL_PROCEDURES: DocKind.WGEID,
    Intervention.Kind.LETTER_AUTHORITIES: DocKind.LETTER,
    Intervention.Kind.COURT_PETITION: DocKind.LETTER,
    Intervention.Kind.EMBASSY: DocKind.URGENT_ACTION,
    Intervention.Kind.PRESS_STATEMENT: DocKind.URGENT_ACTION,
}

PERPETRATOR_ROLES = (
    EventActor.Role.ALLEGED_PERPETRATOR,
    EventActor.Role.COMMANDER,
    EventActor.Role.HOLDING_AUTHORITY,
)
STEP_KINDS = (
    Intervention.Kind.LETTER_AUTHORITIES,
    Intervention.Kind.COURT_PETITION,
    Intervention.Kind.EMBASSY,
)
# An urgent action asks people to write for this long.
ACT_FOR_DAYS = 42


def source_allows(source: Source, recipient: Recipient) -> bool:
    if recipient is Recipient.UN:
        return source.consent_to_un
    if recipient is Recipient.GOVERNMENT:
        return source.consent_to_government
    return source.consent_named_publicly


@dataclass
class Fact:
    when: str
    place: str
    text: str
    actors: list[str] = field(default_factory=list)


@dataclass
class CaseFacts:
    """What one recipient may learn about one case."""

    case: Case
    name: str
    variants: list[str]
    sex: str
    birth_date: str
    nationality: str
    occupation: str
    affiliation: str
    country: str
    disappeared_on: str
    disappeared_has_month: bool
    place: str
    days_missing: int | None
    forces: list[str]
    events: list[Fact]
    information: list[str]
    steps: list[str]
    family_consent: bool


def _source_label(source: Source, recipient: Recipient) -> str:
    # Named (by kind) only with consent to be named; otherwise anonymous.
    if source.consent_named_publicly:
        return str(source.get_kind_display())
    return ""


def case_facts(*, case: Case, recipient: Recipient, today: date) -> CaseFacts:
    person = case.people.prefetch_related("names").order_by("id").first()
    sources = {s.pk: s for s in Source.objects.filter(case=case)}
    allowed = {pk for pk, s in sources.items() if source_allows(s, recipient)}
    claims = list(Claim.objects.filter(case=case).order_by("received_from", "id"))
    claims_by_event: dict[int, list[Claim]] = {}
    for claim in claims:
        if claim.event_id:
            claims_by_event.setdefault(claim.event_id, []).append(claim)

    events: list[Fact] = []
    forces: list[str] = []
    family_search: list[str] = []
    for event in Event.objects.filter(case=case).prefetch_related(
        Prefetch("event_actors", queryset=EventActor.objects.select_related("actor"))
    ):
        backing = claims_by_event.get(event.pk, [])
        # An event resting only on sources that did not consent stays out.
        if backing and not any(c.source_id in allowed for c in backing):
            continue
        actors = [
            f"{ea.actor} ({ea.get_role_display()})"
            for ea in event.event_actors.all()
            if ea.role in PERPETRATOR_ROLES
        ]
        for ea in event.event_actors.all():
            if ea.role in PERPETRATOR_ROLES and str(ea.actor) not in forces:
                forces.append(str(ea.actor))
        fact = Fact(str(event.occurred_on), event.place, event.description, actors)
        if event.kind == Event.Kind.SEARCH_BY_FAMILY:
            family_search.append(f"{fact.when}: {fact.text}")
        events.append(fact)

    information = []
    for claim in claims:
        if claim.source_id not in allowed:
            continue
        label = _source_label(sources[claim.source_id], recipient)
        prefix = f"{label}, {claim.received_on}" if label else str(claim.received_on)
        information.append(f"{prefix}: {claim.statement}")

    steps = family_search + [
        f"{i.sent_on:%d.%m.%Y}: {i.get_kind_display()}"
        + (f" — {i.addressee.organisation or i.addressee.name}" if i.addressee else "")
        for i in Intervention.objects.filter(
            case=case, kind__in=STEP_KINDS, sent_on__isnull=False
        ).select_related("addressee")
    ]
    family_consent = any(
        s.kind in (Source.Kind.RELATIVE, Source.Kind.VICTIM) and s.consent_to_un
        for s in sources.values()
    )
    names = list(person.names.all()) if person else []
    return CaseFacts(
        case=case,
        name=person.display_name if person else "",
        variants=[n.text for n in names if person and n.text != person.display_name],
        sex=person.get_sex_display() if person and person.sex else "",
        birth_date=str(person.birth_date) if person and person.birth_date else "",
        nationality=person.nationality.name if person and person.nationality else "",
        occupation=person.occupation if person else "",
        affiliation=person.affiliation if person else "",
        country=case.country.name if case.country else "",
        disappeared_on=str(case.disappeared_on) if case.disappeared_on else "",
        disappeared_has_month=bool(case.disappeared_on and case.disappeared_on.has_month()),
        place=case.disappeared_place or case.last_contact_place,
        days_missing=case.days_disappeared(today),
        forces=forces,
        events=events,
        information=information,
        steps=steps,
        family_consent=family_consent,
    )


def organisation() -> str:
    return getattr(settings, "HABEAS_ORGANISATION", "") or ""


def wgeid_missing(facts: CaseFacts) -> list[str]:
    """Keys of the WGEID's required elements (DOMAIN §3) that the record lacks,
    counting only what may go to the UN; family consent last."""
    missing = []
    if len(facts.name.split()) < 2:
        missing.append("name")
    if not facts.disappeared_has_month:
        missing.append("date")
    if not facts.place.strip():
        missing.append("place")
    if not facts.forces:
        missing.append("forces")
    if not facts.steps:
        missing.append("steps")
    if not organisation().strip():
        missing.append("submitter")
    if not facts.family_consent:
        missing.append("consent")
    return missing


@dataclass
class Section:
    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass
class Document:
    kind: str
    language: str
    title: str
    recipient: Recipient
    sections: list[Section]
    missing: list[str] = field(default_factory=list)  # human labels

    @property
    def is_complete(self) -> bool:
        return not self.missing

    def text(self) -> str:
        """Plain text, as kept on the intervention as the document sent."""
        lines = [self.title, ""]
        for s in self.sections:
            if s.heading:
                lines += [s.heading, ""]
            lines += [*s.paragraphs, *(f"- {b}" for b in s.bullets), ""]
        return "\n".join(lines).strip() + "\n"


def _person_section(t: dict[str, str], f: CaseFacts) -> Section:
    rows = [
        (t["name"], f.name),
        (t["variants"], ", ".join(f.variants)),
        (t["sex"], f.sex),
        (t["birth_date"], f.birth_date),
        (t["nationality"], f.nationality),
        (t["occupation"], f.occupation),
        (t["affiliation"], f.affiliation),
    ]
    return Section(t["person"], [f"{label}: {value}" for label, value in rows if value])


def _events_section(t: dict[str, str], f: CaseFacts, heading: str) -> Section:
    bullets = []
    for e in f.events:
        where = f", {e.place}" if e.place else ""
        who = f" [{'; '.join(e.actors)}]" if e.actors else ""
        bullets.append(f"{e.when}{where}: {e.text}{who}")
    return Section(heading, [] if bullets else [t["none_recorded"]], bullets)


def _asks(t: dict[str, str], name: str) -> list[str]:
    return [
        t[k].format(name=name) for k in ("ask.disclose", "ask.torture", "ask.access", "ask.release")
    ]


def wgeid_submission(*, case: Case, language: str, today: date) -> Document:
    t = texts_for(language)
    f = case_facts(case=case, recipient=Recipient.UN, today=today)
    sections = [
        _person_section(t, f),
        Section(
            t["disappearance"],
            [
                f"{t['date']}: {f.disappeared_on or t['unknown']}",
                f"{t['place']}: {f.place or t['unknown']}",
                f"{t['country']}: {f.country}",
                f"{t['forces']}: {', '.join(f.forces) or t['unknown']}",
            ],
        ),
        _events_section(t, f, t["circumstances"]),
        Section(t["information"], [] if f.information else [t["none_recorded"]], f.information),
        Section(t["steps"], [] if f.steps else [t["none_recorded"]], f.steps),
        Section(t["submitter"], [organisation() or t["unknown"], t["confidential"]]),
        Section(t["consent"], [t["consent.given"] if f.family_consent else t["consent.missing"]]),
    ]
    missing = [t[f"missing.{key}"] for key in wgeid_missing(f)]
    return Document(DocKind.WGEID, language, t["wgeid.title"], Recipient.UN, sections, missing)


def _addressee_lines(a: Addressee) -> list[str]:
    return [line for line in (a.name, a.title, a.organisation, a.address, a.email) if line]


def authorities_letter(
    *, case: Case, language: str, today: date, addressee: Addressee | None
) -> Document:
    t = texts_for(language)
    f = case_facts(case=case, recipient=Recipient.GOVERNMENT, today=today)
    sections = []
    if addressee:
        sections.append(Section("", _addressee_lines(addressee)))
    sections += [
        Section(
            "",
            [f"{today:%d.%m.%Y}", (addressee and addressee.salutation) or t["salutation.default"]],
        ),
        _person_section(t, f),
        Section(
            t["disappearance"],
            [
                f"{t['date']}: {f.disappeared_on or t['unknown']}",
                f"{t['place']}: {f.place or t['unknown']}",
            ],
        ),
        _events_section(t, f, t["circumstances"]),
        Section(t["asks"], [], _asks(t, f.name)),
        Section("", [t["closing"], organisation()]),
    ]
    missing = [] if addressee else [t["missing.addressee"]]
    return Document(
        DocKind.LETTER, language, t["letter.title"], Recipient.GOVERNMENT, sections, missing
    )


def urgent_action(
    *, case: Case, language: str, today: date, addressees: list[Addressee]
) -> Document:
    t = texts_for(language)
    f = case_facts(case=case, recipient=Recipient.PUBLIC, today=today)
    profile = getattr(case, "public_profile", None)
    headline = f"{f.country}: {f.name}"
    summary = [
        f"{t['date']}: {f.disappeared_on or t['unknown']}; {t['place']}: {f.place or t['unknown']}"
    ]
    if f.days_missing is not None:
        summary.append(t["days_missing"].format(days=f.days_missing))
    if profile and profile.is_published and profile.summary:
        summary.append(profile.summary)  # cleared for publication
    sections = [
        Section(f"{case.reference} — {today:%d.%m.%Y} — {headline}"),
        Section(t["summary"], summary),
        Section(t["asks"], [], _asks(t, f.name)),
        Section(
            t["addressees"],
            [],
            [
                " — ".join([*_addressee_lines(a), a.salutation or ""]).strip(" —")
                for a in addressees
            ],
        ),
        _events_section(t, f, t["background"]),
        Section(t["act_until"], [f"{today + timedelta(days=ACT_FOR_DAYS):%d.%m.%Y}"]),
    ]
    missing = [] if addressees else [t["missing.addressee"]]
    return Document(
        DocKind.URGENT_ACTION,
        language,
        t["urgent_action.title"],
        Recipient.PUBLIC,
        sections,
        missing,
    )


def briefing_note(*, cases: list[Case], country: str, language: str, today: date) -> Document:
    """Several cases of one country, for diplomats of third States: public-level consent."""
    t = texts_for(language)
    sections = [Section(t["country"], [str(dict(countries).get(country, country))])]
    for case in cases:
        f = case_facts(case=case, recipient=Recipient.PUBLIC, today=today)
        paragraphs = [
            f"{t['date']}: {f.disappeared_on or t['unknown']}; {t['place']}: "
            f"{f.place or t['unknown']}"
        ]
        if f.days_missing is not None:
            paragraphs.append(t["days_missing"].format(days=f.days_missing))
        if f.forces:
            paragraphs.append(f"{t['forces']}: {', '.join(f.forces)}")
        sections.append(
            Section(
                f"{f.name} ({case.reference})",
                paragraphs,
                [f"{e.when}: {e.text}" for e in f.events],
            )
        )
    sections.append(Section(t["recommendation"], [], _asks(t, "…")))
    return Document("briefing", language, t["briefing.title"], Recipient.PUBLIC, sections)
