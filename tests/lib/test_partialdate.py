"""Behaviour of habeas.lib.partialdate: what people type, what is stored, what is shown."""

import dataclasses
import random
from datetime import date, time, timedelta

import pytest

from habeas.lib.partialdate import PartialDate, PartialDateError, Precision, add_months

D, M, Y, R, T = Precision.DAY, Precision.MONTH, Precision.YEAR, Precision.RANGE, Precision.MINUTE
UNREADABLE = (
    "Could not read '{}' as a date. "
    "Examples: 2021-10-20, Oct 2021, about 2002, between 20 and 22 Oct 2021, "
    "between 2020 and Oct 2021, before Oct 2021, after 2019, early 2003, late Nov 2021."
)


@pytest.mark.parametrize(
    ("text", "lo", "hi", "precision"),
    [
        ("2021-10-20", date(2021, 10, 20), date(2021, 10, 20), D),
        ("20.10.2021", date(2021, 10, 20), date(2021, 10, 20), D),
        ("20/10/2021", date(2021, 10, 20), date(2021, 10, 20), D),
        ("1/2/2021", date(2021, 2, 1), date(2021, 2, 1), D),  # day first
        ("20 Oct 2021", date(2021, 10, 20), date(2021, 10, 20), D),
        ("20 October 2021", date(2021, 10, 20), date(2021, 10, 20), D),
        ("October 20, 2021", date(2021, 10, 20), date(2021, 10, 20), D),
        ("  20   OCT   2021 ", date(2021, 10, 20), date(2021, 10, 20), D),
        ("Oct 2021", date(2021, 10, 1), date(2021, 10, 31), M),
        ("October 2021", date(2021, 10, 1), date(2021, 10, 31), M),
        ("2021-10", date(2021, 10, 1), date(2021, 10, 31), M),
        ("10.2021", date(2021, 10, 1), date(2021, 10, 31), M),
        ("Feb 2020", date(2020, 2, 1), date(2020, 2, 29), M),
        ("Sept 2021", date(2021, 9, 1), date(2021, 9, 30), M),
        ("2021", date(2021, 1, 1), date(2021, 12, 31), Y),
        ("20 октября 2021", date(2021, 10, 20), date(2021, 10, 20), D),
        ("20 октября 2021 г.", date(2021, 10, 20), date(2021, 10, 20), D),
        ("октябрь 2021", date(2021, 10, 1), date(2021, 10, 31), M),
        ("мая 2021", date(2021, 5, 1), date(2021, 5, 31), M),
    ],
)
def test_parse_single_dates(text, lo, hi, precision):
    value = PartialDate.parse(text)
    assert (value.lo, value.hi, value.precision) == (lo, hi, precision)
    assert value.approximate is False
    assert value.time is None


@pytest.mark.parametrize(
    "text",
    [
        "2021-10-20 12:43",
        "2021-10-20T12:43",
        "2021-10-20t12:43",
        "2021-10-20T12:43:00",
        "20 Oct 2021, 12:43",
        "20 Oct 2021 at 12:43",
        "20.10.2021 12:43",
    ],
)
def test_parse_minute(text):
    value = PartialDate.parse(text)
    assert value == PartialDate(date(2021, 10, 20), date(2021, 10, 20), T, time=time(12, 43))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("about 2002", "2002~"),
        ("About 2002", "2002~"),
        ("c. 2002", "2002~"),
        ("c 2002", "2002~"),
        ("ca. 2002", "2002~"),
        ("circa 2002", "2002~"),
        ("approx. 2002", "2002~"),
        ("approximately 2002", "2002~"),
        ("~2002", "2002~"),
        ("2002~", "2002~"),
        ("около 2002", "2002~"),
        ("around Oct 2021", "2021-10~"),
        ("about 20 Oct 2021", "2021-10-20~"),
        ("approximately between 2019 and 2020", "2019~/2020~"),
        ("between about 2019 and 2020", "2019~/2020~"),
    ],
)
def test_parse_approximate(text, expected):
    value = PartialDate.parse(text)
    assert value.approximate is True
    assert value.to_edtf() == expected


