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


def test_a_grade_without_its_reason_is_refused_by_the_service_whoever_calls_it(
    contested_case, alice
):
    """An import or the API grades without the grade page's form: the service refuses
    an empty reason with the page's own message, on its field, and saves nothing."""
    lark = contested_case.sources.get(code_name="LARK")
    claim = contested_case.claims.get(source__code_name="LARK")
    for reason in ("", "  "):
        with pytest.raises(ValidationError) as refused:
            services.claim_grade(claim=claim, credibility=1, rationale=reason, by=alice)
        assert refused.value.message_dict == {"rationale": ["This field is required."]}
        with pytest.raises(ValidationError) as refused:
            services.source_grade(source=lark, reliability="A", rationale=reason, by=alice)
        assert refused.value.message_dict == {"rationale": ["This field is required."]}
    claim.refresh_from_db()
    lark.refresh_from_db()
    assert (claim.credibility, lark.reliability) == (2, "B")
    assert selectors.grade_history(lark)[0].grade == "B"


def test_the_grade_page_shows_the_missing_reason_next_to_its_field(contested_case, alice, client):
    lark = contested_case.sources.get(code_name="LARK")
    url = reverse("source_grade", args=[contested_case.public_id, lark.public_id])
    client.force_login(alice)
    response = client.post(url, {"grade": "A", "rationale": "   "})
    assert response.status_code == 400
    assert response.context["form"].errors == {"rationale": ["This field is required."]}
    lark.refresh_from_db()
    assert lark.reliability == "B"


def test_a_changed_grade_without_its_own_reason_is_refused_by_the_update_service(
    contested_case, alice
):
    """The edit form's rule, kept by the service: a changed grade needs a reason of
    its own; "cannot be judged", or an unchanged grade, needs none."""
    lark = contested_case.sources.get(code_name="LARK")
    claim = contested_case.claims.get(source__code_name="LARK")
    message = ["Say why this grade: a changed grade needs its own reason."]
    with pytest.raises(ValidationError) as refused:
        services.claim_update(claim=claim, credibility=1, by=alice)
    assert refused.value.message_dict == {"credibility_rationale": message}
    with pytest.raises(ValidationError) as refused:
        services.source_update(source=lark, reliability="A", reliability_rationale=" ", by=alice)
    assert refused.value.message_dict == {"reliability_rationale": message}
    claim.refresh_from_db()
    lark.refresh_from_db()
    assert (claim.credibility, lark.reliability) == (2, "B")

    services.claim_update(claim=claim, credibility=1, credibility_rationale="Seen.", by=alice)
    with pytest.raises(ValidationError) as refused:  # that reason was for grade 1
        services.claim_update(claim=claim, credibility=3, by=alice)
    assert refused.value.message_dict == {"credibility_rationale": message}
    services.claim_update(claim=claim, credibility=6, by=alice)  # cannot be judged
    services.source_update(source=lark, code_name="LARK-2", by=alice)  # grade unchanged
    claim.refresh_from_db()
    lark.refresh_from_db()
    assert (claim.credibility, lark.code_name, lark.reliability) == (6, "LARK-2", "B")
