"""XLSX and ODS workbooks as spreadsheet programs save them: merged cells, formulas, hidden
sheets, repeated rows. Each file is built here (openpyxl writes XLSX; an ODS is a zip of
a content.xml, written as LibreOffice writes it)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from habeas.imports.reading import ReadError, Row, read_table

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
HIDDEN_STYLE = (
    '<office:automatic-styles><style:style style:name="ta2" style:family="table">'
    '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
)


def ods(tables: str, *, styles: str = "", prolog: str = "") -> bytes:
    """An ODS file whose spreadsheet body is `tables` (table:table elements)."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f"<office:document-content {NAMESPACES}>{styles}"
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODS_MIME, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def cell(text: str = "", **attributes: str) -> str:
    attrs = "".join(
        f' {k.replace("__", ":").replace("_", "-")}="{v}"' for k, v in attributes.items()
    )
    body = f"<text:p>{text}</text:p>" if text else ""
    return f"<table:table-cell{attrs}>{body}</table:table-cell>"


def row(*cells: str, **attributes: str) -> str:
    attrs = "".join(
        f' {k.replace("__", ":").replace("_", "-")}="{v}"' for k, v in attributes.items()
    )
    return f"<table:table-row{attrs}>{''.join(cells)}</table:table-row>"


def sheet(name: str, *rows: str, style: str = "") -> str:
    styled = f' table:style-name="{style}"' if style else ""
    return f'<table:table table:name="{name}"{styled}>{"".join(rows)}</table:table>'


def xlsx(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows(table) -> list[list[str]]:
    return [r.cells for r in table.rows]


# --- XLSX ---------------------------------------------------------------------------------


def test_xlsx_merged_cells_keep_the_value_in_the_first_cell_and_warn():
    book = Workbook()
    ws = book.active
    ws.append(["ФИО", "Место"])
    ws.append(["Исаков Мурат", "Ашхабад"])
    ws.append(["Елкина Юлия", None])
    ws.merge_cells("B2:B3")
    table = read_table(xlsx(book), "cases.xlsx")
    assert rows(table) == [["Исаков Мурат", "Ашхабад"], ["Елкина Юлия", ""]]
    assert any("B2:B3 are merged" in w and "B2 only" in w for w in table.warnings)


def test_xlsx_hidden_sheets_are_skipped_with_a_warning():
    book = Workbook()
    secret = book.active
    secret.title = "Sources"
    secret.append(["Source", "Phone"])
    secret.append(["Ogulgerek", "+99365000000"])
    secret.sheet_state = "hidden"
    cases = book.create_sheet("Cases")
    cases.append(["Name"])
    cases.append(["Isakov"])
    table = read_table(xlsx(book), "cases.xlsx")
    assert (table.sheet, table.headers, rows(table)) == ("Cases", ["Name"], [["Isakov"]])
    assert any("hidden sheet “Sources”" in w for w in table.warnings)


def test_xlsx_other_visible_sheets_are_named_and_one_can_be_chosen():
    book = Workbook()
    book.active.title = "2021"
    book.active.append(["Name"])
    book.active.append(["Isakov"])
    other = book.create_sheet("2022")
    other.append(["Name"])
    other.append(["Elkina"])
    table = read_table(xlsx(book), "cases.xlsx")
    assert rows(table) == [["Isakov"]]
    assert any("“2022”" in w for w in table.warnings)
    assert rows(read_table(xlsx(book), "cases.xlsx", sheet="2022")) == [["Elkina"]]
    with pytest.raises(ReadError, match="no sheet named “2023”"):
        read_table(xlsx(book), "cases.xlsx", sheet="2023")


def test_xlsx_with_only_hidden_sheets_has_nothing_to_read():
    book = Workbook()
    book.active.append(["Name"])
    book.create_sheet("Other").append(["x"])
    for ws in book.worksheets:
        ws.sheet_state = "hidden"
    # openpyxl refuses to save a book with no visible sheet; the file format allows it.
    data = xlsx_with_states(book)
    with pytest.raises(ReadError, match="no visible sheet"):
        read_table(data, "cases.xlsx")


def xlsx_with_states(book: Workbook) -> bytes:
    states = [ws.sheet_state for ws in book.worksheets]
    for ws in book.worksheets:
        ws.sheet_state = "visible"
    data = xlsx(book)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = part.decode()
                for index, (ws, state) in enumerate(zip(book.worksheets, states, strict=True), 1):
                    text = text.replace(
                        f'name="{ws.title}" sheetId="{index}" state="visible"',
                        f'name="{ws.title}" sheetId="{index}" state="{state}"',
                    )
                assert text.count('state="hidden"') == states.count("hidden")
                part = text.encode()
            out.writestr(item, part)
    return buffer.getvalue()


def test_xlsx_a_cached_formula_result_is_read_not_the_formula():
    # A spreadsheet program saves both the formula and its result: rewrite the sheet as it would.
    book = Workbook()
    book.active.append(["Name", "Age"])
    book.active.append(["Isakov", "=2021-1990"])
    data = xlsx(book)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"<f>2021-1990</f><v></v>", b"<f>2021-1990</f><v>31</v>")
                assert b"<v>31</v>" in part
            out.writestr(item, part)
    table = read_table(buffer.getvalue(), "cases.xlsx")
    assert rows(table) == [["Isakov", "31"]]
    assert table.warnings == []


