"""Opening a case with the last contact's code name creates a source with only a
code name: the page one lands on says so and links to where it is completed
(issue 13 fix-ups, G)."""

from __future__ import annotations

import html

from habeas.cases.models import Case

OPEN = {
    "person_name": "Azat Isakov",
    "person_name_script": "",
    "reference": "TM-2021-101",
    "country": "TM",
    "summary": "",
    "disappeared_on": "20.10.2021",
    "disappeared_place": "Moscow region",
    "last_contact_on": "20 Oct 2021",
    "last_contact_place": "",
    "last_contact_channel": "text",
    "last_contact_message": "The police are here.",
    "priority": "3",
    "tags": "",
}


def test_the_source_made_from_the_last_contact_is_announced_with_a_link(login, alice):
    client = login(alice)
    response = client.post(
        "/cases/new/", {**OPEN, "last_contact_source_code_name": "ORCHID"}, follow=True
    )
    raw = response.content.decode()
    page = html.unescape(raw)
    case = Case.objects.get(reference="TM-2021-101")
    source = case.last_contact_source
    assert "Case TM-2021-101 opened." in page
    assert (
        "Source ORCHID was created for the last contact, with reliability F (cannot be "
        "judged), no identity and no consents. "
        f'<a href="/cases/{case.public_id}/sources/{source.public_id}/">'
        "Complete its grade, identity (kept confidential) and consents</a>"
    ) in page
    # A link, not its markup printed as text.
    assert f'<a href="/cases/{case.public_id}/sources/{source.public_id}/">Complete' in raw
    assert client.get(f"/cases/{case.public_id}/sources/{source.public_id}/").status_code == 200


def test_no_source_no_word_of_one(login, alice):
    response = login(alice).post("/cases/new/", OPEN, follow=True)
    page = response.content.decode()
    assert "Case TM-2021-101 opened." in page
    assert "was created for the last contact" not in page
