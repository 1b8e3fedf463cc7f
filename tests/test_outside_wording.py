"""A claim's wording for use outside the organisation: entered on the claim form,
shown beside the statement, used by documents instead of the source's own words;
and the staff's warnings where a statement would go out as written with wording
that points to its source or no longer reads right (review of first use, section 4)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from habeas.advocacy import documents
from habeas.cases.models import Person
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source

TODAY = date(2026, 12, 6)

# The review's three statements, as its tester entered them, and how the field
# words them for outside.
TEXTED = (
    "On 20 October 2021 he texted me: “The police are here. If they find me, "
    "they'll take me in. I've gone into hiding.”"
)
LEARNED = "She has learned through informal channels that he is held by the security services."
THREE_DAYS = "He has been moved between places of detention in the past three days."
REWORDED = {
    TEXTED: "On 20 October 2021 he wrote in a text message that the police were at his door "
    "and that he had gone into hiding.",
    LEARNED: "According to informal channels, he is held by the security services.",
    THREE_DAYS: "Between 18 and 21 November 2021 he was moved between places of detention.",
}


@pytest.fixture
def orchid_case(alices_case, alice):
    """A man's case: ORCHID (identity CANARY-ORE) agreed to the UN and said the three."""
    Person.objects.filter(cases=alices_case).update(sex=Person.Sex.MALE)
    orchid = sources.source_add(
        case=alices_case,
        code_name="ORCHID",
        kind=Source.Kind.DEFENDER,
        reliability="B",
        identity="CANARY-ORE, in exile in Nepal",
        consent_to_un=True,
        by=alice,
    )
    for statement, dated in zip(REWORDED, ("2021-10-20", "2021-11", "2021-11-21"), strict=True):
        sources.claim_add(
            case=alices_case,
            source=orchid,
            topic=Claim.Topic.WHEREABOUTS,
            statement=statement,
            dated_on=PartialDate.parse(dated),
            received_on=PartialDate.parse("2026-12-01"),
            material=Claim.Material.MESSAGE,
            by=alice,
        )
    return alices_case


def _wgeid(case) -> documents.Document:
    return documents.wgeid_submission(case=case, language="en", today=TODAY)


def _claim(case, statement) -> Claim:
    return Claim.objects.get(case=case, statement=statement)


def _claim_form(claim: Claim, **extra) -> dict[str, str]:
    return {
        "source": str(claim.source.public_id),
        "topic": claim.topic,
        "statement": claim.statement,
        "dated_on": str(claim.dated_on),
        "received_on": str(claim.received_on),
        "material": claim.material,
        "credibility": str(claim.credibility),
        **extra,
    }


def test_the_claim_form_keeps_the_outside_wording_and_the_case_page_shows_it(
    login, alice, orchid_case
):
    """GIVEN a claim WHEN its outside wording is entered on the edit form THEN it is
    kept apart from the statement, and the case and source pages show both, the
    outside wording marked as what is used outside."""
    client = login(alice)
    claim = _claim(orchid_case, TEXTED)
    url = reverse("claim_edit", args=[orchid_case.public_id, claim.public_id])
    page = client.get(url).content.decode()
    assert 'name="outside_wording"' in page
    assert "in the third person" in page  # its help
    response = client.post(url, _claim_form(claim, outside_wording=REWORDED[TEXTED]))
    assert response.status_code == 302, response.content.decode()[:3000]
    claim.refresh_from_db()
    assert claim.statement == TEXTED and claim.outside_wording == REWORDED[TEXTED]
    for page_url in (
        orchid_case.get_absolute_url(),
        reverse("source_detail", args=[orchid_case.public_id, claim.source.public_id]),
    ):
        page = client.get(page_url).content.decode()
        assert "Used outside:" in page
        assert "he wrote in a text message that the police were at his door" in page
        assert "If they find me" in page  # the statement stays, verbatim, inside


