"""Documents generated from the record for a recipient outside the organisation.

Every document is built in two steps: `case_facts` reads the record for one
*recipient* (the UN, the government concerned, or the public — which includes
diplomats and the press) and keeps only what that recipient may receive; the
builders then lay those facts out as sections. Renderers (render.py) turn the
sections into HTML, PDF or DOCX, so the three formats always say the same.

What may go to whom:
- a claim is used only when its source consented to that recipient; a claim
  that came through relays goes only where each relay consented too (to the
  public: "information may be published"). A source that may be named is named
  by the name it is to be known by ("Human Rights Watch"), or by kind ("an
  NGO") while none is set; any other stays unattributed; never by code name or
  identity;
- a claim says its wording for use outside the organisation when it has one,
  and the source's verbatim statement only otherwise; the staff are warned where
  such a statement has first-person, gendered or relative-time wording
  (wording.py);
- an event goes only where it is cleared (`Event.clearance`, set on the
  advocacy page "What goes outside"). By default an event goes where *every*
  source of the claims it rests on consented, and an event that rests on no
  claim — the organisation's own account — goes nowhere. A caseworker may clear
  an event explicitly for UN bodies; UN bodies and the authorities; or also
  the public. That sends the event's own description (never the statements of
  sources that did not consent), and also bounds the claims about it: a claim
  about an event kept from a recipient stays out too. "Kept inside" keeps an
  event and the claims about it from everyone;
- the forces believed responsible and the steps taken come only from events
  that go;
- encrypted fields (last contact message, relatives' and sources' contacts,
  source identities) are never read here;
- the case summary and notes are working text and are never copied.

Wording, labels, country names and dates are in the document's language
(texts.py), which is the recipient's, not the reader's. `Document.warnings`
are for the staff preparing it (e.g. a language the body does not accept) and
are never part of the document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import cast

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from habeas.cases.models import Actor, Case, Event, EventActor, Person, PersonName
from habeas.lib.names import guess_script
from habeas.lib.partialdate import PartialDate, Precision
from habeas.organisation.models import Organisation
from habeas.organisation.selectors import (
    LogoRead,
    organisation_current,
    organisation_logo,
    organisation_sender_lines,
)
from habeas.sources.models import Claim, ClaimRelay, Source

from . import ced, procedure, selectors
from .models import (
    Addressee,
    DetailClearance,
    Intervention,
    PersonDetailsClearance,
)
from .publication import DaysGone, days_gone
from .texts import LANGUAGES, country_name, format_date, texts_for
from .wording import Problem, statement_warnings


class Recipient(StrEnum):
    UN = "un"
    GOVERNMENT = "government"
    PUBLIC = "public"


# The family's consent each recipient needs (FamilyConsent, selectors.consent_given):
# UN bodies; the authorities, other States and intergovernmental bodies (letters);
# the public (urgent actions, press, briefing notes).
CONSENT_SCOPE: dict[Recipient, str] = {
    Recipient.UN: "un",
    Recipient.GOVERNMENT: "authorities",
    Recipient.PUBLIC: "publication",
}


class DocKind(StrEnum):
    WGEID = "wgeid"
    CED = "ced_urgent_action"
    SPECIAL_PROCEDURES = "special_procedures"
    LETTER = "letter"
    # A letter to another State or an intergovernmental body, asking it to urge the
    # Government concerned (never to release the person itself).
    THIRD_STATE = "third_state_letter"
    URGENT_ACTION = "urgent_action"


# Documents laid out as letters: letterhead, date, addressee, subject, salutation,
# opening, facts, asks, closing and signature.
LETTER_KINDS = (DocKind.LETTER, DocKind.THIRD_STATE)


# The intervention kinds each document serves (the document "sent" with them).
DOCUMENT_FOR_KIND: dict[str, DocKind] = {
    Intervention.Kind.WGEID_URGENT: DocKind.WGEID,
    Intervention.Kind.WGEID_STANDARD: DocKind.WGEID,
    Intervention.Kind.WGEID_PROMPT: DocKind.WGEID,
    Intervention.Kind.CED_URGENT_ACTION: DocKind.CED,
    Intervention.Kind.SPECIAL_PROCEDURES: DocKind.SPECIAL_PROCEDURES,
    Intervention.Kind.LETTER_AUTHORITIES: DocKind.LETTER,
    Intervention.Kind.COURT_PETITION: DocKind.LETTER,
    Intervention.Kind.EMBASSY: DocKind.THIRD_STATE,
    Intervention.Kind.PRESS_STATEMENT: DocKind.URGENT_ACTION,
}

# Where an event explicitly cleared by a caseworker may go.
CLEARED_FOR: dict[str, frozenset[Recipient]] = {
    Event.Clearance.INTERNAL: frozenset(),
    Event.Clearance.UN: frozenset({Recipient.UN}),
    Event.Clearance.GOVERNMENT: frozenset({Recipient.UN, Recipient.GOVERNMENT}),
    Event.Clearance.PUBLIC: frozenset(Recipient),
}

# Where a detail of the person cleared so far may go (PersonDetailsClearance).
DETAIL_CLEARED_FOR: dict[str, frozenset[Recipient]] = {
    DetailClearance.INTERNAL: frozenset(),
    DetailClearance.UN: frozenset({Recipient.UN}),
    DetailClearance.GOVERNMENT: frozenset({Recipient.UN, Recipient.GOVERNMENT}),
    DetailClearance.PUBLIC: frozenset(Recipient),
}

# The UN Working Group works in these languages only (docs/domain.md#what-a-submission-needs).
WGEID_LANGUAGES = ("en", "fr", "es")
WGEID_LANGUAGE_WARNING = gettext_lazy(
    "The UN Working Group accepts submissions in English, French or Spanish only: "
    "translate this one, or generate it in English, before sending it."
)

PERPETRATOR_ROLES = (
    EventActor.Role.ALLEGED_PERPETRATOR,
    EventActor.Role.COMMANDER,
    EventActor.Role.HOLDING_AUTHORITY,
)
# Steps taken at home or with third States, and with international bodies.
STEP_KINDS = (
    Intervention.Kind.LETTER_AUTHORITIES,
    Intervention.Kind.COURT_PETITION,
    Intervention.Kind.EMBASSY,
)
INTERNATIONAL_KINDS = (
    Intervention.Kind.WGEID_URGENT,
    Intervention.Kind.WGEID_STANDARD,
    Intervention.Kind.WGEID_PROMPT,
    Intervention.Kind.CED_URGENT_ACTION,
    Intervention.Kind.SPECIAL_PROCEDURES,
)
# An urgent action asks people to write for this long.
ACT_FOR_DAYS = 42


def source_allows(source: Source, recipient: Recipient) -> bool:
    if recipient is Recipient.UN:
        return source.consent_to_un
    if recipient is Recipient.GOVERNMENT:
        return source.consent_to_government
    # Publishing what a source said is not naming it: "several sources" quoted by
    # an NGO may be published and never named.
    return source.consent_information_public


def event_goes_to(event: Event, sources: Sequence[Source], recipient: Recipient) -> bool:
    """Whether `event`, resting on claims from `sources`, may reach `recipient`."""
    if event.clearance == Event.Clearance.SOURCES:
        return bool(sources) and all(source_allows(s, recipient) for s in sources)
    return recipient in CLEARED_FOR.get(event.clearance, frozenset())


def _claim_goes_to(source: Source, clearance: str | None, recipient: Recipient) -> bool:
    # `clearance`: that of the event the claim is about, None when it is about none.
    if not source_allows(source, recipient):
        return False
    if clearance is None or clearance == Event.Clearance.SOURCES:
        return True
    return recipient in CLEARED_FOR.get(clearance, frozenset())


@dataclass
class Fact:
    when: str
    place: str
    text: str
    actors: list[str] = field(default_factory=list)


@dataclass
class CaseFacts:
    """What one recipient may learn about one case, worded in one language."""

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
    international: list[str] = field(default_factory=list)
    left_out: int = 0  # events kept from this recipient
    steps_left_out: int = 0  # of those, steps taken to find the person
    days_gone: DaysGone | None = None  # what days_missing counts from
    # Passages of the record's free text (event descriptions and places, statements,
    # the place, occupation, affiliation) going into the document in another script
    # than its language's: for the staff, who translate them (script_warnings).
    foreign_script: int = 0
    # For the staff, in the interface language: statements going out as written
    # that point to their source or no longer read right, and named sources
    # without a name. (claim public id or None, text)
    wording_warnings: list[tuple[str | None, str]] = field(default_factory=list)


def days_missing_line(t: dict[str, str], f: CaseFacts, language: str) -> str:
    """The days since the disappearance, grouped like the case page ("8,741"), and
    for a date less precise than a day the day they count from, as the public
    profile says: "(counted from 1 Jan 2003, the earliest day it can be)"."""
    gone = f.days_gone
    if gone is None or f.days_missing is None:
        return ""
    days = f"{f.days_missing:,}"
    if language != "en":  # "8 741" in French, Spanish and Russian
        days = days.replace(",", "\u00a0")
    day = format_date(gone.counted_from, language)
    if gone.at_least:
        return t["days_missing.at_least"].format(days=days, day=day)
    if gone.partial:
        return t["days_missing.from"].format(days=days, day=day)
    return t["days_missing"].format(days=days)


def _source_label(source: Source, language: str) -> str:
    # Named only with consent to be named, by the name it agreed to ("Human Rights
    # Watch"), never by code name or identity; by kind until that name is set.
    if source.consent_named_publicly:
        if source.public_name.strip():
            return source.public_name.strip()
        t = texts_for(language)
        # A kind added before its wording: "a source" rather than no document at all.
        return t.get(f"source.{source.kind}") or t["a_source"]
    return ""


WORDING_PROBLEMS = {
    Problem.FIRST_PERSON: gettext_lazy("first-person wording"),
    Problem.GENDERED: gettext_lazy("gendered wording that can point to its source"),
    Problem.RELATIVE_TIME: gettext_lazy("relative time that no longer reads right"),
}


def _wording_warning(claim: Claim, person_sex: str) -> str:
    """The staff's warning for a claim whose statement goes out as written, or "".
    It names the claim by its date and first words, never by its source."""
    findings = statement_warnings(claim.statement, person_sex)
    if not findings:
        return ""
    words = claim.statement.split()
    start = " ".join(words[:6]) + ("…" if len(words) > 6 else "")
    problems = "; ".join(
        f"{WORDING_PROBLEMS[f.problem]} ({', '.join(f'“{w}”' for w in f.words)})" for f in findings
    )
    return _(
        "The claim of %(date)s “%(start)s” goes out as the source wrote it, with "
        "%(problems)s. Add its wording for use outside the organisation."
    ) % {"date": claim.dated_on or claim.received_on, "start": start, "problems": problems}


def actor_label(actor: Actor, language: str) -> str:
    """An actor with its State, in the document's language (Actor.__str__ in the
    reader's): "Ministry of Internal Affairs (Russia)". Two ministries of internal
    affairs must never read alike; an actor with no country takes its parent's."""
    name, state = _actor_name_and_state(actor, language)
    return f"{name} ({state})" if state else name


