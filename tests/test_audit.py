"""The audit log: every write and refused access, chained so tampering shows."""

from __future__ import annotations

import dataclasses
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from habeas.audit import triggers
from habeas.audit.models import AuditEntry, AuditHead
from habeas.audit.services import ChainBroken, audit_record, audit_verify
from habeas.lib import crypto
from tests.conftest import PASSWORD
from tests.support.audit import rewrite_with_hash, sql_as_attacker


@pytest.fixture
def chain(db):
    triggers.install(connection)
    for i in range(5):
        audit_record(action="test.entry", detail={"i": i})
    return list(AuditEntry.objects.order_by("id"))


def _tamper(sql: str, params: list) -> None:
    """What an attacker with database access does: lift the triggers, edit."""
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    triggers.install(connection)


def test_writes_and_refused_access_are_recorded(login, alice, charlie, alices_case):
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions[:3] == ["person_name.add", "person_name.add", "status.assert"]
    assert "case.create" in actions and "case_member.set" in actions

    login(charlie).get(alices_case.get_absolute_url())
    denied = AuditEntry.objects.get(action="access.denied")
    assert denied.actor_username == "charlie"
    assert denied.detail == {"model": "cases.case", "id": str(alices_case.public_id)}
    assert audit_verify() == AuditEntry.objects.count()


def test_addresses_are_kept_for_logins_only(client, alice, charlie, alices_case):
    """A stolen database must not tell where each person was when they opened what:
    the address is in the login entry, not in every view after it."""
    client.post(reverse("login"), {"username": "charlie", "password": PASSWORD})
    client.get(alices_case.get_absolute_url())
    assert AuditEntry.objects.get(action="auth.login").ip == "127.0.0.1"
    assert AuditEntry.objects.get(action="access.denied").ip == ""
    assert set(
        AuditEntry.objects.exclude(action__startswith="auth.").values_list("ip", flat=True)
    ) == {""}


def test_audit_entries_carry_no_names_or_statements(alice, contested_case):
    text = " ".join(
        f"{e.actor_username} {e.action} {e.target_id} {e.detail}" for e in AuditEntry.objects.all()
    )
    for secret in ["Исаков", "Isakow", "CANARY-IDENTITY", "flew home", "Police are here"]:
        assert secret not in text


def test_the_database_refuses_to_change_or_delete_entries(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=chain[0].pk).update(action="nothing.happened")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=chain[0].pk).delete()
    assert triggers.installed(connection)


def test_an_edited_entry_is_detected_and_named(chain):
    _tamper("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["innocent", chain[2].pk])
    with pytest.raises(ChainBroken) as broken:
        audit_verify()
    assert broken.value.entry_id == chain[2].pk
    with pytest.raises(CommandError, match=f"#{chain[2].pk}: was changed"):
        call_command("audit", "verify")


def test_a_deleted_entry_is_detected(chain):
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [chain[1].pk])
    with pytest.raises(ChainBroken) as broken:
        audit_verify()
    assert broken.value.entry_id == chain[1].pk


def test_a_truncated_tail_is_detected_by_the_head(chain):
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [chain[-1].pk])
    with pytest.raises(ChainBroken, match="head"):
        audit_verify()


def test_a_rebuilt_log_does_not_contain_the_exported_head(chain, capsys):
    call_command("audit", "head")
    exported = capsys.readouterr().out
    call_command("audit", "head", "--expect", exported)
    # Rebuilding the whole chain from scratch yields different hashes.
    _tamper("DELETE FROM audit_auditentry", [])
    _tamper("DELETE FROM audit_audithead", [])
    audit_record(action="test.entry", detail={"i": 0})
    audit_verify()
    with pytest.raises(CommandError, match="rewound"):
        call_command("audit", "head", "--expect", exported)


def test_verify_reports_an_intact_log(chain, capsys):
    call_command("audit", "verify")
    assert f"Audit log intact: {len(chain)} entries." in capsys.readouterr().out


def test_an_edited_username_is_detected(chain):
    # The hash and the MAC cover who acted, not only what was done.
    sql_as_attacker(
        "UPDATE audit_auditentry SET actor_username='somebody' WHERE id=%s", [chain[1].pk]
    )
    with pytest.raises(ChainBroken, match="changed") as broken:
        audit_verify()
    assert broken.value.entry_id == chain[1].pk


# --- logs from before the upgrade that sealed them ---------------------------------


