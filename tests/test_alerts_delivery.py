"""Notifications: e-mail to a real SMTP server and signed webhooks to a real HTTP
receiver, both on loopback; retries, backoff, giving up, bad input."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from habeas.alerts import delivery, detection
from habeas.alerts.channels import webhook
from habeas.alerts.models import AlertPreference, Delivery, DeliveryAttempt
from tests.alerts_support import SECRET, Receiver, SMTPServer, free_port


def raise_alert(case, occurrence="t1"):
    now = timezone.now()
    return detection.alert_raise(
        case=case,
        rule="quiet",
        subject="",
        occurrence=occurrence,
        due_at=now,
        title=f"{case.reference}: no new information for 3 days",
        now=now,
    )


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_TIMEOUT = 2
        yield server


@pytest.fixture
def emails(alice, bob, vera):
    for user, address in ((alice, "alice@example.org"), (bob, "bob@example.org"), (vera, "")):
        user.email = address
        user.save()


def test_the_team_gets_an_email_with_a_reference_and_a_link_only(smtp, emails, alices_case):
    alert = raise_alert(alices_case)
    outcome = delivery.deliver_due(worker="test")
    assert outcome == {"sent": 2, "retry": 0, "failed": 0}
    assert sorted(to[0] for to, _ in smtp.mailbox.messages) == [
        "alice@example.org",
        "bob@example.org",
    ]
    _, message = smtp.mailbox.messages[0]
    body = message.get_payload()
    assert message["Subject"] == "[Habeas] TM-2021-003: no new information for 3 days"
    assert f"/alerts/{alert.public_id}/" in body
    # Nothing from the case itself: not the last message, not the name.
    assert "Police are here" not in body and "Исаков" not in body and "Isakow" not in body
    ids = {str(d.public_id) for d in alert.deliveries.all()}
    assert {m["X-Habeas-Delivery"] for _, m in smtp.mailbox.messages} == ids
    # Idempotent: another pass sends nothing more.
    assert delivery.deliver_due(worker="test")["sent"] == 0
    assert len(smtp.mailbox.messages) == 2


def test_a_digest_user_gets_one_mail_a_day_listing_every_alert(smtp, emails, alices_case, bob):
    AlertPreference.objects.create(user=bob, email=AlertPreference.Email.DIGEST)
    with time_machine.travel(datetime(2026, 5, 1, 10, tzinfo=UTC), tick=False):
        raise_alert(alices_case, "a")
        raise_alert(alices_case, "b")
        delivery.deliver_due(worker="test")
    assert [to for to, _ in smtp.mailbox.messages] == [["alice@example.org"]] * 2
    with time_machine.travel(datetime(2026, 5, 2, 7, 59, tzinfo=UTC), tick=False):
        delivery.deliver_due(worker="test")
    assert len(smtp.mailbox.messages) == 2
    with time_machine.travel(datetime(2026, 5, 2, 8, 0, tzinfo=UTC), tick=False):
        delivery.deliver_due(worker="test")
    assert len(smtp.mailbox.messages) == 3
    to, digest = smtp.mailbox.messages[2]
    assert to == ["bob@example.org"]
    assert digest["Subject"] == "[Habeas] 2 alerts (daily digest)"
    assert Delivery.objects.filter(user=bob, status=Delivery.Status.SENT).count() == 2


def test_an_alert_acknowledged_before_the_digest_is_left_out_of_it(
    smtp, emails, alices_case, alice, bob
):
    from habeas.alerts.services import alert_acknowledge

    AlertPreference.objects.create(user=bob, email=AlertPreference.Email.DIGEST)
    with time_machine.travel(datetime(2026, 5, 1, 10, tzinfo=UTC), tick=False):
        handled = raise_alert(alices_case, "a")
        waiting = raise_alert(alices_case, "b")
        delivery.deliver_due(worker="test")
        alert_acknowledge(alert=handled, by=alice)
    with time_machine.travel(datetime(2026, 5, 2, 8, 0, tzinfo=UTC), tick=False):
        delivery.deliver_due(worker="test")
    to_bob = [m for to, m in smtp.mailbox.messages if to == ["bob@example.org"]]
    assert len(to_bob) == 1
    body = to_bob[0].get_payload()
    assert f"/alerts/{waiting.public_id}/" in body
    assert f"/alerts/{handled.public_id}/" not in body
    dropped = Delivery.objects.get(user=bob, alert=handled)
    assert dropped.status == Delivery.Status.DROPPED
    # Alice's immediate e-mail about it had already gone: acknowledging changes nothing there.
    assert Delivery.objects.get(user=alice, alert=handled).status == Delivery.Status.SENT


def test_unreachable_mail_server_retries_with_backoff_then_gives_up_loudly(
    settings, emails, alices_case, alice, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.HABEAS_DELIVERY_MAX_ATTEMPTS = 3
    AlertPreference.objects.create(user=alice, email=AlertPreference.Email.OFF)
    start = datetime(2026, 5, 1, 10, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        raise_alert(alices_case)
        assert delivery.deliver_due(worker="test") == {"sent": 0, "retry": 1, "failed": 0}
    row = Delivery.objects.get()
    assert row.attempts == 1 and "unreachable" in row.last_error
    assert row.next_attempt_at == start + timedelta(seconds=30)
    with time_machine.travel(start + timedelta(seconds=29), tick=False):
        assert delivery.deliver_due(worker="test") == {"sent": 0, "retry": 0, "failed": 0}
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert delivery.deliver_due(worker="test")["retry"] == 1
    assert Delivery.objects.get().next_attempt_at == start + timedelta(seconds=90)
    with caplog.at_level(logging.ERROR), time_machine.travel(start + timedelta(hours=1)):
        assert delivery.deliver_due(worker="test")["failed"] == 1
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.FAILED and row.attempts == 3
    assert DeliveryAttempt.objects.filter(delivery=row, ok=False).count() == 3
    assert "gave up after 3 attempts" in caplog.text


def test_an_invalid_address_is_marked_failed_at_once_and_sends_nothing(smtp, alices_case, bob):
    bob.email = "bob at example dot org"
    bob.save()
    alert = raise_alert(alices_case)
    failed = alert.deliveries.get(user=bob)
    assert failed.status == Delivery.Status.FAILED and failed.last_error == "invalid e-mail address"
    delivery.deliver_due(worker="test")
    assert smtp.mailbox.messages == []


def test_an_address_the_server_refuses_is_retried_with_a_clear_reason(settings, alices_case, bob):
    with SMTPServer(refuse="bob@example.org") as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        bob.email = "bob@example.org"
        bob.save()
        raise_alert(alices_case)
        assert delivery.deliver_due(worker="test")["retry"] == 1
    assert Delivery.objects.get(user=bob).last_error == "the mail server refused the address"


# --- webhooks ---------------------------------------------------------------------------


@pytest.fixture
def hook(settings):
    def start(mode="ok", **kw):
        receiver = Receiver(mode, **kw).__enter__()
        settings.HABEAS_WEBHOOKS = [(receiver.url, SECRET)]
        started.append(receiver)
        return receiver

    started: list[Receiver] = []
    yield start
    for receiver in started:
        receiver.__exit__()


def test_a_signed_webhook_reaches_the_receiver(hook, alices_case):
    receiver = hook()
    alert = raise_alert(alices_case)
    assert delivery.deliver_due(worker="test")["sent"] == 1
    (payload,) = receiver.delivered.values()
    assert payload["alert_id"] == str(alert.public_id)
    assert payload["case_reference"] == "TM-2021-003"
    assert payload["url"].endswith(f"/alerts/{alert.public_id}/")
    assert "Police" not in json.dumps(payload) and receiver.bad_signatures == 0


def test_a_webhook_answering_500_is_retried_and_the_receiver_sees_one_delivery(hook, alices_case):
    receiver = hook("500")
    raise_alert(alices_case)
    assert delivery.deliver_due(worker="test")["retry"] == 1
    assert Delivery.objects.get().last_error == "the endpoint answered 500"
    receiver.mode = "ok"
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert delivery.deliver_due(worker="test")["sent"] == 1
    assert len(receiver.requests) == 2  # the same delivery id both times
    assert len({r["delivery_id"] for r in receiver.requests}) == 1
    assert len(receiver.delivered) == 1


def test_a_hanging_webhook_times_out_and_is_retried(hook, settings, alices_case):
    settings.HABEAS_WEBHOOK_TIMEOUT = 1
    hook("hang", hang_seconds=3)
    raise_alert(alices_case)
    assert delivery.deliver_due(worker="test")["retry"] == 1
    assert Delivery.objects.get().last_error == "the endpoint did not answer within 1 s"


def test_an_unreachable_webhook_is_retried(settings, alices_case):
    settings.HABEAS_WEBHOOKS = [(f"http://127.0.0.1:{free_port()}/hook", SECRET)]
    raise_alert(alices_case)
    assert delivery.deliver_due(worker="test")["retry"] == 1
    assert "unreachable" in Delivery.objects.get().last_error


def test_signatures_refuse_tampering_and_replays():
    body, stamp = b'{"a":1}', "1700000000"
    signature = webhook.sign(SECRET, stamp, body)
    assert webhook.verify(
        secret=SECRET, timestamp=stamp, body=body, signature=signature, now=1700000100
    )
    assert not webhook.verify(
        secret=SECRET, timestamp=stamp, body=b'{"a":2}', signature=signature, now=1700000100
    )
    assert not webhook.verify(
        secret=SECRET, timestamp=stamp, body=body, signature=signature, now=1700000000 + 301
    )
    assert not webhook.verify(
        secret="another secret", timestamp=stamp, body=body, signature=signature, now=1700000100
    )


def test_a_claim_dated_in_the_future_after_a_clock_jump_is_taken_over(hook, alices_case):
    receiver = hook()
    raise_alert(alices_case)
    Delivery.objects.update(claimed_at=timezone.now() + timedelta(hours=2))
    assert delivery.deliver_due(worker="test")["sent"] == 1
    assert len(receiver.delivered) == 1


def test_a_snooze_that_runs_out_reopens_the_alert_and_notifies_the_team_again(
    smtp, emails, alices_case, bob, client
):
    from habeas.alerts import services, watcher
    from habeas.alerts.models import Alert, AlertAction

    alert = raise_alert(alices_case)
    assert delivery.deliver_due(worker="test")["sent"] == 2
    services.alert_snooze(
        alert=alert, until=timezone.now() + timedelta(days=2), reason="Lawyer visits", by=bob
    )
    watcher.watch_pass()
    assert len(smtp.mailbox.messages) == 2  # still snoozed: nothing more

    later = timezone.now() + timedelta(days=2, minutes=1)
    with time_machine.travel(later):
        summary = watcher.watch_pass()
        again = watcher.watch_pass()  # a second pass (or watcher) wakes nothing twice
    assert summary["woken"] == 1 and again["woken"] == 0
    alert.refresh_from_db()
    assert alert.state == Alert.State.OPEN and alert.handled_by is None
    assert len(smtp.mailbox.messages) == 4
    assert sorted(to[0] for to, _ in smtp.mailbox.messages[2:]) == [
        "alice@example.org",
        "bob@example.org",
    ]
    kinds = list(alert.actions.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [AlertAction.Kind.SNOOZE, AlertAction.Kind.SNOOZE_ENDED]
    client.force_login(bob)
    page = client.get(alert.get_absolute_url()).content.decode()
    assert "Snooze ran out; the team was notified again" in page
