"""Cases entered after the fact, by the import and by the form: their alerts come
from their own dates, and a spreadsheet of old cases brings no burst of alerts,
now or weeks later (the user review's finding 1: 302 "gone quiet" alerts due at the
same minute 14 days after the import, 163 anniversaries on 1 January).

The rules: habeas/alerts/rules.py (`live_trail`, `anniversary_day`), docs/domain.md
("Alerts and the deadlines they track")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from habeas.alerts import detection
from habeas.alerts.models import Alert, Deadline, Rule
from habeas.cases.models import Case
from habeas.cases.selectors import dashboard_for_user

TODAY = datetime(2026, 12, 7, 6, 35, tzinfo=UTC)  # the review's import

CSV = (
    "Reference,ФИО,Country,Дата исчезновения,Последний контакт\n"
    "OLD-1,Бахтияр Аманов,TM,около 2002,\n"
    "OLD-2,Гулнара Сапарова,TM,2004,\n"
    "OLD-3,Мурад Назаров,TM,март 2019,март 2019\n"
    "OLD-4,Азат Атаев,TM,14.06.2003,14.06.2003\n"
    # An activist last heard of 20 days ago: a live trail, though already silent
    # longer than the three days the rule gives a recent disappearance.
    "FRESH-1,Бегенч Овезов,TM,17.11.2026,17.11.2026\n"
)


def _import(tmp_path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(CSV, encoding="utf-8")
    with time_machine.travel(TODAY, tick=False):
        call_command("import", "cases", str(path), "--as", "alice", stdout=StringIO())


def _detect_every_day(days: int) -> list[Alert]:
    for day in range(days + 1):
        with time_machine.travel(TODAY + timedelta(days=day, minutes=1), tick=False):
            detection.detect_due(now=timezone.now())
    return list(Alert.objects.select_related("case").order_by("due_at"))


def _dues(rule: str) -> dict[str, datetime]:
    return dict(Deadline.objects.filter(rule=rule).values_list("case__reference", "due_at"))


def test_an_import_of_old_cases_raises_no_quiet_alert_and_a_fresh_case_still_does(alice, tmp_path):
    _import(tmp_path)
    assert Case.objects.count() == 5
    fresh = Case.objects.get(reference="FRESH-1")
    # Only the fresh case is watched for silence: three days of the team's own.
    assert _dues(Rule.QUIET) == {"FRESH-1": fresh.created_at + timedelta(days=3)}
    raised = _detect_every_day(60)
    quiet = [a.case.reference for a in raised if a.rule == Rule.QUIET]
    assert quiet and set(quiet) == {"FRESH-1"}
    assert not [a for a in raised if a.case.reference.startswith("OLD-")]
    # The old ones are where the team looks for silence: the dashboard's list.
    with time_machine.travel(TODAY + timedelta(days=1), tick=False):
        dashboard = dashboard_for_user(user=alice, today=timezone.localdate())
    gone_quiet = {c.reference for c in dashboard["gone_quiet"]}
    assert {"OLD-1", "OLD-2", "OLD-3", "OLD-4"} <= gone_quiet


def test_an_import_remembers_only_the_anniversaries_of_known_days(alice, tmp_path):
    _import(tmp_path)
    assert _dues(Rule.ANNIVERSARY) == {
        "OLD-4": datetime(2027, 6, 14, tzinfo=UTC),
        "FRESH-1": datetime(2027, 11, 17, tzinfo=UTC),
    }
    with time_machine.travel(datetime(2027, 1, 1, 0, 1, tzinfo=UTC), tick=False):
        detection.detect_due(now=timezone.now())
    assert not Alert.objects.filter(rule=Rule.ANNIVERSARY).exists()


def test_a_fresh_case_entered_through_the_form_is_told_when_it_goes_quiet(login, alice):
    with time_machine.travel(TODAY, tick=False):
        response = login(alice).post(
            "/cases/new/",
            {
                "person_name": "Бегенч Овезов",
                "person_name_script": "",
                "reference": "TM-2026-020",
                "country": "TM",
                "disappeared_on": "17.11.2026",
                "last_contact_on": "17.11.2026",
                "priority": "2",
                "tags": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[-2000:]
    case = Case.objects.get(reference="TM-2026-020")
    due = Deadline.objects.get(case=case, rule=Rule.QUIET).due_at
    assert due == case.created_at + timedelta(days=3)
    with time_machine.travel(due, tick=False):
        detection.detect_due(now=timezone.now())
    raised = Alert.objects.get(case=case, rule=Rule.QUIET)
    assert raised.title == "TM-2026-020: no new information for 22 days"
