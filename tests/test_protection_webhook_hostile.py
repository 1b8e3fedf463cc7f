"""The bridge endpoint is on the internet, unauthenticated until its signature is
checked: a body too large, nested past the parser or not JSON at all gets the one
ordinary refusal (never a 500 and a traceback), and a bad signature costs the same
work whether the plan it names exists or not."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from habeas.lib import crypto
from habeas.protection.models import CheckIn
from tests.support.checkin import bridge_body, bridge_post, enrolled

URL = "/protection/bridge/check-in/"


@pytest.fixture
def heron(alice):
    return enrolled(lead=alice)


def _refusal(client: Client):
    return bridge_post(client, b"{}", signature="sha256=00")


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 200_000 + b"]" * 200_000,  # over the cap, and too deep
        b"[" * 4_000 + b"]" * 4_000,  # under the cap, deeper than the parser goes
        b'{"a":' * 1_300 + b"1" + b"}" * 1_300,
        b"\xff\xfe",
        b"1e999999",
        b'{"plan": "x", "pin": "' + b"1" * 9_000 + b'"}',  # over the size cap
    ],
    ids=["nested-huge", "nested-lists", "nested-objects", "not-utf8", "huge-number", "too-large"],
)
def test_a_hostile_body_gets_the_ordinary_refusal(db, heron, body):
    client = Client(raise_request_exception=False)
    expected = _refusal(client)
    for signed in (False, True):
        response = bridge_post(client, body, signature=None if signed else "sha256=00")
        assert response.status_code == expected.status_code == 403
        assert response.content == expected.content
    assert not CheckIn.objects.exists()


def test_a_signed_body_over_the_cap_is_refused_unread(db, heron):
    body = bridge_body(heron.plan, place="x" * 8_200)  # the documented cap is 8 KB
    response = bridge_post(Client(), body)
    assert response.status_code == 403
    assert not CheckIn.objects.exists()
    # A real check-in is far under it.
    assert bridge_post(Client(), bridge_body(heron.plan)).json()["ok"] is True


def test_a_bad_signature_costs_the_same_for_a_known_and_an_unknown_plan(db, heron, monkeypatch):
    opened: list[str] = []
    real = crypto.decrypt

    def spy(ring, token, aad):
        opened.append(aad)
        return real(ring, token, aad)

    monkeypatch.setattr(crypto, "decrypt", spy)
    work = {}
    for name, plan_id in (("known", str(heron.plan.public_id)), ("unknown", str(uuid.uuid4()))):
        opened.clear()
        body = {"plan": plan_id, "pin": "1", "delivery_id": "d" * 10}
        with CaptureQueriesContext(connection) as queries:
            response = bridge_post(Client(), body, signature="sha256=" + "0" * 64)
        assert response.status_code == 403
        work[name] = (len(queries), len(opened))
    # The same queries, and one sealed secret opened either way.
    assert work["known"] == work["unknown"]
    assert work["unknown"][1] == 1
