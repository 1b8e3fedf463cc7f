"""What the outputs say, read as their recipients read them (issue 13, fourth set of
fix-ups): no time of day goes public, an opening status and an anniversary are no
more precise than the date they come from, a reply's deadline is named as ours to
contest it, the dashboard says how it is ordered, and a document's day count reads
like the case page's."""

from __future__ import annotations

import html as html_module
import re
from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from habeas.advocacy import documents
from habeas.advocacy import services as advocacy
from habeas.advocacy.models import PublicProfile, PublicUpdate
from habeas.alerts import labels
from habeas.alerts.services import case_deadlines_update
from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate
from tests.support.advocacy import consent_to_publication

TODAY = datetime(2026, 12, 6, 12, tzinfo=UTC)


def _text(html: str) -> str:
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)))


def _case(alice, disappeared: str, reference: str = "TM-2003-017"):
    with time_machine.travel(TODAY, tick=False):
        return cases.case_create(
            reference=reference,
            person=cases.person_create(name="Шатлык Овезов", by=alice),
            country="TM",
            disappeared_on=PartialDate.parse(disappeared),
            by=alice,
        )


@time_machine.travel(TODAY, tick=False)
def test_the_publication_form_publishes_the_day_never_the_minute(alices_case, bob, client):
    """GIVEN a case that disappeared "20 Oct 2021 12:43" WHEN the team publishes it
    and adds a timeline entry, both typed to the minute, through the forms THEN the
    profile and the entry keep the day, and no public page or feed shows the time."""
    client.force_login(bob)
    consent_to_publication(alices_case)
    saved = client.post(
        reverse("publication_edit", args=[alices_case.public_id]),
        {
            "name": "Rustam Isakov",
            "status": "continuing",
            "country": "TM",
            "is_published": "on",
            "disappeared_on": "20 Oct 2021 12:43",
        },
    )
    assert saved.status_code == 302, saved.content.decode()
    client.post(
        reverse("public_update_add", args=[alices_case.public_id]),
        {"happened_on": "20 Oct 2021 12:43", "title": "Last message"},
    )
    profile = PublicProfile.objects.get()
    update = PublicUpdate.objects.get()
    assert profile.disappeared_on == PartialDate.parse("20 Oct 2021")
    assert update.happened_on == PartialDate.parse("20 Oct 2021")
    client.logout()
    for url in (reverse("public_list"), profile.get_absolute_url(), reverse("public_feed")):
        body = client.get(url).content.decode()
        assert "20 Oct 2021" in body, url
        assert "12:43" not in body, url


def test_the_publication_services_drop_a_time_given_to_them(alices_case, alice):
    """The rule is in the services: a command or the demo passing the case's own
    minute-precise date publishes its day."""
    profile = advocacy.public_profile_save(
        case=alices_case,
        by=alice,
        name="Rustam Isakov",
        disappeared_on=alices_case.disappeared_on,
        status=PublicProfile.PublicStatus.CONTINUING,
    )
    update = advocacy.public_update_add(
        profile=profile, happened_on=alices_case.disappeared_on, title="Disappeared", by=alice
    )
    assert alices_case.disappeared_on.time is not None  # the record keeps it
    assert profile.disappeared_on.time is None and update.happened_on.time is None
    assert profile.disappeared_on.to_edtf() == "2021-10-20"
    assert update.happened_on.to_edtf() == "2021-10-20"


def test_the_opening_status_is_as_of_the_disappearance_as_precise_as_given(alice, login):
    """GIVEN a case that disappeared "early 2003" THEN its opening status reads as of
    the disappearance "(early 2003)", never "as of 1 Jan 2003", and the stored as-of
    (what later statuses are ranked against) is unchanged."""
    case = _case(alice, "early 2003")
    opening = case.statuses.get()
    assert opening.asserted_on == date(2003, 1, 1)
    with time_machine.travel(TODAY, tick=False):
        page = _text(login(alice).get(case.get_absolute_url()).content.decode())
    assert "Reported missing as of the disappearance (early 2003)" in page
    assert "as of the disappearance (early 2003), Case opened on 6 Dec 2026." in page
    assert "1 Jan 2003" not in page


def test_a_status_confirmed_on_a_day_keeps_its_day(alice, login):
    case = _case(alice, "2003-01-14")
    with time_machine.travel(TODAY, tick=False):
        page = _text(login(alice).get(case.get_absolute_url()).content.decode())
    assert "Reported missing as of 14 Jan 2003" in page


def test_an_anniversary_of_a_year_only_date_says_the_date_and_calls_the_day_a_reminder(
    alice, login
):
    """ "About 2002" names no day: no anniversary is due for it (docs/domain.md,
    alerts); one raised before that rule is still named by the date as given."""
    case = _case(alice, "about 2002", reference="TM-2002-004")
    with time_machine.travel(TODAY, tick=False):
        page = _text(login(alice).get(case.get_absolute_url()).content.decode())
    assert "years since the disappearance" not in page
    named = labels.label(
        rule="anniversary",
        occurrence="25y/2027-01-01",
        due_at=datetime(2027, 1, 1, tzinfo=UTC),
        case=case,
        today=TODAY.date(),
    )
    assert str(named) == "25 years since the disappearance (about 2002) — reminder 1 Jan 2027"