def actor_with_role(actor: Actor, role: str, language: str) -> str:
    """An event's actor, its role and its State: "Istanbul Police (alleged
    perpetrator), Turkey", worded per language in TEXTS."""
    t = texts_for(language)
    name, state = _actor_name_and_state(actor, language)
    wording = t["actor.role_state"] if state else t["actor.role"]
    return wording.format(actor=name, role=t[f"role.{role}"], state=state)


def _actor_name_and_state(actor: Actor, language: str) -> tuple[str, str]:
    parent = actor.parent if actor.parent_id else None
    name = f"{parent.name} › {actor.name}" if parent else actor.name
    code = actor.country.code or (parent.country.code if parent else "")
    return name, country_name(code, language) if code else ""


def place_label(case: Case, language: str) -> str:
    """The place of the disappearance, naming the country where the person was taken
    when it is not the country concerned (an exile taken in Russia, held in
    Turkmenistan): the document's "Country" line names only the latter."""
    place = case.disappeared_place or case.last_contact_place
    taken = case.taken_in_country.code if case.taken_in_country else ""
    if not taken or taken == (case.country.code if case.country else ""):
        return place
    country = country_name(taken, language)
    # "Moscow region, Russia (in hiding)" already names it, in either language.
    names = {country_name(taken, other).casefold() for other in ("en", "ru", language)}
    if any(name in place.casefold() for name in names):
        return place
    return f"{place}, {country}" if place else country


