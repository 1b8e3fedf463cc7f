"""What a Russian NGO's real sheet needs from the import pages (the first-use review):
every column left out is named, several columns go to the summary under their headers,
spellings written "A / B" or "A (B)" are split, the counts follow the decisions, the
result lists row → reference → name, and the duplicates' choices can be told apart."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from habeas.cases import services as cases
from habeas.cases.models import Case, PersonName
from habeas.imports import columns, values
from habeas.lib.partialdate import PartialDate
from tests.support.imports import _text, _to_dry_run, _upload, _upload_id

SHEET = (
    "№;ФИО;Страна;Дата исчезновения;Обстоятельства;Примечание;Контакты родственников;Источник\n"
    "1;Аманов Бахтияр / Bakhtiyar Amanov;Туркменистан;12.03.19;Задержан у дома;"
    "Родные получили передачу в 2005 году;+993 12 345678;Мемориал\n"
    "2;Атаев Бегенч (Begench Atayev);Кыргызская Республика;2004;;;+993 65 000000;\n"
    "3;Сапаров Gulnara;Республика Узбекистан;2010;Arrested;;;Мемориал\n"
)


def _suggested(client, upload_id) -> dict[str, str]:
    page = client.get(f"/import/{upload_id}/").content.decode()
    chosen = re.findall(r'name="(column_\d+)".*?<option value="([a-z_]+)" selected>', page, re.S)
    return dict(chosen)


def test_a_russian_sheet_keeps_its_notes_and_names_the_columns_left_out(client, alice):
    client.force_login(alice)
    upload_id = _upload_id(_upload(client, SHEET.encode("cp1251")))
    mapping = columns.suggest_mapping(SHEET.splitlines()[0].split(";"))
    # № is the sheet's own number; Обстоятельства and Примечание both go to the summary.
    assert mapping == {
        0: "external_id",
        1: "name",
        2: "country",
        3: "disappeared_on",
        4: "summary",
        5: "summary",
    }
    posted = {f"column_{i}": key for i, key in mapping.items()}
    response = client.post(f"/import/{upload_id}/", posted)
    assert response.status_code == 302, _text(response)[:2000]  # not "mapped twice"
    dry = _text(client.get(f"/import/{upload_id}/dry-run/"))
    assert (
        "Column Контакты родственников, Источник" not in dry
        and "Columns Контакты родственников, Источник (4 non-empty cells) are not imported." in dry
    )
    assert (
        "1 row has a name mixing Cyrillic and Latin letters (row 4): separate the spellings" in dry
    )
    every = _text(client.get(f"/import/{upload_id}/dry-run/?show=all"))
    assert "The name “Сапаров Gulnara” mixes Cyrillic and Latin letters" in every
    assert "Would be created 3" in dry

    done = client.post(f"/import/{upload_id}/import/", {"what": "all"}, follow=True)
    result = _text(done)
    assert "Columns Контакты родственников, Источник (4 non-empty cells)" in result
    amanov = Case.objects.get(people__names__text="Bakhtiyar Amanov")
    assert amanov.summary == (
        "Обстоятельства: Задержан у дома\n\nПримечание: Родные получили передачу в 2005 году"
    )
    assert amanov.disappeared_on.to_edtf() == "2019-03-12"
    # Row → reference → name, each linked.
    assert re.search(rf"2 {re.escape(amanov.reference)} Аманов Бахтияр", result)
    atayev = Case.objects.get(people__names__text="Begench Atayev")
    assert atayev.country == "KG" and atayev.summary == ""
    spellings = dict(atayev.people.get().names.values_list("text", "script"))
    assert spellings == {"Атаев Бегенч": "Cyrl", "Begench Atayev": "Latn"}
    mixed = PersonName.objects.get(text="Сапаров Gulnara")
    assert mixed.script == PersonName.Script.OTHER  # never labelled one script


def test_one_summary_column_is_imported_as_written(client, alice):
    client.force_login(alice)
    upload_id = _to_dry_run(
        client,
        "Name,Country,Summary\nAzat Isakov,TM,Taken at night\n",
        {"column_0": "name", "column_1": "country", "column_2": "summary"},
    )
    client.post(f"/import/{upload_id}/import/", {"what": "all"})
    assert Case.objects.get(people__names__text="Azat Isakov").summary == "Taken at night"


def test_another_field_chosen_twice_is_still_refused(client, alice):
    client.force_login(alice)
    upload_id = _upload_id(_upload(client, "Name,Country,Notes\nA B,TM,x\n"))
    response = client.post(
        f"/import/{upload_id}/", {"column_0": "name", "column_1": "country", "column_2": "name"}
    )
    assert response.status_code == 400
    assert "is chosen for 2 columns" in _text(response)


@pytest.fixture
def amanovs(alice):
    """Two people of the same name, told apart by their case and birth year."""
    made = []
    for number, born in ((1, "1980"), (2, "1991")):
        person = cases.person_create(
            name="Аманов Бахтияр", birth_date=PartialDate.parse(born), by=alice
        )
        cases.case_create(
            reference=f"TM-AM-{number}",
            person=person,
            country="TM",
            disappeared_on=PartialDate.parse("2021-10-20"),
            by=alice,
        )
        made.append(person)
    return made


def test_the_duplicate_choices_carry_each_candidates_reference_and_birth_year(
    client, alice, amanovs
):
    client.force_login(alice)
    upload_id = _to_dry_run(
        client,
        "Name,Country,Disappeared on\nАманов Бахтияр,TM,2021-10-20\n",
        {"column_0": "name", "column_1": "country", "column_2": "disappeared_on"},
    )
    page = client.get(f"/import/{upload_id}/dry-run/").content.decode()
    for person, reference, born in zip(
        amanovs, ("TM-AM-1", "TM-AM-2"), ("1980", "1991"), strict=True
    ):
        label = re.search(
            rf'value="same:{person.public_id}"[^>]*>\s*(.*?)</label>', page, re.S
        ).group(1)
        assert reference in label and born in label, label
    assert "Would be created 0" in _text(client.get(f"/import/{upload_id}/dry-run/"))
    client.post(f"/import/{upload_id}/dry-run/", {"row_2": "new"})
    after = _text(client.get(f"/import/{upload_id}/dry-run/"))
    assert "Would be created 1" in after and "1 decided" in after
    client.post(f"/import/{upload_id}/dry-run/", {"row_2": "skip"})
    after = _text(client.get(f"/import/{upload_id}/dry-run/"))
    assert "Would be created 0" in after and "Skipped by your decision 1" in after


@pytest.mark.parametrize(
    ("header", "field"),
    [("№", "external_id"), ("№ п/п", "external_id"), ("No.", "external_id"), ("#", "external_id")],
)
def test_the_sheets_own_number_is_suggested_as_the_external_id(header, field):
    assert columns.suggest_mapping([header, "ФИО"]) == {0: field, 1: "name"}


def test_a_phone_number_column_is_not_taken_for_the_sheets_number():
    assert columns.suggest_mapping(["Phone no", "Телефон №"]) == {}


@pytest.mark.parametrize(
    ("cell", "spellings"),
    [
        (
            "Аманов Бахтияр / Bakhtiyar Amanov",
            [("Аманов Бахтияр", "Cyrl"), ("Bakhtiyar Amanov", "Latn")],
        ),
        ("Атаев Бегенч (Begench Atayev)", [("Атаев Бегенч", "Cyrl"), ("Begench Atayev", "Latn")]),
        ("Anna-Maria/Smith", [("Anna-Maria/Smith", "Latn")]),  # no spaces: one name
        ("Сапаров Gulnara", [("Сапаров Gulnara", "Zyyy")]),
    ],
)
def test_spellings_split_on_slashes_and_brackets(cell, spellings):
    assert [(n.text, n.script) for n in values.parse_names(cell)] == spellings


@pytest.mark.parametrize(
    ("cell", "edtf"),
    [
        ("12.03.19", "2019-03-12"),  # Russian Excel's short date
        ("07.12.26", "2026-12-07"),  # today
        ("08.12.26", "1926-12-08"),  # tomorrow would be in the future: a century earlier
        ("05.01.27", "1927-01-05"),
        ("1.1.00", "2000-01-01"),
    ],
)
def test_two_digit_years_are_never_in_the_future(cell, edtf):
    assert values.parse_date(cell, today=dt.date(2026, 12, 7)).to_edtf() == edtf


def test_a_short_date_that_does_not_exist_quotes_the_cell():
    with pytest.raises(values.ValueProblem, match=r"“29\.02\.23” is not a date: February 2023"):
        values.parse_date("29.02.23", today=dt.date(2026, 12, 7))


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Кыргызская Республика", "KG"),
        ("Республика Узбекистан", "UZ"),
        ("Republic of Belarus", "BY"),
        ("Республика Беларусь", "BY"),
        ("Российская Федерация", "RU"),
        ("the Republic of Kazakhstan", "KZ"),
    ],
)
def test_official_country_names_are_read(cell, code):
    assert values.parse_country(cell) == code


def test_a_word_that_is_not_a_country_after_republic_is_still_refused():
    with pytest.raises(values.ValueProblem):
        values.parse_country("Республика Атлантида")


def test_the_upload_page_links_the_help_served_by_habeas(
    client, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    upload = client.get("/import/").content.decode()
    assert 'href="/import/help/"' in upload and "docs/import.md" not in upload
    with django_assert_max_num_queries(8):
        response = client.get("/import/help/")
    assert response.status_code == 200
    text = _text(response)
    page = response.content.decode()
    # Every field, with its English and Russian headers, and the dates a cell may hold.
    for field in columns.FIELDS:
        assert f'id="field-{field.key}"' in page
    assert "Headers in Russian: фио" in text and "full name" in text
    assert "12.03.19" in text and "около 2002" in text
    assert "Кыргызская Республика" in text and "Аманов Бахтияр / Bakhtiyar Amanov" in text
    assert "docs/import.md" not in text and "habeas/imports" not in text  # no repository path
