"""A case with many records, grown a year at a time: what the query-count tests of
the pages and of the case export measure (tests/test_query_counts.py,
tests/test_exports.py), in one place so that both grow the same records."""

from __future__ import annotations

from collections.abc import Callable

from habeas.accounts.models import User
from habeas.cases import services as cases
from habeas.cases.models import Case, Event, EventActor
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources


def case_grow(
    case: Case,
    *,
    by: User,
    years: range,
    label: str,
    chain: bool = False,
    each: Callable[[int], object] | None = None,
) -> None:
    """For each i in `years`: a detention in the year 2000 + i by one agency, a
    witness's claim of it and another claim of the witness (elsewhere) contradicting
    it, an alias of the case's person; with `chain`, each year's claim also
    corroborates the year before's; `each(i)` adds what else a test needs. The
    agency, the witness's code name and the aliases carry `label`, so a case can
    be grown again."""
    actor = cases.actor_create(name=f"Agency {label}", country="TM", by=by)
    source = sources.source_add(case=case, code_name=f"S{label}", kind="witness", by=by)
    person = case.people.get()
    previous = None
    for i in years:
        event = cases.event_add(
            case=case,
            kind=Event.Kind.DETENTION,
            occurred_on=PartialDate.parse(f"{2000 + i}"),
            description="held",
            actors=[(actor, EventActor.Role.HOLDING_AUTHORITY)],
            by=by,
        )
        claim = sources.claim_add(
            case=case,
            source=source,
            topic="event",
            event=event,
            statement="seen",
            received_on=PartialDate.parse(f"{2000 + i}-05"),
            material="testimony",
            by=by,
        )
        other = sources.claim_add(
            case=case,
            source=source,
            topic="whereabouts",
            statement="elsewhere",
            received_on=PartialDate.parse(f"{2000 + i}-06"),
            material="letter",
            by=by,
        )
        sources.claims_link(case=case, first=claim, second=other, kind="contradicts", by=by)
        if chain and previous:
            sources.claims_link(case=case, first=previous, second=claim, kind="corroborates", by=by)
        previous = claim
        cases.person_name_add(person=person, text=f"Alias {label}-{i}", by=by)
        if each is not None:
            each(i)
