"""The person's check-in page at the secret link, as the person, a guesser holding
a made-up link, and someone holding the real link without the PIN see it."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.test import Client

from habeas.audit.models import AuditEntry
from habeas.organisation.models import Organisation
from habeas.protection import checkin, ladder, pins
from habeas.protection.models import AtRiskMember, CheckIn, Escalation, PinFailure, Plan
from tests.support.checkin import DURESS_PIN, PIN, enrolled

NOW = dt.datetime(2026, 12, 7, 9, 30, 7, tzinfo=dt.UTC)


@pytest.fixture
def heron(alice):
    return enrolled(lead=alice)


@pytest.fixture
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def team_alerts(monkeypatch):
    """Every `ladder.alert_team` call, the ladder's own work still done."""
    calls = []
    real = ladder.alert_team

    def spy(at_risk, reason):
        calls.append((at_risk.pk, reason))
        return real(at_risk, reason)

    monkeypatch.setattr(ladder, "alert_team", spy)
    return calls


def _anonymous() -> Client:
    return Client(enforce_csrf_checks=True)


def _form_token(response) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    assert found, "the page has its CSRF token"
    return found.group(1).decode()


def _answer(client: Client, url: str, pin: str, place: str = ""):
    """What the person's browser does: open the link, type, confirm."""
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {"csrfmiddlewaretoken": _form_token(page), "pin": pin, "place": place})


