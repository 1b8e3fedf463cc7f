"""A Russian-speaking caseworker in Debian's Chromium with JavaScript off: log in,
the dashboard, a case; a visitor on the public page, switching language by the
form. Screenshots of the three pages go to $HABEAS_SCREENSHOTS when it is set
(the lead's note), to the test's own directory otherwise."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from habeas.advocacy import services as advocacy
from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate
from tests.conftest import PASSWORD, make_user
from tests.support.advocacy import consent_to_publication
from tests.support.i18n import compile_catalogues

pytestmark = pytest.mark.browser


@pytest.fixture
def russian_world(transactional_db):
    # Made before Playwright starts: ORM calls from inside its event loop would use
    # a connection of their own that nobody closes.
    compile_catalogues()
    caseworker = make_user("caseworker")
    caseworker.language = "ru"
    caseworker.save(update_fields=["language"])
    person = cases.person_create(name="Рустам Исаков", by=caseworker)
    case = cases.case_create(
        reference="TM-2021-003",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20"),
        last_contact_on=PartialDate.parse("about Oct 2021"),
        by=caseworker,
    )
    consent_to_publication(case, by=caseworker)
    profile = advocacy.public_profile_save(
        case=case,
        name="Рустам Исаков",
        is_published=True,
        country="TM",
        disappeared_on=date(2021, 10, 20),
        by=caseworker,
    )
    return case, profile


@pytest.fixture
def screens(tmp_path) -> Path:
    directory = Path(os.environ.get("HABEAS_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _in_russian(page) -> None:
    assert page.locator("html").get_attribute("lang") == "ru"


def test_a_russian_caseworker_and_a_visitor_without_javascript(
    russian_world, screens, live_server, page
):
    case, profile = russian_world
    base = live_server.url

    # The login page follows the browser (Russian here) before anyone is known.
    page.set_extra_http_headers({"Accept-Language": "ru-RU,ru;q=0.9"})
    page.goto(f"{base}/")
    assert "/login/" in page.url
    _in_russian(page)
    page.locator("input[name=username]").fill("caseworker")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    # Signed in, the account's language holds even if the browser asks for English.
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(f"{base}/")
    _in_russian(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Сводка"
    assert case.reference in page.content()
    page.screenshot(path=screens / "dashboard-ru.png", full_page=True)

    page.goto(f"{base}{case.get_absolute_url()}")
    _in_russian(page)
    assert "20 октября 2021 г." in page.content()
    assert "около октября 2021 г." in page.content()
    page.screenshot(path=screens / "case-ru.png", full_page=True)

    # A visitor: the public page in the browser's language, then English by the
    # switch (a plain form), back on the same page.
    page.context.clear_cookies()
    page.set_extra_http_headers({"Accept-Language": "ru"})
    page.goto(f"{base}{profile.get_absolute_url()}")
    _in_russian(page)
    assert "Рустам Исаков" in page.content()
    page.screenshot(path=screens / "public-ru.png", full_page=True)
    page.locator("form.language select").select_option("en")
    page.locator("form.language button[type=submit]").click()
    assert page.url == f"{base}{profile.get_absolute_url()}"
    assert page.locator("html").get_attribute("lang") == "en"
