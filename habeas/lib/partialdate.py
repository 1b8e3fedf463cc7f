"""Partial dates: known to the minute, day, month or year, or only between two bounds.

Testimony rarely gives an exact moment ("October 2021", "about 2002", "between the 20th and the
22nd"); inventing precision would corrupt the record, so a value keeps its precision. It is stored
as one canonical EDTF string (Library of Congress Extended Date/Time Format, level 0/1 subset) in
a single column, with lower/upper bound dates for sorting and counters. No Django imports.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

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

EXAMPLES = "Examples: 2021-10-20, Oct 2021, about 2002, between 20 and 22 Oct 2021."

_APPROX_PREFIX = re.compile(
    r"(?:(?:about|approximately|approx\.?|circa|ca\.|c\.|around|roughly"
    r"|около|примерно|приблизительно)\s*|(?:ca|c)\s+|~\s*)"
)
_BETWEEN = re.compile(r"(?:between|from|между|с) (.+?) (?:and|to|и|по) (.+)")
_EDTF_LIKE = r"~?\d{4}(?:-\d{1,2}){0,2}~?"
_SLASH = re.compile(rf"({_EDTF_LIKE})\s*/\s*({_EDTF_LIKE})")
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
_EDTF = re.compile(rf"{_EDTF_POINT}/{_EDTF_POINT}|{_EDTF_TIME}|{_EDTF_POINT}")


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
    """

    lo: dt.date
    hi: dt.date
    precision: Precision
    approximate: bool = False
    time: dt.time | None = None  # only with MINUTE; naive, as reported locally

    def __post_init__(self) -> None:
        # Accept plain strings (e.g. from a database row) but always hold the enum.
        object.__setattr__(self, "precision", Precision(self.precision))
        if self.approximate and self.time is not None:
            raise PartialDateError("An approximate date cannot include a time of day.")
        if self.lo.year < MIN_YEAR:
            raise PartialDateError(_year_message(self.lo.year))
        if self.hi < self.lo:
            raise PartialDateError("The end of the range is before its start.")
        is_minute = self.precision is Precision.MINUTE
        expected = Precision.DAY if is_minute else self.precision
        if _shape(self.lo, self.hi) is not expected or (self.time is not None) != is_minute:
            raise PartialDateError(
                f"The bounds {self.lo} to {self.hi} do not match precision '{self.precision}'."
            )

    @classmethod
    def parse(cls, text: str, *, today: dt.date | None = None) -> PartialDate:
        """Read what a person typed; `today` (if given) rejects dates that have not happened."""
        value, last_start = _read_with_end(text)
        if today is not None and value.lo > today:
            shown = value.display()
            raise PartialDateError(f"{shown[0].upper()}{shown[1:]} is in the future.")
        if today is not None and last_start > today:
            # "between 2025 and 2027": the range's end has not begun yet. A plain "2026"
            # or "Nov 2026" is fine: it is the precision, not a claim about the future.
            raise PartialDateError("The end of the range is in the future.")
        return value

    @classmethod
    def from_edtf(cls, value: str) -> PartialDate:
        """Inverse of to_edtf(), strict so that corrupt stored values are noticed."""
        if not isinstance(value, str) or not _EDTF.fullmatch(value):
            raise PartialDateError(f"'{value}' is not a date in EDTF form.")
        return _read_with_end(value)[0]

    def to_edtf(self) -> str:
        """The canonical stored form, e.g. '2021-10-20T12:43', '2002~', '2021-10/2021-12'."""
        mark = "~" if self.approximate else ""
        if self.precision is Precision.RANGE:
            unit = _unit(self.lo, self.hi)
            return f"{_iso(self.lo, unit)}{mark}/{_iso(self.hi, unit)}{mark}"
        text = _iso(self.lo, self._unit())
        if self.time is not None:
            text += f"T{self.time:%H:%M}"
        return text + mark

    def display(self) -> str:
        """Human English that parse() reads back, e.g. 'between 20 and 22 Oct 2021'."""
        if self.precision is Precision.RANGE:
            text = _between(self.lo, self.hi)
            return f"approximately {text}" if self.approximate else text
        text = _human(self.lo, self._unit())
        if self.time is not None:
            text += f", {self.time:%H:%M}"
        return f"about {text}" if self.approximate else text

    def __str__(self) -> str:
        return self.display()

    @property
    def sort_date(self) -> dt.date:
        """The earliest possible day, so a timeline never places an event later than it can be."""
        return self.lo

    def days_since(self, today: dt.date) -> int:
        """Whole days from the earliest possible day to `today` (0 if that is still ahead).

        Counters use the earliest day: it is the longest the person may have been missing.
        """
        return max(0, (today - self.lo).days)

    def has_month(self) -> bool:
        """Whether month and year are known, the minimum the UN Working Group asks for."""
        if self.precision is Precision.YEAR:
            return False
        return (self.lo.year, self.lo.month) == (self.hi.year, self.hi.month)

    def _unit(self) -> Precision:
        return Precision.DAY if self.precision is Precision.MINUTE else self.precision


