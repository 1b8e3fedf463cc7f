"""The event clearance page says where an event goes counting the relays of its
claims, as the documents do: a relay that did not consent to the government keeps
the event from the authorities, and the help must not say otherwise (adversarial
review of issue 13)."""

from __future__ import annotations

from django.urls import reverse

from habeas.advocacy import documents
from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source


def _relayed_event(alice, case):
    orchid = sources.source_add(
        case=case,
        code_name="ORCHID",
        kind=Source.Kind.DEFENDER,
        reliability="B",
        consent_to_un=True,
        consent_to_government=True,
        by=alice,
    )
    hrw = sources.source_add(
        case=case,
        code_name="HRW",
        kind=Source.Kind.NGO,
        reliability="B",
        consent_to_un=True,
        by=alice,
    )
    event = cases.event_add(
        case=case,
        kind="arrest",
        description="RELAYED-EVENT",
        occurred_on=PartialDate.parse("2021-10-21"),
        by=alice,
    )
    sources.claim_add(
        case=case,
        source=orchid,
        topic=Claim.Topic.EVENT,
        event=event,
        statement="seen",
        received_on=PartialDate.parse("2021-11"),
        material=Claim.Material.TESTIMONY,
        via=[hrw],
        by=alice,
    )
    return event


def _help_of(page: str, marker: str) -> str:
    return page[page.index(marker) :].split("Goes now to:", 1)[1].split(".", 1)[0]


def test_the_clearance_help_counts_the_relays_as_the_documents_do(alice, alices_case, login):
    _relayed_event(alice, alices_case)
    facts = documents.case_facts(
        case=alices_case,
        recipient=documents.Recipient.GOVERNMENT,
        today=PartialDate.parse("2026-12-06").lo,
    )
    assert all("RELAYED-EVENT" not in f.text for f in facts.events)  # documents: left out
    page = (
        login(alice).get(reverse("event_clearance", args=[alices_case.public_id])).content.decode()
    )
    goes_to = _help_of(page, "RELAYED-EVENT")
    assert "UN bodies" in goes_to
    assert "the authorities concerned" not in goes_to
    assert "its source and relays let what they said go to: UN bodies." in page
