"""A caseworker's "I spoke with her": a check-in recorded by a team member, with how,
when and where; everyone else is the outsiders' 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client

from habeas.audit.models import AuditEntry
from habeas.protection.models import AtRiskMember, CheckIn, Escalation
from tests.support.checkin import enrolled

NOW = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def heron(alice, bob, vera, time_machine):
    time_machine.move_to(NOW - dt.timedelta(days=30), tick=False)
    enrolment = enrolled(
        lead=alice, members={bob: AtRiskMember.Role.MEMBER, vera: AtRiskMember.Role.READ_ONLY}
    )
    time_machine.move_to(NOW, tick=False)
    return enrolment


def _url(heron) -> str:
    return f"/protection/{heron.at_risk.public_id}/check-in/"


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _record(client, heron, **fields):
    data = {"contact_channel": "phone", "at": "2026-12-07T08:15", "place": "", "note": ""}
    return client.post(_url(heron), {**data, **fields})


def test_a_team_member_records_a_conversation_as_a_check_in(db, heron, bob):
    Escalation.objects.create(
        at_risk=heron.at_risk, cause=Escalation.Cause.MISSED, missed_deadline=NOW
    )
    client = _as(bob)
    form = client.get(_url(heron))
    assert form.status_code == 200
    assert b'name="contact_channel"' in form.content and b'name="at"' in form.content
    response = _record(
        client, heron, contact_channel="messenger", place="Tbilisi CANARY-PLACE", note="tired"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/protection/{heron.at_risk.public_id}/"
    row = CheckIn.objects.get()
    assert row.channel == CheckIn.Channel.CASEWORKER
    assert row.contact_channel == "messenger"
    assert row.at == dt.datetime(2026, 12, 7, 8, 15, tzinfo=dt.UTC)
    assert row.recorded_by == bob
    assert (row.place, row.note, row.duress) == ("Tbilisi CANARY-PLACE", "tired", False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT place FROM protection_checkin")
        assert "CANARY" not in cursor.fetchone()[0]
    heron.plan.refresh_from_db()
    assert heron.plan.last_check_in_at == row.at
    assert Escalation.objects.get().outcome == Escalation.Outcome.CHECKED_IN
    entry = AuditEntry.objects.get(action="protection.check_in")
    assert entry.actor_id == bob.pk and "CANARY" not in str(entry.detail)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"at": "2026-12-07T09:31"}, "A conversation cannot be in the future."),
        ({"at": "2026-11-01T10:00"}, "This is before they were enrolled."),
        ({"at": "yesterday"}, "Enter a valid date/time."),
        ({"contact_channel": ""}, "This field is required."),
        ({"contact_channel": "pigeon"}, "Select a valid choice."),
        ({"place": "x" * 501}, "Ensure this value has at most 500 characters"),
    ],
)
def test_errors_are_explained_and_the_input_kept(db, heron, alice, fields, message):
    response = _record(_as(alice), heron, note="she sounded calm", **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "she sounded calm" in html
    if "at" in fields:
        assert f'value="{fields["at"]}"' in html
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("who", ["vera", "charlie"])
def test_read_only_members_and_outsiders_get_the_404(db, heron, who, request):
    client = _as(request.getfixturevalue(who))
    assert client.get(_url(heron)).status_code == 404
    assert _record(client, heron).status_code == 404
    assert not CheckIn.objects.exists()


def test_an_unknown_person_is_the_same_404(db, alice):
    response = _as(alice).get("/protection/00000000-0000-4000-8000-000000000000/check-in/")
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(db, heron):
    response = Client().get(_url(heron))
    assert response.status_code == 302 and "/login/" in response["Location"]
