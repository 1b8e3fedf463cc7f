"""A spreadsheet's status column becomes an attributed, dated status assertion: the
one status_assert records (tests/test_import_engine_equal.py holds the bulk writer to
it), dated from the file's status date, never from the day of the import, resting on
the file (its SHA-256, its row: never its name). A released or dead person's case is
closed and raises none of the alerts a missing person's case raises (the user
replay's finding 3: until then every imported case started as "reported missing").

Rules: habeas/imports/plan.py (`status_planned`), docs/import.md ("Status")."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from habeas.alerts.models import Alert, Rule
from habeas.alerts.watcher import watch_pass
from habeas.cases.models import Case, Status, StatusAssertion
from habeas.imports import columns, selectors
from tests.support.import_tables import mapping_of, table
from tests.support.imports import _text, _to_dry_run

TODAY = datetime(2026, 12, 7, 6, 35, tzinfo=UTC)

CSV = (
    "Reference,ФИО,Country,Дата исчезновения,Статус,Дата статуса\n"
    "R-1,Мурад Атаев,TM,март 2018,освобождён,12.05.2019\n"
    "R-2,Ogulsapar Muradowa,TM,18.06.2006,found dead,2006\n"
    "R-3,Бахтияр Аманов,TM,около 2002,пропал,\n"
    "R-4,Azat Isakov,TM,2011,закрыто,2014\n"
    "R-5,Guljan Annaeva,TM,10.01.2020,местонахождение установлено,1 March 2020\n"
    "R-6,Dilshod Nurov,TM,2015,,\n"
)


def _import(tmp_path, content: str = CSV, *args: str) -> str:
    path = tmp_path / "old-cases.csv"
    path.write_bytes(content.encode())
    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("import", "cases", str(path), "--as", "alice", *args, stdout=out)
    return out.getvalue()


def _status(reference: str) -> tuple[str, list[tuple[str, date]]]:
    case = Case.objects.get(reference=reference)
    return case.current_status, [
        (s.status, s.asserted_on) for s in StatusAssertion.objects.filter(case=case)
    ]


def test_the_status_column_becomes_a_dated_attributed_assertion(alice, tmp_path):
    _import(tmp_path)
    sha = hashlib.sha256(CSV.encode()).hexdigest()
    assert _status("R-1") == (
        Status.RELEASED,
        [(Status.RELEASED, date(2019, 5, 12)), (Status.REPORTED_MISSING, date(2018, 3, 1))],
    )
    # "2006": the latest day it can mean, never the import day.
    assert _status("R-2")[0] == Status.DEAD
    assert _status("R-2")[1][0] == (Status.DEAD, date(2006, 12, 31))
    # Still missing: only the opening status.
    assert _status("R-3") == (
        Status.REPORTED_MISSING,
        [(Status.REPORTED_MISSING, date(2002, 1, 1))],
    )
    assert _status("R-4")[0] == Status.CLOSED
    assert _status("R-5")[0] == Status.WHEREABOUTS_CONFIRMED
    assert _status("R-6")[0] == Status.REPORTED_MISSING
    released = Case.objects.get(reference="R-1")
    assert not released.is_open and Case.objects.get(reference="R-5").is_open
    assertion = released.statuses.get(status=Status.RELEASED)
    assert assertion.asserted_by == alice
    assert assertion.basis == (
        f"Imported from a file (SHA-256 {sha[:12]}…), row 2, which dates it 12 May 2019."
    )
    assert "old-cases" not in assertion.basis
    closed = Case.objects.get(reference="R-4").statuses.get(status=Status.CLOSED)
    assert closed.closed_reason
    # Silence counts from what the status says, as of its own date: news of 2019.
    assert released.last_info_at == datetime(2019, 5, 13, tzinfo=UTC)
    # Re-importing the same file adds nothing.
    _import(tmp_path)
    assert Case.objects.count() == 6
    assert StatusAssertion.objects.count() == 6 + 4


def test_the_status_date_column_is_found_by_its_english_and_russian_headers():
    found = columns.suggest_mapping(
        ["ФИО", "Статус", "Дата статуса", "Status as of", "status date", "Status"]
    )
    assert found[1] == "status" and found[2] == "status_date"
    assert columns.suggest_mapping(["Name", "Status", "Status as of"])[2] == "status_date"
    assert columns.suggest_mapping(["Name", "Status", "Status date"])[2] == "status_date"


@pytest.mark.parametrize(
    ("status", "on", "column", "message"),
    [
        ("released", "", "Status", "A status of released needs the date it became known"),
        ("погиб", "", "Status", "A status of dead needs the date it became known"),
        ("escaped", "2019", "Status", "“escaped” is not a status Habeas knows. Write one of: "),
        ("", "2019", "Status date", "This date has no status"),
        ("released", "2017", "Status date", "This is before the disappearance (Mar 2018)"),
        ("released", "2030", "Status date", "2030 is in the future."),
        ("released", "32.13.2019", "Status date", "32.13.2019"),
    ],
)
def test_a_status_that_cannot_be_asserted_is_refused_on_its_row_and_column(
    alice, status, on, column, message
):
    headers = ["name", "country", "disappeared_on", "status", "status_date"]
    plan = selectors.import_plan(
        table=table(
            ["Name", "Country", "Disappeared", "Status", "Status date"],
            ["Ok Person", "TM", "March 2018", "", ""],
            ["Azat Isakov", "TM", "March 2018", status, on],
        ),
        mapping=mapping_of(headers),
        user=alice,
    )
    assert plan.rows[0].action == "create"
    row = plan.rows[1]
    assert row.action == "refused"
    assert any(c == column and message in m for c, m in row.problems), row.problems
    if "not a status" in message:  # the accepted words are named
        assert "Released" in row.problems[0][1] and "Dead" in row.problems[0][1]


def test_a_later_status_needs_the_disappearance_date_it_would_otherwise_lose_to(alice):
    plan = selectors.import_plan(
        table=table(
            ["Name", "Country", "Status", "Status date"], ["A B", "TM", "released", "2019"]
        ),
        mapping=mapping_of(["name", "country", "status", "status_date"]),
        user=alice,
    )
    [(column, message)] = plan.rows[0].problems
    assert column == "Status date" and "Fill in the disappearance date" in message


def test_the_status_words_in_english_and_russian():
    from habeas.imports.values import parse_status

    for word, status in [
        ("missing", Status.REPORTED_MISSING),
        ("Disappeared", Status.REPORTED_MISSING),
        ("исчез", Status.REPORTED_MISSING),
        ("Released", Status.RELEASED),
        ("освобождён", Status.RELEASED),
        ("Found dead", Status.DEAD),
        ("найден мёртвым", Status.DEAD),
        ("погиб", Status.DEAD),
        ("located", Status.WHEREABOUTS_CONFIRMED),
        ("Местонахождение установлено", Status.WHEREABOUTS_CONFIRMED),
        ("задержание подтверждено", Status.DETENTION_ACKNOWLEDGED),
    ]:
        assert parse_status(word) == status, word


# --- Alerts: a released or dead person's case is not a missing person's -------------

FRESH = (
    "Reference,Name,Country,Disappeared on,Last contact,Status,Status date\n"
    "MISSING,Begench Owezow,TM,17.11.2026,17.11.2026,,\n"
    "FREED,Merdan Gurbanow,TM,17.11.2026,17.11.2026,released,01.12.2026\n"
    "DEAD,Aman Tagandurdyyew,TM,17.11.2026,17.11.2026,found dead,30.11.2026\n"
)


def test_a_case_imported_as_released_or_dead_raises_no_alert_a_missing_persons_case_does(
    alice, tmp_path
):
    _import(tmp_path, FRESH)
    for day in range(0, 120, 3):
        with time_machine.travel(TODAY + timedelta(days=day, minutes=1), tick=False):
            watch_pass(now=timezone.now())
    raised = {(a.case.reference, a.rule) for a in Alert.objects.select_related("case")}
    # The missing person's case goes quiet and has its UN window; the others nothing.
    assert ("MISSING", Rule.QUIET) in raised
    assert any(ref == "MISSING" and rule != Rule.QUIET for ref, rule in raised), raised
    assert not {ref for ref, _rule in raised} - {"MISSING"}, raised
    freed = Case.objects.get(reference="FREED")
    assert freed.current_status == Status.RELEASED and not freed.is_open
    # Its silence counts from the release (news then), not from the import.
    assert freed.last_info_at == datetime(2026, 12, 2, tzinfo=UTC)


# --- Through the pages ------------------------------------------------------------------


def test_the_dry_run_page_shows_the_status_and_refuses_an_undated_release(client, alice):
    client.force_login(alice)
    content = (
        "Name,Country,Disappeared on,Status,Status date\n"
        "Azat Isakov,TM,2018,released,2019\n"
        "Merdan Gurbanow,TM,2018,released,\n"
    )
    mapping = {
        "column_0": "name",
        "column_1": "country",
        "column_2": "disappeared_on",
        "column_3": "status",
        "column_4": "status_date",
    }
    upload_id = _to_dry_run(client, content, mapping)
    dry = client.get(f"/import/{upload_id}/dry-run/")
    text = _text(dry)
    assert dry.status_code == 200
    assert "Would be created 1" in text and "Refused 1" in text
    assert "A status of released needs the date it became known" in text
    assert "is not imported" not in text  # the status column no longer is left out
    done = client.post(f"/import/{upload_id}/import/", {"what": "valid"})
    assert done.status_code == 302, _text(done)
    case = Case.objects.get(people__display_name="Azat Isakov")
    assert case.current_status == Status.RELEASED
    assert case.statuses.get(status=Status.RELEASED).asserted_on == date(2019, 12, 31)
    assert not Case.objects.filter(people__display_name="Merdan Gurbanow").exists()


def test_the_command_refuses_an_undated_release_naming_row_and_column(alice, tmp_path):
    content = "Name,Country,Disappeared on,Status\nAzat Isakov,TM,2018,released\n"
    report = _import(tmp_path, content, "--dry-run")
    assert "row 2: refused: Status: A status of released needs the date it became known" in report
    with pytest.raises(CommandError, match="Row 2 has a problem"):
        _import(tmp_path, content)
    assert not Case.objects.exists()
