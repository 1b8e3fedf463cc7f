"""Every document the demo leaves as a draft can be marked ready from its page: the
organisation, the consents, the outside wording and the addressees the demo records
are enough (issue 14), and the demo shows an intergovernmental addressee and a
first-person statement with the wording that goes outside instead."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from habeas.advocacy import documents
from habeas.advocacy.models import Addressee, Intervention
from habeas.cases.models import Case
from habeas.sources.models import Claim

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


@pytest.fixture
def demo(alice):
    from habeas.demo import cases as demo

    with time_machine.travel(NOW, tick=False):
        demo.load(user=alice)


@pytest.mark.django_db
def test_every_demo_draft_can_be_marked_ready_from_its_page(demo, client, alice):
    client.force_login(alice)
    drafts = list(Intervention.objects.filter(status=Intervention.Status.DRAFT))
    assert {i.kind for i in drafts} >= {Intervention.Kind.WGEID_URGENT, Intervention.Kind.EMBASSY}
    with time_machine.travel(NOW, tick=False):
        for intervention in drafts:
            case = intervention.case
            url = reverse("intervention_ready", args=[case.public_id, intervention.public_id])
            response = client.post(url, {"channel": "email", "checked": "on"}, follow=True)
            body = response.content.decode()
            consent_url = reverse("family_consent_add", args=[case.public_id])
            if "Marked ready to send." not in body:
                # What is missing links to the form that fixes it: the demo leaves the
                # family's say-so to the UN for the user to record, as the field does.
                page = client.get(intervention.get_absolute_url()).content.decode()
                assert consent_url in page, (intervention.kind, body[:3000])
                recorded = client.post(
                    consent_url,
                    {
                        "given_by": "his cousin (demo)",
                        "given_on": "2026-12-01",
                        "form": "message",
                        "to_un": "on",
                        "to_authorities": "on",
                        "to_publication": "on",
                    },
                )
                assert recorded.status_code == 302, recorded.content.decode()[:3000]
                response = client.post(url, {"channel": "email", "checked": "on"}, follow=True)
                body = response.content.decode()
            assert response.status_code == 200 and "Marked ready to send." in body, (
                intervention.kind,
                re.findall(r'class="errorlist[^"]*">(.*?)</ul>', body, re.S),
            )
            intervention.refresh_from_db()
            assert intervention.status == Intervention.Status.READY


@pytest.mark.django_db
def test_the_demo_sends_the_outside_wording_not_the_contacts_words(demo):
    first = Case.objects.get(reference="TM-DEMO-001")
    claim = Claim.objects.get(case=first, source__code_name="ROWAN")
    assert "I'm hiding" in claim.statement and claim.outside_wording
    text = documents.build(
        kind=documents.DocKind.WGEID, case=first, language="en", today=NOW.date(), addressees=[]
    ).text()
    assert claim.outside_wording in text
    assert "he wrote: police are here" not in text
    assert "last year" not in text


@pytest.mark.django_db
def test_the_demo_has_an_intergovernmental_addressee(demo):
    eu = Addressee.objects.get(kind=Addressee.Kind.INTERGOVERNMENTAL)
    assert not eu.name and eu.title  # written to by title
    assert Intervention.objects.filter(addressee=eu, kind=Intervention.Kind.EMBASSY).exists()
