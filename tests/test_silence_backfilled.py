"""A case entered today about 2021, through the forms a caseworker uses: its "no new
information for" counter, the case list's silence filter and the "gone quiet" alert
count from the latest dated information about the person, not from the typing.

The first-use review's bug 1: the Azat Isakov case (disappeared 20 Oct 2021, last
heard of in November 2021), entered on 6 Dec 2026, read "0 days" silent."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from django.utils import timezone

from habeas.alerts import detection
from habeas.alerts.models import Alert, Deadline, Rule
from habeas.cases.models import Case
from habeas.sources import services as sources

TODAY = datetime(2026, 12, 6, 15, 43, tzinfo=UTC)  # the review's clock
# The latest dated information is "about Nov 2021": counted from the end of 30 Nov.
SILENT_SINCE = datetime(2021, 12, 1, tzinfo=UTC)
SILENT_DAYS = (TODAY.date() - SILENT_SINCE.date()).days  # 1,831


def _post(client, url: str, data: dict) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]


def _enter_the_case(client, alice) -> Case:
    """Bug 1's steps: open the case, then add its 2021 events and claims."""
    _post(
        client,
        "/cases/new/",
        {
            "person_name": "Azat Isakov",
            "person_name_script": "",
            "reference": "TM-2021-101",
            "country": "TM",
            "disappeared_on": "20.10.2021",
            "disappeared_place": "Russia (in hiding)",
            "last_contact_on": "20 Oct 2021",
            "last_contact_channel": "sms",
            "last_contact_message": "The police are here. I've gone into hiding.",
            "priority": "2",
            "tags": "",
        },
    )
    case = Case.objects.get(reference="TM-2021-101")
    events = [
        ("threat", "2020", "Began criticising the government."),
        ("police_visit", "20 Oct 2021", "Police at his door."),
        ("transfer", "between 20 and 22 Oct 2021", "Taken from Moscow to Turkmenabad."),
        ("detention", "about Nov 2021", "Reportedly held by the security services."),
    ]
    for kind, when, what in events:
        _post(
            client,
            f"/cases/{case.public_id}/events/new/",
            {
                "kind": kind,
                "occurred_on": when,
                "description": what,
                "actors-TOTAL_FORMS": "0",
                "actors-INITIAL_FORMS": "0",
            },
        )
    orchid = sources.source_add(case=case, code_name="ORCHID", kind="witness", by=alice)
    ministry = sources.source_add(case=case, code_name="RU-MVD", kind="official", by=alice)
    claims = [
        (orchid, "20 Oct 2021", "He texted me that the police were at his door."),
        (ministry, "Nov 2021", "He flew from Moscow to Turkmenabad on 22 October 2021."),
        (orchid, "about Nov 2021", "She learned through informal channels he is held."),
        (orchid, "", "He had lost his passport."),  # the report gives no date
    ]
    for source, dated, statement in claims:
        _post(
            client,
            f"/cases/{case.public_id}/claims/new/",
            {
                "source": str(source.public_id),
                "topic": "whereabouts",
                "statement": statement,
                "dated_on": dated,
                "received_on": "6 Dec 2026",  # all of it received today
                "material": "testimony",
                "credibility": "6",
            },
        )
    case.refresh_from_db()
    return case


def _silent_counter(page: str) -> str:
    found = re.search(r"<dt>No new information for</dt><dd>(.*?)</dd>", page, re.S)
    assert found, "no silence counter on the page"
    return found.group(1)


def test_a_case_entered_today_about_2021_is_silent_since_its_latest_dated_information(login, alice):
    with time_machine.travel(TODAY, tick=False):
        client = login(alice)
        case = _enter_the_case(client, alice)
        assert case.last_info_at == SILENT_SINCE
        assert case.days_since_info(timezone.localdate()) == SILENT_DAYS == 1831
        page = client.get(case.get_absolute_url()).content.decode()
        assert "1,831 days" in _silent_counter(page)


def test_the_silence_filter_of_the_case_list_finds_it(login, alice):
    with time_machine.travel(TODAY, tick=False):
        client = login(alice)
        _enter_the_case(client, alice)
        assert "TM-2021-101" in client.get("/cases/?silent_days=1000").content.decode()
        # "More than N days": 1,831 days is more than 1,830, not more than 1,831.
        assert "TM-2021-101" in client.get("/cases/?silent_days=1830").content.decode()
        assert "TM-2021-101" not in client.get("/cases/?silent_days=1831").content.decode()


def test_the_dashboard_puts_it_among_the_cases_gone_quiet(login, alice):
    from habeas.cases.selectors import dashboard_for_user

    with time_machine.travel(TODAY, tick=False):
        _enter_the_case(login(alice), alice)
        dashboard = dashboard_for_user(user=alice, today=timezone.localdate())
    assert [c.reference for c in dashboard["gone_quiet"]] == ["TM-2021-101"]


def _detect(at: datetime) -> list[Alert]:
    before = set(Alert.objects.values_list("pk", flat=True))
    with time_machine.travel(at, tick=False):
        detection.detect_due(now=timezone.now())
    return list(Alert.objects.exclude(pk__in=before).filter(rule=Rule.QUIET))


def test_silent_for_years_when_entered_it_is_listed_but_raises_no_quiet_alert(login, alice):
    """Silent for years when it is entered: its counter and the dashboard's "gone
    quiet" list say so at once; a "gone quiet" alert would only repeat it (one per
    case, at the same minute, for a batch of old cases). News dated today would
    start one (tests/test_alerts_rules.py)."""
    with time_machine.travel(TODAY, tick=False):
        case = _enter_the_case(login(alice), alice)
    assert not Deadline.objects.filter(case=case, rule=Rule.QUIET).exists()
    assert _detect(TODAY + timedelta(minutes=1)) == []
    assert _detect(TODAY + timedelta(days=14)) == []
    assert _detect(TODAY + timedelta(days=90)) == []
