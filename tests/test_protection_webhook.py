"""The messaging bridge's endpoint, as the organisation's bot, an adversary
replaying a captured request, and one probing for plans see it."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest
from django.test import Client

from habeas.protection import pins
from habeas.protection.models import BridgeDelivery, CheckIn, Plan
from tests.support.checkin import PIN, bridge_body, bridge_post, enrolled

NOW = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def heron(alice):
    return enrolled(lead=alice)


@pytest.fixture
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


def _refused(response) -> None:
    assert response.status_code == 403
    assert response.json() == {
        "ok": False,
        "error": "Refused: unsigned, badly signed, stale or replayed.",
    }


def test_a_signed_check_in_is_recorded_with_its_place_and_note_sealed(db, heron, at_now):
    body = bridge_body(heron.plan, place="Riga CANARY-PLACE", note="all fine CANARY-NOTE")
    response = bridge_post(Client(), body)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "at": "2026-12-07T09:30:00+00:00"}
    assert response["Cache-Control"] == "no-store"
    row = CheckIn.objects.get()
    assert (row.channel, row.at, row.duress) == (CheckIn.Channel.WEBHOOK, NOW, False)
    assert (row.place, row.note) == ("Riga CANARY-PLACE", "all fine CANARY-NOTE")
    heron.plan.refresh_from_db()
    assert heron.plan.last_check_in_at == NOW


def test_a_wrong_pin_through_the_bridge_does_not_work(db, heron):
    response = bridge_post(Client(), bridge_body(heron.plan, "000000"))
    assert response.status_code == 200
    assert response.json() == {"ok": False, "message": "That did not work. Try again."}
    assert not CheckIn.objects.exists()


def test_unsigned_and_badly_signed_requests_are_refused(db, heron):
    body = json.dumps(bridge_body(heron.plan)).encode()
    _refused(Client().post("/protection/bridge/check-in/", body, content_type="application/json"))
    _refused(bridge_post(Client(), body, signature="sha256=" + "0" * 64))
    _refused(bridge_post(Client(), body, secret="another secret"))
    _refused(bridge_post(Client(), body, timestamp="yesterday"))  # type: ignore[arg-type]
    assert not CheckIn.objects.exists()


def test_an_unknown_plan_is_refused_as_a_bad_signature(db, heron):
    """One answer, so that the endpoint tells nobody which plans exist."""
    unknown = bridge_post(Client(), {**bridge_body(heron.plan), "plan": str(uuid.uuid4())})
    bad = bridge_post(Client(), bridge_body(heron.plan), secret="guess")
    not_an_id = bridge_post(Client(), {**bridge_body(heron.plan), "plan": "Heron"})
    garbage = bridge_post(Client(), b"not json")
    for response in (unknown, bad, not_an_id, garbage):
        _refused(response)
        assert sorted(response.headers.items()) == sorted(bad.headers.items())
        assert response.content == bad.content


def test_a_plan_without_a_bridge_secret_or_ended_refuses_everything(db, heron, alice):
    Plan.objects.filter(pk=heron.plan.pk).update(webhook_secret="")
    _refused(bridge_post(Client(), bridge_body(heron.plan), secret=""))
    other = enrolled(lead=alice, code_name="Wren")
    other.at_risk.ended_at = NOW
    other.at_risk.save()
    _refused(bridge_post(Client(), bridge_body(other.plan)))
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("skew", [-301, 301, -3600])
def test_a_stale_or_early_request_is_refused(db, heron, at_now, skew):
    stamp = int(NOW.timestamp()) + skew
    _refused(bridge_post(Client(), bridge_body(heron.plan), timestamp=stamp))
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("skew", [-300, 300])
def test_a_clock_a_little_off_is_fine(db, heron, at_now, skew):
    stamp = int(NOW.timestamp()) + skew
    response = bridge_post(Client(), bridge_body(heron.plan), timestamp=stamp)
    assert response.json()["ok"] is True


def test_a_replayed_request_is_refused(db, heron):
    body = json.dumps(bridge_body(heron.plan)).encode()
    stamp = int(time.time())
    assert bridge_post(Client(), body, timestamp=stamp).json()["ok"] is True
    _refused(bridge_post(Client(), body, timestamp=stamp))
    # Re-signed with a new timestamp, the delivery id still gives it away.
    _refused(bridge_post(Client(), body, timestamp=stamp + 1))
    assert CheckIn.objects.count() == 1


def test_remembered_deliveries_are_forgotten_once_they_would_be_stale(db, heron, time_machine):
    time_machine.move_to(NOW, tick=False)
    bridge_post(Client(), bridge_body(heron.plan))
    time_machine.move_to(NOW + dt.timedelta(minutes=11), tick=False)
    bridge_post(Client(), bridge_body(heron.plan))
    assert BridgeDelivery.objects.count() == 1


def test_a_signed_body_that_is_not_a_check_in_says_what_is_wrong(db, heron):
    response = bridge_post(Client(), {"plan": str(heron.plan.public_id), "delivery_id": "d" * 20})
    assert response.status_code == 400
    assert "pin" in response.json()["error"]
    response = bridge_post(Client(), {**bridge_body(heron.plan), "delivery_id": 7})
    assert response.status_code == 400 and "delivery_id" in response.json()["error"]
    response = bridge_post(Client(), {**bridge_body(heron.plan), "place": ["x"]})
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_the_bridge_and_the_page_share_the_lock(db, heron):
    for n in range(pins.PIN_TRIES):
        bridge_post(Client(), bridge_body(heron.plan, f"00000{n}"))
    response = bridge_post(Client(), bridge_body(heron.plan, PIN))
    assert response.json() == {"ok": False, "message": "That did not work. Try again."}
    heron.plan.refresh_from_db()
    assert heron.plan.locked_until is not None


def test_only_post(db, heron):
    assert Client().get("/protection/bridge/check-in/").status_code == 405


# --- the bridge's secret, as the caseworker issues it ---------------------------------


def _secret_page(user, heron, **data):
    client = Client()
    client.force_login(user)
    url = f"/protection/{heron.at_risk.public_id}/bridge/"
    return client.post(url, data) if data else client.get(url)


def test_a_team_member_issues_the_bridge_secret_shown_once(db, heron, bob, alice):
    from habeas.audit.models import AuditEntry
    from habeas.protection.models import AtRiskMember

    AtRiskMember.objects.create(at_risk=heron.at_risk, user=bob)
    page = _secret_page(bob, heron)
    assert page.status_code == 200
    assert str(heron.plan.public_id).encode() in page.content
    assert b"/protection/bridge/check-in/" in page.content
    issued = _secret_page(bob, heron, action="issue")
    assert issued.status_code == 200 and "no-store" in issued["Cache-Control"]
    secret = issued.context["secret"]
    assert len(secret) >= 40 and secret.encode() in issued.content
    assert secret.encode() not in _secret_page(bob, heron).content  # only then
    # The bot works with the new secret, no longer with the old one.
    assert bridge_post(Client(), bridge_body(heron.plan), secret=secret).json()["ok"] is True
    _refused(bridge_post(Client(), bridge_body(heron.plan)))
    entry = AuditEntry.objects.get(action="protection.bridge_secret")
    assert secret not in str(entry.payload())
    # Turned off: everything refused.
    off = _secret_page(alice, heron, action="off")
    assert off.status_code == 302
    _refused(bridge_post(Client(), bridge_body(heron.plan), secret=secret))


@pytest.mark.parametrize("who", ["vera", "charlie"])
def test_read_only_members_and_outsiders_cannot_see_or_issue_it(db, heron, who, request):
    from habeas.protection.models import AtRiskMember

    user = request.getfixturevalue(who)
    if who == "vera":
        AtRiskMember.objects.create(
            at_risk=heron.at_risk, user=user, role=AtRiskMember.Role.READ_ONLY
        )
    assert _secret_page(user, heron).status_code == 404
    assert _secret_page(user, heron, action="issue").status_code == 404
    assert bridge_post(Client(), bridge_body(heron.plan)).json()["ok"] is True  # unchanged
