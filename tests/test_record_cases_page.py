"""The case page reads dates and chains as the record holds them (requests from the
dates and record-sources helpers to record-cases, issue 13)."""

from __future__ import annotations

import html

from habeas.cases import services as cases
from habeas.cases.models import Event
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim


def _page(client, case) -> str:
    return html.unescape(client.get(case.get_absolute_url()).content.decode())


def test_a_last_contact_known_only_as_before_a_date_counts_at_least(login, alice, alices_case):
    cases.case_update(
        case=alices_case,
        disappeared_on=PartialDate.parse("before Oct 2021"),
        last_contact_on=PartialDate.parse("before Oct 2021"),
        by=alice,
    )
    page = _page(login(alice), alices_case)
    last_contact = page.split('id="last-contact"', 1)[1].split("</section>", 1)[0]
    assert "before Oct 2021" in last_contact
    assert "— at least 5 years 2 months" in last_contact and "ago" in last_contact


def test_an_event_before_a_date_sits_on_the_timeline_by_its_known_end(login, alice, alices_case):
    common = {"case": alices_case, "by": alice, "kind": Event.Kind.THREAT}
    cases.event_add(occurred_on=PartialDate.parse("before Oct 2021"), description="LATER", **common)
    cases.event_add(occurred_on=PartialDate.parse("2019"), description="EARLIER", **common)
    timeline = _page(login(alice), alices_case).split('id="timeline"', 1)[1]
    assert timeline.index("EARLIER") < timeline.index("LATER")


def test_a_claim_shows_the_chain_it_came_through_and_when_the_source_said_it(
    login, alice, alices_case
):
    orchid = sources.source_add(case=alices_case, code_name="ORCHID", kind="witness", by=alice)
    hrw = sources.source_add(case=alices_case, code_name="HRW", kind="ngo", by=alice)
    sources.claim_add(
        case=alices_case,
        source=orchid,
        via=[hrw],
        topic=Claim.Topic.WHEREABOUTS,
        statement="Held by the security services.",
        dated_on=PartialDate.parse("about Nov 2021"),
        received_on=PartialDate.parse("2026-12-01"),
        material=Claim.Material.TESTIMONY,
        by=alice,
    )
    sources.claim_add(
        case=alices_case,
        source=orchid,
        topic=Claim.Topic.OTHER,
        statement="He had lost his passport.",
        received_on=PartialDate.parse("2026-12-01"),
        material=Claim.Material.TESTIMONY,
        by=alice,
    )
    timeline = _page(login(alice), alices_case).split('id="timeline"', 1)[1]
    assert "ORCHID → via HRW → us" in timeline
    assert "information dated about Nov 2021" in timeline
    assert '<p class="when">undated</p>' in timeline