def _steps(case: Case, language: str) -> tuple[list[str], list[str]]:
    """Interventions already sent: (national and diplomatic steps, UN steps)."""
    t = texts_for(language)
    national: list[str] = []
    international: list[str] = []
    for i in Intervention.objects.filter(
        case=case, kind__in=(*STEP_KINDS, *INTERNATIONAL_KINDS), sent_on__isnull=False
    ).select_related("addressee"):
        sent_on = cast(date, i.sent_on)  # sent_on__isnull=False
        line = label(t, format_date(sent_on, language), t[f"kind.{i.kind}"])
        if i.addressee:
            line += f" — {i.addressee.organisation or i.addressee.name}"
        (international if i.kind in INTERNATIONAL_KINDS else national).append(line)
    return national, international


# The script each document language is read in (ISO 15924, as PersonName.script).
DOCUMENT_SCRIPT = {"en": "Latn", "fr": "Latn", "es": "Latn", "ru": "Cyrl"}
# Which recorded spelling a document prints as the name, best first. Aliases,
# misspellings and spellings only expected (never seen in a source) are never the
# name; the primary spelling breaks ties.
NAME_KIND_RANK: dict[str, int] = {
    PersonName.Kind.OFFICIAL: 0,
    PersonName.Kind.BIRTH: 0,
    PersonName.Kind.TRANSLITERATION: 1,
    PersonName.Kind.REPORTED: 2,
}


def name_for_language(person: Person, language: str) -> tuple[str, list[str]]:
    """The person's name as a document in `language` prints it, and the other
    spellings it gives as "also written": a Latin-script spelling in English,
    French and Spanish, a Cyrillic one in Russian, when one is recorded (the primary
    name otherwise). Expected spellings no source has used are never printed: they
    are search keys, not evidence. Reads `person.names` (prefetch it)."""
    names = list(person.names.all())
    script = DOCUMENT_SCRIPT.get(language)
    fitting = [n for n in names if n.kind in NAME_KIND_RANK and _script_of(n) == script]
    name = person.display_name
    if fitting:
        best = min(fitting, key=lambda n: (NAME_KIND_RANK[n.kind], not n.is_primary, n.pk))
        name = best.text
    also: list[str] = []
    for text in [
        person.display_name,
        *(n.text for n in names if n.kind != PersonName.Kind.EXPECTED),
    ]:
        if text and text != name and text not in also:
            also.append(text)
    return name, also


def _script_of(name: PersonName) -> str:
    # A spelling saved with no script (or "other") is read for one.
    if name.script and name.script != PersonName.Script.OTHER:
        return name.script
    return guess_script(name.text)


def _foreign_script(text: str, language: str) -> bool:
    """Whether `text` is mostly in another script than the document's language."""
    script = guess_script(text)
    return script != "Zyyy" and script != DOCUMENT_SCRIPT.get(language, script)


def logo_warnings(logo: LogoRead) -> list[str]:
    """The staff warning when the stored logo no longer decodes and was left out."""
    if not logo.broken:
        return []
    return [
        _(
            "The organisation's logo is damaged and was left out of this document: "
            "an administrator should upload it again in the organisation settings."
        )
    ]


def script_warnings(count: int, language: str) -> list[str]:
    """The staff warning for `count` passages in another script (never in the document)."""
    if not count:
        return []
    script = PersonName.Script(DOCUMENT_SCRIPT.get(language, "Latn")).label
    return [
        ngettext(
            "%(count)d passage of the record going into this document (an event, a place, "
            "a statement, the occupation or affiliation) is not written in %(script)s "
            "script, this document's: translate it before sending.",
            "%(count)d passages of the record going into this document (events, places, "
            "statements, the occupation or affiliation) are not written in %(script)s "
            "script, this document's: translate them before sending.",
            count,
        )
        % {"count": count, "script": script}
    ]


def _story_order(event: Event) -> tuple[date, date, int]:
    """Events in the order the story happened: by the last day each can be from,
    then its first, so "Oct 2021" (forcibly returned) follows "20 Oct 2021"
    (detained) rather than preceding it as the model's start-date order would."""
    when = event.occurred_on
    return (when.latest_known_day, when.sort_date, event.pk)


