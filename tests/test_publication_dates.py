"""Publishing without retyping, and dates as precise as they are known: the form
starts from the case, takes "Oct 2021" like the case does, and the public list,
profile, Atom feed and partner export print it as stored, never as "1 Oct 2021"."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from habeas.advocacy import selectors
from habeas.advocacy.models import PublicProfile, PublicUpdate
from habeas.cases import services as cases
from habeas.cases.models import PersonName
from tests.support.advocacy import consent_to_publication

TODAY = date(2026, 12, 6)
ATOM = "{http://www.w3.org/2005/Atom}"


def _publish(client, case, **fields) -> None:
    if not selectors.consent_given(case, "publication"):
        consent_to_publication(case)
    form = {"name": "Azat Isakov", "status": "continuing", "country": "TM", "is_published": "on"}
    saved = client.post(reverse("publication_edit", args=[case.public_id]), {**form, **fields})
    assert saved.status_code == 302, saved.content.decode()


def _export(fmt: str) -> str:
    out = io.StringIO()
    call_command("export", "public", format=fmt, stdout=out)
    return out.getvalue()


def test_the_publication_form_starts_from_the_case(alices_case, alice, bob, client):
    """GIVEN a case whose person has a primary name, other spellings and an expected
    variant no source used WHEN the team first opens "Choose what is published" THEN
    the public name, "also written", country and date are filled in from the case
    (the date to the day: the hour stays inside), the expected variant left out."""
    person = alices_case.people.get()
    cases.person_name_add(
        person=person, text="Rustam Ysakow", kind=PersonName.Kind.EXPECTED, by=alice
    )
    client.force_login(bob)
    form = client.get(reverse("publication_edit", args=[alices_case.public_id]))
    fields = form.context["forms"][0]
    assert fields["name"].value() == "Рустам Исаков"
    assert fields["name_variants"].value() == "Rustam Isakow"
    assert fields["country"].value() == "TM"
    body = form.content.decode()
    assert 'value="20 Oct 2021"' in body
    assert "Filled in from the case record" in body
    assert not PublicProfile.objects.exists()  # nothing published until saved


@time_machine.travel(datetime(2026, 12, 6, 12, tzinfo=UTC), tick=False)
def test_a_partial_date_is_published_exactly_as_precise_as_typed(alices_case, bob, client):
    client.force_login(bob)
    _publish(client, alices_case, disappeared_on="Oct 2021")
    profile = PublicProfile.objects.get()
    client.post(
        reverse("public_update_add", args=[alices_case.public_id]),
        {"happened_on": "between 20 and 22 Oct 2021", "title": "Taken to Turkmenabad"},
    )
    client.logout()

    listed = client.get(reverse("public_list")).content.decode()
    page = client.get(profile.get_absolute_url()).content.decode()
    assert '<time datetime="2021-10">Oct 2021</time>' in listed
    assert "1 Oct 2021" not in listed
    assert "Disappeared in Oct 2021: <strong>" in page
    assert '<span class="date">between 20 and 22 Oct 2021</span>' in page

    feed = client.get(reverse("public_feed")).content.decode()
    assert "Azat Isakov: Taken to Turkmenabad (between 20 and 22 Oct 2021)" in feed

    (row,) = json.loads(_export("json"))
    assert row["disappeared_on"] == "2021-10"
    assert row["disappeared_on_text"] == "Oct 2021"
    (line,) = csv.DictReader(io.StringIO(_export("csv")))
    assert (line["disappeared_on"], line["disappeared_on_text"]) == ("2021-10", "Oct 2021")


@time_machine.travel(datetime(2026, 12, 6, 12, tzinfo=UTC), tick=False)
def test_the_counter_runs_from_the_earliest_day_and_says_so(alices_case, bob, client):
    client.force_login(bob)
    _publish(client, alices_case, disappeared_on="Oct 2021")
    page = client.get(PublicProfile.objects.get().get_absolute_url()).content.decode()
    days = (TODAY - date(2021, 10, 1)).days
    assert (
        f"Disappeared in Oct 2021: <strong>{days}</strong> days ago "
        "— counted from 1 Oct 2021, the earliest day it can be"
    ) in page
    (row,) = json.loads(_export("json"))
    assert row["days_disappeared"] == days

    _publish(client, alices_case, disappeared_on="20 Oct 2021")
    page = client.get(PublicProfile.objects.get().get_absolute_url()).content.decode()
    exact = (TODAY - date(2021, 10, 20)).days
    assert f"Disappeared on 20 Oct 2021: <strong>{exact}</strong> days ago</p>" in page
    assert "counted from" not in page  # a day known exactly needs no caveat


@time_machine.travel(datetime(2026, 12, 6, 12, tzinfo=UTC), tick=False)
def test_a_date_known_only_as_before_another_counts_a_minimum(alices_case, bob, client):
    """ "Before Oct 2021" has no earliest day: the counter runs from the last day it
    can be, and says the count is at least that."""
    client.force_login(bob)
    _publish(client, alices_case, disappeared_on="before Oct 2021")
    page = client.get(PublicProfile.objects.get().get_absolute_url()).content.decode()
    days = (TODAY - date(2021, 9, 30)).days
    assert (
        f"Disappeared before Oct 2021: at least <strong>{days}</strong> days ago "
        "— counted from 30 Sep 2021, the latest day it can be"
    ) in page
    (row,) = json.loads(_export("json"))
    assert (row["disappeared_on"], row["disappeared_on_text"]) == ("../2021-09", "before Oct 2021")


def test_an_impossible_date_comes_back_with_what_was_typed(alices_case, bob, client):
    client.force_login(bob)
    url = reverse("publication_edit", args=[alices_case.public_id])
    posted = client.post(
        url, {"name": "Azat Isakov", "status": "continuing", "disappeared_on": "31 Feb 2021"}
    )
    assert posted.status_code == 400
    body = posted.content.decode()
    assert "There is no 31 February 2021." in body
    assert 'value="31 Feb 2021"' in body
    assert not PublicProfile.objects.exists()


def test_the_feed_says_when_it_happened_and_when_it_went_public(alices_case, bob, client):
    """GIVEN an update typed while the profile was hidden, and the profile published
    later WHEN the feed is read THEN the entry's title carries the date of what
    happened, and `published`/`updated` are when it went public (RFC 4287), not
    when it was typed."""
    client.force_login(bob)
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False):
        _publish(client, alices_case, is_published="")
        client.post(
            reverse("public_update_add", args=[alices_case.public_id]),
            {"happened_on": "Nov 2021", "title": "Seen in a Turkmen prison"},
        )
    with time_machine.travel(datetime(2026, 12, 5, 18, tzinfo=UTC), tick=False):
        _publish(client, alices_case)
    with time_machine.travel(datetime(2026, 12, 6, 8, tzinfo=UTC), tick=False):
        client.post(
            reverse("public_update_add", args=[alices_case.public_id]),
            {"happened_on": "6 Dec 2026", "title": "Family asked again"},
        )
    root = ET.fromstring(client.get(reverse("public_feed")).content)  # noqa: S314 — our own feed
    entries = {
        e.find(f"{ATOM}title").text: (
            e.find(f"{ATOM}published").text,
            e.find(f"{ATOM}updated").text,
        )
        for e in root.findall(f"{ATOM}entry")
    }
    assert entries == {
        "Azat Isakov: Family asked again (6 Dec 2026)": (
            "2026-12-06T08:00:00+00:00",
            "2026-12-06T08:00:00+00:00",
        ),
        "Azat Isakov: Seen in a Turkmen prison (Nov 2021)": (
            "2026-12-05T18:00:00+00:00",
            "2026-12-05T18:00:00+00:00",
        ),
    }
    assert root.find(f"{ATOM}updated").text == "2026-12-06T08:00:00+00:00"


def test_the_timeline_is_in_the_order_things_happened(alices_case, bob, client):
    client.force_login(bob)
    _publish(client, alices_case)
    url = reverse("public_update_add", args=[alices_case.public_id])
    for when, title in (("2022", "Year"), ("20 Oct 2021", "Day"), ("Nov 2021", "Month")):
        client.post(url, {"happened_on": when, "title": title})
    page = client.get(PublicProfile.objects.get().get_absolute_url()).content.decode()
    assert page.index("Year") < page.index("Month") < page.index("Day")


# --- The migration keeps every date already published ---------------------------

BEFORE = [("advocacy", "0003_intervention_close")]
AFTER = [("advocacy", "0004_public_partial_dates")]


def test_dates_published_before_partial_dates_are_kept_to_the_day(
    transactional_db, alices_case, alice
):
    undated_case = cases.case_create(
        reference="RU-2022-001",
        person=cases.person_create(name="Ivan Petrov", by=alice),
        country="RU",
        by=alice,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    profiles = old.get_model("advocacy", "PublicProfile").objects
    dated = profiles.create(
        case_id=alices_case.pk, name="R. Isakov", disappeared_on=date(2021, 10, 20)
    )
    undated = profiles.create(case_id=undated_case.pk, name="I. Petrov")
    old.get_model("advocacy", "PublicUpdate").objects.create(
        profile_id=dated.pk, happened_on=date(2021, 10, 22), title="Flown home, they say"
    )

    MigrationExecutor(connection).migrate(AFTER)

    assert PublicProfile.objects.get(pk=dated.pk).disappeared_on.to_edtf() == "2021-10-20"
    assert PublicProfile.objects.get(pk=undated.pk).disappeared_on is None
    update = PublicUpdate.objects.get()
    assert (update.happened_on.to_edtf(), update.happened_from) == (
        "2021-10-22",
        date(2021, 10, 22),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # and back: the day is kept
    old = executor.loader.project_state(BEFORE).apps
    back = old.get_model("advocacy", "PublicProfile").objects
    assert back.get(pk=dated.pk).disappeared_on == date(2021, 10, 20)
    assert back.get(pk=undated.pk).disappeared_on is None
    assert old.get_model("advocacy", "PublicUpdate").objects.get().happened_on == date(2021, 10, 22)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
