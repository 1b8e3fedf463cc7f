"""A person at risk with a team, a plan and safety contacts, for the ladder's and the
watcher's tests: HERON, on alice's team (bob a member, vera read-only), with a
named contact by e-mail and a partner organisation by webhook.

The emergency file holds canaries: none may leave in a notification unless the
person consented to it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from habeas.alerts.models import Delivery
from habeas.alerts.watcher import watch_pass
from habeas.protection import services
from habeas.protection.emergency import Document, EmergencyFile, Name
from habeas.protection.models import AtRisk, AtRiskMember, Plan

PARTNER_URL = "https://partner.example/habeas"
NAME_CANARY = "CANARY-Ilhom Sattorov"
FEAR_CANARY = "CANARY-FEAR the GKNB's 5th department"
PASSPORT_CANARY = "CANARY-PASSPORT-AA1234567"
CONTACT_NAME = "CANARY-CONTACT Dilnoza"
CONTACT_EMAIL = "dilnoza@contact.example"
REMINDER_EMAIL = "heron.safe@mail.example"


def emergency_file(*, named: bool = False, un: bool = True) -> EmergencyFile:
    return EmergencyFile(
        names=[Name(text=NAME_CANARY, script="Latn", language="tg")],
        fears=FEAR_CANARY,
        documents=[Document(kind="passport", number=PASSPORT_CANARY, issued_by="TJ")],
        consent_un=un,
        consent_authorities=False,
        consent_publication=False,
        consent_named=named,
    )


def enrol_heron(
    alice,
    bob=None,
    vera=None,
    *,
    now: datetime | None = None,
    named: bool = False,
    contacts: bool = True,
    partner_url: str = PARTNER_URL,
    **plan_fields,
) -> AtRisk:
    """Through protcore's services, as a caseworker enrols someone: the plan's first
    deadline is counted from `now`."""
    now = now or timezone.now()
    at_risk = services.enrol(
        code_name="HERON",
        consent_on=now.date(),
        consent_how="in person",
        by=alice,
        file=emergency_file(named=named),
        now=now,
    )
    if bob is not None:
        services.member_set(at_risk=at_risk, user=bob, role=AtRiskMember.Role.MEMBER, by=alice)
    if vera is not None:
        services.member_set(at_risk=at_risk, user=vera, role=AtRiskMember.Role.READ_ONLY, by=alice)
    values = {
        "kind": Plan.Kind.INTERVAL,
        "every_hours": 12,
        "grace_minutes": 60,
        "remind_after": 15,
        "reminder_channel": "email",
        "reminder_target": REMINDER_EMAIL,
        "team_after": 60,
        "contacts_after": 240,
    }
    values.update(plan_fields)
    services.plan_set(at_risk=at_risk, by=alice, now=now, **values)
    if contacts:
        configured = dict(settings.HABEAS_PROTECTION_WEBHOOKS)
        if partner_url not in configured:
            # Only a configured webhook is accepted: configure the stand-in partner
            # for the set-up (a test that sends configures its receiver itself).
            configured[partner_url] = "a partner secret of decent length"
        with override_settings(HABEAS_PROTECTION_WEBHOOKS=list(configured.items())):
            services.contacts_set(
                at_risk=at_risk,
                contacts=[
                    services.ContactData(
                        name=CONTACT_NAME, channel="email", target=CONTACT_EMAIL, language="ru"
                    ),
                    services.ContactData(
                        name="Partner NGO", is_partner=True, channel="webhook", target=partner_url
                    ),
                ],
                by=alice,
            )
    return at_risk


def run_watcher(now: datetime) -> dict:
    """One watcher pass at `now` (the delivery step included)."""
    return watch_pass(now=now, worker="test")


def deliveries() -> list[Delivery]:
    """Every protection notification handed to the outbox, in order."""
    rows = Delivery.objects.filter(alert__isnull=True).select_related("user").order_by("pk")
    return list(rows)


def stages_sent() -> list[str]:
    """The stage of every protection delivery, in the order they were queued."""
    return [d.reference.rsplit(":", 1)[1] for d in deliveries()]


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
