"""The person at risk checks in from a phone (390 px) in Debian's Chromium with
JavaScript off (Tor Browser "Safest"): a mistyped PIN, the right one, the duress
one, and what a guessed link shows."""

from __future__ import annotations

import time

import pytest
from django.db.utils import OperationalError

from habeas.protection.models import CheckIn, Escalation
from tests.conftest import make_user
from tests.support.checkin import DURESS_PIN, PIN, enrolled

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people(transactional_db):
    # Made before Playwright starts (its event loop would open a connection of its own).
    lead = make_user("caseworker")
    return enrolled(lead=lead), enrolled(lead=lead, code_name="Wren")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_checking_in_on_a_phone_without_javascript(people, live_server, page):
    heron, wren = people
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + heron.url)
    assert page.title() == "Confirm"
    _fits(page)

    page.get_by_label("PIN").fill("000000")
    page.get_by_label("Where are you? (optional)").fill("at the bus station")
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("alert").inner_text() == "That did not work. Try again."
    assert page.get_by_label("Where are you? (optional)").input_value() == "at the bus station"
    _fits(page)

    page.get_by_label("PIN").fill(PIN)
    page.get_by_role("button", name="Confirm").click()
    normal = page.get_by_role("status").inner_text()
    assert normal.startswith("Done: ")
    _fits(page)
    row = CheckIn.objects.get(at_risk=heron.at_risk)
    assert (row.place, row.duress) == ("at the bus station", False)

    # The duress PIN, on another person's link: the same words, silently escalated.
    page.goto(live_server.url + wren.url)
    page.get_by_label("PIN").fill(DURESS_PIN)
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("status").inner_text().startswith("Done: ")
    assert CheckIn.objects.get(at_risk=wren.at_risk).duress
    # The escalation runs after the answer was sent (the response's close()): the
    # browser may show the answer before it is written, so wait for it a little.
    assert _escalated().at_risk == wren.at_risk


def _escalated(seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while True:
        try:
            found = Escalation.objects.filter(cause=Escalation.Cause.DURESS).first()
        except OperationalError:  # the live server's thread is still writing it
            found = None
        if found is not None or time.monotonic() > deadline:
            assert found is not None, "no duress escalation"
            return found
        time.sleep(0.2)


def test_a_guessed_link_is_the_site_s_not_found_page(people, live_server, page):
    response = page.goto(live_server.url + "/k/AAAAAAAAAAAAAAAAAAAAAA/")
    assert response is not None and response.status == 404
    guessed = response.body()
    unknown = page.goto(live_server.url + "/nothing/")
    assert unknown is not None and unknown.status == 404
    assert guessed == unknown.body()
    assert b"Not found" in guessed
