"""Control characters: dropped from every form's text as it arrives, and from
what goes into XML (the public Atom feed, DOCX files) for records stored before.

A vertical tab is Word's manual line break: pasted into a public update or an
event, it once took down the public feed for everyone and every DOCX of the case
and of its country's briefing note."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from habeas.advocacy import services
from habeas.advocacy.models import PublicUpdate
from habeas.cases.models import Event
from habeas.lib.text import plain_text
from tests.test_advocacy import docx_text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("one\x0btwo", "one\ntwo"),  # Word's manual line break
        ("one\x0ctwo", "one\ntwo"),  # form feed: a page break
        ("tab\there\r\nnext", "tab\there\r\nnext"),
        ("nul\x00 bell\x07 esc\x1b del\x7f nel\x85 csi\x9b", "nul bell esc del nel csi"),
        ("non\ufffecharacters\uffff", "noncharacters"),
        ("Рустам Исаков — 王小明 — محمد", "Рустам Исаков — 王小明 — محمد"),
        ("zero\u200dwidth joiner kept", "zero\u200dwidth joiner kept"),
    ],
)
def test_plain_text_drops_controls_and_keeps_line_breaks(typed, kept):
    assert plain_text(typed) == kept


@pytest.fixture
def published(alices_case, alice):
    return services.public_profile_save(
        case=alices_case, name="Rustam Isakov", is_published=True, country="TM", by=alice
    )


def _docx_urls(case) -> list[str]:
    document = reverse("case_document", args=[case.public_id])
    return [
        f"{document}?doc=wgeid&format=docx",
        f"{document}?doc=urgent_action&format=docx",
        reverse("briefing") + "?country=TM&format=docx",
    ]


def test_a_vertical_tab_typed_into_forms_is_a_line_break_and_breaks_nothing(
    published, alices_case, alice, client
):
    """GIVEN a published profile
    WHEN staff paste text with vertical tabs into a public update and an event
    THEN what is stored has newlines instead, the public feed and every DOCX work."""
    client.force_login(alice)
    added = client.post(
        reverse("public_update_add", args=[alices_case.public_id]),
        {"happened_on": "2021-10-21", "title": "Appeal\x0bfiled", "text": "Line one\x0bline two"},
    )
    assert added.status_code == 302
    update = PublicUpdate.objects.get(profile=published)
    assert (update.title, update.text) == ("Appeal\nfiled", "Line one\nline two")
    event = client.post(
        reverse("event_add", args=[alices_case.public_id]),
        {
            "kind": "arrest",
            "occurred_on": "2021-10-20",
            "place": "Esenyurt\x0b",
            "description": "Police came\x0bto his flat.\x00",
            "clearance": "public",
            "actors-TOTAL_FORMS": "0",
            "actors-INITIAL_FORMS": "0",
        },
    )
    assert event.status_code == 302
    stored = Event.objects.get(case=alices_case)
    assert stored.description == "Police came\nto his flat."
    assert stored.place == "Esenyurt"

    client.logout()
    feed = client.get(reverse("public_feed"))
    assert feed.status_code == 200
    assert "Line one\nline two" in feed.content.decode()
    client.force_login(alice)
    for url in _docx_urls(alices_case):
        response = client.get(url)
        assert response.status_code == 200, url
    wgeid = docx_text(client.get(_docx_urls(alices_case)[0]).content)
    assert "Police came\nto his flat." in wgeid


def test_a_record_stored_with_control_characters_takes_nothing_down(
    published, alices_case, alice, client
):
    """GIVEN records written with control characters before input was cleaned
    (straight into the database, as an old version or an import would)
    THEN the public feed and the DOCX documents still work, without them."""
    services.public_update_add(
        profile=published, happened_on=date(2021, 10, 21), title="Appeal", by=alice
    )
    PublicUpdate.objects.update(title="Ap\x0bpeal", text="Line one\x0bline two\x00")
    event = Event.objects.create(
        case=alices_case,
        kind=Event.Kind.ARREST,
        occurred_on=alices_case.disappeared_on,
        description="placeholder",
        clearance=Event.Clearance.PUBLIC,
    )
    Event.objects.filter(pk=event.pk).update(
        description="Police came\x0bto his flat.\x1b", place="Esen\x0cyurt"
    )

    feed = client.get(reverse("public_feed"))
    assert feed.status_code == 200
    body = feed.content.decode()
    assert "Line one\nline two" in body and "Ap\npeal" in body
    assert "\x0b" not in body and "\x00" not in body
    client.force_login(alice)
    for url in _docx_urls(alices_case):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Police came\nto his flat." in docx_text(response.content), url
