"""Files built to hurt the server: zip bombs, XML entities, odd compression. Each is refused
with one readable line, before it is unpacked."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from habeas.imports.reading import ReadError, read_table, zipguard

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
CONTENT = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
    '<office:spreadsheet><table:table table:name="Cases">'
    "<table:table-row><table:table-cell><text:p>Name</text:p></table:table-cell>"
    "</table:table-row><table:table-row><table:table-cell><text:p>{cell}</text:p>"
    "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
    "</office:document-content>"
)


def zipped(parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODS_MIME, compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def test_a_plain_ods_reads():
    table = read_table(zipped({"content.xml": CONTENT.format(cell="Isakov")}), "c.ods")
    assert [r.cells for r in table.rows] == [["Isakov"]]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    # 64 MB of one repeated row compresses about a thousand times: no spreadsheet does that.
    bomb = CONTENT.format(cell="x" * 64 * 1024 * 1024)
    data = zipped({"content.xml": bomb})
    assert len(data) < 1024 * 1024
    with pytest.raises(ReadError, match="possible attack"):
        read_table(data, "cases.ods")


def test_a_zip_bomb_named_xlsx_is_refused_too():
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, source.read(item.filename))
        archive.writestr("xl/media/padding.xml", b"\0" * 32 * 1024 * 1024)
    with pytest.raises(ReadError, match="possible attack"):
        read_table(out.getvalue(), "cases.xlsx")


def test_parts_larger_than_a_spreadsheet_holds_are_refused(monkeypatch):
    # The real limits are hundreds of megabytes; lowered, an ordinary file crosses them.
    data = zipped({"content.xml": CONTENT.format(cell="Isakov" * 1000)})
    monkeypatch.setattr(zipguard, "MAX_PART", 2000)
    with pytest.raises(ReadError, match="possible attack"):
        read_table(data, "cases.ods")
    monkeypatch.setattr(zipguard, "MAX_PART", 10**9)
    monkeypatch.setattr(zipguard, "MAX_TOTAL", 2000)
    with pytest.raises(ReadError, match="possible attack"):
        read_table(data, "cases.ods")


@pytest.mark.parametrize("compression", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_compression_spreadsheet_programs_never_use_is_refused(compression):
    data = zipped({"content.xml": CONTENT.format(cell="Isakov")}, compression)
    with pytest.raises(ReadError, match="compressed in a way"):
        read_table(data, "cases.ods")


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(("prolog", "cell"), [(BILLION_LAUGHS, "&lol3;"), (EXTERNAL, "&xxe;")])
def test_xml_entities_in_an_ods_are_refused(prolog, cell):
    data = zipped({"content.xml": prolog + CONTENT.format(cell=cell)})
    with pytest.raises(ReadError, match="possible attack") as caught:
        list(read_table(data, "cases.ods").rows)
    assert "root:" not in str(caught.value)


def test_a_dtd_without_entities_is_refused_too():
    dtd = '<!DOCTYPE x SYSTEM "http://evil.example/x.dtd">'
    data = zipped({"content.xml": dtd + CONTENT.format(cell="a")})
    with pytest.raises(ReadError, match="possible attack"):
        list(read_table(data, "cases.ods").rows)


def xlsx_with(part_name: str, change) -> bytes:
    book = Workbook()
    book.active.append(["Name"])
    book.active.append(["Isakov"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            part = source.read(item.filename)
            archive.writestr(item.filename, change(part) if item.filename == part_name else part)
    return out.getvalue()


def test_xml_entities_in_an_xlsx_sheet_are_refused():
    data = xlsx_with("xl/worksheets/sheet1.xml", lambda part: EXTERNAL.encode() + part)
    with pytest.raises(ReadError, match="possible attack"):
        list(read_table(data, "cases.xlsx").rows)


def test_an_external_entity_in_the_xlsx_workbook_never_reads_a_server_file():
    def name_the_sheet_after_the_passwd_file(part: bytes) -> bytes:
        return EXTERNAL.encode() + part.replace(b'name="Sheet"', b'name="&xxe;"')

    data = xlsx_with("xl/workbook.xml", name_the_sheet_after_the_passwd_file)
    try:
        table = read_table(data, "cases.xlsx")
        seen = [table.sheet, *table.headers, *(c for r in table.rows for c in r.cells)]
    except ReadError as exc:
        seen = [str(exc)]
    assert not any("root:" in text for text in seen)


def test_a_password_protected_zip_is_refused():
    data = bytearray(zipped({"content.xml": CONTENT.format(cell="a")}))
    # Set the "encrypted" flag in the central directory, as an encrypting zip tool does.
    at = data.find(b"PK\x01\x02", 0)
    while at != -1:
        data[at + 8] |= 0x1
        at = data.find(b"PK\x01\x02", at + 4)
    with pytest.raises(ReadError, match="password"):
        read_table(bytes(data), "cases.ods")


def test_not_a_zip_at_all_with_a_zip_signature_is_refused():
    with pytest.raises(ReadError, match="not a valid XLSX"):
        read_table(b"PK\x03\x04" + b"\x00" * 200, "cases.xlsx")


def test_an_ods_run_of_a_billion_spaces_is_refused_before_it_is_made():
    # 600 bytes on disk, 1 GB in memory if `text:s text:c` were expanded as written.
    data = zipped({"content.xml": CONTENT.format(cell='a<text:s text:c="1000000000"/>b')})
    assert len(data) < 1000
    started, peak = time.monotonic(), tracemalloc.start()
    try:
        with pytest.raises(ReadError, match="Row 2 has a cell longer than 100000 characters"):
            list(read_table(data, "cases.ods").rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 1
    assert peak < 10 * 1024 * 1024


def test_ods_spaces_runs_add_up_in_one_cell():
    runs = '<text:s text:c="60000"/>' * 2
    data = zipped({"content.xml": CONTENT.format(cell=f"a{runs}b")})
    with pytest.raises(ReadError, match="longer than 100000"):
        list(read_table(data, "cases.ods").rows)
    spaces = zipped({"content.xml": CONTENT.format(cell='a<text:s text:c="3"/>b')})
    assert [r.cells for r in read_table(spaces, "cases.ods").rows] == [["a   b"]]


def test_a_long_ods_or_xlsx_cell_is_refused_as_a_long_csv_cell_is():
    text = "x" * 100_001
    ods = zipped({"content.xml": CONTENT.format(cell=text)})
    with pytest.raises(ReadError, match="Row 2 has a cell longer than 100000"):
        list(read_table(ods, "cases.ods").rows)
    inline = xlsx_with(
        "xl/worksheets/sheet1.xml",
        lambda part: part.replace(
            b"</sheetData>",
            b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + text.encode() + b"</t></is></c></row>"
            b"</sheetData>",
        ),
    )
    with pytest.raises(ReadError, match="Row 3 has a cell longer than 100000"):
        list(read_table(inline, "cases.xlsx").rows)
    just = zipped({"content.xml": CONTENT.format(cell="x" * 100_000)})
    assert [len(r.cells[0]) for r in read_table(just, "cases.ods").rows] == [100_000]


def test_a_csv_row_wider_than_any_table_is_cut_and_reported():
    data = ("Name\n" + "Isakov" + ",x" * 5000 + "\n").encode()
    table = read_table(data, "cases.csv")
    assert [r.cells for r in table.rows] == [["Isakov"]]
    assert any("to the right of the last column" in w for w in table.warnings)
    wide = ",".join(f"h{i}" for i in range(5000)) + "\n" + "x\n"
    assert len(read_table(wide.encode(), "cases.csv").headers) == 1001  # 1000 and "…"
