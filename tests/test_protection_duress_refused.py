"""The duress PIN is never dropped: not when the plan is locked by wrong PINs (a
captor who holds the phone can lock it, then make the person "check in"), not when
the client address is over its limit (a shared Tor exit, an onion service, a NAT,
perhaps burnt on purpose by an infiltrator's own dummy link). It is escalated, and
answered byte for byte as the refusal anyone would get there."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from habeas.audit.models import AuditEntry
from habeas.protection import checkin, ladder
from habeas.protection.models import CheckIn, Escalation
from tests.support.checkin import DURESS_PIN, PIN, bridge_body, bridge_post, enrolled

NOW = dt.datetime(2026, 12, 7, 10, 21, 31, tzinfo=dt.UTC)
TOR_EXIT = "185.220.101.4"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def team_alerts(monkeypatch):
    calls = []
    real = ladder.alert_team

    def spy(at_risk, reason):
        calls.append((at_risk.code_name, reason))
        return real(at_risk, reason)

    monkeypatch.setattr(ladder, "alert_team", spy)
    return calls


def _answer(url: str, pin: str, address: str = TOR_EXIT, place: str = ""):
    """A fresh browser (Tor Browser keeps no cookies) opens the link and confirms."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
    page = client.get(url)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    return client.post(url, {"csrfmiddlewaretoken": token.decode(), "pin": pin, "place": place})


def _unmasked(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _same_refusal(a, b) -> None:
    assert a.status_code == b.status_code == 200
    assert sorted(a.headers.items()) == sorted(b.headers.items())

    # Each fresh browser gets its own CSRF cookie: the same cookies, values aside.
    def masked(r):
        return re.sub(r"csrftoken=\w+", "csrftoken=", r.cookies.output())

    assert masked(a) == masked(b)
    assert _unmasked(a.content) == _unmasked(b.content)
    assert b"That did not work. Try again." in a.content


def _duress_escalated(at_risk) -> bool:
    return Escalation.objects.filter(at_risk=at_risk, cause=Escalation.Cause.DURESS).exists()


def test_an_infiltrators_dummy_burning_the_address_does_not_block_the_victims_duress_pin(
    db, alice, bob, settings, frozen
):
    dummy = enrolled(lead=bob, code_name="Dummy")
    victim = enrolled(lead=alice, code_name="Heron")
    for _ in range(settings.HABEAS_CHECKIN_ADDRESS_FAILURES):
        _answer(dummy.url, "000000")
    answer = _answer(victim.url, DURESS_PIN)
    assert b'role="status"' in answer.content  # as an ordinary check-in
    assert _duress_escalated(victim.at_risk)
    assert b'role="status"' in _answer(victim.url, PIN).content


def test_the_duress_pin_from_an_address_over_the_limit_escalates_and_answers_the_refusal(
    db, alice, settings, frozen, team_alerts
):
    settings.HABEAS_CHECKIN_ADDRESS_FAILURES = 3
    heron = enrolled(lead=alice)
    for n in range(3):
        _answer(heron.url, f"99999{n}")
    assert not team_alerts
    guess = _answer(heron.url, "999993")  # refused by the address limit
    duress = _answer(heron.url, DURESS_PIN)
    _same_refusal(duress, guess)
    assert _duress_escalated(heron.at_risk)
    assert CheckIn.objects.get().duress
    # The team heard, once, that the address limit is refusing this plan's answers.
    assert team_alerts.count(("Heron", "pin_address_limit")) == 1


def test_a_plan_locked_by_five_wrong_pins_still_escalates_the_duress_pin_byte_for_byte(
    db, alice, frozen, team_alerts
):
    heron = enrolled(lead=alice)
    for n in range(5):
        _answer(heron.url, f"99999{n}")
    guess = _answer(heron.url, "999995")
    duress = _answer(heron.url, DURESS_PIN)
    _same_refusal(duress, guess)
    assert _duress_escalated(heron.at_risk)
    heron.plan.refresh_from_db()
    assert heron.plan.locked_until is not None  # the lock stays: nothing told the captor
    assert team_alerts[0] == ("Heron", "pin_lockout")


def test_the_right_pin_refused_by_the_lock_tells_the_team_the_person_may_be_trying(
    db, alice, frozen, team_alerts
):
    heron = enrolled(lead=alice)
    for n in range(5):
        _answer(heron.url, f"99999{n}")
    _same_refusal(_answer(heron.url, PIN), _answer(heron.url, "999995"))
    _answer(heron.url, PIN)
    assert not CheckIn.objects.exists()
    assert team_alerts == [("Heron", "pin_lockout"), ("Heron", "pin_right_refused")]
    assert AuditEntry.objects.filter(action=checkin.RIGHT_PIN_REFUSED).count() == 2


def test_a_locked_plan_escalates_the_duress_pin_through_the_bridge_too(db, alice, frozen):
    heron = enrolled(lead=alice)
    client = Client()
    for n in range(5):
        bridge_post(client, bridge_body(heron.plan, f"99999{n}"))
    guess = bridge_post(client, bridge_body(heron.plan, "999995"))
    duress = bridge_post(client, bridge_body(heron.plan, DURESS_PIN))
    assert (duress.status_code, duress.content) == (guess.status_code, guess.content)
    assert sorted(duress.headers.items()) == sorted(guess.headers.items())
    assert duress.json()["ok"] is False
    assert _duress_escalated(heron.at_risk)
