"""Case teams: who sees a case, who sees who its sources are, who manages it."""

from __future__ import annotations

from habeas.audit.models import AuditEntry
from habeas.cases.models import CaseMember


def test_lead_adds_a_member_who_then_sees_the_case(login, alice, charlie, alices_case):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/team/"
    response = client.post(url, {"username": "charlie", "role": "member"})
    assert response.status_code == 302
    assert login(charlie).get(alices_case.get_absolute_url()).status_code == 200


def test_unknown_user_and_role_are_reported(login, alice, alices_case):
    url = f"/cases/{alices_case.public_id}/team/"
    response = login(alice).post(url, {"username": "nobody", "role": "overlord"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is no active user with this username." in page
    assert "Select a valid choice" in page


def test_the_last_lead_cannot_be_removed(login, alice, alices_case):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/team/"
    response = client.post(url, {"remove": str(alice.pk)}, follow=True)
    assert "A case keeps at least one lead" in response.content.decode()
    assert alices_case.members.filter(user=alice).exists()


def test_members_and_outsiders_cannot_manage_the_team(login, bob, charlie, alices_case):
    url = f"/cases/{alices_case.public_id}/team/"
    assert login(bob).get(url).status_code == 404
    assert login(charlie).post(url, {"username": "charlie", "role": "lead"}).status_code == 404
    assert not alices_case.members.filter(user__username="charlie").exists()


def test_administrator_manages_teams_without_seeing_content(login, ada, alices_case):
    client = login(ada)
    assert alices_case.reference in client.get("/teams/").content.decode()
    team_page = client.get(f"/cases/{alices_case.public_id}/team/")
    assert team_page.status_code == 200
    assert "Рустам" not in team_page.content.decode()
    assert client.get(alices_case.get_absolute_url()).status_code == 404


def test_teams_index_is_404_for_non_administrators(login, alice, alices_case):
    assert login(alice).get("/teams/").status_code == 404


def test_source_identity_needs_the_grant_and_viewing_it_is_recorded(
    login, alice, bob, contested_case
):
    source = contested_case.sources.get(code_name="LARK")
    url = f"/cases/{contested_case.public_id}/sources/{source.public_id}/"

    as_bob = login(bob).get(url).content.decode()
    assert "CANARY-IDENTITY" not in as_bob
    assert "code name only" in as_bob
    assert not AuditEntry.objects.filter(action="source.identity_viewed").exists()

    assert "CANARY-IDENTITY" in login(alice).get(url).content.decode()
    viewed = AuditEntry.objects.get(action="source.identity_viewed")
    assert viewed.actor_username == "alice"

    CaseMember.objects.filter(user=bob).update(may_see_sources=True)
    assert "CANARY-IDENTITY" in login(bob).get(url).content.decode()


def test_a_second_person_can_be_added_to_a_case(login, alice, alices_case):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/people/new/"
    assert client.post(url, {"name": "  "}).status_code == 400
    assert client.post(url, {"name": "Ахмед Исаков"}).status_code == 302
    names = sorted(p.display_name for p in alices_case.people.all())
    assert names == ["Ахмед Исаков", "Рустам Исаков"]
