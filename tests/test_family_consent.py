"""Family consent as a record (issue 14, review bug 4): who consented, when, how and
to what; documents read it per recipient, a withdrawn consent stops counting, and
each item a document lacks links to the page that fixes it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from habeas.advocacy import documents, selectors, services
from habeas.advocacy.models import FamilyConsent, Intervention, PublicProfile
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.sources.models import Source
from tests.support import evidence as evidence_support
from tests.support.advocacy import give_what_the_un_asks
from tests.support.organisation import give_the_organisation

TODAY = date(2026, 11, 28)


@pytest.fixture
def un_ready_case(alices_case, alice, settings):
    """Every element the Working Group asks for, and no family consent yet."""
    give_the_organisation()
    case = alices_case
    case.disappeared_place = "Istanbul, Esenyurt"
    case.save()
    police = cases.actor_create(name="Istanbul police (test)", country="TR", by=alice)
    give_what_the_un_asks(
        case, police=police, arrested_on="2021-10-20", searched_on="2021-10-25", by=alice
    )
    FamilyConsent.objects.filter(case=case).delete()  # the helper records one
    return case


def _form(**fields) -> dict:
    return {
        "given_by": "his mother",
        "given_on": "2024-03-01",
        "form": "written",
        "notes": "",
        **fields,
    }


def _add_url(case) -> str:
    return reverse("family_consent_add", args=[case.public_id])


def _advocacy(client, case) -> str:
    return client.get(reverse("case_advocacy", args=[case.public_id])).content.decode()


# --- Recording and withdrawing through the forms ------------------------------


def test_a_wgeid_submission_is_complete_only_while_consent_to_the_un_stands(
    un_ready_case, bob, client
):
    case = un_ready_case
    client.force_login(bob)
    wgeid = documents.wgeid_submission(case=case, language="en", today=TODAY)
    assert wgeid.missing_keys == ["consent"]
    assert "No family consent recorded." in wgeid.text()

    # Consent to publication only: not the UN's.
    assert client.post(_add_url(case), _form(to_publication="on")).status_code == 302
    assert documents.wgeid_submission(case=case, language="en", today=TODAY).missing_keys == [
        "consent"
    ]

    response = client.post(_add_url(case), _form(to_un="on"))
    assert response.status_code == 302
    wgeid = documents.wgeid_submission(case=case, language="en", today=TODAY)
    assert wgeid.is_complete
    text = wgeid.text()
    assert "The family has consented to this submission." in text
    assert "his mother" not in text  # who consented is not printed

    consent = FamilyConsent.objects.get(case=case, to_un=True)
    withdraw = reverse("family_consent_withdraw", args=[case.public_id, consent.public_id])
    assert client.post(withdraw, {"withdrawn_on": timezone.localdate()}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    assert not selectors.consent_given(case, "un")
    assert documents.wgeid_submission(case=case, language="en", today=TODAY).missing_keys == [
        "consent"
    ]
    page = _advocacy(client, case)
    assert "Withdrawn on" in page and "In force" in page  # the publication one stands


def test_each_scope_counts_for_its_own_recipient(alices_case, alice):
    def given() -> tuple[bool, bool, bool]:
        return tuple(
            selectors.consent_given(alices_case, s) for s in ("un", "authorities", "publication")
        )

    assert given() == (False, False, False)
    services.family_consent_record(
        case=alices_case,
        by=alice,
        given_by="his sister",
        given_on=date(2024, 1, 5),
        form=FamilyConsent.Form.ORAL,
        to_authorities=True,
    )
    assert given() == (False, True, False)
    with pytest.raises(KeyError):
        selectors.consent_given(alices_case, "press")


def test_consent_to_the_un_only_does_not_complete_a_letter(un_ready_case, alice):
    case = un_ready_case
    prosecutor = services.addressee_create(kind="government", title="Prosecutor General", by=alice)
    services.family_consent_record(
        case=case,
        by=alice,
        given_by="his mother",
        given_on=date(2024, 3, 1),
        form=FamilyConsent.Form.WRITTEN,
        to_un=True,
    )
    letter = documents.authorities_letter(
        case=case, language="en", today=TODAY, addressee=prosecutor
    )
    assert letter.missing_keys == ["consent"]
    assert letter.missing == ["Family consent"]
    action = documents.urgent_action(case=case, language="en", today=TODAY, addressees=[prosecutor])
    assert action.missing_keys == ["consent"]
    intervention = services.intervention_add(
        case=case, kind=Intervention.Kind.LETTER_AUTHORITIES, addressee=prosecutor, by=alice
    )
    with pytest.raises(ValidationError, match="Family consent"):
        services.intervention_mark_ready(intervention=intervention, by=alice)
    services.family_consent_record(
        case=case,
        by=alice,
        given_by="his mother",
        given_on=date(2024, 3, 1),
        form=FamilyConsent.Form.WRITTEN,
        to_authorities=True,
    )
    services.intervention_mark_ready(intervention=intervention, by=alice)


def test_the_old_source_tick_no_longer_stands_for_consent(alices_case, alice):
    """Before issue 14 a relative source's "to UN" tick counted as the family's
    consent; it is the source's own consent only (docs/operations.md, upgrading)."""
    from habeas.sources import services as sources

    sources.source_add(
        case=alices_case,
        code_name="MOTHER",
        kind=Source.Kind.RELATIVE,
        consent_to_un=True,
        by=alice,
    )
    facts = documents.case_facts(case=alices_case, recipient=documents.Recipient.UN, today=TODAY)
    assert not facts.family_consent


