"""Properties of habeas.lib.partialdate over every shape a value can take: what is shown reads
back as the same value, what is stored reads back as the same value, and reading never adds
precision (the bounds and each end's unit are those written)."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from habeas.lib.partialdate import OPEN_HI, OPEN_LO, PartialDate, PartialDateError, Precision
from tests.support.partial_dates import (
    UNITS,
    D,
    M,
    R,
    T,
    Y,
    closed_ranges,
    days,
    end_of,
    same_precision,
    singles,
    start_of,
    thirds,
    unhurried,
    units,
    values,
)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RUSSIAN_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


@unhurried
@given(values)
@example(PartialDate.parse("between 2020 and Oct 2021"))
@example(PartialDate.parse("between 22 Oct and Nov 2021"))
@example(PartialDate.parse("before Oct 2021"))
@example(PartialDate.parse("late Feb 2024"))
def test_what_is_shown_reads_back_as_the_same_value(value):
    same_precision(PartialDate.parse(value.display()), value)


@unhurried
@given(values)
def test_what_is_stored_reads_back_as_the_same_value(value):
    edtf = value.to_edtf()
    same_precision(PartialDate.from_edtf(edtf), value)
    same_precision(PartialDate.parse(edtf), value)
    assert PartialDate.from_edtf(edtf).to_edtf() == edtf


@unhurried
@given(values)
def test_the_counting_days_lie_within_the_bounds(value):
    assert value.lo <= value.sort_date <= value.hi
    assert value.lo <= value.latest_known_day <= value.hi
    assert value.sort_date <= value.latest_known_day
    assert value.is_lower_bound is value.open_start
    assert value.days_since(value.sort_date) == 0
    assert value.days_since(value.sort_date + timedelta(days=3)) == 3
    if value.has_month():  # the UN's minimum: one month of one year
        assert (value.lo.year, value.lo.month) == (value.hi.year, value.hi.month)
        assert not (value.open_start or value.open_end)


def written(d: date, unit: Precision, style: str) -> str:
    """A date as a person might type it, in `unit`."""
    if style == "iso":
        return {Y: f"{d.year}", M: f"{d.year}-{d.month:02d}", D: d.isoformat()}[unit]
    if style == "ru":
        month = RUSSIAN_GENITIVE[d.month - 1]
        return {Y: f"{d.year} г.", M: f"{month} {d.year}", D: f"{d.day} {month} {d.year} г."}[unit]
    month = MONTHS[d.month - 1]
    return {Y: f"{d.year}", M: f"{month} {d.year}", D: f"{d.day} {month} {d.year}"}[unit]


styles = st.sampled_from(("iso", "en", "ru"))


@unhurried
@given(days, days, units, units, styles)
def test_a_typed_range_keeps_each_ends_unit(first, second, lo_unit, hi_unit, style):
    first, second = sorted((first, second))
    words = ("с", "по") if style == "ru" else ("between", "and")
    text = (
        f"{words[0]} {written(first, lo_unit, style)} {words[1]} {written(second, hi_unit, style)}"
    )
    value = PartialDate.parse(text)
    assert (value.lo, value.hi) == (start_of(first, lo_unit), end_of(second, hi_unit))
    if value.precision is R:
        assert (value.lo_unit, value.hi_unit) == (lo_unit, hi_unit)
    else:  # one whole day, month or year: the same days, what both ends said together
        assert value.precision in UNITS
    same_precision(PartialDate.parse(value.display()), value)


@unhurried
@given(days, units, styles, st.booleans())
@example(date(1800, 6, 1), Y, "en", True)  # before 1800: nothing left to be in
@example(date(1800, 6, 1), M, "en", True)
@example(date(9999, 6, 1), Y, "en", False)  # after 9999
@example(date(9999, 12, 1), M, "ru", False)
def test_before_and_after_name_a_unit_and_keep_it(day, unit, style, before):
    word = ("до" if before else "после") if style == "ru" else ("before" if before else "after")
    named_lo, named_hi = start_of(day, unit), end_of(day, unit)
    text = f"{word} {written(day, unit, style)}"
    if (before and named_lo == OPEN_LO) or (not before and named_hi == OPEN_HI):
        with pytest.raises(PartialDateError, match="outside the accepted range"):
            PartialDate.parse(text)
        return
    value = PartialDate.parse(text)
    if before:
        assert value.open_start and value.hi == named_lo - timedelta(days=1)
        assert value.hi_unit is unit and value.sort_date == value.hi
    else:
        assert value.open_end and value.lo == named_hi + timedelta(days=1)
        assert value.lo_unit is unit and value.latest_known_day == value.lo
    assert value.named_bound() == (named_lo if before else named_hi, unit)
    same_precision(PartialDate.parse(value.display()), value)


# How the code wrote each shape before ranges kept each end's unit (to_edtf as it was):
# every such string must still read, with the same bounds, precision and marks.
def legacy_to_edtf(value: PartialDate) -> str:
    mark = "~" if value.approximate else ""

    def iso(d: date, unit: Precision) -> str:
        return {Y: f"{d.year:04d}", M: f"{d.year:04d}-{d.month:02d}", D: d.isoformat()}[unit]

    if value.precision is R:
        lo, hi = value.lo, value.hi
        unit = D
        if lo.day == 1 and hi.day == calendar.monthrange(hi.year, hi.month)[1]:
            unit = Y if (lo.month, hi.month) == (1, 12) else M
        return f"{iso(lo, unit)}{mark}/{iso(hi, unit)}{mark}"
    unit = D if value.precision is T else value.precision
    text = iso(value.lo, unit) + (f"T{value.time:%H:%M}" if value.time else "")
    return text + mark


@unhurried
@given(st.one_of(singles(), closed_ranges(), thirds()))
def test_strings_stored_before_read_with_the_same_meaning(value):
    stored = legacy_to_edtf(value)
    read = PartialDate.from_edtf(stored)
    assert (read.lo, read.hi, read.precision) == (value.lo, value.hi, value.precision)
    assert (read.approximate, read.time) == (value.approximate, value.time)
    assert read.to_edtf() == stored  # rewritten as it was: a value from before is unchanged
