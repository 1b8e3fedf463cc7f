"""Partial dates: known to the minute, day, month or year, or only between two bounds.

Testimony rarely gives an exact moment ("October 2021", "about 2002", "between the 20th and the
22nd", "before October 2021", "late 2003"); inventing precision would corrupt the record, so a
value keeps its precision, each end of a range its own. It is stored as one canonical EDTF
string (Library of Congress Extended Date/Time Format, level 0/1 subset) in a single column, with
lower/upper bound dates for sorting and counters. Of Django, only its translation functions:
the messages of PartialDateError are read by the person typing, in their language.

The EDTF written for each shape (what from_edtf reads back):

    2021-10-20T12:43    a minute            2021-10-20 / 2021-10 / 2021   a day, month, year
    2002~               about 2002 (any of the above with ~)
    2020/2021-10        between 2020 and Oct 2021: each end keeps the unit it was given in
    2021-10~/2021-12~   approximately between Oct and Dec 2021 (both ends marked)
    ../2021-09          before Oct 2021: open start, ends with the last unit before the one named
    2020/..             after 2019: open end, starts with the first unit after the one named
    2003-01/2003-04     early 2003 (May-Aug mid, Sep-Dec late): a plain interval, which is shown
    2021-11-21/2021-11-30   late Nov 2021 (1-10 early, 11-20 mid): as the third when it is one

Before this module kept each end's unit, a range was written in the unit both ends shared
("2020-01/2021-10" for "between 2020 and Oct 2021"): those strings still read, as what they say.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from django.utils.dates import MONTHS_ALT
from django.utils.translation import gettext, gettext_noop

MIN_YEAR = 1800
MAX_YEAR = 9999

# Fixed English names: calendar.month_name follows the process locale, display must not.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTH_ABBRS = tuple(name[:3] for name in MONTH_NAMES)

# Russian month names, read here ("20 октября 2021", "октябрь 2021") and written in
# the Russian documents (habeas.advocacy.texts): "октябрь 2021 г.", "20 октября".
RUSSIAN_MONTHS_NOMINATIVE = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
RUSSIAN_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_MONTHS: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)},
    **{abbr.lower(): i for i, abbr in enumerate(MONTH_ABBRS, 1)},
    "sept": 9,
    **{name: i for i, name in enumerate(RUSSIAN_MONTHS_NOMINATIVE, 1)},
    **{name: i for i, name in enumerate(RUSSIAN_MONTHS_GENITIVE, 1)},
}

EXAMPLES = gettext_noop(
    "Examples: 2021-10-20, Oct 2021, about 2002, between 20 and 22 Oct 2021, "
    "between 2020 and Oct 2021, before Oct 2021, after 2019, early 2003, late Nov 2021."
)

# The bounds an open end stands at, so that every comparison of bounds stays true of the
# value ("before Oct 2021" may be any day from the first the module accepts).
OPEN_LO = dt.date(MIN_YEAR, 1, 1)
OPEN_HI = dt.date(MAX_YEAR, 12, 31)

# Thirds, as testimony says "early 2003" or "late November": of a year in months (first and
# last month), of a month in days (first and last day; 31 stands for the month's last day).
_YEAR_THIRDS = ((1, 4), (5, 8), (9, 12))
_MONTH_THIRDS = ((1, 10), (11, 20), (21, 31))
THIRD_WORDS = ("early", "mid", "late")

_APPROX_PREFIX = re.compile(
    r"(?:(?:about|approximately|approx\.?|circa|ca\.|c\.|around|roughly"
    r"|около|примерно|приблизительно)\s*|(?:ca|c)\s+|~\s*)"
)
# Not "с ... до ...": "до" alone is "before" (the date named excluded), and a range's end
# is included; "с ... по ..." says so.
_BETWEEN = re.compile(r"(?:between|from|между|с) (.+?) (?:and|to|и|по) (.+)")
_OPEN = re.compile(r"(before|after|до|после) (.+)")
_THIRD = re.compile(
    r"(early|mid|late|(?:в )?(?:начал[оае]|середин[аеуы]|кон(?:ец|це|ца)))(?:\s+|-)(.+)"
)
_EDTF_LIKE = r"~?\d{4}(?:-\d{1,2}){0,2}~?"
_SLASH = re.compile(rf"({_EDTF_LIKE})\s*/\s*({_EDTF_LIKE})")
_SLASH_OPEN_START = re.compile(rf"\.\.\s*/\s*({_EDTF_LIKE})")
_SLASH_OPEN_END = re.compile(rf"({_EDTF_LIKE})\s*/\s*\.\.")
_TIME = re.compile(r"(?:t|,?\s+(?:at\s+)?)(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_RUSSIAN_YEAR_WORD = re.compile(r"\s*(?:года|год|г\.?)$")  # "20 октября 2021 г."
_MON = r"([a-zа-яё]+)\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
# Each pattern with the meaning of its groups: y year, m month number, M month name, d day.
_PATTERNS = (
    (re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?"), "ymd"),  # 2021-10-20, 2021-10, 2021
    (re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})"), "dmy"),  # 20.10.2021, 20/10/2021
    (re.compile(r"(\d{1,2})[./](\d{4})"), "my"),  # 10.2021
    (re.compile(rf"{_DAY} {_MON},? (\d{{4}})"), "dMy"),  # 20 Oct 2021, 20 октября 2021
    (re.compile(rf"{_MON} {_DAY},? (\d{{4}})"), "Mdy"),  # October 20, 2021
    (re.compile(rf"{_MON},? (\d{{4}})"), "My"),  # Oct 2021, октябрь 2021
)
# What from_edtf accepts: only the shapes to_edtf writes (plus optional seconds).
_EDTF_POINT = r"\d{4}(?:-\d{2}(?:-\d{2})?)?~?"
_EDTF_TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?"
_EDTF = re.compile(
    rf"{_EDTF_POINT}/{_EDTF_POINT}|\.\./{_EDTF_POINT}|{_EDTF_POINT}/\.\.|{_EDTF_TIME}|{_EDTF_POINT}"
)


class Precision(StrEnum):
    """How much of the date is known; RANGE means it is known only to lie between lo and hi."""

    MINUTE = "minute"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"


class PartialDateError(ValueError):
    """A date that cannot be accepted.

    The message is one readable sentence because forms show it as-is to the person typing,
    e.g. 'There is no 31 February 2021.'
    """


class _Parts(NamedTuple):
    """What one written date said, before checking that such a date exists."""

    year: int
    month: int | None = None
    day: int | None = None
    clock: tuple[int, int] | None = None


@dataclass(frozen=True)
class PartialDate:
    """A date with its precision; lo/hi are the earliest and latest day it can be.

    Values are canonical (a range covering exactly October 2021 *is* MONTH precision), so equal
    dates compare equal and to_edtf() gives one string per value.

    A RANGE also knows the unit each end was given in (lo_unit, hi_unit: YEAR, MONTH or DAY),
    so "between 2020 and Oct 2021" is not shown as "between Jan 2020 and Oct 2021"; left out,
    both take the coarsest unit the bounds share. A range may be open at one end ("before Oct
    2021"): that bound is then OPEN_LO or OPEN_HI, and has no unit.
    """

    lo: dt.date
    hi: dt.date
    precision: Precision
    approximate: bool = False
    time: dt.time | None = None  # only with MINUTE; naive, as reported locally
    lo_unit: Precision | None = None
    hi_unit: Precision | None = None
    open_start: bool = False
    open_end: bool = False

    def __post_init__(self) -> None:
        # Accept plain strings (e.g. from a database row) but always hold the enum.
        object.__setattr__(self, "precision", Precision(self.precision))
        if self.approximate and self.time is not None:
            raise PartialDateError(gettext("An approximate date cannot include a time of day."))
        if self.lo.year < MIN_YEAR:
            raise PartialDateError(_year_message(self.lo.year))
        if self.hi < self.lo:
            raise PartialDateError(gettext("The end of the range is before its start."))
        if self.precision is Precision.RANGE:
            self._settle_range()
            return
        if self.lo_unit or self.hi_unit or self.open_start or self.open_end:
            raise PartialDateError("Only a range has an open end or a unit for each end.")
        is_minute = self.precision is Precision.MINUTE
        expected = Precision.DAY if is_minute else self.precision
        if _shape(self.lo, self.hi) is not expected or (self.time is not None) != is_minute:
            raise PartialDateError(
                f"The bounds {self.lo} to {self.hi} do not match precision '{self.precision}'."
            )

    def _settle_range(self) -> None:
        """Fill in each end's unit when it was left out, and refuse bounds it does not fit."""
        lo_unit = None if self.lo_unit is None else Precision(self.lo_unit)
        hi_unit = None if self.hi_unit is None else Precision(self.hi_unit)
        if self.open_start and self.open_end:
            raise PartialDateError(gettext("A date cannot be open at both ends."))
        if self.time is not None:
            raise PartialDateError(gettext("A range cannot include a time of day."))
        if self.open_start or self.open_end:
            if (self.open_start and (self.lo != OPEN_LO or lo_unit)) or (
                self.open_end and (self.hi != OPEN_HI or hi_unit)
            ):
                raise PartialDateError("An open end has no date of its own.")
            # The date named in "before ..." / "after ..." must itself be one we accept.
            if self.open_start and self.hi >= OPEN_HI:
                raise PartialDateError(_year_message(MAX_YEAR + 1))
            if self.open_end and self.lo <= OPEN_LO:
                raise PartialDateError(_year_message(MIN_YEAR - 1))
        elif lo_unit is None and hi_unit is None:
            lo_unit = hi_unit = _unit(self.lo, self.hi)
        if not self.open_start:
            lo_unit = lo_unit or _unit_at_start(self.lo)
            if lo_unit not in _UNITS or _unit_start(self.lo, lo_unit) != self.lo:
                raise PartialDateError(f"The start {self.lo} is not the start of a {lo_unit}.")
        if not self.open_end:
            hi_unit = hi_unit or _unit_at_end(self.hi)
            if hi_unit not in _UNITS or _unit_end(self.hi, hi_unit) != self.hi:
                raise PartialDateError(f"The end {self.hi} is not the end of a {hi_unit}.")
        if (
            not (self.open_start or self.open_end)
            and _shape(self.lo, self.hi) is not Precision.RANGE
        ):
            raise PartialDateError(
                f"The bounds {self.lo} to {self.hi} do not match precision '{self.precision}'."
            )
        object.__setattr__(self, "lo_unit", lo_unit)
        object.__setattr__(self, "hi_unit", hi_unit)

    @classmethod
    def parse(cls, text: str, *, today: dt.date | None = None) -> PartialDate:
        """Read what a person typed; `today` (if given) rejects dates that have not happened."""
        value, last_start = _read_with_end(text)
        if today is not None and value.lo > today:
            shown = str(value)
            raise PartialDateError(
                gettext("%(date)s is in the future.") % {"date": f"{shown[0].upper()}{shown[1:]}"}
            )
        if today is not None and last_start > today:
            # "between 2025 and 2027": the range's end has not begun yet. A plain "2026"
            # or "Nov 2026" is fine: it is the precision, not a claim about the future.
            raise PartialDateError(gettext("The end of the range is in the future."))
        return value

    @classmethod
    def from_edtf(cls, value: str) -> PartialDate:
        """Inverse of to_edtf(), strict so that corrupt stored values are noticed."""
        if not isinstance(value, str) or not _EDTF.fullmatch(value):
            raise PartialDateError(f"'{value}' is not a date in EDTF form.")
        return _read_with_end(value)[0]

    def to_edtf(self) -> str:
        """The canonical stored form, e.g. '2021-10-20T12:43', '2002~', '2020/2021-10',
        '../2021-09' (before Oct 2021), '2020/..' (after 2019)."""
        mark = "~" if self.approximate else ""
        if self.precision is Precision.RANGE:
            start = ".." if self.lo_unit is None else _iso(self.lo, self.lo_unit) + mark
            end = ".." if self.hi_unit is None else _iso(self.hi, self.hi_unit) + mark
            return f"{start}/{end}"
        text = _iso(self.lo, self._unit())
        if self.time is not None:
            text += f"T{self.time:%H:%M}"
        return text + mark

    def display(self) -> str:
        """Human English that parse() reads back, e.g. 'between 20 and 22 Oct 2021',
        'before Oct 2021', 'after 2019', 'late Nov 2021'."""
        if self.precision is Precision.RANGE:
            return self._display_range()
        text = _human(self.lo, self._unit())
        if self.time is not None:
            text += f", {self.time:%H:%M}"
        return f"about {text}" if self.approximate else text

    def _display_range(self) -> str:
        about = "about " if self.approximate else ""
        if self.open_start or self.open_end:
            word = "before" if self.open_start else "after"
            return f"{word} {about}{_human(*self.named_bound())}"
        if third := self.third():
            index, whole, unit = third
            return f"{about}{THIRD_WORDS[index]} {_human(whole, unit)}"
        assert self.lo_unit is not None and self.hi_unit is not None  # a closed range
        text = _between(self.lo, self.hi, self.lo_unit, self.hi_unit)
        return f"approximately {text}" if self.approximate else text

    def named_bound(self) -> tuple[dt.date, Precision]:
        """For an open range, the date its words name and that date's unit: Oct 2021 for
        'before Oct 2021' (stored as ending with Sep 2021), 2019 for 'after 2019'."""
        if self.open_start:
            assert self.hi_unit is not None
            return self.hi + dt.timedelta(days=1), self.hi_unit
        if self.open_end:
            assert self.lo_unit is not None
            return self.lo - dt.timedelta(days=1), self.lo_unit
        raise ValueError("only an open range names a bound")

    def third(self) -> tuple[int, dt.date, Precision] | None:
        """(0, 1 or 2 for early, mid, late; the first day of the whole; its unit) when the value
        is exactly a third of one year (in months) or of one month (in days), else None."""
        if self.precision is not Precision.RANGE or self.open_start or self.open_end:
            return None
        if self.lo_unit is Precision.MONTH and self.hi_unit is Precision.MONTH:
            whole, unit = self.lo.replace(month=1, day=1), Precision.YEAR
        elif self.lo_unit is Precision.DAY and self.hi_unit is Precision.DAY:
            whole, unit = self.lo.replace(day=1), Precision.MONTH
        else:
            return None
        for index in range(3):
            if _third_bounds(whole, unit, index) == (self.lo, self.hi):
                return index, whole, unit
        return None

    def __str__(self) -> str:
        """As a page shows it: in the interface language when a writer is set
        (set_writer), else display()."""
        if _writer is not None and (text := _writer(self)) is not None:
            return text
        return self.display()

    @property
    def is_lower_bound(self) -> bool:
        """Whether days_since() is only a minimum ("at least N days"): the start is open."""
        return self.open_start

    @property
    def sort_date(self) -> dt.date:
        """The day a timeline places it on: the earliest possible day, or for an open start
        ("before Oct 2021") the last possible one, the only day the value names."""
        return self.hi if self.open_start else self.lo

    @property
    def latest_known_day(self) -> dt.date:
        """The latest day the information can be from: hi, or lo for an open end ("after
        2019" is known only to be from 2020 on); what a silence counter counts from."""
        return self.lo if self.open_end else self.hi

    def days_since(self, today: dt.date) -> int:
        """Whole days from the earliest possible day to `today` (0 if that is still ahead).

        Counters use the earliest day: it is the longest the person may have been missing.
        An open start has no earliest day: the count is from its last possible day, a
        minimum (is_lower_bound).
        """
        return max(0, (today - self.sort_date).days)

    def has_month(self) -> bool:
        """Whether month and year are known, the minimum the UN Working Group asks for."""
        if self.precision is Precision.YEAR or self.open_start or self.open_end:
            return False
        return (self.lo.year, self.lo.month) == (self.hi.year, self.hi.month)

    def _unit(self) -> Precision:
        return Precision.DAY if self.precision is Precision.MINUTE else self.precision


# Writes a value in the reader's language for str(), or None for display()'s English.
# The advocacy app sets it at start (its texts write Russian dates for documents, the
# interface uses the same words); this module stays free of Django and of the apps.
_writer: Callable[[PartialDate], str | None] | None = None


def set_writer(writer: Callable[[PartialDate], str | None] | None) -> None:
    global _writer  # one process-wide hook, set once at start
    _writer = writer


def add_months(d: dt.date, months: int) -> dt.date:
    """Add calendar months, clamping to the month's end (31 Jan + 1 month = 28/29 Feb).

    Used for the UN Working Group's three-month urgent-action window.
    """
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


# --- reading -------------------------------------------------------------------------------


def _read_with_end(text: str) -> tuple[PartialDate, dt.date]:
    """Parse without the 'future' check: shared by parse() and from_edtf(). Also gives the
    earliest day of the last date written (a range's end; a single date's or a third's start)."""
    if any(unicodedata.category(ch) == "Cc" and not ch.isspace() for ch in text):
        raise PartialDateError(
            gettext("The date contains control characters.") + " " + gettext(EXAMPLES)
        )
    normal = " ".join(text.lower().split())
    if not normal:
        raise PartialDateError(gettext("Enter a date."))
    approximate, body = _strip_approx(normal)
    if match := _OPEN.fullmatch(body):
        return _read_open(match[2], match[1] in ("before", "до"), approximate, text)
    if match := _SLASH_OPEN_START.fullmatch(body) or _SLASH_OPEN_END.fullmatch(body):
        return _read_open_edtf(match, approximate, text)
    if match := _THIRD.fullmatch(body):
        return _read_third(match[1], match[2], approximate, text)
    if match := _BETWEEN.fullmatch(body) or _SLASH.fullmatch(body):
        return _read_range(match[1], match[2], approximate, text)
    parts = _parse_single(body)
    if parts is None:
        raise _unreadable(text)
    lo, hi, clock = _bounds(parts)
    return _build(lo, hi, approximate, clock), lo


def _read_range(
    start_text: str, end_text: str, approximate: bool, text: str
) -> tuple[PartialDate, dt.date]:
    end = _endpoint(end_text)
    if end is None:
        raise _unreadable(text)
    start = _endpoint(start_text) or _endpoint(_complete_start(start_text, end[0]))
    if start is None:
        raise _unreadable(text)
    if start[0].clock or end[0].clock:
        raise PartialDateError(gettext("A range cannot include a time of day."))
    lo, (end_lo, hi, _) = _bounds(start[0])[0], _bounds(end[0])
    if hi < lo:
        raise PartialDateError(gettext("The end of the range is before its start."))
    # Each end keeps the unit it was written in: "between 2020 and Oct 2021" is 2020/2021-10.
    units = _unit_of(start[0]), _unit_of(end[0])
    return _build(lo, hi, approximate or start[1] or end[1], None, units), end_lo


def _read_open(
    named_text: str, before: bool, approximate: bool, text: str
) -> tuple[PartialDate, dt.date]:
    """'before Oct 2021' ends with the unit before the one named (Sep 2021: EDTF '../2021-09'),
    'after 2019' starts with the one after it (2020: '2020/..'), each in the unit named."""
    named = _endpoint(named_text)
    if named is None:
        raise _unreadable(text)
    parts, named_approximate = named
    if parts.clock is not None:
        raise PartialDateError(gettext("A range cannot include a time of day."))
    unit = _unit_of(parts)
    named_lo, named_hi, _ = _bounds(parts)
    if before:
        if named_lo <= OPEN_LO:
            raise PartialDateError(_year_message(MIN_YEAR - 1))
        hi = named_lo - dt.timedelta(days=1)
        value = PartialDate(
            OPEN_LO, hi, Precision.RANGE, approximate or named_approximate, None,
            hi_unit=unit, open_start=True,
        )  # fmt: skip
        return value, _unit_start(hi, unit)
    if named_hi >= OPEN_HI:
        raise PartialDateError(_year_message(MAX_YEAR + 1))
    lo = named_hi + dt.timedelta(days=1)
    value = PartialDate(
        lo, OPEN_HI, Precision.RANGE, approximate or named_approximate, None,
        lo_unit=unit, open_end=True,
    )  # fmt: skip
    return value, lo


def _read_open_edtf(
    match: re.Match[str], approximate: bool, text: str
) -> tuple[PartialDate, dt.date]:
    """'../2021-09' and '2020/..': the bound written is the value's own last or first unit."""
    point = _endpoint(match[1])
    if point is None:
        raise _unreadable(text)
    parts, point_approximate = point
    unit = _unit_of(parts)
    point_lo, point_hi, _ = _bounds(parts)
    approximate = approximate or point_approximate
    if match.re is _SLASH_OPEN_START:
        value = PartialDate(
            OPEN_LO, point_hi, Precision.RANGE, approximate, hi_unit=unit, open_start=True
        )
        return value, point_lo
    value = PartialDate(
        point_lo, OPEN_HI, Precision.RANGE, approximate, lo_unit=unit, open_end=True
    )
    return value, point_lo


def _read_third(
    word: str, whole_text: str, approximate: bool, text: str
) -> tuple[PartialDate, dt.date]:
    """'early 2003' (January to April), 'late Nov 2021' (21 to 30 November), and in Russian
    'в начале 2003 г.': stored as the plain interval they stand for."""
    parts = _parse_single(whole_text)
    if parts is None or parts.day is not None:
        raise _unreadable(text)
    whole, _, _ = _bounds(parts)
    index = 0 if word.startswith(("early", "в нач", "нач")) else 1
    if word.startswith(("late", "в кон", "кон")):
        index = 2
    unit = _unit_of(parts)
    lo, hi = _third_bounds(whole, unit, index)
    inner = Precision.MONTH if unit is Precision.YEAR else Precision.DAY
    # A third is written as one date: its start decides whether it may have happened yet.
    return _build(lo, hi, approximate, None, (inner, inner)), lo


def _endpoint(text: str) -> tuple[_Parts, bool] | None:
    approximate, body = _strip_approx(text)
    parts = _parse_single(body)
    return None if parts is None else (parts, approximate)


def _complete_start(text: str, end: _Parts) -> str:
    """Borrow what a range start leaves out from its end: '20' (Oct 2021), 'Oct' (2021)."""
    approximate, body = _strip_approx(text)
    if re.fullmatch(r"\d{1,2}", body) and end.day is not None:
        body = f"{end.year}-{end.month}-{body}"
    elif not re.search(r"\d{4}", body):
        body = f"{body} {end.year}"
    return f"~{body}" if approximate else body


def _strip_approx(text: str) -> tuple[bool, str]:
    approximate = False
    if match := _APPROX_PREFIX.match(text):
        text, approximate = text[match.end() :], True
    if text.endswith("~"):
        text, approximate = text[:-1].rstrip(), True
    return approximate, text


def _parse_single(text: str) -> _Parts | None:
    clock = None
    if match := _TIME.search(text):
        if match[3] is not None and int(match[3]) > 59:
            raise PartialDateError(f"{match[1]}:{match[2]}:{match[3]} is not a valid time of day.")
        clock = (int(match[1]), int(match[2]))
        text = text[: match.start()]
    text = _RUSSIAN_YEAR_WORD.sub("", text)
    for pattern, order in _PATTERNS:
        if match := pattern.fullmatch(text):
            parts = _assign(order, match.groups())
            if parts is None or (clock is not None and parts.day is None):
                return None
            return parts._replace(clock=clock)
    return None


def _assign(order: str, groups: tuple[str | None, ...]) -> _Parts | None:
    values: dict[str, int] = {}
    for key, raw in zip(order, groups, strict=True):
        if raw is None:
            continue
        if key == "M":
            if raw not in _MONTHS:
                return None
            values["m"] = _MONTHS[raw]
        else:
            values[key] = int(raw)
    return _Parts(values["y"], values.get("m"), values.get("d"))


def _bounds(parts: _Parts) -> tuple[dt.date, dt.date, dt.time | None]:
    """Earliest day, latest day and time of a single date, or a readable error."""
    year, month, day = parts.year, parts.month, parts.day
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PartialDateError(_year_message(year))
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), None
    if not 1 <= month <= 12:
        raise PartialDateError(gettext("There is no month %(month)d.") % {"month": month})
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, last), None
    if not 1 <= day <= last:
        raise PartialDateError(
            gettext("There is no %(day)d %(month)s %(year)d.")
            % {"day": day, "month": MONTHS_ALT[month], "year": year}
        )
    the_day = dt.date(year, month, day)
    return the_day, the_day, _time(parts.clock)


