"""Rules of what goes on the public pages: the counter of days disappeared, and the
check that a public update does not announce a UN submission nobody has sent.
Pure computations, no writes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from habeas.lib.partialdate import PartialDate, Precision

from .models import Intervention

# Interventions that put the case before a UN body: a public "submitted to the UN" is
# true once one of them is marked sent.
UN_KINDS = frozenset(
    {
        *Intervention.WGEID_KINDS,
        Intervention.Kind.CED_URGENT_ACTION,
        Intervention.Kind.SPECIAL_PROCEDURES,
    }
)

# "UN" and "U.N." in capitals only: "un" is a word of several languages.
_UN_ACRONYM = re.compile(r"\bU\.?N\b\.?")
_UN_NAMES = re.compile(
    r"\b(?:united\s+nations|working\s+group|wgeid|committee\s+on\s+enforced"
    r"|special\s+(?:procedures|rapporteur)|оон|рабоч\w*\s+групп\w*|комитет\w*\s+по\s+насильств)",
    re.IGNORECASE,
)
_SUBMITTED = re.compile(
    r"\b(?:submi\w*|sent|send\w*|fil(?:ed|ing)|lodg\w*|referr\w*|brought|rais(?:ed|ing)"
    r"|направ\w*|пода\w*|переда\w*|обрати\w*)",
    re.IGNORECASE,
)

UN_SUBMISSION_WARNING = _(
    "This update says the case went to the UN, but no UN submission of this case is "
    "marked sent (Advocacy page). Check it before it goes public, or tick the box to "
    "publish it anyway."
)


def says_un_submission(*texts: str) -> bool:
    """Whether the words announce that the case was submitted to a UN body. A warning
    only: it errs towards asking."""
    text = " ".join(texts)
    mentions_un = bool(_UN_ACRONYM.search(text) or _UN_NAMES.search(text))
    return mentions_un and bool(_SUBMITTED.search(text))


@dataclass(frozen=True)
class DaysGone:
    """The public counter: `days` from `counted_from`, the earliest day the date can
    be, so it is the longest the person may have been missing — except for an open
    start ("before Oct 2021"), which has no earliest day: then it counts from the
    last day it can be, and `at_least` says the count is a minimum. `since` is the
    date as stored ("Oct 2021"); `partial` when it is less precise than a day, so
    the page says which day the count starts from."""

    days: int
    since: str
    counted_from: date
    partial: bool
    at_least: bool
    when: str = ""  # "on 20 Oct 2021", "in Oct 2021", "between 20 and 22 Oct 2021"


def disappeared_when(value: PartialDate) -> str:
    """The date as it follows "disappeared": "on 20 Oct 2021", "in Oct 2021", "in
    late 2003", and a range or an open date as its words already read ("between 20
    and 22 Oct 2021", "before Oct 2021", "about Nov 2021"). "Since between 20 and 22
    Oct 2021" is not English, and "since before Oct 2021" says nothing. The date is
    in the interface language (str(), habeas.advocacy.apps)."""
    text = str(value)
    if value.approximate:  # "about Nov 2021", "approximately between …"
        return text
    if value.precision is Precision.RANGE:
        if value.third() is None:  # "between …", "before …", "after …"
            return text
        return str(_("in %(date)s") % {"date": text})  # "in late Nov 2021"
    if value.precision in (Precision.DAY, Precision.MINUTE):
        return str(_("on %(date)s") % {"date": text})
    return str(_("in %(date)s") % {"date": text})


def days_gone(disappeared_on: PartialDate | None, today: date) -> DaysGone | None:
    if disappeared_on is None:
        return None
    exact = disappeared_on.precision in (Precision.DAY, Precision.MINUTE)
    return DaysGone(
        when=disappeared_when(disappeared_on),
        days=disappeared_on.days_since(today),
        since=str(disappeared_on),
        counted_from=disappeared_on.sort_date,
        partial=not exact or disappeared_on.approximate,
        at_least=disappeared_on.is_lower_bound,
    )
