"""The clocks of a case (days since the disappearance, since the last news, left
in the UN urgent window) on the case list and on the case page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine

from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate


def _cells(html: str, reference: str) -> list[str]:
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{reference}</a>.*?</tr>", html, re.S)
    assert row, reference
    return re.findall(r'<td class="num"[^>]*>(.*?)</td>', row.group(0))


def test_the_list_and_the_case_page_show_the_three_clocks(login, alice, alices_case):
    opened = datetime(2021, 10, 25, 9, 0, tzinfo=UTC)
    with time_machine.travel(opened, tick=False):
        recent = cases.case_create(
            reference="TM-2021-009",
            person=cases.person_create(name="Aman Durdyev", by=alice),
            country="TM",
            disappeared_on=PartialDate.parse("2021-10-20"),
            by=alice,
        )
    with time_machine.travel(datetime(2021, 11, 4, 9, 0, tzinfo=UTC), tick=False):
        client = login(alice)
        listing = client.get("/cases/").content.decode()
        page = client.get(recent.get_absolute_url()).content.decode()

    # Silent since the end of 20 Oct, the latest dated information: opening the case
    # on 25 Oct was not news.
    assert _cells(listing, "TM-2021-009") == [
        "15 days",
        "14 days",
        "closes 20 Jan 2022 (77 days left)",
    ]
    assert "<dt>Disappeared</dt><dd>15 days</dd>" in page
    assert "<dt>No new information for</dt><dd>14 days</dd>" in page
    assert "closes 20 Jan 2022 (77 days left)" in page