def _time(clock: tuple[int, int] | None) -> dt.time | None:
    if clock is None:
        return None
    hour, minute = clock
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise PartialDateError(f"{hour:02d}:{minute:02d} is not a valid time of day.")
    return dt.time(hour, minute)


def _build(
    lo: dt.date,
    hi: dt.date,
    approximate: bool,
    clock: dt.time | None,
    units: tuple[Precision, Precision] | None = None,
) -> PartialDate:
    precision = Precision.MINUTE if clock is not None else _shape(lo, hi)
    if precision is not Precision.RANGE:
        # A range that covers exactly one day, month or year is that date: nothing is lost.
        return PartialDate(lo, hi, precision, approximate, clock)
    lo_unit, hi_unit = units or (None, None)
    return PartialDate(lo, hi, precision, approximate, None, lo_unit, hi_unit)


def _unreadable(text: str) -> PartialDateError:
    return PartialDateError(
        gettext("Could not read '%(text)s' as a date.") % {"text": text.strip()}
        + " "
        + gettext(EXAMPLES)
    )


def _year_message(year: int) -> str:
    return gettext("The year %(year)d is outside the accepted range %(min)d to %(max)d.") % {
        "year": year,
        "min": MIN_YEAR,
        "max": MAX_YEAR,
    }