def add_months(d: dt.date, months: int) -> dt.date:
    """Add calendar months, clamping to the month's end (31 Jan + 1 month = 28/29 Feb).

    Used for the UN Working Group's three-month urgent-action window.
    """
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


# --- reading -------------------------------------------------------------------------------


def _read_with_end(text: str) -> tuple[PartialDate, dt.date]:
    """Parse without the 'future' check: shared by parse() and from_edtf(). Also gives
    the earliest day of the last date written (a range's end; a single date's start)."""
    if any(unicodedata.category(ch) == "Cc" and not ch.isspace() for ch in text):
        raise PartialDateError("The date contains control characters. " + EXAMPLES)
    normal = " ".join(text.lower().split())
    if not normal:
        raise PartialDateError("Enter a date.")
    approximate, body = _strip_approx(normal)
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
        raise PartialDateError("A range cannot include a time of day.")
    lo, (end_lo, hi, _) = _bounds(start[0])[0], _bounds(end[0])
    if hi < lo:
        raise PartialDateError("The end of the range is before its start.")
    return _build(lo, hi, approximate or start[1] or end[1], None), end_lo


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
        raise PartialDateError(f"There is no month {month}.")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, last), None
    if not 1 <= day <= last:
        raise PartialDateError(f"There is no {day} {MONTH_NAMES[month - 1]} {year}.")
    the_day = dt.date(year, month, day)
    return the_day, the_day, _time(parts.clock)


def _time(clock: tuple[int, int] | None) -> dt.time | None:
    if clock is None:
        return None
    hour, minute = clock
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise PartialDateError(f"{hour:02d}:{minute:02d} is not a valid time of day.")
    return dt.time(hour, minute)


def _build(lo: dt.date, hi: dt.date, approximate: bool, clock: dt.time | None) -> PartialDate:
    precision = Precision.MINUTE if clock is not None else _shape(lo, hi)
    return PartialDate(lo, hi, precision, approximate, clock)


def _unreadable(text: str) -> PartialDateError:
    return PartialDateError(f"Could not read '{text.strip()}' as a date. {EXAMPLES}")


def _year_message(year: int) -> str:
    return f"The year {year} is outside the accepted range {MIN_YEAR} to {MAX_YEAR}."


# --- writing -------------------------------------------------------------------------------


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


def _between(lo: dt.date, hi: dt.date) -> str:
    """'between 20 and 22 Oct 2021': the start leaves out what it shares with the end."""
    unit = _unit(lo, hi)
    start = _human(lo, unit)
    if unit is not Precision.YEAR and lo.year == hi.year:
        same_month = unit is Precision.DAY and lo.month == hi.month
        start = str(lo.day) if same_month else start.rsplit(" ", 1)[0]
    return f"between {start} and {_human(hi, unit)}"
