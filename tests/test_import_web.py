"""A caseworker imports their organisation's spreadsheet through the web pages: the
file, its columns, a dry run that names every problem by row and column and asks
about possible duplicates, then the import, all or only the valid rows.

Only staff and administrators import; another user's upload, an expired one or a
made-up id is the 404 of a page that does not exist; bad files get a message on the
form, never a 500."""

from __future__ import annotations

import io
import re
import uuid

import openpyxl
import pytest
import time_machine
from django.test import Client

from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Case, Person
from habeas.imports.models import ImportBatch
from habeas.lib.partialdate import PartialDate
from tests.support.imports import (
    GOOD,
    HEADER,
    MAPPING,
    UPLOAD,
    _file,
    _text,
    _to_dry_run,
    _upload,
    _upload_id,
)

# --- The whole path -------------------------------------------------------------


def test_a_caseworker_imports_a_clean_file_and_sees_the_cases_created(client, alice):
    client.force_login(alice)
    start = client.get("/cases/")
    assert 'href="/import/"' in start.content.decode()  # where a caseworker looks

    form = client.get(UPLOAD)
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.content.decode()
    assert "csrfmiddlewaretoken" in form.content.decode()

    upload_id = _upload_id(_upload(client, GOOD))
    mapping = client.get(f"/import/{upload_id}/")
    page = mapping.content.decode()
    # Each column: its header and a few of its values, and a select pre-filled from the header.
    assert "Date of birth" in page and "1990-03-14" in page and "Мерет Ходжаев" in page
    assert re.search(r'<option value="name" selected>', page)

    response = client.post(f"/import/{upload_id}/", MAPPING)
    dry = client.get(response["Location"])
    assert dry.status_code == 200
    text = _text(dry)
    assert "Would be created 3" in text and "Refused 0" in text
    assert not Case.objects.filter(reference__startswith="IMP-").exists()  # a dry run

    done = client.post(f"/import/{upload_id}/import/", {"what": "all"})
    assert done.status_code == 302
    result = client.get(done["Location"])
    assert result.status_code == 200
    created = Case.objects.filter(reference__startswith="IMP-")
    assert created.count() == 3
    for case in created:
        assert case.get_absolute_url() in result.content.decode()
    assert Person.objects.filter(names__text="Мерет Ходжаев").exists()


def test_a_re_submitted_import_imports_nothing_twice_and_lands_on_the_result(client, alice):
    client.force_login(alice)
    upload_id = _to_dry_run(client, GOOD)
    first = client.post(f"/import/{upload_id}/import/", {"what": "all"})
    again = client.post(f"/import/{upload_id}/import/", {"what": "all"})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Case.objects.filter(reference__startswith="IMP-").count() == 3
    assert ImportBatch.objects.count() == 1
    # The steps before it, taken again, land there too.
    assert client.get(f"/import/{upload_id}/dry-run/")["Location"] == first["Location"]


def test_the_same_file_uploaded_again_is_already_imported(client, alice):
    client.force_login(alice)
    client.post(f"/import/{_to_dry_run(client, GOOD)}/import/", {"what": "all"})
    upload_id = _to_dry_run(client, GOOD)
    text = _text(client.get(f"/import/{upload_id}/dry-run/"))
    assert "Would be created 0" in text and "Already imported 3" in text


# --- Who may import --------------------------------------------------------------


def test_viewers_and_anonymous_visitors_get_no_import_page(client, vera):
    assert client.get(UPLOAD).status_code == 302  # to the login page
    client.force_login(vera)
    assert client.get(UPLOAD).status_code == 404
    assert _upload(client, GOOD).status_code == 404
    assert 'href="/import/"' not in client.get("/cases/").content.decode()


def test_another_users_upload_is_a_404_at_every_step(client, alice, charlie):
    client.force_login(alice)
    upload_id = _to_dry_run(client, GOOD)
    other = Client()
    other.force_login(charlie)
    for url in [f"/import/{upload_id}/", f"/import/{upload_id}/dry-run/"]:
        assert other.get(url).status_code == 404, url
        assert other.post(url, MAPPING).status_code == 404, url
    assert other.post(f"/import/{upload_id}/import/", {"what": "all"}).status_code == 404
    assert not Case.objects.filter(reference__startswith="IMP-").exists()
    # Nor can they read the result of alice's import.
    done = client.post(f"/import/{upload_id}/import/", {"what": "all"})
    assert other.get(done["Location"]).status_code == 404


