"""A plan's bounds (docs/protection.md, "Bounds"): minutes and dates past them are
refused by the form, the service and the model, and a plan saved past them anyway (a
bad row written straight to the database) never stops the watcher's ladder for the
other people at risk, nor breaks its own page."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from habeas.protection import services
from habeas.protection.models import Escalation, Plan
from tests.support.alerts import SECRET, Receiver
from tests.support.protection_ladder import (
    CONTACT_EMAIL,
    deliveries,
    enrol_heron,
    minutes,
    run_watcher,
)

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)  # 12 hours, then an hour's grace
HUGE = 10**12  # minutes: past any date a computer can hold

PLAN = {
    "kind": "interval",
    "every_hours": "12",
    "schedule": "",
    "time_zone": "UTC",
    "grace_minutes": "60",
    "team_after": "60",
    "contacts_after": "240",
}


@pytest.fixture
def receiver(settings):
    with Receiver() as partner:
        settings.HABEAS_PROTECTION_WEBHOOKS = [(partner.url, SECRET)]
        settings.HABEAS_SITE_URL = "https://habeas.example"
        yield partner


def plan_url(at_risk) -> str:
    return reverse("protection:plan_edit", args=[at_risk.public_id])


def page_url(at_risk) -> str:
    return reverse("protection:at_risk_detail", args=[at_risk.public_id])


def at(moment: datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return run_watcher(moment)


# The form


@time_machine.travel(T0, tick=False)
def test_minutes_past_thirty_days_are_refused_on_the_form_with_the_input_kept(client, alice):
    at_risk = enrol_heron(alice, now=T0, contacts=False)
    client.force_login(alice)
    page = client.post(plan_url(at_risk), {**PLAN, "team_after": HUGE, "contacts_after": HUGE})
    assert page.status_code == 400
    errors = page.context["forms"][0].errors
    assert "less than or equal to 43200" in errors["team_after"][0]
    assert "less than or equal to 43200" in errors["contacts_after"][0]
    assert f'value="{HUGE}"' in page.content.decode(), "the input is kept"
    assert Plan.objects.get(at_risk=at_risk).team_after == 60


@time_machine.travel(T0, tick=False)
def test_a_pause_or_journey_in_year_9999_gets_a_message_not_a_500(client, alice):
    at_risk = enrol_heron(alice, now=T0, contacts=False)
    client.force_login(alice)
    far = "9999-12-31T23:59"
    page = client.post(
        plan_url(at_risk),
        {**PLAN, "paused_until": far, "travel_until": far, "travel_every_hours": "24"},
    )
    assert page.status_code == 400
    errors = page.context["forms"][0].errors
    for name in ("paused_until", "travel_until"):
        assert errors[name] == [
            "Choose a date at most a year ahead; the plan can be changed again then."
        ]
    assert 'value="9999-12-31T23:59"' in page.content.decode()
    # A year is allowed: a long journey, a long stay in hospital.
    year = (T0 + timedelta(days=364)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(plan_url(at_risk), {**PLAN, "paused_until": year}).status_code == 302
    assert Plan.objects.get(at_risk=at_risk).paused_until is not None


# The service and the model: what a command or the API would save


@time_machine.travel(T0, tick=False)
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("team_after", HUGE, "At most 43200 minutes (30 days)."),
        ("contacts_after", 30 * 24 * 60 + 1, "At most 43200 minutes (30 days)."),
        ("remind_after", HUGE, "At most 43200 minutes (30 days)."),
        ("grace_minutes", 24 * 60 + 1, "At most 1440 minutes (a day)."),
        ("every_hours", 24 * 14 + 1, "At most 336 hours (two weeks)."),
        ("paused_until", datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "At most a year ahead."),
        ("paused_until", T0 + timedelta(days=366), "At most a year ahead."),
    ],
)
def test_the_service_refuses_a_plan_past_its_bounds(alice, field, value, message):
    at_risk = enrol_heron(alice, now=T0, contacts=False)
    fields = {"kind": "interval", "every_hours": 12, "team_after": 60, "contacts_after": 240}
    fields[field] = value
    with pytest.raises(ValidationError) as refused:
        services.plan_set(at_risk=at_risk, by=alice, now=T0, **fields)
    assert refused.value.message_dict[field] == [message]
    assert Plan.objects.get(at_risk=at_risk).version == 1, "nothing saved"


@time_machine.travel(T0, tick=False)
def test_the_model_refuses_a_plan_past_its_bounds(alice):
    plan = Plan.objects.get(at_risk=enrol_heron(alice, now=T0, contacts=False))
    plan.full_clean(exclude=["at_risk"])
    plan.team_after = plan.contacts_after = plan.remind_after = HUGE
    plan.grace_minutes = 24 * 60 + 1
    plan.every_hours = plan.travel_every_hours = 24 * 14 + 1
    plan.paused_until = plan.travel_until = T0 + timedelta(days=366)
    with pytest.raises(ValidationError) as refused:
        plan.full_clean(exclude=["at_risk"])
    assert set(refused.value.message_dict) >= {
        "team_after",
        "contacts_after",
        "remind_after",
        "grace_minutes",
        "every_hours",
        "travel_every_hours",
        "paused_until",
        "travel_until",
    }
    assert refused.value.message_dict["paused_until"] == ["At most a year ahead."]


# The watcher: a poisoned plan stops nobody else's ladder


def test_a_poisoned_plan_does_not_stop_another_persons_escalation(
    client, alice, bob, charlie, receiver, caplog
):
    """Bob (another team) has a plan written straight to the database with minutes
    past any date, and another with a pause in year 9999. Heron (alice's) misses her
    check-in too: her team and her safety contacts still hear, in order."""
    alice.email = "alice@org.example"
    alice.save()
    with time_machine.travel(T0, tick=False):
        heron = enrol_heron(alice, now=T0, partner_url=receiver.url)
        dummy = enrol_heron(bob, now=T0, contacts=False)
        paused = enrol_heron(charlie, now=T0, contacts=False)
    # SQLite stores any integer; PostgreSQL's integer column itself refuses one past
    # 2**31 - 1, whose minutes (4,000 years) still make a date. Either way nobody
    # else's ladder stops.
    poison, broken = (HUGE, 2) if connection.vendor == "sqlite" else (2**31 - 1, 1)
    Plan.objects.filter(at_risk=dummy).update(team_after=poison, contacts_after=poison)
    Plan.objects.filter(at_risk=paused).update(
        paused_until=datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    )
    caplog.set_level(logging.INFO)

    first = at(DEADLINE)
    assert first["protection"]["opened"] == 2  # Heron and the dummy; the paused plan failed
    assert first["protection"]["plans_broken"] == broken  # the paused plan, the dummy's times
    after = at(DEADLINE + minutes(240))
    assert after["protection"]["plans_broken"] == broken, "still shown until fixed"
    mine = Escalation.objects.get(at_risk=heron)
    assert mine.stage == Escalation.Stage.CONTACTS
    stages = [d.reference.rsplit(":", 1)[1] for d in deliveries()]
    assert "team" in stages and "contacts" in stages
    assert stages.index("team") < stages.index("contacts")
    assert any(CONTACT_EMAIL in m.to for m in mail.outbox)
    assert any("alice@org.example" in m.to for m in mail.outbox)
    # Broken (SQLite) it stays where it was; 4,000 years away (PostgreSQL), the team
    # stage is never reached.
    assert Escalation.objects.get(at_risk=dummy).stage in (
        Escalation.Stage.MISSED,
        Escalation.Stage.REMINDED,
    )
    # Logged by the plan's id, never its values.
    assert f"plan {Plan.objects.get(at_risk=paused).pk}" in caplog.text
    if broken == 2:
        assert f"plan {Plan.objects.get(at_risk=dummy).pk}" in caplog.text
    assert str(poison) not in caplog.text and "9999" not in caplog.text
    # The dummy's own page (and the dashboard) still opens, for its team.
    with time_machine.travel(DEADLINE + minutes(240), tick=False):
        client.force_login(bob)
        assert client.get(page_url(dummy)).status_code == 200
        assert client.get(reverse("protection:at_risk_list")).status_code == 200
        assert client.get("/").status_code == 200


# F8: a write member cannot push an open escalation away


def test_a_member_cannot_push_an_open_escalation_years_away(client, alice, bob, receiver):
    alice.email = "alice@org.example"
    alice.save()
    with time_machine.travel(T0, tick=False):
        heron = enrol_heron(alice, bob, now=T0, partner_url=receiver.url)
    at(DEADLINE)
    at(DEADLINE + minutes(20))  # the reminder went out; the team is next, at 60
    assert Escalation.objects.get(at_risk=heron).stage == Escalation.Stage.REMINDED
    years = 10 * 365 * 24 * 60
    with time_machine.travel(DEADLINE + minutes(25), tick=False):
        client.force_login(bob)
        page = client.post(plan_url(heron), {**PLAN, "team_after": years, "contacts_after": years})
    assert page.status_code == 400 and "team_after" in page.context["forms"][0].errors
    plan = Plan.objects.get(at_risk=heron)
    assert (plan.team_after, plan.contacts_after) == (60, 240)
    at(DEADLINE + minutes(60))
    assert Escalation.objects.get(at_risk=heron).stage == Escalation.Stage.TEAM
