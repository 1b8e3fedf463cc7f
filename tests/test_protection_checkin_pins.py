"""The secrets of a check-in plan (habeas/protection/pins.py): the link's key, the
PINs' hashes, and the lock on guessing counted before each check."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from habeas.protection import pins
from habeas.protection.models import AtRisk, Plan

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def plan(db) -> Plan:
    at_risk = AtRisk.objects.create(
        code_name="Heron", consent_on=dt.date(2026, 12, 1), consent_how="in person"
    )
    return Plan.objects.create(
        at_risk=at_risk,
        kind=Plan.Kind.INTERVAL,
        every_hours=24,
        link_key=pins.link_key(pins.new_link_token()),
        pin_hash=pins.hash_pin("123456"),
        duress_pin_hash=pins.hash_pin("654321"),
    )


def test_a_link_token_is_128_random_bits_and_url_safe():
    tokens = {pins.new_link_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert len(base64.urlsafe_b64decode(token + "==")) == 16
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_the_link_key_is_a_keyed_hash_not_the_token(settings):
    token = pins.new_link_token()
    key = pins.link_key(token)
    assert len(key) == 64 and token not in key
    assert pins.link_key(token) == key
    assert pins.link_key(token + "x") != key
    # Keyed: another installation's key ring (or none at all) makes another key.
    from habeas.lib.crypto import KeyRing

    settings.HABEAS_KEYRING = KeyRing.generate()
    assert pins.link_key(token) != key


def test_a_link_issued_before_a_key_rotation_still_finds_its_plan(settings):
    token = pins.new_link_token()
    before = pins.link_key(token)
    settings.HABEAS_KEYRING = settings.HABEAS_KEYRING.rotated()
    assert pins.link_key(token) != before
    assert pins.link_keys(token)[0] == pins.link_key(token)
    assert before in pins.link_keys(token)


def test_a_pin_is_kept_as_a_slow_hash_and_checked_as_typed():
    encoded = pins.hash_pin("123456")
    assert "123456" not in encoded
    assert pins.check_pin("123456", encoded)
    assert pins.check_pin(" 123 456 ", encoded)
    assert pins.check_pin("１２３４５６", encoded)  # a full-width keyboard
    assert not pins.check_pin("123457", encoded)
    assert not pins.check_pin("", encoded)
    assert not pins.check_pin("123456", "")


def test_a_new_pin_has_its_digits():
    pin = pins.new_pin()
    assert len(pin) == 6 and pin.isdigit()


def test_five_answers_in_a_row_lock_the_plan_and_a_sixth_is_refused_unchecked(plan):
    counts = [pins.attempt_begin(plan.pk, NOW) for _ in range(5)]
    assert counts == [1, 2, 3, 4, 5]
    assert pins.locked_now(counts[-1])
    # Counted before the check: five answers in flight at once (none of them
    # finished) already lock the plan, so a sixth sent alongside is not checked.
    assert pins.attempt_begin(plan.pk, NOW) is None
    plan.refresh_from_db()
    assert plan.locked_until == NOW + pins.LOCK_FIRST


def test_a_right_answer_clears_the_count(plan):
    for _ in range(4):
        pins.attempt_begin(plan.pk, NOW)
    assert pins.attempt_begin(plan.pk, NOW) == 5
    pins.attempt_passed(plan.pk)  # the fifth was the right PIN
    plan.refresh_from_db()
    assert (plan.failed_pins, plan.locked_until) == (0, None)
    assert pins.attempt_begin(plan.pk, NOW) == 1


def test_the_lock_grows_with_every_wrong_answer_after_it_ran_out(plan):
    for _ in range(5):
        pins.attempt_begin(plan.pk, NOW)
    assert pins.attempt_begin(plan.pk, NOW + pins.LOCK_FIRST - dt.timedelta(seconds=1)) is None
    later = NOW + pins.LOCK_FIRST
    assert pins.attempt_begin(plan.pk, later) == 6
    assert not pins.locked_now(6)  # the team heard of the lock once
    plan.refresh_from_db()
    assert plan.locked_until == later + 2 * pins.LOCK_FIRST
    assert pins.lock_for(7) == 4 * pins.LOCK_FIRST
    assert pins.lock_for(40) == pins.LOCK_LONGEST
    assert pins.lock_for(4) == dt.timedelta(0)


def test_a_pin_hash_is_keyed_so_a_database_copy_alone_cannot_crack_it(settings):
    from django.contrib.auth.hashers import check_password

    from habeas.lib.crypto import KeyRing

    encoded = pins.hash_pin("123456")
    # Whoever holds the database but not the key ring tries every PIN in vain.
    assert not check_password("123456", encoded)
    assert not check_password(pins.pin_normalised("123456"), encoded)
    ring = settings.HABEAS_KEYRING
    settings.HABEAS_KEYRING = KeyRing.generate()  # another installation's keys
    assert not pins.check_pin("123456", encoded)
    # After a key rotation the PIN made under the old key still works.
    settings.HABEAS_KEYRING = ring.rotated()
    assert pins.check_pin("123456", encoded)
    assert pins.hash_pin("123456") != encoded
    assert pins.check_pin("123456", pins.hash_pin("123456"))
