"""A caseworker's first minutes, in Debian's Chromium with JavaScript disabled
(Tor Browser "Safest"): log in, open a case with a last contact, add two sources
and two contradicting claims, and see them marked on the timeline."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, make_user
from tests.support.browser import labelled

pytestmark = pytest.mark.browser


def _select(page, label: str, option: str) -> None:
    labelled(page, label).select_option(label=option)


@pytest.fixture
def caseworker(transactional_db):
    # Made before Playwright starts: ORM calls from inside its event loop would use
    # a connection of their own that nobody closes.
    return make_user("caseworker")


def test_caseworker_records_contradicting_claims_without_javascript(caseworker, live_server, page):
    base = live_server.url

    page.goto(f"{base}/cases/")
    assert "/login/" in page.url
    labelled(page, "Username").fill("caseworker")
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Open a case").click()
    labelled(page, "Name of the disappeared person").fill("Рустам Исаков")
    labelled(page, "Reference").fill("TM-2021-003")
    _select(page, "Country concerned", "Turkmenistan")
    labelled(page, "Disappearance date").fill("2021-10-20 12:43")
    labelled(page, "Last contact: when").fill("2021-10-20 12:43")
    _select(page, "Last contact: channel", "SMS")
    labelled(page, "Last contact: what was said").fill("Police are here, I'm hiding.")
    page.get_by_role("button", name="Save").click()

    assert page.get_by_role("heading", name="TM-2021-003: Рустам Исаков").is_visible()
    assert "Police are here, I'm hiding." in page.content()
    assert page.get_by_text("20 Oct 2021, 12:43").first.is_visible()

    for code, kind in [("HOST-MOI", "Official / authorities"), ("LARK", "Relative")]:
        page.get_by_role("link", name="Add source").click()
        labelled(page, "Code name").fill(code)
        _select(page, "Kind", kind)
        page.get_by_role("button", name="Save").click()

    claims = [
        (
            "HOST-MOI",
            "He flew home on 22 October.",
            "Official reply",
            "Officials acknowledge but give another explanation",
        ),
        ("LARK", "He had no passport and would never go back.", "Testimony", None),
    ]
    for code, statement, material, attribution in claims:
        page.get_by_role("link", name="Add claim").click()
        _select(page, "Source", code)
        _select(page, "About", "The person's whereabouts")
        labelled(page, "What the source says").fill(statement)
        labelled(page, "Received").fill("Nov 2021")
        _select(page, "Material", material)
        if attribution:
            _select(page, "Official position", attribution)
        page.get_by_role("button", name="Save").click()
        assert page.get_by_text("Claim saved.").is_visible()

    page.get_by_role("link", name="Link claims").click()
    labelled(page, "This claim").select_option(index=1)  # 0 is "---------"
    _select(page, "Relation", "contradicts")
    labelled(page, "That claim").select_option(index=2)
    labelled(page, "What is disputed or shared").fill("Whether he left of his own accord")
    page.get_by_role("button", name="Save").click()

    timeline = page.locator("ol.timeline")
    assert timeline.locator(".contested-badge").count() == 2
    contested = page.locator("section", has=page.locator("#contested"))
    assert contested.get_by_text("He flew home on 22 October.").is_visible()
    assert contested.get_by_text("He had no passport and would never go back.").is_visible()
    assert contested.get_by_text("Whether he left of his own accord").is_visible()
    page.screenshot(
        path=str(Path(os.environ.get("HABEAS_DATA_DIR", "/tmp")) / "case.png"), full_page=True
    )
