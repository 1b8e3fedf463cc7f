"""The demo's person at risk is enrolled through the services, and its page works."""

from __future__ import annotations

from django.urls import reverse

from habeas.demo import protection as demo
from habeas.protection.emergency import EmergencyFile
from habeas.protection.models import AtRisk, Plan


def test_the_demo_enrols_a_person_at_risk_with_a_plan(client, alice):
    demo.load(user=alice)
    at_risk = AtRisk.objects.get(code_name=demo.CODE_NAME)
    plan = Plan.objects.get(at_risk=at_risk)
    assert plan.next_deadline is not None and plan.link_key and plan.version == 1
    assert EmergencyFile.from_json(at_risk.emergency_file).primary_name == "Dilnoza Karimova"
    assert at_risk.contacts.count() == 2
    client.force_login(alice)
    page = client.get(reverse("protection:at_risk_detail", args=[at_risk.public_id]))
    assert page.status_code == 200 and "Дилноза Каримова" in page.content.decode()