def test_approximate_keeps_bounds_and_precision():
    value = PartialDate.parse("about 2002")
    assert (value.lo, value.hi, value.precision) == (date(2002, 1, 1), date(2002, 12, 31), Y)


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("between 20 and 22 Oct 2021", date(2021, 10, 20), date(2021, 10, 22)),
        ("Between 20 Oct and 2 Nov 2021", date(2021, 10, 20), date(2021, 11, 2)),
        ("between 2021-10-20 and 2021-10-22", date(2021, 10, 20), date(2021, 10, 22)),
        ("2021-10-20/2021-10-22", date(2021, 10, 20), date(2021, 10, 22)),
        ("2021-10/2021-12", date(2021, 10, 1), date(2021, 12, 31)),
        ("between Oct and Dec 2021", date(2021, 10, 1), date(2021, 12, 31)),
        ("between 2019 and 2020", date(2019, 1, 1), date(2020, 12, 31)),
        ("between 20 Dec 2021 and 2 Jan 2022", date(2021, 12, 20), date(2022, 1, 2)),
        ("from 2019 to 2020", date(2019, 1, 1), date(2020, 12, 31)),
        ("с 20 по 22 октября 2021", date(2021, 10, 20), date(2021, 10, 22)),
        ("между 2019 и 2020", date(2019, 1, 1), date(2020, 12, 31)),
        # Start and end of different precision: lo is the start's lo, hi the end's hi.
        ("between 2021-10 and 2021-12-15", date(2021, 10, 1), date(2021, 12, 15)),
        ("between 2021-10-15 and 2021-10", date(2021, 10, 15), date(2021, 10, 31)),
    ],
)
def test_parse_ranges(text, lo, hi):
    value = PartialDate.parse(text)
    assert (value.lo, value.hi, value.precision) == (lo, hi, R)
    assert value.approximate is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("between 2021-10-01 and 2021-10-31", PartialDate.parse("Oct 2021")),
        ("between Jan and Dec 2021", PartialDate.parse("2021")),
        ("2021-10-20/2021-10-20", PartialDate.parse("2021-10-20")),
    ],
)
def test_range_covering_one_unit_is_that_unit(text, expected):
    assert PartialDate.parse(text) == expected


# One value of every shape: (value, stored EDTF, display).
CASES = [
    (PartialDate(date(2021, 10, 20), date(2021, 10, 20), T, time=time(12, 43)),
     "2021-10-20T12:43", "20 Oct 2021, 12:43"),
    (PartialDate(date(2021, 10, 20), date(2021, 10, 20), T, time=time(0, 5)),
     "2021-10-20T00:05", "20 Oct 2021, 00:05"),
    (PartialDate(date(2021, 10, 20), date(2021, 10, 20), D), "2021-10-20", "20 Oct 2021"),
    (PartialDate(date(2021, 10, 1), date(2021, 10, 31), M), "2021-10", "Oct 2021"),
    (PartialDate(date(2021, 1, 1), date(2021, 12, 31), Y), "2021", "2021"),
    (PartialDate(date(2002, 1, 1), date(2002, 12, 31), Y, approximate=True),
     "2002~", "about 2002"),
    (PartialDate(date(2021, 10, 1), date(2021, 10, 31), M, approximate=True),
     "2021-10~", "about Oct 2021"),
    (PartialDate(date(2021, 10, 20), date(2021, 10, 20), D, approximate=True),
     "2021-10-20~", "about 20 Oct 2021"),
    (PartialDate(date(2021, 10, 20), date(2021, 10, 22), R),
     "2021-10-20/2021-10-22", "between 20 and 22 Oct 2021"),
    (PartialDate(date(2021, 10, 20), date(2021, 11, 2), R),
     "2021-10-20/2021-11-02", "between 20 Oct and 2 Nov 2021"),
    (PartialDate(date(2021, 12, 20), date(2022, 1, 2), R),
     "2021-12-20/2022-01-02", "between 20 Dec 2021 and 2 Jan 2022"),
    (PartialDate(date(2021, 10, 1), date(2021, 12, 31), R),
     "2021-10/2021-12", "between Oct and Dec 2021"),
    (PartialDate(date(2021, 11, 1), date(2022, 2, 28), R),
     "2021-11/2022-02", "between Nov 2021 and Feb 2022"),
    (PartialDate(date(2019, 1, 1), date(2020, 12, 31), R), "2019/2020", "between 2019 and 2020"),
    (PartialDate(date(2019, 1, 1), date(2020, 12, 31), R, approximate=True),
     "2019~/2020~", "approximately between 2019 and 2020"),
]  # fmt: skip
CASE_IDS = [edtf for _, edtf, _ in CASES]