def case_facts(*, case: Case, recipient: Recipient, today: date, language: str = "en") -> CaseFacts:
    t = texts_for(language)
    person = case.people.prefetch_related("names").order_by("id").first()
    sources = {s.pk: s for s in Source.objects.filter(case=case)}
    claims = list(Claim.objects.filter(case=case).order_by("received_from", "id"))
    # Everyone a claim came through, besides its source: each must have consented.
    relays: dict[int, list[Source]] = {}
    for relay in ClaimRelay.objects.filter(claim__case=case).order_by("claim", "position"):
        relays.setdefault(relay.claim_id, []).append(sources[relay.source_id])
    backing: dict[int, list[Source]] = {}
    for claim in claims:
        if claim.event_id:
            backing.setdefault(claim.event_id, []).extend(
                [sources[claim.source_id], *relays.get(claim.pk, [])]
            )

    events: list[Fact] = []
    forces: list[str] = []
    search_steps: list[str] = []
    clearance_of: dict[int, str] = {}
    left_out = steps_left_out = foreign = 0
    for event in sorted(
        Event.objects.filter(case=case).prefetch_related(
            Prefetch("event_actors", queryset=EventActor.objects.select_related("actor__parent"))
        ),
        key=_story_order,
    ):
        clearance_of[event.pk] = event.clearance
        if not event_goes_to(event, backing.get(event.pk, []), recipient):
            left_out += 1
            steps_left_out += 1 if event.search_step else 0
            continue
        perpetrators = [ea for ea in event.event_actors.all() if ea.role in PERPETRATOR_ROLES]
        actors = [actor_with_role(ea.actor, ea.role, language) for ea in perpetrators]
        for ea in perpetrators:
            force = actor_label(ea.actor, language)
            if force not in forces:
                forces.append(force)
        fact = Fact(
            format_date(event.occurred_on, language), event.place, event.description, actors
        )
        foreign += sum(_foreign_script(text, language) for text in (fact.place, fact.text))
        # Whoever took it (family, lawyer, NGO) and whatever the kind: the event says.
        if event.search_step:
            search_steps.append(label(t, fact.when, fact.text))
        events.append(fact)

    information = []
    wording_warnings: list[tuple[str | None, str]] = []
    unnamed: list[Source] = []
    person_sex = person.sex if person else ""
    for claim in claims:
        source = sources[claim.source_id]
        about = clearance_of.get(claim.event_id) if claim.event_id else None
        if not _claim_goes_to(source, about, recipient):
            continue
        if not all(source_allows(relay, recipient) for relay in relays.get(claim.pk, [])):
            continue
        name = _source_label(source, language)
        named_unnamed = source.consent_named_publicly and not source.public_name.strip()
        if named_unnamed and source not in unnamed:
            unnamed.append(source)
        # The source's verbatim words stay inside when there is an outside wording.
        said = claim.outside_wording.strip()
        if not said:
            said = claim.statement
            warning = _wording_warning(claim, person_sex)
            if warning:
                wording_warnings.append((str(claim.public_id), warning))
        foreign += _foreign_script(said, language)  # what goes out
        # When the source said it, not when it reached us (a dispatch read today). A
        # claim the report gives no date for says so: the day it reached us is not the
        # day it happened, but tells the reader how recent the report is.
        if claim.dated_on:
            when = format_date(claim.dated_on, language)
        else:
            when = t["undated"].format(received=format_date(claim.received_on, language))
        # Each line starts a sentence: "The Ministry of …", as the name is written mid-sentence.
        line = label(t, f"{name}, {when}" if name else when, said)
        information.append(f"{line[:1].upper()}{line[1:]}")
    for source in unnamed:
        wording_warnings.append(
            (
                None,
                _(
                    "Source %(code)s may be named but has no name to use when named: "
                    "the document calls it “%(kind)s”. Set that name on the source."
                )
                % {"code": source.code_name, "kind": _source_label(source, language)},
            )
        )

    national, international = _steps(case, language)
    # The person's details, each only where cleared: an occupation or an affiliation
    # can endanger the person in the hands of the Government holding them.
    clearance = PersonDetailsClearance.objects.filter(case=case).first()
    clearance = clearance or PersonDetailsClearance(case=case)

    def cleared(detail: str) -> bool:
        return recipient in DETAIL_CLEARED_FOR.get(getattr(clearance, detail), frozenset())

    # Recorded, not inferred from a source's consent to the UN: who, when, to what.
    family_consent = selectors.consent_given(case, CONSENT_SCOPE[recipient])
    name, variants = name_for_language(person, language) if person else ("", [])
    place = place_label(case, language)
    occupation = person.occupation if person and cleared("occupation") else ""
    affiliation = person.affiliation if person and cleared("affiliation") else ""
    foreign += sum(_foreign_script(text, language) for text in (place, occupation, affiliation))
    return CaseFacts(
        case=case,
        name=name,
        variants=variants,
        sex=t[f"sex.{person.sex}"] if person and person.sex and cleared("sex") else "",
        birth_date=format_date(person.birth_date, language)
        if person and person.birth_date and cleared("birth_date")
        else "",
        nationality=country_name(person.nationality.code, language)
        if person and person.nationality and cleared("nationality")
        else "",
        occupation=occupation,
        affiliation=affiliation,
        country=country_name(case.country.code, language) if case.country else "",
        # The minute is the time of the last message, which only its recipient knows:
        # it goes to UN bodies alone, never to the Government or the public.
        disappeared_on=format_date(
            case.disappeared_on if recipient is Recipient.UN else _day_only(case.disappeared_on),
            language,
        )
        if case.disappeared_on
        else "",
        disappeared_has_month=bool(case.disappeared_on and case.disappeared_on.has_month()),
        place=place,
        days_missing=case.days_disappeared(today),
        days_gone=days_gone(case.disappeared_on, today),
        forces=forces,
        events=events,
        information=information,
        steps=search_steps + national,
        family_consent=family_consent,
        international=international,
        left_out=left_out,
        steps_left_out=steps_left_out,
        foreign_script=foreign,
        wording_warnings=wording_warnings,
    )


def organisation() -> str:
    """The submitting organisation's name, as its administrators set it."""
    return organisation_current().name


# Scripts whose full names are written without spaces (王小明: surname 王, given 小明).
UNSPACED_SCRIPTS = ("Hani", "Hira", "Kana", "Hang")


def _is_full_name(name: str) -> bool:
    """A given name and a family name: two words, or in Chinese, Japanese or Korean
    script two characters (one is a surname or a given name alone)."""
    if guess_script(name) in UNSPACED_SCRIPTS:
        return len("".join(name.split())) >= 2
    return len(name.split()) >= 2


def sender_missing(*, signed: bool, org: Organisation | None = None) -> list[str]:
    """What every document going out needs of its sender: the organisation's name and
    a way to reach it (an address or an e-mail) — "submitter"; and for a signed
    document (a letter, a request or communication to the UN), who signs, by name
    and title — "signatory". Both are fixed on the organisation settings page."""
    org = org or organisation_current()
    keys = []
    if not org.name.strip() or not (org.address.strip() or org.email.strip()):
        keys.append("submitter")
    if signed and not (org.signatory_name.strip() and org.signatory_title.strip()):
        keys.append("signatory")
    return keys


def _submitter_lines(t: dict[str, str]) -> list[str]:
    """The submitter as the UN forms ask for it: who, how to reach them, who signs."""
    org = organisation_current()
    lines = organisation_sender_lines(org) or [t["unknown"]]
    if org.signatory_name.strip():
        signed = ", ".join(
            p for p in (org.signatory_name.strip(), org.signatory_title.strip()) if p
        )
        lines.append(t["signed_by"].format(signatory=signed))
    return lines


