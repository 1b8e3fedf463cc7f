"""The audit log against someone who can write to the database but does not hold
the key file: they recompute hashes as they please, and must still be caught.

Each test tampers as such an attacker would (lifting the append-only triggers
first, as the database owner can) and expects `habeas audit verify`, or
`habeas audit head --expect` with a head exported earlier, to fail.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from habeas.audit import seal, triggers
from habeas.audit.models import AuditEntry, AuditHead
from habeas.audit.services import ChainBroken, audit_record, audit_verify
from habeas.lib import crypto
from tests.support.audit import rewrite_with_hash, sql_as_attacker


@pytest.fixture
def chain(db):
    triggers.install(connection)
    for i in range(6):
        audit_record(action="test.entry", detail={"i": i})
    return list(AuditEntry.objects.order_by("id"))


_sql = sql_as_attacker
_rewrite = rewrite_with_hash


def _relink_from(entry: AuditEntry) -> None:
    """Recompute every later entry's link and hash and point the head at the end."""
    prev = entry.hash
    for later in AuditEntry.objects.filter(id__gt=entry.pk).order_by("id"):
        prev = _rewrite(later, prev_hash=prev).hash
    last = AuditEntry.objects.order_by("-id").first()
    _sql("UPDATE audit_audithead SET last_id=%s, last_hash=%s", [last.pk, last.hash])


def _rewind_to(last: AuditEntry) -> None:
    _sql("DELETE FROM audit_auditentry WHERE id > %s", [last.pk])
    _sql("UPDATE audit_audithead SET last_id=%s, last_hash=%s", [last.pk, last.hash])


def _verify_fails(match: str) -> ChainBroken:
    with pytest.raises(ChainBroken, match=match) as broken:
        audit_verify()
    with pytest.raises(CommandError, match="The audit log is broken at"):
        call_command("audit", "verify")
    return broken.value


def test_an_intact_sealed_log_verifies_and_every_entry_carries_a_mac(chain, settings):
    assert audit_verify() == len(chain)
    ring = settings.HABEAS_KEYRING
    for entry in chain:
        assert entry.key_id == ring.active
        assert entry.mac == seal.entry_mac(ring, ring.active, entry.payload())


def test_an_entry_edited_with_its_hash_recomputed_is_caught_by_its_mac(chain):
    """GIVEN a sealed log WHEN an entry's action is changed, its hash and every later
    hash recomputed and the head moved along THEN verify names that entry."""
    forged = _rewrite(chain[2], action="nothing.happened")
    _relink_from(forged)
    broken = _verify_fails("forged or changed by someone without the key")
    assert broken.entry_id == chain[2].pk


def test_a_removed_mac_is_not_accepted_as_an_old_unsealed_entry(chain):
    _rewrite(chain[3], action="nothing.happened")
    _sql("UPDATE audit_auditentry SET mac='', key_id='' WHERE id=%s", [chain[3].pk])
    assert _verify_fails("not in the key ring").entry_id == chain[3].pk


def test_a_forged_entry_appended_with_a_recomputed_hash_is_caught(chain, settings):
    """The review's (c): "member viewed source X's identity", appended after the head."""
    head = AuditHead.objects.get()
    last = chain[-1]
    forged = AuditEntry(
        id=last.pk + 1,
        at=last.at,
        actor_id=6,
        actor_username="member",
        action="source.identity_viewed",
        target_type="sources.source",
        target_id="x",
        prev_hash=head.last_hash,
        key_id=last.key_id,
        mac=last.mac,  # a MAC copied over
    )
    forged.hash = forged.compute_hash()
    forged.save(force_insert=True)
    _sql("UPDATE audit_audithead SET last_id=%s, last_hash=%s", [forged.pk, forged.hash])
    broken = _verify_fails("forged")
    assert broken.entry_id in (forged.pk, head.last_id)


def test_a_truncated_tail_with_a_rewound_head_is_caught(chain):
    """The review's (a): the newest entries deleted, the head pointed at the new end."""
    _rewind_to(chain[2])
    _verify_fails("head was changed without the key")


def test_a_deleted_head_is_caught(chain):
    """The review's (b): the newest entries and the head row deleted."""
    _sql("DELETE FROM audit_auditentry WHERE id > %s", [chain[3].pk])
    _sql("DELETE FROM audit_audithead")
    _verify_fails("head is missing")


def test_a_head_made_up_without_a_mac_is_caught(chain):
    _rewind_to(chain[2])
    _sql("UPDATE audit_audithead SET mac='', key_id=''")
    _verify_fails("not in the key ring")


