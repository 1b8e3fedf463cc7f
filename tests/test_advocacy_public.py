"""Public pages, feed and export: built from cleared fields only. Canaries in
confidential fields must never reach them, nor any document for an external
recipient."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from habeas.advocacy import documents, services
from tests.support.advocacy import consent_to_publication, publish_with_canaries
from tests.support.documents import docx_text, pdf_text
from tests.support.organisation import give_the_organisation

CANARIES = {
    "identity": "CANARY-ADV-IDENTITY-a1",
    "contact": "CANARY-ADV-CONTACT-b2",
    "claim": "CANARY-ADV-CLAIM-c3",
    "event": "CANARY-ADV-EVENT-d4",
    "summary": "CANARY-ADV-SUMMARY-e5",
    "last_message": "CANARY-ADV-LASTMSG-f6",
    "relative": "CANARY-ADV-RELATIVE-g7",
    "code_name": "CANARYCODE",
    "unpublished": "CANARY-ADV-UNPUBLISHED-h8",
}


@pytest.fixture
def seeded(alice, alices_case, settings):
    give_the_organisation(name="Test Rights Centre")
    profile, hidden = publish_with_canaries(alices_case, canaries=CANARIES, by=alice)
    addressee = services.addressee_create(kind="government", title="Prosecutor", by=alice)
    return alices_case, profile, hidden, addressee


def _assert_clean(text: str, where: str, allow: tuple[str, ...] = ()) -> None:
    for name, canary in CANARIES.items():
        if name not in allow:
            assert canary not in text, f"{name} canary in {where}"


def test_no_canary_in_any_document_for_an_external_recipient(seeded, alice, client):
    case, _, _, addressee = seeded
    client.force_login(alice)
    url = reverse("case_document", args=[case.public_id])
    for doc in documents.DocKind:
        for lang in ("en", "ru"):
            query = f"?doc={doc}&lang={lang}&addressee={addressee.public_id}"
            html = client.get(url + query).content.decode()
            # The page around the document is the staff's own; check the document part.
            document = html[html.index('<article class="document"') :]
            _assert_clean(document, f"{doc}/{lang}/html", allow=("unpublished",))
            _assert_clean(pdf_text(client.get(url + query + "&format=pdf").content), doc)
            _assert_clean(docx_text(client.get(url + query + "&format=docx").content), doc)
    for fmt, extract in (("pdf", pdf_text), ("docx", docx_text)):
        body = client.get(reverse("briefing") + f"?country=TM&format={fmt}").content
        _assert_clean(extract(body), f"briefing {fmt}")


def test_no_canary_in_public_pages_feed_export_or_preview(seeded, alice, client):
    case, profile, _, _ = seeded
    pages = [
        client.get(reverse("public_list")),
        client.get(profile.get_absolute_url()),
        client.get(reverse("public_feed")),
    ]
    for page in pages:
        assert page.status_code == 200
        _assert_clean(page.content.decode(), page.request["PATH_INFO"])
    out = io.StringIO()
    call_command("export", "public", format="json", stdout=out)
    _assert_clean(out.getvalue(), "export json")
    assert [row["name"] for row in json.loads(out.getvalue())] == ["Rustam Isakov"]
    out = io.StringIO()
    call_command("export", "public", format="csv", stdout=out)
    _assert_clean(out.getvalue(), "export csv")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["name_variants"] == "Рустам Исаков; Rustam Isakow"
    client.force_login(alice)
    preview = client.get(reverse("publication_preview", args=[case.public_id]))
    _assert_clean(preview.content.decode(), "preview")


def test_public_profile_shows_cleared_fields(seeded, client):
    _, profile, _, _ = seeded
    body = client.get(profile.get_absolute_url()).content.decode()
    assert "Rustam Isakov" in body
    assert "Рустам Исаков" in body
    assert "days ago" in body  # the counter
    assert "Release him" in body
    assert "Disappeared" in body  # the public timeline


def test_an_unpublished_case_is_a_404_indistinguishable_from_nothing(seeded, client, alice):
    _, _, hidden, _ = seeded
    missing = client.get(reverse("public_profile", args=["00000000-0000-0000-0000-000000000000"]))
    unpublished = client.get(hidden.get_absolute_url())
    assert unpublished.status_code == missing.status_code == 404
    assert unpublished.content == missing.content
    client.force_login(alice)  # even its own team sees no public page for it
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_public_pages_are_cacheable_cookieless_and_keep_the_csp(seeded, client):
    _, profile, _, _ = seeded
    for url in (reverse("public_list"), profile.get_absolute_url(), reverse("public_feed")):
        response = client.get(url)
        assert "public" in response["Cache-Control"]
        assert "max-age=" in response["Cache-Control"]
        assert not response.cookies, url
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_feed_is_atom_with_published_updates_only(seeded, client):
    response = client.get(reverse("public_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<feed" in body and "Rustam Isakov: Disappeared" in body
    assert CANARIES["unpublished"] not in body


def test_staff_preview_shows_an_unpublished_profile_to_the_team_only(
    seeded, alice, charlie, client
):
    _, _, hidden, _ = seeded
    url = reverse("publication_preview", args=[hidden.case.public_id])
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    body = client.get(url).content.decode()
    assert "not published" in body
    assert CANARIES["unpublished"] in body  # the team's own cleared name, in preview


def test_publishing_through_the_page_keeps_input_on_error(alices_case, bob, client):
    client.force_login(bob)
    url = reverse("publication_edit", args=[alices_case.public_id])
    bad = client.post(url, {"name": "", "summary": "Kept text", "status": "continuing"})
    assert bad.status_code == 400
    assert "Kept text" in bad.content.decode()
    consent_to_publication(alices_case)
    ok = client.post(
        url, {"name": "R. Isakov", "status": "continuing", "is_published": "on", "country": "TM"}
    )
    assert ok.status_code == 302
    assert "R. Isakov" in client.get(reverse("public_list")).content.decode()
