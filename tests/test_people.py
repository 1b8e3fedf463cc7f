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


def test_relatives_are_recorded_on_the_person(login, alice, bob, alices_case):
    from habeas.audit.models import AuditEntry

    person = alices_case.people.get()
    client = login(alice)
    response = client.post(
        f"/people/{person.public_id}/relatives/new/",
        {"name": "Mother", "relationship": "mother", "contact": "via ROWAN"},
    )
    assert response.status_code == 302
    viewed = AuditEntry.objects.filter(action="relative.contact_viewed")
    # Bob is on the team without "may see who sources are": no contact, no way to set one.
    as_bob = login(bob).get(person.get_absolute_url()).content.decode()
    assert "Mother (mother)" in as_bob and "(contact or notes on file; confidential)" in as_bob
    assert "via ROWAN" not in as_bob and not viewed.exists()
    relative = person.relatives.get()
    edit_url = f"/people/{person.public_id}/relatives/{relative.public_id}/edit/"
    assert "via ROWAN" not in login(bob).get(edit_url).content.decode()
    login(bob).post(edit_url, {"name": "Mother", "relationship": "mother", "contact": "x"})
    relative.refresh_from_db()
    assert relative.contact == "via ROWAN"
    # Alice holds the grant: she reads the contact, and that is recorded.
    page = login(alice).get(person.get_absolute_url()).content.decode()
    assert "Mother (mother)" in page and "via ROWAN" in page
    assert viewed.get().actor_username == "alice"


def test_a_relative_is_edited_with_errors_shown_and_input_kept(login, alice, vera, alices_case):
    from habeas.cases import services as cases

    person = alices_case.people.get()
    relative = cases.relative_add(
        person=person, name="Mother", relationship="mother", contact="+993 12", by=alice
    )
    url = f"/people/{person.public_id}/relatives/{relative.public_id}/edit/"
    client = login(alice)
    # A relative may be known by relationship only; the relationship is required.
    bad = client.post(url, {"name": "Aunt", "relationship": "", "contact": "+993 65"})
    assert bad.status_code == 400
    assert "This field is required." in bad.content.decode()
    assert "+993 65" in bad.content.decode()
    ok = client.post(url, {"name": "Aunt", "relationship": "aunt", "contact": "+993 65"})
    assert ok.status_code == 302
    relative.refresh_from_db()
    assert (relative.name, relative.contact) == ("Aunt", "+993 65")
    assert login(vera).get(url).status_code == 404


def test_read_only_member_cannot_edit_the_person(login, vera, alices_case):
    person = alices_case.people.get()
    assert login(vera).get(f"/people/{person.public_id}/edit/").status_code == 404


def test_an_actor_is_edited_but_never_made_part_of_itself(login, alice, vera):
    from habeas.cases import services as cases

    ministry = cases.actor_create(name="Ministry of National Security", kind="agency", by=alice)
    unit = cases.actor_create(name="Department 6", kind="unit", parent=ministry, by=alice)
    client = login(alice)
    url = f"/actors/{ministry.public_id}/edit/"
    looped = client.post(url, {"name": "MNB", "kind": "agency", "parent": unit.pk})
    assert looped.status_code == 400
    assert "An actor cannot be part of itself." in looped.content.decode()
    assert 'value="MNB"' in looped.content.decode()
    assert client.post(url, {"name": "MNB", "kind": "agency", "country": "TM"}).status_code == 302
    ministry.refresh_from_db()
    assert (ministry.name, ministry.country.code) == ("MNB", "TM")
    assert login(vera).get(url).status_code == 404


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


def _names(person) -> list[str]:
    return list(person.names.order_by("id").values_list("text", flat=True))


def test_a_spelling_is_corrected_and_found_under_its_new_form(login, alice, alices_case):
    from habeas.audit.models import AuditEntry
    from habeas.cases.selectors import person_search_for_user

    person = alices_case.people.get()
    isakow = person.names.get(text="Rustam Isakow")
    client = login(alice)
    url = f"/people/{person.public_id}/names/{isakow.public_id}/edit/"
    page = client.get(url).content.decode()
    assert 'value="Rustam Isakow"' in page and "Remove this spelling" in page

    data = {"text": "Rüstem Isakow", "script": "", "language": "tk", "kind": "birth"}
    assert client.post(url, {**data, "seen_in": "Birth certificate"}).status_code == 302
    isakow.refresh_from_db()
    assert (isakow.text, isakow.language, isakow.seen_in) == (
        "Rüstem Isakow",
        "tk",
        "Birth certificate",
    )
    assert [p.pk for p in person_search_for_user(user=alice, query="Rüstem").people] == [person.pk]
    entry = AuditEntry.objects.get(action="person_name.update")
    # Which fields changed, never the spelling itself (that is in the history).
    assert entry.detail["fields"] == ["kind", "language", "seen_in", "text"]
    assert "Isakow" not in str(entry.detail)

    # Another spelling's text is refused, with the input kept.
    taken = client.post(url, {**data, "text": "Рустам Исаков"})
    assert taken.status_code == 400
    assert "This spelling is already recorded." in taken.content.decode()


