"""People and their names over the API: visible through a case the token's user may
see, changed by those who may change one of their cases, found by name across
scripts; another team's person is the 404 of nobody."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from tests.support.api import call, token_for


def person_of(case):
    return case.people.get()


def test_a_member_reads_a_person_with_their_names(client, alice, alices_case):
    person = person_of(alices_case)
    answer = call(client, "get", f"/people/{person.public_id}/", token=token_for(alice))
    assert answer.status_code == 200
    body = answer.json()
    assert body["name"] == "Рустам Исаков"
    assert {n["text"] for n in body["names"]} == {"Рустам Исаков", "Rustam Isakow"}
    assert body["cases"] == [{"id": str(alices_case.public_id), "reference": "TM-2021-003"}]


def test_another_teams_person_is_the_404_of_nobody(client, charlie, alices_case):
    token = token_for(charlie)
    person = person_of(alices_case)
    theirs = call(client, "get", f"/people/{person.public_id}/", token=token)
    nobody = call(client, "get", f"/people/{uuid.uuid4()}/", token=token)
    assert theirs.status_code == nobody.status_code == 404
    assert theirs.content == nobody.content
    assert AuditEntry.objects.filter(action="access.denied", actor_id=charlie.pk).count() == 1
    names = call(client, "get", f"/people/{person.public_id}/names/", token=token)
    assert names.status_code == 404


def test_a_name_search_finds_a_spelling_in_another_script(client, alice, charlie, alices_case):
    found = call(client, "get", "/people/?q=Isakov", token=token_for(alice)).json()
    assert [p["name"] for p in found["items"]] == ["Рустам Исаков"]
    assert found["more"] is False
    assert call(client, "get", "/people/?q=Isakov", token=token_for(charlie)).json()["items"] == []


def test_the_people_list_pages_by_name(client, alice, alices_case):
    for n in range(4):
        cases.case_person_add(case=alices_case, name=f"Brother {n}", by=alice)
    token = token_for(alice)
    first = call(client, "get", "/people/?limit=3", token=token).json()
    rest = call(client, "get", f"/people/?limit=3&cursor={first['next']}", token=token).json()
    names = [p["name"] for p in first["items"] + rest["items"]]
    assert names == ["Brother 0", "Brother 1", "Brother 2", "Brother 3", "Рустам Исаков"]
    assert rest["next"] is None


def test_the_people_list_costs_the_same_queries_for_few_or_many(
    client, alice, alices_case, time_machine
):
    time_machine.move_to("2026-12-07 10:00:00Z", tick=False)
    token = token_for(alice)
    call(client, "get", "/people/", token=token)

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert call(client, "get", "/people/", token=token).status_code == 200
        return len(seen)

    few = queries()
    for n in range(5):
        cases.case_person_add(case=alices_case, name=f"Brother {n}", by=alice)
    assert queries() == few


def test_a_person_is_changed_through_the_service(client, alice, alices_case):
    person = person_of(alices_case)
    body = {"birth_date": "1990", "nationality": "tm", "occupation": "Engineer"}
    answer = call(
        client, "patch", f"/people/{person.public_id}/", token=token_for(alice), body=body
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["birth_date"] == "1990"
    assert answer.json()["nationality"] == "TM"
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.detail == {"fields": ["birth_date", "nationality", "occupation"]}


def test_born_after_the_disappearance_is_refused(client, alice, alices_case):
    person = person_of(alices_case)
    body = {"birth_date": "2022"}
    answer = call(
        client, "patch", f"/people/{person.public_id}/", token=token_for(alice), body=body
    )
    assert answer.status_code == 400
    assert "after the disappearance" in answer.json()["errors"]["birth_date"][0]


def test_a_read_only_member_may_not_change_a_person(client, vera, alices_case):
    person = person_of(alices_case)
    from habeas.accounts.models import User

    User.objects.filter(pk=vera.pk).update(role=User.Role.STAFF)
    vera.refresh_from_db()
    token = token_for(vera, scope="write")  # staff, but read-only on the case
    answer = call(
        client, "patch", f"/people/{person.public_id}/", token=token, body={"occupation": "x"}
    )
    assert answer.status_code == 404


def test_spellings_are_added_corrected_and_removed(client, alice, alices_case):
    person = person_of(alices_case)
    token = token_for(alice)
    base = f"/people/{person.public_id}/names/"
    added = call(
        client, "post", base, token=token, body={"text": "Rustam Isakov", "kind": "official"}
    )
    assert added.status_code == 201, added.content
    name = added.json()
    assert name["script"] == "Latn" and name["kind"] == "official"
    fixed = call(client, "patch", f"{base}{name['id']}/", token=token, body={"seen_in": "passport"})
    assert fixed.status_code == 200
    assert fixed.json()["kind"] == "official"  # unchanged: only what was sent changes
    assert fixed.json()["seen_in"] == "passport"
    same = call(client, "post", base, token=token, body={"text": "Rustam Isakov"})
    assert same.status_code == 400
    listed = call(client, "get", base, token=token).json()["items"]
    assert len(listed) == 3
    primary = next(n for n in listed if n["is_primary"])
    refused = call(client, "delete", f"{base}{primary['id']}/", token=token)
    assert refused.status_code == 400
    assert "primary" in refused.json()["errors"]["__all__"][0]
    gone = call(client, "delete", f"{base}{name['id']}/", token=token)
    assert gone.status_code == 204
    assert person.names.count() == 2


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "X", "script": "Klingon"}, {"txt": "X"}])
def test_a_bad_spelling_is_a_400(client, alice, alices_case, body):
    person = person_of(alices_case)
    answer = call(
        client, "post", f"/people/{person.public_id}/names/", token=token_for(alice), body=body
    )
    assert answer.status_code == 400, answer.content


@pytest.mark.parametrize("query", ["q=Isa%00kov", "cursor=%00", "q=%F0%9F%92%A9", "q=" + "x" * 201])
def test_a_strange_query_is_never_a_500(client, alice, alices_case, query):
    answer = call(client, "get", f"/people/?{query}", token=token_for(alice))
    assert answer.status_code in (200, 400), answer.content


def test_the_outsider_lists_no_people(client, charlie, alices_case):
    assert call(client, "get", "/people/", token=token_for(charlie)).json()["items"] == []
