"""Refused API tokens are audited: one entry per refusal with the client's address,
the reason and the token's id when its row is known, never the token; a flood from
one address is one entry and, once its minute is over, one summary with the count."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from habeas.accounts.models import User
from habeas.api import services as api_services
from habeas.api.models import ApiRefusalTally, ApiToken
from habeas.api.services import api_token_revoke
from habeas.audit.models import AuditEntry
from tests.support.api import call, token_for

UNKNOWN = "hbs_0123456789_" + "A" * 43


def _refusals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="auth.api_token_refused").order_by("id"))


def _said_nowhere(token: str) -> None:
    secret = token.rsplit("_", 1)[1]
    for entry in AuditEntry.objects.all():
        assert secret not in json.dumps(entry.detail) and secret not in entry.target_id


@pytest.fixture
def minute(time_machine):
    time_machine.move_to("2026-12-07 10:00:05Z", tick=False)
    return time_machine


def test_an_unknown_token_is_audited_with_the_address_and_never_the_token(
    client, alices_case, minute
):
    answer = call(client, "get", "/cases/", token=UNKNOWN, REMOTE_ADDR="198.51.100.7")
    assert answer.status_code == 401
    [entry] = _refusals()
    assert entry.ip == "198.51.100.7"
    assert entry.detail == {"reason": "unknown"}
    assert entry.actor_id is None
    _said_nowhere(UNKNOWN)


def test_no_token_at_all_is_not_a_refused_token(client, alices_case, minute):
    assert call(client, "get", "/cases/", token=None).status_code == 401
    assert _refusals() == []


def _reason_of(client, token: str) -> dict:
    before = len(_refusals())
    ApiRefusalTally.objects.all().delete()  # each a first refusal of its minute
    assert call(client, "get", "/cases/", token=token).status_code == 401
    [entry] = _refusals()[before:]
    _said_nowhere(token)
    return entry.detail


def test_a_known_tokens_refusal_names_the_token_by_id_and_prefix(
    client, alice, alices_case, minute
):
    token = token_for(alice, days=1)
    row = ApiToken.objects.get()
    named = {"token": str(row.public_id), "prefix": row.prefix}
    forged = token[: token.rindex("_") + 1] + "B" * 43
    assert _reason_of(client, forged) == {"reason": "wrong_secret", **named}
    api_token_revoke(token=row, by=alice)
    assert _reason_of(client, token) == {"reason": "revoked", **named}
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=None)
    minute.move_to(timezone.now() + timedelta(days=1, seconds=1), tick=False)
    assert _reason_of(client, token) == {"reason": "expired", **named}
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() + timedelta(days=1))
    User.objects.filter(pk=alice.pk).update(session_epoch=alice.session_epoch + 1)
    assert _reason_of(client, token) == {"reason": "ended", **named}
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert _reason_of(client, token) == {"reason": "disabled", **named}
    entry = _refusals()[-1]
    assert entry.target_id == str(row.public_id) and entry.actor_id is None


def test_a_flood_from_one_address_is_one_entry_then_a_summary_with_the_count(
    client, alice, alices_case, minute, settings
):
    settings.HABEAS_API_REFUSALS_PER_ADDRESS = 1000
    revoked = token_for(alice)
    api_token_revoke(token=ApiToken.objects.get(), by=alice)
    for guess in range(30):
        call(client, "get", "/cases/", token=f"hbs_0123456789_{guess}", REMOTE_ADDR="203.0.113.9")
    call(client, "get", "/cases/", token=revoked, REMOTE_ADDR="203.0.113.9")
    assert len(_refusals()) == 1  # the first, at once
    # Another address in the same minute has an entry of its own.
    call(client, "get", "/cases/", token=UNKNOWN, REMOTE_ADDR="192.0.2.1")
    assert [e.ip for e in _refusals()] == ["203.0.113.9", "192.0.2.1"]
    # The minute is over: the next refusal writes the summaries of the last one.
    minute.move_to("2026-12-07 10:01:10Z", tick=False)
    call(client, "get", "/cases/", token=UNKNOWN, REMOTE_ADDR="192.0.2.1")
    entries = _refusals()
    summary = next(e for e in entries if "count" in e.detail)
    assert summary.ip == "203.0.113.9"
    assert summary.detail["count"] == 31
    assert summary.detail["reasons"] == {"unknown": 30, "revoked": 1}
    assert summary.detail["tokens"] == [str(ApiToken.objects.get().public_id)]
    assert summary.detail["since"] == "2026-12-07T10:00:00+00:00"
    # 192.0.2.1 refused once in the first minute: no summary for it; a new first entry.
    assert [e.detail.get("count") for e in entries[2:]] == [31, None]
    assert entries[-1].ip == "192.0.2.1"
    _said_nowhere(revoked)
    assert ApiRefusalTally.objects.count() == 1  # only the current minute's


def test_a_flood_from_many_addresses_shares_one_tally_past_the_limit(
    client, alices_case, minute, monkeypatch
):
    monkeypatch.setattr(api_services, "REFUSAL_TALLIES_PER_WINDOW", 2)
    for n in range(6):
        call(client, "get", "/cases/", token=UNKNOWN, REMOTE_ADDR=f"198.51.100.{n}")
    entries = _refusals()
    assert [e.ip for e in entries] == ["198.51.100.0", "198.51.100.1", ""]
    assert entries[-1].detail == {"reason": "unknown", "clients": "many"}
    assert ApiRefusalTally.objects.get(key="many").count == 4


def test_the_tally_is_audited_even_when_the_address_is_over_its_limit(
    client, alices_case, minute, settings
):
    settings.HABEAS_API_REFUSALS_PER_ADDRESS = 2
    answers = [call(client, "get", "/cases/", token=UNKNOWN).status_code for _ in range(4)]
    assert answers == [401, 401, 429, 429]
    assert ApiRefusalTally.objects.get().count == 4
    assert len(_refusals()) == 1


def test_a_valid_token_writes_no_refusal(client, alice, alices_case, minute):
    assert call(client, "get", "/cases/", token=token_for(alice)).status_code == 200
    assert _refusals() == [] and not ApiRefusalTally.objects.exists()


def test_a_flood_that_stops_is_summed_up_by_the_watchers_next_pass(
    client, alice, alices_case, minute, settings
):
    """No refusal follows the flood: the summary must not wait for one (an attacker who
    stops would otherwise leave only the first entry of the minute in the log)."""
    from habeas.alerts import watcher

    settings.HABEAS_API_REFUSALS_PER_ADDRESS = 1000
    for guess in range(12):
        call(client, "get", "/cases/", token=f"hbs_0123456789_{guess}", REMOTE_ADDR="203.0.113.9")
    watcher.watch_pass()  # within the minute: nothing to sum up yet
    assert [e.detail.get("count") for e in _refusals()] == [None]
    minute.move_to("2026-12-07 10:01:10Z", tick=False)
    summary = watcher.watch_pass()
    assert summary["api_refusals_summarised"] == 1
    assert [e.detail.get("count") for e in _refusals()] == [None, 12]
    assert not ApiRefusalTally.objects.exists()
