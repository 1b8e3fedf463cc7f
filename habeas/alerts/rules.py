"""When each rule is next due: pure computations over a case and the settings.

Every function answers "the next (due_at, occurrence) strictly after the last one
fired", or None. `occurrence` names the moment (a date, a step), so re-computing
after any change never raises the same alert twice: alerts are unique per
(case, rule, subject, occurrence).

Days are local days of the organisation's time zone (settings.TIME_ZONE): an
alert "7 days before the window closes" is due at local midnight of that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from habeas.lib.partialdate import PartialDate, Precision, add_months

from .models import AlertSettings, CaseWatch, _days_list

if TYPE_CHECKING:
    from habeas.cases.models import Case

Due = tuple[datetime, str]

RISK_BITS = (("risk_torture", 1), ("risk_health", 2), ("risk_family_reprisals", 4))


@dataclass(frozen=True)
class Effective:
    """The organisation's settings with the case's overrides applied."""

    quiet_days_early: int
    quiet_days_late: int
    window_steps: tuple[int, ...]
    follow_up_days: int
    response_steps: tuple[int, ...]
    anniversaries: bool


def effective(org: AlertSettings, watch: CaseWatch | None) -> Effective:
    # Any: the fields differ in type (a number of days, days as text, a flag).
    def pick(name: str) -> Any:
        value = getattr(watch, name, None) if watch is not None else None
        return getattr(org, name) if value in (None, "") else value

    return Effective(
        quiet_days_early=pick("quiet_days_early"),
        quiet_days_late=pick("quiet_days_late"),
        window_steps=tuple(_days_list(pick("window_days"))),
        follow_up_days=pick("follow_up_days"),
        response_steps=tuple(_days_list(pick("response_deadline_days"))),
        anniversaries=pick("anniversaries"),
    )


def midnight(day: date) -> datetime:
    """Local midnight of `day` in the organisation's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time(0)))


def risk_mask(case: Case) -> int:
    return sum(bit for field, bit in RISK_BITS if getattr(case, field))


# --- rule 1: gone quiet -------------------------------------------------------------------


def quiet_threshold(case: Case, eff: Effective, at: datetime) -> int:
    """Short while the disappearance is under three months old at `at`, long after.
    With no disappearance date the age is unknown: the long threshold applies."""
    closes = case.urgent_window_closes
    if closes is not None and at < midnight(closes):
        return eff.quiet_days_early
    return eff.quiet_days_late


# How recent a case's latest information must have been when the case was entered
# for its silence to be a trail the team watches: the Working Group's urgent window.
LIVE_TRAIL_MONTHS = 3


def live_trail(case: Case) -> bool:
    """Whether the case's latest information was under three months old when the case
    was entered (form, import, API or PFIF alike), or is newer than its entry.

    "Gone quiet" tells a team that a trail it follows has stopped: a person who
    answered no longer does. A case entered after the fact whose news was already
    older than that has no such trail: its silence is the record, shown by its
    counter and in the dashboard's "gone quiet" list from the moment it is saved, and
    an alert would only repeat it, for hundreds of cases at the same minute after an
    import. It raises none until information dated after that arrives.

    A case entered with no dated information at all (no disappearance date, no last
    contact: its silence counts from its entry, silence.latest_information) is no
    trail either: "quiet since it was entered" would be news of nothing, 14 days after
    an import of undated rows."""
    if case.last_info_at == case.created_at and not (case.disappeared_on or case.last_contact_on):
        return False
    entered = timezone.localdate(case.created_at)
    return case.last_info_at >= midnight(add_months(entered, -LIVE_TRAIL_MONTHS))


def quiet_next(case: Case, eff: Effective, *, now: datetime, after: datetime | None) -> Due | None:
    """No new information for N days; repeats every N days while the case stays quiet.
    `after` is the due moment of the last quiet alert of this silent spell.

    Only for a live trail (`live_trail`). The first alert of a spell is due N days
    after the latest information, or after the case was opened if that is later: a
    case entered today about last month has been silent for weeks (its counter says
    so at once), but its team, who has just entered it, is given N days of its own to
    find news before being told so: no alert the moment it is saved."""
    if not case.is_open or not live_trail(case):
        return None
    if after is None or after < case.last_info_at:
        base = max(case.last_info_at, case.created_at)
        due = base + timedelta(days=eff.quiet_days_early)
        if quiet_threshold(case, eff, due) != eff.quiet_days_early:
            due = base + timedelta(days=eff.quiet_days_late)
    else:
        due = after + timedelta(days=quiet_threshold(case, eff, after))
        if due <= now:  # the clock jumped, or the watcher was down: no burst of repeats
            due = now + timedelta(days=quiet_threshold(case, eff, now))
    return due, due.isoformat(timespec="seconds")


# --- rule 2 and 3: steps before a closing date -------------------------------------------


def steps_next(closes: date, steps: Sequence[int], *, now: datetime, fired: set[str]) -> Due | None:
    """Alerts N days before `closes` (e.g. 30, 7, 1). Only the latest step already
    passed is raised, never a burst of stale ones; nothing once it has closed."""
    if now >= midnight(closes):
        return None
    fired_dues = [midnight(closes - timedelta(days=s)) for s in steps if f"{closes}/{s}" in fired]
    last = max(fired_dues, default=None)
    pending = [
        (midnight(closes - timedelta(days=s)), f"{closes}/{s}")
        for s in sorted(steps, reverse=True)
        if last is None or midnight(closes - timedelta(days=s)) > last
    ]
    passed = [p for p in pending if p[0] <= now]
    if passed:
        return passed[-1]
    return pending[0] if pending else None


def window_next(case: Case, eff: Effective, *, now: datetime, fired: set[str]) -> Due | None:
    if not case.is_open or case.urgent_window_closes is None:
        return None
    return steps_next(case.urgent_window_closes, eff.window_steps, now=now, fired=fired)


# --- rule 4: anniversaries ----------------------------------------------------------------


def anniversary_day(case: Case) -> date | None:
    """The day the disappearance is known to have happened, or None: a day (or a
    minute) not marked approximate. A month, a year, "about", a range however narrow
    and an open end name no day; their first day is an invented one, and would put
    every "2004" or "about 2008" of an organisation on 1 January together."""
    gone: PartialDate | None = case.disappeared_on or None
    if not gone or gone.approximate or gone.precision not in (Precision.DAY, Precision.MINUTE):
        return None
    return gone.lo


def anniversary_next(
    case: Case, eff: Effective, *, now: datetime, after: datetime | None
) -> Due | None:
    """The next anniversary of the disappearance (29 February → 28 February), from
    today on: past ones are not raised when a case is entered late. Only for a known
    day (`anniversary_day`)."""
    start = anniversary_day(case)
    if not (case.is_open and eff.anniversaries and start):
        return None
    today = timezone.localtime(now).date()
    years = max(1, today.year - start.year - 1)
    while True:
        day = add_months(start, 12 * years)
        due = midnight(day)
        if day >= today and (after is None or due > after):
            return due, f"{years}y/{day}"
        years += 1


# --- rule 3: follow-ups -------------------------------------------------------------------


def follow_up_next(sent_on: date, eff: Effective) -> Due:
    due = midnight(sent_on + timedelta(days=eff.follow_up_days))
    return due, f"{sent_on}+{eff.follow_up_days}"
