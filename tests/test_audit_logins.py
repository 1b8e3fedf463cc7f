"""Failed logins in the audit log: bounded (one entry per client and window, then a
summary with the count) and without what was typed as a username."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from habeas.accounts.forms import LOCKED_MESSAGE as LOCKED
from habeas.accounts.models import LoginFailure, LoginTally
from habeas.accounts.services import TALLIES_PER_WINDOW
from habeas.audit.models import AuditEntry
from habeas.audit.services import audit_verify
from tests.conftest import PASSWORD

T0 = datetime(2030, 3, 4, 12, 1, 0, tzinfo=UTC)
PASTED = "Demo-pass-2026!x"  # a password pasted into the username box


@pytest.fixture
def at_t0(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


WRONG = "not the password"


def attempt(username: str, password: str = WRONG, ip: str = "127.0.0.1"):
    return Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def entries(action: str):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_two_hundred_failed_logins_add_a_handful_of_entries_and_the_lock_holds(alice, at_t0):
    """GIVEN one unauthenticated client WHEN it fails 100 logins as alice and 100 more
    across made-up usernames THEN the audit log grows by a handful of entries, and
    alice (and the address) stay locked out."""
    before = AuditEntry.objects.count()
    for _ in range(100):
        attempt("alice")
    for i in range(100):
        attempt(f"user{i}")
    assert AuditEntry.objects.count() - before <= TALLIES_PER_WINDOW + 4
    assert {e.action for e in AuditEntry.objects.all()[before:]} == {
        "auth.login_failed",
        "auth.locked_out",
    }
    assert str(LOCKED) in attempt("alice", PASSWORD, ip="198.51.100.1").content.decode()
    assert str(LOCKED) in attempt("bob", PASSWORD).content.decode()
    assert audit_verify() == AuditEntry.objects.count()


def test_a_window_that_is_over_is_summarised_with_its_count(alice, at_t0):
    for _ in range(3):
        attempt("alice", ip="203.0.113.4")
    for _ in range(4):
        attempt("alice", ip="203.0.113.4")  # refused by the lock: counted apart
    first = entries("auth.login_failed")
    assert len(first) == 1 and first[0].detail == {"stage": "password"}
    assert first[0].actor_username == "alice" and first[0].ip == "203.0.113.4"

    at_t0.shift(timedelta(minutes=16))
    assert Client().post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    failed, refused = entries("auth.login_failed")[1], entries("auth.locked_out")[1]
    assert failed.detail == {
        "stage": "password",
        "count": 5,
        "since": "2030-03-04T12:00+00:00",
        "minutes": 15,
    }
    assert refused.detail["count"] == 2
    assert failed.actor_username == "alice" and failed.ip == "203.0.113.4"
    assert not LoginTally.objects.exists()


def test_a_single_failure_gets_no_summary(alice, at_t0):
    attempt("alice")
    at_t0.shift(timedelta(minutes=20))
    attempt("alice")
    assert [e.detail for e in entries("auth.login_failed")] == [{"stage": "password"}] * 2


def test_what_was_typed_as_an_unknown_username_is_not_kept(alice, at_t0):
    for _ in range(6):
        attempt(PASTED)
    assert str(LOCKED) in attempt(PASTED).content.decode()  # still counted
    at_t0.shift(timedelta(minutes=16))
    attempt(PASTED)  # writes the summaries
    unknown = entries("auth.login_failed") + entries("auth.locked_out")
    assert len(unknown) >= 3
    for entry in unknown:
        assert entry.actor_username == "" and entry.detail["username"] == "unknown"
    with connection.cursor() as cursor:
        for table in ("audit_auditentry", "accounts_loginfailure", "accounts_logintally"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
            dump = json.dumps(cursor.fetchall(), default=str).lower()
            assert PASTED.lower() not in dump and "demo-pass" not in dump, table


def test_known_usernames_are_named_and_counted_under_a_keyed_hash(alice, at_t0):
    attempt("Alice")
    assert entries("auth.login_failed")[0].actor_username == "alice"
    stored = LoginFailure.objects.get().username
    assert "alice" not in stored.lower() and len(stored) == 64


def test_new_addresses_from_one_ipv6_network_are_one_client(alice, at_t0):
    """The review's D3: 200 failed logins from 200 addresses of one IPv6 /64 (a
    subscriber picks them at will) lock that /64 out and add a bounded number of
    entries and tallies."""
    before = AuditEntry.objects.count()
    for i in range(200):
        attempt(f"made-up-{i}", ip=f"2001:db8:0:7::{i:x}")
    assert AuditEntry.objects.count() - before <= TALLIES_PER_WINDOW + 4
    assert LoginTally.objects.count() <= TALLIES_PER_WINDOW + 1
    assert str(LOCKED) in attempt("alice", PASSWORD, ip="2001:db8:0:7::beef").content.decode()
    assert attempt("alice", PASSWORD, ip="2001:db8:0:8::1").status_code == 302


def test_two_hundred_addresses_add_a_bounded_number_of_entries_and_lose_no_count(alice, at_t0):
    """GIVEN 200 addresses of an IPv4 /24, each failing once under a new username
    WHEN the window is over THEN the audit log grew by a bounded number of entries
    (one per client up to the cap, then one for "many clients") and the summaries
    still count every attempt."""
    before = AuditEntry.objects.count()
    for i in range(200):
        attempt(f"made-up-{i}", ip=f"198.51.100.{i}")
    at_t0.shift(timedelta(minutes=16))
    attempt("alice", PASSWORD, ip="192.0.2.1")
    new = AuditEntry.objects.filter(action="auth.login_failed")[:]
    assert len(new) <= TALLIES_PER_WINDOW + 2
    assert AuditEntry.objects.count() - before <= TALLIES_PER_WINDOW + 3
    many = [e for e in new if e.detail.get("clients") == "many"]
    assert many and many[-1].detail["count"] == 200 - TALLIES_PER_WINDOW
    assert all(e.detail["username"] == "unknown" for e in new)


def test_a_fullwidth_username_is_the_account_it_locks(alice, at_t0):
    """The review's nf: "ＡＬＩＣＥ" counts towards alice's lockout, so the audit log
    names alice, not an unknown user."""
    for i in range(6):
        attempt("ＡＬＩＣＥ", ip=f"192.0.2.{i}")
    assert str(LOCKED) in attempt("alice", PASSWORD, ip="192.0.2.99").content.decode()
    named = entries("auth.login_failed") + entries("auth.locked_out")
    assert named and {e.actor_username for e in named} == {"alice"}
    assert all("username" not in e.detail for e in named)


def test_refusals_of_a_locked_address_take_the_same_steps_for_any_username(
    alice, bob, at_t0, settings
):
    """The review's tm2: once an address is locked, a username with an account and
    one without each get an entry of their own (the same writes), so timing does
    not tell which usernames exist."""
    settings.HABEAS_LOCKOUT_ADDRESS_ATTEMPTS = 3
    for i in range(3):
        attempt(f"z{i}", ip="198.51.100.9")
    written = []
    for name in ("alice", "nobody-1", "bob", "nobody-2"):
        before = AuditEntry.objects.count()
        assert str(LOCKED) in attempt(name, ip="198.51.100.9").content.decode()
        written.append(AuditEntry.objects.count() - before)
    assert written == [1, 1, 1, 1]


def test_a_window_that_is_over_is_summarised_by_the_watcher_without_another_login(alice, at_t0):
    from habeas.alerts import watcher

    for _ in range(3):
        attempt("alice", ip="203.0.113.4")
    at_t0.shift(timedelta(minutes=16))
    summary = watcher.watch_pass()
    assert summary["login_tallies_summarised"] == 1
    assert [e.detail.get("count") for e in entries("auth.login_failed")] == [None, 3]
    assert not LoginTally.objects.exists()
