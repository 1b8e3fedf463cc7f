"""The briefing note for a human-rights dialogue: several cases of one country,
chosen among those the user is on — never anyone else's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habeas.cases import services as cases
from tests.support.advocacy import consent_to_publication
from tests.support.documents import pdf_text


def _case(reference: str, name: str, by, country: str = "TM"):
    person = cases.person_create(name=name, by=by)
    return cases.case_create(reference=reference, person=person, country=country, by=by)


@pytest.fixture
def turkmen_cases(alices_case, alice, charlie):
    """alice is on three cases of Turkmenistan and one of Russia; charlie, an
    outsider to all of them, has a Turkmen case of his own."""
    second = _case("TM-2002-004", "Annamyrat Gurbanow", alice)
    third = _case("TM-2003-001", "Batyr Nazarow", alice)
    _case("RU-2020-001", "Ivan Ivanov", alice, country="RU")
    charlies = _case("TM-CHARLIE-9", "Charlie's Person", charlie)
    # A briefing note is public-level: each family consented to publication.
    for case in (alices_case, second, third):
        consent_to_publication(case, by=alice)
    return [alices_case, second, third], charlies


def _body(response) -> str:
    return response.content.decode()


def test_every_case_of_the_country_is_offered_and_included_by_default(turkmen_cases, alice, client):
    mine, charlies = turkmen_cases
    client.force_login(alice)
    response = client.get(reverse("briefing") + "?country=TM")
    assert response.status_code == 200
    body = _body(response)
    for case in mine:
        assert f'value="{case.public_id}" checked' in body
        assert body.count(case.reference) == 2  # listed, and in the note
    assert "RU-2020-001" not in body
    assert "TM-CHARLIE-9" not in body and str(charlies.public_id) not in body
    assert '<input type="hidden" name="picked" value="TM">' in body
    assert "<legend>Cases to include</legend>" in body


def test_only_the_chosen_cases_go_into_the_note(turkmen_cases, alice, client):
    (first, second, third), _ = turkmen_cases
    client.force_login(alice)
    query = f"?country=TM&picked=TM&case={first.public_id}&case={third.public_id}"
    body = _body(client.get(reverse("briefing") + query))
    note = body[body.index('<article class="document"') :]
    assert first.reference in note and third.reference in note
    assert second.reference not in note
    assert f'value="{second.public_id}">' in body  # still offered, unticked
    assert f'value="{first.public_id}" checked' in body
    pdf = pdf_text(client.get(reverse("briefing") + query + "&format=pdf").content)
    assert first.reference in pdf and third.reference in pdf
    assert second.reference not in pdf


def test_forged_and_foreign_case_ids_are_ignored_and_reveal_nothing(
    turkmen_cases, alice, charlie, client
):
    (first, _, _), charlies = turkmen_cases
    client.force_login(alice)
    url = reverse("briefing")
    mixed = client.get(
        url + f"?country=TM&picked=TM&case={charlies.public_id}&case=not-a-uuid"
        f"&case={first.public_id}"
    )
    assert mixed.status_code == 200
    note = _body(mixed)[_body(mixed).index('<article class="document"') :]
    assert first.reference in note
    assert "TM-CHARLIE-9" not in _body(mixed) and "Charlie" not in _body(mixed)
    only_forged = client.get(url + f"?country=TM&picked=TM&case={charlies.public_id}&lang=ru")
    assert only_forged.status_code == 400
    body = _body(only_forged)
    assert "Choose at least one case to include." in body
    assert "TM-CHARLIE-9" not in body and '<article class="document"' not in body
    assert '<option value="ru" selected>' in body  # input kept
    assert client.get(url + "?country=TM&picked=TM&format=pdf").status_code == 400
    # The outsider sees only his own case, whatever he asks for.
    client.force_login(charlie)
    his = _body(client.get(url + f"?country=TM&picked=TM&case={first.public_id}"))
    assert first.reference not in his and "Choose at least one case" in his


def test_boxes_ticked_for_another_country_do_not_limit_this_one(turkmen_cases, alice, client):
    (first, second, third), _ = turkmen_cases
    client.force_login(alice)
    body = _body(client.get(reverse("briefing") + f"?country=TM&picked=RU&case={first.public_id}"))
    note = body[body.index('<article class="document"') :]
    assert all(case.reference in note for case in (first, second, third))


def test_unchosen_cases_cost_no_queries(alices_case, alice, client):
    """The note reads the record of the chosen cases only: five cases offered and
    one chosen take as many queries as two offered and one chosen."""
    client.force_login(alice)
    _case("TM-2", "Second Person", alice)
    url = reverse("briefing") + f"?country=TM&picked=TM&case={alices_case.public_id}"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(3, 6):
        _case(f"TM-{n}", f"Person Number{n}", alice)
    assert queries() == few