@pytest.mark.parametrize(("value", "edtf", "shown"), CASES, ids=CASE_IDS)
def test_to_edtf(value, edtf, shown):
    assert value.to_edtf() == edtf


@pytest.mark.parametrize(("value", "edtf", "shown"), CASES, ids=CASE_IDS)
def test_from_edtf_round_trip(value, edtf, shown):
    assert PartialDate.from_edtf(edtf) == value
    assert PartialDate.from_edtf(value.to_edtf()).to_edtf() == edtf


@pytest.mark.parametrize(("value", "edtf", "shown"), CASES, ids=CASE_IDS)
def test_display_and_str(value, edtf, shown):
    assert value.display() == shown
    assert str(value) == shown


@pytest.mark.parametrize(("value", "edtf", "shown"), CASES, ids=CASE_IDS)
def test_parse_reads_back_stored_and_displayed_forms(value, edtf, shown):
    assert PartialDate.parse(edtf) == value
    assert PartialDate.parse(shown) == value


def _random_value(rng: random.Random) -> PartialDate:
    """Any valid PartialDate, built from the bounds it implies."""
    start = date(1800, 1, 1) + timedelta(days=rng.randrange(80_000))
    kind = rng.choice(list(Precision))
    approximate = kind is not T and rng.random() < 0.3
    if kind is T:
        return PartialDate(start, start, T, time=time(rng.randrange(24), rng.randrange(60)))
    if kind is D:
        return PartialDate(start, start, D, approximate)
    month_start, month_end = start.replace(day=1), add_months(start.replace(day=1), 1)
    if kind is M:
        return PartialDate(month_start, month_end - timedelta(days=1), M, approximate)
    if kind is Y:
        year = start.year
        return PartialDate(date(year, 1, 1), date(year, 12, 31), Y, approximate)
    ends = {
        "day": start + timedelta(days=rng.randrange(1, 800)),
        "month": add_months(month_end, rng.randrange(1, 30)) - timedelta(days=1),
        "year": date(start.year + rng.randrange(1, 20), 12, 31),
    }
    lo = {"day": start, "month": month_start, "year": date(start.year, 1, 1)}
    unit = rng.choice(list(ends))
    return PartialDate(lo[unit], ends[unit], R, approximate)


