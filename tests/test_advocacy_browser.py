"""Public pages and the document preview in Debian's Chromium with JavaScript
disabled, requesting nothing from any other host."""

from __future__ import annotations

from datetime import date
from urllib.parse import urljoin

import pytest

from habeas.advocacy import services
from habeas.cases import services as cases
from habeas.cases.models import CaseMember
from habeas.lib.partialdate import PartialDate
from tests.conftest import PASSWORD, make_user
from tests.support.advocacy import consent_to_publication
from tests.support.browser import labelled

pytestmark = pytest.mark.browser


@pytest.fixture
def published(transactional_db):
    # Made before Playwright starts (see tests/test_browser.py).
    worker = make_user("caseworker")
    person = cases.person_create(name="Рустам Исаков", by=worker)
    case = cases.case_create(
        reference="TM-2021-003",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20"),
        by=worker,
    )
    CaseMember.objects.filter(case=case, user=worker).update(role=CaseMember.Role.LEAD)
    consent_to_publication(case, by=worker)
    profile = services.public_profile_save(
        case=case,
        name="Rustam Isakov",
        name_variants="Рустам Исаков",
        is_published=True,
        disappeared_on=date(2021, 10, 20),
        demands="Release him",
        by=worker,
    )
    services.public_update_add(
        profile=profile, happened_on=date(2021, 10, 20), title="Disappeared", by=worker
    )
    hidden = cases.case_create(
        reference="HIDDEN-1",
        person=cases.person_create(name="Hidden Person", by=worker),
        country="RU",
        by=worker,
    )
    services.public_profile_save(case=hidden, name="Hidden Person", by=worker)
    return case


def test_the_public_reads_the_list_and_a_profile_without_javascript(
    published,
    live_server,
    page,
):
    page.goto(f"{live_server.url}/public/")
    assert page.get_by_role("heading", name="The disappeared").is_visible()
    assert "Hidden Person" not in page.content()
    page.get_by_role("link", name="Rustam Isakov").click()
    assert page.get_by_role("heading", name="Rustam Isakov").is_visible()
    assert page.get_by_text("days ago").is_visible()
    assert page.get_by_text("Release him").is_visible()
    assert "Рустам Исаков" in page.content()
    atom = page.get_by_role("link", name="Updates (Atom)")
    assert atom.is_visible()
    feed = page.request.get(urljoin(page.url, atom.get_attribute("href")))
    assert feed.ok
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert "Rustam Isakov" in feed.text()
    assert "Hidden Person" not in feed.text()


def test_staff_preview_an_incomplete_submission_without_javascript(
    published,
    live_server,
    page,
):
    page.goto(f"{live_server.url}/cases/{published.public_id}/advocacy/")
    labelled(page, "Username").fill("caseworker")
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", name="Advocacy for TM-2021-003").is_visible()
    page.get_by_role("button", name="Generate").click()
    assert "Incomplete" in page.content()
    assert page.get_by_text("Forces believed responsible").first.is_visible()
    page.goto(f"{live_server.url}/cases/{published.public_id}/publication/preview/")
    assert page.get_by_role("heading", name="Rustam Isakov").is_visible()