def test_recording_is_audited_with_ids_only(alices_case, bob, client):
    client.force_login(bob)
    client.post(_add_url(alices_case), _form(to_un="on", notes="Call her at +993 12 3456"))
    entry = AuditEntry.objects.filter(action="family_consent.record").get()
    logged = str(entry.detail) + str(getattr(entry, "target_repr", ""))
    assert "his mother" not in logged and "3456" not in logged
    assert entry.detail == {"to": ["un"]}


# --- Bad input: a message, the input kept --------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"given_on": "2999-01-01", "to_un": "on"}, "cannot be in the future"),
        ({"given_on": "1799-12-31", "to_un": "on"}, "cannot be before 1800"),
        ({}, "Tick at least one thing the family consented to."),
    ],
)
def test_bad_input_comes_back_with_what_was_typed(alices_case, bob, client, fields, message):
    client.force_login(bob)
    response = client.post(_add_url(alices_case), _form(given_by="KEPT-WHO", **fields))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "KEPT-WHO" in body
    assert not FamilyConsent.objects.exists()


def test_evidence_of_another_case_is_refused(alices_case, bob, alice, client):
    other = cases.case_create(
        reference="TM-OTHER-1",
        person=cases.person_create(name="Other Person", by=alice),
        country="TM",
        by=alice,
    )
    foreign = evidence_support.add(other, alice, b"letter", "consent.txt")
    own = evidence_support.add(alices_case, alice, b"signed", "signed.txt")
    client.force_login(bob)
    response = client.post(
        _add_url(alices_case), _form(given_by="KEPT-WHO", to_un="on", evidence=foreign.pk)
    )
    assert response.status_code == 400
    assert "KEPT-WHO" in response.content.decode()
    assert not FamilyConsent.objects.exists()
    # The service refuses it too, whoever calls it.
    with pytest.raises(ValidationError, match="not one of this case"):
        services.family_consent_record(
            case=alices_case,
            by=alice,
            given_by="x",
            given_on=date(2024, 1, 1),
            form="written",
            to_un=True,
            evidence=foreign,
        )
    ok = client.post(_add_url(alices_case), _form(to_un="on", evidence=own.pk))
    assert ok.status_code == 302
    assert FamilyConsent.objects.get().evidence == own


def test_a_relative_of_another_person_is_refused(alices_case, alice):
    stranger = cases.person_create(name="Someone Else", by=alice)
    relative = cases.relative_add(person=stranger, name="Aunt", relationship="aunt", by=alice)
    with pytest.raises(ValidationError, match="not one of this case"):
        services.family_consent_record(
            case=alices_case,
            by=alice,
            given_by="his aunt",
            given_on=date(2024, 1, 1),
            form="oral",
            to_un=True,
            relative=relative,
        )


