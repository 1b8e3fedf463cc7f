"""What reaches an outside recipient: an event only where it is cleared, a claim
only where its source consented, a source named only with consent to be named."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habeas.advocacy import documents, services
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Event, EventActor
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim

TODAY = date(2026, 11, 28)
UN_DOCS = (documents.DocKind.WGEID, documents.DocKind.CED, documents.DocKind.SPECIAL_PROCEDURES)


@pytest.fixture
def addressee(alice):
    return services.addressee_create(kind="government", title="Prosecutor General", by=alice)


def _texts(case, addressee) -> dict[str, str]:
    """Every document for an outside recipient, as plain text, by kind."""
    texts = {
        kind.value: documents.build(
            kind=kind, case=case, language="en", today=TODAY, addressees=[addressee]
        ).text()
        for kind in documents.DocKind
    }
    texts["briefing"] = documents.briefing_note(
        cases=[case], country="TM", language="en", today=TODAY
    ).text()
    return texts


def _where(needle: str, texts: dict[str, str]) -> set[str]:
    return {kind for kind, text in texts.items() if needle in text}


def _claim(case, source, statement, *, event=None, by):
    return sources.claim_add(
        case=case,
        source=source,
        topic=Claim.Topic.EVENT if event else Claim.Topic.WHEREABOUTS,
        event=event,
        statement=statement,
        received_on=PartialDate.parse("2021-11-05"),
        material=Claim.Material.TESTIMONY,
        by=by,
    )


def _clear(case, event, clearance, by) -> None:
    services.event_clearances_set(case=case, clearances={event: clearance}, by=by)
    event.refresh_from_db()


def test_an_event_resting_on_no_claim_stays_inside_until_cleared(alices_case, alice, addressee):
    """GIVEN an event the organisation recorded with no claim behind it
    WHEN documents are generated THEN it is in none of them, nor the force it names;
    AND once cleared for a recipient it goes there and no further."""
    police = cases.actor_create(name="FORCE-NAMED-IN-EVENT", country="TM", by=alice)
    event = cases.event_add(
        case=alices_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        description="UNCLEARED-EVENT-TEXT",
        actors=[(police, EventActor.Role.ALLEGED_PERPETRATOR)],
        by=alice,
    )
    assert event.clearance == Event.Clearance.SOURCES  # the default
    texts = _texts(alices_case, addressee)
    assert _where("UNCLEARED-EVENT-TEXT", texts) == set()
    assert _where("FORCE-NAMED-IN-EVENT", texts) == set()

    un = {kind.value for kind in UN_DOCS}
    _clear(alices_case, event, Event.Clearance.UN, alice)
    assert _where("UNCLEARED-EVENT-TEXT", _texts(alices_case, addressee)) == un
    _clear(alices_case, event, Event.Clearance.GOVERNMENT, alice)
    assert _where("UNCLEARED-EVENT-TEXT", _texts(alices_case, addressee)) == un | {"letter"}
    _clear(alices_case, event, Event.Clearance.PUBLIC, alice)
    everywhere = _where("UNCLEARED-EVENT-TEXT", _texts(alices_case, addressee))
    assert everywhere == {*un, "letter", "third_state_letter", "urgent_action", "briefing"}
    assert _where("FORCE-NAMED-IN-EVENT", _texts(alices_case, addressee)) >= un
    _clear(alices_case, event, Event.Clearance.INTERNAL, alice)
    assert _where("UNCLEARED-EVENT-TEXT", _texts(alices_case, addressee)) == set()


def test_an_event_goes_only_where_every_source_behind_it_consented(alices_case, alice, addressee):
    mother = sources.source_add(
        case=alices_case,
        code_name="MUM",
        kind="relative",
        consent_to_un=True,
        consent_to_government=True,
        by=alice,
    )
    witness = sources.source_add(
        case=alices_case, code_name="WIT", kind="witness", consent_to_un=True, by=alice
    )
    event = cases.event_add(
        case=alices_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        description="EVENT-TWO-SOURCES",
        by=alice,
    )
    _claim(alices_case, mother, "Mother saw it.", event=event, by=alice)
    _claim(alices_case, witness, "Witness saw it.", event=event, by=alice)
    un = {kind.value for kind in UN_DOCS}
    # The witness consented to the UN only: the event goes to the UN, not to the
    # government, although the mother would allow both.
    assert _where("EVENT-TWO-SOURCES", _texts(alices_case, addressee)) == un


def test_claims_about_an_event_kept_inside_stay_inside(alices_case, alice, addressee):
    mother = sources.source_add(
        case=alices_case, code_name="MUM", kind="relative", consent_to_un=True, by=alice
    )
    event = cases.event_add(
        case=alices_case,
        kind=Event.Kind.SIGHTING,
        occurred_on=PartialDate.parse("2021-11"),
        description="SENSITIVE-SIGHTING",
        by=alice,
    )
    _claim(alices_case, mother, "STATEMENT-ABOUT-SIGHTING", event=event, by=alice)
    assert "STATEMENT-ABOUT-SIGHTING" in _texts(alices_case, addressee)["wgeid"]
    _clear(alices_case, event, Event.Clearance.INTERNAL, alice)
    texts = _texts(alices_case, addressee)
    assert _where("SENSITIVE-SIGHTING", texts) == set()
    assert _where("STATEMENT-ABOUT-SIGHTING", texts) == set()


def test_a_source_who_consented_to_be_named_is_named_by_kind_only(alices_case, alice, addressee):
    named = sources.source_add(
        case=alices_case,
        code_name="NAMEDMUM",
        kind="relative",
        identity="CANARY-NAMED-IDENTITY",
        consent_to_un=True,
        consent_information_public=True,
        consent_named_publicly=True,
        by=alice,
    )
    _claim(alices_case, named, "NAMED-STATEMENT", by=alice)
    texts = _texts(alices_case, addressee)
    assert "A relative, undated (reported to us: 5 Nov 2021): NAMED-STATEMENT" in texts["wgeid"]
    assert _where("NAMED-STATEMENT", texts) == {kind.value for kind in UN_DOCS}
    assert _where("NAMEDMUM", texts) == _where("CANARY-NAMED-IDENTITY", texts) == set()


def test_a_confidential_source_never_appears_even_when_its_information_goes(
    alices_case, alice, addressee
):
    """GIVEN a witness who lets the UN and the government have what they said but
    may not be named WHEN the documents are generated THEN their statement goes to
    the UN, AND nothing says who or what kind of source they are, AND an event they
    back that the organisation cleared for everyone goes without their statement
    to the public."""
    witness = sources.source_add(
        case=alices_case,
        code_name="HIDDENWIT",
        kind="witness",
        identity="CANARY-WITNESS-IDENTITY",
        contact="CANARY-WITNESS-CONTACT",
        consent_to_un=True,
        consent_to_government=True,
        by=alice,
    )
    event = cases.event_add(
        case=alices_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        description="CLEARED-ARREST",
        by=alice,
    )
    _claim(alices_case, witness, "WITNESS-STATEMENT", event=event, by=alice)
    _clear(alices_case, event, Event.Clearance.PUBLIC, alice)
    texts = _texts(alices_case, addressee)
    assert "Undated (reported to us: 5 Nov 2021): WITNESS-STATEMENT" in texts["wgeid"]
    assert "witness, 5 Nov 2021" not in texts["wgeid"].lower()
    assert _where("WITNESS-STATEMENT", texts) == {kind.value for kind in UN_DOCS}
    assert "CLEARED-ARREST" in texts["urgent_action"] and "CLEARED-ARREST" in texts["briefing"]
    for secret in ("HIDDENWIT", "CANARY-WITNESS-IDENTITY", "CANARY-WITNESS-CONTACT"):
        assert _where(secret, texts) == set(), secret


def test_clearing_events_through_the_page(alices_case, alice, bob, client):
    """GIVEN an event with no claim WHEN a team member clears it on the page
    THEN it is saved with history and an audit entry, AND bad input is refused
    with the choices kept, AND an event of another case cannot be touched."""
    first = cases.event_add(
        case=alices_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Police came to his flat.",
        by=alice,
    )
    second = cases.event_add(
        case=alices_case,
        kind=Event.Kind.SEARCH_BY_FAMILY,
        occurred_on=PartialDate.parse("2021-10-25"),
        description="His mother asked the prosecutor.",
        by=alice,
    )
    other_person = cases.person_create(name="Other Person", by=alice)
    other_case = cases.case_create(reference="RU-1", person=other_person, country="RU", by=alice)
    foreign = cases.event_add(
        case=other_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2020"),
        description="Another case's event.",
        by=alice,
    )
    url = reverse("event_clearance", args=[alices_case.public_id])
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert "Rests on no claim" in page and "Goes nowhere outside now." in page
    assert "Another case" not in page

    f1, f2 = f"event-{first.public_id}", f"event-{second.public_id}"
    bad = client.post(url, {f1: "public", f2: "everyone"})
    assert bad.status_code == 400
    assert 'value="public" selected' in bad.content.decode()  # input kept
    first.refresh_from_db()
    assert first.clearance == Event.Clearance.SOURCES  # nothing saved

    ok = client.post(url, {f1: "government", f2: "sources", f"event-{foreign.public_id}": "public"})
    assert ok.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    foreign.refresh_from_db()
    assert first.clearance == Event.Clearance.GOVERNMENT
    assert second.clearance == Event.Clearance.SOURCES
    assert foreign.clearance == Event.Clearance.SOURCES
    assert first.history.first().clearance == Event.Clearance.GOVERNMENT
    updates = AuditEntry.objects.filter(action="event.update")
    assert [(e.target_id, e.detail) for e in updates] == [
        (str(first.public_id), {"fields": ["clearance"]})
    ]  # only the event that changed
    assert "Goes now to: UN bodies, the authorities concerned." in client.get(url).content.decode()


def test_the_service_refuses_an_event_of_another_case(alices_case, alice):
    other_person = cases.person_create(name="Other Person", by=alice)
    other_case = cases.case_create(reference="RU-1", person=other_person, country="RU", by=alice)
    foreign = cases.event_add(
        case=other_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2020"),
        description="Another case's event.",
        by=alice,
    )
    with pytest.raises(ValidationError):
        services.event_clearances_set(
            case=alices_case, clearances={foreign: Event.Clearance.PUBLIC}, by=alice
        )
    foreign.refresh_from_db()
    assert foreign.clearance == Event.Clearance.SOURCES
