"""The date forms of first-use bug 13 and review section 3 item 10: each end of a range keeps
its own precision; "before Oct 2021", "after 2019", "early 2003", "late Nov 2021" are read,
stored as valid EDTF and shown back as typed; the counters know where an open date ends."""

from datetime import date

import pytest

from habeas.lib.partialdate import OPEN_HI, OPEN_LO, PartialDate, PartialDateError, Precision

M, D, R = Precision.MONTH, Precision.DAY, Precision.RANGE


@pytest.mark.parametrize(
    ("typed", "edtf", "shown", "lo", "hi"),
    [
        # Bug 13: was "between Jan 2020 and Oct 2021" and "between 22 Oct and 30 Nov 2021".
        ("between 2020 and Oct 2021", "2020/2021-10", "between 2020 and Oct 2021",
         date(2020, 1, 1), date(2021, 10, 31)),
        ("between 22 Oct and Nov 2021", "2021-10-22/2021-11", "between 22 Oct and Nov 2021",
         date(2021, 10, 22), date(2021, 11, 30)),
        ("between Oct 2020 and 2021", "2020-10/2021", "between Oct 2020 and 2021",
         date(2020, 10, 1), date(2021, 12, 31)),
        ("between Oct and 5 Nov 2021", "2021-10/2021-11-05", "between Oct and 5 Nov 2021",
         date(2021, 10, 1), date(2021, 11, 5)),
        ("с 2020 по октябрь 2021", "2020/2021-10", "between 2020 and Oct 2021",
         date(2020, 1, 1), date(2021, 10, 31)),
        ("2020/2021-10", "2020/2021-10", "between 2020 and Oct 2021",
         date(2020, 1, 1), date(2021, 10, 31)),
        # Open ends: was refused ("Could not read 'before Oct 2021' as a date").
        ("before Oct 2021", "../2021-09", "before Oct 2021", OPEN_LO, date(2021, 9, 30)),
        ("Before 20 October 2021", "../2021-10-19", "before 20 Oct 2021",
         OPEN_LO, date(2021, 10, 19)),
        ("before 2021", "../2020", "before 2021", OPEN_LO, date(2020, 12, 31)),
        ("after 2019", "2020/..", "after 2019", date(2020, 1, 1), OPEN_HI),
        ("after Oct 2021", "2021-11/..", "after Oct 2021", date(2021, 11, 1), OPEN_HI),
        ("after 31 Dec 2021", "2022-01-01/..", "after 31 Dec 2021", date(2022, 1, 1), OPEN_HI),
        ("до октября 2021", "../2021-09", "before Oct 2021", OPEN_LO, date(2021, 9, 30)),
        ("до 20 октября 2021 г.", "../2021-10-19", "before 20 Oct 2021",
         OPEN_LO, date(2021, 10, 19)),
        ("после 2019", "2020/..", "after 2019", date(2020, 1, 1), OPEN_HI),
        ("../2021-09", "../2021-09", "before Oct 2021", OPEN_LO, date(2021, 9, 30)),
        ("2020/..", "2020/..", "after 2019", date(2020, 1, 1), OPEN_HI),
        # Thirds of a year (months) and of a month (days): was refused.
        ("early 2003", "2003-01/2003-04", "early 2003", date(2003, 1, 1), date(2003, 4, 30)),
        ("mid 2003", "2003-05/2003-08", "mid 2003", date(2003, 5, 1), date(2003, 8, 31)),
        ("mid-2003", "2003-05/2003-08", "mid 2003", date(2003, 5, 1), date(2003, 8, 31)),
        ("late 2003", "2003-09/2003-12", "late 2003", date(2003, 9, 1), date(2003, 12, 31)),
        ("early Nov 2021", "2021-11-01/2021-11-10", "early Nov 2021",
         date(2021, 11, 1), date(2021, 11, 10)),
        ("mid November 2021", "2021-11-11/2021-11-20", "mid Nov 2021",
         date(2021, 11, 11), date(2021, 11, 20)),
        ("late Nov 2021", "2021-11-21/2021-11-30", "late Nov 2021",
         date(2021, 11, 21), date(2021, 11, 30)),
        ("late Feb 2024", "2024-02-21/2024-02-29", "late Feb 2024",
         date(2024, 2, 21), date(2024, 2, 29)),
        ("в начале 2003 г.", "2003-01/2003-04", "early 2003", date(2003, 1, 1), date(2003, 4, 30)),
        ("в середине 2003", "2003-05/2003-08", "mid 2003", date(2003, 5, 1), date(2003, 8, 31)),
        ("конец ноября 2021", "2021-11-21/2021-11-30", "late Nov 2021",
         date(2021, 11, 21), date(2021, 11, 30)),
        # An interval that is exactly a third is shown as one, whatever way it was typed.
        ("between Jan and Apr 2003", "2003-01/2003-04", "early 2003",
         date(2003, 1, 1), date(2003, 4, 30)),
        ("between 21 and 30 Nov 2021", "2021-11-21/2021-11-30", "late Nov 2021",
         date(2021, 11, 21), date(2021, 11, 30)),
    ],
)  # fmt: skip
def test_new_forms_are_stored_and_shown_as_typed(typed, edtf, shown, lo, hi):
    value = PartialDate.parse(typed)
    assert (value.to_edtf(), value.display()) == (edtf, shown)
    assert (value.lo, value.hi, value.precision) == (lo, hi, R)
    assert PartialDate.parse(shown) == value == PartialDate.from_edtf(edtf)