def test_a_relative_another_team_recorded_is_neither_offered_nor_accepted(
    alices_case, alice, charlie, client
):
    """The same person on a case only Charlie works on: the relative he records
    there must not be named to Alice's team, by the picker or through a forged POST
    (adversarial review, HIGH)."""
    person = alices_case.people.get()
    other = cases.case_create(reference="TM-2022-999", person=person, country="TM", by=charlie)
    secret = cases.relative_add(
        person=person, case=other, name="Gulnara SECRET-SISTER", relationship="sister", by=charlie
    )
    own = cases.relative_add(
        person=person, case=alices_case, name="Own Mother", relationship="mother", by=alice
    )
    client.force_login(alice)
    page = client.get(_add_url(alices_case)).content.decode()
    assert "Own Mother" in page
    assert "SECRET-SISTER" not in page
    response = client.post(_add_url(alices_case), _form(to_un="on", relative=str(secret.pk)))
    assert response.status_code == 400  # re-displayed with the choice refused
    assert not FamilyConsent.objects.filter(case=alices_case).exists()
    assert "SECRET-SISTER" not in _advocacy(client, alices_case)
    with pytest.raises(ValidationError) as refused:
        services.family_consent_record(
            case=alices_case,
            by=alice,
            given_by="his sister",
            given_on=date(2024, 1, 1),
            form="oral",
            to_un=True,
            relative=secret,
        )
    assert "SECRET-SISTER" not in str(refused.value)
    assert (
        services.family_consent_record(
            case=alices_case,
            by=alice,
            given_by="his mother",
            given_on=date(2024, 1, 1),
            form="oral",
            to_un=True,
            relative=own,
        ).relative
        == own
    )


def test_the_consent_form_warns_against_names_and_contacts(alices_case, bob, client):
    client.force_login(bob)
    page = client.get(_add_url(alices_case)).content.decode()
    assert "never write contact details" in page
    assert "e.g. his mother" in page


def test_a_withdrawal_before_the_consent_or_in_the_future_is_refused(
    alices_case, alice, bob, client
):
    consent = services.family_consent_record(
        case=alices_case,
        by=alice,
        given_by="his mother",
        given_on=date(2024, 3, 1),
        form="written",
        to_un=True,
    )
    url = reverse("family_consent_withdraw", args=[alices_case.public_id, consent.public_id])
    client.force_login(bob)
    early = client.post(url, {"withdrawn_on": "2024-02-29"})
    assert early.status_code == 400
    assert "before the day it was given" in early.content.decode()
    assert "2024-02-29" in early.content.decode()
    future = client.post(url, {"withdrawn_on": (timezone.localdate() + timedelta(days=2))})
    assert future.status_code == 400 and "cannot be in the future" in future.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert selectors.consent_given(alices_case, "un")


# --- Who may see and do what ------------------------------------------------------


def test_outsiders_get_404_and_read_only_members_see_but_cannot_record(
    alices_case, alice, charlie, vera, client
):
    consent = services.family_consent_record(
        case=alices_case,
        by=alice,
        given_by="his mother",
        given_on=date(2024, 3, 1),
        form="written",
        to_un=True,
    )
    withdraw = reverse("family_consent_withdraw", args=[alices_case.public_id, consent.public_id])
    client.force_login(charlie)
    for url in (_add_url(alices_case), withdraw):
        assert client.get(url).status_code == 404
        assert client.post(url, _form(to_un="on")).status_code == 404
    assert client.get(reverse("case_advocacy", args=[alices_case.public_id])).status_code == 404
    client.force_login(vera)
    page = _advocacy(client, alices_case)
    assert "his mother" in page and "1 Mar 2024" in page and "UN bodies" in page
    assert _add_url(alices_case) not in page and withdraw not in page
    assert client.post(_add_url(alices_case), _form(to_un="on")).status_code in (403, 404)
    assert client.post(withdraw, {"withdrawn_on": "2025-01-01"}).status_code in (403, 404)
    assert FamilyConsent.objects.count() == 1
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_consent_of_another_case_cannot_be_withdrawn_through_this_one(
    alices_case, alice, bob, client
):
    other = cases.case_create(
        reference="TM-OTHER-2",
        person=cases.person_create(name="Other Person", by=alice),
        country="TM",
        by=alice,
    )
    theirs = services.family_consent_record(
        case=other, by=alice, given_by="x", given_on=date(2024, 1, 1), form="oral", to_un=True
    )
    client.force_login(bob)
    url = reverse("family_consent_withdraw", args=[alices_case.public_id, theirs.public_id])
    assert client.post(url, {"withdrawn_on": "2025-01-01"}).status_code == 404


