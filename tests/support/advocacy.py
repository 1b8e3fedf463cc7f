"""A case made complete for the UN Working Group, as several advocacy tests need."""

from __future__ import annotations

from datetime import date

from habeas.accounts.models import User
from habeas.advocacy import services as advocacy
from habeas.advocacy.models import FamilyConsent
from habeas.cases import services as cases
from habeas.cases.models import Actor, Case, Event, EventActor
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Source


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
