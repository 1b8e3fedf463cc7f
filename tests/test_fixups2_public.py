"""The public profile's counter names the date as English says it after
"disappeared", for every shape a partial date can take (issue 13 fix-ups, D):
"1874 days disappeared (since between 20 and 22 Oct 2021)" was not English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from habeas.advocacy.models import PublicProfile
from tests.support.advocacy import consent_to_publication


def _profile_page(client, case, disappeared_on: str) -> str:
    consent_to_publication(case)
    form = {
        "name": "Azat Isakov",
        "status": "continuing",
        "country": "TM",
        "is_published": "on",
        "disappeared_on": disappeared_on,
    }
    saved = client.post(reverse("publication_edit", args=[case.public_id]), form)
    assert saved.status_code == 302, saved.content.decode()
    return client.get(PublicProfile.objects.get().get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("typed", "phrase"),
    [
        ("20 Oct 2021", "Disappeared on 20 Oct 2021: <strong>"),
        ("Oct 2021", "Disappeared in Oct 2021: <strong>"),
        ("2021", "Disappeared in 2021: <strong>"),
        ("between 20 and 22 Oct 2021", "Disappeared between 20 and 22 Oct 2021: <strong>"),
        ("between 2020 and Oct 2021", "Disappeared between 2020 and Oct 2021: <strong>"),
        ("before Oct 2021", "Disappeared before Oct 2021: at least <strong>"),
        ("after 2019", "Disappeared after 2019: <strong>"),
        ("about Nov 2021", "Disappeared about Nov 2021: <strong>"),
        ("late Nov 2021", "Disappeared in late Nov 2021: <strong>"),
        ("early 2003", "Disappeared in early 2003: <strong>"),
    ],
)
@time_machine.travel(datetime(2026, 12, 6, 12, tzinfo=UTC), tick=False)
def test_the_counter_reads_as_english_for_every_shape_of_date(
    alices_case, bob, client, typed, phrase
):
    client.force_login(bob)
    page = _profile_page(client, alices_case, typed)
    assert phrase in page
    assert "since between" not in page and "since before" not in page
    assert "(since " not in page