# --- Publication needs consent to publication -------------------------------------


PROFILE = {"name": "R. Isakov", "status": "continuing", "country": "TM", "is_published": "on"}


def test_publishing_without_consent_asks_for_publish_anyway_and_a_reason(alices_case, bob, client):
    client.force_login(bob)
    url = reverse("publication_edit", args=[alices_case.public_id])
    first = client.post(url, {**PROFILE, "summary": "KEPT-SUMMARY"})
    assert first.status_code == 400
    body = first.content.decode()
    assert "No consent of the family to publication is recorded" in body
    assert 'name="publish_anyway"' in body and "KEPT-SUMMARY" in body
    assert not PublicProfile.objects.exists()
    no_reason = client.post(url, {**PROFILE, "publish_anyway": "on"})
    assert no_reason.status_code == 400
    assert "Say why it is published anyway." in no_reason.content.decode()
    assert not PublicProfile.objects.exists()
    free_text = client.post(
        url, {**PROFILE, "publish_anyway": "on", "without_consent_reason": "CANARY-NAME asked"}
    )
    assert free_text.status_code == 400  # a fixed choice: no names in the audit log
    assert not PublicProfile.objects.exists()
    with pytest.raises(ValidationError):
        services.public_profile_save(
            case=alices_case, by=bob, is_published=True, without_consent_reason="CANARY-NAME"
        )
    done = client.post(
        url,
        {**PROFILE, "publish_anyway": "on", "without_consent_reason": "family_unreachable"},
    )
    assert done.status_code == 302
    assert PublicProfile.objects.get().is_published
    entry = AuditEntry.objects.filter(action="public_profile.save").get()
    assert entry.detail["without_consent"] == "family_unreachable"


def test_with_consent_to_publication_the_profile_publishes_at_once(alices_case, alice, bob, client):
    services.family_consent_record(
        case=alices_case,
        by=alice,
        given_by="his brother",
        given_on=date(2024, 3, 1),
        form="message",
        to_publication=True,
    )
    client.force_login(bob)
    url = reverse("publication_edit", args=[alices_case.public_id])
    assert client.post(url, PROFILE).status_code == 302
    entry = AuditEntry.objects.filter(action="public_profile.save").get()
    assert "without_consent" not in entry.detail
    # Unpublished, nothing to consent to.
    assert client.post(url, {**PROFILE, "is_published": ""}).status_code == 302


def test_the_service_refuses_publication_without_consent_or_reason(alices_case, alice):
    with pytest.raises(ValidationError, match="No consent of the family to publication"):
        services.public_profile_save(case=alices_case, name="R. I.", is_published=True, by=alice)
    with pytest.raises(ValidationError, match="No consent of the family to publication"):
        services.public_profile_save(
            case=alices_case,
            name="R. I.",
            is_published=True,
            without_consent_reason="CANARY-NAME asked for it",
            by=alice,
        )
    services.public_profile_save(case=alices_case, name="R. I.", is_published=False, by=alice)


# --- Each missing item links to the page that fixes it ----------------------------


def test_the_preview_links_each_missing_item_to_where_it_is_fixed(alices_case, bob, client):
    person = alices_case.people.get()
    alices_case.people.update(display_name="Rustam")  # one word: not a full name
    person.names.all().delete()  # else the document prints a recorded full spelling
    client.force_login(bob)
    page = client.get(
        reverse("case_document", args=[alices_case.public_id]) + "?doc=wgeid"
    ).content.decode()
    case_id = alices_case.public_id
    person = alices_case.people.get()
    assert f'href="{reverse("person_detail", args=[person.public_id])}#names"' in page
    assert f'href="{reverse("case_edit", args=[case_id])}"' in page
    assert f'href="{reverse("case_detail", args=[case_id])}#timeline"' in page
    assert f'href="{reverse("event_add", args=[case_id])}"' in page
    assert f'href="{_add_url(alices_case)}">Record a consent</a>' in page
    # The organisation is set by administrators: a member is told so, not linked.
    assert "An administrator sets this in the organisation settings." in page


