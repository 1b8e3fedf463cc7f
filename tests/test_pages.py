"""The shared data-entry page (habeas.core.pages): one template, extended by the
pages that show more, and a service's refusal shown on the form with the input kept."""

from __future__ import annotations

from django.urls import reverse


def test_a_page_with_a_file_field_sends_its_form_as_multipart_and_others_do_not(
    login, alice, alices_case
):
    client = login(alice)
    publication = client.get(reverse("publication_edit", args=[alices_case.public_id]))
    assert 'enctype="multipart/form-data"' in publication.content.decode()  # or no photo arrives
    status = client.get(reverse("status_add", args=[alices_case.public_id]))
    assert "enctype" not in status.content.decode()


def test_the_pages_that_show_more_extend_the_one_form_page(login, alice, alices_case):
    client = login(alice)
    person = alices_case.people.get()
    name = person.names.get(is_primary=False)
    pages = {
        "event_add": (reverse("event_add", args=[alices_case.public_id]), "Actors involved"),
        "claim_add": (reverse("claim_add", args=[alices_case.public_id]), "add a source</a> first"),
        "claim_link": (reverse("claim_link", args=[alices_case.public_id]), "Links already made"),
        "person_name_add": (
            reverse("person_name_add", args=[person.public_id]),
            "Rule-based spellings to check",
        ),
        "person_name_edit": (
            reverse("person_name_edit", args=[person.public_id, name.public_id]),
            "Remove this spelling",
        ),
    }
    for page, (url, shows) in pages.items():
        html = client.get(url).content.decode()
        assert shows in html, page
        assert '<button type="submit">Save</button>' in html, page


def test_a_refusal_of_the_service_is_shown_on_the_form_with_the_input_kept(
    login, alice, alices_case
):
    url = reverse("status_add", args=[alices_case.public_id])
    basis = "A letter from the ministry, typed in full"
    refused = login(alice).post(
        url, {"status": "reported_missing", "asserted_on": "2020-01-01", "basis": basis}
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "This is before the disappearance (20 Oct 2021" in page  # the service's word
    assert "nothing was saved" in page and basis in page
    assert alices_case.statuses.count() == 1  # only the one the case opened with