def test_the_primary_name_stays_until_another_is_made_primary(login, alice, alices_case):
    person = alices_case.people.get()
    primary = person.names.get(is_primary=True)
    other = person.names.get(is_primary=False)
    client = login(alice)

    response = client.post(
        f"/people/{person.public_id}/names/{primary.public_id}/edit/",
        {"text": primary.text, "kind": "official", "is_primary": ""},
    )
    assert response.status_code == 400
    assert "make another spelling primary" in response.content.decode()
    response = client.post(f"/people/{person.public_id}/names/{primary.public_id}/remove/")
    assert response.status_code == 302
    assert primary.text in _names(person)

    response = client.post(
        f"/people/{person.public_id}/names/{other.public_id}/edit/",
        {"text": other.text, "kind": "transliteration", "is_primary": "on"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.display_name == other.text
    assert list(person.names.filter(is_primary=True)) == [other]


def test_a_spelling_entered_by_mistake_is_removed_and_no_longer_found(login, alice, alices_case):
    from habeas.audit.models import AuditEntry
    from habeas.cases import services
    from habeas.cases.selectors import person_search_for_user

    person = alices_case.people.get()
    typo = services.person_name_add(person=person, text="Rustam Qwertyov", by=alice)
    assert person_search_for_user(user=alice, query="Qwertyov").people
    response = login(alice).post(f"/people/{person.public_id}/names/{typo.public_id}/remove/")
    assert response.status_code == 302
    assert "Rustam Qwertyov" not in _names(person)
    assert not person_search_for_user(user=alice, query="Qwertyov").people
    assert "Qwertyov" not in str(AuditEntry.objects.get(action="person_name.remove").detail)


def test_names_of_other_people_and_read_only_members_get_404(
    login, alice, vera, charlie, alices_case
):
    from habeas.cases import services

    person = alices_case.people.get()
    name = person.names.get(is_primary=False)
    stranger = services.person_create(name="Someone Else", by=charlie)
    foreign = stranger.names.get()
    names = f"/people/{person.public_id}/names"
    client = login(alice)
    assert client.get(f"{names}/{foreign.public_id}/edit/").status_code == 404
    assert client.post(f"{names}/{foreign.public_id}/remove/").status_code == 404
    for user in (vera, charlie):
        other = login(user)
        assert other.get(f"{names}/{name.public_id}/edit/").status_code == 404
        assert other.post(f"{names}/{name.public_id}/remove/").status_code == 404
    assert person.names.filter(pk=name.pk).exists() and stranger.names.exists()


def test_a_relative_recorded_before_any_case_belongs_to_the_first_case(alice):
    """The demo's order: the person and their mother first, then the case."""
    from habeas.cases import services as cases

    person = cases.person_create(name="Ахмед Исаков", by=alice)
    mother = cases.relative_add(
        person=person, name="Mother", relationship="mother", contact="+993 12", by=alice
    )
    assert mother.case is None  # nobody reads the contact meanwhile
    case = cases.case_create(reference="TM-2026-001", person=person, country="TM", by=alice)
    cases.case_create(reference="TM-2026-002", person=person, country="TM", by=alice)
    mother.refresh_from_db()
    assert mother.case == case


def test_a_relative_is_not_recorded_on_a_case_of_someone_else(login, alice, alices_case):
    from habeas.cases import services as cases

    person = alices_case.people.get()
    stranger = cases.person_create(name="Someone Else", by=alice)
    theirs = cases.case_create(reference="TM-2026-001", person=stranger, country="TM", by=alice)
    url = f"/people/{person.public_id}/relatives/new/"
    data = {"name": "Aunt", "relationship": "aunt", "contact": "+993 65"}
    for forged in (str(theirs.public_id), "not-a-uuid"):
        response = login(alice).post(url, {**data, "case": forged})
        assert response.status_code == 400
        assert "(Hidden field case)" in response.content.decode()  # one case: no choice
        assert "+993 65" in response.content.decode()
    assert not person.relatives.exists()
