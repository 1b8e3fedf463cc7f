"""What an insider or an outsider can learn of relatives, the source grant and case
references (docs/threat-model.md), tried through the web forms as they would.

H1: who may learn how to reach a relative, and who may give the source grant.
M4: a case reference of another team is not confirmed, and probing it is audited.
I2: refused person pages are audited like refused case pages.
L5: the person record, their spellings and relatives keep a history.
"""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.db import connection

from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Case, CaseMember, Person, PersonName, Relative

CONTACT = "RELCONTACT-ZQX +993 61 000000"
TAKEN = "This reference cannot be used. Choose another."
NEW_CASE = {"country": "TM", "disappeared_on": "2026-10-28", "priority": "2"}


def _text(response) -> str:
    """A page's words, without its markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _person(case: Case) -> Person:
    return case.people.get()


def _record_mother(client, case: Case) -> Relative:
    person = _person(case)
    response = client.post(
        f"/people/{person.public_id}/relatives/new/",
        {"name": "Mother", "relationship": "mother", "contact": CONTACT},
    )
    assert response.status_code == 302
    return person.relatives.get(name="Mother")


def _open_case_for(client, person: Person, reference: str) -> Case:
    response = client.post(
        f"/cases/new/?person={person.public_id}", {**NEW_CASE, "reference": reference}
    )
    assert response.status_code == 302
    case = Case.objects.get(reference=reference)
    assert response["Location"] == case.get_absolute_url()
    return case


def _team(client, case: Case, username: str, role: str, grant: bool):
    data = {"username": username, "role": role}
    if grant:
        data["may_see_sources"] = "on"
    return client.post(f"/cases/{case.public_id}/team/", data)


def _grant(case: Case, user) -> bool:
    member = case.members.filter(user=user).first()
    return bool(member and member.may_see_sources)


def _contact_viewed_by(user) -> bool:
    return AuditEntry.objects.filter(
        action="relative.contact_viewed", actor_username=user.username
    ).exists()


# --- H1: relatives' contacts and the source grant ---------------------------------------


def test_opening_another_case_for_a_known_person_does_not_reach_the_relatives(
    login, alice, bob, alices_case
):
    """
    GIVEN alice's case, whose mother's contact alice recorded, and bob on its team
          without "may see who sources are"
    WHEN bob opens another case for the same person (he leads it) and ticks the grant
         for himself on its team page
    THEN the grant is refused with a message, and neither the person page nor the
         relative's edit form shows him the contact, or lets him change it.
    """
    relative = _record_mother(login(alice), alices_case)
    assert relative.case == alices_case
    person = _person(alices_case)
    as_bob = login(bob)
    page = as_bob.get(person.get_absolute_url()).content.decode()
    assert "RELCONTACT" not in page and "(contact or notes on file; confidential)" in page

    assert as_bob.get(f"/cases/new/?person={person.public_id}").status_code == 200
    second = _open_case_for(as_bob, person, "MEM-0001")
    assert second.members.get(user=bob).role == CaseMember.Role.LEAD
    assert not _grant(second, bob)

    refused = _team(as_bob, second, "bob", "lead", grant=True)
    assert refused.status_code == 400
    assert "You cannot give this" in refused.content.decode()
    assert not _grant(second, bob)

    assert "RELCONTACT" not in as_bob.get(person.get_absolute_url()).content.decode()
    edit = f"/people/{person.public_id}/relatives/{relative.public_id}/edit/"
    form = as_bob.get(edit).content.decode()
    assert "RELCONTACT" not in form and 'name="contact"' not in form
    as_bob.post(edit, {"name": "Mother", "relationship": "mother", "contact": "forged"})
    relative.refresh_from_db()
    assert relative.contact == CONTACT
    assert not _contact_viewed_by(bob)


def test_a_lead_without_the_grant_cannot_hand_it_to_another_account(
    login, alice, bob, charlie, alices_case
):
    _record_mother(login(alice), alices_case)
    as_bob = login(bob)
    second = _open_case_for(as_bob, _person(alices_case), "MEM-0001")

    refused = _team(as_bob, second, "charlie", "lead", grant=True)
    assert refused.status_code == 400
    assert not second.members.filter(user=charlie).exists()
    assert _team(as_bob, second, "charlie", "member", grant=False).status_code == 302
    assert _team(as_bob, second, "charlie", "member", grant=True).status_code == 400
    assert not _grant(second, charlie)
    page = login(charlie).get(_person(alices_case).get_absolute_url()).content.decode()
    assert "RELCONTACT" not in page


def test_a_lead_holding_the_grant_gives_it_on_the_case(login, alice, bob, alices_case):
    relative = _record_mother(login(alice), alices_case)
    person = _person(alices_case)
    assert _team(login(alice), alices_case, "bob", "member", grant=True).status_code == 302
    assert _grant(alices_case, bob)
    as_bob = login(bob)
    assert CONTACT in as_bob.get(person.get_absolute_url()).content.decode()
    edit = f"/people/{person.public_id}/relatives/{relative.public_id}/edit/"
    assert CONTACT in as_bob.get(edit).content.decode()
    assert _contact_viewed_by(bob)


def test_relatives_contacts_follow_the_grant_of_the_case_they_were_recorded_on(
    login, alice, bob, alices_case
):
    """
    GIVEN bob's second case for alice's person, where alice (who holds the grant on
          her case) gives bob the grant
    THEN bob reads the contact of a relative recorded on his case, not of the one
         recorded on alice's; alice, not granted on bob's case, reads hers, not his.
    """
    _record_mother(login(alice), alices_case)
    person = _person(alices_case)
    as_bob = login(bob)
    second = _open_case_for(as_bob, person, "MEM-0001")
    assert _team(as_bob, second, "alice", "lead", grant=False).status_code == 302
    # She holds it on a case of this person: she may give it on his case too.
    assert _team(login(alice), second, "bob", "lead", grant=True).status_code == 302
    assert _grant(second, bob)

    as_bob = login(bob)  # one test client: logging alice in logged bob out
    add = f"/people/{person.public_id}/relatives/new/"
    form = as_bob.get(add).content.decode()
    assert "MEM-0001" in form and "TM-2021-003" in form  # two cases: he chooses
    data = {"name": "Brother", "relationship": "brother", "contact": "BROTHER-CONTACT"}
    missing = as_bob.post(add, data)
    assert missing.status_code == 400
    assert "Choose the case this relative is recorded on." in missing.content.decode()
    wrong = as_bob.post(add, {**data, "case": str(alices_case.public_id)})
    assert wrong.status_code == 400
    assert "cannot record a contact or notes on it" in wrong.content.decode()
    assert "BROTHER-CONTACT" in wrong.content.decode()  # the input is kept
    assert as_bob.post(add, {**data, "case": str(second.public_id)}).status_code == 302
    assert person.relatives.get(name="Brother").case == second

    as_bob_page = as_bob.get(person.get_absolute_url()).content.decode()
    assert "BROTHER-CONTACT" in as_bob_page and "RELCONTACT" not in as_bob_page
    as_alice_page = login(alice).get(person.get_absolute_url()).content.decode()
    assert "RELCONTACT" in as_alice_page and "BROTHER-CONTACT" not in as_alice_page


NOTES = "RELNOTES-ZQX works at the bazaar, lives on Magtymguly street"


def test_who_a_relative_is_stays_with_the_team_of_the_case_they_were_recorded_on(
    login, alice, bob, charlie, alices_case
):
    """
    A second case must not leak a relative: bob, without the grant, opens a second case for
    the person and adds charlie, who is on no case of alice's.
    THEN charlie learns only that one relative is recorded on a case he is not on: not
         their name, notes or history, and their edit page is an audited 404;
    AND bob reads who the relative is but not the notes (nor the contact), in the
         person page, the edit form and the history; alice, holding the grant, does.
    """
    relative = _record_mother(login(alice), alices_case)
    person = _person(alices_case)
    edit = f"/people/{person.public_id}/relatives/{relative.public_id}/edit/"
    data = {"name": "Mother", "relationship": "mother", "contact": CONTACT}
    assert login(alice).post(edit, {**data, "notes": NOTES}).status_code == 302
    second = _open_case_for(login(bob), person, "MEM-0001")
    assert _team(login(bob), second, "charlie", "member", grant=False).status_code == 302

    as_charlie = login(charlie)
    page = _text(as_charlie.get(person.get_absolute_url()))
    assert "1 relative recorded on a case of this person you are not on." in page
    assert "Mother" not in page and "ZQX" not in page and "None recorded." not in page
    history = _text(as_charlie.get(f"/cases/{second.public_id}/history/"))
    assert "Person " in history and "Mother" not in history and "ZQX" not in history
    one = f"/cases/{second.public_id}/history/?record={relative.public_id}"
    assert "Mother" not in _text(as_charlie.get(one))
    assert as_charlie.get(edit).status_code == 404
    assert as_charlie.post(edit, {**data, "name": "Forged"}).status_code == 404
    assert _probes("charlie").filter(detail__model="cases.relative").count() == 2
    relative.refresh_from_db()
    assert relative.name == "Mother"

    as_bob = login(bob)
    page = _text(as_bob.get(person.get_absolute_url()))
    assert "Mother (mother)" in page and "ZQX" not in page
    assert "(contact or notes on file; confidential)" in page and "you are not on" not in page
    form = as_bob.get(edit).content.decode()
    assert 'name="notes"' not in form and "ZQX" not in form
    assert as_bob.post(edit, {**data, "notes": "forged"}).status_code == 302
    relative.refresh_from_db()
    assert relative.notes == NOTES
    on_hers = _text(as_bob.get(f"/cases/{alices_case.public_id}/history/"))
    assert "Relative Mother (mother)" in on_hers and "Notes changed (confidential)" in on_hers
    assert "ZQX" not in on_hers and not _contact_viewed_by(bob)

    as_alice = login(alice)
    assert NOTES in as_alice.get(person.get_absolute_url()).content.decode()
    assert NOTES in as_alice.get(f"/cases/{alices_case.public_id}/history/").content.decode()
    # Sealed at rest like the contact, in the record and its history.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT notes FROM cases_relative UNION ALL SELECT notes FROM cases_historicalrelative"
        )
        stored = [row[0] for row in cursor.fetchall() if row[0]]
    assert len(stored) >= 2 and all(v.startswith("hv1$") for v in stored)


def test_notes_written_before_they_were_confidential_are_sealed_by_the_upgrade(alice, alices_case):
    from types import SimpleNamespace

    from django.apps import apps

    migration = import_module("habeas.cases.migrations.0014_encrypt_existing_relative_notes")
    relative = cases.relative_add(
        person=_person(alices_case), name="Mother", relationship="mother", notes=NOTES, by=alice
    )
    with connection.cursor() as cursor:  # as a version before this one stored them
        cursor.execute("UPDATE cases_relative SET notes = %s", [NOTES])
        cursor.execute("UPDATE cases_historicalrelative SET notes = %s", [NOTES])
    migration.forwards(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT notes FROM cases_relative UNION ALL SELECT notes FROM cases_historicalrelative"
        )
        assert all(row[0].startswith("hv1$") for row in cursor.fetchall())
    relative.refresh_from_db()
    assert relative.notes == NOTES
    assert Relative.history.get(public_id=relative.public_id).notes == NOTES


def test_a_relative_is_changed_only_by_who_may_change_the_case_they_are_on(
    login, alice, bob, alices_case
):
    """Bob may change his own case of the person, but is read-only on alice's: he reads
    her relative there, and may not edit them."""
    relative = _record_mother(login(alice), alices_case)
    person = _person(alices_case)
    _open_case_for(login(bob), person, "MEM-0001")
    assert _team(login(alice), alices_case, "bob", "read_only", grant=False).status_code == 302
    as_bob = login(bob)
    page = as_bob.get(person.get_absolute_url()).content.decode()
    edit = f"/people/{person.public_id}/relatives/{relative.public_id}/edit/"
    assert "Mother (mother)" in page and edit not in page
    assert as_bob.get(edit).status_code == 404
    assert as_bob.post(edit, {"name": "Forged", "relationship": "mother"}).status_code == 404
    assert _probes("bob").filter(detail__model="cases.relative").count() == 2
    relative.refresh_from_db()
    assert relative.name == "Mother"


def test_notes_on_a_new_relative_need_the_grant_of_the_case_they_go_on(
    login, alice, bob, alices_case
):
    person = _person(alices_case)
    add = f"/people/{person.public_id}/relatives/new/"
    as_bob = login(bob)
    assert 'name="notes"' not in as_bob.get(add).content.decode()
    second = _open_case_for(as_bob, person, "MEM-0001")
    assert _team(as_bob, second, "alice", "lead", grant=False).status_code == 302
    assert _team(login(alice), second, "bob", "lead", grant=True).status_code == 302
    as_bob = login(bob)
    data = {"name": "Brother", "relationship": "brother", "notes": NOTES}
    refused = as_bob.post(add, {**data, "case": str(alices_case.public_id)})
    assert refused.status_code == 400
    assert "cannot record a contact or notes on it" in refused.content.decode()
    assert NOTES in refused.content.decode()  # the input is kept
    assert as_bob.post(add, {**data, "case": str(second.public_id)}).status_code == 302
    assert person.relatives.get(name="Brother").notes == NOTES


def test_nobody_gives_the_grant_to_themselves(login, alice, bob, ada, alices_case):
    as_bob = login(bob)
    second = _open_case_for(as_bob, _person(alices_case), "MEM-0001")
    assert _team(as_bob, second, "alice", "lead", grant=False).status_code == 302
    as_alice = login(alice)
    # Alice holds the grant on her case, yet she cannot take it on bob's.
    assert _team(as_alice, second, "alice", "lead", grant=True).status_code == 400
    assert not _grant(second, alice)
    # Keeping the grant one holds while changing one's own role is not giving it.
    assert _team(as_alice, alices_case, "bob", "lead", grant=False).status_code == 302
    assert _team(as_alice, alices_case, "alice", "member", grant=True).status_code == 302
    assert _grant(alices_case, alice)
    # An administrator manages teams but holds no grant: none to give.
    refused = _team(login(ada), alices_case, "bob", "lead", grant=True)
    assert refused.status_code == 400 and not _grant(alices_case, bob)
    # Taking it away is always possible.
    assert _team(login(bob), alices_case, "alice", "member", grant=False).status_code == 302
    assert not _grant(alices_case, alice)


def test_the_team_page_says_when_the_grant_cannot_be_given(login, alice, bob, alices_case):
    as_bob = login(bob)
    second = _open_case_for(as_bob, _person(alices_case), "MEM-0001")
    hint = "You cannot give this on this case"
    assert hint in as_bob.get(f"/cases/{second.public_id}/team/").content.decode()
    assert hint not in login(alice).get(f"/cases/{alices_case.public_id}/team/").content.decode()


def test_a_case_for_a_known_person_gives_the_grant_only_to_who_holds_it(
    login, alice, bob, alices_case
):
    person = _person(alices_case)
    assert _grant(_open_case_for(login(alice), person, "TM-2024-001"), alice)
    assert not _grant(_open_case_for(login(bob), person, "TM-2024-002"), bob)


def test_relatives_contact_changes_show_in_history_only_with_the_grant_of_their_case(
    login, alice, bob, alices_case
):
    relative = _record_mother(login(alice), alices_case)
    person = _person(alices_case)
    edit = f"/people/{person.public_id}/relatives/{relative.public_id}/edit/"
    response = login(alice).post(
        edit, {"name": "Mother", "relationship": "mother", "contact": "NEWCONTACT-ZQX"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="relative.update").latest("pk")
    assert entry.detail["fields"] == ["contact"]

    history = f"/cases/{alices_case.public_id}/history/"
    as_bob = login(bob).get(history).content.decode()
    assert "Relative Mother (mother)" in as_bob and "changed (confidential)" in as_bob
    assert "ZQX" not in as_bob
    # Bob's own case for the person does not show the relative at all, even once he
    # holds the grant there: the relative was recorded on alice's case.
    second = _open_case_for(login(bob), person, "MEM-0001")
    assert _team(login(bob), second, "alice", "lead", grant=False).status_code == 302
    assert _team(login(alice), second, "bob", "lead", grant=True).status_code == 302
    on_second = login(bob).get(f"/cases/{second.public_id}/history/").content.decode()
    assert "Relative Mother" not in on_second and "ZQX" not in on_second
    assert "Person " in on_second  # the person's own history is there
    assert not _contact_viewed_by(bob)

    as_alice = login(alice).get(history).content.decode()
    assert "RELCONTACT-ZQX" in as_alice and "NEWCONTACT-ZQX" in as_alice
    viewed = AuditEntry.objects.filter(action="relative.contact_viewed", actor_username="alice")
    assert viewed.filter(detail__via="history").exists()

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM cases_historicalrelative")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) >= 2 and all(v.startswith("hv1$") for v in stored)
    assert Relative.history.filter(public_id=relative.public_id).earliest().contact == CONTACT


# --- M4: references of cases the user cannot see ----------------------------------------


def _normalised(response, reference: str) -> str:
    """The page as the prober sees it, but for the reference they typed (echoed back in
    its field) and the per-response CSRF token."""
    page = response.content.decode().replace(f'value="{reference}"', 'value="REF"')
    page = page.replace(f"Edit {reference}", "Edit REF")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def _probes(actor_username: str):
    return AuditEntry.objects.filter(action="access.denied", actor_username=actor_username)


@pytest.mark.parametrize("reference", ["TM-2021-003", "tm-2021-003", "Tm-2021-003"])
def test_an_outsider_probing_a_reference_learns_nothing(login, charlie, alices_case, reference):
    """An empty name fails the form either way: any difference would come from the reference."""
    client = login(charlie)
    probe = {"person_name": "", "country": "TM", "priority": "2"}
    taken = client.post("/cases/new/", {**probe, "reference": reference})
    unknown = client.post("/cases/new/", {**probe, "reference": "XX-9999-999"})
    assert taken.status_code == unknown.status_code == 400
    assert _normalised(taken, reference) == _normalised(unknown, "XX-9999-999")
    entry = _probes("charlie").get()
    assert entry.detail == {
        "model": "cases.case",
        "id": str(alices_case.public_id),
        "via": "reference",
    }
    assert Case.objects.count() == 1


def test_a_complete_form_with_another_teams_reference_is_refused_like_any_clash(
    login, alice, charlie, alices_case
):
    data = {**NEW_CASE, "person_name": "Someone", "reference": "tm-2021-003"}
    refused = login(charlie).post("/cases/new/", data)
    assert refused.status_code == 400
    assert TAKEN in refused.content.decode()
    assert _probes("charlie").count() == 1
    # Alice's own case clashes with the same words, and that is no probe.
    own = login(alice).post("/cases/new/", data)
    assert own.status_code == 400 and TAKEN in own.content.decode()
    assert not _probes("alice").exists()
    assert Case.objects.count() == 1


def test_the_case_edit_form_does_not_confirm_another_teams_reference(login, charlie, alices_case):
    client = login(charlie)
    assert client.post("/cases/new/", {**NEW_CASE, "person_name": "X", "reference": "CH-1"})
    own = Case.objects.get(reference="CH-1")
    url = f"/cases/{own.public_id}/edit/"
    client.get(url)  # shows (and so clears) "Case CH-1 opened."
    bad = {"country": "TM", "priority": "2", "disappeared_on": "not a date"}
    taken = client.post(url, {**bad, "reference": "TM-2021-003"})
    unknown = client.post(url, {**bad, "reference": "XX-9999-999"})
    assert taken.status_code == unknown.status_code == 400
    assert _normalised(taken, "TM-2021-003") == _normalised(unknown, "XX-9999-999")
    complete = client.post(url, {"country": "TM", "priority": "2", "reference": "tm-2021-003"})
    assert complete.status_code == 400 and TAKEN in complete.content.decode()
    assert _probes("charlie").count() == 2
    own.refresh_from_db()
    assert own.reference == "CH-1"


# --- I2: refused person pages are audited ----------------------------------------------

PERSON_PAGES = [
    ("get", "/people/{p}/"),
    ("get", "/people/{p}/edit/"),
    ("post", "/people/{p}/edit/"),
    ("get", "/people/{p}/names/new/"),
    ("get", "/people/{p}/names/{n}/edit/"),
    ("post", "/people/{p}/names/{n}/remove/"),
    ("get", "/people/{p}/relatives/new/"),
    ("get", "/people/{p}/relatives/{r}/edit/"),
    ("get", "/cases/new/?person={p}"),
]


@pytest.mark.parametrize(("method", "path"), PERSON_PAGES)
def test_refused_person_pages_are_audited(login, alice, charlie, alices_case, method, path):
    person = _person(alices_case)
    relative = cases.relative_add(person=person, name="Mother", relationship="mother", by=alice)
    name = person.names.get(is_primary=False)
    url = path.format(p=person.public_id, n=name.public_id, r=relative.public_id)
    response = getattr(login(charlie), method)(url)
    assert response.status_code == 404
    entry = _probes("charlie").get()
    assert entry.detail["model"] == "cases.person"
    assert entry.detail["id"] == str(person.public_id)


def test_another_persons_relative_is_404_and_audited(login, alice, alices_case):
    person = _person(alices_case)
    stranger = cases.person_create(name="Someone Else", by=alice)
    theirs = cases.relative_add(person=stranger, name="Aunt", relationship="aunt", by=alice)
    url = f"/people/{person.public_id}/relatives/{theirs.public_id}/edit/"
    assert login(alice).get(url).status_code == 404
    assert _probes("alice").get().detail["model"] == "cases.relative"


# --- L5: the person record keeps its history -------------------------------------------


def test_the_person_record_keeps_its_history(login, alice, bob, alices_case):
    """
    GIVEN a rewrite that would erase the record: a description and birth date replaced,
          and a spelling rewritten
    THEN the case's history shows every value before and after, and who changed it,
    AND each audit entry lists only the fields that changed.
    """
    person = _person(alices_case)
    client = login(alice)
    edit = f"/people/{person.public_id}/edit/"
    first = {"description": "ORIGINALDESC-1", "birth_date": "1970-01-01", "sex": "m"}
    assert client.post(edit, first).status_code == 302
    second = {**first, "description": "REWRITTENDESC-2", "birth_date": "1985-06-06"}
    assert login(bob).post(edit, second).status_code == 302
    name = person.names.get(text="Rustam Isakow")
    rename = {"text": "Rewritten Spelling", "kind": "reported"}  # the kind it was added with
    edit_name = f"/people/{person.public_id}/names/{name.public_id}/edit/"
    assert client.post(edit_name, rename).status_code == 302

    updates = AuditEntry.objects.filter(action="person.update").order_by("pk")
    assert [e.detail["fields"] for e in updates] == [
        ["birth_date", "description", "sex"],
        ["birth_date", "description"],
    ]
    assert AuditEntry.objects.get(action="person_name.update").detail["fields"] == ["text"]

    page = login(bob).get(f"/cases/{alices_case.public_id}/history/").content.decode()
    for value in ("ORIGINALDESC-1", "REWRITTENDESC-2", "1 Jan 1970", "6 Jun 1985"):
        assert value in page
    assert "bob changed" in page and "Person Рустам Исаков" in page
    assert "Rustam Isakow" in page and "Rewritten Spelling" in page
    one = login(bob).get(f"/cases/{alices_case.public_id}/history/?record={person.public_id}")
    assert "ORIGINALDESC-1" in one.content.decode()
    assert "Rewritten Spelling" not in one.content.decode()


def test_another_teams_changes_to_the_person_do_not_name_who_made_them(
    login, alice, bob, charlie, alices_case
):
    person = _person(alices_case)
    second = _open_case_for(login(bob), person, "MEM-0001")
    assert _team(login(bob), second, "charlie", "member", grant=False).status_code == 302
    edit = f"/people/{person.public_id}/edit/"
    assert login(alice).post(edit, {"description": "BY-ALICE"}).status_code == 302
    assert login(bob).post(edit, {"description": "BY-BOB"}).status_code == 302
    page = _text(login(charlie).get(f"/cases/{second.public_id}/history/"))
    assert "someone outside this team changed Person" in page and "alice" not in page
    assert "bob changed Person" in page and "BY-ALICE" in page
    on_hers = _text(login(alice).get(f"/cases/{alices_case.public_id}/history/"))
    assert "alice changed Person" in on_hers and "bob changed Person" in on_hers


def test_a_removed_spelling_and_a_new_primary_name_stay_in_the_history(login, alice, alices_case):
    person = _person(alices_case)
    other = person.names.get(is_primary=False)
    client = login(alice)
    primary = {"text": other.text, "kind": "official", "is_primary": "on"}
    names = f"/people/{person.public_id}/names"
    assert client.post(f"{names}/{other.public_id}/edit/", primary).status_code == 302
    old = person.names.get(text="Рустам Исаков")
    assert client.post(f"{names}/{old.public_id}/remove/").status_code == 302
    page = _text(client.get(f"/cases/{alices_case.public_id}/history/"))
    assert "alice deleted Name Рустам Исаков" in page
    assert "Person Rustam Isakow" in page  # the display name followed the primary one
    assert PersonName.history.filter(id=old.pk, history_type="-").exists()


def test_history_is_not_shown_to_outsiders(login, charlie, alices_case):
    assert login(charlie).get(f"/cases/{alices_case.public_id}/history/").status_code == 404


def test_the_migration_puts_relatives_on_the_persons_first_case_and_starts_history(
    alice, alices_case
):
    """Relatives recorded before they had a case get the person's earliest one; every
    person, name and relative gets a first history row (the contact sealed in it)."""
    from django.apps import apps

    migration = import_module(
        "habeas.cases.migrations.0012_relative_case_fill_and_history_baseline"
    )
    person = _person(alices_case)
    relative = cases.relative_add(
        person=person, name="Mother", relationship="mother", contact=CONTACT, by=alice
    )
    later = cases.case_create(reference="TM-2024-001", person=person, country="TM", by=alice)
    assert later.pk > alices_case.pk
    Relative.objects.filter(pk=relative.pk).update(case=None)
    for model in (Person, PersonName, Relative):
        model.history.all().delete()

    migration.fill_cases(apps, None)
    migration.baseline(apps, None)

    relative.refresh_from_db()
    assert relative.case == alices_case
    assert Person.history.filter(id=person.pk).count() == 1
    assert PersonName.history.filter(person_id=person.pk).count() == 2
    row = Relative.history.get(public_id=relative.public_id)
    assert row.history_type == "+" and row.contact == CONTACT
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM cases_historicalrelative")
        assert cursor.fetchone()[0].startswith("hv1$")
