"""Notifications: e-mail to a real SMTP server and signed webhooks to a real HTTP
receiver, both on loopback; retries, backoff, giving up, bad input."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from habeas.alerts import delivery, watcher
from habeas.alerts.channels import webhook
from habeas.alerts.models import AlertPreference, Deadline, Delivery, DeliveryAttempt, Rule
from tests.support.alerts import SECRET, Receiver, SMTPServer, free_port, raise_alert


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


def test_unreachable_mail_server_retries_with_backoff_then_hourly_for_days_then_waits_for_a_person(
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
    failed_at = start + timedelta(hours=1)
    with caplog.at_level(logging.ERROR), time_machine.travel(failed_at, tick=False):
        assert delivery.deliver_due(worker="test")["failed"] == 1
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.FAILED and row.attempts == 3
    assert DeliveryAttempt.objects.filter(delivery=row, ok=False).count() == 3
    assert "failed after 3 attempts" in caplog.text
    # Failed, and shown so, but not abandoned: retried every hour for seven days.
    assert row.retry_until == start + timedelta(days=7)
    assert row.next_attempt_at == failed_at + timedelta(hours=1)
    with time_machine.travel(failed_at + timedelta(minutes=59), tick=False):
        assert delivery.deliver_due(worker="test") == {"sent": 0, "retry": 0, "failed": 0}
    with time_machine.travel(failed_at + timedelta(hours=1), tick=False):
        assert delivery.deliver_due(worker="test")["failed"] == 1
    assert Delivery.objects.get().attempts == 4
    # The last hourly try before the seven days are out: then it waits for a person.
    last = start + timedelta(days=7, minutes=-30)
    Delivery.objects.update(next_attempt_at=last)
    caplog.clear()
    with caplog.at_level(logging.ERROR), time_machine.travel(last, tick=False):
        assert delivery.deliver_due(worker="test")["failed"] == 1
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.FAILED and row.retry_until is None
    assert "gave up after 5 attempts" in caplog.text and "resend-failed" in caplog.text
    with time_machine.travel(last + timedelta(days=1), tick=False):
        assert delivery.deliver_due(worker="test") == {"sent": 0, "retry": 0, "failed": 0}
    assert Delivery.objects.get().attempts == 5


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


def test_a_webhook_answering_a_byte_at_a_time_is_cut_off_at_its_timeout(
    hook, settings, alices_case
):
    """The review's D2: every read returns within the timeout, the whole answer
    would take six seconds; the send gives up after HABEAS_WEBHOOK_TIMEOUT in all."""
    settings.HABEAS_WEBHOOK_TIMEOUT = 1
    receiver = hook("dribble", hang_seconds=6)
    raise_alert(alices_case)
    began = time.monotonic()
    assert delivery.deliver_due(worker="test")["retry"] == 1
    assert time.monotonic() - began < 3
    assert Delivery.objects.get().last_error == "the endpoint did not answer within 1 s"
    assert receiver.arrived == 1


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


# --- one endpoint down: isolation, circuit breaker, recovery --------------------------------


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_black_holed_webhook_holds_up_neither_emails_nor_new_alerts(
    hook, smtp, emails, settings, alices_case
):
    """GIVEN a webhook endpoint that accepts connections and never answers, and ten
    alerts due, each for two e-mails and the webhook
    WHEN the watcher makes its passes
    THEN every e-mail leaves within the first pass's budget, an alert falling due
    later is raised by the next pass, just as quickly, and once the endpoint has
    failed often enough in a row its other deliveries spend no attempt."""
    # Timings leave a loaded machine room: 20 local e-mails take well under the
    # 3-s budget, and the webhook's sends hang for twice that.
    settings.HABEAS_WEBHOOK_TIMEOUT = 6
    settings.HABEAS_DELIVERY_PASS_SECONDS = 3
    settings.HABEAS_DELIVERY_BREAKER_FAILURES = 1
    receiver = hook("hang", hang_seconds=30)
    for i in range(10):
        raise_alert(alices_case, f"o{i}")
    outbox = delivery.Outbox("test")

    began = time.monotonic()
    first = watcher.watch_pass(worker="test", outbox=outbox)
    # Every e-mail went while both webhook sends were still hanging (sequential
    # sending would have waited out a webhook's timeout before the next e-mail).
    assert len(smtp.mailbox.messages) == 20 and first["delivered"]["sent"] == 20
    assert outbox.in_flight == 2 and time.monotonic() - began < 6
    assert first["delivered"]["more"] is True  # webhooks left for the next pass
    wait_for(lambda: receiver.arrived >= 2, 2)
    assert receiver.arrived == 2  # two sending threads for the endpoint, both stuck

    # A 2021 case entered today has no quiet deadline (rules.live_trail): its anniversary.
    Deadline.objects.filter(case=alices_case, rule=Rule.ANNIVERSARY).update(due_at=timezone.now())
    again = time.monotonic()
    second = watcher.watch_pass(worker="test", outbox=outbox)
    assert second["raised"] == 1 and time.monotonic() - again < 3 + 2  # its budget
    assert len(smtp.mailbox.messages) == 22  # the new alert's e-mails too

    time.sleep(max(0.0, began + 6.6 - time.monotonic()))  # both stuck sends timed out
    third = watcher.watch_pass(worker="test", outbox=outbox)
    assert third["delivered"]["more"] is False and third["delivered"]["paused"] == 1
    # The paused endpoint's nine due rows take no place in a pass, nor call for another.
    assert outbox.run(limit=5)["more"] is False
    hooks = Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK)
    assert sorted(hooks.values_list("attempts", flat=True)) == [0] * 9 + [1] * 2
    assert receiver.arrived == 2
    assert set(hooks.filter(attempts=1).values_list("last_error", flat=True)) == {
        "the endpoint did not answer within 6 s"
    }


def test_a_paused_endpoint_is_probed_after_the_cool_down_and_its_rows_go_when_it_answers(
    hook, settings, alices_case
):
    """GIVEN an endpoint paused by its breaker, every row backed off (none due)
    WHEN its cool-down is over
    THEN one waiting row probes it; refused, the pause doubles; answered, every row
    waiting for the endpoint goes at once, without waiting for its backoff."""
    # As many failures pause it as there are rows, so every row has failed once
    # whatever order the endpoint's two threads take them in.
    settings.HABEAS_DELIVERY_BREAKER_FAILURES = 4
    settings.HABEAS_DELIVERY_BREAKER_SECONDS = 0.3
    receiver = hook("500")
    for i in range(4):
        raise_alert(alices_case, f"o{i}")
    outbox = delivery.Outbox("test")
    outbox.run()
    outbox.close(wait=5)
    # Four failures in a row pause it; every row now waits for its backoff.
    assert len(receiver.requests) == 4
    assert not Delivery.objects.filter(next_attempt_at__lte=timezone.now()).exists()
    outbox.run()
    outbox.close(wait=5)
    assert len(receiver.requests) == 4  # still cooling down
    time.sleep(0.35)
    outbox.run()
    outbox.close(wait=5)
    assert len(receiver.requests) == 5  # one probe, refused: paused again, for 0.6 s
    time.sleep(0.35)
    outbox.run()
    outbox.close(wait=5)
    assert len(receiver.requests) == 5
    receiver.mode = "ok"
    time.sleep(0.3)
    assert outbox.run()["more"] is True  # the probe went through: the rest are re-driven
    outbox.close(wait=5)
    outbox.run()
    outbox.close(wait=5)
    assert len(receiver.delivered) == 4 and len(receiver.requests) == 5 + 4
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


@pytest.mark.parametrize("recovery", ["hourly retry", "breaker probe", "restarted watcher"])
def test_an_outage_longer_than_the_retries_ends_with_every_notification_sent(
    hook, settings, alices_case, recovery
):
    """The reliability review's give-up scenario (D2).
    GIVEN three attempts at most, and a webhook answering 500 for longer than they last
    WHEN the endpoint answers again
    THEN every notification is delivered, each delivery id received once: at the
    next hourly retry at the latest, at once if the breaker's probe or a restarted
    watcher's probe finds the endpoint back."""
    settings.HABEAS_DELIVERY_MAX_ATTEMPTS = 3
    settings.HABEAS_DELIVERY_BACKOFF_SECONDS = 1
    settings.HABEAS_DELIVERY_BREAKER_FAILURES = 100  # every row spends all its attempts
    receiver = hook("500")
    for i in range(10):
        raise_alert(alices_case, f"o{i}")
    outbox = delivery.Outbox("test")
    start = timezone.now()
    for minute in range(4):
        with time_machine.travel(start + timedelta(minutes=minute)):
            watcher.watch_pass(worker="test", outbox=outbox)
            outbox.close(wait=5)
    failed = Delivery.objects.filter(status=Delivery.Status.FAILED)
    assert failed.count() == 10 and len(receiver.requests) == 30
    assert all(d.retry_until and d.next_attempt_at > start + timedelta(minutes=50) for d in failed)

    five = start + timedelta(minutes=5)
    if recovery == "breaker probe":
        # Still down: one more failure opens the breaker (it takes one, here).
        settings.HABEAS_DELIVERY_BREAKER_FAILURES = 1
        settings.HABEAS_DELIVERY_BREAKER_SECONDS = 0.2
        with time_machine.travel(five):
            Delivery.objects.filter(pk=failed.first().pk).update(next_attempt_at=timezone.now())
            watcher.watch_pass(worker="test", outbox=outbox)
            outbox.close(wait=5)
        assert len(receiver.requests) == 31
        time.sleep(0.25)
    receiver.mode = "ok"
    later = start + timedelta(minutes=64) if recovery == "hourly retry" else five
    if recovery == "restarted watcher":
        outbox = delivery.Outbox("test", probe_at_start=True)  # as `habeas watch` starts
    with time_machine.travel(later):
        watcher.watch_pass(worker="test", outbox=outbox)
        outbox.close(wait=5)
        watcher.watch_pass(worker="test", outbox=outbox)  # those re-driven, if any
        outbox.close(wait=5)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 10
    assert len(receiver.delivered) == 10
    refused = 31 if recovery == "breaker probe" else 30
    assert len(receiver.requests) == refused + 10  # once each after the outage