def test_a_made_up_or_stale_upload_id_is_a_404(client, alice):
    client.force_login(alice)
    made_up = uuid.uuid4()
    for url in [f"/import/{made_up}/", f"/import/{made_up}/dry-run/"]:
        assert client.get(url).status_code == 404
    assert client.post(f"/import/{made_up}/import/", {"what": "all"}).status_code == 404
    assert client.get(f"/import/done/{made_up}/").status_code == 404
    assert client.get("/import/sample.exe").status_code == 404


def test_an_upload_left_for_more_than_a_day_is_gone(client, alice):
    client.force_login(alice)
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        upload_id = _to_dry_run(client, GOOD)
    with time_machine.travel("2026-03-02 09:01Z", tick=False):
        client.force_login(alice)  # the session of the day before has ended too
        for url in [f"/import/{upload_id}/", f"/import/{upload_id}/dry-run/"]:
            assert client.get(url).status_code == 404, url
        assert client.post(f"/import/{upload_id}/import/", {"what": "all"}).status_code == 404
    assert not Case.objects.filter(reference__startswith="IMP-").exists()


def test_the_dry_run_before_the_mapping_step_goes_back_to_it(client, alice):
    client.force_login(alice)
    upload_id = _upload_id(_upload(client, GOOD))
    response = client.get(f"/import/{upload_id}/dry-run/")
    assert response.status_code == 302 and response["Location"] == f"/import/{upload_id}/"
    commit = client.post(f"/import/{upload_id}/import/", {"what": "all"})
    assert commit.status_code == 302
    assert not Case.objects.filter(reference__startswith="IMP-").exists()


def test_every_form_needs_its_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(UPLOAD, {"file": _file(GOOD)}).status_code == 403


