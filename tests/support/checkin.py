"""A person at risk with a check-in plan whose secrets the tests know: the link's
token, the PIN, the duress PIN and the bridge's secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass

from django.test import Client

from habeas.accounts.models import User
from habeas.protection import services
from habeas.protection.models import AtRisk, Plan
from tests.support.protection import full_file

PIN = "246810"
DURESS_PIN = "135790"
BRIDGE_SECRET = "a bridge secret of enough length for HMAC-SHA256"


@dataclass
class Enrolled:
    at_risk: AtRisk
    plan: Plan
    token: str

    @property
    def url(self) -> str:
        return f"/k/{self.token}/"


def enrolled(*, lead: User, members: dict[User, str] | None = None, code_name="Heron") -> Enrolled:
    """Enrolled and given a plan through the services, as the caseworker's pages do;
    the bridge's secret set as the bot's operator would have it."""
    at_risk = services.enrol(
        code_name=code_name,
        consent_on=dt.date(2026, 1, 5),
        consent_how="in person",
        file=full_file(),
        by=lead,
    )
    for user, role in (members or {}).items():
        services.member_set(at_risk=at_risk, user=user, role=role, by=lead)
    issued = services.plan_set(
        at_risk=at_risk,
        by=lead,
        kind="interval",
        every_hours=24,
        time_zone="Europe/Vilnius",
        grace_minutes=60,
        pin=PIN,
        duress_pin=DURESS_PIN,
    )
    plan = issued.plan
    # The link came with a bridge secret of its own (shown once); the tests sign with
    # a known one instead, as if the bot's operator had issued it afresh.
    assert issued.bridge_secret and plan.webhook_secret == issued.bridge_secret
    plan.webhook_secret = BRIDGE_SECRET
    plan.save(update_fields=["webhook_secret"])
    return Enrolled(at_risk=at_risk, plan=plan, token=issued.token)


def checkin_ids(lead: User, *, mark: str = "") -> dict:
    """For the authorization matrix and the canaries: a real check-in link's token, on
    a person with a caseworker's check-in whose place and note carry `mark`."""
    from habeas.protection import checkin

    link = enrolled(lead=lead, code_name="LINK")
    checkin.caseworker_check_in(
        at_risk=link.at_risk,
        by=lead,
        contact_channel="phone",
        at=link.at_risk.created_at,
        place=f"a friend's flat {mark}",
        note=f"said they are fine {mark}",
    )
    return {"token": link.token}


def bridge_post(
    client: Client,
    body: dict | bytes,
    *,
    secret: str = BRIDGE_SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
):
    """POST a check-in to the bridge endpoint as a bot would (docs/protection.md)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    if signature is None:
        mac = hmac.new(secret.encode(), stamp.encode() + b"." + raw, hashlib.sha256)
        signature = "sha256=" + mac.hexdigest()
    headers = {"X-Habeas-Timestamp": stamp, "X-Habeas-Signature": signature}
    return client.post(
        "/protection/bridge/check-in/", raw, content_type="application/json", headers=headers
    )


def bridge_body(plan: Plan, pin: str = PIN, **extra) -> dict:
    return {"plan": str(plan.public_id), "pin": pin, "delivery_id": str(uuid.uuid4()), **extra}
