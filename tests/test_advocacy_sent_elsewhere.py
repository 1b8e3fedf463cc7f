"""An intervention sent before the case was in Habeas (a UN submission on paper years
ago) is recorded as sent outside Habeas: no completeness check, no snapshot, and from
then on it counts as sent everywhere (the urgent window, responses, their clocks)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from habeas.advocacy import selectors
from habeas.advocacy.models import Intervention, Response
from habeas.alerts import detection
from habeas.alerts.models import Alert, Deadline, Rule
from habeas.alerts.services import case_deadlines_update
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Case
from habeas.lib.partialdate import PartialDate

UN_REF = "G/SO 217/1 TKM 14/2022"
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def open_case(user, *, disappeared: str):
    """A case opened at T0 through the service, as the alerts tests open theirs."""
    with time_machine.travel(T0, tick=False):
        person = cases.person_create(name="Рустам Исаков", by=user)
        return cases.case_create(
            reference="TM-2026-001",
            person=person,
            country="TM",
            disappeared_on=PartialDate.parse(disappeared),
            by=user,
        )


def detect_at(when: datetime) -> list[Alert]:
    """The alerts detection raises at `when`."""
    before = set(Alert.objects.values_list("pk", flat=True))
    with time_machine.travel(when, tick=False):
        detection.detect_due(now=timezone.now())
    return list(Alert.objects.exclude(pk__in=before))


def rules_of(alerts: list[Alert]) -> list[str]:
    return [a.rule for a in alerts]


def add_submission(client, case) -> Intervention:
    """A WGEID urgent submission added through the form, as a draft."""
    created = client.post(
        reverse("intervention_add", args=[case.public_id]),
        {"kind": "wgeid_standard", "language": "en"},
    )
    assert created.status_code == 302
    return Intervention.objects.get(case=case, kind="wgeid_standard")


def sent_elsewhere_url(intervention: Intervention) -> str:
    return reverse(
        "intervention_sent_elsewhere", args=[intervention.case.public_id, intervention.public_id]
    )


def test_an_old_un_submission_recorded_as_sent_elsewhere_shows_so_without_a_snapshot(
    alices_case, alice, client
):
    """GIVEN a case entered today whose UN submission went out on paper in 2022, and
    whose record lacks what Habeas's own submission requires (it could not be marked
    sent from here) WHEN it is recorded as sent outside Habeas THEN it is sent on that
    day with no document kept, the page says so and offers to upload the copy."""
    client.force_login(alice)
    intervention = add_submission(client, alices_case)
    refused = client.post(
        reverse("intervention_sent", args=[alices_case.public_id, intervention.public_id]),
        {"sent_on": "2022-02-14", "channel": "post"},
    )
    assert "incomplete" in refused.content.decode()  # Habeas's own path checks its document

    form = client.get(sent_elsewhere_url(intervention))
    assert form.status_code == 200
    done = client.post(
        sent_elsewhere_url(intervention),
        {"sent_on": "2022-02-14", "channel": "post", "reference": UN_REF, "note": "By DHL."},
    )
    assert done.status_code == 302
    assert done["Location"] == intervention.get_absolute_url()
    intervention.refresh_from_db()
    assert intervention.sent_on == date(2022, 2, 14)
    assert intervention.status == Intervention.Status.SENT
    assert intervention.sent_outside
    assert intervention.document == ""
    assert intervention.reference == UN_REF
    assert "By DHL." in intervention.notes

    page = client.get(intervention.get_absolute_url()).content.decode()
    assert f"Sent on 14 Feb 2022, outside Habeas (reference {UN_REF})" in page
    assert "the text sent is not held here" in page
    assert reverse("evidence_add", args=[alices_case.public_id]) in page
    assert 'class="document"' not in page  # no empty snapshot shown as "the document sent"
    advocacy = client.get(reverse("case_advocacy", args=[alices_case.public_id]))
    assert "14 Feb 2022 (outside Habeas)" in advocacy.content.decode()
    assert selectors.submission_sent(case=alices_case)
    assert selectors.un_submission_sent(case=alices_case)


def test_recording_it_is_audited_under_its_own_action(alices_case, alice, client):
    client.force_login(alice)
    intervention = add_submission(client, alices_case)
    client.post(
        sent_elsewhere_url(intervention),
        {"sent_on": "2022-02-14", "channel": "post", "reference": UN_REF},
    )
    entry = AuditEntry.objects.get(action="intervention.sent_outside")
    assert entry.actor_username == "alice"
    assert entry.case_id == str(alices_case.public_id)
    assert entry.detail["sent_on"] == "2022-02-14"
    assert "reference" not in entry.detail  # free text: audit details hold ids and choices
    assert not AuditEntry.objects.filter(action="intervention.sent").exists()


def test_a_date_in_the_future_is_refused_with_what_was_typed_kept(alices_case, alice, client):
    client.force_login(alice)
    intervention = add_submission(client, alices_case)
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused = client.post(
        sent_elsewhere_url(intervention),
        {"sent_on": tomorrow.isoformat(), "channel": "fax", "reference": "KEPT-REF-77"},
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "cannot be in the future" in page
    assert 'value="KEPT-REF-77"' in page
    assert f'value="{tomorrow.isoformat()}"' in page
    intervention.refresh_from_db()
    assert intervention.sent_on is None and intervention.status == Intervention.Status.DRAFT
    assert not AuditEntry.objects.filter(action="intervention.sent_outside").exists()


def test_a_date_before_the_disappearance_is_refused(alices_case, alice, client):
    """Disappeared 20 Oct 2021: nothing about it went out on the 19th."""
    client.force_login(alice)
    intervention = add_submission(client, alices_case)
    refused = client.post(
        sent_elsewhere_url(intervention), {"sent_on": "2021-10-19", "channel": "post"}
    )
    assert refused.status_code == 400
    assert "before the disappearance" in refused.content.decode()
    intervention.refresh_from_db()
    assert intervention.sent_on is None
    same_day = client.post(
        sent_elsewhere_url(intervention), {"sent_on": "2021-10-20", "channel": "post"}
    )
    assert same_day.status_code == 302


def test_a_month_only_disappearance_allows_any_day_of_that_month(alice, client):
    person = cases.person_create(name="Test Person", by=alice)
    case = cases.case_create(
        reference="TM-2021-090",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10"),
        by=alice,
    )
    client.force_login(alice)
    intervention = add_submission(client, case)
    early = client.post(
        sent_elsewhere_url(intervention), {"sent_on": "2021-09-30", "channel": "post"}
    )
    assert early.status_code == 400
    ok = client.post(sent_elsewhere_url(intervention), {"sent_on": "2021-10-02", "channel": "post"})
    assert ok.status_code == 302


def test_an_intervention_already_sent_is_not_recorded_again(alices_case, alice, client):
    client.force_login(alice)
    intervention = add_submission(client, alices_case)
    client.post(sent_elsewhere_url(intervention), {"sent_on": "2022-02-14", "channel": "post"})
    again = client.post(
        sent_elsewhere_url(intervention), {"sent_on": "2023-01-01", "channel": "email"}
    )
    assert again.status_code == 400
    assert "already marked as sent" in again.content.decode()
    intervention.refresh_from_db()
    assert intervention.sent_on == date(2022, 2, 14)


@pytest.mark.parametrize("who", ["charlie", "vera"])
def test_an_outsider_or_a_viewer_gets_404_and_changes_nothing(
    alices_case, alice, client, charlie, vera, who
):
    client.force_login(alice)
    intervention = add_submission(client, alices_case)
    client.force_login({"charlie": charlie, "vera": vera}[who])
    url = sent_elsewhere_url(intervention)
    assert client.get(url).status_code == 404
    posted = client.post(url, {"sent_on": "2022-02-14", "channel": "post"})
    assert posted.status_code == 404
    intervention.refresh_from_db()
    assert intervention.sent_on is None


def test_a_response_to_it_starts_the_six_month_contest_clock(alices_case, alice, client):
    """The government's detailed reply to the 2022 submission, forwarded by the
    Working Group, gives six months to contest it, as for a submission sent from here."""
    client.force_login(alice)
    intervention = add_submission(client, alices_case)
    client.post(sent_elsewhere_url(intervention), {"sent_on": "2022-02-14", "channel": "post"})
    replied = client.post(
        reverse("response_add", args=[alices_case.public_id, intervention.public_id]),
        {"received_on": "2022-08-01", "type": "denial", "content": "Not held."},
    )
    assert replied.status_code == 302
    response = Response.objects.get(intervention=intervention)
    assert response.deadline == date(2023, 2, 1)
    intervention.refresh_from_db()
    assert intervention.status == Intervention.Status.RESPONDED


def test_the_urgent_window_alert_stops_once_the_submission_is_recorded_sent_elsewhere(
    alice, client
):
    """GIVEN a case in its urgent window with the submission drafted, the window
    alerts due WHEN the submission is recorded as sent outside Habeas THEN the next
    window alert is not raised and the case's window deadline is cleared."""
    case = open_case(alice, disappeared="2026-03-01")
    client.force_login(alice)
    intervention = add_submission(client, case)
    assert Rule.WINDOW in rules_of(detect_at(datetime(2026, 5, 20, tzinfo=UTC)))

    done = client.post(
        sent_elsewhere_url(intervention),
        {"sent_on": "2026-05-21", "channel": "online_form", "reference": UN_REF},
    )
    assert done.status_code == 302
    assert Rule.WINDOW not in rules_of(detect_at(datetime(2026, 5, 31, tzinfo=UTC)))
    with time_machine.travel(datetime(2026, 5, 22, tzinfo=UTC), tick=False):
        case_deadlines_update(case=case)
    window = Deadline.objects.filter(case=case, rule=Rule.WINDOW, due_at__isnull=False)
    assert not window.exists()


