"""When a person at risk must next check in: every few hours or on a schedule in
their own time zone, across daylight-saving changes, paused, travelling, with grace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from habeas.protection import schedule
from habeas.protection.models import Plan

BERLIN = ZoneInfo("Europe/Berlin")
ALMATY = ZoneInfo("Asia/Almaty")


def plan(**fields) -> Plan:
    values = {"kind": Plan.Kind.INTERVAL, "every_hours": 12, "grace_minutes": 0, "time_zone": "UTC"}
    values.update(fields)
    return Plan(**values)


def cron_plan(text: str, zone: str = "Europe/Berlin", **fields) -> Plan:
    return plan(kind=Plan.Kind.SCHEDULE, every_hours=None, schedule=text, time_zone=zone, **fields)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def firings(p: Plan, after: datetime, count: int) -> list[datetime]:
    """The schedule's next `count` deadlines, each counted from the one before, as
    if the person checked in just then (with no early check-in allowance)."""
    out = []
    for _ in range(count):
        after = schedule.next_deadline(p, after - schedule.EARLY)
        out.append(after)
    return out


# Every few hours


def test_an_interval_plan_is_due_n_hours_after_the_last_check_in_plus_grace():
    p = plan(every_hours=12, grace_minutes=90)
    assert schedule.next_deadline(p, utc(2026, 12, 7, 8, 0)) == utc(2026, 12, 7, 21, 30)


def test_an_interval_counts_real_hours_across_a_change_of_clocks():
    # Berlin springs forward on 29 March 2026: 12 hours are 12 hours, not 11 or 13.
    p = plan(every_hours=12, time_zone="Europe/Berlin")
    after = local(BERLIN, 2026, 3, 28, 20, 0)
    assert schedule.next_deadline(p, after) - after == timedelta(hours=12)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        schedule.next_deadline(plan(), datetime(2026, 12, 7, 8, 0))  # noqa: DTZ001


def test_a_plan_asking_for_nothing_has_no_deadline():
    assert schedule.next_deadline(plan(every_hours=None), utc(2026, 12, 7)) is None
    assert schedule.next_deadline(cron_plan(""), utc(2026, 12, 7)) is None


# On a schedule, in the person's time zone


def test_a_schedule_is_read_in_the_persons_time_zone():
    p = cron_plan("0 9 * * *", zone="Asia/Almaty", grace_minutes=30)
    # 9:00 in Almaty (UTC+5 since 2024) is 4:00 UTC.
    assert schedule.next_deadline(p, utc(2026, 12, 7, 0, 0)) == utc(2026, 12, 7, 4, 30)
    # The same schedule read in UTC would be due five hours later.
    assert schedule.next_deadline(
        cron_plan("0 9 * * *", zone="UTC", grace_minutes=30), utc(2026, 12, 7, 0, 0)
    ) == utc(2026, 12, 7, 9, 30)


def test_a_check_in_a_little_early_counts_for_the_scheduled_time():
    p = cron_plan("0 9,21 * * *")
    # Checked in at 8:50 for 9:00: next due at 21:00, not ten minutes later.
    due = schedule.next_deadline(p, local(BERLIN, 2026, 12, 7, 8, 50))
    assert due == local(BERLIN, 2026, 12, 7, 21, 0)
    # Two hours early is not "a little": the 9:00 one still stands.
    due = schedule.next_deadline(p, local(BERLIN, 2026, 12, 7, 6, 50))
    assert due == local(BERLIN, 2026, 12, 7, 9, 0)


def test_a_schedule_keeps_local_time_across_the_spring_change():
    p = cron_plan("0 9 * * *")
    days = firings(p, local(BERLIN, 2026, 3, 27, 12, 0), 3)
    assert [d.astimezone(BERLIN).hour for d in days] == [9, 9, 9]
    # The UTC offsets tell the change: 8:00 UTC before, 7:00 UTC after.
    assert [d.astimezone(UTC).hour for d in days] == [8, 7, 7]


def test_a_time_that_does_not_exist_moves_to_the_first_moment_after_the_gap():
    # 29 March 2026 in Berlin: 2:00 jumps to 3:00, so 2:30 never happens.
    p = cron_plan("30 2 * * *")
    days = firings(p, local(BERLIN, 2026, 3, 28, 12, 0), 3)
    assert days == [
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 3:00 CEST, once
        local(BERLIN, 2026, 3, 30, 2, 30),
        local(BERLIN, 2026, 3, 31, 2, 30),
    ]


def test_several_times_in_the_gap_fire_once_at_its_end():
    p = cron_plan("0,20,40 2 * * *")
    days = firings(p, local(BERLIN, 2026, 3, 29, 0, 30), 2)
    assert days == [utc(2026, 3, 29, 1, 0), local(BERLIN, 2026, 3, 30, 2, 0)]


def test_an_ambiguous_time_counts_once_at_its_first_occurrence():
    # 25 October 2026 in Berlin: 3:00 falls back to 2:00, so 2:30 happens twice.
    p = cron_plan("30 2 * * *")
    days = firings(p, local(BERLIN, 2026, 10, 24, 12, 0), 2)
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 2:30 CEST
    assert days == [first, local(BERLIN, 2026, 10, 26, 2, 30)]


def test_an_hourly_schedule_does_not_repeat_the_hour_that_happens_twice():
    p = cron_plan("0 * * * *")
    days = firings(p, local(BERLIN, 2026, 10, 25, 0, 30), 4)
    assert [d.astimezone(UTC).hour for d in days] == [23, 0, 2, 3]
    # 1:00 CEST, 2:00 CEST, then 3:00 CET: 2:00 CET (the repeat) is skipped.
    assert [d.astimezone(BERLIN).strftime("%H:%M%z") for d in days] == [
        "01:00+0200",
        "02:00+0200",
        "03:00+0100",
        "04:00+0100",
    ]


def test_lists_ranges_steps_and_names():
    p = cron_plan("15 8-20/6 * * mon-fri", zone="UTC")
    # Friday 11 December 2026, after 20:15: the next is Monday 8:15.
    assert schedule.next_deadline(p, utc(2026, 12, 11, 20, 20)) == utc(2026, 12, 14, 8, 15)
    assert firings(p, utc(2026, 12, 14, 7, 0), 3) == [
        utc(2026, 12, 14, 8, 15),
        utc(2026, 12, 14, 14, 15),
        utc(2026, 12, 14, 20, 15),
    ]
    sunday = cron_plan("0 12 * * 7", zone="UTC")
    assert schedule.next_deadline(sunday, utc(2026, 12, 7)) == utc(2026, 12, 13, 12, 0)
    assert schedule.validate_cron("0 9 * Jan,December Sun") is not None


def test_day_of_month_and_day_of_week_together_mean_either():
    # Vixie cron: "the 1st, or any Monday".
    p = cron_plan("0 9 1 * mon", zone="UTC")
    assert firings(p, utc(2026, 11, 28, 0, 0), 3) == [
        utc(2026, 11, 30, 9, 0),  # a Monday
        utc(2026, 12, 1, 9, 0),  # the 1st, a Tuesday
        utc(2026, 12, 7, 9, 0),
    ]


# Refused schedules


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0 9 * *", "five fields"),
        ("0 9 * * * *", "five fields"),
        ("60 9 * * *", "minute"),
        ("0 24 * * *", "hour"),
        ("0 9 0 * *", "day of the month"),
        ("0 9 * 13 *", "month"),
        ("0 9 * * 8", "day of the week"),
        ("0 9 * * funday", "day of the week"),
        ("0 9-5 * * *", "hour"),
        ("*/0 9 * * *", "minute"),
        ("0,,5 9 * * *", "minute"),
        ("0 9 31 2 *", "never comes round"),
        ("*/5 * * * *", "15 minutes"),
        ("0,10 9 * * *", "15 minutes"),
        ("50 8,9 * * *", None),
    ],
)
def test_a_bad_schedule_is_refused_with_a_message_saying_why(text, says):
    if says is None:
        assert schedule.validate_cron(text)
        return
    with pytest.raises(ValidationError) as refused:
        schedule.validate_cron(text)
    assert says in " ".join(refused.value.messages)


def test_every_fifteen_minutes_is_allowed_and_fourteen_is_not():
    assert schedule.validate_cron("*/15 * * * *")
    with pytest.raises(ValidationError):
        schedule.validate_cron("0,14,30,45 * * * *")
    # Across midnight counts too: 23:55 then 0:05.
    with pytest.raises(ValidationError):
        schedule.validate_cron("5,55 0,23 * * *")


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValidationError) as refused:
        schedule.validate_cron("0 9 * * *", "Europe/Atlantis")
    assert "time zone" in refused.value.messages[0]


def test_the_29th_of_february_is_a_schedule_that_comes_round():
    p = cron_plan("0 9 29 2 *", zone="UTC")
    assert schedule.validate_cron(p.schedule)
    assert schedule.next_deadline(p, utc(2026, 12, 7)) == utc(2028, 2, 29, 9, 0)


def test_a_stored_schedule_that_no_longer_parses_gives_no_deadline_not_a_crash():
    assert schedule.next_deadline(cron_plan("whenever"), utc(2026, 12, 7)) is None
    assert schedule.next_deadline(cron_plan("0 9 * * *", zone="Nowhere"), utc(2026, 12, 7)) is None


# Pause, travel, grace


def test_a_paused_plan_is_due_only_after_the_pause():
    p = plan(every_hours=12, grace_minutes=60, paused_until=utc(2026, 12, 20, 0, 0))
    assert schedule.next_deadline(p, utc(2026, 12, 7, 8, 0)) == utc(2026, 12, 20, 13, 0)


def test_a_paused_schedule_is_due_at_its_first_time_after_the_pause():
    p = cron_plan("0 9 * * *", zone="UTC", paused_until=utc(2026, 12, 20, 8, 30))
    # The end of the pause is not a check-in: 9:00 that day is due.
    assert schedule.next_deadline(p, utc(2026, 12, 7, 8, 0)) == utc(2026, 12, 20, 9, 0)


def test_a_pause_that_has_ended_changes_nothing():
    p = plan(every_hours=12, paused_until=utc(2026, 12, 1))
    assert schedule.next_deadline(p, utc(2026, 12, 7, 8, 0)) == utc(2026, 12, 7, 20, 0)


def test_travel_mode_asks_more_often_until_it_ends():
    p = plan(every_hours=24, travel_every_hours=4, travel_until=utc(2026, 12, 10), grace_minutes=30)
    assert schedule.next_deadline(p, utc(2026, 12, 7, 8, 0)) == utc(2026, 12, 7, 12, 30)
    # After the trip, the usual rhythm.
    assert schedule.next_deadline(p, utc(2026, 12, 10, 8, 0)) == utc(2026, 12, 11, 8, 30)


def test_travel_mode_overrides_a_schedule_while_it_lasts():
    p = cron_plan("0 9 * * *", zone="UTC", travel_every_hours=6, travel_until=utc(2026, 12, 10))
    assert schedule.next_deadline(p, utc(2026, 12, 7, 10, 0)) == utc(2026, 12, 7, 16, 0)
    assert schedule.next_deadline(p, utc(2026, 12, 10, 10, 0)) == utc(2026, 12, 11, 9, 0)


def test_grace_is_added_to_a_schedule_too():
    p = cron_plan("0 9 * * *", zone="UTC", grace_minutes=45)
    assert schedule.next_deadline(p, utc(2026, 12, 7, 7, 0)) == utc(2026, 12, 7, 9, 45)