# --- Bad files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (HEADER, "headers.csv", "no rows"),
        (GOOD, "cases.txt", "Habeas reads CSV, XLSX and ODS files"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 40, "photo.csv", ""),
        (b"PK\x03\x04 not really a zip" * 10, "broken.xlsx", ""),
        (b"<?xml version='1.0'?><nope/>", "broken.ods", ""),
        (",".join(f"c{i}" for i in range(201)) + "\n" + "x," * 200 + "x\n", "wide.csv", "201"),
    ],
    ids=[
        "empty",
        "headers-only",
        "wrong-kind",
        "binary-as-csv",
        "broken-xlsx",
        "broken-ods",
        "too-wide",
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_on_the_form(
    client, alice, content, name, message
):
    client.force_login(alice)
    response = _upload(client, content, name)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="errorlist' in page and message in _text(response)
    assert "enctype" in page  # the form again, to pick another file


def test_a_file_over_the_upload_limit_is_refused_with_the_limit(client, alice, settings):
    settings.HABEAS_EVIDENCE_MAX_BYTES = 200
    client.force_login(alice)
    response = _upload(client, GOOD * 10)
    assert response.status_code == 400
    assert "larger than the limit of 200 bytes" in _text(response)


def test_an_xlsx_file_goes_through_like_a_csv(client, alice):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    client.force_login(alice)
    upload_id = _to_dry_run(client, out.getvalue(), name="cases.xlsx")
    assert "Would be created 3" in _text(client.get(f"/import/{upload_id}/dry-run/"))


# --- Mapping ------------------------------------------------------------------------


def test_a_field_chosen_for_two_columns_is_refused_on_both_with_the_choices_kept(client, alice):
    client.force_login(alice)
    upload_id = _upload_id(_upload(client, GOOD))
    twice = {**MAPPING, "column_3": "birth_date"}
    response = client.post(f"/import/{upload_id}/", twice)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("is chosen for 2 columns") == 2
    # What the user chose is still chosen, on every column.
    for index, key in twice.items():
        select = re.search(rf'<select name="{index}".*?</select>', page, re.S).group(0)
        assert f'<option value="{key}" selected>' in select, index


def test_a_mapping_without_the_name_is_refused_with_the_choices_kept(client, alice):
    client.force_login(alice)
    upload_id = _upload_id(_upload(client, GOOD))
    response = client.post(f"/import/{upload_id}/", {**MAPPING, "column_1": ""})
    assert response.status_code == 400
    assert "Choose the column that holds: Name." in _text(response)
    assert '<option value="birth_date" selected>' in response.content.decode()


def test_russian_headers_are_mapped_by_themselves(client, alice):
    client.force_login(alice)
    content = "Номер дела,ФИО,Дата рождения,Дата исчезновения\nR-1,Азат Исаков,1990,2021-10\n"
    upload_id = _upload_id(_upload(client, content))
    page = client.get(f"/import/{upload_id}/").content.decode()
    assert re.search(r'<select name="column_1".*?<option value="name" selected>', page, re.S)
    assert re.search(
        r'<select name="column_2"[^>]*>(?:(?!</select>).)*<option value="birth_date" selected>',
        page,
        re.S,
    )


def test_a_saved_mapping_is_offered_for_the_next_file_with_its_columns_moved(client, alice):
    client.force_login(alice)
    upload_id = _upload_id(_upload(client, GOOD))
    custom = {
        "column_0": "external_id",
        "column_1": "name",
        "column_2": "",
        "column_3": "disappeared_on",
        "column_4": "country",
        "save_as": "Memorial list 2020",
    }
    client.post(f"/import/{upload_id}/", custom)

    moved = "Country,Name,Reference\nTM,Azat Isakov,IMP-9\n"
    next_id = _upload_id(_upload(client, moved))
    page = client.get(f"/import/{next_id}/").content.decode()
    assert "Memorial list 2020" in page
    saved = re.search(r'<option value="([0-9a-f-]{36})">Memorial list 2020', page).group(1)
    picked = client.get(f"/import/{next_id}/", {"saved": saved}).content.decode()
    for column, key in [(0, "country"), (1, "name"), (2, "external_id")]:
        select = re.search(rf'<select name="column_{column}".*?</select>', picked, re.S).group(0)
        assert f'<option value="{key}" selected>' in select, column


def test_a_colleagues_saved_mapping_is_not_replaced_from_the_page(client, alice, charlie):
    custom = {
        "column_0": "external_id",
        "column_1": "name",
        "column_2": "",
        "column_3": "disappeared_on",
        "column_4": "country",
        "save_as": "Memorial list 2020",
    }
    client.force_login(alice)
    client.post(f"/import/{_upload_id(_upload(client, GOOD))}/", custom)
    client.force_login(charlie)
    upload_id = _upload_id(_upload(client, GOOD))
    response = client.post(f"/import/{upload_id}/", {**custom, "column_2": "summary"})
    assert response.status_code == 400
    assert "saved by someone else" in _text(response)
    assert 'value="Memorial list 2020"' in response.content.decode()  # kept, to rename


# --- Dry run ------------------------------------------------------------------------

BAD = HEADER + (
    "IMP-1,Azat Isakov,1990-03-14,2021-10-20,TM\n"
    "IMP-2,,1985,2022-01,TM\n"
    "IMP-3,Guljan Annaeva,14 Smarch 1990,2020-05-03,TM\n"
)


def test_the_dry_run_names_the_row_and_column_of_each_problem(client, alice):
    client.force_login(alice)
    upload_id = _to_dry_run(client, BAD)
    response = client.get(f"/import/{upload_id}/dry-run/")
    text = _text(response)
    assert "Would be created 1" in text and "Refused 2" in text
    assert re.search(r"Row 3: refused .*Column “Name”", text)
    assert re.search(r"Row 4: refused .*Column “Date of birth”", text)
    assert "Row 2:" not in text  # a good row is counted, not listed among the problems
    # Importing the whole file is not offered; the valid rows are, as a choice.
    assert 'value="all"' not in response.content.decode()
    assert 'value="valid"' in response.content.decode()


def test_a_file_with_problems_imports_nothing_unless_the_valid_rows_are_chosen(client, alice):
    client.force_login(alice)
    upload_id = _to_dry_run(client, BAD)
    refused = client.post(f"/import/{upload_id}/import/", {"what": "all"}, follow=True)
    assert refused.status_code == 200
    assert not Case.objects.filter(reference__startswith="IMP-").exists()
    assert refused.redirect_chain[-1][0] == f"/import/{upload_id}/dry-run/"

    client.post(f"/import/{upload_id}/import/", {"what": "valid"})
    assert list(
        Case.objects.filter(reference__startswith="IMP-").values_list("reference", flat=True)
    ) == ["IMP-1"]


def test_a_dry_run_is_audited_once_per_mapping_not_per_page(client, alice):
    client.force_login(alice)
    upload_id = _to_dry_run(client, BAD)
    for page in (1, 1, 2):
        client.get(f"/import/{upload_id}/dry-run/", {"page": page, "show": "all"})
    runs = AuditEntry.objects.filter(action="import.dry_run")
    assert runs.count() == 1
    client.post(f"/import/{upload_id}/", MAPPING)  # the columns again: another dry run
    client.get(f"/import/{upload_id}/dry-run/")
    assert runs.count() == 2


def test_a_hundred_and_twenty_refused_rows_come_a_page_at_a_time(client, alice):
    client.force_login(alice)
    rows = "".join(f"R-{i},,1990,2021,TM\n" for i in range(120))
    upload_id = _to_dry_run(client, HEADER + rows)
    first = _text(client.get(f"/import/{upload_id}/dry-run/"))
    assert "Refused 120" in first and "Page 1 of 3" in first
    assert first.count("Row ") == 50
    last = _text(client.get(f"/import/{upload_id}/dry-run/", {"page": 3}))
    assert last.count("Row ") == 20 and "Row 121:" in last
    # Nonsense in the query string is the first page, not an error.
    assert (
        client.get(f"/import/{upload_id}/dry-run/", {"page": "x", "show": "y"}).status_code == 200
    )


@pytest.fixture
def rustam(alice):
    """Someone alice already recorded, in Cyrillic."""
    person = cases.person_create(
        name="Рустам Исаков", birth_date=PartialDate.parse("1990-03-14"), by=alice
    )
    cases.case_create(
        reference="TM-OLD-1",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20"),
        by=alice,
    )
    return person


DUPLICATE = HEADER + "IMP-7,Rustam Isakov,1990-03-14,2021-10-20,TM\n"


def test_a_possible_duplicate_shows_the_person_and_asks_what_to_do(client, alice, rustam):
    client.force_login(alice)
    upload_id = _to_dry_run(client, DUPLICATE)
    response = client.get(f"/import/{upload_id}/dry-run/")
    text = _text(response)
    assert "Possible duplicates 1" in text and "1 still to decide" in text
    assert "Рустам Исаков" in text and "TM-OLD-1" in text
    assert f'href="{rustam.cases.get().get_absolute_url()}"' in response.content.decode()
    page = response.content.decode()
    for choice in ["new", "skip", f"same:{rustam.public_id}"]:
        assert f'value="{choice}"' in page
    # Undecided, the whole file is not imported: nothing is, and the page says why.
    refused = client.post(f"/import/{upload_id}/import/", {"what": "all"}, follow=True)
    assert "Decide first on each possible duplicate (1 left)" in _text(refused)
    assert not ImportBatch.objects.exists()

    # "The same person": the new case is opened for the person already recorded.
    kept = client.post(f"/import/{upload_id}/dry-run/", {"row_2": f"same:{rustam.public_id}"})
    assert kept.status_code == 302
    assert "0 still to decide" in _text(client.get(f"/import/{upload_id}/dry-run/"))
    client.post(f"/import/{upload_id}/import/", {"what": "all"})
    assert Case.objects.get(reference="IMP-7").people.get() == rustam


def test_a_decision_that_is_not_offered_is_refused_with_the_input_kept(client, alice, rustam):
    client.force_login(alice)
    upload_id = _to_dry_run(client, DUPLICATE)
    forged = client.post(f"/import/{upload_id}/dry-run/", {"row_2": f"same:{uuid.uuid4()}"})
    assert forged.status_code == 400
    assert "errorlist" in forged.content.decode()


def test_a_possible_duplicate_the_user_may_not_see_is_not_shown(client, alice, charlie, rustam):
    """Charlie's file names someone on alice's case: he must not learn of that case."""
    client.force_login(charlie)
    upload_id = _to_dry_run(client, DUPLICATE)
    text = _text(client.get(f"/import/{upload_id}/dry-run/"))
    assert "TM-OLD-1" not in text and "Рустам Исаков" not in text
