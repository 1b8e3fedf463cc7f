"""Hypothesis strategies for partial dates of every shape, and the check that a value read
back gained no precision; shared by the property tests of the parser and of the Russian
wording (tests/lib/test_partialdate_properties.py, tests/test_dates_russian.py)."""

import calendar
from datetime import date, time

from hypothesis import assume, settings
from hypothesis import strategies as st

from habeas.lib.partialdate import OPEN_HI, OPEN_LO, PartialDate, PartialDateError, Precision

Y, M, D, R, T = Precision.YEAR, Precision.MONTH, Precision.DAY, Precision.RANGE, Precision.MINUTE
UNITS = (Y, M, D)

# No time limit per example: a loaded CI machine is slow, not wrong (hypothesis would call
# a slow first run and a fast second one flaky).
unhurried = settings(deadline=None)

days = st.dates(min_value=date(1800, 1, 2), max_value=date(9999, 12, 30))
units = st.sampled_from(UNITS)


def start_of(d: date, unit: Precision) -> date:
    return {Y: d.replace(month=1, day=1), M: d.replace(day=1), D: d}[unit]


def end_of(d: date, unit: Precision) -> date:
    last = calendar.monthrange(d.year, d.month)[1]
    return {Y: d.replace(month=12, day=31), M: d.replace(day=last), D: d}[unit]


@st.composite
def singles(draw):
    day, unit = draw(days), draw(st.sampled_from((Y, M, D, T)))
    if unit is T:
        clock = time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
        return PartialDate(day, day, T, time=clock)
    return PartialDate(start_of(day, unit), end_of(day, unit), unit, draw(st.booleans()))


@st.composite
def closed_ranges(draw):
    first, second = sorted((draw(days), draw(days)))
    lo_unit, hi_unit = draw(units), draw(units)
    lo, hi = start_of(first, lo_unit), end_of(second, hi_unit)
    try:
        return PartialDate(lo, hi, R, draw(st.booleans()), lo_unit=lo_unit, hi_unit=hi_unit)
    except PartialDateError:  # exactly one day, month or year: not a range
        assume(False)


@st.composite
def open_ranges(draw):
    day, unit, approximate = draw(days), draw(units), draw(st.booleans())
    if draw(st.booleans()):
        hi = end_of(day, unit)
        assume(hi < OPEN_HI)
        return PartialDate(OPEN_LO, hi, R, approximate, hi_unit=unit, open_start=True)
    lo = start_of(day, unit)
    assume(lo > OPEN_LO)
    return PartialDate(lo, OPEN_HI, R, approximate, lo_unit=unit, open_end=True)


@st.composite
def thirds(draw):
    day, index, approximate = draw(days), draw(st.integers(0, 2)), draw(st.booleans())
    if draw(st.booleans()):  # of a year, in months
        first, last = ((1, 4), (5, 8), (9, 12))[index]
        lo, hi = date(day.year, first, 1), end_of(date(day.year, last, 1), M)
        return PartialDate(lo, hi, R, approximate, lo_unit=M, hi_unit=M)
    first, last = ((1, 10), (11, 20), (21, 31))[index]
    last = min(last, calendar.monthrange(day.year, day.month)[1])
    lo, hi = day.replace(day=first), day.replace(day=last)
    return PartialDate(lo, hi, R, approximate, lo_unit=D, hi_unit=D)


values = st.one_of(singles(), closed_ranges(), open_ranges(), thirds())


def same_precision(read: PartialDate, value: PartialDate) -> None:
    """Equal, and explicitly so in the bounds and each end's unit: nothing gained."""
    assert (read.lo, read.hi, read.precision) == (value.lo, value.hi, value.precision)
    assert (read.lo_unit, read.hi_unit) == (value.lo_unit, value.hi_unit)
    assert (read.open_start, read.open_end) == (value.open_start, value.open_end)
    assert (read.approximate, read.time) == (value.approximate, value.time)
    assert read == value
