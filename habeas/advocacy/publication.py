"""Rules of what goes on the public pages: the counter of days disappeared.
Pure computations, no writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from habeas.lib.partialdate import PartialDate, Precision


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


def days_gone(disappeared_on: PartialDate | None, today: date) -> DaysGone | None:
    if disappeared_on is None:
        return None
    exact = disappeared_on.precision in (Precision.DAY, Precision.MINUTE)
    return DaysGone(
        days=disappeared_on.days_since(today),
        since=disappeared_on.display(),
        counted_from=disappeared_on.sort_date,
        partial=not exact or disappeared_on.approximate,
        at_least=disappeared_on.is_lower_bound,
    )
