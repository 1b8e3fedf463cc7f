"""When a case last had news of the person: the rule behind "no new information for".

A pure rule: given a case's dated facts, the moment of its latest information. The
service `case_silence_refresh` (habeas/cases/services.py) gathers the facts and keeps
the result in `Case.last_info_at`, a derived column, so that the case list's "silent
for more than N days" filter and the dashboard's order stay index scans.

Silence is the signal (docs/domain.md, "Counters and silence"): what counts is when
the information is *from*, never when someone typed it in. Most cases an organisation
enters are entered after the fact; if opening a case, or typing its history today,
were news, every such case would read "0 days silent" and never go quiet.

What counts, each from the end of its latest known day:
- the disappearance and the last contact;
- events, by when they happened;
- claims, by when the source learned or said it (`Claim.dated_on`), never by when the
  organisation received it (a 2021 account received today is not news); a claim the
  report gives no date for says nothing about when, and counts for nothing;
- statuses that are news about the person (`NEWS_STATUSES`), by their "as of" date;
- evidence, by when what it shows was written or taken (`EvidenceItem.dated_on`),
  never by when it was collected or uploaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from habeas.lib.partialdate import PartialDate

from .models import Status

# Statuses that tell something new about the person: someone acknowledged holding
# them, saw where they are, freed them, or found them dead. The organisation's own
# readings of what it already knew — "reported missing" (a case was opened),
# "presumed enforced disappearance" (the three elements were weighed), "closed" (the
# team stopped) — are not news, whenever they are dated.
NEWS_STATUSES = frozenset(
    {
        Status.DETENTION_ACKNOWLEDGED,
        Status.WHEREABOUTS_CONFIRMED,
        Status.RELEASED,
        Status.DEAD,
    }
)

Dated = PartialDate | date


@dataclass(frozen=True)
class CaseFacts:
    """A case's dated facts, as the service reads them; None is "no date given"."""

    opened: datetime
    disappeared_on: PartialDate | None = None
    last_contact_on: PartialDate | None = None
    events: tuple[PartialDate | None, ...] = ()
    claims: tuple[PartialDate | None, ...] = ()
    statuses: tuple[tuple[str, date], ...] = ()
    evidence: tuple[PartialDate | None, ...] = ()

    def dates(self) -> Iterable[Dated | None]:
        yield self.disappeared_on
        yield self.last_contact_on
        yield from self.events
        yield from self.claims
        yield from (on for status, on in self.statuses if status in NEWS_STATUSES)
        yield from self.evidence


def latest_day(value: Dated) -> date:
    """The latest day `value` is known to be from (PartialDate.latest_known_day):
    "Nov 2021" is 30 Nov 2021, "2021" is 31 Dec 2021, "before Oct 2021" is 30 Sep
    2021, and "after 2019" is 1 Jan 2020, the only day it names."""
    if isinstance(value, PartialDate):
        return value.latest_known_day
    return value


def moment_of(value: Dated) -> datetime:
    """Information dated `value` is counted from the end of its latest known day (local
    midnight after it): "Nov 2021" stands for 1 Dec 2021, 00:00. Never earlier, which
    would make a case look quieter than it may be."""
    return timezone.make_aware(datetime.combine(latest_day(value) + timedelta(days=1), time(0)))


def latest_information(facts: CaseFacts, *, now: datetime) -> datetime:
    """The moment of the latest information the case holds, never later than `now`
    (information dated today is news now, not at midnight).

    A case with no dated information at all counts from when it was opened: the
    organisation has known nothing newer than what it was told then, and a date it
    does not have cannot be invented. The figure is then a minimum."""
    moments = [moment_of(value) for value in facts.dates() if value is not None]
    latest = max(moments) if moments else facts.opened
    return min(latest, now)
