"""A case made complete for the UN Working Group, as several advocacy tests need."""

from __future__ import annotations

from habeas.accounts.models import User
from habeas.advocacy import services as advocacy
from habeas.cases import services as cases
from habeas.cases.models import Actor, Case, Event, EventActor
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Source


def give_what_the_un_asks(
    case: Case, *, police: Actor, arrested_on: str, searched_on: str, by: User
) -> None:
    """Add the facts the Working Group's completeness check asks for besides the case
    itself: an arrest by `police`, a step taken by the family, and a relative who
    consented to the UN; both events are the organisation's own account, cleared for
    every recipient."""
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
    advocacy.event_clearances_set(
        case=case,
        clearances=dict.fromkeys(case.events.all(), Event.Clearance.PUBLIC),
        by=by,
    )
