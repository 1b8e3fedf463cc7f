"""Reading the spreadsheets caseworkers bring: CSV in the encodings Excel writes, XLSX, ODS.

Each file is built here as the program that writes it would (openpyxl for XLSX, a zipped
content.xml for ODS) and read through habeas.imports.reading.read_table, as the import does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from habeas.imports.reading import ReadError, Row, csvfile, read_table

RUSSIAN = [
    ["ФИО", "Дата исчезновения", "Место"],
    ["Исаков Мурат Бердыевич", "20.10.2021", "Ашхабад, ул. Магтымгулы"],
    ["Ёлкина Юлия Щербаковна", "октябрь 2021", "Дашогуз"],
]


def rows(table) -> list[list[str]]:
    return [row.cells for row in table.rows]


def csv_text(table: list[list[str]], delimiter: str = ",") -> str:
    """As Excel writes it: cells holding the delimiter quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(table)
    return buffer.getvalue()


# --- CSV: encodings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "name"),
    [
        (csv_text(RUSSIAN).encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + csv_text(RUSSIAN).encode("utf-8"), "UTF-8 with BOM"),
        (b"\xff\xfe" + csv_text(RUSSIAN, "\t").encode("utf-16-le"), "UTF-16 LE"),
        (b"\xfe\xff" + csv_text(RUSSIAN, "\t").encode("utf-16-be"), "UTF-16 BE"),
        (csv_text(RUSSIAN, ";").encode("cp1251"), "Windows-1251"),
    ],
)
def test_russian_names_read_right_in_every_encoding_excel_writes(encoded, name):
    table = read_table(encoded, "cases.csv")
    assert table.headers == RUSSIAN[0], name
    assert rows(table) == RUSSIAN[1:], name


def test_a_windows_1251_file_is_read_as_cyrillic_and_the_user_is_told():
    table = read_table(csv_text(RUSSIAN, ";").encode("cp1251"), "old-excel.csv")
    assert rows(table)[1][0] == "Ёлкина Юлия Щербаковна"
    assert any("Windows-1251" in w for w in table.warnings)


def test_a_utf8_file_gives_no_encoding_warning():
    table = read_table(csv_text(RUSSIAN).encode("utf-8"), "cases.csv")
    list(table.rows)
    assert table.warnings == []


def test_a_western_file_in_windows_1252_is_not_turned_into_cyrillic():
    text = csv_text([["Name", "Place"], ["José Müller", "Besançon"], ["Zoë Brontë", "Nîmes"]])
    table = read_table(text.encode("cp1252"), "cases.csv")
    assert rows(table) == [["José Müller", "Besançon"], ["Zoë Brontë", "Nîmes"]]
    assert any("Windows-1252" in w for w in table.warnings)


def test_a_file_that_claims_utf16_but_is_not_is_refused():
    with pytest.raises(ReadError, match="UTF-16"):
        read_table(b"\xff\xfe" + b"\x00\xd8a\x00", "cases.csv")


# --- CSV: delimiters, quotes, rows --------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_found(delimiter):
    table = read_table(csv_text(RUSSIAN, delimiter).encode(), "cases.csv")
    assert table.headers == RUSSIAN[0]
    assert rows(table)[0][2] == "Ашхабад, ул. Магтымгулы"


def test_a_comma_inside_quotes_does_not_split_the_cell():
    text = 'Name,Place\n"Isakov, Murat","Ashgabat, Magtymguly st."\n'
    assert rows(read_table(text.encode(), "c.csv")) == [
        ["Isakov, Murat", "Ashgabat, Magtymguly st."]
    ]


def test_semicolons_win_when_commas_are_inside_the_cells():
    text = "ФИО;Место\nИсаков;Ашхабад, ул. Магтымгулы\nЕлкина;Дашогуз, центр\n"
    table = read_table(text.encode(), "c.csv")
    assert table.headers == ["ФИО", "Место"]
    assert rows(table)[0] == ["Исаков", "Ашхабад, ул. Магтымгулы"]


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row():
    text = "sep=;\nName;Place\nIsakov;Ashgabat\n"
    table = read_table(text.encode(), "c.csv")
    assert table.headers == ["Name", "Place"]
    assert list(table.rows) == [Row(3, ["Isakov", "Ashgabat"])]