def wgeid_missing(facts: CaseFacts) -> list[str]:
    """Keys of the WGEID's required elements (docs/domain.md) that the record lacks,
    counting only what may go to the UN; family consent last."""
    missing = []
    if not _is_full_name(facts.name):
        missing.append("name")
    if not facts.disappeared_has_month:
        missing.append("date")
    if not facts.place.strip():
        missing.append("place")
    if not facts.forces:
        missing.append("forces")
    if not facts.steps:
        missing.append("steps")
    missing += sender_missing(signed=True)
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
    missing: list[str] = field(default_factory=list)  # human labels, in the document's language
    # The same items as keys ("submitter", "consent", "addressee"...), in the same
    # order: the page links each to the form that fixes it.
    missing_keys: list[str] = field(default_factory=list)
    # The sender's letterhead, drawn at the top by the renderers (letters): the
    # organisation's name, address and contact lines, and its logo (a PNG
    # re-encoded at upload), in the document itself, never fetched.
    letterhead: list[str] = field(default_factory=list)
    logo: bytes | None = None
    warnings: list[str] = field(default_factory=list)  # for the staff, in the interface language
    # Warnings about one claim's wording, by text: the claim's public id, which the
    # preview links to the claim's form (where its outside wording goes).
    warning_claims: dict[str, str] = field(default_factory=dict)
    left_out: int = 0  # events of the record not cleared for this recipient (for the staff)
    # Steps taken to find the person that are recorded but not cleared, when the
    # document lacks steps: the record has them, clearing them fixes it (for the staff).
    steps_left_out: int = 0

    @property
    def warning_links(self) -> list[tuple[str, str | None]]:
        """Each warning with the public id of the claim it is about, if any."""
        return [(w, self.warning_claims.get(w)) for w in self.warnings]

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def incomplete_notice(self) -> str:
        return texts_for(self.language)["incomplete"]

    @property
    def shows_title(self) -> bool:
        """Whether the title is printed as a heading: a letter's title is its subject
        line, which its sections already carry below the letterhead."""
        return self.kind not in LETTER_KINDS

    def text(self) -> str:
        """Plain text, as kept on the intervention as the document sent."""
        lines = [*self.letterhead, ""] if self.letterhead else []
        lines += [self.title, ""] if self.shows_title else []
        for s in self.sections:
            if s.heading:
                lines += [s.heading, ""]
            lines += [*s.paragraphs, *(f"- {b}" for b in s.bullets), ""]
        return "\n".join(lines).strip() + "\n"


def _with_wording(document: Document, facts: CaseFacts) -> Document:
    """`document` with the staff's warnings about the wording its claims go out in."""
    for claim, warning in facts.wording_warnings:
        document.warnings.append(warning)
        if claim:
            document.warning_claims[warning] = claim
    return document


def label(t: dict[str, str], name: str, value: str) -> str:
    """ "Name: value" as the document's language writes it: French puts a no-break
    space before the colon (and before ";", "?", "!"), which a line break must not
    separate from the word before it."""
    return f"{name}{t['colon']}{value}"


def _date_and_place(t: dict[str, str], f: CaseFacts) -> str:
    """ "Date: …; Place: …" on one line, each part labelled."""
    return t["semicolon"].join(
        (
            label(t, t["date"], f.disappeared_on or t["unknown.date"]),
            label(t, t["place"], f.place or t["unknown.place"]),
        )
    )


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
    return Section(t["person"], [label(t, name, value) for name, value in rows if value])


def _disappearance_section(
    t: dict[str, str], f: CaseFacts, *, country: bool = True, forces: bool = True
) -> Section:
    rows = [
        label(t, t["date"], f.disappeared_on or t["unknown.date"]),
        label(t, t["place"], f.place or t["unknown.place"]),
    ]
    if country:
        rows.append(label(t, t["country"], f.country or t["unknown.country"]))
    if forces:
        rows.append(label(t, t["forces"], ", ".join(f.forces) or t["unknown.forces"]))
    return Section(t["disappearance"], rows)


def _events_section(t: dict[str, str], f: CaseFacts, heading: str) -> Section:
    bullets = []
    for e in f.events:
        where = f", {e.place}" if e.place else ""
        who = f" [{t['semicolon'].join(e.actors)}]" if e.actors else ""
        bullets.append(label(t, f"{e.when}{where}", f"{e.text}{who}"))
    return Section(heading, [] if bullets else [t["none_recorded"]], bullets)


def _listed(t: dict[str, str], heading: str, items: list[str]) -> Section:
    return Section(heading, [] if items else [t["none_recorded"]], items)


def _consent_section(t: dict[str, str], f: CaseFacts) -> Section:
    return Section(t["consent"], [t["consent.given"] if f.family_consent else t["consent.missing"]])


def _asks(t: dict[str, str], name: str, sex: str) -> list[str]:
    """The asks to the Government; `sex` ("m", "f", "x", as _sex_code gives it for
    this recipient) words "a lawyer of his/her/their choice"."""
    keys = ("ask.disclose", "ask.torture", f"ask.access.{sex}", "ask.release")
    return [t[k].format(name=name) for k in keys]


def requested_procedure(case: Case, today: date, kind: str | None) -> str:
    """The Working Group procedure a submission asks for: the intervention's, or
    for a preview with none, the one the facts call for (urgent while the window is
    open, else standard)."""
    if kind in Intervention.WGEID_KINDS:
        return str(kind)
    if procedure.window_open(case, today):
        return Intervention.Kind.WGEID_URGENT.value
    return Intervention.Kind.WGEID_STANDARD.value


def wgeid_submission(
    *, case: Case, language: str, today: date, kind: str | None = None
) -> Document:
    """`kind`: the intervention's Working Group procedure (None for a preview)."""
    t = texts_for(language)
    f = case_facts(case=case, recipient=Recipient.UN, today=today, language=language)
    asked = requested_procedure(case, today, kind)
    sections = [
        Section(t["wgeid.procedure"], [t[f"wgeid.procedure.{asked}"]]),
        _person_section(t, f),
        _disappearance_section(t, f),
        _events_section(t, f, t["circumstances"]),
        _listed(t, t["information"], f.information),
        _listed(t, t["steps"], f.steps),
        Section(t["submitter"], [*_submitter_lines(t), t["confidential"]]),
        _consent_section(t, f),
    ]
    keys = wgeid_missing(f)
    warnings = [] if language in WGEID_LANGUAGES else [str(WGEID_LANGUAGE_WARNING)]
    warnings += script_warnings(f.foreign_script, language)
    # An urgent request drafted while the window was open and still a draft after it
    # passed: the Working Group would not take it as urgent (docs/domain.md).
    passed = procedure.window_passed_on(case, today)
    if asked == Intervention.Kind.WGEID_URGENT and passed is not None:
        keys.insert(0, "urgent_window_passed")
    document = Document(
        DocKind.WGEID,
        language,
        t["wgeid.title"],
        Recipient.UN,
        sections,
        [
            t[f"missing.{key}"].format(date=format_date(passed, language) if passed else "")
            for key in keys
        ],
        keys,
        warnings=warnings,
        left_out=f.left_out,
        steps_left_out=f.steps_left_out if "steps" in keys else 0,
    )
    return _with_wording(document, f)


