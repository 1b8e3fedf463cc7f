"""What a deadline or an alert is about, named for a person: "UN urgent window
closes 28 Jan 2027 — reminder 29 Dec", not the rule's name beside the reminder's
date ("UN urgent window closing — Due 29 Dec 2026" read as the closing date).

Display only: the rules and their stored occurrences are unchanged. Each rule's
`occurrence` already names the moment it is about (rules.py): the closing date
for a window or a response deadline, the year count for an anniversary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, ngettext

from habeas.cases.models import Case
from habeas.lib.partialdate import Precision

from .models import Alert, Rule


@dataclass(frozen=True)
class Label:
    what: str  # "UN urgent window closes 28 Jan 2027"
    when: str  # "reminder 29 Dec"

    def __str__(self) -> str:
        return f"{self.what} — {self.when}"


def _day(day: date) -> str:
    return formats.date_format(day)


def _short_day(day: date, today: date) -> str:
    """A day of this year without its year, as a reminder is read: "29 Dec"."""
    return formats.date_format(day, "MONTH_DAY_FORMAT" if day.year == today.year else None)


def latest_known_day(moment: datetime) -> date:
    """The last day the case's latest information is known to be from. Dated
    information counts from the end of its latest known day, the local midnight
    after it (cases/silence.py, moment_of): "about Nov 2021" is 1 Dec 2021, 00:00,
    and the news is from 30 Nov, not 1 Dec. Any other moment (a case with no dated
    information counts from when it was opened) is a day of its own."""
    local = timezone.localtime(moment)
    if local.time() == time(0):
        return local.date() - timedelta(days=1)
    return local.date()


def _closing_date(occurrence: str) -> date | None:
    """The date before the step in "2027-01-28/30" (window, response deadline)."""
    try:
        return date.fromisoformat(occurrence.split("/", 1)[0])
    except ValueError:
        return None


def label(*, rule: str, occurrence: str, due_at: datetime, case: Case, today: date) -> Label:
    """Name a deadline (next due) or an alert (raised) by what it is about."""
    due = timezone.localdate(due_at)
    reminder = gettext("reminder %(day)s") % {"day": _short_day(due, today)}
    on_day = gettext("on %(day)s") % {"day": _short_day(due, today)}
    if rule == Rule.WINDOW:
        closes = _closing_date(occurrence) or case.urgent_window_closes
        if closes is not None:
            what = gettext("UN urgent window closes %(day)s") % {"day": _day(closes)}
            return Label(what, reminder)
    elif rule == Rule.RESPONSE_DEADLINE:
        closes = _closing_date(occurrence)
        if closes is not None:
            # The deadline a reply starts is ours: to contest what the Government
            # said (six months for the Working Group, docs/domain.md), not its reply.
            what = gettext("Deadline to contest the Government's reply: %(day)s") % {
                "day": _day(closes)
            }
            return Label(what, reminder)
    elif rule == Rule.ANNIVERSARY:
        years = occurrence.split("y", 1)[0]
        if years.isdigit():
            what = ngettext(
                "%(n)d year since the disappearance",
                "%(n)d years since the disappearance",
                int(years),
            ) % {"n": int(years)}
            gone = case.disappeared_on
            if gone is not None and (
                gone.precision not in (Precision.DAY, Precision.MINUTE) or gone.approximate
            ):
                # "about 2002" has no anniversary day: the day is only when Habeas
                # reminds, and the date is said as it was given.
                what = f"{what} ({gone.display()})"
                return Label(what, reminder)
            return Label(what, on_day)
    elif rule == Rule.QUIET:
        since = latest_known_day(case.last_info_at)
        if since < due:
            what = gettext("Gone quiet: no new information since %(day)s") % {"day": _day(since)}
            return Label(what, reminder)
    elif rule == Rule.FOLLOW_UP:
        what = gettext("Follow up an intervention that has no response")
        return Label(what, gettext("due %(day)s") % {"day": _short_day(due, today)})
    return Label(str(Rule(rule).label) if rule in Rule.values else rule, on_day)


# The rules label() names from what is stored; any other alert (a risk raised, an
# alert of another app) is known only by the title written when it was raised.
_NAMED_RULES = frozenset(
    {Rule.WINDOW, Rule.RESPONSE_DEADLINE, Rule.ANNIVERSARY, Rule.QUIET, Rule.FOLLOW_UP}
)


def alert_title(alert: Alert, today: date) -> str:
    """The alert as a notification names it, in the active language: the title
    written when it was raised (in English, by the watcher) for English, else the
    case reference and what label() says it is about ("TM-2021-003: Давно нет
    вестей: нет новой информации с 5 ноября 2026 г.")."""
    language = get_language() or "en"
    if language == "en" or alert.rule not in _NAMED_RULES:
        return alert.title
    named = label(
        rule=alert.rule,
        occurrence=alert.occurrence,
        due_at=alert.due_at,
        case=alert.case,
        today=today,
    )
    return f"{alert.case.reference}: {named.what}"
