"""The watcher sends the audit log's signed head once a day, by e-mail and webhook,
and what it sends is what `habeas audit head --expect` takes."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from habeas.alerts.watcher import watch_pass
from habeas.audit import triggers
from habeas.audit.models import HeadExport
from habeas.audit.services import audit_record
from tests.support.alerts import SECRET, Receiver, SMTPServer

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def log_with_entries(db, time_machine):
    time_machine.move_to(T0, tick=False)
    triggers.install(connection)
    for i in range(4):
        audit_record(action="test.entry", detail={"i": i})
    return time_machine


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.HABEAS_AUDIT_HEAD_EMAIL = ["keeper@partner.example"]
        yield server.mailbox


def _head_in(message) -> str:
    return message.get_payload().strip().splitlines()[-1]


def test_the_head_goes_out_once_a_day_by_e_mail(log_with_entries, smtp):
    watch_pass(now=T0)
    watch_pass(now=T0 + timedelta(hours=3))
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["keeper@partner.example"]
    head = json.loads(_head_in(message))
    assert head["last_id"] == 4 and {"hash", "at", "key", "mac"} <= set(head)
    log_with_entries.move_to(T0 + timedelta(days=1))
    audit_record(action="test.entry")
    watch_pass(now=T0 + timedelta(days=1))
    assert len(smtp.messages) == 2
    assert json.loads(_head_in(smtp.messages[1][1]))["last_id"] == 5


def test_an_e_mailed_head_catches_a_later_rewind(log_with_entries, smtp):
    watch_pass(now=T0)
    exported = _head_in(smtp.messages[0][1])
    call_command("audit", "head", "--expect", exported)
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id > 2")
    triggers.install(connection)
    with pytest.raises(CommandError):
        call_command("audit", "head", "--expect", exported)


def test_the_head_goes_to_a_signed_webhook(log_with_entries, settings):
    with Receiver() as receiver:
        settings.HABEAS_AUDIT_HEAD_WEBHOOKS = [(receiver.url, SECRET)]
        watch_pass(now=T0)
        watch_pass(now=T0 + timedelta(minutes=5))
    assert receiver.bad_signatures == 0 and len(receiver.requests) == 1
    sent = receiver.requests[0]
    assert sent["type"] == "audit_head" and sent["head"]["last_id"] == 4
    call_command("audit", "head", "--expect", json.dumps(sent["head"]))


def test_a_failed_send_is_retried_an_hour_later_and_never_stops_the_pass(
    log_with_entries, settings
):
    with Receiver(mode="500") as receiver:
        settings.HABEAS_AUDIT_HEAD_WEBHOOKS = [(receiver.url, SECRET)]
        summary = watch_pass(now=T0)
        assert summary["audit_head"] == "failed" and "delivered" in summary
        watch_pass(now=T0 + timedelta(minutes=10))
        assert len(receiver.requests) == 1
        receiver.mode = "ok"
        watch_pass(now=T0 + timedelta(hours=1, minutes=1))
    assert len(receiver.delivered) == 1
    row = HeadExport.objects.get()
    assert row.sent_at is not None and row.attempts == 2 and row.last_error == ""


def test_a_crashing_export_is_reported_and_the_pass_goes_on(log_with_entries, smtp):
    with mock.patch("habeas.alerts.audit_head.audit_head_signed", side_effect=RuntimeError):
        summary = watch_pass(now=T0)
    assert "audit_head" not in summary and "sessions_purged" in summary


def test_without_recipients_nothing_is_sent_or_stored(log_with_entries):
    assert watch_pass(now=T0)["audit_head"] == "off"
    assert not HeadExport.objects.exists()


def test_days_marked_sent_in_advance_do_not_switch_the_export_off(log_with_entries, smtp):
    """The review's he: someone with write access to the database inserts rows for
    the coming year, each marked sent; the heads still go out every day."""
    HeadExport.objects.bulk_create(
        [HeadExport(day=T0.date() + timedelta(days=i), sent_at=T0) for i in range(1, 366)]
    )
    watch_pass(now=T0)
    for day in (1, 2):
        log_with_entries.move_to(T0 + timedelta(days=day))
        watch_pass(now=T0 + timedelta(days=day))
    assert len(smtp.messages) == 3
    assert not HeadExport.objects.filter(day__gt=T0.date() + timedelta(days=2)).exists()


def test_a_silent_head_endpoint_holds_up_neither_the_pass_nor_a_stop(log_with_entries, settings):
    """The review's D1 again: an endpoint that takes the connection and answers
    nothing. A stopping watcher (SIGTERM) does not wait for it, and the day's head
    is tried again an hour later."""
    settings.HABEAS_WEBHOOK_TIMEOUT = 30
    with Receiver(mode="hang", hang_seconds=6) as receiver:
        settings.HABEAS_AUDIT_HEAD_WEBHOOKS = [(receiver.url, SECRET)]
        began = time.monotonic()
        summary = watch_pass(now=T0, stop=lambda: True)
        assert time.monotonic() - began < 2
    assert summary["audit_head"] == "failed" and "raised" in summary
    assert "still running" in HeadExport.objects.get().last_error


def test_a_head_endpoint_answering_a_byte_at_a_time_is_cut_off_at_the_timeout(
    log_with_entries, settings
):
    settings.HABEAS_WEBHOOK_TIMEOUT = 1
    with Receiver(mode="dribble", hang_seconds=6) as receiver:
        settings.HABEAS_AUDIT_HEAD_WEBHOOKS = [(receiver.url, SECRET)]
        began = time.monotonic()
        assert watch_pass(now=T0)["audit_head"] == "failed"
        assert time.monotonic() - began < 3
    assert HeadExport.objects.get().last_error == "webhook: the endpoint did not answer within 1 s"


def test_a_head_webhook_that_is_not_http_is_refused_with_a_clear_reason(log_with_entries, settings):
    settings.HABEAS_AUDIT_HEAD_WEBHOOKS = [("ftp://keeper.example/head", SECRET)]
    assert watch_pass(now=T0)["audit_head"] == "failed"
    assert HeadExport.objects.get().last_error == (
        "webhook: the webhook address is not an http(s) URL"
    )