def test_an_empty_log_without_a_head_is_intact(db):
    assert audit_verify() == 0


# --- heads exported elsewhere ---------------------------------------------------


def _exported(capsys) -> str:
    capsys.readouterr()
    call_command("audit", "head")
    return capsys.readouterr().out.strip()


def test_the_signed_head_names_the_last_entry_and_carries_a_mac(chain, capsys):
    head = json.loads(_exported(capsys))
    assert head["entries"] == head["last_id"] == chain[-1].pk
    assert head["hash"] == chain[-1].hash
    assert set(head) == {"entries", "last_id", "hash", "at", "key", "mac"}
    call_command("audit", "head", "--expect", json.dumps(head))


def test_a_rollback_to_an_older_valid_head_is_caught_by_a_later_export(chain, capsys, tmp_path):
    """GIVEN a copy of the head row taken early (a valid MAC) and a head exported
    later WHEN the attacker deletes the entries after the early copy and puts it
    back THEN verify cannot tell, but --expect of the later export can."""
    early = _head_row()
    for i in range(3):
        audit_record(action="test.later", detail={"i": i})
    exported = tmp_path / "head.json"
    exported.write_text(_exported(capsys))
    _head_put_back(early)
    audit_verify()  # a rollback of the whole database: only an export shows it
    with pytest.raises(CommandError, match="log ends before entry #9"):
        call_command("audit", "head", "--expect", str(exported))


def _head_row() -> dict:
    return AuditHead.objects.values("last_id", "last_hash", "key_id", "mac").get()


def _head_put_back(row: dict) -> None:
    _sql("DELETE FROM audit_auditentry WHERE id > %s", [row["last_id"]])
    _sql(
        "UPDATE audit_audithead SET last_id=%s, last_hash=%s, key_id=%s, mac=%s",
        [row["last_id"], row["last_hash"], row["key_id"], row["mac"]],
    )


def test_a_different_entry_under_the_exported_id_is_refused(chain, capsys):
    """GIVEN a head exported at #8 WHEN the database is rolled back to #6 and written
    on up to #8 again THEN the log verifies but --expect says #8 is another entry."""
    early = _head_row()
    audit_record(action="test.later")
    audit_record(action="test.later")
    exported = _exported(capsys)
    _head_put_back(early)
    audit_record(action="test.rewritten")
    audit_record(action="test.rewritten")
    audit_verify()
    with pytest.raises(CommandError, match="entry #8 is not the one in that head"):
        call_command("audit", "head", "--expect", exported)


def test_an_edited_export_and_bad_input_are_one_clear_line(chain, capsys):
    head = json.loads(_exported(capsys))
    with pytest.raises(CommandError, match="not exported by this installation"):
        call_command("audit", "head", "--expect", json.dumps({**head, "last_id": 2}))
    for garbage in ["{}", "{not json", "/nonexistent/head.json", "[1, 2]"]:
        with pytest.raises(CommandError) as refused:
            call_command("audit", "head", "--expect", garbage)
        assert "\n" not in str(refused.value) and "Traceback" not in str(refused.value)


# --- keys -------------------------------------------------------------------------


def test_entries_sealed_before_a_rotation_verify_after_the_old_key_is_dropped(
    chain, settings, tmp_path
):
    old = settings.HABEAS_KEYRING
    settings.HABEAS_KEYRING = old.rotated()
    audit_record(action="test.after_rotation")
    dropped = settings.HABEAS_KEYRING.without({old.active})
    path = tmp_path / "keys.json"
    crypto.write_key_file(path, dropped)
    settings.HABEAS_KEYRING = crypto.read_key_file(path)
    assert old.active not in settings.HABEAS_KEYRING.keys
    assert audit_verify() == len(chain) + 1
    # The audit key kept for the dropped key decrypts nothing.
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(settings.HABEAS_KEYRING, crypto.encrypt(old, "x", "a"), "a")


def test_an_entry_forged_with_an_old_key_after_a_rotation_is_caught(chain, settings):
    """Someone who kept a copy of the key file from before a rotation can make valid
    MACs under the old key; the log has moved on from it, so they are refused."""
    old = settings.HABEAS_KEYRING
    settings.HABEAS_KEYRING = old.rotated()
    audit_record(action="test.after_rotation")
    head = AuditHead.objects.get()
    forged = AuditEntry(
        id=head.last_id + 1,
        at=chain[0].at,
        action="source.identity_viewed",
        prev_hash=head.last_hash,
        key_id=old.active,
    )
    forged.hash = forged.compute_hash()
    forged.mac = seal.entry_mac(old, old.active, forged.payload())
    forged.save(force_insert=True)
    _sql(
        "UPDATE audit_audithead SET last_id=%s, last_hash=%s, key_id=%s, mac=%s",
        [
            forged.pk,
            forged.hash,
            old.active,
            seal.head_mac(old, old.active, last_id=forged.pk, last_hash=forged.hash, sealed_from=1),
        ],
    )
    assert _verify_fails("moved on from").entry_id == forged.pk