def ced_urgent_action(*, case: Case, language: str, today: date) -> Document:
    """A request to the Committee on Enforced Disappearances (article 30): only
    for a State party, checked against the data table (ced.py) with its date."""
    t = texts_for(language)
    f = case_facts(case=case, recipient=Recipient.UN, today=today, language=language)
    parties = ced.states_parties()
    party = bool(case.country) and ced.is_party(case.country.code)
    state = t["ced.party" if party else "ced.not_party"].format(
        country=f.country or t["unknown"], date=format_date(parties.as_of, language)
    )
    name = f.name or t["unknown"]
    sections = [
        Section("", [t["ced.to"], t["ced.via"]]),
        Section("", [t["ced.intro"].format(name=name)]),
        Section(t["ced.state_party"], [state]),
        _person_section(t, f),
        _disappearance_section(t, f),
        _events_section(t, f, t["circumstances"]),
        _listed(t, t["information"], f.information),
        _listed(t, t["ced.steps"], f.steps),
        Section(
            t["ced.asks"],
            [],
            [
                t["ced.ask.protect"].format(name=name),
                *_asks(t, name, _sex_code(t, f))[:3],
                t["ced.ask.inform"],
            ],
        ),
        Section(t["submitter"], _submitter_lines(t)),
        _consent_section(t, f),
    ]
    keys = ([] if party else ["state_party"]) + wgeid_missing(f)
    warnings = [
        _(
            "The Committee acts only on disappearances that began after the Convention "
            "entered into force for the State concerned; Habeas does not record that date: "
            "check it before sending."
        ),
        *script_warnings(f.foreign_script, language),
    ]
    document = Document(
        DocKind.CED,
        language,
        t["ced.title"],
        Recipient.UN,
        sections,
        [t[f"missing.{key}"] for key in keys],
        missing_keys=keys,
        warnings=warnings,
        left_out=f.left_out,
        steps_left_out=f.steps_left_out if "steps" in keys else 0,
    )
    return _with_wording(document, f)


def special_procedures_communication(*, case: Case, language: str, today: date) -> Document:
    """A communication to the Human Rights Council's mandate holders, following the
    Special Procedures' common form (docs/domain.md#other-un-routes)."""
    t = texts_for(language)
    f = case_facts(case=case, recipient=Recipient.UN, today=today, language=language)
    name = f.name or t["unknown"]
    # The family decides whether the name may be made public (its consent to
    # publication), not whether a public page happens to exist.
    published = selectors.consent_given(case, "publication")
    # An urgent appeal when the facts call for one, else an allegation letter; the
    # staff see why (procedure.urgent_appeal_reasons).
    reasons = procedure.urgent_appeal_reasons(case, today)
    appeal = "urgent_appeal" if reasons else "allegation_letter"
    warnings = [
        _("An urgent appeal is asked for: %(why)s.") % {"why": "; ".join(reasons)}
        if reasons
        else _(
            "An allegation letter is asked for: the disappearance is not recent and no "
            "risk of torture, to health or of reprisals is recorded."
        )
    ]
    sections = [
        Section(
            t["sp.to"], [], [t["sp.mandate.wgeid"], t["sp.mandate.torture"], t["sp.mandate.wgad"]]
        ),
        Section(t["sp.request"], [t[f"sp.request.{appeal}"]]),
        _person_section(t, f),
        Section(t["sp.perpetrators"], [", ".join(f.forces) or t["unknown.perpetrators"]]),
        _disappearance_section(t, f, forces=False),
        _events_section(t, f, t["sp.description"]),
        _listed(t, t["information"], f.information),
        _listed(t, t["sp.steps_national"], f.steps),
        _listed(t, t["sp.steps_international"], f.international),
        Section(
            t["sp.source"],
            [*_submitter_lines(t), t["sp.keep_confidential"]],
        ),
        Section(
            t["consent"],
            [
                t["consent.given"] if f.family_consent else t["consent.missing"],
                t["sp.name_public"] if published else t["sp.name_not_public"],
            ],
        ),
        Section(
            t[f"sp.asks.{appeal}"].format(country=f.country or t["unknown"]),
            [],
            _asks(t, name, _sex_code(t, f)),
        ),
    ]
    keys = [key for key in wgeid_missing(f) if key != "steps"]
    document = Document(
        DocKind.SPECIAL_PROCEDURES,
        language,
        t["sp.title"],
        Recipient.UN,
        sections,
        [t[f"missing.{key}"] for key in keys],
        missing_keys=keys,
        warnings=[*warnings, *script_warnings(f.foreign_script, language)],
        left_out=f.left_out,
    )
    return _with_wording(document, f)


def addressee_label(a: Addressee, language: str) -> str:
    """An addressee in the document's language, as every picker shows it (and
    Addressee.__str__ in the reader's): "Minister for Foreign Affairs — Ministry of
    Foreign Affairs, Turkmenistan"; "EEAS — European Union"."""
    who = ", ".join(dict.fromkeys(part for part in (a.name, a.title) if part))
    where = [a.organisation] if a.organisation and a.organisation != who else []
    if a.country:
        where.append(country_name(a.country.code, language))
    return " — ".join(part for part in (who, ", ".join(where)) if part)


def _addressee_lines(a: Addressee, language: str) -> list[str]:
    """The address block: the person (if named), the office by its title, the
    organisation, the postal address and the country, each once."""
    lines: list[str] = []
    address = [line.strip() for line in a.address.splitlines() if line.strip()]
    for line in (a.name, a.title, a.organisation, *address):
        if line and line.casefold() not in {seen.casefold() for seen in lines}:
            lines.append(line)
    if a.country:
        # An address ending "Ashgabat, Turkmenistan" names it already, in any language.
        names = {country_name(a.country.code, other).casefold() for other in LANGUAGES}
        if not any(name in line.casefold() for name in names for line in address):
            lines.append(country_name(a.country.code, language))
    return lines


def is_third_state(addressee: Addressee, case: Case) -> bool:
    """Whether `addressee` is another State than the one concerned, or a body of
    several (the EU, the OSCE, a UN agency): it can only urge that Government."""
    if addressee.kind in (Addressee.Kind.EMBASSY, Addressee.Kind.INTERGOVERNMENTAL):
        return True
    if addressee.kind in (Addressee.Kind.UN_BODY, Addressee.Kind.PRESS, Addressee.Kind.OTHER):
        return False
    ours = case.country.code if case.country else ""
    return bool(addressee.country) and bool(ours) and addressee.country.code != ours


