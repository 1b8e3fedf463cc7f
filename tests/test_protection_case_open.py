"""The case opened from an emergency file in one action: through the cases'
services, with the clocks started, and ready for the Working Group except for
what only the disappearance can tell."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from habeas.advocacy.documents import wgeid_submission
from habeas.advocacy.models import FamilyConsent
from habeas.alerts.models import CaseWatch
from habeas.audit.models import AuditEntry
from habeas.cases.models import CaseMember
from habeas.organisation.services import organisation_update
from habeas.protection import services
from habeas.protection.emergency import EmergencyFile, Name
from habeas.protection.models import AtRisk, CheckIn, Escalation, Plan
from tests.support.protection import enrolled

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
# What a case opened before anything is known of the disappearance cannot say yet:
# where it happened, who took them, what was done to find them.
DISAPPEARANCE_ONLY = {"place", "forces", "steps", "date"}


@pytest.fixture
def organisation(ada):
    organisation_update(
        by=ada,
        name="Rights Watch Centre",
        email="desk@example.org",
        signatory_name="Maria Petrova",
        signatory_title="Director",
    )


@pytest.fixture
def person(alice, bob, vera):
    with time_machine.travel(NOW - dt.timedelta(days=3)):
        at_risk = enrolled(alice, members=[bob], read_only=[vera])
    CheckIn.objects.create(  # an older one, by the page: not the last contact
        at_risk=at_risk,
        at=NOW - dt.timedelta(hours=54),
        channel=CheckIn.Channel.PAGE,
        place="home",
    )
    CheckIn.objects.create(
        at_risk=at_risk,
        at=NOW - dt.timedelta(hours=30),
        channel=CheckIn.Channel.CASEWORKER,
        contact_channel="phone",
        recorded_by=alice,
        place="bus station, Fatih",
    )
    Escalation.objects.create(
        at_risk=at_risk,
        cause=Escalation.Cause.MISSED,
        missed_deadline=NOW - dt.timedelta(hours=5),
        stage=Escalation.Stage.CONTACTS,
    )
    return at_risk


@time_machine.travel(NOW, tick=False)
def test_the_opened_case_holds_everything_the_file_holds(client, person, alice, bob, vera):
    client.force_login(alice)
    confirm = client.get(reverse("protection:case_open", args=[person.public_id]))
    assert confirm.status_code == 200 and "Open the case now" in confirm.content.decode()
    page = client.post(reverse("protection:case_open", args=[person.public_id]))
    person.refresh_from_db()
    case = person.case
    assert page.status_code == 302 and page["Location"] == f"/cases/{case.public_id}/"
    assert case.reference == "TM-2026-P001" and case.country == "TM"
    assert case.taken_in_country == "TR"
    p = case.people.get()
    assert {n.text for n in p.names.all()} == {"Rustam Isakov", "Рустам Исаков"}
    assert p.names.get(is_primary=True).text == "Rustam Isakov"
    assert {n.script for n in p.names.all()} == {"Latn", "Cyrl"}
    assert str(p.birth_date.to_edtf()) == "1987-03" and p.sex == "m" and p.nationality == "TM"
    assert p.occupation == "journalist"
    assert "A1234567" in p.description and "Lawyer Aman" in p.description
    relative = case.relatives.get()
    assert (relative.name, relative.relationship, relative.contact) == (
        "Gulnara Isakova",
        "mother",
        "+993 65 000000",
    )
    # The last contact: the last check-in, its time, channel and place.
    assert case.last_contact_on.to_edtf() == "2026-12-06T03:00"
    assert case.last_contact_channel == "phone"
    assert case.last_contact_place == "bus station, Fatih"
    assert case.risk_torture and case.risk_health and not case.risk_family_reprisals
    assert "abduction and forced return" in case.summary
    # The clocks: the disappearance lies between the last sign of life and now,
    # so the UN window runs from it; the alerts watch the case.
    assert case.disappeared_from == dt.date(2026, 12, 6)
    assert case.urgent_window_closes is not None
    assert CaseWatch.objects.filter(case=case).exists()
    # The team: the person's, with the roles they had.
    roles = {m.user.username: m.role for m in case.members.all()}
    assert roles == {
        "alice": CaseMember.Role.LEAD,
        "bob": CaseMember.Role.MEMBER,
        "vera": CaseMember.Role.READ_ONLY,
    }
    consent = FamilyConsent.objects.get(case=case)
    assert consent.to_un and consent.to_authorities and not consent.to_publication
    assert consent.given_on == person.consent_on and consent.form == "written"
    escalation = person.escalations.get()
    assert escalation.outcome == Escalation.Outcome.CASE_OPENED and escalation.closed_by == alice
    assert Plan.objects.get(at_risk=person).next_deadline is None
    assert AuditEntry.objects.filter(action="protection.case_open").exists()


@time_machine.travel(NOW, tick=False)
def test_the_working_group_lacks_only_what_the_disappearance_tells(person, alice, organisation):
    case = services.case_open_from_file(at_risk=person, by=alice)
    document = wgeid_submission(case=case, language="en", today=timezone.localdate())
    assert set(document.missing_keys) <= DISAPPEARANCE_ONLY
    assert "name" not in document.missing_keys and "consent" not in document.missing_keys
    text = document.text()
    assert "Rustam Isakov" in text and "Рустам Исаков" in text


@time_machine.travel(NOW, tick=False)
def test_without_the_file_the_working_group_would_lack_name_and_consent(alice, organisation):
    """The premise of the test above: the check counts what the file supplies."""
    bare = services.enrol(
        code_name="BARE", consent_on=dt.date(2026, 11, 1), consent_how="in person", by=alice
    )
    file = EmergencyFile(names=[Name(text="Aman")], country="TM")
    services.emergency_file_set(at_risk=bare, file=file, by=alice)
    case = services.case_open_from_file(at_risk=bare, by=alice)
    missing = wgeid_submission(case=case, language="en", today=timezone.localdate()).missing_keys
    assert "name" in missing and "consent" in missing


@time_machine.travel(NOW, tick=False)
def test_opening_twice_is_refused_with_a_clear_message(client, person, alice):
    services.case_open_from_file(at_risk=person, by=alice)
    with pytest.raises(ValidationError) as refused:
        services.case_open_from_file(at_risk=person, by=alice)
    assert "already opened" in " ".join(refused.value.messages)
    client.force_login(alice)
    page = client.post(reverse("protection:case_open", args=[person.public_id]), follow=True)
    assert "A case was already opened for this person." in page.content.decode()
    assert AtRisk.objects.get(pk=person.pk).case is not None


@time_machine.travel(NOW, tick=False)
def test_a_file_without_a_name_or_state_is_refused_and_nothing_is_written(alice):
    from habeas.cases.models import Case

    at_risk = services.enrol(
        code_name="EMPTY", consent_on=dt.date(2026, 11, 1), consent_how="in person", by=alice
    )
    with pytest.raises(ValidationError) as refused:
        services.case_open_from_file(at_risk=at_risk, by=alice)
    assert len(refused.value.messages) == 2
    assert not Case.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_false_alarm_needs_a_reason_and_watches_again(client, person, alice):
    client.force_login(alice)
    url = reverse("protection:close", args=[person.public_id])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"outcome": "false_alarm", "reason": "  "})
    assert refused.status_code == 400 and "reason" in refused.context["forms"][0].errors
    assert person.escalations.get().closed_at is None
    done = client.post(url, {"outcome": "false_alarm", "reason": "Bob reached her by phone."})
    assert done.status_code == 302
    escalation = person.escalations.get()
    assert escalation.outcome == Escalation.Outcome.FALSE_ALARM
    assert escalation.reason == "Bob reached her by phone."
    assert Plan.objects.get(at_risk=person).next_deadline > NOW
    entry = AuditEntry.objects.filter(action="protection.escalation_close").get()
    assert "Bob reached" not in entry.payload().decode()
    with pytest.raises(ValidationError):
        services.escalation_close(escalation=escalation, by=alice, reason="again")


@time_machine.travel(NOW, tick=False)
def test_verifying_shows_on_the_page(client, person, bob):
    client.force_login(bob)
    client.post(reverse("protection:verify", args=[person.public_id]))
    page = client.get(reverse("protection:at_risk_detail", args=[person.public_id]))
    assert "bob is trying to reach the person" in page.content.decode()
    assert person.escalations.get().verifying_by == bob


@time_machine.travel(NOW, tick=False)
def test_the_source_grant_goes_to_leads_and_members_never_to_read_only(client, person, alice):
    """Sources (witnesses) come later: a read-only member of the protection team
    does not see them unless a lead grants it on the case."""
    client.force_login(alice)
    client.post(reverse("protection:case_open", args=[person.public_id]))
    case = AtRisk.objects.get(pk=person.pk).case
    grants = {m.user.username: (m.role, m.may_see_sources) for m in case.members.all()}
    assert grants["bob"] == (CaseMember.Role.MEMBER, True)
    assert grants["vera"] == (CaseMember.Role.READ_ONLY, False)


@time_machine.travel(NOW, tick=False)
def test_a_duress_check_in_is_not_the_last_known_whereabouts(client, person, alice):
    """The last check-in was made with the duress PIN: its place may have been
    dictated. The case's last contact is the last free one; the duress signal is in
    the summary as what it is, and so in what goes to the UN."""
    CheckIn.objects.create(
        at_risk=person,
        at=NOW - dt.timedelta(hours=20),
        channel=CheckIn.Channel.PAGE,
        place="cafe Dictated, Aksaray",
        duress=True,
    )
    client.force_login(alice)
    client.post(reverse("protection:case_open", args=[person.public_id]))
    case = AtRisk.objects.get(pk=person.pk).case
    assert case.last_contact_place == "bus station, Fatih"
    assert case.last_contact_on.to_edtf() == "2026-12-06T03:00"
    assert case.disappeared_from == dt.date(2026, 12, 6)
    assert (
        "Under duress: at 2026-12-06 13:00 a check-in was made with the duress PIN" in case.summary
    )
    assert "“cafe Dictated, Aksaray”, may have been dictated" in case.summary
    exported = client.get(f"/cases/{case.public_id}/export.json")
    assert exported.status_code == 200
    assert "duress PIN" in exported.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_duress_check_in_followed_by_a_free_one_is_history(person, alice):
    CheckIn.objects.create(
        at_risk=person,
        at=NOW - dt.timedelta(hours=40),
        channel=CheckIn.Channel.PAGE,
        place="cafe Dictated",
        duress=True,
    )
    case = services.case_open_from_file(at_risk=person, by=alice)
    assert case.last_contact_place == "bus station, Fatih"
    assert "duress" not in case.summary
