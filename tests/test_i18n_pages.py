"""Every page of the authorization matrix's world, as each kind of visitor, in
Russian: no word of the interface's own English may be left on it.

The English words are those of the catalogue's msgids (4 letters or more), less
the ones its Russian keeps (Habeas, PFIF, Atom…) and the words of the data on
the pages (names, references, statements typed in English by the fixture). A
page's text is what a reader sees or hears: text nodes and the title, alt,
placeholder and aria-label attributes, without what declares itself not
translatable (translate="no", another lang=, code) or machine-readable."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models

from tests.support.i18n import RUSSIAN, catalogue_entries, compile_catalogues
from tests.support.pages import url_for, url_names

ROLES = ("anonymous", "outsider", "read_only", "member", "member_grant", "admin")
WORD = re.compile(r"[A-Za-z]{4,}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\{[^}]*\}\}|\{\w+\}|<[^>]+>|&\w+;")
# Kept as they are in Russian: names of things and formats, and Django's own words
# for its widgets (a date's "YYYY" stays in the catalogue's examples).
ALLOWED = {
    "habeas", "pfif", "atom", "json", "xlsx", "docx", "totp", "wgeid", "https", "http",
    "html", "utf-8", "sha-256", "unicode", "openapi", "bearer",
}  # fmt: skip


def _english_words() -> set[str]:
    words: set[str] = set()
    kept: set[str] = set()
    for msgid, msgstr in catalogue_entries(RUSSIAN):
        words.update(w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", msgid)))
        kept.update(w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", msgstr)))
    return words - kept - ALLOWED


# The header row of the world's uploaded spreadsheet (import_ids in
# tests/support/pages.py): the mapping page labels each column with it, as the file says.
UPLOADED_HEADERS = {"reference", "name", "country"}


def _data_words() -> set[str]:
    """Every word stored in the database: what the fixture typed is data, not interface."""
    words: set[str] = set(UPLOADED_HEADERS)
    for model in apps.get_models():
        if not model.__module__.startswith("habeas"):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.choices
        ]
        if not fields:
            continue
        for row in model.objects.all():
            for name in fields:
                value = getattr(row, name, "")
                text = (
                    value
                    if isinstance(value, str)
                    else json.dumps(value, ensure_ascii=False, default=str)
                )
                words.update(w.lower() for w in WORD.findall(text))
    return words


class _Text(HTMLParser):
    """What a reader of the page gets, without what says it is not to be translated."""

    SKIP = {"script", "style", "code", "pre", "textarea", "option"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area"}
    SPOKEN = ("title", "alt", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its content skipped

    def _skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang") or ""
        skip = (
            tag in self.SKIP
            or attributes.get("translate") == "no"
            or (bool(lang) and not lang.startswith("ru"))
        )
        if not self._skipping() and not skip:
            self.parts.extend(attributes.get(a) or "" for a in self.SPOKEN)
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def _page_words(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return {w.lower() for w in WORD.findall(" ".join(parser.parts))}


@pytest.fixture
def russian(world):
    compile_catalogues()
    ids, users = world
    for user in users.values():
        if user is not None:
            user.language = "ru"
            user.save(update_fields=["language"])
    return ids, users


def test_no_page_shows_an_english_word_of_the_interface_in_russian(client, russian):
    ids, users = russian
    english = _english_words() - _data_words()
    assert len(english) > 500  # the catalogue was read
    left: dict[str, set[str]] = {}
    pages = 0
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for name in sorted(url_names()):
            response = client.get(url_for(name, ids), HTTP_ACCEPT_LANGUAGE="ru")
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            found = _page_words(response.content.decode()) & english
            if found:
                left.setdefault(name, set()).update(found)
    assert pages > 100
    report = "\n".join(f"{name}: {' '.join(sorted(words))}" for name, words in sorted(left.items()))
    assert not left, f"English words left on Russian pages:\n{report}"