def test_a_log_cut_back_to_before_a_rotation_and_resealed_with_the_old_key_is_caught(
    chain, settings, tmp_path
):
    """GIVEN someone who kept the key file from before `habeas keys rotate` WHEN they
    delete every entry written since the rotation, append a forgery sealed under the
    old key and seal the head under the old key THEN verify refuses the head: the
    rotation sealed it under the new key with an entry of its own."""
    old = settings.HABEAS_KEYRING
    settings.HABEAS_KEY_FILE = tmp_path / "keys.json"
    crypto.write_key_file(settings.HABEAS_KEY_FILE, old)
    call_command("keys", "rotate", stdout=StringIO())
    new = settings.HABEAS_KEYRING
    rotated = AuditEntry.objects.get(action="keys.rotated")
    assert rotated.key_id == new.active and rotated.detail["active"] == new.active
    assert AuditHead.objects.get().key_id == new.active
    audit_record(action="test.after_rotation")
    assert audit_verify() == len(chain) + 3  # rotated, reencrypted, and the one after

    last_before = chain[-1]
    _sql("DELETE FROM audit_auditentry WHERE id > %s", [last_before.pk])
    forged = AuditEntry(
        id=last_before.pk + 1,
        at=last_before.at,
        action="source.identity_viewed",
        prev_hash=last_before.hash,
        key_id=old.active,
    )
    forged.hash = forged.compute_hash()
    forged.mac = seal.entry_mac(old, old.active, forged.payload())
    forged.save(force_insert=True)
    mac = seal.head_mac(old, old.active, last_id=forged.pk, last_hash=forged.hash, sealed_from=1)
    _sql(
        "UPDATE audit_audithead SET last_id=%s, last_hash=%s, key_id=%s, mac=%s",
        [forged.pk, forged.hash, old.active, mac],
    )
    _verify_fails("not the active key")


def test_keys_rotated_by_hand_are_recorded_by_reencrypt(chain, settings):
    """A ring rotated by hand (HABEAS_KEYS) leaves the head under the old key until
    something is written: verify says so and `habeas keys reencrypt` records it."""
    settings.HABEAS_KEY_FILE = None
    settings.HABEAS_KEYRING = settings.HABEAS_KEYRING.rotated()
    _verify_fails("rotated by hand")
    call_command("keys", "reencrypt", stdout=StringIO())
    assert audit_verify() == len(chain) + 1
    assert AuditEntry.objects.last().action == "keys.reencrypted"


def test_a_log_wiped_whole_next_to_accounts_and_cases_is_caught(chain, alice):
    """GIVEN accounts in the database WHEN every entry and the head are deleted THEN
    verify does not say "0 entries": each account was created with an entry."""
    _sql("DELETE FROM audit_auditentry")
    _sql("DELETE FROM audit_audithead")
    _verify_fails("the log is empty, but the database holds users")


def test_an_entry_whose_time_is_garbage_is_named(chain, capsys):
    # What each database lets a writer put in a time column that no entry can hold:
    # SQLite keeps any text, PostgreSQL a time past the year 9999.
    garbage = "infinity" if connection.vendor == "postgresql" else "garbage"
    _sql("UPDATE audit_auditentry SET at=%s WHERE id=%s", [garbage, chain[2].pk])
    broken = _verify_fails("cannot be read")
    assert broken.entry_id == chain[2].pk


@pytest.mark.parametrize(
    "head",
    [
        '{"entries": 1e999, "head": "x"}',
        '{"entries": -5, "head": "x"}',
        '{"entries": true, "head": "x"}',
        '{"entries": 99999999999999999999999, "head": "x"}',
        '{"last_id": -1, "hash": "x", "entries": 1, "at": "", "key": "k", "mac": "m"}',
    ],
)
def test_an_exported_head_naming_no_entry_is_one_clear_line(chain, head):
    with pytest.raises(CommandError, match="not a head exported by") as refused:
        call_command("audit", "head", "--expect", head)
    assert "\n" not in str(refused.value)