# --- writing -------------------------------------------------------------------------------

_UNITS = (Precision.YEAR, Precision.MONTH, Precision.DAY)


def _unit_of(parts: _Parts) -> Precision:
    """The unit a written date was given in."""
    if parts.month is None:
        return Precision.YEAR
    return Precision.MONTH if parts.day is None else Precision.DAY


def _unit_start(d: dt.date, unit: Precision) -> dt.date:
    if unit is Precision.YEAR:
        return d.replace(month=1, day=1)
    return d.replace(day=1) if unit is Precision.MONTH else d


def _unit_end(d: dt.date, unit: Precision) -> dt.date:
    if unit is Precision.YEAR:
        return d.replace(month=12, day=31)
    if unit is Precision.MONTH:
        return d.replace(day=calendar.monthrange(d.year, d.month)[1])
    return d


def _unit_at_start(lo: dt.date) -> Precision:
    """The coarsest unit that starts on `lo`."""
    return next(u for u in _UNITS if _unit_start(lo, u) == lo)


def _unit_at_end(hi: dt.date) -> Precision:
    """The coarsest unit that ends on `hi`."""
    return next(u for u in _UNITS if _unit_end(hi, u) == hi)


def _third_bounds(whole: dt.date, unit: Precision, index: int) -> tuple[dt.date, dt.date]:
    """First and last day of the early (0), mid (1) or late (2) third of a year or a month."""
    if unit is Precision.YEAR:
        first, last = _YEAR_THIRDS[index]
        start = dt.date(whole.year, first, 1)
        return start, _unit_end(start.replace(month=last), Precision.MONTH)
    first, last = _MONTH_THIRDS[index]
    end = min(last, calendar.monthrange(whole.year, whole.month)[1])
    return whole.replace(day=first), whole.replace(day=end)


