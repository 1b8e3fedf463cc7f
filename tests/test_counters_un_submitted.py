"""A case already submitted to the UN Working Group (urgent or standard procedure,
sent from Habeas or recorded as sent outside it) needs no action on its urgent
window: the dashboard leaves it off "UN urgent window still open" and lists it with
the others, and its counters say when it was submitted, without the alert."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from habeas.advocacy import services as advocacy
from habeas.advocacy.models import Intervention
from habeas.cases import services as cases
from habeas.cases.models import Case
from habeas.lib.partialdate import PartialDate
from tests.support.advocacy import give_what_the_un_asks
from tests.support.organisation import give_the_organisation

TODAY = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
# Taken on 20 Sep 2026: the urgent window closes on 20 Dec 2026, 14 days from TODAY.
WINDOW = "closes 20 Dec 2026 (14 days left)"


@pytest.fixture(autouse=True)
def _submitter(db):
    give_the_organisation(name="Demo Rights Centre")  # who submits, as the UN asks


def _a_case_ready_for_the_un(alice, reference: str = "TM-2026-020") -> Case:
    """A case with every element the Working Group requires, and family consent."""
    with time_machine.travel(TODAY, tick=False):
        case = cases.case_create(
            reference=reference,
            person=cases.person_create(name="Рустам Исаков", by=alice),
            country="TM",
            disappeared_on=PartialDate.parse("2026-09-20"),
            disappeared_place="Istanbul, Esenyurt",
            by=alice,
        )
        police = cases.actor_create(name=f"Istanbul police ({reference})", country="TR", by=alice)
        give_what_the_un_asks(
            case, police=police, arrested_on="2026-09-20", searched_on="2026-09-25", by=alice
        )
    return case


def _add(client, case, kind: str) -> Intervention:
    created = client.post(
        reverse("intervention_add", args=[case.public_id]), {"kind": kind, "language": "en"}
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    return Intervention.objects.get(case=case, kind=kind)


def _sections(html: str) -> dict[str, str]:
    return dict(re.findall(r'<h2 id="([a-z-]+)">(.*?)(?=<h2 id=|$)', html, re.S))


def _references(section: str) -> list[str]:
    return re.findall(r'<th scope="row"><a [^>]*>([A-Z0-9-]+)</a>', section)


def _window_counter(page: str) -> str:
    """The case page's UN window counter, with its box's class."""
    found = re.search(r"<div[^>]*><dt>UN urgent window</dt><dd>[^<]*</dd></div>", page)
    assert found, "no UN window counter"
    return found.group(0)


def _row(html: str, reference: str) -> str:
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{reference}</a>.*?</tr>", html, re.S)
    assert row, reference
    return row.group(0)


def test_a_submission_marked_sent_takes_the_case_off_the_open_windows(login, alice):
    case = _a_case_ready_for_the_un(alice)
    client = login(alice)
    with time_machine.travel(TODAY, tick=False):
        before = _sections(client.get("/").content.decode())
        assert _references(before["window-open"]) == [case.reference]
        page = client.get(case.get_absolute_url()).content.decode()
        assert _window_counter(page) == (
            f'<div class="alert"><dt>UN urgent window</dt><dd>{WINDOW}</dd></div>'
        )

        intervention = _add(client, case, "wgeid_urgent")
        sent = client.post(
            reverse("intervention_sent", args=[case.public_id, intervention.public_id]),
            {"sent_on": "2026-12-01", "channel": "email"},
        )
        assert sent.status_code == 302, sent.content.decode()[:2000]

        after = _sections(client.get("/").content.decode())
        page = client.get(case.get_absolute_url()).content.decode()
        listing = client.get("/cases/").content.decode()
    assert _references(after["window-open"]) == []
    # Still a case to follow: silent since 25 Sep, it is among those gone quiet.
    assert _references(after["gone-quiet"]) == [case.reference]
    submitted = "submitted to the UN on 1 Dec 2026"
    assert submitted in _row(after["gone-quiet"], case.reference)
    assert _window_counter(page) == f"<div><dt>UN urgent window</dt><dd>{submitted}</dd></div>"
    assert submitted in _row(listing, case.reference)


def test_only_a_submission_recorded_as_sent_outside_habeas_ends_the_open_window(login, alice):
    case = _a_case_ready_for_the_un(alice)
    client = login(alice)
    with time_machine.travel(TODAY, tick=False):
        for kind, day in (("letter_authorities", "2026-09-28"), ("wgeid_standard", "2026-10-01")):
            intervention = _add(client, case, kind)
            recorded = client.post(
                reverse(
                    "intervention_sent_elsewhere", args=[case.public_id, intervention.public_id]
                ),
                {"sent_on": day, "channel": "post", "reference": "", "note": ""},
            )
            assert recorded.status_code == 302, recorded.content.decode()[:2000]
            dashboard = _sections(client.get("/").content.decode())
            page = client.get(case.get_absolute_url()).content.decode()
            if kind == "letter_authorities":  # a letter is not a submission to the UN
                assert _references(dashboard["window-open"]) == [case.reference]
                assert WINDOW in _window_counter(page)
    assert _references(dashboard["window-open"]) == []
    assert _references(dashboard["gone-quiet"]) == [case.reference]
    assert "submitted to the UN on 1 Oct 2026" in _window_counter(page)
    assert 'class="alert"' not in _window_counter(page)


def test_the_day_of_first_submission_is_kept_when_another_goes_later(login, alice):
    case = _a_case_ready_for_the_un(alice)
    client = login(alice)
    with time_machine.travel(TODAY, tick=False):
        for kind, day in (("wgeid_urgent", "2026-10-01"), ("wgeid_standard", "2026-12-01")):
            intervention = _add(client, case, kind)
            assert (
                client.post(
                    reverse("intervention_sent", args=[case.public_id, intervention.public_id]),
                    {"sent_on": day, "channel": "email"},
                ).status_code
                == 302
            )
        page = client.get(case.get_absolute_url()).content.decode()
    assert "submitted to the UN on 1 Oct 2026" in _window_counter(page)


def test_cases_submitted_before_the_column_existed_are_filled_by_the_migration(
    transactional_db, alice
):
    submitted = _a_case_ready_for_the_un(alice, "TM-2026-021")
    waiting = _a_case_ready_for_the_un(alice, "TM-2026-022")
    with time_machine.travel(TODAY, tick=False):
        for case, kind in ((submitted, "wgeid_standard"), (waiting, "letter_authorities")):
            intervention = advocacy.intervention_add(case=case, kind=kind, by=alice)
            advocacy.intervention_record_sent_elsewhere(
                intervention=intervention, sent_on=date(2026, 10, 1), channel="post", by=alice
            )
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("cases", "0022_case_un_submitted_on")])
        Case.objects.update(un_submitted_on=None)  # as the schema migration leaves rows
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    filled = dict(Case.objects.values_list("reference", "un_submitted_on"))
    assert filled == {"TM-2026-021": date(2026, 10, 1), "TM-2026-022": None}


def test_the_case_page_says_what_no_new_information_counts_from_and_the_lists_do_not(login, alice):
    case = _a_case_ready_for_the_un(alice)
    client = login(alice)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(case.get_absolute_url()).content.decode()
        dashboard = client.get("/").content.decode()
    explanation = "Since the latest dated information about the person"
    assert explanation in page.split("No new information for", 1)[1].split("</div>", 1)[0]
    assert explanation not in dashboard
