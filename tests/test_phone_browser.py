"""A caseworker on a phone (390×844, first-use bug 14): no page is wider than the
screen. Hashes wrap, tables scroll inside their own box, the case's clocks come
first, and a case list shows Days gone, Silent for and the UN window without a
sideways swipe. With the long content real cases have: a long reference, a long
status line, an evidence item with its SHA-256 and SHA-512."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest

from habeas.advocacy import services as advocacy
from habeas.cases import services as cases
from habeas.evidence.services import evidence_add
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source
from tests.conftest import PASSWORD, make_user
from tests.support.browser import labelled

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
REFERENCE = "TM-2021-101-RU-TM-EXILE-TRANSFER-0001"  # 37 characters, no space to wrap at


@pytest.fixture
def long_case(transactional_db):
    # Made before Playwright starts (see tests/test_browser.py).
    worker = make_user("caseworker")
    person = cases.person_create(name="Azat Isakov", by=worker)
    cases.person_name_add(person=person, text="Азат Исаков", by=worker)
    case = cases.case_create(
        reference=REFERENCE,
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20"),
        disappeared_place="Moscow, Russian Federation (in hiding; city district not stated)",
        last_contact_on=PartialDate.parse("2021-10-20"),
        summary="An exiled activist's last text message; a ministry letter says he flew home.",
        by=worker,
    )
    ministry = sources.source_add(
        case=case,
        code_name="RU-MINISTRY-OF-INTERNAL-AFFAIRS-LETTER",
        kind=Source.Kind.OFFICIAL,
        reliability="F",
        by=worker,
    )
    orchid = sources.source_add(
        case=case, code_name="ORCHID-INFORMAL-CHANNELS", kind="witness", reliability="B", by=worker
    )
    claims = [
        sources.claim_add(
            case=case,
            source=source,
            topic=Claim.Topic.WHEREABOUTS,
            statement=statement,
            received_on=PartialDate.parse("2021-11"),
            material=Claim.Material.TESTIMONY,
            credibility=3,
            by=worker,
        )
        for source, statement in [
            (ministry, "He flew from Moscow to Turkmenabad on 22 October 2021."),
            (orchid, "Informal channels say he is held by the Turkmen security services."),
        ]
    ]
    cases.status_assert(
        case=case,
        status="presumed_ed",
        asserted_on=date(2022, 3, 1),
        basis=(
            "Deprivation of liberty and State involvement credible; no official information "
            "on his fate or whereabouts since the ministry's letter of 22 October 2021."
        ),
        claims=claims,
        by=worker,
    )
    data = b"Human Rights Watch dispatch, as received. " * 40
    upload = io.BytesIO(data)
    upload.name = "hrw-dispatch-activist-missing-in-turkmenistan-2021-11.txt"
    item = evidence_add(
        case=case,
        upload=upload,
        title="Human Rights Watch dispatch: Activist Missing in Turkmenistan",
        kind="file",
        collected_by="ORCHID-INFORMAL-CHANNELS",
        collected_at=datetime(2021, 11, 30, 9, 0, tzinfo=UTC),
        collection_method="Downloaded from the publisher's page and kept as received",
        by=worker,
    )
    ministry_addressee = advocacy.addressee_create(
        kind="government",
        name="Minister for Foreign Affairs of Turkmenistan",
        organisation="Ministry of Foreign Affairs of Turkmenistan, Department of Consular Affairs",
        by=worker,
    )
    advocacy.intervention_add(
        case=case, kind="letter_authorities", addressee=ministry_addressee, by=worker
    )
    advocacy.intervention_add(case=case, kind="wgeid_standard", by=worker)
    return case, item


def _log_in(page, base: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/login/")
    labelled(page, "Username").fill("caseworker")
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _no_sideways_scroll(page, url: str) -> None:
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} is {width} px wide"


def test_no_page_is_wider_than_a_phone(long_case, live_server, page):
    case, item = long_case
    base = live_server.url
    _log_in(page, base)

    for path in [
        "/",
        "/cases/",
        case.get_absolute_url(),
        f"{case.get_absolute_url()}advocacy/",
        f"{case.get_absolute_url()}evidence/",
        item.get_absolute_url(),
        "/alerts/",
    ]:
        _no_sideways_scroll(page, base + path)

    page.goto(base + item.get_absolute_url())
    assert page.get_by_text(item.sha512).is_visible()  # wrapped, not cut off


def test_the_clocks_are_on_a_phones_first_screen(long_case, live_server, page):
    case, _ = long_case
    base = live_server.url
    _log_in(page, base)

    page.goto(base + case.get_absolute_url())
    clocks = page.locator("dl.counters")
    assert clocks.get_by_text("window passed on 20 Jan 2022").is_visible()
    assert clocks.bounding_box()["y"] + clocks.bounding_box()["height"] <= PHONE["height"]

    # On the dashboard and the case list, one card per case: its clocks in view.
    for path in ["/", "/cases/"]:
        page.goto(base + path)
        row = page.locator("tr", has=page.get_by_role("link", name=REFERENCE)).first
        for label in ["Days gone", "Silent for", "UN urgent window"]:
            cell = row.locator(f'td[data-label="{label}"]')
            box = cell.bounding_box()
            assert box is not None and cell.is_visible()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (path, label)
