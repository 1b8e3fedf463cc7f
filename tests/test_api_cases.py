"""Cases over the API: a token reads the cases of its user's teams, through the same
access door as the case pages; another team's case is the 404 of a case that does
not exist, audited; lists are filtered and paginated by cursor in a constant
number of queries."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Status
from tests.support.api import call, token_for


def open_case(user, reference: str, name: str, **fields):
    person = cases.person_create(name=name, by=user)
    return cases.case_create(reference=reference, person=person, country="TM", by=user, **fields)


def references(answer) -> list[str]:
    assert answer.status_code == 200, answer.content
    return [c["reference"] for c in answer.json()["items"]]


def test_a_member_reads_the_case_as_its_page_shows_it(client, alice, alices_case):
    answer = call(client, "get", f"/cases/{alices_case.public_id}/", token=token_for(alice))
    assert answer.status_code == 200
    case = answer.json()
    assert case["reference"] == "TM-2021-003"
    assert case["country"] == "TM"
    assert case["status"] == "reported_missing"
    assert case["disappeared_on"] == "2021-10-20T12:43"  # EDTF, as stored
    assert case["people"][0]["name"] == "Рустам Исаков"
    # What was said at the last contact is the source grant's, not every reader's.
    assert "last_contact_message" not in case
    assert "Police are here" not in answer.content.decode()


def test_a_read_only_member_reads_it_too(client, vera, alices_case):
    answer = call(
        client, "get", f"/cases/{alices_case.public_id}/", token=token_for(vera, scope="read")
    )
    assert answer.status_code == 200


def test_another_teams_case_is_a_404_like_no_case_and_audited(client, charlie, alices_case):
    token = token_for(charlie)
    theirs = call(client, "get", f"/cases/{alices_case.public_id}/", token=token)
    nothing = call(client, "get", f"/cases/{uuid.uuid4()}/", token=token)
    assert theirs.status_code == nothing.status_code == 404
    assert theirs.content == nothing.content
    denied = AuditEntry.objects.filter(action="access.denied", actor_id=charlie.pk)
    assert [e.detail["id"] for e in denied] == [str(alices_case.public_id)]


def test_the_outsider_lists_nothing(client, charlie, alices_case):
    assert references(call(client, "get", "/cases/", token=token_for(charlie))) == []


def test_a_malformed_id_is_a_clear_4xx(client, alice, alices_case):
    answer = call(client, "get", "/cases/not-a-uuid/", token=token_for(alice))
    assert 400 <= answer.status_code < 500


@pytest.fixture
def register(alice, alices_case):
    """Five cases of alice's besides TM-2021-003, of several statuses and countries."""
    made = [alices_case]
    for n in range(5):
        case = open_case(alice, f"KZ-2022-00{n}", f"Person {n}", priority=2 if n % 2 else 3)
        made.append(case)
    cases.case_update(case=made[1], by=alice, country="KZ")
    cases.status_assert(
        case=made[2],
        status=Status.RELEASED,
        asserted_on=timezone.localdate(),
        basis="He called home.",
        by=alice,
    )
    return made


def test_the_list_is_in_the_case_lists_order_a_page_at_a_time(client, alice, register):
    token = token_for(alice)
    seen, cursor, pages = [], None, 0
    while True:
        path = "/cases/?limit=2" + (f"&cursor={cursor}" if cursor else "")
        answer = call(client, "get", path, token=token)
        seen += references(answer)
        cursor, pages = answer.json()["next"], pages + 1
        if cursor is None:
            break
    assert pages == 3
    assert seen == [
        "KZ-2022-001",
        "KZ-2022-003",
        "KZ-2022-000",
        "KZ-2022-002",
        "KZ-2022-004",
        "TM-2021-003",
    ]


def test_a_case_added_between_pages_is_not_skipped_nor_repeated(client, alice, register):
    token = token_for(alice)
    first = call(client, "get", "/cases/?limit=3", token=token).json()
    open_case(alice, "AA-0001", "Early", priority=1)  # sorts before the cursor
    open_case(alice, "ZZ-0001", "Late")  # after it
    rest = call(client, "get", f"/cases/?limit=50&cursor={first['next']}", token=token)
    assert references(rest) == ["KZ-2022-002", "KZ-2022-004", "TM-2021-003", "ZZ-0001"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=released", ["KZ-2022-001"]),
        ("country=kz", ["KZ-2022-000"]),
        ("priority=2", ["KZ-2022-001", "KZ-2022-003"]),
        ("open=true&priority=2", ["KZ-2022-003"]),
    ],
)
def test_the_list_filters(client, alice, register, query, expected):
    assert references(call(client, "get", f"/cases/?{query}", token=token_for(alice))) == expected


def test_updated_since_lists_what_changed(client, alice, register, time_machine):
    token = token_for(alice)
    later = timezone.now() + timedelta(days=2)
    time_machine.move_to(later)
    cases.case_update(case=register[4], by=alice, summary="New witness.")
    since = (later - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    answer = call(client, "get", f"/cases/?updated_since={since}", token=token)
    assert references(answer) == [register[4].reference]


@pytest.mark.parametrize(
    "query",
    [
        "cursor=nonsense",
        "cursor=WyJhIl0",  # ["a"]: one value for a two-part key
        "cursor=WyJ4IiwgIlRNIl0",  # ["x", "TM"]: a priority that is not a number
        "limit=0",
        "limit=101",
        "limit=ten",
        "status=lost",
        "updated_since=yesterday",
    ],
)
def test_a_bad_query_is_a_400_that_names_the_parameter(client, alice, register, query):
    answer = call(client, "get", f"/cases/?{query}", token=token_for(alice))
    assert answer.status_code == 400, answer.content
    name = query.split("=")[0]
    assert name in answer.json()["errors"]


def test_the_list_costs_the_same_queries_for_one_case_or_many(
    client, alice, alices_case, time_machine
):
    time_machine.move_to("2026-12-07 10:00:00Z", tick=False)
    token = token_for(alice)
    call(client, "get", "/cases/", token=token)  # the rate windows exist from here

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert call(client, "get", "/cases/", token=token).status_code == 200
        return len(seen)

    one = queries()
    for n in range(6):
        open_case(alice, f"UZ-{n}", f"Someone {n}", tags=["torture", f"t{n}"])
    assert queries() == one