def test_round_trip_property_on_random_values():
    """Values built from their bounds alone, as the code did before ranges kept each end's
    unit (tests/lib/test_partialdate_properties.py covers every shape with hypothesis)."""
    rng = random.Random(20211020)
    for _ in range(3000):
        value = _random_value(rng)
        edtf = value.to_edtf()
        assert PartialDate.from_edtf(edtf) == value, edtf
        assert PartialDate.parse(edtf) == value, edtf
        assert PartialDate.parse(value.display()) == value, value.display()
        assert value.lo <= value.hi


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a date."),
        ("   ", "Enter a date."),
        ("yesterday", UNREADABLE.format("yesterday")),
        (" next Tuesday ", UNREADABLE.format("next Tuesday")),
        ("about", UNREADABLE.format("about")),
        ("20 Foo 2021", UNREADABLE.format("20 Foo 2021")),
        ("21", UNREADABLE.format("21")),
        ("between 20 and Oct 2021", UNREADABLE.format("between 20 and Oct 2021")),
        ("Oct 2021 12:43", UNREADABLE.format("Oct 2021 12:43")),
        ("31 February 2021", "There is no 31 February 2021."),
        ("2021-02-31", "There is no 31 February 2021."),
        ("31.04.2021", "There is no 31 April 2021."),
        ("0 Oct 2021", "There is no 0 October 2021."),
        ("29 Feb 2021", "There is no 29 February 2021."),
        ("2021-13", "There is no month 13."),
        ("20.13.2021", "There is no month 13."),
        ("2021-10-20 25:00", "25:00 is not a valid time of day."),
        ("2021-10-20 12:60", "12:60 is not a valid time of day."),
        ("1799", "The year 1799 is outside the accepted range 1800 to 9999."),
        ("0999-01-01", "The year 999 is outside the accepted range 1800 to 9999."),
        ("between 22 and 20 Oct 2021", "The end of the range is before its start."),
        ("2021-10-22/2021-10-20", "The end of the range is before its start."),
        ("between 2022 and 2021-06", "The end of the range is before its start."),
        (
            "between 2021-10-20 10:00 and 2021-10-21",
            "A range cannot include a time of day.",
        ),
        ("about 2021-10-20 12:43", "An approximate date cannot include a time of day."),
    ],
)
def test_parse_errors_are_readable(text, message):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text)
    assert str(excinfo.value) == message


def test_error_is_a_value_error():
    assert issubclass(PartialDateError, ValueError)


def test_leap_day():
    assert PartialDate.parse("29 Feb 2020").lo == date(2020, 2, 29)
    assert PartialDate.parse("2000-02-29").lo == date(2000, 2, 29)
    for text, message in [
        ("29.02.2021", "There is no 29 February 2021."),
        ("1900-02-29", "There is no 29 February 1900."),  # century, not divisible by 400
    ]:
        with pytest.raises(PartialDateError) as excinfo:
            PartialDate.parse(text)
        assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-10-21", "21 Oct 2021 is in the future."),
        ("21 Oct 2021, 09:00", "21 Oct 2021, 09:00 is in the future."),
        ("Nov 2021", "Nov 2021 is in the future."),
        ("2022", "2022 is in the future."),
        ("about 2022", "About 2022 is in the future."),
        ("between 21 and 25 Oct 2021", "Between 21 and 25 Oct 2021 is in the future."),
    ],
)
def test_future_dates_rejected_when_today_given(text, message):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text, today=date(2021, 10, 20))
    assert str(excinfo.value) == message
    assert PartialDate.parse(text).lo > date(2021, 10, 20)  # fine without `today`


@pytest.mark.parametrize(
    "text",
    ["2021-10-20", "Oct 2021", "2021", "between 19 and 20 Oct 2021", "between Sep and Oct 2021"],
)
def test_dates_that_may_have_happened_are_not_future(text):
    """'Oct 2021' can be entered on 20 Oct 2021: its precision, not a claim about the future."""
    assert PartialDate.parse(text, today=date(2021, 10, 20)).lo <= date(2021, 10, 20)