def test_xlsx_many_formulas_without_results_are_counted_not_listed_one_by_one():
    book = Workbook()
    book.active.append(["Name", "Sum"])
    for i in range(50):
        book.active.append([f"P{i}", "=1+1"])
    table = read_table(xlsx(book), "cases.xlsx")
    list(table.rows)
    assert len(table.warnings) == 21
    assert table.warnings[-1].startswith("30 more cells have formulas")


def test_a_damaged_xlsx_is_refused_in_one_line():
    data = xlsx(Workbook())
    with pytest.raises(ReadError, match="not a valid XLSX"):
        read_table(data[: len(data) // 2], "cases.xlsx")


# --- ODS ----------------------------------------------------------------------------------


def test_ods_values_as_a_person_types_them():
    data = ods(
        sheet(
            "Cases",
            row(cell("ФИО"), cell("Дата исчезновения"), cell("Number"), cell("Known")),
            row(
                cell('Исаков<text:s text:c="2"/>Мурат'),
                '<table:table-cell office:value-type="date" office:date-value="2021-10-20">'
                "<text:p>20.10.21</text:p></table:table-cell>",
                '<table:table-cell office:value-type="float" office:value="12">'
                "<text:p>12.00</text:p></table:table-cell>",
                '<table:table-cell office:value-type="boolean" office:boolean-value="true">'
                "<text:p>TRUE</text:p></table:table-cell>",
            ),
            row(cell("Елкина<text:line-break/>Ёлкина"), cell("октябрь 2021")),
        )
    )
    table = read_table(data, "cases.ods")
    assert table.sheet == "Cases"
    assert table.headers == ["ФИО", "Дата исчезновения", "Number", "Known"]
    assert list(table.rows) == [
        Row(2, ["Исаков  Мурат", "2021-10-20", "12", "TRUE"]),
        Row(3, ["Елкина\nЁлкина", "октябрь 2021", "", ""]),
    ]


def test_ods_repeated_rows_and_columns_are_counted_and_empty_ones_never_expanded():
    data = ods(
        sheet(
            "Cases",
            row(cell("Name"), cell(table__number_columns_repeated="3"), cell("Place")),
            row(cell(table__number_columns_repeated="16384"), table__number_rows_repeated="4"),
            row(cell("Isakov"), cell(table__number_columns_repeated="3"), cell("Mary")),
            row(cell("same"), cell("x", table__number_columns_repeated="2"),
                table__number_rows_repeated="2"),
            row(cell(table__number_columns_repeated="1024"), table__number_rows_repeated="1048000"),
        )
    )  # fmt: skip
    table = read_table(data, "cases.ods")
    assert table.headers == ["Name", "", "", "", "Place"]
    assert list(table.rows) == [
        Row(6, ["Isakov", "", "", "", "Mary"]),
        Row(7, ["same", "x", "x", "", ""]),
        Row(8, ["same", "x", "x", "", ""]),
    ]


def test_ods_hidden_sheets_are_skipped_with_a_warning():
    data = ods(
        sheet("Sources", row(cell("Source")), row(cell("Ogulgerek")), style="ta2")
        + sheet("Cases", row(cell("Name")), row(cell("Isakov"))),
        styles=HIDDEN_STYLE,
    )
    table = read_table(data, "cases.ods")
    assert (table.sheet, rows(table)) == ("Cases", [["Isakov"]])
    assert any("hidden sheet “Sources”" in w for w in table.warnings)


def test_ods_a_named_sheet_is_read():
    data = ods(
        sheet("A", row(cell("Name")), row(cell("x")))
        + sheet("B", row(cell("Name")), row(cell("y")))
    )
    assert rows(read_table(data, "cases.ods", sheet="B")) == [["y"]]
    with pytest.raises(ReadError, match="no sheet named “C”"):
        list(read_table(data, "cases.ods", sheet="C").rows)


def test_ods_merged_cells_and_formulas_without_results_are_reported():
    data = ods(
        sheet(
            "Cases",
            row(cell("Name"), cell("Place"), cell("Sum")),
            row(cell("Isakov"), cell("Ashgabat", table__number_rows_spanned="2"),
                cell(table__formula="of:=1+1")),
            row(cell("Elkina"), "<table:covered-table-cell/>",
                '<table:table-cell table:formula="of:=2+2" office:value-type="float" '
                'office:value="4"><text:p>4</text:p></table:table-cell>'),
        )
    )  # fmt: skip
    table = read_table(data, "cases.ods")
    assert rows(table) == [["Isakov", "Ashgabat", ""], ["Elkina", "", "4"]]
    assert any("B2:B3 are merged" in w for w in table.warnings)
    assert any("Cell C2 has a formula" in w for w in table.warnings)
    assert not any("C3" in w for w in table.warnings)


def test_an_ods_without_content_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODS_MIME)
    with pytest.raises(ReadError, match="not a valid ODS"):
        read_table(buffer.getvalue(), "cases.ods")


def test_a_damaged_ods_is_refused_in_one_line():
    data = ods(sheet("Cases", row(cell("Name")), row(cell("Isakov"))))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("mimetype", ODS_MIME)
        archive.writestr("content.xml", "<office:document-content><unclosed>")
    with pytest.raises(ReadError, match="damaged"):
        list(read_table(broken.getvalue(), "cases.ods").rows)
    assert rows(read_table(data, "whatever.bin")) == [["Isakov"]]


SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def as_excel_saves_it(data: bytes, *, date_style: bool = False) -> bytes:
    """The file as Excel writes it: strings in a shared table (openpyxl writes them inline),
    one of them in rich-text runs with a phonetic guide, CR escaped as _x000D_."""
    source = zipfile.ZipFile(io.BytesIO(data))
    strings: list[str] = []

    def shared(match: re.Match[bytes]) -> bytes:
        strings.append(match[2].decode())
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match[1], len(strings) - 1)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(
                    rb'<c r="(\w+)" t="inlineStr"><is><t>(.*?)</t></is></c>', shared, part
                )
            if item.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST}"/>'
                part = part.replace(b"</Types>", override.encode() + b"</Types>")
            out.writestr(item.filename, part)
        entries = []
        for text in strings:
            if text == "Исаков Мурат":
                entries.append(
                    "<si><r><t>Исаков </t></r><r><rPr><b/></rPr><t>Мурат</t></r>"
                    '<rPh sb="0" eb="1"><t>いさこふ</t></rPh></si>'
                )
            else:
                entries.append(f"<si><t>{text.replace(chr(13), '_x000D_')}</t></si>")
        out.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + "".join(entries) + "</sst>",
        )  # fmt: skip
    return buffer.getvalue()


def test_xlsx_shared_strings_as_excel_writes_them():
    book = Workbook()
    book.active.append(["ФИО", "Summary"])
    book.active.append(["Исаков Мурат", "Line one\rLine two"])
    table = read_table(as_excel_saves_it(xlsx(book)), "cases.xlsx")
    assert table.headers == ["ФИО", "Summary"]
    assert rows(table) == [["Исаков Мурат", "Line one\rLine two"]]


def test_xlsx_dates_numbers_and_errors_stored_as_excel_stores_them():
    book = Workbook()
    ws = book.active
    ws.append(["Name", "Born", "Phone", "Broken"])
    ws.append(["Isakov", dt.date(1990, 1, 2), 99365123456, "x"])
    data = xlsx(book)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(rb'<c r="D2" t="inlineStr"><is><t>x</t></is></c>',
                              b'<c r="D2" t="e"><v>#REF!</v></c>', part)  # fmt: skip
            out.writestr(item.filename, part)
    table = read_table(buffer.getvalue(), "cases.xlsx")
    assert rows(table) == [["Isakov", "1990-01-02", "99365123456", ""]]
    list(table.rows)
    assert any("Cell D2 holds the spreadsheet error #REF!" in w for w in table.warnings)
