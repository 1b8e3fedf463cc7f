"""The services refuse a date that has not happened, as the forms do: a status as of
next year, a claim, event or evidence item dated in the future would reset the
case's silence or set its current status from any way in besides the forms (a
command, the coming import). The current year typed alone stays accepted: it is the
precision, not the future (adversarial review of issue 13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from habeas.cases import services as cases
from habeas.evidence import services as evidence
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources

NEXT_YEAR = str(timezone.localdate().year + 1)
THIS_YEAR = str(timezone.localdate().year)


def _refused_on(field: str, call) -> None:
    with pytest.raises(ValidationError) as refused:
        call()
    assert field in refused.value.message_dict
    assert "in the future" in " ".join(refused.value.message_dict[field])


def test_status_assert_refuses_a_future_as_of(alice, alices_case):
    _refused_on(
        "asserted_on",
        lambda: cases.status_assert(
            case=alices_case,
            status="released",
            basis="b",
            by=alice,
            asserted_on=timezone.localdate() + timedelta(days=1),
        ),
    )
    assert alices_case.statuses.filter(status="released").count() == 0
    cases.status_assert(
        case=alices_case, status="released", basis="b", by=alice, asserted_on=timezone.localdate()
    )


def test_claim_add_and_update_refuse_information_from_the_future(alice, contested_case):
    lark = contested_case.sources.get(code_name="LARK")

    def add(dated: str, received: str):
        return sources.claim_add(
            case=contested_case,
            source=lark,
            topic="whereabouts",
            statement="s",
            dated_on=PartialDate.parse(dated),
            received_on=PartialDate.parse(received),
            material="testimony",
            by=alice,
        )

    _refused_on("dated_on", lambda: add(NEXT_YEAR, THIS_YEAR))
    _refused_on("received_on", lambda: add(THIS_YEAR, NEXT_YEAR))
    claim = add(THIS_YEAR, THIS_YEAR)  # this year: its precision, not the future
    _refused_on(
        "dated_on",
        lambda: sources.claim_update(claim=claim, dated_on=PartialDate.parse(NEXT_YEAR), by=alice),
    )


def test_event_add_and_update_refuse_a_future_date(alice, alices_case):
    def add(when: str):
        return cases.event_add(
            case=alices_case,
            kind="arrest",
            description="d",
            occurred_on=PartialDate.parse(when),
            by=alice,
        )

    _refused_on("occurred_on", lambda: add(NEXT_YEAR))
    event = add(THIS_YEAR)
    _refused_on(
        "occurred_on",
        lambda: cases.event_update(event=event, occurred_on=PartialDate.parse(NEXT_YEAR), by=alice),
    )


def test_evidence_add_and_update_refuse_a_future_date(alice, alices_case):
    def add(when: str):
        return evidence.evidence_add(
            case=alices_case,
            upload=SimpleUploadedFile("letter.txt", b"The ministry replied.\n"),
            title="Reply",
            dated_on=PartialDate.parse(when),
            by=alice,
        )

    _refused_on("dated_on", lambda: add(NEXT_YEAR))
    item = add(THIS_YEAR)
    _refused_on(
        "dated_on",
        lambda: evidence.evidence_update(
            item=item,
            by=alice,
            title="Reply",
            source=None,
            claims=[],
            events=[],
            dated_on=PartialDate.parse(NEXT_YEAR),
        ),
    )


def test_case_create_and_update_refuse_a_future_disappearance_or_last_contact(alice, alices_case):
    person = cases.person_create(name="Someone Else", by=alice)
    _refused_on(
        "disappeared_on",
        lambda: cases.case_create(
            reference="TM-FUTURE-1",
            person=person,
            country="TM",
            disappeared_on=PartialDate.parse(NEXT_YEAR),
            by=alice,
        ),
    )
    _refused_on(
        "last_contact_on",
        lambda: cases.case_update(
            case=alices_case, by=alice, last_contact_on=PartialDate.parse(NEXT_YEAR)
        ),
    )
    alices_case.refresh_from_db()
    assert alices_case.last_contact_on == PartialDate.parse("2021-10-20 12:43")
    cases.case_update(  # "2026" typed in 2026 is its precision, not the future
        case=alices_case,
        by=alice,
        disappeared_on=PartialDate.parse(THIS_YEAR),
        last_contact_on=PartialDate.parse(THIS_YEAR),
    )
