"""Status is a history of dated, attributed assertions; the case shows the latest."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from habeas.cases import services as cases
from habeas.cases.models import Status


def test_status_history_is_never_overwritten_and_the_latest_by_date_wins(alice, contested_case):
    claim = contested_case.claims.get(source__code_name="LARK")
    cases.status_assert(
        case=contested_case,
        status=Status.PRESUMED_ED,
        asserted_on=date(2021, 12, 1),
        basis="Elements 1 and 2 credible; no official information.",
        claims=[claim],
        by=alice,
    )
    # Entered later, but asserted as of an earlier date: it does not become current.
    cases.status_assert(
        case=contested_case,
        status=Status.REPORTED_MISSING,
        asserted_on=date(2021, 10, 21),
        basis="Family report.",
        by=alice,
    )
    contested_case.refresh_from_db()
    assert contested_case.current_status == Status.PRESUMED_ED
    assert contested_case.statuses.count() == 3
    assert list(contested_case.statuses.latest().claims.all()) == [claim]


def test_release_closes_the_case_and_removes_it_from_the_dashboard(login, alice, alices_case):
    client = login(alice)
    response = client.post(
        f"/cases/{alices_case.public_id}/status/new/",
        {
            "status": "released",
            "asserted_on": "2022-03-01",
            "basis": "Family confirmed.",
        },
    )
    assert response.status_code == 302
    alices_case.refresh_from_db()
    assert not alices_case.is_open
    assert alices_case.reference not in client.get("/").content.decode()


def test_closing_needs_a_reason_and_future_dates_are_refused(login, alice, alices_case):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/status/new/"
    response = client.post(
        url, {"status": "closed", "asserted_on": "2022-03-01", "basis": "Duplicate."}
    )
    assert response.status_code == 400
    assert "Say why the case is closed." in response.content.decode()
    response = client.post(url, {"status": "dead", "asserted_on": "2999-01-01", "basis": "x"})
    assert "A status cannot be asserted for a future date." in response.content.decode()
    response = client.post(url, {"status": "vanished", "asserted_on": "2021-02-31", "basis": ""})
    assert response.status_code == 400
    alices_case.refresh_from_db()
    assert alices_case.current_status == Status.REPORTED_MISSING


def test_the_case_shows_what_the_current_status_rests_on(login, alice, contested_case):
    claim = contested_case.claims.get(source__code_name="LARK")
    login(alice).post(
        f"/cases/{contested_case.public_id}/status/new/",
        {
            "status": "presumed_ed",
            "asserted_on": "2021-12-01",
            "basis": "No official information on his fate.",
            "claims": [str(claim.public_id)],
        },
    )
    page = login(alice).get(contested_case.get_absolute_url()).content.decode()
    summary = page.split('id="last-contact"')[0]
    assert "Presumed enforced disappearance" in summary
    assert "No official information on his fate." in summary
    assert "rests on LARK B2" in summary


def test_the_summary_shows_the_closing_reason_and_dates_written_one_way(login, alice, alices_case):
    from datetime import date

    from habeas.cases import services

    services.status_assert(
        case=alices_case,
        status="closed",
        asserted_on=date(2021, 11, 16),
        basis="The family asked us to stop.",
        closed_reason="FAMILY-REQUEST",
        by=alice,
    )
    page = login(alice).get(alices_case.get_absolute_url()).content.decode()
    summary = page.split('class="status"', 1)[1].split("</p>", 1)[0]
    assert "as of 16 Nov 2021" in summary and "(closed: FAMILY-REQUEST)" in summary
    assert "Nov. 16" not in page


def test_closing_without_a_reason_is_refused_by_the_service_whoever_calls_it(alice, alices_case):
    """An import or the API calls the service without the form: it refuses too."""
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            cases.status_assert(
                case=alices_case,
                status=Status.CLOSED,
                asserted_on=date(2022, 3, 1),
                basis="Duplicate.",
                closed_reason=reason,
                by=alice,
            )
        assert refused.value.message_dict == {"closed_reason": ["Say why the case is closed."]}
    alices_case.refresh_from_db()
    assert alices_case.is_open and alices_case.statuses.count() == 1


def test_the_status_page_shows_the_missing_reason_next_to_its_field_and_keeps_the_input(
    login, alice, charlie, alices_case
):
    url = f"/cases/{alices_case.public_id}/status/new/"
    typed = {"status": "closed", "asserted_on": "2022-03-01", "basis": "KEPT-BASIS duplicate."}
    response = login(alice).post(url, {**typed, "closed_reason": "  "})
    assert response.status_code == 400
    form = response.context["forms"][0]
    assert form.errors == {"closed_reason": ["Say why the case is closed."]}
    assert "KEPT-BASIS duplicate." in response.content.decode()
    assert alices_case.statuses.count() == 1
    ok = login(alice).post(url, {**typed, "closed_reason": "Duplicate record"})
    assert ok.status_code == 302
    alices_case.refresh_from_db()
    assert not alices_case.is_open
    assert login(charlie).post(url, {**typed, "closed_reason": "x"}).status_code == 404
