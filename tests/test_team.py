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
    response = client.post(url, {"remove": str(alice.public_id)}, follow=True)
    assert "A case keeps at least one lead" in response.content.decode()
    assert alices_case.members.filter(user=alice).exists()


def test_a_lead_removes_a_member_and_only_a_member_of_this_team(
    login, alice, bob, charlie, alices_case
):
    from habeas.cases import services

    other = services.person_create(name="Someone Else", by=charlie)
    services.case_create(reference="TM-2021-009", person=other, country="TM", by=charlie)
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/team/"
    # Not on this team, or not an account's public id (an integer id no longer works).
    for nobody in (str(charlie.public_id), str(charlie.pk), str(bob.pk), "abc", "", "٣"):
        assert client.post(url, {"remove": nobody}).status_code == 302
    assert alices_case.members.count() == 3 and charlie.case_memberships.count() == 1
    assert client.post(url, {"remove": str(bob.public_id)}).status_code == 302
    assert not alices_case.members.filter(user=bob).exists()


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


def test_opening_a_source_edit_form_with_the_grant_is_recorded(login, alice, bob, contested_case):
    source = contested_case.sources.get(code_name="LARK")
    url = f"/cases/{contested_case.public_id}/sources/{source.public_id}/edit/"
    as_bob = login(bob).get(url).content.decode()
    assert "CANARY-IDENTITY" not in as_bob
    assert not AuditEntry.objects.filter(action="source.identity_viewed").exists()
    assert "CANARY-IDENTITY" in login(alice).get(url).content.decode()
    entry = AuditEntry.objects.get(action="source.identity_viewed")
    assert (entry.actor_username, entry.detail) == ("alice", {"via": "edit form"})


def test_a_second_person_can_be_added_to_a_case(login, alice, alices_case):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/people/new/"
    assert client.post(url, {"name": "  "}).status_code == 400
    assert client.post(url, {"name": "Ахмед Исаков"}).status_code == 302
    names = sorted(p.display_name for p in alices_case.people.all())
    assert names == ["Ахмед Исаков", "Рустам Исаков"]


# --- the organisation's "viewer" role: read-only everywhere ---------------------------


def test_a_viewer_opens_no_case_and_adds_no_actor(login, vera):
    client = login(vera)
    assert "Open a case" not in client.get("/").content.decode()
    assert client.get("/cases/new/").status_code == 404
    refused = client.post("/cases/new/", {"reference": "TM-2026-009", "person_name": "X"})
    assert refused.status_code == 404
    assert client.post("/actors/new/", {"name": "MNB", "kind": "agency"}).status_code == 404
    assert "Add an actor" not in client.get("/actors/").content.decode()
    denied = AuditEntry.objects.filter(action="access.denied", actor_username="vera")
    assert {e.detail["page"] for e in denied} == {"case_create", "actor_create"}


def test_a_viewer_joins_a_team_only_as_read_only(login, alice, vera, alices_case):
    url = f"/cases/{alices_case.public_id}/team/"
    response = login(alice).post(url, {"username": "vera", "role": "member"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "a viewer joins a team as read-only" in page
    assert 'value="vera"' in page  # the input is kept
    assert alices_case.members.get(user=vera).role == CaseMember.Role.READ_ONLY
    client = login(vera)
    assert client.get(alices_case.get_absolute_url()).status_code == 200
    assert client.get(f"/cases/{alices_case.public_id}/edit/").status_code == 404


def test_making_someone_a_viewer_makes_their_memberships_read_only(
    login, ada, alice, bob, alices_case
):
    from habeas.accounts import services as accounts
    from habeas.accounts.models import User

    accounts.user_role_change(user=bob, role=User.Role.VIEWER, by=ada)
    assert alices_case.members.get(user=bob).role == CaseMember.Role.READ_ONLY
    entry = AuditEntry.objects.filter(action="user.role_changed").latest("pk")
    assert entry.detail["read_only_on"] == 1
    assert login(bob).get(f"/cases/{alices_case.public_id}/edit/").status_code == 404


def test_the_only_lead_of_a_case_cannot_become_a_viewer(login, ada, alice, alices_case):
    page = login(ada).post(f"/users/{alice.public_id}/role/", {"role": "viewer"}, follow=True)
    assert "alice is the only lead of TM-2021-003" in page.content.decode()
    alice.refresh_from_db()
    assert alice.role == "staff"
    assert alices_case.members.get(user=alice).role == CaseMember.Role.LEAD


def test_the_last_lead_cannot_be_demoted_either(login, alice, alices_case):
    url = f"/cases/{alices_case.public_id}/team/"
    response = login(alice).post(url, {"username": "alice", "role": "member"})
    assert response.status_code == 400
    assert "A case keeps at least one lead" in response.content.decode()
    assert alices_case.members.get(user=alice).role == CaseMember.Role.LEAD


def test_making_someone_a_viewer_is_audited_on_each_case_they_are_on(
    ada, alice, bob, vera, alices_case
):
    """GIVEN bob, a member of Alice's case and a co-lead of another
    WHEN an administrator makes him a viewer
    THEN each case's team change is in the audit log on that case, and vera, already
    read-only, is left alone; the cases keep their leads."""
    from habeas.accounts import services as accounts
    from habeas.accounts.models import User
    from habeas.cases import services as cases

    person = cases.person_create(name="Ахмед Ахмедов", by=alice)
    other = cases.case_create(reference="TM-2022-001", person=person, country="TM", by=alice)
    cases.case_member_set(case=other, user=bob, role=CaseMember.Role.LEAD, by=alice)
    last = AuditEntry.objects.latest("pk").pk

    accounts.user_role_change(user=bob, role=User.Role.VIEWER, by=ada)

    team = AuditEntry.objects.filter(action="case_member.set", pk__gt=last)
    assert sorted((e.case_id, e.detail["user"], e.detail["role"]) for e in team) == sorted(
        [(str(c.public_id), bob.pk, "read_only") for c in (alices_case, other)]
    )
    assert {e.actor_id for e in team} == {ada.pk}
    assert {m.case_id: m.role for m in CaseMember.objects.filter(user=bob)} == {
        alices_case.pk: CaseMember.Role.READ_ONLY,
        other.pk: CaseMember.Role.READ_ONLY,
    }
    assert other.members.get(user=alice).role == CaseMember.Role.LEAD


def test_the_only_lead_of_several_cases_is_told_which_and_nothing_changes(ada, alice, bob):
    """Refused as a whole, naming the cases (five at most), before any team changes."""
    from django.core.exceptions import ValidationError

    from habeas.accounts import services as accounts
    from habeas.accounts.models import User
    from habeas.cases import services as cases

    for n in range(1, 8):
        person = cases.person_create(name=f"Person {n}", by=alice)
        case = cases.case_create(reference=f"TM-2022-00{n}", person=person, country="TM", by=alice)
        if n == 7:  # bob is on it too: a case where he is not the only lead
            cases.case_member_set(case=case, user=bob, role=CaseMember.Role.LEAD, by=alice)
    before = AuditEntry.objects.count()
    try:
        accounts.user_role_change(user=alice, role=User.Role.VIEWER, by=ada)
    except ValidationError as error:
        refusal = " ".join(error.messages)
    else:
        raise AssertionError("a sole lead became a viewer")
    assert refusal == (
        "alice is the only lead of TM-2022-001, TM-2022-002, TM-2022-003, TM-2022-004, "
        "TM-2022-005, …: make someone else lead first."
    )
    assert AuditEntry.objects.count() == before
    assert not CaseMember.objects.filter(user=alice).exclude(role=CaseMember.Role.LEAD).exists()
