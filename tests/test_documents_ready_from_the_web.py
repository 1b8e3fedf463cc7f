"""Issue 14's "done when": for the motivating case, a Chinese and an Arabic case, every
document kind the case is offered can be marked ready from the web UI alone — the
organisation set by an administrator on its page, the addressees and interventions
recorded through their forms, each "Mark ready" posted on its page."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from habeas.advocacy.models import Addressee, Intervention
from tests.support.fixture_cases import (
    NOW,
    ORGANISATION,
    arabic_case,
    chinese_case,
    motivating_case,
)

# The addressee each kind is written to (None: the document names its own recipient).
ADDRESSEE_FOR = {
    Intervention.Kind.LETTER_AUTHORITIES: "government",
    Intervention.Kind.COURT_PETITION: "court",
    Intervention.Kind.EMBASSY: "embassy",
    # An urgent action asks its readers to write to the authorities concerned.
    Intervention.Kind.PRESS_STATEMENT: "government",
}
CHANNEL_FOR = {
    Intervention.Kind.COURT_PETITION: "court_filing",
    Intervention.Kind.PRESS_STATEMENT: "publication",
    Intervention.Kind.EMBASSY: "email",
    Intervention.Kind.LETTER_AUTHORITIES: "post",
}


def _offered_kinds(client, case) -> list[str]:
    page = client.get(reverse("intervention_add", args=[case.public_id]))
    assert page.status_code == 200
    select = re.search(r'<select name="kind"[^>]*>(.*?)</select>', page.content.decode(), re.S)
    assert select, "the intervention form has no kind picker"
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]


def _addressee_by_form(client, case, kind: str) -> Addressee:
    """An addressee recorded through the addressee form, by title (no person's name)."""
    country = case.country.code
    fields = {
        "government": (Addressee.Kind.GOVERNMENT, "Prosecutor General", country),
        "court": (Addressee.Kind.COURT, "President of the Supreme Court", country),
        "embassy": (Addressee.Kind.EMBASSY, "Head of the Human Rights Section", "DE"),
    }[kind]
    title = f"{fields[1]} ({case.reference})"
    response = client.post(
        reverse("addressee_add"),
        {
            "kind": fields[0],
            "name": "",
            "title": title,
            "organisation": "The office",
            "address": "1 Main Street\nCapital",
            "email": "",
            "salutation": "",
            "salutation_language": "en",
            "country": fields[2],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Addressee.objects.get(title=title)


@pytest.mark.parametrize("build", [motivating_case, chinese_case, arabic_case])
def test_every_document_kind_can_be_marked_ready_from_the_web(client, alice, ada, build):
    with time_machine.travel(NOW, tick=False):
        fixture = build(alice, consent=False)
        case = fixture.case

        client.force_login(ada)
        response = client.post(reverse("organisation_edit"), ORGANISATION)
        assert response.status_code == 302, response.content.decode()[:2000]

        client.force_login(alice)
        response = client.post(
            reverse("family_consent_add", args=[case.public_id]),
            {
                "given_by": "his mother",
                "given_on": "2026-11-01",
                "form": "written",
                "to_un": "on",
                "to_authorities": "on",
                "to_publication": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]

        client.force_login(alice)
        addressees = {
            key: _addressee_by_form(client, case, key) for key in ("government", "court", "embassy")
        }
        kinds = _offered_kinds(client, case)
        assert Intervention.Kind.WGEID_STANDARD in kinds
        assert Intervention.Kind.EMBASSY in kinds
        for kind in kinds:
            key = ADDRESSEE_FOR.get(kind)
            response = client.post(
                reverse("intervention_add", args=[case.public_id]),
                {
                    "kind": kind,
                    "addressee": addressees[key].pk if key else "",
                    "language": "en",
                    "channel": "",
                    "reference": "",
                    "notes": "",
                },
            )
            assert response.status_code == 302, (kind, response.content.decode()[:2000])
            intervention = Intervention.objects.get(case=case, kind=kind)
            ready_url = reverse("intervention_ready", args=[case.public_id, intervention.public_id])
            assert client.get(ready_url).status_code == 200
            response = client.post(
                ready_url,
                {"channel": CHANNEL_FOR.get(kind, "online_form"), "checked": "on"},
                follow=True,
            )
            body = response.content.decode()
            assert response.status_code == 200 and "Marked ready to send." in body, (
                kind,
                re.findall(r'class="errorlist[^"]*">(.*?)</ul>', body, re.S),
            )
            intervention.refresh_from_db()
            assert intervention.status == Intervention.Status.READY, kind
            detail = client.get(intervention.get_absolute_url())
            assert detail.status_code == 200, kind