def test_an_anniversary_of_a_known_day_is_on_that_day(alice, login):
    case = _case(alice, "2003-12-20")
    with time_machine.travel(TODAY, tick=False):
        page = _text(login(alice).get(case.get_absolute_url()).content.decode())
    assert "23 years since the disappearance — on 20 Dec" in page


def test_a_reply_deadline_is_named_as_ours_to_contest_the_reply(alices_case, alice, client):
    """A detailed reply to a Working Group submission starts six months to contest
    it: the deadline is the organisation's, not a response the Government owes."""
    client.force_login(alice)
    with time_machine.travel(TODAY, tick=False):
        client.post(
            reverse("intervention_add", args=[alices_case.public_id]),
            {"kind": "wgeid_standard", "language": "en"},
        )
        submission = alices_case.interventions.get()
        client.post(
            reverse(
                "intervention_sent_elsewhere",
                args=[alices_case.public_id, submission.public_id],
            ),
            {"sent_on": "2026-03-01", "channel": "post"},
        )
        added = client.post(
            reverse("response_add", args=[alices_case.public_id, submission.public_id]),
            {"received_on": "2026-10-23", "type": "alternative"},
        )
        assert added.status_code == 302, added.content.decode()
        case_deadlines_update(case=alices_case)  # as the watcher's pass does
        page = _text(client.get(alices_case.get_absolute_url()).content.decode())
        detail = _text(client.get(submission.get_absolute_url()).content.decode())
        advocacy_page = client.get(reverse("case_advocacy", args=[alices_case.public_id]))
    assert "Deadline to contest the Government's reply: 23 Apr 2027" in page
    assert "A response is due" not in page
    assert "Deadline to contest this reply: 23 Apr 2027" in detail
    assert "to contest by 23 Apr 2027" in _text(advocacy_page.content.decode())


def test_the_dashboard_says_how_gone_quiet_is_ordered_and_the_opening_day_unpadded(alice, login):
    case = _case(alice, "2021-10-20")
    with time_machine.travel(datetime(2026, 12, 7, 12, tzinfo=UTC), tick=False):
        other = cases.case_create(
            reference="TM-2021-015",
            person=cases.person_create(name="Бегенч Атаев", by=alice),
            country="TM",
            disappeared_on=PartialDate.parse("2021-10-20"),
            by=alice,
        )
        client = login(alice)
        dashboard = _text(client.get("/").content.decode())
        page = _text(client.get(other.get_absolute_url()).content.decode())
    assert case.reference in dashboard
    assert "Highest priority first, then silent longest" in dashboard
    assert "Silent longest first" not in dashboard
    assert "Case opened on 7 Dec 2026." in page
    assert "07 Dec 2026" not in page


def test_an_urgent_action_groups_the_days_and_says_what_a_partial_date_counts_from(alice):
    case = _case(alice, "early 2003")
    today = TODAY.date()
    days = case.days_disappeared(today)
    assert days is not None and days > 999
    text = documents.urgent_action(case=case, language="en", today=today, addressees=[]).text()
    assert (
        f"Days since the disappearance: {days:,} (counted from 1 Jan 2003, the earliest "
        "day it can be)" in text
    )
    assert str(days) not in text
    exact = _case(alice, "2003-01-14", reference="TM-2003-001")
    text = documents.urgent_action(case=exact, language="en", today=today, addressees=[]).text()
    assert f"Days since the disappearance: {exact.days_disappeared(today):,}\n" in text
    russian = documents.urgent_action(case=case, language="ru", today=today, addressees=[])
    assert f"{days:,}".replace(",", "\u00a0") in russian.text()


def test_a_place_that_names_the_country_taken_in_is_not_followed_by_it_again(alice):
    with time_machine.travel(TODAY, tick=False):
        case = cases.case_create(
            reference="TM-2021-014",
            person=cases.person_create(name="Begench Atayev", by=alice),
            country="TM",
            taken_in_country="RU",
            disappeared_on=PartialDate.parse("2021-10-20"),
            disappeared_place="Moscow region, Russia (in hiding)",
            by=alice,
        )
    assert documents.place_label(case, "en") == "Moscow region, Russia (in hiding)"
    assert documents.place_label(case, "ru") == "Moscow region, Russia (in hiding)"
    cases.case_update(case=case, disappeared_place="Московская область, россия", by=alice)
    assert documents.place_label(case, "en") == "Московская область, россия"
    cases.case_update(case=case, disappeared_place="Moscow region", by=alice)
    assert documents.place_label(case, "en") == "Moscow region, Russia"
    assert documents.place_label(case, "ru") == "Moscow region, Россия"
