"""Reading one cell into the value a case or a person takes, with a precise message if not."""

from __future__ import annotations

import datetime as dt

import pytest

from habeas.imports import columns, values
from habeas.imports.values import ParsedName, ValueProblem
from habeas.lib.partialdate import PartialDate

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "edtf"),
    [
        ("2021-10-20", "2021-10-20"),
        ("20.10.2021", "2021-10-20"),
        ("20/10/2021", "2021-10-20"),
        ("10.2021", "2021-10"),
        ("2021", "2021"),
        ("20 октября 2021 г.", "2021-10-20"),
        ("октябрь 2021", "2021-10"),
        ("Oct 2021", "2021-10"),
        ("October 20, 2021", "2021-10-20"),
        ("about 2002", "2002~"),
        ("около 2002", "2002~"),
        ("between 2020 and Oct 2021", "2020/2021-10"),
        ("before Oct 2021", "../2021-09"),
        ("early 2003", "2003-01/2003-04"),
        ("2021-10-20 12:43", "2021-10-20T12:43"),
        ("2021-10-20 00:00:00", "2021-10-20"),
        ("  20.10.2021  ", "2021-10-20"),
    ],
)
def test_dates_are_read_in_every_form_the_forms_accept(text, edtf):
    value = values.parse_date(text, today=TODAY)
    assert isinstance(value, PartialDate)
    assert value.to_edtf() == edtf


def test_a_column_of_mixed_formats_reads_each_cell_on_its_own():
    column = ["2021-10-20", "20.10.2021", "20 октября 2021", "October 20, 2021"]
    assert {values.parse_date(c).to_edtf() for c in column} == {"2021-10-20"}


def test_an_empty_date_is_no_value():
    assert values.parse_date("  ") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.02.2021", "“31.02.2021” is not a date: February 2021 has no day 31."),
        ("10/20/2021", "there is no month 20. Dates with slashes are read day first"),
        ("2027-01-01", "“2027-01-01” is in the future."),
        ("1700", "the year 1700 is outside"),
        ("soon", "“soon” is not a date Habeas can read. Write it as 2021-10-20"),
    ],
)
def test_a_wrong_date_is_named_precisely(text, message):
    with pytest.raises(ValueProblem) as caught:
        values.parse_date(text, today=TODAY)
    assert message in str(caught.value)


def test_several_spellings_in_one_cell_each_with_its_script():
    assert values.parse_names("Исаков Мурат; Isakov Murat\nIsakow Myrat;; Isakov Murat") == [
        ParsedName("Исаков Мурат", "Cyrl"),
        ParsedName("Isakov Murat", "Latn"),
        ParsedName("Isakow Myrat", "Latn"),
    ]


@pytest.mark.parametrize(
    ("name", "script"),
    [
        ("مراد", "Arab"),
        ("მურატი", "Geor"),
        ("Μουράτ", "Grek"),
        ("ムラト", "Kana"),
        ("穆拉特", "Hani"),
    ],
)
def test_the_script_of_a_name_in_any_script_is_detected(name, script):
    assert values.parse_names(name) == [ParsedName(name, script)]


def test_a_cell_without_letters_is_not_a_name():
    with pytest.raises(ValueProblem, match="“12345” is not a name"):
        values.parse_names("12345")


@pytest.mark.parametrize(
    ("text", "code"),
    [("Turkmenistan", "TM"), ("Туркменистан", "TM"), ("tm", "TM"), ("TKM", "TM"),
     ("Россия", "RU"), ("Russian Federation", "RU"), ("RUS", "RU"), ("Беларусь", "BY"),
     ("Кыргызстан", "KG"), ("Uzbekistan", "UZ"), ("Узбекистан", "UZ"), ("", "")],
)  # fmt: skip
def test_countries_by_english_or_russian_name_or_iso_code(text, code):
    assert values.parse_country(text) == code


def test_an_unknown_country_is_refused():
    with pytest.raises(ValueProblem, match="“Narnia” is not a country"):
        values.parse_country("Narnia")


@pytest.mark.parametrize(
    ("text", "sex"), [("F", "f"), ("female", "f"), ("Ж", "f"), ("муж.", "m"), ("M", "m"),
                      ("", ""), ("неизвестно", "")]
)  # fmt: skip
def test_sex(text, sex):
    assert values.parse_sex(text) == sex


@pytest.mark.parametrize(
    ("text", "status"),
    [("Reported missing", "reported_missing"), ("presumed_ed", "presumed_ed"),
     ("Освобождён", "released"), ("погиб", "dead"), ("Closed", "closed")],
)  # fmt: skip
def test_status_by_english_or_russian_name(text, status):
    assert values.parse_status(text) == status


def test_an_unknown_status_lists_the_ones_known():
    with pytest.raises(ValueProblem, match="Reported missing"):
        values.parse_status("maybe")


def test_headers_in_english_and_russian_are_recognised():
    headers = ["ФИО", "Дата исчезновения", "Дата рождения", "Место", "Гражданство", "Пол",
               "Статус", "Комментарий"]  # fmt: skip
    assert columns.suggest_mapping(headers) == {
        0: "name", 1: "disappeared_on", 2: "birth_date", 3: "disappeared_place",
        4: "nationality", 5: "sex", 6: "status", 7: "summary",
    }  # fmt: skip


def test_headers_are_compared_without_case_spacing_punctuation_or_hints():
    headers = ["  FULL-NAME ", "Date of Disappearance (dd.mm.yyyy)", "Last contact: place"]
    assert columns.suggest_mapping(headers) == {
        0: "name",
        1: "disappeared_on",
        2: "last_contact_place",
    }


