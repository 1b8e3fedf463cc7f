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
from habeas.lib.partialdate import PartialDate
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


# --- Writing ---------------------------------------------------------------------

NEW_CASE = {
    "reference": "TM-2022-010",
    "name": "Мерген Атаев",
    "country": "tm",
    "disappeared_on": "about Oct 2022",
    "last_contact_on": "2022-09",
    "risk_torture": True,
    "tags": ["Journalist", "exile"],
}


def test_a_case_is_opened_as_the_web_opens_one(client, alice):
    answer = call(client, "post", "/cases/", token=token_for(alice), body=NEW_CASE)
    assert answer.status_code == 201, answer.content
    case = answer.json()
    assert case["reference"] == "TM-2022-010"
    assert case["country"] == "TM"
    assert case["disappeared_on"] == "2022-10~"  # stored as EDTF
    assert case["people"][0]["name"] == "Мерген Атаев"
    assert case["tags"] == ["exile", "journalist"]
    assert case["priority"] == 1  # a newly ticked risk of torture raises it, as on the web
    made = AuditEntry.objects.get(action="case.create")
    assert made.actor_id == alice.pk and made.case_id == case["id"]
    # Its opener leads its team and reads it.
    assert call(client, "get", f"/cases/{case['id']}/", token=token_for(alice)).status_code == 200


def test_a_read_token_cannot_write(client, alice):
    answer = call(client, "post", "/cases/", token=token_for(alice, scope="read"), body=NEW_CASE)
    assert answer.status_code == 403
    assert "write scope" in answer.json()["detail"]
    assert not AuditEntry.objects.filter(action="case.create").exists()


def test_a_viewers_write_token_gets_the_webs_404(client, vera, alices_case):
    """A token made with the write scope before its user became a viewer."""
    from habeas.accounts.models import User

    User.objects.filter(pk=vera.pk).update(role=User.Role.STAFF)
    vera.refresh_from_db()
    token = token_for(vera, scope="write")
    User.objects.filter(pk=vera.pk).update(role=User.Role.VIEWER)
    opened = call(client, "post", "/cases/", token=token, body=NEW_CASE)
    assert opened.status_code == 404
    changed = call(
        client, "patch", f"/cases/{alices_case.public_id}/", token=token, body={"summary": "x"}
    )
    assert changed.status_code == 404  # read-only on the case, as on the web
    assert AuditEntry.objects.filter(action="access.denied", actor_id=vera.pk).count() == 2
    written = AuditEntry.objects.filter(action__in=["case.create", "case.update"], actor_id=vera.pk)
    assert not written.exists()


def test_a_read_only_member_cannot_change_the_case(client, vera, alices_case):
    token = token_for(vera, scope="read")
    answer = call(
        client, "patch", f"/cases/{alices_case.public_id}/", token=token, body={"summary": "x"}
    )
    assert answer.status_code == 404  # read-only on the case: the door first, as on the web


def test_the_outsider_changes_nothing_and_learns_nothing(client, charlie, alices_case):
    token = token_for(charlie)
    theirs = call(
        client, "patch", f"/cases/{alices_case.public_id}/", token=token, body={"summary": "x"}
    )
    nothing = call(client, "patch", f"/cases/{uuid.uuid4()}/", token=token, body={"summary": "x"})
    assert theirs.status_code == nothing.status_code == 404
    assert theirs.content == nothing.content
    status = call(
        client,
        "post",
        f"/cases/{alices_case.public_id}/statuses/",
        token=token,
        body={"status": "released", "asserted_on": "2024-01-01", "basis": "x"},
    )
    assert status.status_code == 404
    alices_case.refresh_from_db()
    assert alices_case.summary == "" and alices_case.current_status == "reported_missing"


def test_a_change_changes_only_what_was_sent(client, alice, alices_case):
    token = token_for(alice)
    path = f"/cases/{alices_case.public_id}/"
    answer = call(client, "patch", path, token=token, body={"summary": "Seen in Ovadan-Depe."})
    assert answer.status_code == 200, answer.content
    case = answer.json()
    assert case["summary"] == "Seen in Ovadan-Depe."
    assert case["disappeared_on"] == "2021-10-20T12:43"
    update = AuditEntry.objects.get(action="case.update")
    assert update.detail == {"fields": ["summary"]}
    assert "Ovadan" not in str(update.detail)  # ids and field names only


def test_a_refused_write_names_the_field(client, alice, alices_case):
    token = token_for(alice)
    taken = call(
        client, "post", "/cases/", token=token, body={**NEW_CASE, "reference": "tm-2021-003"}
    )
    assert taken.status_code == 400
    assert taken.json()["errors"] == {
        "reference": ["This reference cannot be used. Choose another."]
    }
    future = call(
        client,
        "patch",
        f"/cases/{alices_case.public_id}/",
        token=token,
        body={"disappeared_on": "2999-01-01"},
    )
    assert future.status_code == 400
    assert "in the future" in future.json()["errors"]["disappeared_on"][0]
    later = call(
        client, "post", "/cases/", token=token, body={**NEW_CASE, "last_contact_on": "2023"}
    )
    assert later.status_code == 400
    assert "is after the disappearance" in later.json()["errors"]["last_contact_on"][0]
    unread = call(
        client, "post", "/cases/", token=token, body={**NEW_CASE, "disappeared_on": "soon"}
    )
    assert unread.status_code == 400
    assert list(unread.json()["errors"]) == ["disappeared_on"]
    nowhere = call(client, "post", "/cases/", token=token, body={**NEW_CASE, "country": "XX"})
    assert nowhere.status_code == 400
    assert list(nowhere.json()["errors"]) == ["country"]
    assert (
        not AuditEntry.objects.filter(action="case.create")
        .exclude(case_id=str(alices_case.public_id))
        .exists()
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW_CASE, "priority": "high"}, "priority"),
        ({**NEW_CASE, "risk_torture": "perhaps"}, "risk_torture"),
        ({**NEW_CASE, "tags": "one"}, "tags"),
        ({**NEW_CASE, "reference": 12}, "reference"),
        ({**NEW_CASE, "reference": "x" * 41}, "reference"),
        ({**NEW_CASE, "colour": "red"}, "colour"),
        ({k: v for k, v in NEW_CASE.items() if k != "country"}, "country"),
        ({**NEW_CASE, "name": ""}, "name"),
        ({**NEW_CASE, "person": "not-an-id"}, "person"),
    ],
)
def test_wrong_types_are_a_400_on_the_field(client, alice, body, field):
    answer = call(client, "post", "/cases/", token=token_for(alice), body=body)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"]


