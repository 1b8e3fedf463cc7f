"""The person page: every name, details and relatives."""

from __future__ import annotations


def test_person_page_lists_every_spelling_with_its_script(login, bob, alices_case):
    person = alices_case.people.get()
    page = login(bob).get(person.get_absolute_url()).content.decode()
    assert "Рустам Исаков" in page and "Rustam Isakow" in page
    assert "Cyrillic" in page and "Latin" in page
    assert "TM-2021-003" in page


def test_name_form_suggests_transliterations_but_saves_none(login, alice, alices_case):
    person = alices_case.people.get()
    page = login(alice).get(f"/people/{person.public_id}/names/new/").content.decode()
    assert "Rustam Isakov" in page  # a rule-based candidate from the Cyrillic name
    assert person.names.count() == 2


def test_editing_person_details_validates_the_birth_date(login, alice, alices_case):
    person = alices_case.people.get()
    client = login(alice)
    url = f"/people/{person.public_id}/edit/"
    bad = client.post(url, {"birth_date": "1988-13", "sex": "m", "nationality": "TM"})
    assert bad.status_code == 400
    assert "1988-13" in bad.content.decode()
    ok = client.post(
        url, {"birth_date": "about 1988", "sex": "m", "nationality": "TM", "occupation": "Blogger"}
    )
    assert ok.status_code == 302
    person.refresh_from_db()
    assert person.birth_date.display() == "about 1988"


def test_relatives_are_recorded_on_the_person(login, alice, alices_case):
    person = alices_case.people.get()
    client = login(alice)
    response = client.post(
        f"/people/{person.public_id}/relatives/new/",
        {"name": "Mother", "relationship": "mother", "contact": "via ROWAN"},
    )
    assert response.status_code == 302
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Mother (mother)" in page
    assert "via ROWAN" not in page  # contact details are not on the page


def test_read_only_member_cannot_edit_the_person(login, vera, alices_case):
    person = alices_case.people.get()
    assert login(vera).get(f"/people/{person.public_id}/edit/").status_code == 404


def test_actors_have_parents_and_validate(login, alice):
    client = login(alice)
    assert (
        client.post("/actors/new/", {"name": "MNB", "kind": "agency", "country": "TM"}).status_code
        == 302
    )
    dup = client.post("/actors/new/", {"name": "MNB", "kind": "agency", "country": "TM"})
    assert dup.status_code == 400
    assert "already exists" in dup.content.decode()
    bad = client.post("/actors/new/", {"name": "", "kind": "spaceship"})
    assert bad.status_code == 400