@pytest.mark.parametrize(
    "text", ["between 19 and 25 Oct 2021", "between 2020 and 2022", "between Sep 2021 and Jan 2022"]
)
def test_a_range_whose_end_has_not_begun_is_in_the_future(text):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text, today=date(2021, 10, 20))
    assert str(excinfo.value) == "The end of the range is in the future."
    PartialDate.parse(text)  # fine without `today`


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-10-20 12:43:99", "12:43:99 is not a valid time of day."),
        ("2021-10-20 24:00", "24:00 is not a valid time of day."),
        ("2021\x00-10", "The date contains control characters."),
    ],
)
def test_impossible_times_and_control_characters_are_refused(text, message):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text)
    assert str(excinfo.value).startswith(message)
    assert "\x00" not in str(excinfo.value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "20 Oct 2021",
        "about 2002",
        "2021-1-5",
        "2021-10-20 12:43",
        "2021?",
        "../..",
        "2021/",
        "/2021",
        "../2021-1",
        "2021-02-30",
        "2021-10-22/2021-10-20",
        "2021-10-20T12:43~",
    ],
)
def test_from_edtf_rejects_garbage(value):
    with pytest.raises(PartialDateError):
        PartialDate.from_edtf(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-10-20 12:43", True),
        ("2021-10-20", True),
        ("Oct 2021", True),
        ("about Oct 2021", True),
        ("between 20 and 22 Oct 2021", True),
        ("between 20 Oct and 2 Nov 2021", False),
        ("between Oct and Dec 2021", False),
        ("2021", False),
        ("about 2002", False),
        ("between 2019 and 2020", False),
    ],
)
def test_has_month(text, expected):
    assert PartialDate.parse(text).has_month() is expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("2021-10-20", 10),
        ("2021-10-20 23:59", 10),
        ("Oct 2021", 29),
        ("2021", 302),
        ("between 25 and 28 Oct 2021", 5),
        ("2021-10-30", 0),
        ("2021-11-05", 0),  # in the future: no negative counters
    ],
)
def test_days_since_counts_from_earliest_day(text, days):
    assert PartialDate.parse(text).days_since(date(2021, 10, 30)) == days


def test_sort_date_is_lo_and_orders_a_timeline():
    values = [PartialDate.parse(t) for t in ["2021-10-20", "2021", "Oct 2021", "about 2002"]]
    assert values[1].sort_date == date(2021, 1, 1)
    ordered = sorted(values, key=lambda v: v.sort_date)
    assert [v.to_edtf() for v in ordered] == ["2002~", "2021", "2021-10", "2021-10-20"]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2020, 1, 31), 1, date(2020, 2, 29)),
        (date(2021, 10, 20), 3, date(2022, 1, 20)),
        (date(2021, 11, 30), 3, date(2022, 2, 28)),
        (date(2021, 8, 31), 3, date(2021, 11, 30)),
        (date(2021, 5, 15), 0, date(2021, 5, 15)),
        (date(2021, 3, 31), -1, date(2021, 2, 28)),
        (date(2021, 1, 15), -1, date(2020, 12, 15)),
        (date(2021, 10, 20), 27, date(2024, 1, 20)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("lo", "hi", "precision", "extra"),
    [
        (date(2021, 10, 20), date(2021, 10, 21), D, {}),  # a DAY spans one day
        (date(2021, 10, 2), date(2021, 10, 31), M, {}),  # a MONTH starts on the 1st
        (date(2021, 10, 1), date(2021, 10, 31), R, {}),  # that range is just Oct 2021
        (date(2021, 10, 20), date(2021, 10, 20), D, {"time": time(12, 43)}),  # time needs MINUTE
        (date(2021, 10, 20), date(2021, 10, 20), T, {}),  # MINUTE needs a time
        (date(2021, 10, 22), date(2021, 10, 20), R, {}),
        (date(1799, 1, 1), date(1799, 12, 31), Y, {}),
    ],
)
def test_constructor_rejects_inconsistent_values(lo, hi, precision, extra):
    with pytest.raises(PartialDateError):
        PartialDate(lo, hi, precision, **extra)


def test_precision_given_as_string_is_coerced_and_value_is_frozen():
    value = PartialDate(date(2021, 10, 1), date(2021, 10, 31), "month")
    assert value.precision is Precision.MONTH
    assert value == PartialDate.parse("Oct 2021")
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.lo = date(2020, 1, 1)
