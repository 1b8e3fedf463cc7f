"""When a person at risk must next check in (docs/protection.md, "Times").

A rule module: it computes and never writes. `next_deadline(plan, after)` is the
moment the watcher starts the ladder if no check-in came — the check-in time the
plan asks for, plus the grace period.

A cron schedule is read in the person's own time zone (`Plan.time_zone`), because
"every morning at 9" means their morning, across daylight-saving changes:

- a wall-clock time that does not exist (spring forward: 02:30 in Berlin on the
  last Sunday of March) moves to the first moment after the gap (03:00);
- a wall-clock time that happens twice (fall back: 02:30 on the last Sunday of
  October) counts once, at its first occurrence — the person is not asked twice.

The five-field subset is hand-written (numbers, `*`, lists, ranges, steps, names of
days and months): croniter, the maintained library, fires an ambiguous time twice,
against the rule above, and would bring python-dateutil for a few dozen lines.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from habeas.protection.models import Plan

# A schedule that would ask for a check-in more often than this is refused: the
# watcher's resolution and the person's patience both end about here.
MIN_GAP = timedelta(minutes=15)
# How far ahead a schedule is looked at for its next time. "29 2 *" (29 February)
# fires at least once in eight years; nothing valid is further apart.
HORIZON_DAYS = 366 * 8 + 2
# A check-in this long before a scheduled time counts for it.
EARLY = timedelta(hours=1)

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


@dataclasses.dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday … 6 = Saturday
    days_any: bool
    weekdays_any: bool

    def day_matches(self, d: date) -> bool:
        if d.month not in self.months:
            return False
        weekday = (d.weekday() + 1) % 7
        in_days = d.day in self.days
        in_weekdays = weekday in self.weekdays
        # Vixie cron: with both day fields restricted, either one matching is enough.
        if not self.days_any and not self.weekdays_any:
            return in_days or in_weekdays
        return in_days and in_weekdays

    def times_of_day(self) -> list[time]:
        return [time(h, m) for h in sorted(self.hours) for m in sorted(self.minutes)]


_NAMES = {
    **{name: i + 1 for i, name in enumerate(_MONTHS)},
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_DAY_NAMES = {
    **{name: i for i, name in enumerate(_DAYS)},
    "sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4,
    "friday": 5, "saturday": 6,
}  # fmt: skip


def _field(
    text: str, low: int, high: int, names: dict[str, int] | None, what: str
) -> frozenset[int]:
    """The values one field stands for. Days of the week: 0 and 7 are Sunday."""
    weekday = names is _DAY_NAMES

    def number(token: str) -> int:
        token = token.lower()
        if names is not None and token in names:
            return names[token]
        if not token.isdigit() or not low <= int(token) <= high:
            raise ValueError
        return int(token)

    values: set[int] = set()
    for part in text.split(","):
        try:
            base, slash, step_text = part.partition("/")
            step = 1
            if slash:
                if not step_text.isdigit() or int(step_text) < 1:
                    raise ValueError
                step = int(step_text)
            if base == "*":
                start, end = low, high
            elif "-" in base:
                first, last = base.split("-", 1)
                start, end = number(first), number(last)
                if end < start:
                    raise ValueError
            else:
                start = number(base)
                # "5/15": from 5 to the end of the field, every 15 (Vixie cron).
                end = high if slash else start
            values.update(v % 7 if weekday else v for v in range(start, end + 1, step))
        except ValueError:
            raise ValidationError(
                _("“%(part)s” is not a valid %(what)s.") % {"part": part, "what": what},
                code="cron_field",
            ) from None
    return frozenset(values)


def parse_cron(text: str) -> Cron:
    """The five fields of `text`, or a ValidationError saying which one is wrong."""
    fields = text.split()
    if len(fields) != 5:
        raise ValidationError(
            _(
                "A schedule has five fields separated by spaces: minute, hour, day of the "
                "month, month, day of the week (for example “0 9,21 * * *”)."
            ),
            code="cron_fields",
        )
    minute, hour, day, month, weekday = fields
    return Cron(
        minutes=_field(minute, 0, 59, None, _("minute (0–59)")),
        hours=_field(hour, 0, 23, None, _("hour (0–23)")),
        days=_field(day, 1, 31, None, _("day of the month (1–31)")),
        months=_field(month, 1, 12, _NAMES, _("month (1–12 or jan–dec)")),
        weekdays=_field(weekday, 0, 7, _DAY_NAMES, _("day of the week (0–7 or sun–sat)")),
        days_any=day.startswith("*"),
        weekdays_any=weekday.startswith("*"),
    )


def _local_to_utc(d: date, t: time, zone: ZoneInfo) -> datetime:
    """The one instant a wall-clock time stands for: the first occurrence of an
    ambiguous time, the first moment after the gap for one that does not exist."""
    naive = datetime.combine(d, t)
    first = naive.replace(tzinfo=zone, fold=0)
    back = first.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != naive:
        # In the gap: fold=0 reads it with the offset before the change, which
        # lands after the gap; the gap's end is that instant moved back to the
        # first whole minute after the change. Walk back minute by minute: at
        # most the gap's length (an hour or less everywhere today).
        moment = first.astimezone(UTC)
        while True:
            earlier = moment - timedelta(minutes=1)
            local = earlier.astimezone(zone).replace(tzinfo=None)
            if local < naive:
                return moment
            moment = earlier
    return first.astimezone(UTC)


def cron_times(cron: Cron, zone: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Every instant the schedule fires strictly after `after`, in order, each once."""
    start_local = after.astimezone(zone).date() - timedelta(days=1)
    times = cron.times_of_day()
    last: datetime | None = None
    for offset in range(HORIZON_DAYS):
        d = start_local + timedelta(days=offset)
        if not cron.day_matches(d):
            continue
        for t in times:
            moment = _local_to_utc(d, t, zone)
            # Several gap times collapse on the gap's end: once is enough.
            if moment <= after or (last is not None and moment <= last):
                continue
            last = moment
            yield moment


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(zone)s” is not a time zone this server knows.") % {"zone": name},
            code="time_zone",
        ) from None


