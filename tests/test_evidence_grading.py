"""Grading with a rationale, who and when; every change kept in the history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habeas.evidence import grading


def test_grades_carry_rationale_grader_and_time_and_changes_are_kept(contested_case, alice, bob):
    lark = contested_case.sources.get(code_name="LARK")
    grading.source_grade(source=lark, reliability="C", rationale="First contact.", by=alice)
    grading.source_grade(source=lark, reliability="B", rationale="Three confirmed.", by=bob)
    lark.refresh_from_db()
    assert (lark.reliability, lark.reliability_rationale) == ("B", "Three confirmed.")
    assert lark.reliability_graded_by == bob and lark.reliability_graded_at is not None
    history = grading.grade_history(lark)
    assert [(h.grade, h.rationale, h.graded_by) for h in history[:2]] == [
        ("B", "Three confirmed.", "bob"),
        ("C", "First contact.", "alice"),
    ]


def test_claim_grade_and_bad_grade(contested_case, alice):
    claim = contested_case.claims.get(source__code_name="HOST-MOI")
    grading.claim_grade(claim=claim, credibility=5, rationale="No passport.", by=alice)
    claim.refresh_from_db()
    assert claim.grade == "F5" and claim.credibility_graded_by == alice
    with pytest.raises(ValidationError):
        grading.claim_grade(claim=claim, credibility=9, rationale="", by=alice)


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