@pytest.mark.parametrize(
    ("typed", "edtf", "shown"),
    [
        ("about early 2003", "2003-01~/2003-04~", "about early 2003"),
        ("approximately late Nov 2021", "2021-11-21~/2021-11-30~", "about late Nov 2021"),
        ("примерно в начале 2003 г.", "2003-01~/2003-04~", "about early 2003"),
        ("before about Oct 2021", "../2021-09~", "before about Oct 2021"),
        ("about before Oct 2021", "../2021-09~", "before about Oct 2021"),
        ("after about 2019", "2020~/..", "after about 2019"),
        (
            "between about 2020 and Oct 2021",
            "2020~/2021-10~",
            "approximately between 2020 and Oct 2021",
        ),
    ],
)
def test_approximate_combines_with_the_new_forms(typed, edtf, shown):
    value = PartialDate.parse(typed)
    assert value.approximate
    assert (value.to_edtf(), value.display()) == (edtf, shown)
    assert PartialDate.parse(shown) == value


@pytest.mark.parametrize(
    "stored",
    ["2020-01/2021-10", "2021-10-22/2021-11-30", "2019~/2020~", "2021-10/2021-12", "2002~"],
)
def test_strings_stored_before_keep_their_meaning(stored):
    """Stored before each end kept its unit: read as what they say, and written unchanged."""
    value = PartialDate.from_edtf(stored)
    assert value.to_edtf() == stored
    assert PartialDate.parse(value.display()) == value
    assert PartialDate.from_edtf("2020-01/2021-10").display() == "between Jan 2020 and Oct 2021"


def test_a_range_given_in_one_unit_differs_from_one_given_in_two():
    """Same days, different words: the precision typed is part of the value."""
    year_start = PartialDate.parse("between 2020 and Oct 2021")
    month_start = PartialDate.parse("between Jan 2020 and Oct 2021")
    assert (year_start.lo, year_start.hi) == (month_start.lo, month_start.hi)
    assert year_start != month_start
    assert (year_start.lo_unit, month_start.lo_unit) == (Precision.YEAR, M)


def test_an_open_start_counts_from_its_last_possible_day_as_a_minimum():
    value = PartialDate.parse("before Oct 2021")
    assert (value.open_start, value.open_end, value.is_lower_bound) == (True, False, True)
    assert value.sort_date == value.latest_known_day == date(2021, 9, 30)
    assert value.days_since(date(2021, 10, 30)) == 30  # at least 30 days
    assert not value.has_month()