def _salutation(t: dict[str, str], addressee: Addressee, language: str) -> str:
    """The addressee's own salutation when it is written in the document's language;
    else the language's formula ("Your Excellency," to a State or a body of States)."""
    if addressee.salutation.strip() and addressee.salutation_language == language:
        return addressee.salutation.strip()
    return t["salutation.excellency" if _is_excellency(addressee) else "salutation.default"]


# Titles "Your Excellency," is written to, in any document language: ministers,
# ambassadors, heads of State or Government; whole words, so the head of a
# "Presidential Administration" or an "administrator" is not one.
EXCELLENCY_TITLES = re.compile(
    r"\b(minister|ambassador|president|head of state|head of government|"
    r"ministre|ambassadeur|ambassadrice|présidente?|chef de l'[ée]tat|"
    r"ministro|ministra|embajadora?|presidenta?|jef[ea] de(l)? estado|"
    r"министр|посол|президент|премьер-министр|глава государства)\b",
    re.IGNORECASE,
)


def _is_excellency(addressee: Addressee) -> bool:
    """A Government of the State concerned or an embassy addressed by no title (a
    letter to the ministry reaches the minister), or anyone whose title is a
    minister's, an ambassador's or a head of State's. Not an intergovernmental
    body's desk, an Assistant Secretary or any other office: "Dear Sir or Madam,"."""
    title = addressee.title.strip().casefold()
    if not title:
        return addressee.kind in (Addressee.Kind.GOVERNMENT, Addressee.Kind.EMBASSY)
    return bool(EXCELLENCY_TITLES.search(title))


def _third_state_asks(t: dict[str, str], name: str, sex: str) -> list[str]:
    # Each is for the Government concerned, under "urge the Government of X to":
    # a third State cannot release anyone it does not hold.
    access = f"third.ask.access.{sex}"
    keys = ("third.ask.disclose", "third.ask.torture", access, "third.ask.judge")
    return [t[k].format(name=name) for k in keys]


def _letter(
    *, case: Case, language: str, today: date, addressee: Addressee | None, third_state: bool
) -> Document:
    """A letter as the field writes it: the sender's letterhead (drawn by the
    renderers), the date, the addressee block, the subject, the salutation, an
    opening saying who writes and why, the facts, the asks, the closing and the
    signature. To another State or an intergovernmental body (`third_state`) it
    asks them to urge the Government concerned, and sends only what may be public."""
    t = texts_for(language)
    recipient = Recipient.PUBLIC if third_state else Recipient.GOVERNMENT
    f = case_facts(case=case, recipient=recipient, today=today, language=language)
    org = organisation_current()
    name = f.name or t["unknown"]
    country = f.country or t["unknown"]
    # A subject names the day, never the time of day the record may hold.
    gone = case.disappeared_on
    since = t["subject.since"].format(date=format_date(_day_only(gone), language)) if gone else ""
    request = (
        t["third.request"].format(country=country)
        if third_state
        else t[f"letter.request.{_sex_code(t, f)}"]
    )
    subject = t["letter.subject"].format(name=name, country=country, since=since, request=request)
    missing_since = (
        t["letter.missing_since"].format(date=f.disappeared_on) if f.disappeared_on else ""
    )
    opening = t["third.opening" if third_state else "letter.opening"].format(
        org=org.name.strip() or t["unknown"],
        name=name,
        missing_since=missing_since,
        country=country,
    )
    sections = [Section("", [format_date(today, language)])]
    if addressee:
        sections.append(Section("", ["\n".join(_addressee_lines(addressee, language))]))
    sections += [
        Section("", [t["subject.label"].format(subject=subject)]),
        Section(
            "", [_salutation(t, addressee, language) if addressee else t["salutation.default"]]
        ),
        Section("", [opening]),
        _person_section(t, f),
        _disappearance_section(t, f, country=third_state, forces=third_state),
        _events_section(t, f, t["circumstances"]),
    ]
    if third_state:
        sections.append(
            Section(
                t["third.asks"].format(country=country),
                [],
                _third_state_asks(t, name, _sex_code(t, f)),
            )
        )
    else:
        sections.append(Section(t["asks"], [], _asks(t, name, _sex_code(t, f))))
    signature = [org.signatory_name.strip(), org.signatory_title.strip(), org.name.strip()]
    sections.append(Section("", [t["closing"], "\n".join(line for line in signature if line)]))
    # Letters to the authorities and to other States alike need the family's consent
    # to letters, whoever the facts are cleared for.
    consented = selectors.consent_given(case, "authorities")
    keys = (
        sender_missing(signed=True, org=org)
        + ([] if addressee else ["addressee"])
        + ([] if consented else ["consent"])
    )
    logo = organisation_logo()
    return Document(
        DocKind.THIRD_STATE if third_state else DocKind.LETTER,
        language,
        subject,
        recipient,
        sections,
        [t[f"missing.{key}"] for key in keys],
        missing_keys=keys,
        warnings=[
            *script_warnings(f.foreign_script, language),
            *logo_warnings(logo),
            *_no_facts_warning(f, third_state),
        ],
        letterhead=organisation_sender_lines(org),
        logo=logo.png,
        left_out=f.left_out,
    )


def _no_facts_warning(f: CaseFacts, third_state: bool) -> list[str]:
    """A letter whose circumstances read "None recorded" is complete but says
    nothing the recipient can act on: the staff are told, not stopped (a letter
    asking only for the whereabouts may be meant)."""
    if f.events:
        return []
    if third_state:
        return [
            _(
                "This letter states no facts: clear events for the public on the "
                "clearance page (“What goes outside”)."
            )
        ]
    return [
        _(
            "This letter states no facts: clear events for the authorities on the "
            "clearance page (“What goes outside”)."
        )
    ]


def _day_only(value: PartialDate) -> PartialDate:
    """`value` without its time of day ("20 Oct 2021, 12:43" → "20 Oct 2021")."""
    if value.time is None:
        return value
    return replace(value, precision=Precision.DAY, time=None)


def _sex_code(t: dict[str, str], f: CaseFacts) -> str:
    """ "m", "f" or "x" for the wording of "his/her": from the facts this recipient
    may have, so a sex kept from it is not given away by a pronoun."""
    for code in ("m", "f"):
        if f.sex and f.sex == t[f"sex.{code}"]:
            return code
    return "x"


