"""Rows of one file that are the same person (the user replay's finding 6): two rows
with one external id are refused, the second naming the first; two rows whose names
match by the cross-script name keys, with the same birth or disappearance date, are a
possible duplicate of the first, decided like a duplicate of someone recorded: a new
person, the same person (the one the first row becomes), or skip (the default).

Rules: habeas/imports/plan.py (`_InFile`, the external id check in
import_plan_build), habeas/imports/services.py (`same:row:N`), docs/import.md."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from habeas.cases.models import Case, Person
from habeas.imports import selectors, services
from tests.support.import_tables import mapping_of, table
from tests.support.imports import _text, _to_dry_run

HEADERS = ["external_id", "name", "birth_date", "disappeared_on", "country"]


def _plan(user, *rows: list[str], headers: list[str] = HEADERS):
    return selectors.import_plan(
        table=table(headers, *rows), mapping=mapping_of(headers), user=user
    )


def test_a_second_row_with_the_same_external_id_is_refused_naming_the_first(alice):
    plan = _plan(
        alice,
        ["17", "Azat Isakov", "1985", "2021", "TM"],
        ["18", "Merdan Gurbanow", "", "2020", "TM"],
        ["17", "Someone Else", "", "2019", "TM"],
    )
    assert [row.action for row in plan.rows] == ["create", "create", "refused"]
    assert plan.rows[2].problems == [
        ("external_id", "Row 2 has this external id too: give each row its own.")
    ]


def test_rows_naming_the_same_person_with_the_same_date_are_a_possible_duplicate(alice):
    plan = _plan(
        alice,
        ["", "Azat Isakov", "14.03.1985", "20.10.2021", "TM"],
        ["", "Guljan Annaeva", "", "2020", "TM"],
        # Cyrillic, the same birth date: the name keys read across scripts.
        ["", "Исаков Азат", "14.03.1985", "2019", "TM"],
        # Same disappearance date, another spelling.
        ["", "Azat Isakow", "", "20.10.2021", "TM"],
        # The same name, but no date in common: two people may share a name.
        ["", "Azat Isakov", "1990", "2015", "TM"],
    )
    actions = {row.number: row.action for row in plan.rows}
    assert actions == {2: "create", 3: "create", 4: "duplicate", 5: "duplicate", 6: "create"}
    [candidate] = plan.rows[2].candidates
    assert candidate.public_id == "row:2" and candidate.row == 2
    assert candidate.name == "Azat Isakov"
    assert "possible duplicate of row 2" in candidate.reasons
    assert "birth date matches" in candidate.reasons
    assert "disappearance date matches" in plan.rows[3].candidates[0].reasons
    assert plan.counts == {"create": 3, "refused": 0, "duplicate": 2, "already": 0}


def test_an_in_file_duplicate_is_skipped_by_default_new_or_the_same_person_on_request(alice):
    rows = [
        ["", "Azat Isakov", "14.03.1985", "20.10.2021", "TM"],
        ["", "Исаков Азат", "14.03.1985", "2022", "TM"],
    ]
    plan = _plan(alice, *rows)
    batch = services.import_commit(plan=plan, by=alice, file_sha256="a" * 64)
    assert (batch.created, batch.skipped) == (1, 1)
    assert Case.objects.count() == 1
    Case.objects.all().delete()
    Person.objects.all().delete()

    plan = _plan(alice, *rows)
    services.import_commit(plan=plan, by=alice, file_sha256="b" * 64, decisions={3: "new"})
    assert Person.objects.count() == 2
    Case.objects.all().delete()
    Person.objects.all().delete()

    plan = _plan(alice, *rows)
    batch = services.import_commit(
        plan=plan, by=alice, file_sha256="c" * 64, decisions={3: "same:row:2"}
    )
    assert (batch.created, batch.linked) == (1, 1)
    person = Person.objects.get()
    assert person.cases.count() == 2
    assert set(person.names.values_list("text", flat=True)) == {"Azat Isakov", "Исаков Азат"}


def test_the_same_person_as_a_row_that_is_not_imported_is_refused(alice):
    plan = _plan(
        alice,
        ["", "Azat Isakov", "14.03.1985", "20.10.2021", "TM"],
        ["", "Исаков Азат", "14.03.1985", "2022", "TM"],
    )
    with pytest.raises(ValidationError, match="Row 3 is to be the same person as row 2"):
        services.import_commit(
            plan=plan, by=alice, file_sha256="d" * 64, decisions={2: "skip", 3: "same:row:2"}
        )
    assert not Case.objects.exists()
    # A row number the plan did not offer is a forged choice.
    plan = _plan(alice, ["", "Azat Isakov", "1985", "2021", "TM"])
    with pytest.raises(ValidationError):
        services.import_commit(
            plan=plan, by=alice, file_sha256="e" * 64, decisions={2: "same:row:1"}
        )


def test_the_command_reports_and_skips_a_repeated_row(alice, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "№,ФИО,Дата рождения,Дата исчезновения,Страна\n"
        "1,Азат Исаков,14.03.1985,20.10.2021,TM\n"
        "2,Azat Isakov,14.03.1985,20.10.2021,TM\n"
        "1,Мерет Ходжаев,1985,2022,TM\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import", "cases", str(path), "--as", "alice", "--dry-run", stdout=out)
    report = out.getvalue()
    assert "row 3: " in report and "possible duplicate of row 2 of this file" in report
    assert "row 4: refused: №: Row 2 has this external id too" in report
    assert "1 possible duplicates" in report and "1 refused" in report
    out = StringIO()
    call_command("import", "cases", str(path), "--as", "alice", "--valid-rows-only", stdout=out)
    assert "1 new cases" in out.getvalue() and "1 skipped" in out.getvalue()


def test_the_dry_run_page_offers_the_choices_for_a_repeated_row(client, alice):
    client.force_login(alice)
    content = (
        "Name,Date of birth,Disappeared on,Country\n"
        "Azat Isakov,14.03.1985,20.10.2021,TM\n"
        "Исаков Азат,14.03.1985,2022,TM\n"
    )
    mapping = {
        "column_0": "name",
        "column_1": "birth_date",
        "column_2": "disappeared_on",
        "column_3": "country",
    }
    upload_id = _to_dry_run(client, content, mapping)
    page = client.get(f"/import/{upload_id}/dry-run/")
    text = _text(page)
    assert "Would be created 1" in text and "Possible duplicates 1" in text
    assert "Row 3: possible duplicate of row 2" in text
    assert "The same person as Azat Isakov (row 2 of this file)" in text
    assert 'value="same:row:2"' in page.content.decode()
    kept = client.post(f"/import/{upload_id}/dry-run/", {"row_3": "same:row:2"})
    assert kept.status_code == 302
    assert client.post(f"/import/{upload_id}/import/", {"what": "all"}).status_code == 302
    assert Person.objects.get().cases.count() == 2
