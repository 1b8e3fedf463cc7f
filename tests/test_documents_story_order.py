"""Documents tell the story in the order it happened: an event known only to the
month ("Oct 2021": forcibly returned) follows the precise ones inside it ("20 Oct
2021": detained), ordered by the last day each can be from, then the first. The
case page keeps the model's order (by the earliest day)."""

from __future__ import annotations

import pytest
import time_machine

from habeas.advocacy import documents, services
from habeas.cases import services as cases
from habeas.cases.models import Event
from habeas.lib.partialdate import PartialDate
from tests.support.fixture_cases import NOW, TODAY, motivating_case, organisation_set


@pytest.fixture
def motivating(alice, ada):
    with time_machine.travel(NOW, tick=False):
        organisation_set(ada)
        yield motivating_case(alice)


@pytest.mark.parametrize("kind", list(documents.DocKind))
def test_a_month_only_event_follows_the_days_inside_it(motivating, kind):
    document = documents.build(
        kind=kind,
        case=motivating.case,
        language="en",
        today=TODAY,
        addressees=[motivating.addressees["mfa"]],
    )
    text = document.text()
    detained = text.index("20 Oct 2021, Moscow: Police officers detained him")
    returned = text.index("Oct 2021, Moscow → Ashgabat: Forcibly returned")
    asked = text.index("2 Nov 2021, Ashgabat: His family asked")
    assert detained < returned < asked


def test_search_steps_are_in_the_same_order_and_the_case_keeps_its_own(motivating, alice):
    case = motivating.case
    wrote_to = cases.event_add(
        case=case,
        kind=Event.Kind.SEARCH_BY_FAMILY,
        occurred_on=PartialDate.parse("2021-11"),
        place="Ashgabat",
        description="His mother wrote to the Ministry of Internal Affairs.",
        by=alice,
    )
    services.event_clearances_set(case=case, clearances={wrote_to: Event.Clearance.UN}, by=alice)
    facts = documents.case_facts(
        case=case, recipient=documents.Recipient.UN, today=TODAY, language="en"
    )
    asked = facts.steps.index(
        "2 Nov 2021: His family asked the Prosecutor General's Office where he is held."
    )
    wrote = facts.steps.index("Nov 2021: His mother wrote to the Ministry of Internal Affairs.")
    assert asked < wrote
    # The model's order (other pages rely on it) is unchanged: the earliest day first.
    assert [e.occurred_on.display() for e in Event.objects.filter(case=case)] == [
        "Oct 2021",
        "20 Oct 2021",
        "Nov 2021",
        "2 Nov 2021",
    ]


def test_the_public_urgent_action_leaves_out_the_case_reference(motivating):
    """The reference is the organisation's internal numbering; the briefing note for
    diplomats keeps it, to raise the case with the organisation afterwards."""
    case = motivating.case
    for language in ("en", "ru"):
        sheet = documents.build(
            kind=documents.DocKind.URGENT_ACTION,
            case=case,
            language=language,
            today=TODAY,
            addressees=[motivating.addressees["drl"]],
        ).text()
        briefing = documents.briefing_note(
            cases=[case], country="TM", language=language, today=TODAY
        ).text()
        assert case.reference not in sheet
        assert f"({case.reference})" in briefing
    assert (
        "\n1 Dec 2026 — Turkmenistan: Azat Isakov\n"
        in documents.build(
            kind=documents.DocKind.URGENT_ACTION,
            case=case,
            language="en",
            today=TODAY,
            addressees=[],
        ).text()
    )