def test_a_closed_intervention_is_not_recorded_as_sent(alices_case, alice, client):
    client.force_login(alice)
    intervention = add_submission(client, alices_case)
    closed = client.post(
        reverse("intervention_close", args=[alices_case.public_id, intervention.public_id]),
        {"reason": "superseded by a new submission"},
    )
    assert closed.status_code == 302
    refused = client.post(
        sent_elsewhere_url(intervention), {"sent_on": "2022-02-14", "channel": "post"}
    )
    assert refused.status_code == 400
    assert "is closed" in refused.content.decode()
    intervention.refresh_from_db()
    assert intervention.sent_on is None


@pytest.mark.django_db
def test_the_demo_old_case_un_submission_is_sent_outside_habeas_with_a_reply_clock(alice, client):
    """TM-2002-004 was submitted on paper in 2022: the demo records it as sent outside
    Habeas, so the government's reply runs its six-month clock, and the public timeline
    may say the case went to the UN."""
    from habeas.demo import cases as demo

    loaded = datetime(2026, 12, 6, 12, tzinfo=UTC)
    with time_machine.travel(loaded, tick=False):
        demo.load(user=alice)
    case = Case.objects.get(reference="TM-2002-004")
    submission = case.interventions.get(kind=Intervention.Kind.WGEID_STANDARD)
    assert submission.sent_outside and submission.sent_on == date(2022, 2, 14)
    reply = submission.responses.get()
    assert reply.deadline is not None and reply.deadline > loaded.date()
    assert AuditEntry.objects.filter(
        action="intervention.sent_outside", target_id=str(submission.public_id)
    ).exists()
    client.force_login(alice)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Sent on 14 Feb 2022, outside Habeas" in page
    public = client.get(f"/public/{case.public_profile.public_id}/").content.decode()
    assert "Case submitted to the United Nations" in public


