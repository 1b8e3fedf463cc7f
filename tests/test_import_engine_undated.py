"""Rows with no date at all (no disappearance date, no last contact) are no live
trail: their silence counts from the day they were entered, and "gone quiet" 14 days
after an import would be news of nothing (note15, "Left for later"). A case that
gets dated news after its entry is watched again.

Rule: habeas/alerts/rules.py (`live_trail`), docs/import.md, docs/domain.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from habeas.alerts.models import Alert, Deadline, Rule
from habeas.alerts.watcher import watch_pass
from habeas.cases import services as cases
from habeas.cases.models import Case
from habeas.lib.partialdate import PartialDate

TODAY = datetime(2026, 12, 7, 6, 35, tzinfo=UTC)

CSV = (
    "Reference,Name,Country,Disappeared on,Last contact\n"
    "UNDATED-1,Dilshod Nurov,UZ,,\n"
    "UNDATED-2,Гулнара Сапарова,TM,,\n"
    "FRESH-1,Begench Owezow,TM,17.11.2026,17.11.2026\n"
)


def _watch(days: int) -> set[tuple[str, str]]:
    for day in range(0, days + 1, 2):
        with time_machine.travel(TODAY + timedelta(days=day, minutes=1), tick=False):
            watch_pass(now=timezone.now())
    return {(a.case.reference, a.rule) for a in Alert.objects.select_related("case")}


def test_undated_rows_raise_no_quiet_alert_weeks_after_the_import(alice, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(CSV, encoding="utf-8")
    with time_machine.travel(TODAY, tick=False):
        call_command("import", "cases", str(path), "--as", "alice", stdout=StringIO())
    quiet = Deadline.objects.filter(rule=Rule.QUIET).values_list("case__reference", flat=True)
    assert set(quiet) == {"FRESH-1"}
    raised = _watch(40)
    assert ("FRESH-1", Rule.QUIET) in raised
    assert not [ref for ref, rule in raised if ref.startswith("UNDATED")], raised


def test_an_undated_case_with_dated_news_after_its_entry_is_watched_again(alice, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(CSV, encoding="utf-8")
    with time_machine.travel(TODAY, tick=False):
        call_command("import", "cases", str(path), "--as", "alice", stdout=StringIO())
    case = Case.objects.get(reference="UNDATED-1")
    with time_machine.travel(TODAY + timedelta(days=5), tick=False):
        cases.case_update(case=case, by=alice, last_contact_on=PartialDate.parse("11 Dec 2026"))
    assert Deadline.objects.filter(case=case, rule=Rule.QUIET, due_at__isnull=False).exists()