@pytest.mark.parametrize(
    "raw", [b"{", b"[]", b"null", b'"text"', b"\xff\xfe", b'{"reference": "\x00"}']
)
def test_malformed_json_is_a_clear_400(client, alice, raw):
    answer = call(client, "post", "/cases/", token=token_for(alice), raw=raw)
    assert answer.status_code == 400, answer.content
    assert answer.json()["detail"]


def test_a_huge_body_is_a_413(client, alice):
    huge = b'{"summary": "' + b"x" * 3_000_000 + b'"}'
    answer = call(client, "post", "/cases/", token=token_for(alice), raw=huge)
    assert answer.status_code == 413
    assert "too large" in answer.json()["detail"]


def test_control_characters_are_dropped_as_from_forms(client, alice, alices_case):
    body = {"summary": "Seen\x0b there.\x00"}
    answer = call(
        client, "patch", f"/cases/{alices_case.public_id}/", token=token_for(alice), body=body
    )
    assert answer.status_code == 200
    assert "\x0b" not in answer.json()["summary"] and "\x00" not in answer.json()["summary"]


def test_a_person_is_added_to_a_case(client, alice, alices_case):
    answer = call(
        client,
        "post",
        f"/cases/{alices_case.public_id}/people/",
        token=token_for(alice),
        body={"name": "Batyr Isakov"},
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["names"][0]["script"] == "Latn"
    assert alices_case.people.count() == 2


# --- The status history ------------------------------------------------------------


def test_a_status_is_recorded_and_listed_latest_first(client, alice, contested_case):
    token = token_for(alice)
    path = f"/cases/{contested_case.public_id}/statuses/"
    claim = contested_case.claims.first()
    body = {
        "status": "detention_acknowledged",
        "asserted_on": str(timezone.localdate()),
        "basis": "The ministry wrote to his mother.",
        "claims": [str(claim.public_id)],
    }
    made = call(client, "post", path, token=token, body=body)
    assert made.status_code == 201, made.content
    assert made.json()["claims"] == [str(claim.public_id)]
    listed = call(client, "get", path, token=token).json()["items"]
    assert [s["status"] for s in listed] == ["detention_acknowledged", "reported_missing"]
    case = call(client, "get", f"/cases/{contested_case.public_id}/", token=token).json()
    assert case["status"] == "detention_acknowledged"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "closed", "basis": "Done."}, "closed_reason"),
        ({"status": "released", "basis": "x", "asserted_on": "2999-01-01"}, "asserted_on"),
        ({"status": "released", "basis": "x", "claims": [str(uuid.uuid4())]}, "claims"),
        ({"status": "lost", "basis": "x"}, "status"),
        ({"status": "released", "basis": " "}, "basis"),
    ],
)
def test_a_status_the_web_refuses_is_refused(client, alice, alices_case, body, field):
    body = {"asserted_on": str(timezone.localdate()), **body}
    path = f"/cases/{alices_case.public_id}/statuses/"
    answer = call(client, "post", path, token=token_for(alice), body=body)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"]


def test_a_path_the_api_does_not_have_is_its_json_404(client, alice):
    answer = call(client, "get", "/nothing-here/", token=token_for(alice))
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not found.", "errors": {}}


def test_the_event_and_status_lists_cost_the_same_queries_for_few_or_many(
    client, alice, alices_case, time_machine
):
    time_machine.move_to("2026-12-07 10:00:00Z", tick=False)
    token = token_for(alice)
    base = f"/cases/{alices_case.public_id}"
    call(client, "get", f"{base}/events/", token=token)
    police = cases.actor_create(name="Police", country="TM", by=alice)

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as seen:
            assert call(client, "get", path, token=token).status_code == 200
        return len(seen)

    def add(n: int) -> None:
        cases.event_add(
            case=alices_case,
            kind="sighting",
            occurred_on=PartialDate.parse(f"2021-11-0{n + 1}"),
            description="Seen.",
            actors=[(police, "witness")],
            by=alice,
        )
        cases.status_assert(
            case=alices_case,
            status=Status.PRESUMED_ED,
            asserted_on=timezone.localdate(),
            basis="Still no word.",
            by=alice,
        )

    add(0)  # one of each: the prefetches run from the first row on
    few = queries(f"{base}/events/"), queries(f"{base}/statuses/")
    for n in range(1, 5):
        add(n)
    assert (queries(f"{base}/events/"), queries(f"{base}/statuses/")) == few