def test_a_row_another_watcher_has_just_tried_is_not_tried_again_from_an_older_read(
    hook, alices_case
):
    """The review's stale read: two watchers read the same due row; one tries it
    (refused) and reschedules it before the other claims it. The other leaves it
    alone until its retry is due, instead of retrying at once."""
    receiver = hook("500")
    raise_alert(alices_case)
    late = delivery.Outbox("late watcher")
    late._load(timezone.now(), 2000)  # its read: the row is due
    assert delivery.deliver_due(worker="quick watcher")["retry"] == 1
    late._start_ready({"sent": 0, "retry": 0, "failed": 0})
    late.close(wait=5)
    assert Delivery.objects.get().attempts == 1 and len(receiver.requests) == 1


def test_a_flaky_endpoint_keeps_its_backoff_after_one_success(hook, settings, alices_case):
    """The review's D2 (low): a success between failures, the breaker still closed,
    does not send every waiting retry at once; each waits for its own backoff."""
    receiver = hook("500")
    for i in range(3):
        raise_alert(alices_case, f"o{i}")
    outbox = delivery.Outbox("test")
    outbox.run()
    outbox.close(wait=5)
    assert len(receiver.requests) == 3
    receiver.mode = "ok"
    raise_alert(alices_case, "new")
    assert outbox.run()["more"] is False
    outbox.close(wait=5)
    outbox.run()
    outbox.close(wait=5)
    assert len(receiver.requests) == 4 and len(receiver.delivered) == 1
    assert Delivery.objects.filter(status=Delivery.Status.PENDING, attempts=1).count() == 3


