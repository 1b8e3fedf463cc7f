"""The duress PIN answers exactly as the normal one — status, headers, cookies,
bytes, and time within noise — and silently raises the highest escalation.

Whoever stands beside the person when they check in may see the answer, may time
it, and may have seen a normal check-in before: nothing must differ."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import Client, RequestFactory

from habeas.protection import checkin_views, ladder
from habeas.protection.models import CheckIn, Escalation
from tests.support.checkin import DURESS_PIN, PIN, bridge_body, bridge_post, enrolled

NOW = dt.datetime(2026, 12, 7, 21, 4, 31, tzinfo=dt.UTC)
RUNS = 30


def _open_and_answer(url: str, pin: str, place: str = "") -> tuple[float, object]:
    """A fresh browser opens the link and confirms: the POST's answer, and how long
    it took until the answer was ready to send (when the WSGI server starts writing
    it; the test client runs the response's close() before it returns)."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    data = {"csrfmiddlewaretoken": token.decode(), "pin": pin, "place": place}
    sent: list[float] = []
    real_close = checkin_views.AfterResponse.close

    def close(self):
        sent.append(time.perf_counter())
        real_close(self)

    checkin_views.AfterResponse.close = close  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        response = client.post(url, data)
    finally:
        checkin_views.AfterResponse.close = real_close  # type: ignore[method-assign]
    return sent[0] - started, response


def _headers(response) -> list[tuple[str, str]]:
    return sorted(response.headers.items())


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_the_duress_pin_answers_byte_for_byte_as_the_normal_one(db, alice, frozen):
    heron, wren = enrolled(lead=alice), enrolled(lead=alice, code_name="Wren")
    _t, normal = _open_and_answer(heron.url, PIN, place="home")
    _t, duress = _open_and_answer(wren.url, DURESS_PIN, place="home")
    assert normal.status_code == duress.status_code == 200
    assert _headers(normal) == _headers(duress)
    assert normal.cookies.output() == duress.cookies.output()
    assert len(normal.content) == len(duress.content)
    assert normal.content == duress.content
    assert b"Done" in normal.content
    # Both recorded the same way; only the duress one escalated, at the top stage.
    assert CheckIn.objects.filter(at_risk=heron.at_risk, duress=False).count() == 1
    assert CheckIn.objects.filter(at_risk=wren.at_risk, duress=True).count() == 1
    assert not Escalation.objects.filter(at_risk=heron.at_risk).exists()
    escalation = Escalation.objects.get(at_risk=wren.at_risk)
    assert escalation.cause == Escalation.Cause.DURESS
    assert escalation.closed_at is None


def test_the_duress_escalation_waits_until_the_answer_is_out(db, alice, frozen):
    """The view hands the escalation to the response's close(), which the WSGI server
    calls once the last byte is sent: the answer never waits for it."""
    wren = enrolled(lead=alice, code_name="Wren")
    factory = RequestFactory()
    request = factory.post(wren.url, {"pin": DURESS_PIN})
    request._dont_enforce_csrf_checks = True
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = checkin_views.check_in_page(request, token=wren.token)
    assert b"Done" in response.content
    assert CheckIn.objects.get().duress
    assert not Escalation.objects.exists()  # the answer is ready, nothing escalated yet
    # As Django's test client does: the request_finished signal would otherwise close
    # the database connection of the test's own transaction (PostgreSQL).
    signals.request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        signals.request_finished.connect(close_old_connections)
    assert Escalation.objects.get().cause == Escalation.Cause.DURESS


def test_a_failed_hand_off_is_logged_and_does_not_change_the_answer(
    db, alice, frozen, monkeypatch, caplog
):
    wren = enrolled(lead=alice, code_name="Wren")

    def broken(at_risk, now):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(ladder, "escalate_duress", broken)
    _t, response = _open_and_answer(wren.url, DURESS_PIN)
    assert response.status_code == 200 and b"Done" in response.content
    assert "duress escalation after a check-in failed" in caplog.text
    assert CheckIn.objects.get().duress  # the watcher picks it up (test_protection_checkin)


def test_the_duress_pin_takes_as_long_as_the_normal_one(db, alice):
    """Medians of 30 answers each, alternating, every answer on a person of its own
    (so that no run finds an escalation already open): within 25 % or 30 ms."""
    people = [enrolled(lead=alice, code_name=f"P{n}") for n in range(2 * RUNS)]
    normal, duress = [], []
    for n in range(RUNS):
        first, second = people[2 * n], people[2 * n + 1]
        if n % 2:
            duress.append(_open_and_answer(first.url, DURESS_PIN, "x")[0])
            normal.append(_open_and_answer(second.url, PIN, "x")[0])
        else:
            normal.append(_open_and_answer(first.url, PIN, "x")[0])
            duress.append(_open_and_answer(second.url, DURESS_PIN, "x")[0])
    assert CheckIn.objects.filter(duress=True).count() == RUNS
    assert Escalation.objects.count() == RUNS
    a, b = statistics.median(normal), statistics.median(duress)
    print(f"median normal {a * 1000:.1f} ms, duress {b * 1000:.1f} ms")
    assert abs(a - b) <= max(0.25 * min(a, b), 0.030), (a, b)


def test_the_duress_pin_through_a_bridge_answers_as_the_normal_one(db, alice, frozen):
    heron, wren = enrolled(lead=alice), enrolled(lead=alice, code_name="Wren")
    body = bridge_body(heron.plan, PIN)
    normal = bridge_post(Client(), body)
    duress = bridge_post(Client(), {**body, "plan": str(wren.plan.public_id), "pin": DURESS_PIN})
    assert normal.status_code == duress.status_code == 200
    assert _headers(normal) == _headers(duress)
    assert normal.content == duress.content
    assert Escalation.objects.get().at_risk == wren.at_risk
