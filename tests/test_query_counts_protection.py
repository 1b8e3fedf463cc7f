"""The protection pages keep a constant number of queries however many people at
risk, team members, contacts or check-ins there are."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from habeas.protection import services
from habeas.protection.models import AtRiskMember, CheckIn, Escalation
from tests.conftest import make_user
from tests.support.protection import enrolled


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(at_risk, by, n: int, start: int) -> None:
    for i in range(start, start + n):
        user = make_user(f"member{i}")
        services.member_set(at_risk=at_risk, user=user, role=AtRiskMember.Role.MEMBER, by=by)
        CheckIn.objects.create(
            at_risk=at_risk,
            at=timezone.now() - dt.timedelta(hours=i + 1),
            channel=CheckIn.Channel.CASEWORKER,
            contact_channel="phone",
            recorded_by=user,
            place=f"place {i}",
        )
    services.contacts_set(
        at_risk=at_risk,
        contacts=[
            services.ContactData(name=f"Contact {i}", channel="email", target=f"c{i}@example.org")
            for i in range(start + n)
        ],
        by=by,
    )


def test_the_persons_page_and_the_forms_do_not_grow(login, alice):
    at_risk = enrolled(alice)
    Escalation.objects.create(
        at_risk=at_risk, cause=Escalation.Cause.MISSED, missed_deadline=timezone.now()
    )
    client = login(alice)
    pages = [
        reverse(name, args=[at_risk.public_id])
        for name in (
            "protection:at_risk_detail",
            "protection:file_edit",
            "protection:plan_edit",
            "protection:contacts_edit",
            "protection:team",
            "protection:case_open",
            "protection:close",
        )
    ]
    _grow(at_risk, alice, 1, 0)
    few = {url: _queries(client, url) for url in pages}
    _grow(at_risk, alice, 30, 1)  # more than a page of check-ins
    assert {url: _queries(client, url) for url in pages} == few


def test_the_list_does_not_grow_with_the_number_of_people(login, alice, ada):
    client = login(alice)
    for i in range(2):
        enrolled(alice, code_name=f"P{i}")
    few = _queries(client, reverse("protection:at_risk_list"))
    for i in range(2, 12):
        at_risk = enrolled(alice, code_name=f"P{i}")
        if i % 2:
            Escalation.objects.create(
                at_risk=at_risk, cause=Escalation.Cause.MISSED, missed_deadline=timezone.now()
            )
    assert _queries(client, reverse("protection:at_risk_list")) == few
    admin = login(ada)
    assert _queries(admin, reverse("protection:team_index")) <= few + 2
