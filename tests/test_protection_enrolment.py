"""Enrolment with consent, and the plan: the link and PINs shown once, never kept."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from habeas.audit.models import AuditEntry
from habeas.protection import pins, services
from habeas.protection.models import AtRisk, AtRiskMember, Plan
from tests.support.protection import enrolled


def test_enrolling_through_the_form_makes_the_caseworker_lead(client, alice):
    client.force_login(alice)
    page = client.post(
        reverse("protection:enrol"),
        {"code_name": "HERON", "consent_on": "2026-11-20", "consent_how": "in person"},
    )
    at_risk = AtRisk.objects.get(code_name="HERON")
    assert page.status_code == 302
    assert page["Location"] == reverse("protection:file_edit", args=[at_risk.public_id])
    assert at_risk.members.get().user == alice
    assert at_risk.members.get().role == AtRiskMember.Role.LEAD
    assert AuditEntry.objects.filter(action="protection.enrol").exists()


def test_consent_is_required_and_the_form_keeps_the_input(client, alice):
    client.force_login(alice)
    page = client.post(reverse("protection:enrol"), {"code_name": "HERON Ω", "consent_how": ""})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'value="HERON Ω"' in html
    assert "consent_on" in page.context["form"].errors
    assert "consent_how" in page.context["form"].errors
    assert not AtRisk.objects.exists()


def test_consent_in_the_future_is_refused(alice):
    with pytest.raises(ValidationError) as refused:
        services.enrol(
            code_name="X",
            consent_on=timezone.localdate() + dt.timedelta(days=2),
            consent_how="in person",
            by=alice,
        )
    assert "consent_on" in refused.value.message_dict


def test_the_service_refuses_an_enrolment_without_how_consent_was_given(alice):
    """Every way in (a command, the demo), not only the form."""
    with pytest.raises(ValidationError) as refused:
        services.enrol(code_name="X", consent_on=dt.date(2026, 1, 1), consent_how="  ", by=alice)
    assert "consent_how" in refused.value.message_dict
    assert not AtRisk.objects.exists()


def test_viewers_enrol_nobody(client, vera):
    client.force_login(vera)
    assert client.get(reverse("protection:enrol")).status_code == 404
    with pytest.raises(ValidationError):
        services.enrol(code_name="X", consent_on=dt.date(2026, 1, 1), consent_how="x", by=vera)


PLAN = {
    "kind": "interval",
    "every_hours": "12",
    "schedule": "",
    "time_zone": "Europe/Istanbul",
    "grace_minutes": "30",
    "team_after": "60",
    "contacts_after": "240",
}


def test_the_link_and_pins_are_shown_once_and_kept_nowhere(client, alice, caplog):
    at_risk = enrolled(alice, plan=False)
    client.force_login(alice)
    caplog.set_level(logging.DEBUG)
    # Eight digits: four could turn up by chance in a hash, a UUID or a timestamp.
    page = client.post(
        reverse("protection:plan_edit", args=[at_risk.public_id]),
        {**PLAN, "pin": "48260391", "duress_pin": "91730582"},
    )
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    issued = page.context["issued"]
    html = page.content.decode()
    assert issued.token in html and "48260391" in html and "91730582" in html
    assert issued.bridge_secret and issued.bridge_secret in html
    plan = Plan.objects.get(at_risk=at_risk)
    assert pins.check_pin("48260391", plan.pin_hash) and pins.check_pin(
        "91730582", plan.duress_pin_hash
    )
    assert issued.token not in plan.link_key
    # Not in the database (any table), the audit log or the application log.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            dump = repr(cursor.fetchall())
            assert issued.token not in dump, table
            assert issued.bridge_secret not in dump, table
            assert "48260391" not in dump and "91730582" not in dump, table
    assert issued.token not in caplog.text and "48260391" not in caplog.text
    # The detail page afterwards does not show them again.
    again = client.get(reverse("protection:at_risk_detail", args=[at_risk.public_id]))
    assert issued.token not in again.content.decode() and "48260391" not in again.content.decode()


def test_pins_must_differ_and_be_6_to_8_digits(client, alice):
    at_risk = enrolled(alice, plan=False)
    client.force_login(alice)
    url = reverse("protection:plan_edit", args=[at_risk.public_id])
    same = client.post(url, {**PLAN, "pin": "123456", "duress_pin": "123456"})
    assert same.status_code == 400 and "duress_pin" in same.context["forms"][0].errors
    short = client.post(url, {**PLAN, "pin": "12345", "duress_pin": "123456789"})
    assert short.status_code == 400
    assert {"pin", "duress_pin"} <= set(short.context["forms"][0].errors)
    assert 'value="Europe/Istanbul" selected' in short.content.decode()
    assert not Plan.objects.exists()


def test_pins_left_empty_are_made(alice):
    at_risk = enrolled(alice, plan=False)
    issued = services.plan_set(at_risk=at_risk, by=alice, kind="interval", every_hours=24)
    assert issued.pin.isdigit() and issued.duress_pin.isdigit() and issued.pin != issued.duress_pin


def test_editing_without_reissue_keeps_the_link_and_bumps_the_version(alice):
    at_risk = enrolled(alice)
    plan = Plan.objects.get(at_risk=at_risk)
    key, version = plan.link_key, plan.version
    edited = services.plan_set(at_risk=at_risk, by=alice, kind="interval", every_hours=6)
    assert not edited.issued
    plan.refresh_from_db()
    assert plan.link_key == key and plan.version == version + 1 and plan.every_hours == 6
    assert plan.next_deadline is not None
    reissued = services.plan_set(
        at_risk=at_risk, by=alice, kind="interval", every_hours=6, reissue=True
    )
    plan.refresh_from_db()
    assert reissued.issued and plan.link_key != key


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "schedule", "schedule": "0 25 * * *"}, "schedule"),
        ({"kind": "schedule", "schedule": "every day"}, "schedule"),
        ({"kind": "interval", "every_hours": None}, "every_hours"),
        ({"kind": "interval", "every_hours": 4, "time_zone": "Mars/Olympus"}, "time_zone"),
        (
            {"kind": "interval", "every_hours": 4, "team_after": 300, "contacts_after": 60},
            "contacts_after",
        ),
        (
            {
                "kind": "interval",
                "every_hours": 4,
                "reminder_channel": "email",
                "reminder_target": "x",
            },
            "reminder_target",
        ),
        (
            {
                "kind": "interval",
                "every_hours": 4,
                "travel_until": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            },
            "travel_until",
        ),
    ],
)
def test_a_wrong_plan_is_refused_on_its_field(alice, fields, field):
    at_risk = enrolled(alice, plan=False)
    with pytest.raises(ValidationError) as refused:
        services.plan_set(at_risk=at_risk, by=alice, **fields)
    assert field in refused.value.message_dict


def test_a_schedule_in_cron_is_accepted(alice):
    at_risk = enrolled(alice, plan=False)
    issued = services.plan_set(
        at_risk=at_risk,
        by=alice,
        kind="schedule",
        schedule="0 9,21 * * 1-5",
        time_zone="Asia/Ashgabat",
    )
    assert issued.plan.schedule == "0 9,21 * * 1-5" and issued.plan.every_hours is None
