"""Which UN procedure the facts of a case call for (docs/domain.md, "Which
procedure the facts call for"). A rule module: it reads, never writes.

- The Working Group's **urgent procedure** is for a disappearance within the
  three months before the Working Group receives the report: offered only while
  `Case.urgent_window_closes` is today or later. After it, the standard procedure.
- A **prompt intervention** is for reprisals against relatives, witnesses,
  lawyers or defenders: offered only when the record shows them (the case's
  "reprisals against family" risk, an event of harassment of the family, or a
  threat recorded after the disappearance).
- A **Special Procedures** communication asks for an urgent appeal when the
  disappearance is recent (the window is open), torture or the person's health is
  at risk, or reprisals are recorded; otherwise an allegation letter.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.cases.models import Case, Event

from .models import Intervention


def window_open(case: Case, today: date) -> bool:
    """Whether the urgent window is open on `today` (it closes at the end of the
    day `urgent_window_closes`). Unknown without a disappearance date: not open."""
    closes = case.urgent_window_closes
    return closes is not None and today <= closes


def window_passed_on(case: Case, today: date) -> date | None:
    """The day the urgent window passed, if it has by `today`."""
    closes = case.urgent_window_closes
    return closes if closes is not None and today > closes else None


def day(value: date) -> str:
    """20 Jan 2022, as the case page prints the window."""
    return date_format(value)


def reprisals_recorded(case: Case) -> bool:
    """Whether the record shows intimidation or reprisals against the people around
    the case: the risk ticked on the case, harassment of the family, or a threat
    recorded on or after the disappearance (a threat before it was against the
    person, which the disappearance itself answers)."""
    if case.risk_family_reprisals:
        return True
    after = Q(kind=Event.Kind.THREAT)
    if case.disappeared_from is not None:
        after &= Q(occurred_from__gte=case.disappeared_from)
    return Event.objects.filter(
        Q(case=case) & (Q(kind=Event.Kind.HARASSMENT_OF_FAMILY) | after)
    ).exists()


def urgent_refusal(case: Case, today: date) -> str:
    """Why the urgent procedure is not available on `today` ("" when it is)."""
    if window_open(case, today):
        return ""
    passed = window_passed_on(case, today)
    if passed is None:
        return _(
            "The urgent procedure needs the disappearance date: it is only for a "
            "disappearance within the three months before the Working Group receives "
            "the report. Record the date on the case."
        )
    return _(
        "The three-month window for the urgent procedure passed on %(day)s: the case "
        "goes to the Working Group under the standard procedure."
    ) % {"day": day(passed)}


# Lazy: a module-level text is read in each request's language, not the import's.
PROMPT_REFUSAL = gettext_lazy(
    "A prompt intervention is for intimidation or reprisals against relatives, "
    "witnesses, lawyers or defenders; the record shows none (tick “reprisals "
    "against family” on the case, or record the threat or harassment as an event)."
)


def refusals(case: Case, today: date) -> dict[str, str]:
    """The Working Group procedures the facts do not call for, each with why."""
    refused = {}
    urgent = urgent_refusal(case, today)
    if urgent:
        refused[Intervention.Kind.WGEID_URGENT.value] = urgent
    if not reprisals_recorded(case):
        refused[Intervention.Kind.WGEID_PROMPT.value] = str(PROMPT_REFUSAL)
    return refused


def urgent_appeal_reasons(case: Case, today: date) -> list[str]:
    """Why a Special Procedures communication should ask for an urgent appeal
    (empty: an allegation letter), for the staff, in the interface language."""
    reasons = []
    if window_open(case, today):
        closes = case.urgent_window_closes
        assert closes is not None  # open
        reasons.append(
            _("the disappearance is recent (the three-month window closes %(day)s)")
            % {"day": day(closes)}
        )
    if case.risk_torture:
        reasons.append(_("a risk of torture is recorded"))
    if case.risk_health:
        reasons.append(_("a risk to the person's health is recorded"))
    if reprisals_recorded(case):
        reasons.append(_("reprisals against relatives, witnesses or defenders are recorded"))
    return reasons
