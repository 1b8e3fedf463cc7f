"""The clocks of a case (time since the disappearance, since the last news, left
in the urgent window), shown the same wherever a case is shown: the case page,
the case list and the dashboard.

A count of days alone does not read: "1873 days" is not "5 years". Each clock
is written in years, months and days, with the days after it, so that both the
span and the exact figure a document quotes are on the page."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django import template
from django.utils import formats
from django.utils.translation import gettext, ngettext, pgettext_lazy

from habeas.cases.models import Status
from habeas.lib.partialdate import Precision, add_months

register = template.Library()

# How precise a date is, beside it on the case page ("about 2002 (year)").
PRECISION_LABELS = {
    Precision.MINUTE: pgettext_lazy("date precision", "minute"),
    Precision.DAY: pgettext_lazy("date precision", "day"),
    Precision.MONTH: pgettext_lazy("date precision", "month"),
    Precision.YEAR: pgettext_lazy("date precision", "year"),
    Precision.RANGE: pgettext_lazy("date precision", "range"),
}


@register.filter
def precision_label(precision: Precision) -> str:
    return str(PRECISION_LABELS.get(precision, precision))


def calendar_span(start: date, end: date) -> tuple[int, int, int]:
    """Whole years, months and days from `start` to `end` (zeros if `end` is
    earlier). Months are calendar months, clamped at a month's end as the urgent
    window is: 31 Jan to 28 Feb is one month."""
    if end <= start:
        return 0, 0, 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    days = (end - add_months(start, months)).days
    return months // 12, months % 12, days


def _days(n: int) -> str:
    number = formats.number_format(n, force_grouping=True)
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": number}


def span_text(days: int | None, today: date, *, at_least: bool = False) -> str:
    """ "5 years 1 month 16 days (1,873 days)"; "16 days" under a month; "at least"
    before it when the count is only a minimum (a date known only as "before…")."""
    if days is None:
        return "—"
    years, months, rest = calendar_span(today - timedelta(days=days), today)
    parts = [
        ngettext("%(n)d year", "%(n)d years", years) % {"n": years} if years else "",
        ngettext("%(n)d month", "%(n)d months", months) % {"n": months} if months else "",
        ngettext("%(n)d day", "%(n)d days", rest) % {"n": rest} if rest else "",
    ]
    text = _days(days)
    if years or months:
        text = gettext("%(span)s (%(days)s)") % {
            "span": " ".join(p for p in parts if p),
            "days": text,
        }
    return gettext("at least %(span)s") % {"span": text} if at_least else text


def day_text(day: date) -> str:
    """28 Jan 2027, as partial dates print a day."""
    return formats.date_format(day)


def _counted_from_a_bound(case) -> bool:
    # An open start ("before Oct 2021") counts from its latest possible day, so the
    # figure is a minimum. `is_lower_bound` comes with open-ended dates; before
    # them, no date is one.
    return bool(getattr(case.disappeared_on, "is_lower_bound", False))


def window_text(case, today: date, *, unknown: str) -> str:
    """The UN urgent window: "closes 28 Jan 2027 (53 days left)" while it is open,
    "window passed on 20 Jan 2022" after ("closed" read as the case's status);
    "submitted to the UN on 14 Feb 2022" once the case went to the Working Group."""
    if case.un_submitted_on is not None:
        return gettext("submitted to the UN on %(day)s") % {"day": day_text(case.un_submitted_on)}
    closes = case.urgent_window_closes
    if closes is None:
        return unknown
    left = (closes - today).days
    if left < 0:
        return gettext("window passed on %(day)s") % {"day": day_text(closes)}
    if left == 0:
        return gettext("closes today, %(day)s") % {"day": day_text(closes)}
    text = ngettext("closes %(day)s (%(n)d day left)", "closes %(day)s (%(n)d days left)", left)
    return text % {"day": day_text(closes), "n": left}


@register.inclusion_tag("cases/_counters.html")
def counters(case, today: date):
    """The three clocks of a case, the same wherever the case is shown."""
    left = case.urgent_window_days_left(today)
    silent = case.days_since_info(today)
    return {
        "case": case,
        "disappeared": days_gone(case, today),
        "silent": span_text(silent, today),
        "silent_warn": silent >= 7,
        "window": window_text(case, today, unknown=gettext("needs a disappearance date")),
        "window_alert": case.un_submitted_on is None and left is not None and 0 <= left <= 30,
    }


@register.filter
def days_gone(case, today: date) -> str:
    gone = case.days_disappeared(today)
    if gone is None:
        return gettext("date unknown")
    return span_text(gone, today, at_least=_counted_from_a_bound(case))


@register.filter
def days_silent(case, today: date) -> str:
    return span_text(case.days_since_info(today), today)


@register.filter
def window_left(case, today: date) -> str:
    return window_text(case, today, unknown=gettext("no date"))


@register.filter
def status_as_of(status, case) -> str:
    """A status's "as of", no more precise than what it came from: the opening status
    is stored as of the disappearance's earliest day (so that later statuses outrank
    it, cases/services.py case_create), which for "early 2003" is 1 Jan 2003, a day
    nobody gave. It reads "the disappearance (early 2003)"."""
    gone = case.disappeared_on
    if (
        gone is not None
        and status.status == Status.REPORTED_MISSING
        and status.asserted_on == gone.sort_date
        and (gone.precision not in (Precision.DAY, Precision.MINUTE) or gone.approximate)
    ):
        return gettext("the disappearance (%(date)s)") % {"date": gone}
    return formats.date_format(status.asserted_on)


# The words case_create stores as the opening status's basis (cases/services.py,
# imports/bulk.py): Habeas's own, in English, so shown in the page's language.
_OPENED = re.compile(r"Case opened on (\d{1,2} [A-Z][a-z]{2} \d{4})\.")


@register.filter
def status_basis(basis: str) -> str:
    """A status's basis as written, except the one Habeas writes itself."""
    match = _OPENED.fullmatch(basis)
    if match is None:
        return basis
    try:
        opened = datetime.strptime(match[1], "%d %b %Y").date()  # noqa: DTZ007 - a day, no time
    except ValueError:
        return basis
    return gettext("Case opened on %(day)s.") % {"day": formats.date_format(opened)}
