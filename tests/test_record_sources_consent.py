"""What a chain of sources means for documents: a claim HRW passed on goes only
where HRW consented too; a human rights defender is named by kind like any source."""

from __future__ import annotations

from datetime import date

from habeas.advocacy import documents
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source

TODAY = date(2026, 12, 6)


def _text(case, kind) -> str:
    return documents.build(kind=kind, case=case, language="en", today=TODAY, addressees=[]).text()


def _information(case, recipient) -> str:
    """What the documents for `recipient` may say that sources said."""
    facts = documents.case_facts(case=case, recipient=recipient, today=TODAY)
    return "\n".join(facts.information)


def _source(case, by, code, kind, **consent):
    return sources.source_add(
        case=case, code_name=code, kind=kind, reliability="B", by=by, **consent
    )


def test_a_claim_goes_only_where_every_source_it_came_through_consented(alice, alices_case):
    """GIVEN ORCHID, who agreed to the UN and the government, and HRW, who passed the
    account on and agreed to the UN only WHEN documents are built THEN the account
    goes to the UN and not to the government; once HRW agrees, it goes there too."""
    orchid = _source(
        alices_case,
        alice,
        "ORCHID",
        Source.Kind.DEFENDER,
        consent_to_un=True,
        consent_to_government=True,
    )
    hrw = _source(alices_case, alice, "HRW", Source.Kind.NGO, consent_to_un=True)
    sources.claim_add(
        case=alices_case,
        source=orchid,
        topic=Claim.Topic.WHEREABOUTS,
        statement="RELAYED-ACCOUNT: held by the security services.",
        dated_on=PartialDate.parse("2021-11"),
        received_on=PartialDate.parse("2026-12-01"),
        material=Claim.Material.TESTIMONY,
        via=[hrw],
        by=alice,
    )
    assert "RELAYED-ACCOUNT" in _text(alices_case, documents.DocKind.WGEID)
    assert "RELAYED-ACCOUNT" not in _information(alices_case, documents.Recipient.GOVERNMENT)
    sources.source_update(source=hrw, consent_to_government=True, by=alice)
    assert "RELAYED-ACCOUNT" in _information(alices_case, documents.Recipient.GOVERNMENT)


def test_a_named_defender_is_labelled_in_documents(alice, alices_case):
    ore = _source(
        alices_case,
        alice,
        "ORE",
        Source.Kind.DEFENDER,
        consent_information_public=True,
        consent_named_publicly=True,
        consent_to_un=True,
    )
    sources.claim_add(
        case=alices_case,
        source=ore,
        topic=Claim.Topic.WHEREABOUTS,
        statement="DEFENDER-ACCOUNT",
        received_on=PartialDate.parse("2026-12-01"),
        material=Claim.Material.MESSAGE,
        by=alice,
    )
    for text in (
        _text(alices_case, documents.DocKind.WGEID),
        _information(alices_case, documents.Recipient.PUBLIC),
    ):
        assert "A human rights defender" in text and "DEFENDER-ACCOUNT" in text
        assert "ORE" not in text.split()  # by kind, never by code name
    # Defenders are not family: their consent is not the family's.
    assert not documents.case_facts(
        case=alices_case, recipient=documents.Recipient.UN, today=TODAY
    ).family_consent
