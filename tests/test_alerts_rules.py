"""Rules 1–5 of habeas.alerts and their boundaries, with time-machine.

Each test opens a case at a fixed moment, then moves the clock and runs the
watcher's detection; an alert is raised exactly at its boundary, and once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from habeas.advocacy.models import Intervention, Response
from habeas.alerts import detection, watcher
from habeas.alerts.models import Alert, AlertSettings, CaseWatch, Deadline, Rule
from habeas.alerts.services import case_deadlines_update, case_watch_update
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Priority, Status
from habeas.lib.partialdate import PartialDate

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def open_case(user, *, disappeared: str | None, ref: str = "TM-2026-001", at=T0, **fields):
    with time_machine.travel(at, tick=False):
        person = cases.person_create(name="Рустам Исаков", by=user)
        return cases.case_create(
            reference=ref,
            person=person,
            country="TM",
            disappeared_on=PartialDate.parse(disappeared) if disappeared else None,
            by=user,
            **fields,
        )


def detect_at(when: datetime) -> list[Alert]:
    """Run detection at `when`; return the alerts it raised."""
    before = set(Alert.objects.values_list("pk", flat=True))
    with time_machine.travel(when, tick=False):
        detection.detect_due(now=timezone.now())
    return list(Alert.objects.exclude(pk__in=before).order_by("due_at"))


def rules_of(alerts) -> list[str]:
    return [a.rule for a in alerts]


# --- rule 1: gone quiet -----------------------------------------------------------------


def test_a_recent_disappearance_is_quiet_after_three_days_not_before(alice):
    open_case(alice, disappeared="2026-03-08")
    assert detect_at(T0 + timedelta(days=3) - timedelta(seconds=1)) == []
    raised = detect_at(T0 + timedelta(days=3))
    assert rules_of(raised) == [Rule.QUIET]
    # Due three days after the case was opened; silent since the end of 8 March.
    assert raised[0].title == "TM-2026-001: no new information for 4 days"
    # Once per occurrence: the next pass raises nothing more.
    assert detect_at(T0 + timedelta(days=3, hours=1)) == []


def test_quiet_repeats_while_the_case_stays_quiet(alice):
    open_case(alice, disappeared="2026-03-08")
    detect_at(T0 + timedelta(days=3))
    assert detect_at(T0 + timedelta(days=6) - timedelta(seconds=1)) == []
    assert rules_of(detect_at(T0 + timedelta(days=6))) == [Rule.QUIET]


def test_a_case_that_went_quiet_on_the_teams_watch_is_reminded_however_long(alice):
    """A live trail when entered stays one: months of silence since do not stop it."""
    open_case(alice, disappeared="2026-03-08")
    assert rules_of(detect_at(T0 + timedelta(days=3))) == [Rule.QUIET]
    detect_at(T0 + timedelta(days=100))
    assert rules_of(detect_at(T0 + timedelta(days=120))) == [Rule.QUIET]


def test_an_old_disappearance_is_quiet_only_after_the_long_threshold(alice):
    """Last heard of on 9 Dec 2025 (counted from 10 Dec 00:00), entered on 10 March
    2026: three months old at most, a live trail; its window has closed."""
    open_case(alice, disappeared="2025-12-09")
    assert detect_at(T0 + timedelta(days=13, hours=23)) == []
    assert rules_of(detect_at(T0 + timedelta(days=14))) == [Rule.QUIET]


def test_a_case_whose_news_was_over_three_months_old_when_entered_is_not_told_quiet(alice):
    """Counted from 9 Dec 2025 00:00, a day more than three months before it was
    entered: its silence is the record (counter, dashboard), not an alert."""
    open_case(alice, disappeared="2025-12-08")
    assert not Deadline.objects.filter(rule=Rule.QUIET).exists()
    assert Rule.QUIET not in rules_of(detect_at(T0 + timedelta(days=14)))
    assert Rule.QUIET not in rules_of(detect_at(T0 + timedelta(days=120)))


def test_news_dated_after_an_old_silence_makes_it_a_trail_to_watch(alice):
    case = open_case(alice, disappeared="2002-11-25")
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        cases.event_add(
            case=case,
            kind="sighting",
            occurred_on=PartialDate.parse("2026-04-08"),
            description="Seen in a prison courtyard.",
            by=alice,
        )
    # Counted from the end of 8 April: the long threshold, 14 days.
    news = datetime(2026, 4, 9, tzinfo=UTC)
    assert Rule.QUIET not in rules_of(detect_at(news + timedelta(days=14) - timedelta(seconds=1)))
    assert Rule.QUIET in rules_of(detect_at(news + timedelta(days=14)))
    # News dated long ago, even received today, does not make it one.
    old = open_case(alice, disappeared="2002-11-25", ref="TM-2002-002")
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        cases.event_add(
            case=old,
            kind="sighting",
            occurred_on=PartialDate.parse("2010"),
            description="Seen in 2010.",
            by=alice,
        )
    assert not Deadline.objects.filter(case=old, rule=Rule.QUIET).exists()


def test_quiet_spell_crossing_the_three_months_uses_the_long_threshold(alice):
    """Disappeared 11 Dec 2025: three months end 11 Mar 2026 00:00, before T0 + 3 days."""
    open_case(alice, disappeared="2025-12-11")
    assert Rule.QUIET not in rules_of(detect_at(T0 + timedelta(days=5)))
    assert rules_of(detect_at(T0 + timedelta(days=14))) == [Rule.QUIET]


def test_new_information_restarts_the_quiet_clock(alice):
    case = open_case(alice, disappeared="2026-03-08")
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        cases.event_add(
            case=case,
            kind="sighting",
            occurred_on=PartialDate.parse("2026-03-11"),
            description="Seen in a courtyard.",
            by=alice,
        )
    assert detect_at(T0 + timedelta(days=4)) == []
    assert rules_of(detect_at(T0 + timedelta(days=5))) == [Rule.QUIET]


def test_new_evidence_restarts_the_quiet_clock(alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from habeas.evidence.services import evidence_add

    case = open_case(alice, disappeared="2026-03-08")
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        upload = SimpleUploadedFile("letter.txt", b"The ministry replied yesterday.\n")
        dated = PartialDate.parse("2026-03-11")  # what it shows, not when it was uploaded
        evidence_add(case=case, upload=upload, title="Reply", dated_on=dated, by=alice)
    assert detect_at(T0 + timedelta(days=4)) == []
    assert rules_of(detect_at(T0 + timedelta(days=5))) == [Rule.QUIET]


def test_a_closed_case_raises_nothing(alice):
    case = open_case(alice, disappeared="2026-03-08")
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        cases.status_assert(
            case=case,
            status=Status.RELEASED,
            asserted_on=date(2026, 3, 11),
            basis="Freed.",
            by=alice,
        )
    assert detect_at(T0 + timedelta(days=60)) == []


def test_a_case_may_override_the_quiet_threshold(alice):
    case = open_case(alice, disappeared="2026-03-08")
    with time_machine.travel(T0, tick=False):
        case_watch_update(case=case, by=alice, quiet_days_early=1)
    assert rules_of(detect_at(T0 + timedelta(days=1))) == [Rule.QUIET]


def test_organisation_settings_apply_to_every_case_on_the_next_pass(alice):
    open_case(alice, disappeared="2025-12-09")
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        AlertSettings.objects.create(pk=1, quiet_days_late=5)
        watcher.watch_pass(worker="test")
    deadline = Deadline.objects.get(rule=Rule.QUIET)
    assert deadline.due_at == T0 + timedelta(days=5)


def test_a_stopping_watcher_leaves_the_recomputation_between_batches_and_it_is_redone(
    alice, monkeypatch
):
    """The review's D1 (low): SIGTERM while every case is recomputed after the rules
    changed. The pass stops after a batch, and the next one recomputes them all."""
    for i in range(3):
        open_case(alice, disappeared="2025-12-09", ref=f"TM-2026-00{i}")
    monkeypatch.setattr(detection, "REBUILD_BATCH", 1)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        AlertSettings.objects.create(pk=1, quiet_days_late=5)
        assert watcher.watch_pass(worker="test", stop=lambda: True)["followed"] == 1
        assert watcher.watch_pass(worker="test")["followed"] == 3
        assert watcher.watch_pass(worker="test")["followed"] == 0
    assert set(Deadline.objects.filter(rule=Rule.QUIET).values_list("due_at", flat=True)) == {
        T0 + timedelta(days=5)
    }


# --- rule 2: the UN urgent window -------------------------------------------------------


def test_window_steps_for_a_date_known_only_to_the_month(alice, settings):
    """March 2026 counts from 1 March (the earliest it can be): the window closes
    on 1 June 2026; alerts at local midnight 30, 7 and 1 days before."""
    settings.TIME_ZONE = "Asia/Ashgabat"  # UTC+5
    case = open_case(alice, disappeared="2026-03")
    assert case.urgent_window_closes == date(2026, 6, 1)
    thirty = datetime(2026, 5, 1, 19, 0, tzinfo=UTC)  # 2 May 00:00 in Ashgabat
    window = [a for a in detect_at(thirty - timedelta(seconds=1)) if a.rule == Rule.WINDOW]
    assert window == []
    raised = [a for a in detect_at(thirty) if a.rule == Rule.WINDOW]
    assert [a.occurrence for a in raised] == ["2026-06-01/30"]
    assert "closes in 30 days" in raised[0].title
    seven = datetime(2026, 5, 24, 19, 0, tzinfo=UTC)
    assert [a.occurrence for a in detect_at(seven) if a.rule == Rule.WINDOW] == ["2026-06-01/7"]
    one = datetime(2026, 5, 30, 19, 0, tzinfo=UTC)
    assert [a.occurrence for a in detect_at(one) if a.rule == Rule.WINDOW] == ["2026-06-01/1"]
    assert [a for a in detect_at(datetime(2026, 7, 1, tzinfo=UTC)) if a.rule == Rule.WINDOW] == []


def test_a_case_entered_late_gets_only_the_latest_step_not_a_burst(alice):
    case = open_case(alice, disappeared="2026-01-15", at=datetime(2026, 4, 10, tzinfo=UTC))
    assert case.urgent_window_closes == date(2026, 4, 15)
    raised = detect_at(datetime(2026, 4, 10, 0, 1, tzinfo=UTC))
    assert [a.occurrence for a in raised if a.rule == Rule.WINDOW] == ["2026-04-15/7"]


def test_no_window_alert_once_a_submission_is_recorded(alice):
    case = open_case(alice, disappeared="2026-03-01")
    Intervention.objects.create(
        case=case,
        kind=Intervention.Kind.WGEID_URGENT,
        sent_on=date(2026, 3, 12),
        status=Intervention.Status.SENT,
    )
    raised = detect_at(datetime(2026, 5, 31, tzinfo=UTC))
    assert Rule.WINDOW not in rules_of(raised)


def test_a_case_without_a_disappearance_date_has_no_window_and_says_so(alice, client):
    case = open_case(alice, disappeared=None)
    assert not Deadline.objects.filter(case=case, rule=Rule.WINDOW).exists()
    client.force_login(alice)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "No disappearance date is recorded" in page


@pytest.mark.parametrize("kind", ["wgeid_urgent", "wgeid_standard"])
def test_only_a_submission_to_the_working_group_once_sent_ends_the_window_alerts(alice, kind):
    """A drafted submission, or a letter sent to the authorities, leaves the urgent
    window open; the case submitted (urgent or standard procedure), once sent, closes it."""
    case = open_case(alice, disappeared="2026-03-01")
    Intervention.objects.create(case=case, kind=kind, status=Intervention.Status.DRAFT)
    Intervention.objects.create(
        case=case,
        kind=Intervention.Kind.LETTER_AUTHORITIES,
        sent_on=date(2026, 3, 12),
        status=Intervention.Status.SENT,
    )
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        detection.rebuild_all(now=timezone.now())  # every case, in bulk
    raised = detect_at(datetime(2026, 5, 20, tzinfo=UTC))
    assert Rule.WINDOW in rules_of(raised)
    Intervention.objects.filter(case=case, kind=kind).update(
        sent_on=date(2026, 5, 26), status=Intervention.Status.SENT
    )
    assert Rule.WINDOW not in rules_of(detect_at(datetime(2026, 5, 31, tzinfo=UTC)))


def test_a_prompt_intervention_sent_leaves_the_urgent_window_alert_standing(alice, client):
    """GIVEN a prompt intervention sent (about reprisals against relatives, witnesses or
    defenders, not the case's submission) WHEN deadlines are recomputed, one case or
    all, and the watcher runs THEN the window alert stands; the urgent procedure sent
    afterwards closes it."""
    case = open_case(alice, disappeared="2026-03-01")
    Intervention.objects.create(
        case=case,
        kind=Intervention.Kind.WGEID_PROMPT,
        sent_on=date(2026, 3, 12),
        status=Intervention.Status.SENT,
    )
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        case_deadlines_update(case=case)  # this case
        assert Deadline.objects.filter(case=case, rule=Rule.WINDOW).exists()
        detection.rebuild_all(now=timezone.now())  # every case, in bulk
    assert Deadline.objects.filter(case=case, rule=Rule.WINDOW).exists()
    client.force_login(alice)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "UN urgent window closes 1 Jun 2026" in page
    assert Rule.WINDOW in rules_of(detect_at(datetime(2026, 5, 20, tzinfo=UTC)))

    Intervention.objects.create(
        case=case,
        kind=Intervention.Kind.WGEID_URGENT,
        sent_on=date(2026, 5, 26),
        status=Intervention.Status.SENT,
    )
    assert Rule.WINDOW not in rules_of(detect_at(datetime(2026, 5, 31, tzinfo=UTC)))


# --- rule 3: follow-ups and response deadlines -----------------------------------------


def test_an_unanswered_intervention_needs_a_follow_up_after_thirty_days(alice):
    case = open_case(alice, disappeared="2024-05-01")
    Intervention.objects.create(
        case=case,
        kind=Intervention.Kind.LETTER_AUTHORITIES,
        sent_on=date(2026, 3, 10),
        status=Intervention.Status.SENT,
    )
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        watcher.watch_pass(worker="test")  # notices the intervention
    assert Rule.FOLLOW_UP not in rules_of(detect_at(datetime(2026, 4, 8, 23, tzinfo=UTC)))
    raised = detect_at(datetime(2026, 4, 9, tzinfo=UTC))
    assert Rule.FOLLOW_UP in rules_of(raised)


def test_a_response_cancels_the_follow_up_and_its_deadline_is_announced(alice):
    case = open_case(alice, disappeared="2024-05-01")
    letter = Intervention.objects.create(
        case=case,
        kind=Intervention.Kind.WGEID_STANDARD,
        sent_on=date(2026, 3, 10),
        status=Intervention.Status.SENT,
    )
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        watcher.watch_pass(worker="test")
    Response.objects.create(
        intervention=letter,
        received_on=date(2026, 3, 20),
        type=Response.Type.DENIAL,
        deadline=date(2026, 9, 20),
    )
    Intervention.objects.filter(pk=letter.pk).update(status=Intervention.Status.RESPONDED)
    raised = detect_at(datetime(2026, 4, 9, tzinfo=UTC))
    assert Rule.FOLLOW_UP not in rules_of(raised)
    with time_machine.travel(datetime(2026, 4, 9, 0, 1, tzinfo=UTC), tick=False):
        watcher.watch_pass(worker="test")
    raised = detect_at(datetime(2026, 8, 21, tzinfo=UTC))
    assert [a.occurrence for a in raised if a.rule == Rule.RESPONSE_DEADLINE] == ["2026-09-20/30"]


def test_a_case_may_override_follow_up_and_response_days_due_at_local_midnight(alice, settings):
    settings.TIME_ZONE = "America/New_York"  # UTC-4 from 8 March 2026
    case = open_case(alice, disappeared="2024-05-01")
    with time_machine.travel(T0, tick=False):
        case_watch_update(case=case, by=alice, follow_up_days=10, response_deadline_days="14")
    letter = Intervention.objects.create(
        case=case,
        kind=Intervention.Kind.LETTER_AUTHORITIES,
        sent_on=date(2026, 3, 10),
        status=Intervention.Status.SENT,
    )
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        watcher.watch_pass(worker="test")
    # 20 March 00:00 in New York is 04:00 UTC.
    assert Rule.FOLLOW_UP not in rules_of(detect_at(datetime(2026, 3, 20, 3, 59, tzinfo=UTC)))
    assert Rule.FOLLOW_UP in rules_of(detect_at(datetime(2026, 3, 20, 4, 0, tzinfo=UTC)))
    Response.objects.create(
        intervention=letter,
        received_on=date(2026, 3, 25),
        type=Response.Type.DENIAL,
        deadline=date(2026, 9, 20),
    )
    Intervention.objects.filter(pk=letter.pk).update(status=Intervention.Status.RESPONDED)
    with time_machine.travel(datetime(2026, 3, 25, 12, tzinfo=UTC), tick=False):
        watcher.watch_pass(worker="test")
    # Only the case's own step (14 days before), at local midnight of 6 September.
    early = detect_at(datetime(2026, 9, 6, 3, 59, tzinfo=UTC))
    assert Rule.RESPONSE_DEADLINE not in rules_of(early)
    raised = detect_at(datetime(2026, 9, 6, 4, 0, tzinfo=UTC))
    assert [a.occurrence for a in raised if a.rule == Rule.RESPONSE_DEADLINE] == ["2026-09-20/14"]


# --- rule 4: anniversaries --------------------------------------------------------------


def test_anniversary_of_the_29th_of_february_falls_on_the_28th(alice):
    open_case(alice, disappeared="2024-02-29", at=datetime(2024, 3, 1, tzinfo=UTC))
    assert Rule.ANNIVERSARY not in rules_of(detect_at(datetime(2025, 2, 27, 23, tzinfo=UTC)))
    raised = [a for a in detect_at(datetime(2025, 2, 28, tzinfo=UTC)) if a.rule == "anniversary"]
    assert [a.occurrence for a in raised] == ["1y/2025-02-28"]
    assert "1 year(s) since the disappearance" in raised[0].title
    again = detect_at(datetime(2026, 2, 28, tzinfo=UTC))
    assert [a.occurrence for a in again if a.rule == "anniversary"] == ["2y/2026-02-28"]


def test_past_anniversaries_are_not_raised_for_a_case_entered_late(alice):
    open_case(alice, disappeared="2002-11-25")
    raised = detect_at(T0 + timedelta(hours=1))
    assert Rule.ANNIVERSARY not in rules_of(raised)
    assert Deadline.objects.get(rule=Rule.ANNIVERSARY).occurrence == "24y/2026-11-25"


@pytest.mark.parametrize(
    "disappeared",
    [
        "2003",
        "about 2003",
        "2003-06",
        "about 2003-06-14",
        "between 13 and 15 Jun 2003",
        "before Jun 2003",
        "early 2003",
    ],
)
def test_no_anniversary_for_a_date_that_names_no_day(alice, disappeared):
    """The first day such a date can be is not the day it happened: every "2003" of an
    organisation would be remembered on 1 January, together."""
    open_case(alice, disappeared=disappeared)
    assert not Deadline.objects.filter(rule=Rule.ANNIVERSARY).exists()
    assert Rule.ANNIVERSARY not in rules_of(detect_at(datetime(2027, 1, 1, tzinfo=UTC)))
    assert Rule.ANNIVERSARY not in rules_of(detect_at(datetime(2027, 6, 14, tzinfo=UTC)))


def test_an_anniversary_of_a_day_given_to_the_minute_is_on_that_day(alice):
    open_case(alice, disappeared="2003-06-14 12:43")
    assert Deadline.objects.get(rule=Rule.ANNIVERSARY).occurrence == "23y/2026-06-14"


def test_an_anniversary_falls_at_local_midnight_of_the_organisation(alice, settings):
    settings.TIME_ZONE = "Asia/Ashgabat"  # UTC+5
    open_case(alice, disappeared="2025-06-15")
    eve = datetime(2026, 6, 14, 18, 59, tzinfo=UTC)  # 23:59 on 14 June in Ashgabat
    assert Rule.ANNIVERSARY not in rules_of(detect_at(eve))
    raised = detect_at(datetime(2026, 6, 14, 19, 0, tzinfo=UTC))
    assert [a.occurrence for a in raised if a.rule == Rule.ANNIVERSARY] == ["1y/2026-06-15"]


# --- rule 5: risk flags -----------------------------------------------------------------


def test_a_new_risk_flag_raises_priority_and_alerts_the_team_at_once(alices_case, alice, bob):
    assert alices_case.priority == Priority.NORMAL
    cases.case_update(case=alices_case, by=alice, risk_torture=True)
    alices_case.refresh_from_db()
    assert alices_case.priority == Priority.URGENT
    alert = Alert.objects.get(case=alices_case, rule=Rule.RISK)
    assert alert.title == "TM-2021-003: risk raised (torture)"
    assert AuditEntry.objects.filter(action="alert.priority_raise").exists()
    # Unchanged flags raise nothing more; clearing one raises nothing either.
    cases.case_update(case=alices_case, by=alice, summary="More.")
    cases.case_update(case=alices_case, by=alice, risk_torture=False)
    assert Alert.objects.filter(rule=Rule.RISK).count() == 1


def test_risk_flags_ticked_when_the_case_is_opened_alert_the_team_at_once(alice):
    case = open_case(alice, disappeared="2026-03-08", risk_health=True, risk_family_reprisals=True)
    case.refresh_from_db()
    assert case.priority == Priority.URGENT
    alert = Alert.objects.get(case=case, rule=Rule.RISK)
    assert alert.title == "TM-2026-001: risk raised (health, family reprisals)"
    assert alert.due_at == T0
    # Opening a case without flags raises nothing.
    plain = open_case(alice, disappeared="2026-03-08", ref="TM-2026-002")
    assert not Alert.objects.filter(case=plain).exists()


def test_an_imported_case_raises_no_alert_for_flags_it_already_had(alices_case):
    """A case the watcher first sees (a bulk import, a case older than the alerts)
    starts from its flags: old news is not announced as a new risk."""
    from habeas.cases.models import Case

    CaseWatch.objects.filter(case=alices_case).delete()
    Case.objects.filter(pk=alices_case.pk).update(risk_torture=True)
    watcher.watch_pass(worker="test")
    assert CaseWatch.objects.get(case=alices_case).risk_mask == 1
    assert not Alert.objects.filter(case=alices_case, rule=Rule.RISK).exists()


def test_risk_flag_set_behind_the_services_back_is_noticed_by_the_watcher(alices_case):
    from habeas.cases.models import Case

    Case.objects.filter(pk=alices_case.pk).update(
        risk_family_reprisals=True, updated_at=timezone.now() + timedelta(seconds=1)
    )
    watcher.watch_pass(worker="test")
    alices_case.refresh_from_db()
    assert alices_case.priority == Priority.HIGH
    assert Alert.objects.filter(case=alices_case, rule=Rule.RISK).count() == 1
    assert CaseWatch.objects.get(case=alices_case).risk_mask == 4


@pytest.mark.parametrize("jump", [timedelta(days=400), timedelta(days=-3)])
def test_clock_jumps_raise_no_burst_and_no_crash(alice, jump):
    open_case(alice, disappeared="2026-03-08")
    first = detect_at(T0 + jump)
    second = detect_at(T0 + jump + timedelta(minutes=1))
    # Forward: one "gone quiet" alert for all the silent days, not one per missed step;
    # backward: nothing is due yet.
    assert len([a for a in first if a.rule == Rule.QUIET]) == (1 if jump > timedelta(0) else 0)
    assert [a for a in second if a.rule == Rule.QUIET] == []


def test_closing_an_intervention_stops_its_follow_up_and_response_deadline(alice):
    from habeas.advocacy import services as advocacy

    case = open_case(alice, disappeared="2024-05-01")
    letter = Intervention.objects.create(
        case=case,
        kind=Intervention.Kind.WGEID_STANDARD,
        sent_on=date(2026, 3, 10),
        status=Intervention.Status.SENT,
    )
    other = Intervention.objects.create(
        case=case,
        kind=Intervention.Kind.LETTER_AUTHORITIES,
        sent_on=date(2026, 3, 10),
        status=Intervention.Status.RESPONDED,
    )
    Response.objects.create(
        intervention=other,
        received_on=date(2026, 3, 20),
        type=Response.Type.DENIAL,
        deadline=date(2026, 9, 20),
    )
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        watcher.watch_pass(worker="test")
        advocacy.intervention_close(intervention=letter, reason="Whereabouts disclosed", by=alice)
        advocacy.intervention_close(intervention=other, reason="Whereabouts disclosed", by=alice)
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        watcher.watch_pass(worker="test")  # notices the closing
    raised = detect_at(datetime(2026, 9, 21, tzinfo=UTC))
    assert Rule.FOLLOW_UP not in rules_of(raised)
    assert Rule.RESPONSE_DEADLINE not in rules_of(raised)
