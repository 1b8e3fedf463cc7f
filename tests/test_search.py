"""Search by name across scripts and spellings (DOMAIN.md §6)."""

from __future__ import annotations

import pytest

from habeas.cases import selectors
from habeas.cases import services as cases


def person_search_for_user(**kwargs):
    return selectors.person_search_for_user(**kwargs).people


@pytest.fixture
def people(alice):
    made = {}
    for key, names in {
        "isakov": ["Рустам Исаков", "Rüstem Isakow"],
        "shikhmuradov": ["Шихмурадов Борис Оразович"],
        "ismailov": ["Ismailov Bakhtiyar"],
        "uulu": ["Azamat Bakyt uulu"],
    }.items():
        person = cases.person_create(name=names[0], by=alice)
        for other in names[1:]:
            cases.person_name_add(person=person, text=other, by=alice)
        cases.case_create(reference=f"R-{key}", person=person, country="TM", by=alice)
        made[key] = person
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Isakow", "isakov"),
        ("Isakov", "isakov"),
        ("Исаков", "isakov"),
        ("isakova", "isakov"),
        ("Isak", "isakov"),  # a prefix while typing
        ("Rustam Isakov", "isakov"),
        ("Isakov Rustam", "isakov"),  # order swapped
        ("Shikhmuradov", "shikhmuradov"),
        ("Şyhmyradow", "shikhmuradov"),
        ("Boris Shikhmuradov", "shikhmuradov"),  # patronymic left out
        ("Azamat Bakyt", "uulu"),  # "uulu" (son of) not required
        ("Bakhtiyar Ismailov", "ismailov"),
    ],
)
def test_the_same_person_is_found_under_every_spelling(alice, people, query, expected):
    found = person_search_for_user(user=alice, query=query)
    assert people[expected] in found
    assert found[0] == people[expected]


def test_different_people_are_not_mixed_up(alice, people):
    found = person_search_for_user(user=alice, query="Isakov")
    assert people["ismailov"] not in found
    assert person_search_for_user(user=alice, query="Petrov") == []


def test_search_finds_nobody_outside_the_users_cases(charlie, people):
    assert person_search_for_user(user=charlie, query="Isakov") == []


def test_search_page_lists_names_and_cases(login, alice, people):
    page = login(alice).get("/search/?q=Исаков").content.decode()
    assert "Rüstem Isakow" in page and "R-isakov" in page


def test_empty_and_odd_queries_do_not_fail(login, alice, people):
    client = login(alice)
    for query in ["", "   ", "!!!", "uulu", "x" * 500, "'; DROP TABLE cases_case; --", "\x00"]:
        assert client.get("/search/", {"q": query}).status_code == 200


def test_a_new_spelling_added_on_the_person_page_is_found(login, alice, people):
    person = people["isakov"]
    client = login(alice)
    response = client.post(
        f"/people/{person.public_id}/names/new/",
        {
            "text": "Isaqov",
            "script": "",
            "language": "uz",
            "kind": "misspelling",
            "seen_in": "A court record",
        },
    )
    assert response.status_code == 302
    assert person in person_search_for_user(user=alice, query="Isaqov")
    again = client.post(
        f"/people/{person.public_id}/names/new/", {"text": "Isaqov", "kind": "misspelling"}
    )
    assert again.status_code == 400
    assert "This spelling is already recorded." in again.content.decode()


def test_the_exact_spelling_comes_first_among_many_namesakes(login, alice):
    """A common prefix matches many people: the one spelled as typed must still be
    shown, even when more namesakes match than fit on the page."""
    for i in range(8):
        person = cases.person_create(name=f"Ahmet Öwezow{i}", by=alice)
        cases.case_create(reference=f"N-{i}", person=person, country="TM", by=alice)
    wanted = cases.person_create(name="Овез Овезов", by=alice)
    cases.case_create(reference="N-wanted", person=wanted, country="TM", by=alice)

    found = selectors.person_search_for_user(user=alice, query="Ovez Ovezov", limit=3)
    assert found.people[0] == wanted
    assert found.more  # more matched than the three shown


def test_the_search_page_says_when_it_shows_only_the_closest(login, alice, monkeypatch):
    from habeas.cases import views

    real = selectors.person_search_for_user
    monkeypatch.setattr(
        views.selectors,
        "person_search_for_user",
        lambda **kw: real(**{**kw, "limit": 2}),
    )
    for i in range(3):
        person = cases.person_create(name=f"Isakov {i}", by=alice)
        cases.case_create(reference=f"S-{i}", person=person, country="TM", by=alice)
    page = login(alice).get("/search/?q=Isakov").content.decode()
    assert "More than 2 people found" in page
    assert "Add a given name or patronymic to narrow the search." in page
