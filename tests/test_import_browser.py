"""A caseworker imports a spreadsheet on a phone (390 px) with JavaScript off: from
the case list to the file, its columns, the dry run with a possible duplicate to
decide and a refused row, then "import the valid rows". No page is wider than the
screen, and none breaks the Content-Security-Policy."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from habeas.cases import services as cases
from habeas.cases.models import Case
from habeas.lib.partialdate import PartialDate
from tests.conftest import PASSWORD, make_user
from tests.support.browser import labelled

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Where the dry run's screenshot goes, to look at.
SCREENSHOTS = Path(os.environ.get("HABEAS_SCREENSHOTS", "/tmp"))
FILE = (
    "Case reference,ФИО,Дата рождения,Дата исчезновения,Страна,Обстоятельства\n"
    "TM-IMPORT-2019-000000000000001,Rustam Isakov,1990-03-14,2021-10-20,Туркменистан,"
    "Taken from his flat in Ashgabat by men in plain clothes who showed no warrant\n"
    "TM-IMPORT-2019-000000000000002,Мерет Ходжаев,1985,2022-01,TM,\n"
    "TM-IMPORT-2019-000000000000003,Guljan Annaeva,31.02.1990,2020-05-03,TM,\n"
)


@pytest.fixture
def recorded(transactional_db):
    # Made before Playwright starts (see tests/test_browser.py).
    worker = make_user("caseworker")
    person = cases.person_create(
        name="Рустам Исаков", birth_date=PartialDate.parse("1990-03-14"), by=worker
    )
    cases.case_create(
        reference="TM-2021-003",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20"),
        by=worker,
    )
    return person


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_a_caseworker_imports_the_valid_rows_on_a_phone(recorded, live_server, page, tmp_path):
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.set_viewport_size(PHONE)
    base = live_server.url
    page.goto(f"{base}/login/")
    labelled(page, "Username").fill("caseworker")
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{base}/cases/")
    page.get_by_role("link", name="Import cases from a spreadsheet").click()
    _fits(page)
    sheet = tmp_path / "old-cases.csv"
    sheet.write_text(FILE, encoding="utf-8")
    labelled(page, "Spreadsheet").set_input_files(sheet)
    page.get_by_role("button", name="Read the file").click()

    # The columns: suggested from the Russian and English headers; the first is the
    # reference, the second the name.
    assert page.get_by_role("heading", name="Import: the columns").is_visible()
    _fits(page)
    assert labelled(page, "Case reference").input_value() == "reference"
    assert labelled(page, "ФИО").input_value() == "name"
    page.screenshot(path=str(SCREENSHOTS / "import-columns-phone.png"), full_page=True)
    page.get_by_role("button", name="Show the dry run").click()

    assert page.get_by_role("heading", name="Import: dry run").is_visible()
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / "import-dry-run-phone.png"), full_page=True)
    counts = page.locator("dl.import-counts")
    assert "Refused" in counts.inner_text() and "Possible duplicates" in counts.inner_text()
    assert page.get_by_text("Рустам Исаков", exact=True).is_visible()
    assert page.get_by_role("button", name="Import", exact=True).count() == 0

    page.get_by_label("The same person as Рустам Исаков").check()
    page.get_by_role("button", name="Keep these decisions").click()
    assert page.get_by_text("Your decisions on these rows are kept.").is_visible()
    page.get_by_role("button", name="Import the valid rows").click()

    assert page.get_by_role("heading", name="Import: done").is_visible()
    _fits(page)
    page.get_by_role("link", name="TM-IMPORT-2019-000000000000002").click()
    assert "Мерет Ходжаев" in page.content()
    assert violations == []
    assert Case.objects.get(reference="TM-IMPORT-2019-000000000000001").people.get() == recorded
    assert not Case.objects.filter(reference="TM-IMPORT-2019-000000000000003").exists()
