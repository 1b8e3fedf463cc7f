"""Interventions and alerts over the JSON API: the advocacy services' refusals as
400s with the web's reasons, each step through its service, and the 404 of
outsiders and read-only members."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from habeas.advocacy import services as advocacy
from habeas.advocacy.models import Intervention
from habeas.alerts.models import Alert
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate
from tests.support.alerts import raise_alert
from tests.support.api_calls import api_for


@pytest.fixture
def case(alices_case):
    return alices_case


@pytest.fixture
def letter(case, alice):
    return advocacy.intervention_add(case=case, kind="letter_authorities", by=alice)


def test_a_draft_is_recorded_through_the_service(alice, case):
    response = api_for(alice).post(
        "/interventions/",
        {"case": str(case.public_id), "kind": "letter_authorities", "reference": "OUT-1"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["reference"] == "OUT-1"
    assert body["case"] == str(case.public_id)
    made = Intervention.objects.get(public_id=body["id"])
    assert AuditEntry.objects.filter(
        action="intervention.create", target_id=str(made.public_id)
    ).exists()


def test_the_urgent_procedure_outside_its_window_is_refused_with_the_services_reason(alice, case):
    # Disappeared 20 Oct 2021: the three-month window passed long ago.
    response = api_for(alice).post(
        "/interventions/", {"case": str(case.public_id), "kind": "wgeid_urgent"}
    )
    assert response.status_code == 400
    message = " ".join(response.json()["errors"]["kind"])
    assert "three-month window" in message and "2022" in message
    assert not Intervention.objects.filter(case=case).exists()


def test_the_urgent_procedure_inside_its_window_is_recorded(alice):
    person = cases.person_create(name="Recent Person", by=alice)
    with time_machine.travel(date(2024, 3, 10)):
        recent = cases.case_create(
            reference="TM-2024-001",
            person=person,
            country="TM",
            disappeared_on=PartialDate.parse("2024-03-01"),
            by=alice,
        )
        response = api_for(alice).post(
            "/interventions/", {"case": str(recent.public_id), "kind": "wgeid_urgent"}
        )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "wgeid_urgent"


def test_each_step_goes_through_its_service(alice, case, letter):
    api = api_for(alice)
    url = f"/interventions/{letter.public_id}/"
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = api.post(url + "sent-elsewhere/", {"sent_on": future, "channel": "post"})
    assert refused.status_code == 400
    assert "sent_on" in refused.json()["errors"]
    sent = api.post(url + "sent-elsewhere/", {"sent_on": "2022-02-01", "channel": "post"})
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "sent" and sent.json()["sent_outside"] is True
    early = api.post(url + "responses/", {"received_on": "2022-01-01", "type": "denial"})
    assert early.status_code == 400  # before it was sent
    replied = api.post(url + "responses/", {"received_on": "2022-03-01", "type": "denial"})
    assert replied.status_code == 201, replied.content
    assert [r["type"] for r in replied.json()["responses"]] == ["denial"]
    blank = api.post(url + "close/", {"reason": "   "})
    assert blank.status_code == 400
    closed = api.post(url + "close/", {"reason": "Whereabouts disclosed."})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert api.get(url).json()["closed_reason"] == "Whereabouts disclosed."


def test_an_incomplete_letter_cannot_be_marked_ready(alice, letter):
    url = f"/interventions/{letter.public_id}/ready/"
    api = api_for(alice)
    unchecked = api.post(url, {"checked": False})
    assert unchecked.status_code == 400 and "checked" in unchecked.json()["errors"]
    missing = api.post(url, {"checked": True})
    assert missing.status_code == 400
    assert "Missing" in " ".join(missing.json()["errors"]["__all__"])  # no addressee
    letter.refresh_from_db()
    assert letter.status == "draft"


def test_outsiders_and_read_only_members_change_nothing(charlie, vera, case, letter):
    nothing = uuid.uuid4()
    outsider = api_for(charlie)
    missing = outsider.get(f"/interventions/{nothing}/")
    assert missing.status_code == 404
    assert outsider.get(f"/interventions/{letter.public_id}/").content == missing.content
    assert outsider.get("/interventions/").json()["items"] == []
    body = {"case": str(case.public_id), "kind": "letter_authorities"}
    assert outsider.post("/interventions/", body).status_code == 404
    viewer = api_for(vera, scope="read")
    assert viewer.get(f"/interventions/{letter.public_id}/").status_code == 200
    for who in (outsider, viewer):
        closing = who.post(f"/interventions/{letter.public_id}/close/", {"reason": "No."})
        assert closing.status_code == 404
    letter.refresh_from_db()
    assert letter.status == "draft"
    assert Intervention.objects.filter(case=case).count() == 1


def test_a_read_token_may_not_write(bob, letter):
    response = api_for(bob, scope="read").post(
        f"/interventions/{letter.public_id}/close/", {"reason": "Done."}
    )
    assert response.status_code == 403
    letter.refresh_from_db()
    assert letter.status == "draft"


# --- Alerts --------------------------------------------------------------------


@pytest.fixture
def alert(case):
    return raise_alert(case, occurrence="api")


def test_the_inbox_lists_the_alerts_of_ones_cases_only(bob, charlie, case, alert):
    mine = api_for(bob).get("/alerts/").json()["items"]
    assert [a["id"] for a in mine] == [str(alert.public_id)]
    assert mine[0]["case"] == {"id": str(case.public_id), "label": case.reference}
    assert api_for(charlie).get("/alerts/").json()["items"] == []
    assert api_for(charlie).get(f"/alerts/{alert.public_id}/").status_code == 404


def test_acknowledging_takes_it_out_of_the_inbox(bob, alert):
    api = api_for(bob)
    response = api.post(f"/alerts/{alert.public_id}/acknowledge/")
    assert response.status_code == 200 and response.json()["state"] == "acknowledged"
    assert api.get("/alerts/").json()["items"] == []
    assert len(api.get("/alerts/", show="all").json()["items"]) == 1


def test_a_snooze_needs_a_reason_and_a_read_only_member_cannot_act(bob, vera, alert):
    api = api_for(bob)
    url = f"/alerts/{alert.public_id}/snooze/"
    assert api.post(url, {"days": 3, "reason": "  "}).status_code == 400
    assert api.post(url, {"days": 2, "reason": "Waiting."}).status_code == 400  # not a choice
    viewer = api_for(vera, scope="read")
    assert viewer.get(f"/alerts/{alert.public_id}/").status_code == 200
    assert viewer.post(f"/alerts/{alert.public_id}/acknowledge/").status_code == 404
    snoozed = api.post(url, {"days": 3, "reason": "The lawyer sees him on Monday."})
    assert snoozed.status_code == 200 and snoozed.json()["state"] == "snoozed"
    alert.refresh_from_db()
    assert alert.state == Alert.State.SNOOZED
