"""The alerts inbox, acknowledging and snoozing, settings pages, the watcher's
health check and the dashboard's warning; outsiders get 404 throughout."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from habeas.alerts import detection, outbox, watcher
from habeas.alerts.models import (
    Alert,
    AlertAction,
    AlertPreference,
    AlertSettings,
    CaseWatch,
    Deadline,
)
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate
from tests.support.alerts import raise_alert


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
    page = client.get(alert.get_absolute_url())
    assert page.status_code == 200 and "Acknowledge</button>" not in page.content.decode()
    assert client.post(f"/alerts/{alert.public_id}/acknowledge/").status_code == 404
    refused = client.post(f"/alerts/{alert.public_id}/snooze/", {"days": "3", "reason": "No"})
    assert refused.status_code == 404
    alert.refresh_from_db()
    assert alert.state == Alert.State.OPEN and alert.handled_by is None
    assert alert.snoozed_until is None and not AlertAction.objects.filter(alert=alert).exists()
    assert not AuditEntry.objects.filter(action__in=["alert.acknowledge", "alert.snooze"]).exists()
    assert AuditEntry.objects.filter(action="access.denied", actor_id=vera.pk).count() == 2
    assert alert.title in client.get("/alerts/").content.decode()  # still open for the team


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
    # Silent since 2021 when entered: no quiet alert until news dated now comes in.
    assert not Deadline.objects.filter(case=alices_case, rule="quiet").exists()
    cases.event_add(
        case=alices_case,
        kind="sighting",
        occurred_on=PartialDate.parse(timezone.localdate().isoformat()),
        description="Seen at the prison gate.",
        by=bob,
    )
    response = client.post(
        f"/cases/{alices_case.public_id}/alert-rules/",
        {"quiet_days_early": "", "quiet_days_late": "1", "window_days": "", "anniversaries": ""},
    )
    assert response.status_code == 302
    quiet = Deadline.objects.get(case=alices_case, rule="quiet")
    alices_case.refresh_from_db()
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


# --- notifications that failed: the list, re-sending, the command -----------------------


def failed_alert(case, occurrence="f1"):
    """An alert whose webhook failed every quick retry."""
    from habeas.alerts.models import Delivery

    alert = outbox.alert_raise(
        case=case,
        rule="quiet",
        subject="",
        occurrence=occurrence,
        due_at=timezone.now(),
        title=f"{case.reference}: no new information for 3 days",
        now=timezone.now(),
    )
    Delivery.objects.filter(alert=alert).update(
        status=Delivery.Status.FAILED, attempts=8, last_error="the endpoint answered 503"
    )
    return alert


@pytest.fixture
def webhook(settings):
    settings.HABEAS_WEBHOOKS = [("https://gateway.example.org/hook", "a secret of decent length")]


def test_failed_notifications_are_listed_and_the_team_sends_them_again(
    client, webhook, alices_case, bob
):
    from habeas.alerts.models import Delivery

    alert = failed_alert(alices_case)
    client.force_login(bob)
    dashboard = client.get("/").content.decode()
    assert "1 notification could not be delivered" in dashboard and "/alerts/failed/" in dashboard
    page = client.get("/alerts/failed/").content.decode()
    assert alert.title in page and "the endpoint answered 503" in page
    assert "Waits for someone to send it again" in page
    assert "gateway.example.org" not in page  # a webhook URL may carry a token
    detail = client.get(alert.get_absolute_url()).content.decode()
    assert "Send the failed notifications again" in detail

    response = client.post("/alerts/failed/resend/", follow=True)
    assert "1 notification will be sent again within a minute." in response.content.decode()
    row = Delivery.objects.get(alert=alert)
    assert row.status == Delivery.Status.PENDING and row.attempts == 0
    assert row.next_attempt_at <= timezone.now() and row.retry_until is None
    entry = AuditEntry.objects.get(action="alert.resend")
    assert entry.actor_id == bob.pk and entry.detail == {"deliveries": 1}
    assert "No failed notification." in client.get("/alerts/failed/").content.decode()


def test_one_alerts_failed_notifications_are_sent_again_from_its_page(
    client, webhook, alices_case, bob
):
    from habeas.alerts.models import Delivery

    alert = failed_alert(alices_case, "a")
    other = failed_alert(alices_case, "b")
    client.force_login(bob)
    response = client.post(f"/alerts/{alert.public_id}/resend/")
    assert response.status_code == 302 and response["Location"] == alert.get_absolute_url()
    assert Delivery.objects.get(alert=alert).status == Delivery.Status.PENDING
    assert Delivery.objects.get(alert=other).status == Delivery.Status.FAILED
    entry = AuditEntry.objects.get(action="alert.resend")
    assert entry.target_id == str(alert.public_id) and entry.detail == {"deliveries": 1}
    assert entry.case_id == str(alices_case.public_id)


def test_outsiders_and_readers_cannot_send_failed_notifications_again(
    client, webhook, alices_case, vera, charlie
):
    from habeas.alerts.models import Delivery

    alert = failed_alert(alices_case)
    client.force_login(charlie)
    page = client.get("/alerts/failed/").content.decode()
    assert alert.title not in page and alices_case.reference not in page
    assert "Send every failed notification again" not in page
    assert client.post(f"/alerts/{alert.public_id}/resend/").status_code == 404
    nothing = client.post("/alerts/failed/resend/", follow=True).content.decode()
    assert "No failed notification to send again." in nothing
    client.force_login(vera)
    page = client.get("/alerts/failed/").content.decode()
    assert alert.title in page and "Send every failed notification again" not in page
    assert (
        "Send the failed notifications again"
        not in client.get(alert.get_absolute_url()).content.decode()
    )
    assert client.post(f"/alerts/{alert.public_id}/resend/").status_code == 404
    client.post("/alerts/failed/resend/")
    assert Delivery.objects.get(alert=alert).status == Delivery.Status.FAILED
    assert not AuditEntry.objects.filter(action="alert.resend").exists()
    assert AuditEntry.objects.filter(action="access.denied").count() == 2


def test_an_administrator_off_the_team_resends_without_learning_the_case(
    client, webhook, alices_case, ada, bob
):
    from habeas.alerts.models import Delivery

    alert = failed_alert(alices_case)
    bob.email = "bob@example.org"
    bob.save()
    by_mail = failed_alert(alices_case, "mail")
    assert by_mail.deliveries.filter(user=bob).exists()
    client.force_login(ada)
    page = client.get("/alerts/failed/").content.decode()
    assert "An alert on a case you are not on" in page and "a member of its team" in page
    assert alert.title not in page and alices_case.reference not in page
    assert ">bob<" not in page  # nor who is on that team
    client.post("/alerts/failed/resend/")
    assert Delivery.objects.get(alert=alert).status == Delivery.Status.PENDING
    assert not Delivery.objects.filter(status=Delivery.Status.FAILED).exists()
    assert AuditEntry.objects.get(action="alert.resend").actor_id == ada.pk


def test_resending_needs_the_csrf_token(webhook, alices_case, bob):
    from django.test import Client

    from habeas.alerts.models import Delivery

    alert = failed_alert(alices_case)
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert client.post("/alerts/failed/resend/").status_code == 403
    assert client.post(f"/alerts/{alert.public_id}/resend/").status_code == 403
    assert Delivery.objects.get(alert=alert).status == Delivery.Status.FAILED


def test_habeas_alerts_resend_failed_queues_every_failed_notification(webhook, alices_case):
    from habeas.alerts.models import Delivery

    failed_alert(alices_case, "a")
    failed_alert(alices_case, "b")
    out = StringIO()
    call_command("alerts", "resend-failed", stdout=out)
    assert out.getvalue().startswith("2 failed notifications queued to be sent again")
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.PENDING}
    entry = AuditEntry.objects.get(action="alert.resend")
    assert entry.actor_id is None and entry.detail == {"deliveries": 2}
    out = StringIO()
    call_command("alerts", "resend-failed", stdout=out)
    assert out.getvalue().startswith("0 failed notifications")


# --- housekeeping ---------------------------------------------------------------------------


def test_the_watcher_purges_expired_sessions_once_a_day(client, bob):
    from django.contrib.sessions.models import Session

    client.force_login(bob)  # a live session
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(hours=1)
    )
    summary = watcher.watch_pass(worker="test")
    assert summary["sessions_purged"] == 1
    assert Session.objects.count() == 1
    assert client.get("/alerts/").status_code == 200  # the live one still works
    Session.objects.create(
        session_key="y" * 32, session_data="", expire_date=timezone.now() - timedelta(hours=1)
    )
    assert watcher.watch_pass(worker="test")["sessions_purged"] == 0  # once a day
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert watcher.watch_pass(worker="test")["sessions_purged"] == 2  # bob's expired too
    assert not Session.objects.exists()
