"""A sent date before 1800 (0222 typed for 2022) is refused when an intervention is
recorded as sent, and a date so old already stored prints instead of breaking the
case's advocacy pages and documents for good (adversarial review of issue 13)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from habeas.advocacy import services as advocacy
from habeas.advocacy.models import Intervention
from habeas.advocacy.texts import format_date
from habeas.cases import services as cases


def _case_and_intervention(client: Client):
    user = client.user
    case = cases.case_create(
        reference="TM-2021-777",
        person=cases.person_create(name="P", by=user),
        country="TM",
        by=user,
    )  # no disappearance date: nothing else bounds the sent date from below
    client.post(
        reverse("intervention_add", args=[case.public_id]),
        {"kind": "wgeid_standard", "language": "en"},
    )
    return case, Intervention.objects.get(case=case)


@pytest.fixture
def member(bob) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(bob)
    client.user = bob  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize("day", ["0222-02-14", "1799-12-31"])
def test_a_sent_date_before_1800_is_refused_on_the_form_with_the_input_kept(member, day):
    case, intervention = _case_and_intervention(member)
    response = member.post(
        reverse("intervention_sent_elsewhere", args=[case.public_id, intervention.public_id]),
        {"sent_on": day, "channel": "post", "reference": "R-1", "note": ""},
    )
    assert response.status_code == 400  # the form again, with its error
    page = response.content.decode()
    assert "cannot be before 1800" in page
    assert day in page
    intervention.refresh_from_db()
    assert intervention.sent_on is None
    for url in (
        reverse("case_advocacy", args=[case.public_id]),
        intervention.get_absolute_url(),
        f"/cases/{case.public_id}/advocacy/document/?doc=wgeid&lang=en&format=html",
        f"/cases/{case.public_id}/advocacy/document/?doc=letter&lang=en&format=html",
    ):
        assert member.get(url).status_code == 200, url


def test_the_first_year_habeas_prints_is_accepted(member):
    _, intervention = _case_and_intervention(member)
    advocacy.intervention_record_sent_elsewhere(
        intervention=intervention, sent_on=date(1800, 1, 1), channel="post", by=member.user
    )
    intervention.refresh_from_db()
    assert intervention.sent_on == date(1800, 1, 1)


def test_marking_sent_refuses_a_sent_date_before_1800(member):
    _, intervention = _case_and_intervention(member)
    with pytest.raises(ValidationError) as refused:
        advocacy.intervention_mark_sent(
            intervention=intervention, sent_on=date(222, 2, 14), channel="post", by=member.user
        )
    assert "sent_on" in refused.value.message_dict


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_stored_date_before_1800_prints_as_stored(language):
    assert format_date(date(222, 2, 14), language) == "0222-02-14"


def test_the_audit_entry_of_a_send_outside_habeas_holds_no_free_text(member):
    from habeas.audit.models import AuditEntry

    case, intervention = _case_and_intervention(member)
    member.post(
        reverse("intervention_sent_elsewhere", args=[case.public_id, intervention.public_id]),
        {"sent_on": "2022-02-14", "channel": "post", "reference": "G/SO 217/1 TKM 2/2022"},
    )
    entry = AuditEntry.objects.get(action="intervention.sent_outside")
    assert "G/SO 217" not in repr(entry.detail)
    intervention.refresh_from_db()
    assert intervention.reference == "G/SO 217/1 TKM 2/2022"  # kept where it belongs
