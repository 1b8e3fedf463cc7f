"""The import's pages keep a constant number of queries however many rows the file
has: the dry run of 3 rows and of 120 (refused rows, possible duplicates of people
already recorded, a page of the report at a time) cost the same."""

from __future__ import annotations

import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from habeas.cases import services as cases
from habeas.cases.models import Case
from habeas.lib.partialdate import PartialDate

HEADER = "Reference,Name,Date of birth,Country\n"
MAPPING = {
    "column_0": "reference",
    "column_1": "name",
    "column_2": "birth_date",
    "column_3": "country",
}


def _rows(n: int) -> str:
    """A third clean, a third refused (no name), a third possible duplicates."""
    lines = []
    for i in range(n):
        if i % 3 == 0:
            # Born in different years: never a repeat of each other (plan._InFile).
            lines.append(f"Q-{i},Person Number{i} Newcomer,{1900 + i // 3},TM")
        elif i % 3 == 1:
            lines.append(f"Q-{i},,1990,TM")
        else:
            lines.append(f"Q-{i},Isakov Recorded{i % 7},1990,TM")
    return HEADER + "\n".join(lines) + "\n"


def _walk(client, content: str) -> str:
    handle = io.BytesIO(content.encode())
    handle.name = "cases.csv"
    response = client.post("/import/", {"file": handle})
    upload_id = re.search(r"/import/([0-9a-f-]{36})/", response["Location"]).group(1)
    assert client.post(f"/import/{upload_id}/", MAPPING).status_code == 302
    return upload_id


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_dry_run_and_mapping_pages_do_not_grow_with_the_file(login, alice):
    for i in range(7):
        person = cases.person_create(
            name=f"Isakov Recorded{i}", birth_date=PartialDate.parse("1990"), by=alice
        )
        cases.case_create(reference=f"OLD-{i}", person=person, country="TM", by=alice)
    client = login(alice)
    counts = {}
    for n in (3, 120):
        upload_id = _walk(client, _rows(n))
        client.get(f"/import/{upload_id}/dry-run/")  # the first view also records the dry run
        page = client.get(f"/import/{upload_id}/dry-run/").content.decode()
        if n == 120:
            assert "Page 1 of 2" in page and "Isakov Recorded" in page  # the premise
        counts[n] = (
            _queries(client, f"/import/{upload_id}/"),
            _queries(client, f"/import/{upload_id}/dry-run/"),
            _queries(client, f"/import/{upload_id}/dry-run/?show=all&page=2"),
        )
    # The premise: the queries are counted (a page of the report reads the kept plan,
    # the session, the user and the upload: habeas.imports.kept).
    assert min(counts[3]) >= 3
    assert counts[120] == counts[3]


def test_the_result_page_lists_row_reference_and_name_in_constant_queries(login, alice):
    """Each case created is listed as row → reference → name: the row and the name come
    in the same query as the cases, not one query per case."""
    client = login(alice)
    counts = {}
    for n in (3, 45):
        # Two digits: "x11" would read as "x1" (doubled letters are one in the name keys),
        # a possible duplicate of row "x1" with the same birth date.
        body = HEADER + "".join(
            f"R{n}-{i},Zed{n}x{i:02d} Qu{n}y{i:02d},1990,TM\n" for i in range(n)
        )
        upload_id = _walk(client, body)
        client.get(f"/import/{upload_id}/dry-run/")
        done = client.post(f"/import/{upload_id}/import/", {"what": "all"})
        assert done.status_code == 302
        page = client.get(done["Location"]).content.decode()
        assert f"Zed{n}x{n - 1:02d} Qu{n}y{n - 1:02d}" in page  # the premise: every case listed
        counts[n] = _queries(client, done["Location"])
    assert counts[3] > 3
    assert counts[45] == counts[3]


def test_the_help_page_reads_nothing_but_the_session(login, alice):
    client = login(alice)
    assert _queries(client, "/import/help/") == _queries(client, "/import/")


def test_an_imported_case_page_says_where_it_came_from_in_constant_queries(login, alice):
    """The case page's "Imported from a file on … by …, row N" is one query, whether
    the case was imported or not."""
    person = cases.person_create(name="Typed In", by=alice)
    typed = cases.case_create(reference="TYPED-1", person=person, country="TM", by=alice)
    client = login(alice)
    upload_id = _walk(client, HEADER + "R-1,Zed Qu,1990,TM\n")
    client.get(f"/import/{upload_id}/dry-run/")
    assert client.post(f"/import/{upload_id}/import/", {"what": "all"}).status_code == 302
    imported = Case.objects.get(reference="R-1")
    page = client.get(imported.get_absolute_url()).content.decode()
    assert "Imported from a file on" in page and "row 2" in page
    assert "Imported from a file" not in client.get(typed.get_absolute_url()).content.decode()
    assert _queries(client, imported.get_absolute_url()) == _queries(
        client, typed.get_absolute_url()
    )
