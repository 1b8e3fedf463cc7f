"""The check-in pages keep a constant number of queries however many plans and
check-ins there are: the link is found by its indexed key, never by a scan."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from habeas.protection.models import CheckIn
from tests.support.checkin import PIN, bridge_body, bridge_post, enrolled


def _counted(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _page_queries(url: str) -> tuple[int, int]:
    client = Client()
    get = _counted(lambda: client.get(url))
    token = re.search(rb'csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content)
    assert token
    data = {"csrfmiddlewaretoken": token.group(1).decode(), "pin": PIN}
    return get, _counted(lambda: client.post(url, data))


def test_the_check_in_pages_cost_the_same_with_many_plans_and_check_ins(db, alice):
    first = enrolled(lead=alice)
    small = _page_queries(first.url)
    bridge_small = _counted(lambda: bridge_post(Client(), bridge_body(first.plan)))
    record = Client()
    record.force_login(alice)
    record_url = f"/protection/{first.at_risk.public_id}/check-in/"
    record_small = _counted(lambda: record.get(record_url))

    for n in range(12):
        other = enrolled(lead=alice, code_name=f"P{n}")
        for _ in range(3):
            bridge_post(Client(), bridge_body(other.plan))
    for _ in range(5):
        bridge_post(Client(), bridge_body(first.plan))
    assert CheckIn.objects.count() > 40

    assert _page_queries(first.url) == small
    assert _counted(lambda: bridge_post(Client(), bridge_body(first.plan))) == bridge_small
    assert _counted(lambda: record.get(record_url)) == record_small