def test_one_sent_years_ago_without_a_reply_is_due_a_follow_up(alices_case, alice, client):
    """Counted as sent on its own day: 30 days on, no response recorded, a follow-up
    is due (already, for 2022); recording the reply ends it."""
    client.force_login(alice)
    intervention = add_submission(client, alices_case)
    client.post(sent_elsewhere_url(intervention), {"sent_on": "2022-02-14", "channel": "post"})
    case_deadlines_update(case=alices_case)
    follow_up = Deadline.objects.get(case=alices_case, rule=Rule.FOLLOW_UP)
    assert follow_up.subject == f"intervention:{intervention.pk}"
    assert timezone.localdate(follow_up.due_at) == date(2022, 3, 16)
    client.post(
        reverse("response_add", args=[alices_case.public_id, intervention.public_id]),
        {"received_on": "2022-08-01", "type": "no_response"},
    )
    case_deadlines_update(case=alices_case)
    assert not Deadline.objects.filter(case=alices_case, rule=Rule.FOLLOW_UP).exists()


def test_a_2021_urgent_submission_is_recorded_under_the_urgent_procedure(alice, client):
    """GIVEN a case of 20 Oct 2021 entered in Habeas in 2026, whose urgent submission
    went to the Working Group on 5 Nov 2021 (inside the window as it stood then)
    WHEN its draft (standard: urgent is no longer offered) is recorded as sent outside
    Habeas under the urgent procedure THEN it is the urgent submission, audited so."""
    case = open_case(alice, disappeared="2021-10-20")
    client.force_login(alice)
    draft = add_submission(client, case)
    page = client.get(sent_elsewhere_url(draft))
    assert 'name="procedure"' in page.content.decode()
    response = client.post(
        sent_elsewhere_url(draft),
        {"sent_on": "2021-11-05", "channel": "email", "procedure": "wgeid_urgent"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.kind == Intervention.Kind.WGEID_URGENT
    assert draft.sent_on == date(2021, 11, 5)
    entry = AuditEntry.objects.get(action="intervention.sent_outside")
    assert entry.detail["kind"] == "wgeid_urgent"


def test_an_urgent_submission_sent_after_the_window_is_refused_with_the_dates(alice, client):
    """Sent on 1 Mar 2022, after the window closed (20 Jan 2022): not urgent; the
    form says so with both dates, keeps what was typed, and nothing changes."""
    case = open_case(alice, disappeared="2021-10-20")
    client.force_login(alice)
    draft = add_submission(client, case)
    response = client.post(
        sent_elsewhere_url(draft),
        {"sent_on": "2022-03-01", "channel": "email", "procedure": "wgeid_urgent"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Sent on 1 Mar 2022, after the three-month window" in page
    assert f"closed on {case.urgent_window_closes:%-d %b %Y}" in page
    assert 'value="2022-03-01"' in page
    draft.refresh_from_db()
    assert (draft.kind, draft.sent_on) == (Intervention.Kind.WGEID_STANDARD, None)
    # The standard procedure on that day is recorded.
    client.post(
        sent_elsewhere_url(draft),
        {"sent_on": "2022-03-01", "channel": "email", "procedure": "wgeid_standard"},
    )
    draft.refresh_from_db()
    assert (draft.kind, draft.sent_on) == (Intervention.Kind.WGEID_STANDARD, date(2022, 3, 1))


def test_a_prompt_intervention_needs_the_reprisals_the_record_shows(alice, client):
    case = open_case(alice, disappeared="2021-10-20")
    client.force_login(alice)
    draft = add_submission(client, case)
    response = client.post(
        sent_elsewhere_url(draft),
        {"sent_on": "2021-11-05", "channel": "email", "procedure": "wgeid_prompt"},
    )
    assert response.status_code == 400
    assert "A prompt intervention is for intimidation or reprisals" in response.content.decode()
    draft.refresh_from_db()
    assert draft.sent_on is None


def test_a_letter_recorded_as_sent_elsewhere_has_no_procedure(alice, client, alices_case):
    client.force_login(alice)
    client.post(
        reverse("intervention_add", args=[alices_case.public_id]),
        {"kind": "letter_authorities", "language": "en"},
    )
    letter = Intervention.objects.get(case=alices_case, kind="letter_authorities")
    assert 'name="procedure"' not in client.get(sent_elsewhere_url(letter)).content.decode()
    client.post(
        sent_elsewhere_url(letter),
        {"sent_on": "2022-02-14", "channel": "post", "procedure": "wgeid_urgent"},
    )
    letter.refresh_from_db()
    assert (letter.kind, letter.sent_on) == ("letter_authorities", date(2022, 2, 14))
