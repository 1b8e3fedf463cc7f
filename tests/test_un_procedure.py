"""The UN procedure is chosen by the facts: the Working Group's urgent procedure only
while the three-month window is open (else the standard one, with the reason), a
prompt intervention only when reprisals are recorded, and the documents say which
procedure or communication is asked for (docs/domain.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from habeas.advocacy import documents
from habeas.advocacy import services as advocacy
from habeas.advocacy.models import Intervention
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Event
from habeas.lib.partialdate import PartialDate
from tests.support.advocacy import give_what_the_un_asks
from tests.support.organisation import give_the_organisation

# alices_case disappeared on 20 Oct 2021: its window closes 20 Jan 2022.
IN_WINDOW = datetime(2021, 11, 2, 10, 0, tzinfo=UTC)
AFTER_WINDOW = datetime(2022, 1, 21, 10, 0, tzinfo=UTC)


@pytest.fixture
def ready_case(alices_case, alice, settings):
    """Alice's case with everything the Working Group asks for."""
    give_the_organisation(name="Memorial Test Group")
    alices_case.disappeared_place = "Moscow"
    alices_case.save()
    police = cases.actor_create(name="Security services (test)", country="TM", by=alice)
    give_what_the_un_asks(
        alices_case, police=police, arrested_on="2021-10-20", searched_on="2021-10-25", by=alice
    )
    return alices_case


def add_url(case) -> str:
    return reverse("intervention_add", args=[case.public_id])


def test_bug3_the_urgent_procedure_is_not_offered_after_its_window_with_the_reason(
    login, alice, alices_case
):
    """Bug 3: GIVEN a case of 20 Oct 2021 recorded in 2026 WHEN its team records an
    intervention THEN the urgent procedure is not offered, the page says the window
    passed on 20 Jan 2022 and the standard procedure is offered; posting urgent
    anyway is refused with that date, the form kept, nothing saved."""
    client = login(alice)
    page = client.get(add_url(alices_case)).content.decode()
    assert 'value="wgeid_urgent"' not in page
    assert 'value="wgeid_standard"' in page
    assert "The three-month window for the urgent procedure passed on 20 Jan 2022" in page
    posted = client.post(add_url(alices_case), {"kind": "wgeid_urgent", "language": "en"})
    assert posted.status_code == 400
    assert "Select a valid choice" in posted.content.decode()
    assert not Intervention.objects.filter(case=alices_case).exists()


def test_no_procedure_is_a_silent_default(login, alice, alices_case):
    """Even inside the window, the kind starts empty: a choice, never a default."""
    with time_machine.travel(IN_WINDOW, tick=False):
        page = login(alice).get(add_url(alices_case)).content.decode()
    assert 'value="wgeid_urgent"' in page
    assert '<option value="" selected>' in page
    assert "passed on" not in page
    missing = login(alice).post(add_url(alices_case), {"language": "en"})
    assert "This field is required" in missing.content.decode()


def test_the_service_refuses_urgent_after_the_window_naming_the_date(alice, alices_case):
    """An import or an API reaches the service without the form: same refusal."""
    with time_machine.travel(AFTER_WINDOW, tick=False), pytest.raises(ValidationError) as refused:
        advocacy.intervention_add(case=alices_case, kind="wgeid_urgent", by=alice)
    assert "passed on 20 Jan 2022" in str(refused.value)
    with time_machine.travel(datetime(2022, 1, 20, 22, 0, tzinfo=UTC), tick=False):
        # The last day of the window is still in it.
        assert advocacy.intervention_add(case=alices_case, kind="wgeid_urgent", by=alice)


def test_without_a_disappearance_date_urgent_is_not_offered_and_says_why(alice, login):
    person = cases.person_create(name="Ali Valiev", by=alice)
    case = cases.case_create(reference="TM-X-1", person=person, country="TM", by=alice)
    page = login(alice).get(add_url(case)).content.decode()
    assert 'value="wgeid_urgent"' not in page
    assert "needs the disappearance date" in page
    with pytest.raises(ValidationError, match="needs the disappearance date"):
        advocacy.intervention_add(case=case, kind="wgeid_urgent", by=alice)


def test_prompt_intervention_only_when_reprisals_are_recorded(login, alice, alices_case):
    client = login(alice)
    page = client.get(add_url(alices_case)).content.decode()
    assert 'value="wgeid_prompt"' not in page
    assert "A prompt intervention is for intimidation or reprisals" in page
    with pytest.raises(ValidationError, match="the record shows none"):
        advocacy.intervention_add(case=alices_case, kind="wgeid_prompt", by=alice)

    # A threat before the disappearance was against the person: still none.
    cases.event_add(
        case=alices_case,
        kind=Event.Kind.THREAT,
        occurred_on=PartialDate.parse("2021-09-01"),
        description="He was warned to stop his channel.",
        by=alice,
    )
    assert 'value="wgeid_prompt"' not in client.get(add_url(alices_case)).content.decode()

    cases.event_add(
        case=alices_case,
        kind=Event.Kind.HARASSMENT_OF_FAMILY,
        occurred_on=PartialDate.parse("2021-11-03"),
        description="His parents' phones were confiscated.",
        by=alice,
    )
    page = client.get(add_url(alices_case)).content.decode()
    assert 'value="wgeid_prompt"' in page
    assert "A prompt intervention is for intimidation" not in page
    assert advocacy.intervention_add(case=alices_case, kind="wgeid_prompt", by=alice)


