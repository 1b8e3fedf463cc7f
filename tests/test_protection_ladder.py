"""The escalation ladder, with time-machine through every stage: a missed check-in
climbs reminder → team → safety contacts at the plan's minutes, once each and in
order, whatever the watcher's downtime, clock jumps or edits of the plan; duress
goes straight to the top; a check-in closes a missed escalation, not a duress one.

HERON checks in every 12 hours, with an hour's grace, from 8:00 UTC on 7 December:
the deadline is 21:00; the reminder is due at 21:15, the team at 22:00, the
contacts at 1:00 the next day."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection

from habeas.alerts.models import AlertPreference, Delivery
from habeas.audit.models import AuditEntry
from habeas.protection import ladder, services
from habeas.protection.models import Escalation, Plan
from tests.support.alerts import SECRET, Receiver
from tests.support.protection_ladder import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    FEAR_CANARY,
    NAME_CANARY,
    PASSPORT_CANARY,
    REMINDER_EMAIL,
    deliveries,
    enrol_heron,
    minutes,
    run_watcher,
    stages_sent,
)

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)
CANARIES = (NAME_CANARY, FEAR_CANARY, PASSPORT_CANARY)


@pytest.fixture
def receiver(settings):
    with Receiver() as partner:
        settings.HABEAS_PROTECTION_WEBHOOKS = [(partner.url, SECRET)]
        settings.HABEAS_SITE_URL = "https://habeas.example"
        settings.HABEAS_ORGANISATION = "Rights Watch Central Asia"
        yield partner


@pytest.fixture
def heron(alice, bob, vera, charlie, receiver):
    for user in (alice, bob, vera, charlie):
        user.email = f"{user.username}@org.example"
        user.save()
    with time_machine.travel(T0, tick=False):
        return enrol_heron(alice, bob, vera, now=T0, partner_url=receiver.url)


def at(moment: datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return run_watcher(moment)


def escalation() -> Escalation:
    return Escalation.objects.get()


def recipients(stage: str) -> list[str]:
    out = []
    for d in deliveries():
        if d.reference.endswith(":" + stage):
            out.append(d.user.username if d.user else d.address)
    return sorted(out)


def edit(at_risk, moment: datetime, **fields) -> None:
    """The lead edits the plan through the service, at `moment`."""
    with time_machine.travel(moment, tick=False):
        services.plan_set(at_risk=at_risk, by=at_risk.created_by, now=moment, **fields)


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


# The ladder, stage by stage


def test_nothing_happens_before_the_deadline(heron):
    at(DEADLINE - minutes(1))
    assert not Escalation.objects.exists()
    assert deliveries() == []


def test_a_missed_check_in_climbs_the_ladder_stage_by_stage(heron, receiver, alice):
    at(DEADLINE)
    assert escalation().cause == Escalation.Cause.MISSED
    assert escalation().stage == Escalation.Stage.MISSED
    assert escalation().missed_deadline == DEADLINE
    assert deliveries() == [], "nothing is sent at the deadline itself"

    at(DEADLINE + minutes(14))
    assert escalation().stage == Escalation.Stage.MISSED

    at(DEADLINE + minutes(15))
    assert escalation().stage == Escalation.Stage.REMINDED
    assert recipients("reminded") == [REMINDER_EMAIL]
    assert len(mails_to(REMINDER_EMAIL)) == 1

    at(DEADLINE + minutes(59))
    assert escalation().stage == Escalation.Stage.REMINDED
    at(DEADLINE + minutes(60))
    assert escalation().stage == Escalation.Stage.TEAM
    # The whole team, read-only members too; never the outsider.
    assert recipients("team") == ["alice", "bob", "vera"]
    assert [m.to for m in mail.outbox[1:]] == [
        ["alice@org.example"],
        ["bob@org.example"],
        ["vera@org.example"],
    ]

    at(DEADLINE + minutes(239))
    assert escalation().stage == Escalation.Stage.TEAM
    at(DEADLINE + minutes(240))
    assert escalation().stage == Escalation.Stage.CONTACTS
    assert recipients("contacts") == sorted([CONTACT_EMAIL, receiver.url])
    assert len(mails_to(CONTACT_EMAIL)) == 1
    assert len(receiver.delivered) == 1

    # At the top it waits for a person: nothing more, however long.
    at(DEADLINE + minutes(24 * 60))
    assert len(deliveries()) == 6
    assert all(d.status == Delivery.Status.SENT for d in deliveries())
    actions = list(
        AuditEntry.objects.filter(action__startswith="protection.escalation").values_list(
            "action", flat=True
        )
    )
    assert actions == ["protection.escalation_open"] + ["protection.escalation_stage"] * 3


def test_a_plan_without_a_reminder_goes_from_missed_to_the_team(alice, bob, receiver):
    alice.email = "alice@org.example"
    alice.save()
    with time_machine.travel(T0, tick=False):
        enrol_heron(
            alice,
            now=T0,
            partner_url=receiver.url,
            remind_after=None,
            reminder_channel="",
            reminder_target="",
        )
    at(DEADLINE + minutes(60))
    assert escalation().stage == Escalation.Stage.TEAM
    assert stages_sent() == ["team"]


def test_the_watcher_down_for_hours_runs_each_stage_once_and_in_order(heron):
    at(DEADLINE - minutes(30))  # the last pass before it went down
    # Back five hours after the deadline: reminder, team and contacts are all due.
    summary = at(DEADLINE + minutes(300))
    assert summary["protection"] == {"opened": 1, "climbed": 3, "plans_broken": 0}
    assert escalation().stage == Escalation.Stage.CONTACTS
    assert stages_sent() == ["reminded", "team", "team", "team", "contacts", "contacts"]
    # Handed to the outbox in that order, and sent in the same pass.
    assert [d.pk for d in deliveries()] == sorted(d.pk for d in deliveries())
    assert {d.status for d in deliveries()} == {Delivery.Status.SENT}
    at(DEADLINE + minutes(301))
    at(DEADLINE + minutes(600))
    assert len(deliveries()) == 6
    assert len(mail.outbox) == 5


def test_a_clock_set_back_then_forward_never_sends_a_stage_again(heron):
    at(DEADLINE + minutes(60))
    assert stages_sent() == ["reminded", "team", "team", "team"]
    # Someone sets the clock back a day, then right again.
    at(DEADLINE - minutes(24 * 60))
    at(DEADLINE + minutes(10))
    at(DEADLINE + minutes(61))
    assert stages_sent() == ["reminded", "team", "team", "team"]
    assert Escalation.objects.count() == 1
    at(DEADLINE + minutes(240))
    assert stages_sent()[-2:] == ["contacts", "contacts"]
    assert len(deliveries()) == 6


def test_a_plan_edited_mid_escalation_keeps_its_stage_and_new_minutes_apply_ahead(heron):
    at(DEADLINE + minutes(60))
    assert escalation().stage == Escalation.Stage.TEAM
    # The lead changes the ladder: earlier reminder and team, later contacts.
    edit(heron, DEADLINE + minutes(60), remind_after=5, team_after=10, contacts_after=600)
    at(DEADLINE + minutes(61))
    at(DEADLINE + minutes(240))  # the old time of the contacts: not any more
    assert escalation().stage == Escalation.Stage.TEAM
    assert stages_sent() == ["reminded", "team", "team", "team"], "nothing repeated"
    at(DEADLINE + minutes(600))
    assert escalation().stage == Escalation.Stage.CONTACTS
    assert stages_sent().count("contacts") == 2


def test_a_plan_edited_to_bring_the_contacts_forward_alerts_them_at_the_next_pass(heron):
    at(DEADLINE + minutes(15))
    edit(heron, DEADLINE + minutes(15), team_after=20, contacts_after=30)
    at(DEADLINE + minutes(16))
    assert escalation().stage == Escalation.Stage.REMINDED
    at(DEADLINE + minutes(31))
    # Both stages now due, in order, once each.
    assert stages_sent() == ["reminded", "team", "team", "team", "contacts", "contacts"]


def test_an_edit_that_puts_the_team_after_the_contacts_keeps_the_order(heron):
    # Saved behind the form's back (the form refuses it).
    Plan.objects.filter(at_risk=heron).update(team_after=300, contacts_after=100)
    at(DEADLINE + minutes(100))
    assert escalation().stage == Escalation.Stage.REMINDED
    at(DEADLINE + minutes(300))
    assert stages_sent()[1:] == ["team", "team", "team", "contacts", "contacts"]


# Two watchers


def test_two_watchers_reading_the_same_due_plan_open_one_escalation(heron):
    first, second = (Plan.objects.select_related("at_risk").get(at_risk=heron) for _ in "12")
    with time_machine.travel(DEADLINE + minutes(1), tick=False):
        now = DEADLINE + minutes(1)
        # Both read the plan as due; the first opens; the second's compare-and-set fails.
        assert ladder._open_chunk([first], now) == 1
        assert ladder._open_chunk([second], now) == 0
    assert Escalation.objects.count() == 1


def test_two_watchers_climbing_the_same_escalation_send_the_stage_once(heron):
    at(DEADLINE)
    first, second = Escalation.objects.get(), Escalation.objects.get()  # two reads
    now = DEADLINE + minutes(15)
    with time_machine.travel(now, tick=False):
        assert ladder._advance(first, Escalation.Stage.REMINDED, now)
        assert not ladder._advance(second, Escalation.Stage.REMINDED, now)
        assert not ladder._advance(second, Escalation.Stage.TEAM, now), "it read MISSED"


# Duress


def test_duress_goes_straight_to_the_top_and_tells_team_and_contacts_now(heron, receiver):
    now = DEADLINE - minutes(300)
    with time_machine.travel(now, tick=False):
        raised = ladder.escalate_duress(heron, now)
    assert raised.cause == Escalation.Cause.DURESS
    assert raised.stage == Escalation.Stage.CONTACTS
    # Queued at once: never the reminder (the phone may be in the captor's hands).
    assert stages_sent() == ["duress"] * 5
    assert recipients("duress") == sorted(["alice", "bob", "vera", CONTACT_EMAIL, receiver.url])
    at(now + minutes(1))
    assert {d.status for d in deliveries()} == {Delivery.Status.SENT}
    assert "URGENT" in mails_to("alice@org.example")[0].subject
    # The ladder has nothing left to do for it.
    at(DEADLINE + minutes(600))
    assert len(deliveries()) == 5


def test_duress_during_a_missed_escalation_turns_it_into_a_duress_one(heron):
    at(DEADLINE + minutes(60))
    now = DEADLINE + minutes(70)
    with time_machine.travel(now, tick=False):
        ladder.escalate_duress(heron, now)
    assert Escalation.objects.count() == 1
    assert escalation().cause == Escalation.Cause.DURESS
    assert escalation().stage == Escalation.Stage.CONTACTS
    assert stages_sent()[-5:] == ["duress"] * 5
    # A second signal raises nothing more.
    with time_machine.travel(now + minutes(1), tick=False):
        ladder.escalate_duress(heron, now + minutes(1))
    assert len(deliveries()) == 9


# Check-ins


def test_a_check_in_closes_a_missed_escalation_and_sets_the_next_deadline(heron):
    at(DEADLINE + minutes(15))
    plan = Plan.objects.get(at_risk=heron)
    checked = DEADLINE + minutes(20)
    with time_machine.travel(checked, tick=False):
        ladder.on_check_in(plan, checked)
    assert escalation().outcome == Escalation.Outcome.CHECKED_IN
    assert escalation().closed_at == checked
    plan.refresh_from_db()
    assert plan.last_check_in_at == checked
    assert plan.next_deadline == checked + minutes(13 * 60)
    at(DEADLINE + minutes(300))
    assert stages_sent() == ["reminded"], "the team and contacts are never bothered"


def test_a_check_in_does_not_close_a_duress_escalation(heron):
    with time_machine.travel(DEADLINE - minutes(60), tick=False):
        ladder.escalate_duress(heron, DEADLINE - minutes(60))
        ladder.on_check_in(Plan.objects.get(at_risk=heron), DEADLINE - minutes(59))
    assert escalation().closed_at is None
    assert escalation().cause == Escalation.Cause.DURESS


def test_a_late_record_of_an_earlier_check_in_moves_nothing_back(heron):
    plan = Plan.objects.get(at_risk=heron)
    with time_machine.travel(T0 + minutes(120), tick=False):
        ladder.on_check_in(plan, T0 + minutes(120))
    at(T0 + minutes(120 + 13 * 60))
    assert escalation().closed_at is None
    # A caseworker records a call from before the last check-in: nothing changes.
    with time_machine.travel(T0 + minutes(15 * 60), tick=False):
        ladder.on_check_in(plan, T0 + minutes(60))
    plan.refresh_from_db()
    assert plan.last_check_in_at == T0 + minutes(120)
    assert escalation().closed_at is None


def test_a_missed_deadline_while_an_escalation_is_open_opens_no_second_one(heron):
    at(DEADLINE + minutes(60))
    at(DEADLINE + minutes(13 * 60 + 1))  # the next deadline, missed too
    assert Escalation.objects.count() == 1
    assert Plan.objects.get(at_risk=heron).next_deadline > DEADLINE + minutes(13 * 60 + 1)


# Paused, ended


def test_a_paused_plan_opens_nothing_until_the_pause_ends(heron):
    pause_end = DEADLINE + minutes(3 * 24 * 60)
    # Paused in the afternoon: the deadline set in the morning no longer counts.
    edit(heron, DEADLINE - minutes(300), paused_until=pause_end)
    Plan.objects.filter(at_risk=heron).update(next_deadline=DEADLINE)  # as it was
    at(DEADLINE + minutes(300))
    assert not Escalation.objects.exists()
    plan = Plan.objects.get(at_risk=heron)
    assert plan.next_deadline == pause_end + minutes(13 * 60)
    at(pause_end + minutes(13 * 60))
    assert Escalation.objects.count() == 1


def test_an_ended_enrolment_opens_nothing(heron, alice):
    with time_machine.travel(T0 + minutes(60), tick=False):
        services.end(at_risk=heron, by=alice)
    # Even a deadline left behind (a plan saved behind the services' back) opens nothing.
    Plan.objects.filter(at_risk=heron).update(next_deadline=DEADLINE)
    at(DEADLINE + minutes(300))
    assert not Escalation.objects.exists()
    assert Plan.objects.get(at_risk=heron).next_deadline is None


def test_an_escalation_open_when_the_enrolment_ends_stops_climbing(heron, alice):
    at(DEADLINE + minutes(15))
    with time_machine.travel(DEADLINE + minutes(20), tick=False):
        services.end(at_risk=heron, by=alice)
    at(DEADLINE + minutes(300))
    assert stages_sent() == ["reminded"]


# Who hears, and what the messages say


def test_team_members_get_e_mail_per_their_alert_preference(heron, bob, vera):
    AlertPreference.objects.create(user=bob, email=AlertPreference.Email.OFF)
    AlertPreference.objects.create(user=vera, email=AlertPreference.Email.DIGEST)
    at(DEADLINE + minutes(60))
    assert recipients("team") == ["alice", "vera"]
    # A digest would come tomorrow: an escalation goes at once.
    assert all(not d.digest for d in deliveries())
    assert len(mails_to("vera@org.example")) == 1


def test_the_teams_message_names_the_code_name_links_the_page_and_nothing_else(heron):
    at(DEADLINE + minutes(60))
    message = mails_to("alice@org.example")[0]
    assert message.subject == "[Habeas] Missed check-in: HERON"
    assert f"https://habeas.example/protection/{heron.public_id}/" in message.body
    assert "The check-in was due by 2026-12-07 21:00 UTC (grace period included)." in message.body
    assert "They have not checked in since the plan was set." in message.body
    for canary in (*CANARIES, CONTACT_NAME, CONTACT_EMAIL, REMINDER_EMAIL):
        assert canary not in message.subject + message.body


def test_the_reminder_is_neutral(heron):
    at(DEADLINE + minutes(15))
    message = mails_to(REMINDER_EMAIL)[0]
    text = message.subject + message.body
    for word in ("HERON", "Habeas", "Rights Watch", "safety", "check-in", *CANARIES):
        assert word not in text
    assert message.subject == "Reminder"


def test_a_contacts_message_says_what_was_consented_and_not_the_name_without_consent(heron):
    at(DEADLINE + minutes(240))
    message = mails_to(CONTACT_EMAIL)[0]
    body = message.body
    # Dilnoza reads Russian: her message is in Russian (`make messages` compiles it;
    # without the catalogue, English).
    russian = body.startswith("Здравствуйте")
    assert body.startswith(f"Здравствуйте, {CONTACT_NAME}!" if russian else f"Dear {CONTACT_NAME},")
    assert "HERON" in body
    yes, no = ("да", "нет") if russian else ("yes", "no")
    un, public, name = (
        ("передача в органы ООН", "публикация", "публикация имени")
        if russian
        else ("with UN bodies", "in public", "their name in public")
    )
    assert f"{un}: {yes}" in body
    assert f"\n- {public}: {no}" in body
    assert f"{name}: {no}" in body
    for canary in CANARIES:
        assert canary not in message.subject + body


def test_a_contacts_message_names_the_person_who_consented_to_be_named(alice, receiver):
    alice.email = "alice@org.example"
    alice.save()
    with time_machine.travel(T0, tick=False):
        enrol_heron(alice, now=T0, partner_url=receiver.url, named=True)
    at(DEADLINE + minutes(240))
    body = mails_to(CONTACT_EMAIL)[0].body
    assert NAME_CANARY in body
    assert "HERON" not in body, "named, the reference is not needed"
    assert body.rstrip().endswith((": да", ": yes"))  # the last line: their name in public
    assert FEAR_CANARY not in body and PASSPORT_CANARY not in body


def test_a_partner_gets_a_signed_webhook_with_the_consents(heron, receiver):
    at(DEADLINE + minutes(240))
    (payload,) = receiver.delivered.values()
    assert payload["type"] == "protection.missed"
    assert payload["reference"] == "HERON"
    # The partner reads English, the other contact Russian: each in their language.
    assert payload["language"] == "en"
    assert payload["text"].startswith("Dear Partner NGO,")
    assert payload["consents"] == {
        "un": True,
        "authorities": False,
        "publication": False,
        "named": False,
    }
    assert "name" not in payload
    text = json.dumps(payload, ensure_ascii=False)
    for canary in CANARIES:
        assert canary not in text
    assert receiver.bad_signatures == 0


def test_a_partner_webhook_the_administrator_did_not_configure_is_not_called(
    heron, settings, receiver
):
    settings.HABEAS_PROTECTION_WEBHOOKS = []
    at(DEADLINE + minutes(240))
    webhook = [d for d in deliveries() if d.channel == Delivery.Channel.WEBHOOK]
    assert webhook[0].status != Delivery.Status.SENT
    assert webhook[0].last_error == "this webhook is no longer configured"
    assert receiver.arrived == 0


def test_nothing_of_a_notification_is_readable_in_the_database(heron):
    at(DEADLINE + minutes(240))
    with connection.cursor() as cursor:
        cursor.execute("SELECT reference, message, address, target FROM alerts_delivery")
        raw = " ".join(str(value) for row in cursor.fetchall() for value in row)
    for secret in (*CANARIES, CONTACT_NAME, CONTACT_EMAIL, REMINDER_EMAIL, "HERON", "partner"):
        assert secret not in raw
    # Ids only in the audit log too.
    audit = " ".join(str(e.detail) for e in AuditEntry.objects.all())
    for secret in (*CANARIES, CONTACT_NAME, CONTACT_EMAIL, "HERON"):
        assert secret not in audit


def test_alert_team_tells_the_team_someone_may_be_guessing_the_pin(heron):
    now = T0 + minutes(30)
    with time_machine.travel(now, tick=False):
        assert ladder.alert_team(heron, "pin_lockout", now) == 3
    at(now + minutes(1))
    message = mails_to("bob@org.example")[0]
    assert message.subject == "[Habeas] Someone may be guessing the PIN of HERON"
    assert "another channel" in message.body
    assert not Escalation.objects.exists()


def test_a_check_in_between_the_watchers_read_and_its_write_opens_nothing(heron):
    read = Plan.objects.select_related("at_risk").get(at_risk=heron)  # the watcher's read…
    now = DEADLINE + minutes(1)
    with time_machine.travel(now, tick=False):
        ladder.on_check_in(Plan.objects.get(at_risk=heron), now)  # …and a check-in just then
        assert ladder._open_chunk([read], now) == 0
    assert not Escalation.objects.exists()


def test_a_schedule_in_berlin_is_missed_at_local_nine_across_the_spring_change(alice, receiver):
    """Every morning at 9 in Berlin, an hour's grace: on 29 March 2026 the clocks
    go forward, so the deadline is 10:00 CEST, 8:00 UTC (it was 9:00 UTC the day
    before)."""
    alice.email = "alice@org.example"
    alice.save()
    set_at = datetime(2026, 3, 28, 9, 30, tzinfo=UTC)  # Saturday, after that day's 9:00
    with time_machine.travel(set_at, tick=False):
        heron = enrol_heron(
            alice,
            now=set_at,
            contacts=False,
            kind=Plan.Kind.SCHEDULE,
            every_hours=None,
            schedule="0 9 * * *",
            time_zone="Europe/Berlin",
        )
    deadline = datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert Plan.objects.get(at_risk=heron).next_deadline == deadline
    at(deadline - minutes(1))
    assert not Escalation.objects.exists()
    at(deadline)
    assert escalation().missed_deadline == deadline
    at(deadline + minutes(60))
    assert "2026-03-29 08:00 UTC" in mails_to("alice@org.example")[0].body


def test_a_failed_protection_notification_is_listed_without_saying_whom_it_concerns(
    heron, settings, client, ada, receiver
):
    settings.HABEAS_PROTECTION_WEBHOOKS = []
    settings.HABEAS_DELIVERY_MAX_ATTEMPTS = 1
    at(DEADLINE + minutes(240))
    failed = Delivery.objects.get(status=Delivery.Status.FAILED)
    assert failed.alert_id is None
    with time_machine.travel(DEADLINE + minutes(241), tick=False):
        client.force_login(ada)
        page = client.get("/alerts/failed/").content.decode()
    assert "A notification about a person at risk" in page
    assert "a safety contact, a partner or the person at risk" in page
    for secret in ("HERON", receiver.url, CONTACT_NAME, CONTACT_EMAIL, *CANARIES):
        assert secret not in page


def test_a_duress_signal_racing_a_watcher_that_opens_a_missed_escalation_is_not_lost(
    heron, monkeypatch
):
    """The duress check-in reads no open escalation; a watcher opens a missed one
    before it writes: the constraint refuses its row, and it upgrades the watcher's."""
    at(DEADLINE)  # the watcher's missed escalation
    missed = escalation()
    real = Escalation.objects.select_for_update
    reads = []

    def first_read_sees_nothing(*args, **kwargs):
        reads.append(1)
        rows = real(*args, **kwargs)
        return rows.none() if len(reads) == 1 else rows

    monkeypatch.setattr(Escalation.objects, "select_for_update", first_read_sees_nothing)
    with time_machine.travel(DEADLINE + minutes(5), tick=False):
        raised = ladder.escalate_duress(heron, DEADLINE + minutes(5))
    monkeypatch.undo()
    assert len(reads) == 2, "it read again after the constraint refused its row"
    assert raised.pk == missed.pk
    assert escalation().cause == Escalation.Cause.DURESS
    assert stages_sent() == ["duress"] * 5


def test_a_contacts_mail_subject_names_neither_habeas_nor_safety(heron):
    """The subject shows on the contact's lock screen, to whoever holds the phone:
    neutral, and the organisation only where the plan shows it."""
    at(DEADLINE + minutes(240))
    subject = mails_to(CONTACT_EMAIL)[0].subject
    # Dilnoza reads Russian: the English words, or their translation.
    assert subject == "Urgent: please read" or not subject.isascii()
    for word in ("Habeas", "Rights Watch", "afety", "безопасн"):
        assert word not in subject


def test_a_contacts_mail_subject_names_the_organisation_if_the_plan_shows_it(alice, receiver):
    with time_machine.travel(T0, tick=False):
        enrol_heron(alice, now=T0, partner_url=receiver.url, show_organisation=True)
    at(DEADLINE + minutes(240))
    subject = mails_to(CONTACT_EMAIL)[0].subject
    assert "Rights Watch Central Asia" in subject
    assert "Habeas" not in subject and "afety" not in subject
