"""On a phone a wide table scrolls inside its own box, never the page: the advocacy
tables sit in the `.table-wrap` box site.css gives that scroll."""

from __future__ import annotations

import re

from django.urls import reverse

from habeas.advocacy import services as advocacy


def _wrapped_tables(page: str) -> tuple[int, int]:
    """(tables on the page, tables that open right inside a .table-wrap box)."""
    return len(re.findall(r"<table", page)), len(
        re.findall(r'<div class="table-wrap"><table', page)
    )


def test_the_interventions_and_addressees_tables_scroll_in_their_own_box(login, alice, alices_case):
    advocacy.addressee_create(kind="government", title="Prosecutor General", by=alice)
    advocacy.intervention_add(case=alices_case, kind="wgeid_standard", by=alice)
    client = login(alice)
    for url in (reverse("case_advocacy", args=[alices_case.public_id]), reverse("addressee_list")):
        tables, wrapped = _wrapped_tables(client.get(url).content.decode())
        assert tables >= 1 and wrapped == tables, url
