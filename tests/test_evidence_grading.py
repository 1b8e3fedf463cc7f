"""Grading with a rationale, who and when; every change kept in the history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habeas.sources import selectors, services


def test_grades_carry_rationale_grader_and_time_and_changes_are_kept(contested_case, alice, bob):
    lark = contested_case.sources.get(code_name="LARK")
    services.source_grade(source=lark, reliability="C", rationale="First contact.", by=alice)
    services.source_grade(source=lark, reliability="B", rationale="Three confirmed.", by=bob)
    lark.refresh_from_db()
    assert (lark.reliability, lark.reliability_rationale) == ("B", "Three confirmed.")
    assert lark.reliability_graded_by == bob and lark.reliability_graded_at is not None
    history = selectors.grade_history(lark)
    assert [(h.grade, h.rationale, h.graded_by) for h in history[:2]] == [
        ("B", "Three confirmed.", "bob"),
        ("C", "First contact.", "alice"),
    ]


def test_claim_grade_and_bad_grade(contested_case, alice):
    claim = contested_case.claims.get(source__code_name="HOST-MOI")
    services.claim_grade(claim=claim, credibility=5, rationale="No passport.", by=alice)
    claim.refresh_from_db()
    assert claim.grade == "F5" and claim.credibility_graded_by == alice
    with pytest.raises(ValidationError):
        services.claim_grade(claim=claim, credibility=9, rationale="", by=alice)


def test_grade_pages(contested_case, alice, vera, charlie, client):
    claim = contested_case.claims.get(source__code_name="HOST-MOI")
    url = reverse("claim_grade", args=[contested_case.public_id, claim.public_id])
    client.force_login(alice)
    assert client.get(url).status_code == 200
    response = client.post(url, {"grade": "5", "rationale": ""})
    assert response.status_code == 400  # a rationale is required; nothing saved
    claim.refresh_from_db()
    assert claim.credibility == 4
    assert client.post(url, {"grade": "5", "rationale": "Contradicted."}).status_code == 302
    claim.refresh_from_db()
    assert claim.credibility == 5
    for user in (vera, charlie):
        client.force_login(user)
        assert client.post(url, {"grade": "1", "rationale": "x"}).status_code == 404


def test_a_grade_confirmed_on_its_page_names_who_confirmed_it_an_edit_elsewhere_does_not(
    login, alice, bob, charlie, contested_case
):
    """One stamping rule for both paths: the grade page is a deliberate grading (who and
    when are stamped even when the grade stays); the edit form stamps only a change."""
    case = contested_case
    lark = case.sources.get(code_name="LARK")
    services.source_grade(source=lark, reliability="B", rationale="Three confirmed.", by=alice)
    edit = reverse("source_edit", args=[case.public_id, lark.public_id])
    page = reverse("source_grade", args=[case.public_id, lark.public_id])
    client = login(bob)
    unchanged = {"reliability": "B", "reliability_rationale": "Three confirmed."}
    form = {"code_name": "LARK-B", "kind": "relative", **unchanged}
    assert client.post(edit, form).status_code == 302
    lark.refresh_from_db()
    assert (lark.code_name, lark.reliability_graded_by) == ("LARK-B", alice)

    assert "Grade source LARK-B" in client.get(page).content.decode()
    assert client.post(page, {"grade": "B", "rationale": "Three confirmed."}).status_code == 302
    lark.refresh_from_db()
    assert lark.reliability_graded_by == bob
    assert [h.graded_by for h in selectors.grade_history(lark)[:2]] == ["bob", "alice"]
    assert login(charlie).get(page).status_code == 404
