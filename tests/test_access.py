"""The one access door: `case_access` reads a case with the caller's membership and
says from it, once, what they may do; outsiders get the 404 of a missing case."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from habeas.audit.models import AuditEntry
from habeas.cases.access import Need, case_access

# What each of the cast may do on alice's case: (can_edit, is_lead, may_see_sources,
# may_manage_team). alice opened it for a new person, so she holds the source grant.
RIGHTS = {
    "alice": (True, True, True, True),  # lead
    "bob": (True, False, False, False),  # member
    "vera": (False, False, False, False),  # read-only
}


def _denials(user) -> int:
    return AuditEntry.objects.filter(action="access.denied", actor_id=user.pk).count()


@pytest.mark.parametrize("name", RIGHTS)
def test_each_member_gets_the_rights_of_their_role(request, name, alices_case):
    user = request.getfixturevalue(name)
    access = case_access(user=user, public_id=alices_case.public_id)
    assert access.case == alices_case and access.member.user == user
    rights = (access.can_edit, access.is_lead, access.may_see_sources, access.may_manage_team)
    assert rights == RIGHTS[name]


@pytest.mark.parametrize(
    ("name", "need", "allowed"),
    [
        ("alice", Need.EDIT, True),
        ("bob", Need.EDIT, True),
        ("vera", Need.EDIT, False),  # a read-only member may not edit
        ("alice", Need.TEAM, True),
        ("bob", Need.TEAM, False),  # only leads manage the team
        ("vera", Need.TEAM, False),
        ("charlie", Need.READ, False),  # the outsider
        ("ada", Need.READ, False),  # an administrator not on the team sees no content
        ("ada", Need.EDIT, False),
        ("ada", Need.TEAM, True),  # ... but manages its team
    ],
)
def test_what_each_need_lets_through(request, name, need, allowed, alices_case):
    user = request.getfixturevalue(name)
    if allowed:
        assert case_access(user=user, public_id=alices_case.public_id, need=need).allows(need)
        assert _denials(user) == 0
    else:
        with pytest.raises(Http404):
            case_access(user=user, public_id=alices_case.public_id, need=need)
        assert _denials(user) == 1


def test_an_administrator_off_the_team_manages_it_as_no_member(ada, alices_case):
    access = case_access(user=ada, public_id=alices_case.public_id, need=Need.TEAM)
    assert access.member is None and access.may_manage_team
    assert not (access.can_edit or access.is_lead or access.may_see_sources)


def test_a_missing_and_a_foreign_case_give_the_same_404_and_only_the_foreign_one_is_audited(
    charlie, alices_case
):
    refusals = []
    for public_id in (uuid.uuid4(), alices_case.public_id):
        with pytest.raises(Http404) as refused:
            case_access(user=charlie, public_id=public_id)
        refusals.append(refused.value.args)
    assert refusals[0] == refusals[1] == ()
    entry = AuditEntry.objects.get(action="access.denied", actor_id=charlie.pk)
    assert entry.detail == {"model": "cases.case", "id": str(alices_case.public_id)}


def test_the_membership_is_read_once_with_the_case(bob, alices_case):
    with CaptureQueriesContext(connection) as captured:
        access = case_access(user=bob, public_id=alices_case.public_id, need=Need.EDIT)
        assert access.can_edit and not access.is_lead and not access.may_see_sources
        assert access.case.reference == "TM-2021-003"
    assert len(captured) == 1


def test_the_case_page_offers_each_member_what_their_role_allows(
    login, alice, bob, vera, alices_case
):
    url = alices_case.get_absolute_url()
    team = f'href="/cases/{alices_case.public_id}/team/"'
    pages = {user.username: login(user).get(url).content.decode() for user in (alice, bob, vera)}
    assert "Edit case" in pages["alice"] and team in pages["alice"]
    assert "Edit case" in pages["bob"] and team not in pages["bob"]
    assert "Edit case" not in pages["vera"] and team not in pages["vera"]