def _unit(lo: dt.date, hi: dt.date) -> Precision:
    """The coarsest unit both bounds fall on: whole years, whole months, else days."""
    if lo.day == 1 and hi.day == calendar.monthrange(hi.year, hi.month)[1]:
        return Precision.YEAR if (lo.month, hi.month) == (1, 12) else Precision.MONTH
    return Precision.DAY


def _shape(lo: dt.date, hi: dt.date) -> Precision:
    """The precision bounds imply: a single day, month or year, otherwise a range."""
    unit = _unit(lo, hi)
    if lo == hi:
        return Precision.DAY
    if unit is Precision.YEAR and lo.year == hi.year:
        return Precision.YEAR
    if unit is Precision.MONTH and (lo.year, lo.month) == (hi.year, hi.month):
        return Precision.MONTH
    return Precision.RANGE


def _iso(d: dt.date, unit: Precision) -> str:
    if unit is Precision.YEAR:
        return f"{d.year:04d}"
    if unit is Precision.MONTH:
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


def _human(d: dt.date, unit: Precision) -> str:
    if unit is Precision.YEAR:
        return str(d.year)
    month_year = f"{MONTH_ABBRS[d.month - 1]} {d.year}"
    return month_year if unit is Precision.MONTH else f"{d.day} {month_year}"


def _between(lo: dt.date, hi: dt.date, lo_unit: Precision, hi_unit: Precision) -> str:
    """'between 20 and 22 Oct 2021', 'between 2020 and Oct 2021': each end in its own unit;
    the start leaves out what it shares with the end, when the end says it."""
    start = _human(lo, lo_unit)
    if Precision.YEAR not in (lo_unit, hi_unit) and lo.year == hi.year:
        same_month = lo_unit is hi_unit is Precision.DAY and lo.month == hi.month
        start = str(lo.day) if same_month else start.rsplit(" ", 1)[0]
    return f"between {start} and {_human(hi, hi_unit)}"
