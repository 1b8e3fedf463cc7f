"""The API's lists of sources, claims, interventions and alerts cost the same
number of queries at 2 rows as at 10 (no query per row), the audit entry of the
source identities a list shows included: one entry for the list's case, naming
the sources, not one per source."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from habeas.advocacy import services as advocacy
from habeas.audit.models import AuditEntry
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from tests.support.alerts import raise_alert
from tests.support.api import call, token_for

LISTS = ("/sources/", "/claims/", "/interventions/", "/alerts/")


def _grow(case, by, upto: int) -> None:
    """`upto` records of each kind on `case` (sources with who they are, claims from
    them, drafts to the authorities, alerts due now)."""
    while case.sources.count() < upto:
        n = case.sources.count()
        source = sources.source_add(
            case=case, code_name=f"Q{n}", kind="witness", identity=f"Witness {n}", by=by
        )
        sources.claim_add(
            case=case,
            source=source,
            topic="whereabouts",
            statement=f"Seen in cell {n}.",
            received_on=PartialDate.parse(f"2022-01-{n + 1:02d}"),
            material="testimony",
            by=by,
        )
        advocacy.intervention_add(case=case, kind="letter_authorities", by=by)
        raise_alert(case, occurrence=f"q{n}")


def _counts(client, token: str, case) -> dict[str, tuple[int, int]]:
    """Per list: the queries made, and the items listed."""
    counts = {}
    for path in LISTS:
        for query in ("", f"?case={case.public_id}"):
            if path == "/alerts/" and query:
                continue
            with CaptureQueriesContext(connection) as seen:
                answer = call(client, "get", path + query, token=token)
            assert answer.status_code == 200, (path, answer.content)
            counts[path + query] = (len(seen), len(answer.json()["items"]))
    return counts


@pytest.mark.parametrize("who", ["alice", "bob"])  # with the source grant, without
def test_the_lists_cost_the_same_queries_at_2_rows_and_at_10(
    client, alices_case, alice, bob, who, time_machine
):
    # A still clock: a token's last use is written at most once a minute, and a
    # rate window opens each minute; neither is the list's cost.
    time_machine.move_to("2026-12-07 10:00:00Z", tick=False)
    user = {"alice": alice, "bob": bob}[who]
    token = token_for(user)
    call(client, "get", "/alerts/", token=token)  # the first request's one-time reads
    _grow(alices_case, alice, 2)
    few = _counts(client, token, alices_case)
    _grow(alices_case, alice, 10)
    many = _counts(client, token, alices_case)
    assert {path: n for path, (n, _rows) in many.items()} == {
        path: n for path, (n, _rows) in few.items()
    }
    assert all(rows >= 10 for _n, rows in many.values()), many
    assert all(2 <= rows < 10 for _n, rows in few.values()), few


def test_the_identities_shown_in_a_list_are_one_audit_entry_naming_them(client, alices_case, alice):
    _grow(alices_case, alice, 3)
    before = AuditEntry.objects.filter(action="source.identity_viewed").count()
    call(client, "get", "/sources/", token=token_for(alice))
    viewed = AuditEntry.objects.filter(action="source.identity_viewed")
    assert viewed.count() == before + 1
    entry = viewed.latest("pk")
    assert entry.case_id == str(alices_case.public_id)
    assert entry.detail == {
        "via": "api",
        "sources": sorted(str(s.public_id) for s in alices_case.sources.all()),
    }
