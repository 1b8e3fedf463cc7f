"""Partial dates in Russian documents (habeas.advocacy.texts.format_date): every shape is
written exactly as precise as stored, and reads back through the same parser."""

import pytest
from hypothesis import given

from habeas.advocacy.texts import format_date
from habeas.lib.partialdate import PartialDate
from tests.support.partial_dates import same_precision, unhurried, values


@pytest.mark.parametrize(
    ("typed", "russian"),
    [
        ("between 2020 and Oct 2021", "с 2020 г. по октябрь 2021 г."),
        ("between 22 Oct and Nov 2021", "с 22 октября по ноябрь 2021 г."),
        ("between Oct and 5 Nov 2021", "с октября по 5 ноября 2021 г."),
        # Within one year, an end given as the year keeps it (not "с 1 января по …").
        ("between 2021 and Oct 2021", "с 2021 г. по октябрь 2021 г."),
        ("between Oct 2021 and 2021", "с октября 2021 г. по 2021 г."),
        ("before Oct 2021", "до октября 2021 г."),
        ("before 20 Oct 2021", "до 20 октября 2021 г."),
        ("before 2021", "до 2021 г."),
        ("after 2019", "после 2019 г."),
        ("after Oct 2021", "после октября 2021 г."),
        ("early 2003", "в начале 2003 г."),
        ("mid 2003", "в середине 2003 г."),
        ("late 2003", "в конце 2003 г."),
        ("early Nov 2021", "в начале ноября 2021 г."),
        ("late Nov 2021", "в конце ноября 2021 г."),
        ("about early 2003", "примерно в начале 2003 г."),
        ("before about Oct 2021", "примерно до октября 2021 г."),
        # Shapes from before keep their wording.
        ("between 20 and 22 Oct 2021", "с 20 по 22 октября 2021 г."),
        ("between Oct and Dec 2021", "с октября по декабрь 2021 г."),
        ("between 2002 and 2004", "с 2002 по 2004 г."),
        ("approximately between 2019 and 2020", "приблизительно с 2019 по 2020 г."),
        ("about Oct 2021", "около октября 2021 г."),
        ("20 Oct 2021 12:43", "20 октября 2021 г., 12:43"),
    ],
)
def test_each_shape_in_russian(typed, russian):
    value = PartialDate.parse(typed)
    assert format_date(value, "ru") == russian
    assert PartialDate.parse(russian) == value
    assert format_date(value, "en") == value.display()


@unhurried
@given(values)
def test_russian_reads_back_as_the_same_value(value):
    same_precision(PartialDate.parse(format_date(value, "ru")), value)