def test_a_webhook_url_with_credentials_is_logged_without_them(hook, settings, alices_case, caplog):
    settings.HABEAS_DELIVERY_BREAKER_FAILURES = 1
    receiver = hook("500")
    port = receiver.server.server_address[1]
    settings.HABEAS_WEBHOOKS = [(f"http://gateway:s3cret-token@127.0.0.1:{port}/hook", SECRET)]
    raise_alert(alices_case)
    with caplog.at_level(logging.INFO):
        delivery.deliver_due(worker="test")
    assert len(receiver.requests) == 1
    assert f"endpoint webhook 127.0.0.1:{port}: 1 failures in a row" in caplog.text
    assert "s3cret" not in caplog.text and "gateway" not in caplog.text


def test_a_notification_that_keeps_killing_its_watcher_waits_for_a_person(
    hook, settings, alices_case
):
    """Claimed more often than its attempts allow, never with an outcome (each try
    killed its watcher): failed for itself, with no hourly retry to kill the next."""
    settings.HABEAS_DELIVERY_MAX_ATTEMPTS = 3
    receiver = hook()
    raise_alert(alices_case)
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.update(attempts=3, claimed_at=long_ago, claim_token=None)
    assert delivery.deliver_due(worker="test") == {"sent": 0, "retry": 0, "failed": 1}
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.FAILED and row.retry_until is None
    assert row.last_error == "abandoned mid-send too often"
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        delivery.deliver_due(worker="test")
    assert receiver.requests == [] and Delivery.objects.get().status == Delivery.Status.FAILED
