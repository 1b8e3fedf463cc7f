"""Control characters: dropped from every form's text as it arrives, and from
what goes into XML (the public Atom feed, DOCX files) for records stored before.

A vertical tab is Word's manual line break: pasted into a public update or an
event, it once took down the public feed for everyone and every DOCX of the case
and of its country's briefing note."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from habeas.advocacy import services
from habeas.advocacy.models import PublicUpdate
from habeas.cases.models import Event
from habeas.core.middleware import PlainTextInputMiddleware
from habeas.lib.text import plain_text
from tests.support.advocacy import consent_to_publication
from tests.support.documents import docx_text


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


def test_plain_text_keeps_every_other_character_of_unicode():
    """Every code point, one by one: the controls (category Cc), unpaired surrogates
    (Cs), U+FFFE and U+FFFF go, but tab, newline and carriage return; vertical tab
    and form feed become newlines; everything else is kept as it is."""
    import unicodedata

    for code in range(0x110000):
        ch = chr(code)
        if ch in "\v\f":
            expected = "\n"
        elif ch in "\t\n\r":
            expected = ch
        elif unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
            expected = ""
        else:
            expected = ch
        assert plain_text(f"a{ch}b") == f"a{expected}b", hex(code)


@pytest.fixture
def published(alices_case, alice):
    consent_to_publication(alices_case, by=alice)
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
    PublicUpdate.objects.update(title="Ap\x0bpeal", text="Line one\x0bline two\x01")
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
    assert "\x0b" not in body and "\x01" not in body
    client.force_login(alice)
    for url in _docx_urls(alices_case):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Police came\nto his flat." in docx_text(response.content), url


# --- Passwords are secrets, not text: they arrive exactly as typed --------------------

PASSWORD_WITH = {
    "delete": "Horse\x7fbattery-staple-9",
    "next-line": "Horse\x85battery-staple-9",
    "vertical-tab": "Horse\x0bbattery-staple-9",
}


@pytest.mark.parametrize("password", PASSWORD_WITH.values(), ids=PASSWORD_WITH.keys())
def test_a_password_holding_a_control_character_still_logs_in(alice, client, password):
    """GIVEN an account whose password holds a control character (set by an
    administrator, or chosen before input was cleaned)
    WHEN its owner logs in through the web form
    THEN the password is checked as typed and they are in."""
    alice.set_password(password)
    alice.save()
    response = client.post(reverse("login"), {"username": "alice", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert SESSION_KEY in client.session


def test_a_new_password_is_stored_as_typed(alice, client):
    """A vertical tab typed into a new password is not turned into a newline:
    the owner logs in afterwards with what they typed."""
    from tests.conftest import PASSWORD

    new = PASSWORD_WITH["vertical-tab"]
    client.force_login(alice)
    changed = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)
    client.logout()
    response = client.post(reverse("login"), {"username": "alice", "password": new})
    assert response["Location"] == "/"


def _forms():
    """Every form class Habeas defines."""
    import importlib
    import inspect
    import pkgutil

    import habeas

    for module_info in pkgutil.walk_packages(habeas.__path__, "habeas."):
        if module_info.name.rpartition(".")[2] != "forms":
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_password_field_is_named_so_that_input_cleaning_leaves_it_alone():
    """The input cleaning sees names, not forms: a password field named otherwise
    would be cleaned, and its owner locked out."""
    found = []
    for form in _forms():
        for name, field in form.base_fields.items():
            if isinstance(field.widget, forms.PasswordInput):
                found.append(f"{form.__name__}.{name}")
                assert PlainTextInputMiddleware.is_secret(name), f"{form.__name__}.{name}"
    assert "LoginForm.password" in found  # the premise: forms were found
    assert "AccountPasswordChangeForm.new_password1" in found


def test_an_addressee_loses_bidi_overrides_before_it_reaches_a_letter(alice, client):
    """A right-to-left override in an addressee's name printed "Ministry of
    \u202eecitsuJ\u202c Affairs" as "Justice"; one in an address line reversed the
    country line the letter adds after it (adversarial review). The service drops
    them, so an import gets the same as the form."""
    from habeas.advocacy import documents, render
    from habeas.advocacy.models import Addressee
    from habeas.cases import services as cases
    from habeas.lib.partialdate import PartialDate
    from tests.support.documents import pdf_text_as_read
    from tests.support.organisation import give_the_organisation

    give_the_organisation()
    client.force_login(alice)
    response = client.post(
        reverse("addressee_add"),
        {
            "kind": "government",
            "name": "A.\u202e Smith",
            "title": "Minister\u2066 of\u0007 Justice",
            "organisation": "Ministry of \u202eecitsuJ\u202c Affairs",
            "address": "Archabil Avenue 108\n\u202eAshgabat\u200f",
            "country": "TM",
            "salutation": "Your\u202e Excellency,",
            "salutation_language": "en",
        },
    )
    assert response.status_code == 302
    addressee = Addressee.objects.get()
    stored = [addressee.name, addressee.title, addressee.organisation, addressee.salutation]
    assert stored == [
        "A. Smith",
        "Minister of Justice",
        "Ministry of ecitsuJ Affairs",
        "Your Excellency,",
    ]
    assert addressee.address == "Archabil Avenue 108\nAshgabat"
    services.addressee_update(addressee=addressee, address="Archabil\u202e 108", by=alice)
    addressee.refresh_from_db()
    assert addressee.address == "Archabil 108"

    person = cases.person_create(name="Azat Isakov", sex="m", by=alice)
    case = cases.case_create(
        reference="TM-2021-104",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20"),
        by=alice,
    )
    services.addressee_update(
        addressee=addressee, address="Archabil Avenue 108\nAshgabat", by=alice
    )
    letter = documents.build(
        kind=documents.DocKind.LETTER,
        case=case,
        language="en",
        today=date(2026, 12, 6),
        addressees=[addressee],
    )
    text = pdf_text_as_read(render.to_pdf(letter))
    assert "Ministry of ecitsuJ Affairs" in text
    assert "Ashgabat" in text
    assert "Turkmenistan" in text
