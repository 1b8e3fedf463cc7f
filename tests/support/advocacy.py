"""A case made complete for the UN Working Group, and a case published with canaries
in every confidential place, as several advocacy, PFIF and public-page tests need."""

from __future__ import annotations

from datetime import date

from habeas.accounts.models import User
from habeas.advocacy import services as advocacy
from habeas.advocacy.models import FamilyConsent, PublicProfile
from habeas.cases import services as cases
from habeas.cases.models import Actor, Case, Event, EventActor
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source


def give_what_the_un_asks(
    case: Case, *, police: Actor, arrested_on: str, searched_on: str, by: User
) -> None:
    """Add the facts the Working Group's completeness check asks for besides the case
    itself: an arrest by `police`, a step taken by the family, and his mother's
    consent to the UN and to letters, recorded as the Advocacy page does; both
    events are the organisation's own account, cleared for every recipient."""
    cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse(arrested_on),
        place="Esenyurt",
        description="Police came to his flat.",
        actors=[(police, EventActor.Role.ALLEGED_PERPETRATOR)],
        by=by,
    )
    cases.event_add(
        case=case,
        kind=Event.Kind.SEARCH_BY_FAMILY,
        occurred_on=PartialDate.parse(searched_on),
        description="His mother asked the prosecutor's office.",
        by=by,
    )
    sources.source_add(
        case=case, code_name="MOTHER", kind=Source.Kind.RELATIVE, consent_to_un=True, by=by
    )
    advocacy.family_consent_record(
        case=case,
        given_by="his mother",
        given_on=date(2024, 3, 1),
        form=FamilyConsent.Form.WRITTEN,
        to_un=True,
        to_authorities=True,
        by=by,
    )
    advocacy.event_clearances_set(
        case=case,
        clearances=dict.fromkeys(case.events.all(), Event.Clearance.PUBLIC),
        by=by,
    )


def consent_to_publication(case: Case, *, by: User | None = None) -> None:
    """The family's consent to publication, which a public profile needs; recorded
    by `by`, or else by the case's first team member."""
    if by is None:
        by = case.members.select_related("user").order_by("id")[0].user
    advocacy.family_consent_record(
        case=case,
        given_by="his brother",
        given_on=date(2024, 3, 1),
        form=FamilyConsent.Form.MESSAGE,
        to_publication=True,
        by=by,
    )


def publish_with_canaries(
    case: Case, *, canaries: dict[str, str], by: User
) -> tuple[PublicProfile, PublicProfile]:
    """Put each of `canaries` in a confidential place of `case` (summary, last message,
    a relative's contact, a source's code name, identity and contact, an event and a
    claim about it: keys "summary", "last_message", "relative", "code_name",
    "identity", "contact", "event", "claim"), then publish its profile ("Rustam
    Isakov", with one update), and keep an unpublished profile of another case named
    by canaries["unpublished"]. Whatever is public must show none of them. Returns
    the published profile and the unpublished one."""
    cases.case_update(
        case=case,
        summary=canaries["summary"],
        last_contact_message=canaries["last_message"],
        by=by,
    )
    person = case.people.get()
    cases.relative_add(
        person=person, name="Sister", relationship="sister", contact=canaries["relative"], by=by
    )
    secret = sources.source_add(
        case=case,
        code_name=canaries["code_name"],
        kind="witness",
        identity=canaries["identity"],
        contact=canaries["contact"],
        by=by,
    )  # no consent to anyone: a confidential source
    event = cases.event_add(
        case=case,
        kind=Event.Kind.SIGHTING,
        occurred_on=PartialDate.parse("2021-12"),
        description=canaries["event"],
        by=by,
    )
    sources.claim_add(
        case=case,
        source=secret,
        topic=Claim.Topic.EVENT,
        event=event,
        statement=canaries["claim"],
        received_on=PartialDate.parse("2021-12"),
        material=Claim.Material.TESTIMONY,
        by=by,
    )
    consent_to_publication(case, by=by)
    profile = advocacy.public_profile_save(
        case=case,
        name="Rustam Isakov",
        name_variants="Рустам Исаков\nRustam Isakow",
        is_published=True,
        country="TM",
        disappeared_on=date(2021, 10, 20),
        demands="Disclose his whereabouts\nRelease him",
        by=by,
    )
    advocacy.public_update_add(
        profile=profile, happened_on=date(2021, 10, 20), title="Disappeared", by=by
    )
    hidden_person = cases.person_create(name=canaries["unpublished"], by=by)
    hidden_case = cases.case_create(reference="HIDDEN-1", person=hidden_person, country="RU", by=by)
    hidden = advocacy.public_profile_save(
        case=hidden_case, name=canaries["unpublished"], is_published=False, by=by
    )
    advocacy.public_update_add(
        profile=hidden, happened_on=date(2022, 1, 1), title=canaries["unpublished"], by=by
    )
    return profile, hidden
