"""The person who confirms "presumed enforced disappearance" says as of when: a case
documented after the fact was one long before someone weighed its elements here."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from habeas.cases.models import Status, StatusAssertion
from habeas.evidence import services
from habeas.evidence.models import Assessment, Element
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim

TODAY = datetime(2026, 12, 6, 15, 43, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def suggested(contested_case, alice):
    """The worked case (disappeared 20 Oct 2021), its elements assessed so that Habeas
    suggests a presumed enforced disappearance."""
    case = contested_case
    seen = sources.claim_add(
        case=case,
        source=case.sources.get(code_name="LARK"),
        topic=Claim.Topic.EVENT,
        by=alice,
        statement="Four men in police uniform took him from the flat.",
        received_on=PartialDate.parse("2021-10-21"),
        material=Claim.Material.TESTIMONY,
        credibility=2,
    )
    passport = case.claims.get(statement__startswith="He had no passport")
    for element, claim in (
        (Element.DEPRIVATION, seen),
        (Element.STATE, seen),
        (Element.CONCEALMENT, passport),
    ):
        services.element_assess(
            case=case,
            element=element,
            assessment=Assessment.CREDIBLE,
            rationale="",
            supporting=[claim],
            undermining=[],
            by=alice,
        )
    return case


def _confirm(client, case, **data):
    return client.post(reverse("presumed_ed_confirm", args=[case.public_id]), data)


def _presumed(case):
    return StatusAssertion.objects.filter(case=case, status=Status.PRESUMED_ED)


def test_the_confirm_form_offers_today_and_keeps_the_date_chosen(login, alice, suggested):
    client = login(alice)
    page = client.get(reverse("case_elements", args=[suggested.public_id])).content.decode()
    assert 'name="asserted_on" value="2026-12-06"' in page
    assert _confirm(client, suggested, asserted_on="2021-12-01").status_code == 302
    assert _presumed(suggested).get().asserted_on == date(2021, 12, 1)
    suggested.refresh_from_db()
    assert suggested.current_status == Status.PRESUMED_ED


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-12-07", "A status cannot be asserted for a future date."),
        ("2021-10-19", "This is before the disappearance (20 Oct 2021, 12:43)."),
        ("not a date", "Enter a valid date."),
    ],
)
def test_a_refused_date_is_shown_with_what_was_typed(login, alice, suggested, typed, message):
    response = _confirm(login(alice), suggested, asserted_on=typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{typed}"' in page
    assert not _presumed(suggested).exists()
    # Emptied instead, the date is today's.
    assert _confirm(login(alice), suggested, asserted_on="").status_code == 302
    assert _presumed(suggested).get().asserted_on == date(2026, 12, 6)