def test_row_numbers_are_the_ones_the_user_sees_counting_the_header_and_blank_rows():
    text = 'Name,Summary\nIsakov,"two\nlines"\n\n,\nElkina,x\n'
    table = read_table(text.encode(), "c.csv")
    assert list(table.rows) == [Row(2, ["Isakov", "two\nlines"]), Row(5, ["Elkina", "x"])]


def test_short_rows_are_padded_and_cells_beyond_the_headers_reported():
    text = "Name,Place\nIsakov\nElkina,Dashoguz,extra\n"
    table = read_table(text.encode(), "c.csv")
    assert rows(table) == [["Isakov", ""], ["Elkina", "Dashoguz"]]
    assert any("Row 3" in w and "right of the last column" in w for w in table.warnings)


def test_formula_like_text_is_kept_as_data():
    text = 'Name,Link\nIsakov,"=HYPERLINK(""http://x"",""y"")"\n'
    assert rows(read_table(text.encode(), "c.csv")) == [["Isakov", '=HYPERLINK("http://x","y")']]


def test_more_rows_than_allowed_stop_the_reading_with_a_message():
    text = "Name\n" + "".join(f"P{i}\n" for i in range(11))
    table = read_table(text.encode(), "c.csv", max_rows=10)
    with pytest.raises(ReadError, match="more than 10 rows"):
        list(table.rows)
    assert len(list(read_table(text.encode(), "c.csv", max_rows=11).rows)) == 11


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\n\n ,\n", "no rows"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"old Excel file \(.xls\)"),
        (b"Name\x00,Place\n", "zero bytes"),
        (b"Name\n" + b'"' + b"x" * 200_000 + b'"\n', "longer than"),
    ],
)
def test_unreadable_files_get_one_clear_line(data, message):
    with pytest.raises(ReadError, match=message):
        list(read_table(data, "cases.csv").rows)


def test_a_csv_named_xlsx_is_refused_by_name():
    with pytest.raises(ReadError, match=r"named cases.xlsx but is not"):
        read_table(b"Name\nIsakov\n", "cases.xlsx")


# --- XLSX ---------------------------------------------------------------------------------


def xlsx(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_values_read_as_a_person_would_type_them():
    book = Workbook()
    sheet = book.active
    sheet.title = "Cases"
    sheet.append(["ФИО", "Дата исчезновения", "Number", "Ratio", "Seen at", "Known"])
    # Spreadsheets hold local moments without a zone: naive, as openpyxl writes them.
    day, moment = dt.datetime(2021, 10, 20), dt.datetime(2021, 10, 20, 12, 43)  # noqa: DTZ001
    sheet.append(["Исаков Мурат", day, 12.0, 0.5, moment, True])
    table = read_table(xlsx(book), "cases.xlsx")
    assert table.sheet == "Cases"
    assert table.headers == ["ФИО", "Дата исчезновения", "Number", "Ratio", "Seen at", "Known"]
    assert rows(table) == [["Исаков Мурат", "2021-10-20", "12", "0.5", "2021-10-20 12:43", "TRUE"]]


def test_xlsx_formulas_give_their_saved_result_never_their_text():
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Link", "Sum"])
    sheet.append(["Isakov", '=HYPERLINK("http://evil.example","click")', "=1+1"])
    table = read_table(xlsx(book), "cases.xlsx")
    assert rows(table) == [["Isakov", "", ""]]
    list(table.rows)
    assert any("Cell B2 has a formula" in w for w in table.warnings)
    assert any("Cell C2 has a formula" in w for w in table.warnings)


def test_a_formula_quoted_by_habeass_own_export_reads_back_as_the_text_it_was():
    text = "Name,Place\nIsakov,'=HYPERLINK(\"http://x\")\n'Elkina,'ordinary quote\n"
    table = read_table(text.encode(), "c.csv")
    assert rows(table) == [
        ["Isakov", '=HYPERLINK("http://x")'],
        ["'Elkina", "'ordinary quote"],
    ]


def test_a_text_file_larger_than_any_import_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_BYTES", 1000)
    with pytest.raises(ReadError, match="larger than 0 MB: split it"):
        read_table(b"Name\n" + b"Isakov\n" * 200, "cases.csv")
