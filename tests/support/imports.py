"""The import pages driven as a caseworker does: upload a file, map its columns,
reach the dry run (tests/test_import_web*.py)."""

from __future__ import annotations

import io
import re

UPLOAD = "/import/"
HEADER = "Reference,Name,Date of birth,Disappeared on,Country\n"
GOOD = HEADER + (
    "IMP-1,Azat Isakov,1990-03-14,2021-10-20,TM\n"
    "IMP-2,Мерет Ходжаев,1985,2022-01,TM\n"
    "IMP-3,Guljan Annaeva,,2020-05-03,TM\n"
)
MAPPING = {
    "column_0": "reference",
    "column_1": "name",
    "column_2": "birth_date",
    "column_3": "disappeared_on",
    "column_4": "country",
}


def _file(content: bytes | str, name: str = "cases.csv") -> io.BytesIO:
    handle = io.BytesIO(content.encode() if isinstance(content, str) else content)
    handle.name = name
    return handle


def _upload(client, content: bytes | str, name: str = "cases.csv"):
    return client.post(UPLOAD, {"file": _file(content, name)})


def _upload_id(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return re.search(r"/import/([0-9a-f-]{36})/", response["Location"]).group(1)


def _to_dry_run(client, content: bytes | str, mapping: dict | None = None, name="cases.csv"):
    upload_id = _upload_id(_upload(client, content, name))
    response = client.post(f"/import/{upload_id}/", mapping or MAPPING)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/import/{upload_id}/dry-run/"
    return upload_id


def _text(response) -> str:
    """The page's text, tags dropped and spaces collapsed, to read as the user does."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