def authorities_letter(
    *, case: Case, language: str, today: date, addressee: Addressee | None
) -> Document:
    """A letter to the authorities (or a court petition); addressed to another State
    or an intergovernmental body, it is the third-State letter instead."""
    third = bool(addressee) and is_third_state(cast(Addressee, addressee), case)
    return _letter(
        case=case, language=language, today=today, addressee=addressee, third_state=third
    )


def third_state_letter(
    *, case: Case, language: str, today: date, addressee: Addressee | None
) -> Document:
    return _letter(case=case, language=language, today=today, addressee=addressee, third_state=True)


def _write_to_line(t: dict[str, str], a: Addressee, language: str) -> str:
    """ "Please write to": who and where, how to reach them, and the salutation
    to use when it is written in the sheet's language."""
    parts = [addressee_label(a, language)]
    parts += [line.strip() for line in a.address.splitlines() if line.strip()]
    if a.email:
        parts.append(a.email)
    if a.salutation.strip() and a.salutation_language == language:
        parts.append(t["salutation.label"].format(salutation=a.salutation.strip()))
    return " — ".join(parts)


def urgent_action(
    *, case: Case, language: str, today: date, addressees: list[Addressee]
) -> Document:
    t = texts_for(language)
    f = case_facts(case=case, recipient=Recipient.PUBLIC, today=today, language=language)
    profile = getattr(case, "public_profile", None)
    headline = label(t, f.country, f.name)
    summary = [_date_and_place(t, f)]
    if f.days_missing is not None:
        summary.append(days_missing_line(t, f, language))
    if profile and profile.is_published and profile.summary:
        summary.append(profile.summary)  # cleared for publication
    # Written only to other States or intergovernmental bodies: they are asked to
    # urge the Government, never to release the person themselves.
    urge = bool(addressees) and all(is_third_state(a, case) for a in addressees)
    asks = (
        Section(
            t["third.asks"].format(country=f.country or t["unknown"]),
            [],
            _third_state_asks(t, f.name, _sex_code(t, f)),
        )
        if urge
        else Section(t["asks"], [], _asks(t, f.name, _sex_code(t, f)))
    )
    sections = [
        # The case reference is the organisation's internal numbering: not for the public.
        Section(f"{format_date(today, language)} — {headline}"),
        Section(t["summary"], summary),
        asks,
        Section(t["addressees"], [], [_write_to_line(t, a, language) for a in addressees]),
        _events_section(t, f, t["background"]),
        Section(t["act_until"], [format_date(today + timedelta(days=ACT_FOR_DAYS), language)]),
    ]
    keys = (
        sender_missing(signed=False)
        + ([] if addressees else ["addressee"])
        + ([] if f.family_consent else ["consent"])
    )
    return Document(
        DocKind.URGENT_ACTION,
        language,
        t["urgent_action.title"],
        Recipient.PUBLIC,
        sections,
        [t[f"missing.{key}"] for key in keys],
        missing_keys=keys,
        warnings=script_warnings(f.foreign_script, language),
        left_out=f.left_out,
    )


def build(
    *,
    kind: DocKind,
    case: Case,
    language: str,
    today: date,
    addressees: list[Addressee],
    intervention_kind: str | None = None,
) -> Document:
    """The document of `kind` for `case`; `addressees` matter to letters (the first)
    and urgent actions (all), `intervention_kind` to the Working
    Group's submission."""
    if kind is DocKind.WGEID:
        return wgeid_submission(case=case, language=language, today=today, kind=intervention_kind)
    if kind is DocKind.CED:
        return ced_urgent_action(case=case, language=language, today=today)
    if kind is DocKind.SPECIAL_PROCEDURES:
        return special_procedures_communication(case=case, language=language, today=today)
    if kind is DocKind.THIRD_STATE:
        return third_state_letter(
            case=case,
            language=language,
            today=today,
            addressee=addressees[0] if addressees else None,
        )
    if kind is DocKind.LETTER:
        return authorities_letter(
            case=case,
            language=language,
            today=today,
            addressee=addressees[0] if addressees else None,
        )
    return urgent_action(case=case, language=language, today=today, addressees=addressees)


def intervention_document(*, intervention: Intervention, today: date) -> Document:
    """The document that goes with this intervention, built from the record now."""
    return build(
        kind=DOCUMENT_FOR_KIND[intervention.kind],
        case=intervention.case,
        language=intervention.language,
        today=today,
        addressees=[intervention.addressee] if intervention.addressee else [],
        intervention_kind=intervention.kind,
    )


def briefing_note(*, cases: list[Case], country: str, language: str, today: date) -> Document:
    """Several cases of one country, for diplomats of third States: public-level consent."""
    t = texts_for(language)
    sections = [Section(t["country"], [country_name(country, language)])]
    left_out = foreign = 0
    for case in cases:
        f = case_facts(case=case, recipient=Recipient.PUBLIC, today=today, language=language)
        left_out += f.left_out
        foreign += f.foreign_script
        paragraphs = [_date_and_place(t, f)]
        if f.days_missing is not None:
            paragraphs.append(days_missing_line(t, f, language))
        if f.forces:
            paragraphs.append(label(t, t["forces"], ", ".join(f.forces)))
        sections.append(
            Section(
                # Diplomats raise cases by reference with the organisation afterwards;
                # the public sheet, which anyone may copy, carries none.
                f"{f.name} ({case.reference})",
                paragraphs,
                [label(t, e.when, e.text) for e in f.events],
            )
        )
    # Diplomats are asked to urge the Government, never to release anyone themselves.
    sections.append(
        Section(
            t["recommendation"].format(country=country_name(country, language)),
            [],
            _third_state_asks(t, t["briefing.people"], "x"),  # several people: "their"
        )
    )
    # A case goes public here only with its family's say-so: name the ones without.
    consented = selectors.cases_with_consent(cases, "publication")
    unconsented = [case.reference for case in cases if case.pk not in consented]
    keys = ["consent"] if unconsented else []
    return Document(
        "briefing",
        language,
        t["briefing.title"],
        Recipient.PUBLIC,
        sections,
        [label(t, t["missing.consent"], ", ".join(unconsented))] if unconsented else [],
        missing_keys=keys,
        warnings=script_warnings(foreign, language),
        left_out=left_out,
    )
