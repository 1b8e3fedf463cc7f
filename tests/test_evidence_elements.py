"""The three elements and the "presumed enforced disappearance" suggestion, on the
worked case: the ministry says he flew home (HOST-MOI, F4); his cousin says he had
no passport (LARK, B2); the two claims contradict each other."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habeas.cases.models import Status, StatusAssertion
from habeas.evidence import elements, samples, services
from habeas.evidence.models import Assessment, Element, ElementAssessment
from habeas.evidence.services import evidence_add
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim


@pytest.fixture(autouse=True)
def _store(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.HABEAS_FILES_DIR = tmp_path / "files"


@pytest.fixture
def worked(contested_case, alice):
    case = contested_case
    lark = case.sources.get(code_name="LARK")
    seen = sources.claim_add(
        case=case,
        source=lark,
        topic=Claim.Topic.EVENT,
        by=alice,
        statement="Four men in police uniform took him from the flat.",
        received_on=PartialDate.parse("2021-10-21"),
        material=Claim.Material.TESTIMONY,
        credibility=2,
    )
    return case, {
        "flew": case.claims.get(source__code_name="HOST-MOI"),
        "passport": case.claims.get(statement__startswith="He had no passport"),
        "seen": seen,
    }


def assess(case, by, element, value, supporting=(), undermining=()):
    return services.element_assess(
        case=case,
        element=element,
        assessment=value,
        rationale="",
        by=by,
        supporting=list(supporting),
        undermining=list(undermining),
    )


def test_nothing_is_suggested_before_the_elements_are_assessed(worked):
    case, _ = worked
    suggestion = elements.suggestion_for_case(case)
    assert not suggestion.suggest
    assert any("Deprivation of liberty: not established" in r for r in suggestion.reasons)


def test_suggested_when_first_two_are_credible_and_the_official_version_is_doubtful(worked, alice):
    case, c = worked
    assess(case, alice, Element.DEPRIVATION, Assessment.CREDIBLE, [c["seen"]])
    assess(case, alice, Element.STATE, Assessment.ESTABLISHED, [c["seen"]])
    assess(case, alice, Element.CONCEALMENT, Assessment.CREDIBLE, [c["passport"]], [c["flew"]])
    suggestion = elements.suggestion_for_case(case)
    assert suggestion.suggest
    why = " ".join(suggestion.reasons)
    assert "LARK (B2)" in why and "No official information" in why
    assert "HOST-MOI (F4, graded 4 — doubtful)" in why
    assert set(suggestion.claims) == {c["seen"], c["passport"]}


def test_only_one_of_the_first_two_is_not_enough(worked, alice):
    case, c = worked
    assess(case, alice, Element.DEPRIVATION, Assessment.ESTABLISHED, [c["seen"]])
    assess(case, alice, Element.STATE, Assessment.NOT_ESTABLISHED)
    assert not elements.suggestion_for_case(case).suggest


def test_credible_official_information_on_whereabouts_blocks_the_suggestion(worked, alice):
    case, c = worked
    assess(case, alice, Element.DEPRIVATION, Assessment.CREDIBLE, [c["seen"]])
    assess(case, alice, Element.STATE, Assessment.CREDIBLE, [c["seen"]])
    sources.claim_update(
        claim=c["flew"], by=alice, credibility=3, credibility_rationale="Seen boarding."
    )  # now "possibly true"
    suggestion = elements.suggestion_for_case(case)
    assert not suggestion.suggest
    assert any(
        "Official information on fate or whereabouts exists" in r for r in suggestion.reasons
    )


def test_a_person_confirms_and_the_status_history_cites_the_claims(worked, alice, client):
    case, c = worked
    assess(case, alice, Element.DEPRIVATION, Assessment.CREDIBLE, [c["seen"]])
    assess(case, alice, Element.STATE, Assessment.CREDIBLE, [c["seen"]])
    assess(case, alice, Element.CONCEALMENT, Assessment.CREDIBLE, [c["passport"]])
    client.force_login(alice)
    response = client.post(reverse("presumed_ed_confirm", args=[case.public_id]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.current_status == Status.PRESUMED_ED
    assertion = StatusAssertion.objects.filter(case=case).latest()
    assert set(assertion.claims.all()) == {c["seen"], c["passport"]}
    assert "No official information" in assertion.basis
    # Once confirmed, it is no longer suggested (and cannot be confirmed twice).
    assert not elements.suggestion_for_case(case).suggest
    with pytest.raises(ValidationError):
        services.presumed_ed_confirm(case=case, by=alice)


def test_confirming_without_the_rule_is_refused_politely(worked, alice, client):
    case, _ = worked
    client.force_login(alice)
    reasons = " ".join(elements.suggestion_for_case(case).reasons)
    assert reasons  # the rule says why it does not apply
    response = client.post(reverse("presumed_ed_confirm", args=[case.public_id]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("case_elements", args=[case.public_id])
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["The rule does not suggest this status: " + reasons]
    case.refresh_from_db()
    assert case.current_status != Status.PRESUMED_ED
    assert not StatusAssertion.objects.filter(case=case, status=Status.PRESUMED_ED).exists()


def test_the_assessment_form_saves_and_rejects_claims_on_both_sides(worked, alice, client):
    case, c = worked
    client.force_login(alice)
    url = reverse("element_assess", args=[case.public_id, "deprivation"])
    assert client.get(url).status_code == 200
    both = {"assessment": "credible", "supporting": [c["seen"].pk], "undermining": [c["seen"].pk]}
    response = client.post(url, both)
    assert response.status_code == 400 and "both support and undermine" in response.content.decode()
    ok = {"assessment": "credible", "rationale": "Eyewitness.", "supporting": [c["seen"].pk]}
    assert client.post(url, ok).status_code == 302
    assert elements.elements_for_case(case)[0].value == Assessment.CREDIBLE
    assert (
        client.get(reverse("element_assess", args=[case.public_id, "nonsense"])).status_code == 404
    )


def test_the_elements_page_shows_disputed_facts_side_by_side_with_evidence(worked, alice, client):
    case, c = worked
    upload = io.BytesIO(samples.official_letter_pdf())
    upload.name = "reply.pdf"
    evidence_add(
        case=case,
        upload=upload,
        title="Ministry reply letter",
        by=alice,
        claims=[c["flew"]],
        source=c["flew"].source,
    )
    client.force_login(alice)
    page = client.get(reverse("case_elements", args=[case.public_id])).content.decode()
    assert "HOST-MOI (F4)" in page and "LARK (B2)" in page
    assert "He flew home" in page and "no passport" in page
    assert "Ministry reply letter" in page


def test_outsiders_get_404_on_the_element_pages(worked, charlie, client):
    case, _ = worked
    before = list(ElementAssessment.objects.filter(case=case).values())
    statuses = StatusAssertion.objects.filter(case=case).count()
    client.force_login(charlie)
    assert client.get(reverse("case_elements", args=[case.public_id])).status_code == 404
    url = reverse("element_assess", args=[case.public_id, "state"])
    assert client.post(url, {"assessment": "established"}).status_code == 404
    assert client.post(reverse("presumed_ed_confirm", args=[case.public_id])).status_code == 404
    assert list(ElementAssessment.objects.filter(case=case).values()) == before
    assert not ElementAssessment.objects.filter(case=case, element="state").exists()
    assert StatusAssertion.objects.filter(case=case).count() == statuses


def _first_two_credible(case, alice, c):
    assess(case, alice, Element.DEPRIVATION, Assessment.CREDIBLE, [c["seen"]])
    assess(case, alice, Element.STATE, Assessment.CREDIBLE, [c["seen"]])


def test_an_official_statement_nobody_has_graded_yet_blocks_the_suggestion(worked, alice):
    """An acknowledgement of detention, filed under any topic and still at "cannot be
    judged", is official information until someone weighs it."""
    case, c = worked
    _first_two_credible(case, alice, c)
    assert elements.suggestion_for_case(case).suggest  # "flew home" is graded F4
    held = sources.claim_add(
        case=case,
        source=c["flew"].source,
        topic=Claim.Topic.EVENT,
        by=alice,
        statement="He is held in pre-trial detention centre MR-E/12 in Mary.",
        received_on=PartialDate.parse("2021-11"),
        material=Claim.Material.OFFICIAL_REPLY,
        attribution=Claim.Attribution.ACKNOWLEDGES,
    )
    assert held.credibility == 6
    suggestion = elements.suggestion_for_case(case)
    assert not suggestion.suggest
    why = " ".join(suggestion.reasons)
    assert "Official information on fate or whereabouts exists" in why
    assert "HOST-MOI (F6, 6 — truth cannot be judged)" in why
    with pytest.raises(ValidationError):
        services.presumed_ed_confirm(case=case, by=alice)
    # Graded improbable, it is set aside and the reasons say why.
    sources.claim_update(claim=held, by=alice, credibility=5, credibility_rationale="Contradicted.")
    suggestion = elements.suggestion_for_case(case)
    assert suggestion.suggest
    assert "graded 5 — improbable" in " ".join(suggestion.reasons)


