"""'Ready to send' holds only for the document that was read: when the record
changes after the check, the intervention page says so and sending waits for a new
reading."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from habeas.advocacy import services
from habeas.advocacy.models import Addressee, FamilyConsent, Intervention
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Event
from tests.support.advocacy import give_what_the_un_asks
from tests.support.organisation import give_the_organisation


@pytest.fixture
def ready(alices_case, alice, bob, client):
    """A complete WGEID submission marked ready through its page by a member."""
    give_the_organisation(name="Demo Rights Centre")
    case = alices_case
    case.disappeared_place = "Istanbul, Esenyurt"
    case.save()
    police = cases.actor_create(name="Istanbul police (test)", country="TR", by=alice)
    give_what_the_un_asks(
        case, police=police, arrested_on="2021-10-20", searched_on="2021-10-25", by=alice
    )
    intervention = services.intervention_add(
        case=case, kind=Intervention.Kind.WGEID_STANDARD, by=bob
    )
    client.force_login(bob)
    url = reverse("intervention_ready", args=[case.public_id, intervention.public_id])
    assert client.post(url, {"channel": "email", "checked": "on"}).status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == Intervention.Status.READY
    assert intervention.checked_on == timezone.localdate()
    return intervention


def _sent(client, intervention):
    url = reverse("intervention_sent", args=[intervention.case.public_id, intervention.public_id])
    return client.post(url, {"sent_on": timezone.localdate().isoformat(), "channel": "email"})


def test_an_unchanged_ready_document_reads_ready_and_is_sent(ready, client):
    page = client.get(ready.get_absolute_url()).content.decode()
    assert "Ready to send" in page and "No longer ready" not in page
    assert "Check again" not in page
    assert _sent(client, ready).status_code == 302
    ready.refresh_from_db()
    assert ready.status == Intervention.Status.SENT


def test_a_changed_record_asks_for_a_new_reading_before_sending(ready, bob, client):
    """GIVEN a ready submission WHEN an event it states is changed THEN the page says
    the document changed since it was checked, with a way to check it again, and
    marking it sent is refused; AND after a new reading it is sent."""
    arrest = ready.case.events.get(kind=Event.Kind.ARREST)
    cases.event_update(event=arrest, description="Taken from his home at night.", by=bob)
    page = client.get(ready.get_absolute_url()).content.decode()
    day = timezone.localdate()
    assert f"changed since it was checked on {day.day} {day:%b %Y}" in page
    check_again = reverse("intervention_ready", args=[ready.case.public_id, ready.public_id])
    assert "Check again" in page and check_again in page

    refused = _sent(client, ready)
    assert refused.status_code == 400
    assert "read it again" in refused.content.decode()
    ready.refresh_from_db()
    assert ready.status == Intervention.Status.READY and ready.sent_on is None

    before = AuditEntry.objects.filter(action="intervention.ready").count()
    assert client.post(check_again, {"channel": "email", "checked": "on"}).status_code == 302
    assert AuditEntry.objects.filter(action="intervention.ready").count() == before + 1
    page = client.get(ready.get_absolute_url()).content.decode()
    assert "No longer ready" not in page
    assert _sent(client, ready).status_code == 302
    ready.refresh_from_db()
    assert ready.status == Intervention.Status.SENT
    assert "Taken from his home at night." in ready.document


def test_a_withdrawn_consent_says_the_ready_document_is_now_incomplete(ready, bob, client):
    consent = FamilyConsent.objects.get(case=ready.case)
    url = reverse("family_consent_withdraw", args=[ready.case.public_id, consent.public_id])
    assert client.post(url, {"withdrawn_on": timezone.localdate().isoformat()}).status_code == 302
    page = client.get(ready.get_absolute_url()).content.decode()
    assert "No longer ready to send:" in page
    assert "now incomplete" in page
    assert _sent(client, ready).status_code == 400


def test_the_date_line_alone_is_no_change(ready, bob, client):
    """A letter read yesterday and sent today: only its date line differs, which is
    no new reading."""
    minister = services.addressee_create(
        kind=Addressee.Kind.GOVERNMENT,
        title="Minister of Interior",
        organisation="Ministry of Interior",
        country="TR",
        by=bob,
    )
    letter = services.intervention_add(
        case=ready.case, kind=Intervention.Kind.LETTER_AUTHORITIES, addressee=minister, by=bob
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    services.intervention_mark_ready(intervention=letter, by=bob, today=yesterday)
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "Ready to send" in page and "No longer ready" not in page
    assert _sent(client, letter).status_code == 302
    letter.refresh_from_db()
    assert letter.status == Intervention.Status.SENT


def test_a_ready_unchanged_document_is_not_checked_again(ready, bob):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Only a draft"):
        services.intervention_mark_ready(intervention=ready, by=bob)


def test_recording_it_sent_elsewhere_is_unaffected_by_a_change(ready, bob, client):
    arrest = ready.case.events.get(kind=Event.Kind.ARREST)
    cases.event_update(event=arrest, description="Taken from his home at night.", by=bob)
    url = reverse("intervention_sent_elsewhere", args=[ready.case.public_id, ready.public_id])
    day = timezone.localdate().isoformat()
    assert client.post(url, {"sent_on": day, "channel": "post"}).status_code == 302
    ready.refresh_from_db()
    assert ready.status == Intervention.Status.SENT and ready.sent_outside