def test_an_open_end_counts_from_its_first_possible_day():
    value = PartialDate.parse("after 2019")
    assert (value.open_start, value.open_end, value.is_lower_bound) == (False, True, False)
    assert value.sort_date == value.latest_known_day == date(2020, 1, 1)
    assert value.days_since(date(2020, 1, 31)) == 30
    assert not value.has_month()


def test_a_closed_value_counts_and_sorts_as_before():
    value = PartialDate.parse("between 2020 and Oct 2021")
    assert (value.open_start, value.open_end, value.is_lower_bound) == (False, False, False)
    assert (value.sort_date, value.latest_known_day) == (date(2020, 1, 1), date(2021, 10, 31))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("early Nov 2021", True), ("late Feb 2024", True), ("early 2003", False),
     ("between 22 Oct and Nov 2021", False), ("before 20 Oct 2021", False)],
)  # fmt: skip
def test_has_month_for_the_new_shapes(text, expected):
    """The UN Working Group needs month and year: a third of a month has them."""
    assert PartialDate.parse(text).has_month() is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("before 1800", "The year 1799 is outside the accepted range 1800 to 9999."),
        ("after 9999", "The year 10000 is outside the accepted range 1800 to 9999."),
        ("before 20 Oct 2021 12:00", "A range cannot include a time of day."),
        ("early 20 Oct 2021", "Could not read 'early 20 Oct 2021' as a date."),
        ("before between 2020 and 2021", "Could not read 'before between 2020 and 2021'"),
        ("../..", "Could not read '../..' as a date."),
        # "до" is "before" (the date named excluded), never the included end of a range.
        ("с 2020 до 2021", "Could not read 'с 2020 до 2021' as a date."),
    ],
)
def test_new_forms_refuse_what_they_cannot_mean(text, message):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text)
    assert str(excinfo.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("after 2021", "After 2021 is in the future."),
        ("late Oct 2021", "Late Oct 2021 is in the future."),
        ("before 2023", "The end of the range is in the future."),
    ],
)
def test_new_forms_in_the_future_are_refused(text, message):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text, today=date(2021, 10, 20))
    assert str(excinfo.value) == message


@pytest.mark.parametrize("text", ["early Oct 2021", "mid Oct 2021", "before 2022", "after 2020"])
def test_new_forms_that_may_have_happened_are_accepted_today(text):
    """'early Oct 2021' on 20 Oct 2021 is its precision, like 'Oct 2021'."""
    PartialDate.parse(text, today=date(2021, 10, 20))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lo": OPEN_LO, "hi": OPEN_HI, "open_start": True, "open_end": True}, "both ends"),
        ({"lo": date(2020, 1, 1), "hi": date(2021, 9, 30), "open_start": True}, "no date"),
        ({"lo": date(2020, 1, 1), "hi": date(2021, 10, 31), "lo_unit": M,
          "hi_unit": Precision.YEAR}, "not the end of a year"),
        ({"lo": date(2020, 1, 2), "hi": date(2021, 10, 31), "lo_unit": M}, "not the start"),
        ({"lo": date(2021, 10, 1), "hi": date(2021, 10, 31), "lo_unit": D, "hi_unit": D},
         "do not match"),
    ],
)  # fmt: skip
def test_the_constructor_refuses_values_that_are_not_canonical(kwargs, message):
    with pytest.raises(PartialDateError, match=message):
        PartialDate(precision=R, **kwargs)
    with pytest.raises(PartialDateError, match="Only a range"):
        PartialDate(date(2021, 10, 1), date(2021, 10, 31), M, open_end=True)


def test_a_range_built_from_its_bounds_alone_keeps_the_old_shared_unit():
    """Callers (demo, bench) build ranges without units: both ends take the shared one."""
    value = PartialDate(date(2020, 1, 1), date(2021, 10, 31), R)
    assert (value.lo_unit, value.hi_unit) == (M, M)
    assert value == PartialDate.from_edtf("2020-01/2021-10")