def test_a_read_only_member_sees_what_is_missing_without_links(alices_case, vera, client):
    client.force_login(vera)
    page = client.get(
        reverse("case_document", args=[alices_case.public_id]) + "?doc=letter"
    ).content.decode()
    assert "Family consent" in page and "Addressee" in page
    assert _add_url(alices_case) not in page
    assert reverse("addressee_add") not in page


def test_the_intervention_page_links_consent_and_addressee(alices_case, alice, bob, client):
    intervention = services.intervention_add(
        case=alices_case, kind=Intervention.Kind.LETTER_AUTHORITIES, by=alice
    )
    client.force_login(bob)
    page = client.get(intervention.get_absolute_url()).content.decode()
    assert f'href="{_add_url(alices_case)}">Record a consent</a>' in page
    assert f'href="{reverse("addressee_add")}"' in page


def test_an_unknown_key_is_plain_text_never_an_error(alices_case, bob, rf):
    from habeas.advocacy import fixes

    document = documents.Document(
        "x", "en", "T", documents.Recipient.UN, [], ["Something new"], ["brand_new_key"]
    )
    found = fixes.fixes_for(document, case=alices_case, user=bob, can_edit=True)
    assert [(f.label, f.links, f.note) for f in found] == [("Something new", [], "")]
    # A builder that gave labels but no keys: still every label, plain.
    bare = documents.Document("x", "en", "T", documents.Recipient.UN, [], ["A", "B"])
    assert [f.label for f in fixes.fixes_for(bare, case=alices_case, user=bob, can_edit=True)] == [
        "A",
        "B",
    ]


def test_the_briefing_note_names_the_cases_without_consent_to_publication(
    alices_case, alice, client
):
    note = documents.briefing_note(cases=[alices_case], country="TM", language="en", today=TODAY)
    assert note.missing_keys == ["consent"]
    assert note.missing == ["Family consent: TM-2021-003"]
    services.family_consent_record(
        case=alices_case,
        by=alice,
        given_by="his brother",
        given_on=date(2024, 3, 1),
        form="message",
        to_publication=True,
    )
    note = documents.briefing_note(cases=[alices_case], country="TM", language="en", today=TODAY)
    assert note.is_complete


def test_consents_clearances_and_addressees_keep_a_history_and_audit_values(alices_case, alice):
    """A consent's withdrawal set back to none, a detail's clearance raised or an
    addressee's e-mail swapped in the database shows against the history and the
    audit trail (adversarial review): ids and choices there, never free text."""
    from habeas.advocacy.models import Addressee, PersonDetailsClearance

    consent = services.family_consent_record(
        case=alices_case,
        by=alice,
        given_by="his mother",
        given_on=date(2024, 1, 1),
        form="oral",
        to_un=True,
        notes="CANARY-NOTE",
    )
    services.family_consent_withdraw(consent=consent, by=alice, on=date(2024, 6, 1))
    assert [h.withdrawn_on for h in consent.history.order_by("history_id")] == [
        None,
        date(2024, 6, 1),
    ]
    withdrawn = AuditEntry.objects.get(action="family_consent.withdraw")
    assert withdrawn.detail == {"withdrawn_on": "2024-06-01"}
    recorded = AuditEntry.objects.get(action="family_consent.record")
    assert "CANARY-NOTE" not in str(recorded.detail) and recorded.detail["to"] == ["un"]

    services.person_details_clearance_set(case=alices_case, by=alice, sex="internal")
    clearance = PersonDetailsClearance.objects.get(case=alices_case)
    assert clearance.history.count() >= 1

    addressee = services.addressee_create(
        kind=Addressee.Kind.GOVERNMENT, title="Minister", organisation="Ministry", by=alice
    )
    services.addressee_update(
        addressee=addressee, title="Minister", email="new@example.org", by=alice
    )
    assert [h.email for h in addressee.history.order_by("history_id")] == ["", "new@example.org"]
    updated = AuditEntry.objects.get(action="addressee.update")
    assert updated.detail == {"fields": ["email"]}