@pytest.fixture
def upgraded_chain(db, settings, tmp_path):
    """Three entries written before the log was sealed, sealed by the migration's
    step, then three more. The key file records no seal yet (it was written before
    the upgrade); the migration's step records it."""
    settings.HABEAS_KEYRING = dataclasses.replace(settings.HABEAS_KEYRING, audit_sealed_from=None)
    settings.HABEAS_KEY_FILE = tmp_path / "keys.json"
    crypto.write_key_file(settings.HABEAS_KEY_FILE, settings.HABEAS_KEYRING)
    triggers.install(connection)
    for i in range(3):
        audit_record(action="test.old", detail={"i": i})
    sql_as_attacker("UPDATE audit_auditentry SET mac='', key_id=''")
    sql_as_attacker("DELETE FROM audit_audithead")
    migration = import_module("habeas.audit.migrations.0003_sealed_with_a_mac")
    migration.seal_existing_log(apps, None)
    for i in range(3):
        audit_record(action="test.new", detail={"i": i})
    return list(AuditEntry.objects.order_by("id"))


def test_an_upgraded_log_is_sealed_from_the_first_new_entry(upgraded_chain, capsys):
    assert AuditHead.objects.get().sealed_from == 4
    assert [bool(e.mac) for e in upgraded_chain] == [False] * 3 + [True] * 3
    call_command("audit", "verify")
    said = capsys.readouterr().out
    assert "Audit log intact: 6 entries." in said
    assert "Entries #1 to #3 were written before the log was sealed" in said


def test_an_old_entry_rewritten_with_a_recomputed_hash_breaks_the_link(upgraded_chain):
    """Entries before the seal carry no MAC, but the first sealed entry's MAC fixes
    the hash it follows: rewriting an old entry breaks the link after it."""
    rewrite_with_hash(upgraded_chain[1], action="nothing.happened")
    with pytest.raises(ChainBroken, match="does not follow") as broken:
        audit_verify()
    assert broken.value.entry_id == upgraded_chain[2].pk


def test_old_entries_rebuilt_up_to_the_seal_are_caught_there(upgraded_chain):
    forged = rewrite_with_hash(upgraded_chain[0], action="nothing.happened")
    forged = rewrite_with_hash(upgraded_chain[1], prev_hash=forged.hash)
    rewrite_with_hash(upgraded_chain[2], prev_hash=forged.hash)
    with pytest.raises(ChainBroken, match="does not follow") as broken:
        audit_verify()
    assert broken.value.entry_id == upgraded_chain[3].pk


def test_the_key_file_records_where_the_seal_starts(upgraded_chain, settings):
    assert crypto.read_key_file(settings.HABEAS_KEY_FILE).audit_sealed_from == 4
    assert settings.HABEAS_KEYRING.audit_sealed_from == 4


def test_a_stripped_seal_is_not_applied_anew_from_a_later_entry(upgraded_chain):
    """The review's m3s: GIVEN a sealed log WHEN someone with write access to the
    database strips every MAC, rewrites an entry after the seal with recomputed
    hashes, drops the head and lets the sealing migration run again THEN the seal
    starts where the key file says, and the unsealed entries fail verify."""
    forged = rewrite_with_hash(upgraded_chain[4], action="nothing.happened")
    rewrite_with_hash(upgraded_chain[5], prev_hash=forged.hash)
    sql_as_attacker("UPDATE audit_auditentry SET mac='', key_id=''")
    sql_as_attacker("DELETE FROM audit_audithead")
    import_module("habeas.audit.migrations.0003_sealed_with_a_mac").seal_existing_log(apps, None)
    assert AuditHead.objects.get().sealed_from == 4
    with pytest.raises(ChainBroken, match="not in the key ring") as broken:
        audit_verify()
    assert broken.value.entry_id == 4


def test_a_log_sealed_later_than_the_key_file_says_fails(upgraded_chain, settings):
    settings.HABEAS_KEYRING = settings.HABEAS_KEYRING.with_audit_sealed_from(2)
    with pytest.raises(ChainBroken, match="seal was stripped and applied anew") as broken:
        audit_verify()
    assert broken.value.entry_id == 2


def test_verify_says_to_record_the_seal_start_in_keys_from_the_environment(
    upgraded_chain, settings, capsys
):
    settings.HABEAS_KEY_FILE = None
    settings.HABEAS_KEYRING = dataclasses.replace(settings.HABEAS_KEYRING, audit_sealed_from=None)
    capsys.readouterr()
    call_command("audit", "verify")
    assert '"audit_sealed_from": 4 to it (HABEAS_KEYS)' in capsys.readouterr().out