def test_a_new_claim_takes_its_outside_wording_from_the_add_form(login, alice, orchid_case):
    client = login(alice)
    source = Source.objects.get(case=orchid_case, code_name="ORCHID")
    response = client.post(
        reverse("claim_add", args=[orchid_case.public_id]),
        {
            "source": str(source.public_id),
            "topic": "whereabouts",
            "statement": "I saw him at the airport yesterday.",
            "outside_wording": "He was seen at Istanbul airport on 21 October 2021.",
            "dated_on": "22 Oct 2021",
            "received_on": "1 Dec 2026",
            "material": "testimony",
            "credibility": "6",
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get(case=orchid_case, statement__startswith="I saw him")
    assert claim.outside_wording == "He was seen at Istanbul airport on 21 October 2021."
    text = _wgeid(orchid_case).text()
    assert "He was seen at Istanbul airport" in text and "I saw him" not in text


def test_the_reviews_three_statements_warn_on_the_preview(login, alice, orchid_case):
    """GIVEN the review's three statements going to the UN as written WHEN the staff
    preview the submission THEN each has its warning, naming the claim by date and
    first words with a link to its form, never its source, and never in the document."""
    document = _wgeid(orchid_case)
    assert len(document.warnings) == 3
    texted, learned, three_days = document.warnings
    assert "20 Oct 2021" in texted and "“On 20 October 2021 he texted…”" in texted
    assert "first-person wording (“me”, “I”)" in texted
    assert "Nov 2021" in learned and "gendered wording" in learned
    assert "“She has learned”" in learned
    assert "relative time" in three_days and "“in the past three days”" in three_days
    for warning in document.warnings:
        assert "ORCHID" not in warning and "CANARY" not in warning and "Nepal" not in warning
        assert "wording for use outside" in warning
        assert warning not in document.text()
    client = login(alice)
    page = client.get(
        reverse("case_document", args=[orchid_case.public_id]) + "?doc=wgeid&lang=en"
    ).content.decode()
    for statement in REWORDED:
        claim = _claim(orchid_case, statement)
        edit = reverse("claim_edit", args=[orchid_case.public_id, claim.public_id])
        assert f'<a href="{edit}">Edit the claim</a>' in page
    assert "CANARY" not in page and "Nepal" not in page


def test_the_warnings_go_once_the_outside_wording_is_set_and_the_document_uses_it(
    login, alice, orchid_case
):
    client = login(alice)
    for statement, wording in REWORDED.items():
        claim = _claim(orchid_case, statement)
        url = reverse("claim_edit", args=[orchid_case.public_id, claim.public_id])
        assert client.post(url, _claim_form(claim, outside_wording=wording)).status_code == 302
    for build in (
        documents.wgeid_submission,
        documents.ced_urgent_action,
        documents.special_procedures_communication,
    ):
        document = build(case=orchid_case, language="en", today=TODAY)
        assert not [w for w in document.warnings if "wording for use outside" in w]
        text = document.text()
        for statement, wording in REWORDED.items():
            assert wording in text
            assert statement not in text
        assert "texted me" not in text and "She has learned" not in text
        assert "past three days" not in text


def test_a_russian_document_uses_the_outside_wording_too(alice, orchid_case):
    claim = _claim(orchid_case, LEARNED)
    sources.claim_update(
        claim=claim, outside_wording="По неофициальным данным, он содержится под стражей.", by=alice
    )
    text = documents.wgeid_submission(case=orchid_case, language="ru", today=TODAY).text()
    assert "По неофициальным данным, он содержится под стражей." in text
    assert LEARNED not in text


def test_a_statement_that_reads_right_gives_no_warning(alice, orchid_case):
    Claim.objects.filter(case=orchid_case).delete()
    sources.claim_add(
        case=orchid_case,
        source=Source.objects.get(case=orchid_case, code_name="ORCHID"),
        topic=Claim.Topic.WHEREABOUTS,
        statement="He was taken by the police on 20 October 2021.",
        received_on=PartialDate.parse("2026-12-01"),
        material=Claim.Material.MESSAGE,
        by=alice,
    )
    assert _wgeid(orchid_case).warnings == []


def test_a_claim_kept_from_the_recipient_gives_no_warning(alice, orchid_case):
    """A claim its source kept from the recipient is not in the document: nothing to warn."""
    document = documents.special_procedures_communication(
        case=orchid_case, language="en", today=TODAY
    )
    assert len(document.warning_claims) == 3
    Source.objects.filter(case=orchid_case).update(consent_to_un=False)
    document = documents.special_procedures_communication(
        case=orchid_case, language="en", today=TODAY
    )
    assert document.warning_claims == {}
    assert not [w for w in document.warnings if "wording for use outside" in w]