def test_an_official_denial_is_not_information_on_fate(worked, alice):
    case, c = worked
    _first_two_credible(case, alice, c)
    sources.claim_add(
        case=case,
        source=c["flew"].source,
        topic=Claim.Topic.WHEREABOUTS,
        by=alice,
        statement="The Ministry has no information about this person and never detained him.",
        received_on=PartialDate.parse("2021-12"),
        material=Claim.Material.OFFICIAL_REPLY,
        attribution=Claim.Attribution.DENIES,
    )
    suggestion = elements.suggestion_for_case(case)
    assert suggestion.suggest
    assert "a denial" in " ".join(suggestion.reasons)


def test_credible_or_established_must_cite_a_supporting_claim(worked, alice, client):
    case, c = worked
    with pytest.raises(ValidationError):
        assess(case, alice, Element.DEPRIVATION, Assessment.CREDIBLE)
    with pytest.raises(ValidationError):
        assess(case, alice, Element.STATE, Assessment.ESTABLISHED, [], [c["flew"]])
    # "Not established" needs no claim.
    assess(case, alice, Element.STATE, Assessment.NOT_ESTABLISHED)
    client.force_login(alice)
    url = reverse("element_assess", args=[case.public_id, "deprivation"])
    response = client.post(url, {"assessment": "credible", "rationale": "KEEP-THIS-RATIONALE"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one claim that supports this assessment." in page
    assert "KEEP-THIS-RATIONALE" in page
    assert elements.elements_for_case(case)[0].assessment is None


def test_the_demo_case_status_rests_on_its_three_assessed_elements(alice):
    """The motivating demo case is a presumed enforced disappearance; its elements say why."""
    from habeas.cases.models import Case
    from habeas.demo import cases as demo

    demo.load(user=alice)
    case = Case.objects.get(reference=demo.FIRST_REFERENCE)
    views = elements.elements_for_case(case)
    assert [v.value for v in views] == [Assessment.CREDIBLE] * 3
    assert all(v.supporting for v in views)
    assert [c.source.code_name for c in views[2].undermining] == ["HOST-MOI"]
    reasons = elements.suggestion_for_case(case).reasons  # "flew home" is graded doubtful:
    assert any(r.startswith("No official information on fate") for r in reasons)
    assert case.current_status == Status.PRESUMED_ED
    # Loading the demo (and its evidence, dated in the story) is not news, nor is the
    # presumed-disappearance status (the organisation's reading): the case has been
    # silent since its latest dated record, the claim of where he is held, whose
    # dates end 11 days ago.
    from django.utils import timezone

    assert case.days_since_info(timezone.localdate()) == 11
    cited = StatusAssertion.objects.filter(case=case).latest().claims.all()
    assert set(cited) <= {c for v in views for c in v.supporting}
