"""The one door of people at risk: their team only; everyone else the 404 of a page
that does not exist, whether the person exists or not, and a trace in the audit
log when they do."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404
from django.urls import reverse

from habeas.audit.models import AuditEntry
from habeas.protection.access import Need, at_risk_access
from habeas.protection.models import AtRiskMember
from habeas.protection.selectors import at_risk_for_user
from tests.conftest import make_user
from tests.support.protection import enrolled

PAGES = (
    "protection:at_risk_detail",
    "protection:at_risk_edit",
    "protection:file_edit",
    "protection:photo",
    "protection:photo_edit",
    "protection:plan_edit",
    "protection:contacts_edit",
    "protection:team",
    "protection:close",
    "protection:case_open",
)


@pytest.fixture
def person(alice, bob, vera):
    return enrolled(alice, members=[bob], read_only=[vera])


def test_the_enrolling_caseworker_leads_the_team(person, alice):
    assert person.members.get(user=alice).role == AtRiskMember.Role.LEAD


def test_another_team_gets_404_everywhere_and_leaves_a_trace(client, person, charlie):
    other = make_user("dora")
    enrolled(other, code_name="OTHER")  # dora has a person of her own
    client.force_login(other)
    before = AuditEntry.objects.filter(action="access.denied").count()
    for name in PAGES:
        assert client.get(reverse(name, args=[person.public_id])).status_code == 404, name
        assert client.post(reverse(name, args=[person.public_id]), {}).status_code in (404, 405)
    denied = AuditEntry.objects.filter(action="access.denied").count() - before
    assert denied >= len(PAGES)
    assert "KESTREL" not in client.get(reverse("protection:at_risk_list")).content.decode()


def test_a_forged_id_is_the_same_404_without_a_trace(client, person, bob):
    client.force_login(bob)
    before = AuditEntry.objects.filter(action="access.denied").count()
    forged = client.get(reverse("protection:at_risk_detail", args=[uuid.uuid4()]))
    real_refused = client.get(reverse("protection:team", args=[person.public_id]))
    assert forged.status_code == real_refused.status_code == 404
    assert forged.content == real_refused.content
    # Only the refusal of something that exists is recorded.
    assert AuditEntry.objects.filter(action="access.denied").count() - before == 1


def test_read_only_members_read_and_change_nothing(client, person, vera):
    client.force_login(vera)
    assert (
        client.get(reverse("protection:at_risk_detail", args=[person.public_id])).status_code == 200
    )
    for name in PAGES[1:]:
        if name == "protection:photo":
            continue
        assert client.get(reverse(name, args=[person.public_id])).status_code == 404, name


def test_administrators_manage_the_team_without_reading_the_file(client, person, ada):
    client.force_login(ada)
    assert (
        client.get(reverse("protection:at_risk_detail", args=[person.public_id])).status_code == 404
    )
    assert client.get(reverse("protection:file_edit", args=[person.public_id])).status_code == 404
    assert client.get(reverse("protection:photo", args=[person.public_id])).status_code == 404
    page = client.get(reverse("protection:team", args=[person.public_id]))
    assert page.status_code == 200
    assert "KESTREL" in page.content.decode()
    assert "Rustam" not in page.content.decode()
    index = client.get(reverse("protection:team_index")).content.decode()
    assert "KESTREL" in index and "Rustam" not in index


def page(name, person):
    return reverse(name, args=[person.public_id])


def test_a_staff_member_read_only_on_the_team_changes_nothing(client, person, alice):
    rita = make_user("rita")
    AtRiskMember.objects.create(at_risk=person, user=rita, role=AtRiskMember.Role.READ_ONLY)
    client.force_login(rita)
    assert client.get(page("protection:at_risk_detail", person)).status_code == 200
    assert client.get(page("protection:file_edit", person)).status_code == 404
    assert client.post(page("protection:plan_edit", person), {}).status_code == 404


def test_a_viewer_on_the_team_cannot_edit_even_as_member(person, alice):
    viewer = make_user("val", role="viewer")
    AtRiskMember.objects.create(at_risk=person, user=viewer, role=AtRiskMember.Role.MEMBER)
    access = at_risk_access(user=viewer, public_id=person.public_id)
    assert access.may_read and not access.can_edit
    with pytest.raises(Http404):
        at_risk_access(user=viewer, public_id=person.public_id, need=Need.EDIT)


def test_the_list_shows_only_ones_own_people(person, alice, charlie):
    assert list(at_risk_for_user(alice)) == [person]
    assert list(at_risk_for_user(charlie)) == []