def _unmasked(content: bytes) -> bytes:
    """The page without its CSRF token, which Django masks anew on every answer."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _same_answer(a, b) -> None:
    assert a.status_code == b.status_code
    assert sorted(a.headers.items()) == sorted(b.headers.items())
    assert a.cookies.output() == b.cookies.output()
    assert a.content == b.content


# --- a guessed link ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "head", "put"])
def test_a_guessed_link_answers_as_any_unknown_address_byte_for_byte(db, heron, method):
    guessed = f"/k/{pins.new_link_token()}/"
    for url in (guessed, "/k/xyz/"):
        got = getattr(_anonymous(), method)(url)
        unknown = getattr(_anonymous(), method)("/nothing/")
        assert got.status_code == 404
        _same_answer(got, unknown)


def test_an_ended_enrolment_s_link_is_a_guessed_link(db, heron):
    heron.at_risk.ended_at = NOW
    heron.at_risk.save()
    _same_answer(_anonymous().get(heron.url), _anonymous().get("/nothing/"))


# --- the real link without the PIN ----------------------------------------------------


def test_the_real_link_shows_only_a_neutral_form(db, heron, alice):
    Organisation.objects.create(name="Memorial Watch CANARY-ORG")
    heron.at_risk.emergency_file = '{"names": ["CANARY-NAME"]}'
    heron.at_risk.save()
    response = _anonymous().get(heron.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Confirm</title>" in html
    assert 'name="pin"' in html and 'name="place"' in html
    for secret in ("CANARY", "Heron", "Habeas", "habeas", "check-in", "safety", "alice"):
        assert secret.lower() not in html.lower(), secret
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # Only the CSRF cookie, nothing that would tell a later visitor of the phone more.
    assert set(response.cookies) == {"csrftoken"}


def test_the_organisation_is_named_only_when_the_plan_says_so(db, heron):
    Organisation.objects.create(name="Memorial Watch")
    assert b"Memorial Watch" not in _anonymous().get(heron.url).content
    Plan.objects.filter(pk=heron.plan.pk).update(show_organisation=True)
    assert b"Memorial Watch" in _anonymous().get(heron.url).content


def test_the_page_s_stylesheet_names_nothing(db, heron):
    html = _anonymous().get(heron.url).content.decode()
    (href,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert "habeas" not in href.lower()
    css = b"".join(_anonymous().get(href).streaming_content)
    assert b"habeas" not in css.lower()


# --- the PIN --------------------------------------------------------------------------


def test_the_right_pin_records_a_check_in_with_the_place_sealed(db, heron, at_now):
    response = _answer(_anonymous(), heron.url, PIN, place="Vilnius, at a friend's CANARY-PLACE")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="status"' in html and "11:30" in html  # Vilnius time
    assert 'name="pin"' not in html
    row = CheckIn.objects.get()
    assert (row.channel, row.at, row.duress) == (CheckIn.Channel.PAGE, NOW, False)
    assert row.place == "Vilnius, at a friend's CANARY-PLACE"
    raw = CheckIn.objects.values_list("place", flat=True).query
    assert "CANARY" not in str(raw)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT place FROM protection_checkin")
        (stored,) = cursor.fetchone()
    assert "CANARY" not in stored
    heron.plan.refresh_from_db()
    assert heron.plan.last_check_in_at == NOW
    assert heron.plan.next_deadline is not None and heron.plan.next_deadline > NOW
    entry = AuditEntry.objects.filter(action="protection.check_in").get()
    assert "CANARY" not in str(entry.detail) and "duress" not in str(entry.detail)


def test_a_check_in_closes_a_missed_check_in_escalation(db, heron, at_now):
    Escalation.objects.create(
        at_risk=heron.at_risk, cause=Escalation.Cause.MISSED, missed_deadline=NOW
    )
    _answer(_anonymous(), heron.url, PIN)
    escalation = Escalation.objects.get()
    assert escalation.outcome == Escalation.Outcome.CHECKED_IN


def test_a_wrong_pin_does_not_work_and_keeps_the_place(db, heron):
    response = _answer(_anonymous(), heron.url, "000000", place="near the station")
    assert response.status_code == 200
    html = response.content.decode()
    assert "That did not work. Try again." in html
    assert 'value="near the station"' in html
    assert 'value="000000"' not in html
    assert not CheckIn.objects.exists()


def test_an_empty_pin_does_not_work_either(db, heron):
    response = _answer(_anonymous(), heron.url, "")
    assert b"That did not work. Try again." in response.content
    assert not CheckIn.objects.exists()


def test_five_wrong_pins_lock_the_plan_the_right_one_then_fails_and_the_team_hears_once(
    db, heron, at_now, team_alerts
):
    client = _anonymous()
    wrong = [_answer(client, heron.url, f"99999{n}") for n in range(5)]
    after = _answer(client, heron.url, PIN)
    again = _answer(client, heron.url, PIN)
    # Locked and wrong look alike: the guesser cannot tell the lock came.
    assert _unmasked(after.content) == _unmasked(wrong[0].content) == _unmasked(again.content)
    assert b"That did not work. Try again." in after.content
    assert not CheckIn.objects.exists()
    assert not Escalation.objects.exists()
    # The right PIN refused by the lock: the team hears the person may be trying,
    # once per lock (every try is audited).
    assert team_alerts == [
        (heron.at_risk.pk, "pin_lockout"),
        (heron.at_risk.pk, "pin_right_refused"),
    ]
    assert AuditEntry.objects.filter(action="protection.pin_lockout").count() == 1
    assert AuditEntry.objects.filter(action=checkin.RIGHT_PIN_REFUSED).count() == 2
    # Once the lock ran out, the right PIN works again and clears the count.
    at_now.move_to(NOW + pins.LOCK_FIRST, tick=False)
    assert b'role="status"' in _answer(client, heron.url, PIN).content
    heron.plan.refresh_from_db()
    assert (heron.plan.failed_pins, heron.plan.locked_until) == (0, None)
    assert len(team_alerts) == 2


def test_four_wrong_pins_then_the_right_one_lock_nothing(db, heron, team_alerts):
    client = _anonymous()
    for n in range(4):
        _answer(client, heron.url, f"99999{n}")
    assert b'role="status"' in _answer(client, heron.url, PIN).content
    assert b'role="status"' in _answer(client, heron.url, PIN).content
    assert CheckIn.objects.count() == 2
    assert team_alerts == []


def test_one_address_guessing_at_a_link_is_stopped_on_that_link_only(
    db, heron, alice, settings, team_alerts
):
    settings.HABEAS_CHECKIN_ADDRESS_FAILURES = 3
    other = enrolled(lead=alice, code_name="Wren")
    client = _anonymous()
    for _ in range(3):
        _answer(client, other.url, "111111")
    assert PinFailure.objects.count() == 3
    other.plan.refresh_from_db()
    assert other.plan.failed_pins == 3
    # Past the limit, the right PIN from that address is refused on that plan ...
    assert b"That did not work" in _answer(client, other.url, PIN).content
    assert not CheckIn.objects.exists()
    other.plan.refresh_from_db()
    assert other.plan.failed_pins == 3  # ... not counted against the plan ...
    assert (other.at_risk.pk, "pin_address_limit") in team_alerts  # ... and the team told
    # ... while another plan answered from the same address is not held up by it,
    assert b'role="status"' in _answer(client, heron.url, PIN).content
    # nor another address.
    elsewhere = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.9")
    assert b'role="status"' in _answer(elsewhere, other.url, PIN).content
    assert PinFailure.objects.filter(address__contains="127.0.0.1").count() == 0


def test_the_form_needs_its_csrf_token_and_the_refusal_logs_no_link(db, heron, caplog):
    client = _anonymous()
    client.get(heron.url)
    caplog.set_level("DEBUG")
    # Django's security loggers do not propagate to the root, where caplog listens.
    security = logging.getLogger("django.security")
    security.addHandler(caplog.handler)
    try:
        response = client.post(heron.url, {"pin": PIN})
    finally:
        security.removeHandler(caplog.handler)
    assert response.status_code == 403
    assert b"That did not work. Try again." in response.content
    assert b'name="csrfmiddlewaretoken"' in response.content  # a new form to try again
    assert not CheckIn.objects.exists()
    assert heron.token not in caplog.text


def test_the_browser_s_null_origin_under_no_referrer_passes_with_the_token(db, heron):
    client = _anonymous()
    page = client.get(heron.url)
    response = client.post(
        heron.url,
        {"csrfmiddlewaretoken": _form_token(page), "pin": PIN},
        headers={"Origin": "null"},
    )
    assert b'role="status"' in response.content
    forged = client.post(heron.url, {"pin": PIN}, headers={"Origin": "null"})
    assert forged.status_code == 403


def test_a_lost_duress_hand_off_is_escalated_by_the_watcher(db, heron, at_now):
    """The worker died between the answer and the hand-off: the duress check-in is
    there, its escalation is not. The watcher's next pass raises it, once."""
    from habeas.alerts.watcher import watch_pass

    CheckIn.objects.create(at_risk=heron.at_risk, at=NOW, channel="page", duress=True)
    assert watch_pass(now=NOW)["protection.duress"] == {"duress_recovered": 0}  # in flight
    later = NOW + checkin.HANDOFF_GRACE
    assert watch_pass(now=later)["protection.duress"] == {"duress_recovered": 1}
    escalation = Escalation.objects.get()
    assert escalation.cause == Escalation.Cause.DURESS
    assert escalation.stage == Escalation.Stage.CONTACTS
    assert checkin.escalate_pending_duress(later + dt.timedelta(minutes=5)) == 0
    # Closed by the team, it stays closed: the sweep looks at check-ins, not at states.
    Escalation.objects.update(closed_at=later, outcome=Escalation.Outcome.FALSE_ALARM)
    assert checkin.escalate_pending_duress(later + dt.timedelta(minutes=10)) == 0


def test_members_roles_do_not_matter_to_the_page(db, heron, bob):
    # The page knows no user: a team member following the link sees the same form.
    AtRiskMember.objects.create(at_risk=heron.at_risk, user=bob)
    client = Client()
    client.force_login(bob)
    assert b'name="pin"' in client.get(heron.url).content


def test_every_answer_checks_both_hashes_locked_or_not(db, heron, monkeypatch):
    """The time an answer takes is the two slow hashes': the same for the normal PIN,
    the duress PIN, a wrong one and a locked plan."""
    checked = []
    real = pins.check_pin

    def counting(pin, encoded):
        checked.append(encoded)
        return real(pin, encoded)

    monkeypatch.setattr(pins, "check_pin", counting)
    both = sorted([heron.plan.pin_hash, heron.plan.duress_pin_hash])
    for pin in (PIN, DURESS_PIN, "000000", "000001", "000002", "000003", "000004", PIN):
        checked.clear()
        checkin.page_check_in(plan=heron.plan, pin=pin)
        assert sorted(checked) == both, pin
    heron.plan.refresh_from_db()
    assert heron.plan.locked_until is not None  # the last answer met the lock
