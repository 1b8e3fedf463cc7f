"""Pages keep a constant number of queries as issue 13's records grow: actors printed
with their State (read through `parent`), claims relayed through other sources,
evidence linked to many claims and events, history lines naming changed links."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habeas.advocacy import services as advocacy
from habeas.cases import services as cases
from habeas.cases.models import Event, EventActor
from habeas.evidence.services import evidence_update
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, ClaimLink, Source
from tests.support.advocacy import consent_to_publication
from tests.support.evidence import add as evidence_add

COUNTRIES = ["RU", "TR", "KZ", "UZ", "AZ", "BY", "KG", "TJ"]


@dataclass
class Grown:
    """The records each page is read about; `grow` adds more around them."""

    case: object
    by: object
    ministry: object = None
    police: object = None
    hrw: object = None
    orchid: object = None
    event: object = None
    claim: object = None
    item: object = None
    profile: object = None
    claims: list = field(default_factory=list)
    events: list = field(default_factory=list)
    size: int = 0


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _grow(g: Grown, n: int) -> None:
    case, by = g.case, g.by
    for i in range(g.size, g.size + n):
        country = COUNTRIES[i % len(COUNTRIES)]
        state = cases.actor_create(name=f"Ministry {i}", country=country, by=by)
        unit = cases.actor_create(name=f"Unit {i}", parent=state, by=by)
        event = cases.event_add(
            case=case,
            kind=Event.Kind.DETENTION,
            occurred_on=PartialDate.parse(f"{2001 + i}"),
            description="held",
            actors=[
                (g.police, EventActor.Role.HOLDING_AUTHORITY),
                (unit, EventActor.Role.ALLEGED_PERPETRATOR),
            ],
            by=by,
        )
        relay = sources.source_add(
            case=case, code_name=f"RELAY{i}", kind=Source.Kind.NGO, consent_to_un=True, by=by
        )
        claim = sources.claim_add(
            case=case,
            source=g.orchid,
            topic=Claim.Topic.EVENT,
            event=event,
            statement=f"seen {i}",
            received_on=PartialDate.parse(f"{2001 + i}-05"),
            dated_on=PartialDate.parse(f"{2001 + i}-04"),
            via=[relay, g.hrw],
            material=Claim.Material.TESTIMONY,
            by=by,
        )
        # A changed link for the history page: the claim moves to the event before.
        sources.claim_update(claim=claim, event=g.event, by=by)
        cases.event_update(event=event, place=f"Place {i}", by=by)
        sources.claims_link(
            case=case, first=g.claim, second=claim, kind=ClaimLink.Kind.CORROBORATES, by=by
        )
        g.claims.append(claim)
        g.events.append(event)
        evidence_add(
            case,
            by,
            f"note {i}".encode(),
            f"note{i}.txt",
            claims=[g.claim, claim],
            events=[g.event, event],
            source=g.orchid,
        )
        # The actor list grows by cases too: an actor of another case's event.
        person = cases.person_create(name=f"Исаков {i}", by=by)
        other = cases.case_create(
            reference=f"G-{i}", person=person, country=country, tags=["x"], by=by
        )
        cases.event_add(
            case=other,
            kind=Event.Kind.ARREST,
            occurred_on=PartialDate.parse("2020"),
            description="taken",
            actors=[(unit, EventActor.Role.ALLEGED_PERPETRATOR)],
            by=by,
        )
        consent_to_publication(other, by=by)
        published = advocacy.public_profile_save(
            case=other, name=f"Person {i}", is_published=True, country=country, by=by
        )
        advocacy.public_update_add(
            profile=published, happened_on=PartialDate.parse("2022"), title=f"News {i}", by=by
        )
        advocacy.public_update_add(
            profile=g.profile, happened_on=PartialDate.parse("2023"), title=f"Update {i}", by=by
        )
    evidence_update(
        item=g.item,
        by=by,
        title=g.item.title,
        source=g.orchid,
        claims=[g.claim, *g.claims],
        events=[g.event, *g.events],
        dated_on=None,
    )
    g.size += n


@pytest.fixture
def grown(alices_case, alice) -> Grown:
    case, by = alices_case, alice
    g = Grown(case=case, by=by)
    g.ministry = cases.actor_create(name="Ministry of Internal Affairs", country="TM", by=by)
    g.police = cases.actor_create(name="Police", parent=g.ministry, by=by)
    g.event = cases.event_add(
        case=case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2000-10-20"),
        place="Ashgabat",
        description="taken from home",
        actors=[(g.police, EventActor.Role.ALLEGED_PERPETRATOR)],
        by=by,
    )
    g.orchid = sources.source_add(
        case=case, code_name="ORCHID", kind=Source.Kind.WITNESS, consent_to_un=True, by=by
    )
    g.hrw = sources.source_add(
        case=case, code_name="HRW", kind=Source.Kind.NGO, consent_to_un=True, by=by
    )
    g.claim = sources.claim_add(
        case=case,
        source=g.orchid,
        topic=Claim.Topic.EVENT,
        event=g.event,
        statement="They took him.",
        received_on=PartialDate.parse("2021-11"),
        dated_on=PartialDate.parse("2021-10-21"),
        via=[g.hrw],
        material=Claim.Material.TESTIMONY,
        by=by,
    )
    g.item = evidence_add(
        case, by, b"first note", "first.txt", claims=[g.claim], events=[g.event], source=g.orchid
    )
    consent_to_publication(case, by=by)
    g.profile = advocacy.public_profile_save(
        case=case, name="R. Isakov", is_published=True, country="TM", by=by
    )
    _grow(g, 1)
    return g


PAGES = {
    "case": lambda g: g.case.get_absolute_url(),
    "case-edit": lambda g: reverse("case_edit", args=[g.case.public_id]),
    "case-history": lambda g: reverse("case_history", args=[g.case.public_id]),
    "event-add": lambda g: reverse("event_add", args=[g.case.public_id]),
    "event-edit": lambda g: reverse("event_edit", args=[g.case.public_id, g.event.public_id]),
    "actor-list": lambda g: reverse("actor_list"),
    "actor-new": lambda g: reverse("actor_create"),
    "actor-edit": lambda g: reverse("actor_edit", args=[g.police.public_id]),
    "actor-state": lambda g: g.ministry.get_absolute_url(),
    "actor-unit": lambda g: g.police.get_absolute_url(),
    "claim-add": lambda g: reverse("claim_add", args=[g.case.public_id]),
    "claim-edit": lambda g: reverse("claim_edit", args=[g.case.public_id, g.claim.public_id]),
    "source-edit": lambda g: reverse("source_edit", args=[g.case.public_id, g.hrw.public_id]),
    "source-relay": lambda g: reverse("source_detail", args=[g.case.public_id, g.hrw.public_id]),
    "source-origin": lambda g: reverse(
        "source_detail", args=[g.case.public_id, g.orchid.public_id]
    ),
    "evidence-list": lambda g: reverse("evidence_list", args=[g.case.public_id]),
    "evidence-item": lambda g: reverse(
        "evidence_detail", args=[g.case.public_id, g.item.public_id]
    ),
    "evidence-edit": lambda g: reverse("evidence_edit", args=[g.case.public_id, g.item.public_id]),
    "elements": lambda g: reverse("case_elements", args=[g.case.public_id]),
    "claims-link": lambda g: reverse("claim_link", args=[g.case.public_id]),
    "dashboard": lambda g: reverse("dashboard"),
    "case-list": lambda g: reverse("case_list"),
    "intervention-new": lambda g: reverse("intervention_add", args=[g.case.public_id]),
    "advocacy": lambda g: reverse("case_advocacy", args=[g.case.public_id]),
    "event-clearance": lambda g: reverse("event_clearance", args=[g.case.public_id]),
    "document-wgeid": lambda g: reverse("case_document", args=[g.case.public_id]) + "?doc=wgeid",
    "document-letter": lambda g: reverse("case_document", args=[g.case.public_id]) + "?doc=letter",
    "publication-form": lambda g: reverse("publication_edit", args=[g.case.public_id]),
    "publication-preview": lambda g: reverse("publication_preview", args=[g.case.public_id]),
    "public-list": lambda g: reverse("public_list"),
    "public-profile": lambda g: reverse("public_profile", args=[g.profile.public_id]),
    "public-feed": lambda g: reverse("public_feed"),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_queries_do_not_grow_with_issue_13_records(login, grown, page):
    client = login(grown.by)
    url = PAGES[page](grown)
    few = _queries(client, url)
    _grow(grown, 5)
    assert _queries(client, url) == few
