"""The Special Procedures communication says whether the victim's name may be made
public as the family decided (its consent to publication), not from whether a
public page exists."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from habeas.advocacy import documents
from habeas.advocacy.models import FamilyConsent, Intervention
from habeas.cases import services as cases
from tests.support.advocacy import give_what_the_un_asks
from tests.support.organisation import give_the_organisation

MAY = "The name of the victim may be made public."
MUST_NOT = "The name of the victim must not be made public."


@pytest.fixture
def case(alices_case, alice):
    give_the_organisation(name="Demo Rights Centre")
    alices_case.disappeared_place = "Istanbul, Esenyurt"
    alices_case.save()
    police = cases.actor_create(name="Istanbul police (test)", country="TR", by=alice)
    give_what_the_un_asks(
        alices_case, police=police, arrested_on="2021-10-20", searched_on="2021-10-25", by=alice
    )
    return alices_case


def _communication(client, case) -> str:
    kind = documents.DOCUMENT_FOR_KIND[Intervention.Kind.SPECIAL_PROCEDURES].value
    page = client.get(reverse("case_document", args=[case.public_id]), {"doc": kind, "lang": "en"})
    assert page.status_code == 200
    return page.content.decode()


def test_the_name_may_be_made_public_as_the_family_consented(case, bob, client):
    client.force_login(bob)
    assert MUST_NOT in _communication(client, case)
    # The family's consent to publication, recorded through its form; no public page.
    add = reverse("family_consent_add", args=[case.public_id])
    day = timezone.localdate().isoformat()
    answer = client.post(
        add, {"given_by": "his brother", "given_on": day, "form": "oral", "to_publication": "on"}
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    text = _communication(client, case)
    assert MAY in text and MUST_NOT not in text

    consent = FamilyConsent.objects.get(case=case, to_publication=True)
    withdraw = reverse("family_consent_withdraw", args=[case.public_id, consent.public_id])
    assert client.post(withdraw, {"withdrawn_on": day}).status_code == 302
    assert MUST_NOT in _communication(client, case)


def test_a_published_page_without_consent_does_not_make_the_name_public(case, alice):
    from habeas.advocacy.models import PublicProfile

    PublicProfile.objects.create(case=case, name="R. Isakov", is_published=True)
    text = documents.special_procedures_communication(
        case=case, language="en", today=timezone.localdate()
    ).text()
    assert MUST_NOT in text
