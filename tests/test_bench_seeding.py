"""The page benchmark's seeder writes cases with raw inserts, bypassing Case.save() and the
services; the columns they derive must come out as the services would store them, or the
benchmark measures pages over data Habeas never holds."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from habeas.cases import services as cases
from habeas.cases.models import Case, Event, StatusAssertion
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import seeding  # bench/ is not a package: found on the path set just above

DERIVED = (
    "disappeared_from",
    "last_contact_from",
    "urgent_window_closes",
    "current_status",
    "is_open",
    "last_info_at",
)


def replay_through_services(seeded: Case, by) -> Case:
    """The same case recorded through the services: opened when the seeder says it was,
    with the same sources, dated events, claims (both dates, and the chain they came
    through) and status."""
    person = cases.person_create(name="Replayed person", script="Latn", language="en", by=by)
    contact = seeded.last_contact_source
    case = cases.case_open(
        reference=f"R-{seeded.reference}",
        person=person,
        country=seeded.country,
        taken_in_country=seeded.taken_in_country,
        by=by,
        disappeared_on=seeded.disappeared_on,
        last_contact_on=seeded.last_contact_on,
        last_contact_source_code_name=contact.code_name if contact else "",
        now=seeded.created_at,  # the seeder's opening moment
    )
    for event in Event.objects.filter(case=seeded):
        # search_step left to the service: the seeder must store what it derives.
        cases.event_add(
            case=case, kind=event.kind, by=by, occurred_on=event.occurred_on, description="e"
        )
    replayed_sources = {s.code_name: s for s in Source.objects.filter(case=case)}
    for source in Source.objects.filter(case=seeded).order_by("pk"):
        if source.code_name not in replayed_sources:
            replayed_sources[source.code_name] = sources.source_add(
                case=case, code_name=source.code_name, kind=source.kind, by=by
            )
    for claim in Claim.objects.filter(case=seeded).select_related("source"):
        sources.claim_add(
            case=case,
            source=replayed_sources[claim.source.code_name],
            topic=Claim.Topic.OTHER,
            by=by,
            statement="s",
            dated_on=claim.dated_on,
            received_on=claim.received_on,
            via=[replayed_sources[r.source.code_name] for r in claim.relays.all()],
            material=claim.material,
            credibility=claim.credibility,
        )
    assertion = StatusAssertion.objects.get(case=seeded)
    cases.status_assert(
        case=case,
        status=assertion.status,
        asserted_on=assertion.asserted_on,
        basis="b",
        closed_reason=assertion.closed_reason,
        by=by,
    )
    return Case.objects.get(pk=case.pk)


def search_steps(case: Case) -> list[tuple[str, bool]]:
    return sorted(Event.objects.filter(case=case).values_list("kind", "search_step"))


@pytest.mark.django_db
def test_the_seeders_derived_case_columns_are_what_the_services_store():
    started = timezone.now()
    seeder = seeding.new_seeder(seed=11)
    for number in range(1, 41):
        seeder.case(number)
    seeder.flush()
    seeding.reset_sequences()  # the replayed cases are added through the services
    seeded_cases = list(Case.objects.order_by("pk"))
    assert len(seeded_cases) == 40
    # The sample holds what the derivations branch on.
    assert any(c.disappeared_on is None for c in seeded_cases)
    assert any(not c.is_open for c in seeded_cases)
    assert any(c.taken_in_country for c in seeded_cases)
    assert Claim.objects.filter(dated_on="").exists()  # undated: not news
    assert Claim.objects.filter(relays__isnull=False).exists()
    assert Event.objects.filter(search_step=True).exists()
    by = seeding.User.objects.get(username=seeding.BENCH_USERNAME)
    for seeded in seeded_cases:
        replayed = replay_through_services(seeded, by)
        for column in DERIVED:
            want, got = getattr(replayed, column), getattr(seeded, column)
            if column == "last_info_at" and want >= started:
                # News dated today stands for "now": when it was seeded, or replayed.
                assert started <= got <= want <= timezone.now() + timedelta(seconds=1)
            else:
                assert got == want, (seeded.reference, column)
        assert search_steps(seeded) == search_steps(replayed), seeded.reference
        assert replayed.taken_in_country == seeded.taken_in_country
