"""The alerts inbox, acknowledging and snoozing, settings pages, the watcher's
health check and the dashboard's warning; outsiders get 404 throughout."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from habeas.alerts import detection, watcher
from habeas.alerts.models import (
    Alert,
    AlertAction,
    AlertPreference,
    AlertSettings,
    CaseWatch,
    Deadline,
)
from habeas.audit.models import AuditEntry


def raise_alert(case):
    now = timezone.now()
    return detection.alert_raise(
        case=case,
        rule="quiet",
        subject="",
        occurrence="w1",
        due_at=now,
        title=f"{case.reference}: no new information for 3 days",
        now=now,
    )


def test_the_inbox_shows_the_alerts_of_my_teams_only(client, alices_case, bob, charlie):
    alert = raise_alert(alices_case)
    client.force_login(bob)
    assert alert.title in client.get("/alerts/").content.decode()
    client.force_login(charlie)
    assert alert.title not in client.get("/alerts/").content.decode()
    assert client.get(alert.get_absolute_url()).status_code == 404
    assert client.post(f"/alerts/{alert.public_id}/acknowledge/").status_code == 404


def test_acknowledging_is_recorded_with_who_and_when(client, alices_case, bob):
    alert = raise_alert(alices_case)
    client.force_login(bob)
    response = client.post(f"/alerts/{alert.public_id}/acknowledge/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == Alert.State.ACKNOWLEDGED and alert.handled_by == bob
    assert AlertAction.objects.get(alert=alert).kind == AlertAction.Kind.ACKNOWLEDGE
    assert AuditEntry.objects.filter(action="alert.acknowledge", actor_id=bob.pk).exists()
    assert alert.title not in client.get("/alerts/").content.decode()
    history = client.get("/alerts/?show=all").content.decode()
    assert alert.title in history and "Acknowledged by bob" in history
    assert "Acknowledged by bob" in client.get(alert.get_absolute_url()).content.decode()


def test_a_read_only_member_sees_but_cannot_acknowledge(client, alices_case, vera):
    alert = raise_alert(alices_case)
    client.force_login(vera)
    assert client.get(alert.get_absolute_url()).status_code == 200
    assert client.post(f"/alerts/{alert.public_id}/acknowledge/").status_code == 404


def test_snoozing_needs_a_reason_and_the_alert_comes_back_after(client, alices_case, bob):
    alert = raise_alert(alices_case)
    client.force_login(bob)
    refused = client.post(f"/alerts/{alert.public_id}/snooze/", {"days": "3", "reason": " "})
    assert refused.status_code == 400
    assert "This field is required" in refused.content.decode()
    done = client.post(
        f"/alerts/{alert.public_id}/snooze/", {"days": "3", "reason": "Lawyer visits Monday"}
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.state == Alert.State.SNOOZED
    assert AlertAction.objects.get(alert=alert).reason == "Lawyer visits Monday"
    assert alert.title not in client.get("/alerts/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        client.force_login(bob)
        assert alert.title in client.get("/alerts/").content.decode()


def test_a_user_chooses_a_daily_digest(client, bob):
    client.force_login(bob)
    assert client.get("/alerts/preferences/").status_code == 200
    assert client.post("/alerts/preferences/", {"email": "digest"}).status_code == 302
    assert AlertPreference.objects.get(user=bob).email == "digest"
    assert client.post("/alerts/preferences/", {"email": "carrier pigeon"}).status_code == 400


def test_only_an_administrator_sets_the_organisation_rules(client, ada, bob):
    client.force_login(bob)
    assert client.get("/alerts/rules/").status_code == 404
    client.force_login(ada)
    form = {
        "quiet_days_early": "2",
        "quiet_days_late": "10",
        "window_days": "45, 7",
        "follow_up_days": "21",
        "response_deadline_days": "30,7,1",
        "anniversaries": "on",
    }
    bad = client.post("/alerts/rules/", {**form, "window_days": "soon"})
    assert bad.status_code == 400
    assert client.post("/alerts/rules/", form).status_code == 302
    assert AlertSettings.current().window_days == "45,7"


def test_a_team_member_overrides_the_rules_for_one_case(client, alices_case, bob, charlie):
    client.force_login(charlie)
    assert client.get(f"/cases/{alices_case.public_id}/alert-rules/").status_code == 404
    client.force_login(bob)
    response = client.post(
        f"/cases/{alices_case.public_id}/alert-rules/",
        {"quiet_days_early": "", "quiet_days_late": "1", "window_days": "", "anniversaries": ""},
    )
    assert response.status_code == 302
    quiet = Deadline.objects.get(case=alices_case, rule="quiet")
    assert quiet.due_at == alices_case.last_info_at + timedelta(days=1)
    page = client.get(alices_case.get_absolute_url()).content.decode()
    assert "Next alerts for this case" in page
    # Follow-up and response-deadline rules too; a bad list is refused, input kept.
    rules = {"quiet_days_late": "1", "follow_up_days": "10", "response_deadline_days": "x,7"}
    bad = client.post(f"/cases/{alices_case.public_id}/alert-rules/", rules)
    assert bad.status_code == 400
    assert 'value="x,7"' in bad.content.decode()
    rules["response_deadline_days"] = "14, 3"
    assert client.post(f"/cases/{alices_case.public_id}/alert-rules/", rules).status_code == 302
    watch = CaseWatch.objects.get(case=alices_case)
    assert (watch.follow_up_days, watch.response_deadline_days) == (10, "14,3")


def test_health_and_dashboard_say_when_the_watcher_is_stale(client, alice, settings):
    client.force_login(alice)
    assert client.get("/health/watch/").status_code == 503
    assert "The watcher has never run" in client.get("/").content.decode()
    out = StringIO()
    call_command("watch", "--once", stdout=out)
    assert '"raised"' in out.getvalue()
    health = client.get("/health/watch/")
    assert health.status_code == 200 and health.json()["ok"] is True
    assert "Alerts are not being checked" not in client.get("/").content.decode()
    later = timezone.now() + timedelta(seconds=settings.HABEAS_WATCH_STALE_SECONDS + 5)
    with time_machine.travel(later):
        client.force_login(alice)
        assert client.get("/health/watch/").status_code == 503
        assert "Alerts are not being checked" in client.get("/").content.decode()


def test_a_failing_step_is_reported_and_the_pass_still_completes(alices_case, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(detection, "detect_due", broken)
    summary = watcher.watch_pass(worker="test")
    assert "delivered" in summary
    status = watcher.watcher_status()
    assert not status["stale"] and status["last_error"] == "raised: RuntimeError"