def validate_cron(text: str, time_zone: str = "UTC") -> Cron:
    """The parsed schedule, or a ValidationError a form shows as it is: a schedule
    that never fires, or fires more often than every 15 minutes, is refused."""
    cron = parse_cron(text)
    zone = _zone(time_zone)
    # Checked over a whole year from a fixed day, so that the answer does not
    # depend on today's date; day-of-month schedules like "31 2" never fire.
    start = datetime(2027, 1, 1, tzinfo=UTC)
    upcoming = cron_times(cron, zone, start)
    first = next(upcoming, None)
    if first is None:
        raise ValidationError(
            _("This schedule never comes round (check the day and the month)."),
            code="cron_never",
        )
    # The closest two times of a day are the same every day except across a
    # change of clocks, where they are further apart, never closer.
    minutes = sorted(h * 60 + m for h in cron.hours for m in cron.minutes)
    gaps = [b - a for a, b in itertools.pairwise(minutes)]
    if len(minutes) > 1:
        gaps.append(minutes[0] + 24 * 60 - minutes[-1])
    if gaps and min(gaps) < MIN_GAP.total_seconds() // 60:
        raise ValidationError(
            _(
                "This schedule asks for a check-in more often than every 15 minutes; "
                "nobody can keep that up. Choose fewer times."
            ),
            code="cron_too_often",
        )
    return cron


def next_deadline(plan: Plan, after: datetime) -> datetime | None:
    """When the watcher should start the ladder if no check-in comes after `after`
    (the last check-in, or the moment the plan was set or resumed): the next
    check-in time the plan asks for, plus the grace period.

    - Every N hours: `after` + N hours.
    - Schedule: the next time the cron schedule fires, in the plan's time zone. A
      check-in up to `EARLY` before a scheduled time counts for it (someone who
      checks in at 08:50 for 09:00 is not asked again ten minutes later).
    - Travelling (`after` before `travel_until`): `after` + `travel_every_hours`,
      whatever the kind; the usual rhythm comes back with the first check-in after
      the trip.
    - Paused until a date: nothing is due before it; the deadline is the first one
      counted from the end of the pause.

    None when the plan asks for nothing (no hours, no schedule, a schedule that
    never fires).
    """
    if after.tzinfo is None:
        raise ValueError("next_deadline needs an aware datetime")
    grace = timedelta(minutes=plan.grace_minutes or 0)
    start = after
    paused = False
    if plan.paused_until is not None and plan.paused_until > after:
        start, paused = plan.paused_until, True
    if plan.travel_until is not None and start < plan.travel_until and plan.travel_every_hours:
        return start + timedelta(hours=plan.travel_every_hours) + grace
    if plan.kind == "interval":
        if not plan.every_hours:
            return None
        return start + timedelta(hours=plan.every_hours) + grace
    if not plan.schedule:
        return None
    try:
        cron = parse_cron(plan.schedule)
        zone = _zone(plan.time_zone or "UTC")
    except ValidationError:
        # A plan saved before a rule changed, or edited outside the form: no
        # deadline rather than a crash in the watcher; the form refuses it next save.
        return None
    moment = next(cron_times(cron, zone, start if paused else start + EARLY), None)
    if moment is None:
        return None
    return moment + grace