def test_prompt_intervention_offered_for_the_reprisals_risk(alice, alices_case):
    cases.case_update(case=alices_case, risk_family_reprisals=True, by=alice)
    assert advocacy.intervention_add(case=alices_case, kind="wgeid_prompt", by=alice)


def test_an_urgent_draft_whose_window_passed_is_incomplete_and_can_become_standard(
    login, alice, ready_case
):
    """GIVEN an urgent submission drafted while the window was open WHEN it is still a
    draft after the window passed THEN its document is incomplete with the date, it
    cannot be marked ready, and the page offers to change it to the standard
    procedure, which is audited and makes it complete."""
    with time_machine.travel(IN_WINDOW, tick=False):
        draft = advocacy.intervention_add(case=ready_case, kind="wgeid_urgent", by=alice)
        inside = documents.intervention_document(intervention=draft, today=IN_WINDOW.date())
        assert inside.is_complete, inside.missing
    with time_machine.travel(AFTER_WINDOW, tick=False):
        document = documents.intervention_document(intervention=draft, today=AFTER_WINDOW.date())
        assert document.missing_keys == ["urgent_window_passed"]
        assert "passed on 20 Jan 2022" in document.missing[0]
        ru = documents.wgeid_submission(
            case=ready_case, language="ru", today=AFTER_WINDOW.date(), kind="wgeid_urgent"
        )
        assert "истёк 20 января 2022 г." in ru.missing[0]
        with pytest.raises(ValidationError, match="passed on 20 Jan 2022"):
            advocacy.intervention_mark_ready(
                intervention=draft, by=alice, today=AFTER_WINDOW.date()
            )
        client = login(alice)
        page = client.get(draft.get_absolute_url()).content.decode()
        change = reverse("intervention_to_standard", args=[ready_case.public_id, draft.public_id])
        assert f'action="{change}"' in page
        assert "Change it to the standard procedure" in page
        assert client.post(change).status_code == 302
        draft.refresh_from_db()
        assert draft.kind == Intervention.Kind.WGEID_STANDARD
        entry = AuditEntry.objects.get(action="intervention.procedure")
        assert entry.actor_username == "alice"
        page = client.get(draft.get_absolute_url()).content.decode()
        assert "Change it to the standard procedure" not in page
        document = documents.intervention_document(intervention=draft, today=AFTER_WINDOW.date())
        assert document.is_complete
        assert "examined under the standard procedure" in document.text()


def test_only_urgent_drafts_change_procedure(alice, ready_case, login, charlie):
    standard = advocacy.intervention_add(case=ready_case, kind="wgeid_standard", by=alice)
    with pytest.raises(ValidationError, match="Only an urgent-procedure"):
        advocacy.intervention_to_standard(intervention=standard, by=alice)
    with time_machine.travel(IN_WINDOW, tick=False):
        urgent = advocacy.intervention_add(case=ready_case, kind="wgeid_urgent", by=alice)
        advocacy.intervention_mark_ready(intervention=urgent, by=alice)
    with pytest.raises(ValidationError, match="Only a draft"):
        advocacy.intervention_to_standard(intervention=urgent, by=alice)
    change = reverse("intervention_to_standard", args=[ready_case.public_id, urgent.public_id])
    assert login(charlie).post(change).status_code == 404
    assert login(alice).get(change).status_code == 405
    refused = login(alice).post(change, follow=True)
    assert "Only a draft" in refused.content.decode()


def test_the_submission_states_the_procedure_requested(alice, ready_case):
    today = AFTER_WINDOW.date()
    text = documents.wgeid_submission(case=ready_case, language="en", today=today).text()
    assert (
        "The submitting organisation requests that this case be examined under the "
        "standard procedure." in text
    )
    inside = documents.wgeid_submission(
        case=ready_case, language="en", today=IN_WINDOW.date()
    ).text()
    assert "examined under the urgent procedure" in inside
    prompt = documents.wgeid_submission(
        case=ready_case, language="ru", today=today, kind="wgeid_prompt"
    ).text()
    assert "безотлагательном вмешательстве" in prompt


def test_special_procedures_ask_for_an_urgent_appeal_or_an_allegation_letter(alice, ready_case):
    today = AFTER_WINDOW.date()
    letter = documents.special_procedures_communication(case=ready_case, language="en", today=today)
    assert "address an allegation letter to the Government of Turkmenistan" in letter.text()
    assert "urgent appeal" not in letter.text()
    assert letter.warnings[0].startswith("An allegation letter is asked for")

    recent = documents.special_procedures_communication(
        case=ready_case, language="en", today=IN_WINDOW.date()
    )
    assert "We request an urgent appeal" in recent.text()
    assert "the three-month window closes 20 Jan 2022" in recent.warnings[0]

    cases.case_update(case=ready_case, risk_torture=True, by=alice)
    torture = documents.special_procedures_communication(
        case=ready_case, language="en", today=today
    )
    assert "address an urgent appeal to the Government of Turkmenistan" in torture.text()
    assert "a risk of torture is recorded" in torture.warnings[0]