def test_no_field_is_suggested_twice():
    mapping = columns.suggest_mapping(["Name", "ФИО", "Place", "Место"])
    assert mapping == {0: "name", 2: "disappeared_place"}


def test_a_header_not_known_is_left_unmapped():
    assert columns.suggest_mapping(["Place of birth", "Phone no", "Mother's maiden name x y"]) == {}


def test_every_field_kind_has_a_parser():
    assert {f.kind for f in columns.FIELDS} <= set(values.PARSERS)


@pytest.mark.parametrize(
    "edtf",
    ["2021-10-20T12:43", "2002~", "../2021-09", "2020/..", "2020/2021-10", "2021-10~/2021-12~",
     "2003-01/2003-04"],
)  # fmt: skip
def test_the_edtf_habeas_exports_write_reads_back_as_the_same_date(edtf):
    assert values.parse_date(edtf, today=TODAY).to_edtf() == edtf


@pytest.mark.parametrize(
    ("text", "edtf"),
    [("с 2020 по октябрь 2021", "2020/2021-10"), ("до октября 2021", "../2021-09"),
     ("после 2019", "2020/.."), ("в начале 2003", "2003-01/2003-04")],
)  # fmt: skip
def test_russian_ranges_read_as_the_form_reads_them(text, edtf):
    assert values.parse_date(text, today=TODAY).to_edtf() == edtf


def test_a_field_key_or_its_label_is_recognised_as_its_header():
    keys = [f.key for f in columns.FIELDS]
    assert columns.suggest_mapping(keys) == dict(enumerate(keys))
    labels = [str(f.label) for f in columns.FIELDS]
    assert columns.suggest_mapping(labels) == dict(enumerate(keys))


@pytest.mark.parametrize(
    ("text", "flag"),
    [("yes", True), ("Да", True), ("x", True), ("1", True), ("", False), ("нет", False),
     ("no", False), ("-", False)],
)  # fmt: skip
def test_yes_or_no(text, flag):
    assert values.parse_flag(text) is flag


def test_neither_yes_nor_no_is_refused():
    with pytest.raises(ValueProblem, match="“maybe”: write yes or no"):
        values.parse_flag("maybe")


@pytest.mark.parametrize(
    ("text", "channel"),
    [("Phone call", "phone"), ("телефонный звонок", "phone"), ("WhatsApp", "messenger"),
     ("SMS", "sms"), ("лично", "in_person"), ("e-mail", "email"), ("", "")],
)  # fmt: skip
def test_last_contact_channel(text, channel):
    assert values.parse_channel(text) == channel


@pytest.mark.parametrize(
    ("text", "priority"), [("Urgent", 1), ("срочно", 1), ("high", 2), ("3", 3), ("Low", 4)]
)
def test_priority(text, priority):
    assert values.parse_priority(text) == priority


def test_tags_split_on_commas_and_semicolons_each_once():
    assert values.parse_tags("journalist, Ashgabat; journalist") == ["journalist", "Ashgabat"]
    with pytest.raises(ValueProblem, match="at most 60 characters"):
        values.parse_tags("x" * 61)


@pytest.mark.parametrize(
    ("text", "script"), [("Cyrillic", "Cyrl"), ("кириллица", "Cyrl"), ("Latn", "Latn"),
                         ("латиница", "Latn"), ("Arabic", "Arab")]
)  # fmt: skip
def test_script_by_name_or_code(text, script):
    assert values.parse_script(text) == script


def test_free_text_keeps_lines_and_drops_control_characters():
    assert values.parse_text(" Taken\r\nat night\x07\tby police ") == "Taken\nat night\tby police"


def test_a_state_that_no_longer_exists_is_refused():
    with pytest.raises(ValueProblem, match="“СССР” no longer exists"):
        values.parse_country("СССР")


def test_a_header_that_could_be_two_fields_is_left_for_the_user():
    # "place … of disappearance" and "date of disappearance" both fit: Habeas does not guess.
    assert columns.suggest_mapping(["Place and date of disappearance"]) == {}
    assert columns.suggest_mapping(["Place of disappearance (town)"]) == {0: "disappeared_place"}


def test_brackets_inside_a_name_are_the_names_own():
    """Only "A (B)" is two spellings; brackets inside a cell (a formula a partner's
    sheet carries, an apostrophe-quoted export) stay in the one name."""
    assert [n.text for n in values.parse_names("Атаев Бегенч (Begench Atayev)")] == [
        "Атаев Бегенч",
        "Begench Atayev",
    ]
    formula = '=HYPERLINK("http://evil.example/","Click")'
    assert [n.text for n in values.parse_names(formula)] == [formula]
    assert [n.text for n in values.parse_names("Ivan (Vanya) Petrov")] == ["Ivan (Vanya) Petrov"]


def test_invisible_and_direction_characters_are_cleaned_as_the_forms_clean_them():
    """A name with a zero-width space and a right-to-left override inside is stored as
    the forms store it, so search and the duplicate check find the person
    (review-adversary #5)."""
    assert [n.text for n in values.parse_names("Azat\u200b Isa\u202ekov")] == ["Azat Isakov"]
    assert values.parse_tags("jour\u200bnalist, \u202eexile") == ["journalist", "exile"]
    assert values.parse_text("seen\u0007 at the gate") == "seen at the gate"
