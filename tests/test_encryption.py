"""Confidential fields encrypted at rest (docs/architecture.md), as the adversary who
seizes the database and the operator who rotates keys see them.

LARK's identity in the `contested_case` fixture is "Cousin: CANARY-IDENTITY".
"""

from __future__ import annotations

import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection, transaction

from habeas.cases import services as cases
from habeas.cases.models import Case, Relative
from habeas.core.checks import check_encryption_keys
from habeas.core.encryption import (
    EncryptedTextField,
    PlaintextRefused,
    Sealed,
    SealedValueError,
    column_counts,
    encrypted_fields,
    seal_plaintext_column,
    unseal_column,
)
from habeas.lib import crypto
from habeas.lib.crypto import DecryptionError, KeyRing
from habeas.sources import services as sources
from habeas.sources.models import Source
from tests.support.commands import SITES, habeas, habeas_env, query

CANARY = "CANARY-IDENTITY"


def raw_get(model, field: str, pk: int) -> str:
    quote = connection.ops.quote_name
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(model._meta.db_table)} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def raw_set(model, field: str, pk: int, value: str) -> None:
    quote = connection.ops.quote_name
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
            [value, pk],
        )


def lark(case: Case) -> Source:
    return Source.objects.get(case=case, code_name="LARK")


@pytest.fixture
def ministry(contested_case, alice) -> Source:
    source = Source.objects.get(case=contested_case, code_name="HOST-MOI")
    return sources.source_update(
        source=source, by=alice, identity="Press office, Ministry", contact="+993 12 000000"
    )


@pytest.fixture
def relative(alices_case, alice) -> Relative:
    return cases.relative_add(
        person=alices_case.people.get(),
        by=alice,
        name="Gulnara",
        relationship="sister",
        contact="Signal +49 151 0000000",
    )


@pytest.fixture
def key_file(settings, tmp_path):
    """The test database's current keys, in a key file of this test's own."""
    path = tmp_path / "keys.json"
    crypto.write_key_file(path, settings.HABEAS_KEYRING)
    settings.HABEAS_KEY_FILE = path
    return path


def counts_by_key() -> dict[str, int]:
    from django.conf import settings

    total: dict[str, int] = {}
    for model, field in encrypted_fields():
        counts = column_counts(model, field, settings.HABEAS_KEYRING)
        for key_id, count in counts.by_key.items():
            total[key_id] = total.get(key_id, 0) + count
        total["unknown"] = total.get("unknown", 0) + counts.unknown
        total["unencrypted"] = total.get("unencrypted", 0) + counts.unencrypted
    return total


# --- what is stored ----------------------------------------------------------------


def test_the_column_holds_a_token_not_the_plaintext(contested_case, relative):
    source = lark(contested_case)
    stored = raw_get(Source, "identity", source.pk)
    assert stored.startswith("hv1$") and CANARY not in stored
    assert "Police are here" not in raw_get(Case, "last_contact_message", contested_case.pk)
    assert raw_get(Case, "last_contact_message", contested_case.pk).startswith("hv1$")
    assert raw_get(Relative, "contact", relative.pk).startswith("hv1$")
    assert "Signal" not in raw_get(Relative, "contact", relative.pk)


def test_round_trip_through_the_orm(contested_case, relative):
    assert lark(contested_case).identity == f"Cousin: {CANARY}"
    assert Case.objects.get(pk=contested_case.pk).last_contact_message == (
        "Police are here, I'm hiding."
    )
    assert Relative.objects.get(pk=relative.pk).contact == "Signal +49 151 0000000"


def test_every_relative_has_its_own_public_id(relative, alices_case, alice):
    other = cases.relative_add(
        person=alices_case.people.get(), by=alice, name="Aman", relationship="brother"
    )
    assert relative.public_id and other.public_id and relative.public_id != other.public_id


def test_empty_values_are_stored_empty(contested_case):
    ministry = Source.objects.get(case=contested_case, code_name="HOST-MOI")
    assert raw_get(Source, "identity", ministry.pk) == ""
    assert ministry.identity == ""
    assert Source.objects.filter(case=contested_case, identity="").count() == 1


def test_saving_without_reading_keeps_the_value(contested_case):
    source = lark(contested_case)
    source.reliability = "A"
    source.save()
    assert lark(contested_case).identity == f"Cousin: {CANARY}"


def test_max_length_is_measured_on_the_plaintext(contested_case, alice):
    source = lark(contested_case)
    sources.source_update(source=source, by=alice, identity="x" * 2000)
    assert len(raw_get(Source, "identity", source.pk)) > 2000
    with pytest.raises(ValidationError, match="at most 2000"):
        sources.source_update(source=source, by=alice, identity="x" * 2001)


# --- what must not decrypt -----------------------------------------------------------


def test_a_value_copied_to_another_row_does_not_decrypt(contested_case, ministry):
    source = lark(contested_case)
    raw_set(Source, "identity", ministry.pk, raw_get(Source, "identity", source.pk))
    swapped = Source.objects.get(pk=ministry.pk)  # loading is fine: decryption is lazy
    with pytest.raises(DecryptionError, match="another record") as caught:
        swapped.identity  # noqa: B018
    assert CANARY not in str(caught.value)
    assert "sources.Source.identity" in str(caught.value)


def test_a_value_copied_to_another_column_of_the_same_row_does_not_decrypt(contested_case):
    source = lark(contested_case)
    raw_set(Source, "contact", source.pk, raw_get(Source, "identity", source.pk))
    with pytest.raises(DecryptionError):
        Source.objects.get(pk=source.pk).contact  # noqa: B018


def test_a_tampered_value_does_not_decrypt(contested_case):
    source = lark(contested_case)
    token = raw_get(Source, "identity", source.pk)
    last = token[-2]
    raw_set(Source, "identity", source.pk, token[:-2] + ("A" if last != "A" else "B") + token[-1])
    with pytest.raises(DecryptionError) as caught:
        Source.objects.get(pk=source.pk).identity  # noqa: B018
    assert CANARY not in str(caught.value)


def test_plaintext_written_into_the_column_is_refused_on_read(contested_case):
    source = lark(contested_case)
    raw_set(Source, "identity", source.pk, "Written by hand")
    with pytest.raises(DecryptionError, match="not encrypted"):
        Source.objects.get(pk=source.pk).identity  # noqa: B018


def test_a_value_under_a_key_no_longer_held_does_not_decrypt(contested_case, settings):
    settings.HABEAS_KEYRING = KeyRing.generate()
    with pytest.raises(DecryptionError, match="not in the key ring"):
        lark(contested_case).identity  # noqa: B018


def test_a_sealed_value_from_another_row_cannot_be_saved_into_this_one(contested_case, ministry):
    sealed = Source.objects.filter(pk=lark(contested_case).pk).values_list("identity", flat=True)
    ministry.__dict__.pop("identity")
    target = Source.objects.get(pk=ministry.pk)
    target.identity = sealed.get()  # what `Source(identity=row["identity"])` would do
    with pytest.raises(DecryptionError), transaction.atomic():
        target.save()
    assert Source.objects.get(pk=ministry.pk).identity == "Press office, Ministry"


# --- queries -------------------------------------------------------------------------


def test_writing_plaintext_through_a_query_is_refused(contested_case):
    with pytest.raises(PlaintextRefused, match="set it on a model instance"), transaction.atomic():
        Source.objects.filter(case=contested_case).update(identity="x")
    source = lark(contested_case)
    source.identity = "new"
    with pytest.raises(PlaintextRefused), transaction.atomic():
        Source.objects.bulk_update([source], ["identity"])
    assert lark(contested_case).identity == f"Cousin: {CANARY}"


@pytest.mark.parametrize("lookup", ["identity", "identity__in"])
def test_comparing_with_plaintext_is_refused(contested_case, lookup):
    value = [CANARY] if lookup.endswith("__in") else CANARY
    with pytest.raises(PlaintextRefused):
        list(Source.objects.filter(**{lookup: value}))


@pytest.mark.parametrize("lookup", ["contains", "icontains", "startswith", "iexact", "regex"])
def test_searching_an_encrypted_field_is_refused(contested_case, lookup):
    with pytest.raises(PlaintextRefused, match=f"__{lookup}"):
        list(Source.objects.filter(**{f"identity__{lookup}": "Cousin"}))


def test_values_return_opaque_sealed_objects(contested_case):
    row = Source.objects.filter(code_name="LARK").values("code_name", "identity").get()
    sealed = row["identity"]
    assert isinstance(sealed, Sealed)
    assert CANARY not in repr(sealed) and "hv1$" not in repr(sealed)
    with pytest.raises(SealedValueError):
        str(sealed)
    with pytest.raises(SealedValueError):
        f"{sealed}"
    flat = Source.objects.filter(code_name="LARK").values_list("identity", flat=True).get()
    assert isinstance(flat, Sealed)
    # Empty values stay plainly empty.
    assert (
        Source.objects.filter(code_name="HOST-MOI").values_list("identity", flat=True).get() == ""
    )


def test_confidential_fields_are_not_serialised(contested_case):
    with pytest.raises(CommandError, match="is encrypted and is not serialised"):
        call_command("dumpdata", "sources.source", stdout=StringIO())


def test_the_field_keeps_its_purpose_in_migrations():
    field = Source._meta.get_field("identity")
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "habeas.core.encryption.EncryptedTextField"
    assert kwargs["purpose"] == "sources.source.identity"
    assert kwargs["max_length"] == 2000
    assert EncryptedTextField(purpose="a.b", **{k: v for k, v in kwargs.items() if k != "purpose"})


def test_every_confidential_field_is_discovered():
    labels = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
    assert {
        "sources.Source.identity",
        "sources.Source.contact",
        "cases.Case.last_contact_message",
        "cases.Relative.contact",
    } <= labels


# --- rotation and checks ---------------------------------------------------------------


def test_rotation_leaves_no_value_under_the_old_key(contested_case, ministry, relative, key_file):
    """
    GIVEN confidential values under k1 and a key file holding k1
    WHEN the operator runs `habeas keys rotate`
    THEN the file holds k1 (retired) and k2 (active), mode 0600,
    AND no value is left under k1, AND every value still decrypts.
    """
    from django.conf import settings

    old = settings.HABEAS_KEYRING.active
    before = counts_by_key()
    # LARK, the ministry (2), the case's message, the relative — and the copies of
    # all five in the history tables, which rotation must reach too.
    assert before[old] == 10
    out = StringIO()
    call_command("keys", "rotate", stdout=out)

    ring = crypto.read_key_file(key_file)
    assert ring.active != old and ring.retired == {old}
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert ring == settings.HABEAS_KEYRING
    after = counts_by_key()
    assert after.get(old, 0) == 0
    assert after[ring.active] == before[old]
    assert after["unknown"] == after["unencrypted"] == 0
    assert f"{before[old]} values re-encrypted under {ring.active}" in out.getvalue()
    assert raw_get(Source, "identity", lark(contested_case).pk).startswith(f"hv1${ring.active}$")

    assert lark(contested_case).identity == f"Cousin: {CANARY}"
    assert Source.objects.get(pk=ministry.pk).contact == "+993 12 000000"
    assert Relative.objects.get(pk=relative.pk).contact == "Signal +49 151 0000000"
    assert Case.objects.get(pk=contested_case.pk).last_contact_message.startswith("Police")
    assert check_encryption_keys() == []


def test_rotating_again_after_an_interruption_is_safe(contested_case, key_file, settings):
    # Interrupted: the new key is written, nothing re-encrypted yet.
    crypto.write_key_file(key_file, settings.HABEAS_KEYRING.rotated())
    settings.HABEAS_KEYRING = crypto.read_key_file(key_file)
    call_command("keys", "rotate", "--batch-size", "1", stdout=StringIO())
    ring = crypto.read_key_file(key_file)
    assert ring.active.startswith("k3-") and len(ring.retired) == 2
    assert set(counts_by_key()) - {"unknown", "unencrypted"} == {ring.active}
    assert lark(contested_case).identity == f"Cousin: {CANARY}"


def test_check_fails_while_a_retired_key_is_still_in_use(contested_case, key_file, settings):
    settings.HABEAS_KEYRING = settings.HABEAS_KEYRING.rotated()  # rotated, not re-encrypted
    errors = check_encryption_keys()
    assert {e.id for e in errors} == {"habeas.E102"}
    assert any("sources.Source.identity" in e.msg for e in errors)
    assert all(CANARY not in e.msg for e in errors)
    with pytest.raises(SystemCheckError, match="retired key"):
        call_command("check", stdout=StringIO(), stderr=StringIO())

    call_command("keys", "reencrypt", stdout=StringIO())
    assert check_encryption_keys() == []
    call_command("check", stdout=StringIO())


def test_check_fails_on_a_key_of_the_right_name_but_the_wrong_material(contested_case, settings):
    ring = settings.HABEAS_KEYRING
    settings.HABEAS_KEY_FILE = None
    settings.HABEAS_KEYRING = KeyRing(keys={ring.active: bytes(32)}, active=ring.active)
    assert {e.id for e in check_encryption_keys()} == {"habeas.E104"}


def test_check_fails_on_values_under_an_unknown_key(contested_case, settings):
    settings.HABEAS_KEY_FILE = None
    settings.HABEAS_KEYRING = KeyRing.generate()
    errors = check_encryption_keys()
    assert "habeas.E103" in {e.id for e in errors}
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("keys", "reencrypt", stdout=StringIO())


def test_check_warns_about_plaintext_in_an_encrypted_column(contested_case, settings):
    raw_set(Source, "identity", lark(contested_case).pk, "Written by hand")
    assert {e.id for e in check_encryption_keys()} == {"habeas.W101"}


def test_check_fails_on_a_key_file_open_to_others(db, key_file):
    key_file.chmod(0o644)
    assert [e.id for e in check_encryption_keys()] == ["habeas.E101"]


def test_rotation_is_refused_when_keys_come_from_the_environment(db, settings):
    settings.HABEAS_KEY_FILE = None
    with pytest.raises(CommandError, match="HABEAS_KEYS environment variable"):
        call_command("keys", "rotate", stdout=StringIO())


def test_status_counts_values_by_key(contested_case, key_file):
    out = StringIO()
    call_command("keys", "status", stdout=out)
    text = out.getvalue()
    assert f"Keys from: {key_file}" in text
    active = crypto.read_key_file(key_file).active
    assert f"Active key: {active}" in text and "Retired keys: none" in text
    assert f"sources.Source.identity: {active} 1" in text
    assert CANARY not in text


def test_drop_retired_removes_only_unused_retired_keys(contested_case, key_file, settings):
    old = settings.HABEAS_KEYRING.active
    crypto.write_key_file(key_file, settings.HABEAS_KEYRING.rotated())
    settings.HABEAS_KEYRING = new = crypto.read_key_file(key_file)
    out = StringIO()
    call_command("keys", "drop-retired", stdout=out)
    assert f"Still in use, kept: {old}" in out.getvalue()
    assert old in crypto.read_key_file(key_file).keys

    call_command("keys", "reencrypt", stdout=StringIO())
    call_command("keys", "drop-retired", stdout=StringIO())
    assert set(crypto.read_key_file(key_file).keys) == {new.active}
    assert lark(contested_case).identity == f"Cousin: {CANARY}"


def test_values_written_before_encryption_are_sealed_by_the_migration_helper(contested_case):
    from django.conf import settings

    source = lark(contested_case)
    raw_set(Source, "identity", source.pk, "Written before encryption")
    assert seal_plaintext_column(Source, "identity", settings.HABEAS_KEYRING) == 1
    assert raw_get(Source, "identity", source.pk).startswith("hv1$")
    assert Source.objects.get(pk=source.pk).identity == "Written before encryption"
    assert unseal_column(Source, "identity", settings.HABEAS_KEYRING) == 1
    assert raw_get(Source, "identity", source.pk) == "Written before encryption"


# --- the real command, on a real file ---------------------------------------------------

MARKER = "CANARY-7F3A"

SEED_CANARIES = f"""
from habeas.cases.models import Case, Relative
from habeas.sources.models import Source
s = Source.objects.order_by("pk").first()
s.identity, s.contact = "{MARKER} identity", "{MARKER} contact"
s.save()
c = Case.objects.order_by("pk").first()
c.last_contact_message = "{MARKER} message"
c.save()
r = Relative.objects.order_by("pk").first()
r.contact = "{MARKER} relative"
r.save()
print(Source.objects.get(pk=s.pk).identity, Relative.objects.get(pk=r.pk).contact)
"""


def database_bytes(env: dict[str, str]) -> bytes:
    """What a thief with a copy of the database reads: the SQLite files byte for
    byte (free pages and the write-ahead log included), or every row of every
    PostgreSQL table as text."""
    if not env.get("HABEAS_DATABASE_URL"):
        files = sorted(Path(env["HABEAS_DATA_DIR"]).glob("habeas.sqlite3*"))
        return b"".join(p.read_bytes() for p in files)
    tables = query(env, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    rows = [query(env, f'SELECT t::text FROM "{name}" t') for (name,) in tables]  # noqa: S608
    return "\n".join(row[0] for table in rows for row in table).encode()


def test_canaries_never_reach_the_database_file(tmp_path):
    env = SITES.start("demo", tmp_path)
    seeded = habeas("shell", "-c", SEED_CANARIES, env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert f"{MARKER} identity {MARKER} relative" in seeded.stdout  # they do decrypt
    stored = database_bytes(env)
    assert MARKER.encode() not in stored
    assert b"A relative (demo)" not in stored  # a demo source's identity
    assert b"Police are here" not in stored  # the first demo case's last message
    assert b"hv1$k1-" in stored


def one_line_refusal(result) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("habeas: ")
    return lines[0]


def test_key_file_problems_stop_habeas_with_one_readable_line(tmp_path):
    data_dir = tmp_path / "data"
    env = habeas_env(data_dir)
    assert habeas("check", env=env).returncode == 0
    key_file = data_dir / "keys.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    good = key_file.read_text()

    missing = habeas("check", env=habeas_env(data_dir, HABEAS_KEY_FILE=str(tmp_path / "gone")))
    assert "does not exist (HABEAS_KEY_FILE names it" in one_line_refusal(missing)

    key_file.chmod(0o644)
    assert "open to other users (mode 0644)" in one_line_refusal(habeas("check", env=env))

    key_file.write_text("{damaged")
    key_file.chmod(0o600)
    assert "is damaged: it is not JSON" in one_line_refusal(habeas("check", env=env))

    bad_env = habeas("check", env=habeas_env(data_dir, HABEAS_KEYS='{"version": 1}'))
    assert "HABEAS_KEYS is not a usable key ring" in one_line_refusal(bad_env)

    key_file.write_text(good)
    from_env = habeas("keys", "status", env=habeas_env(data_dir, HABEAS_KEYS=good))
    assert from_env.returncode == 0, from_env.stderr
    assert "HABEAS_KEYS environment variable" in from_env.stdout


def test_a_lost_default_key_file_makes_check_and_migrate_fail(tmp_path):
    env = SITES.start("demo", tmp_path)
    (tmp_path / "keys.json").unlink()  # a new, empty ring is generated at the next start
    result = habeas("check", env=env)
    assert result.returncode != 0
    assert "not in the key ring" in result.stderr
    assert "Traceback" not in result.stderr and "A relative (demo)" not in result.stderr
    assert habeas("migrate", env=env).returncode != 0  # so `habeas serve` refuses too
    # …and without migrating first as well; it never gets as far as listening.
    serve = habeas("serve", "--no-migrate", "--port", "1", env=env, timeout=60)
    assert serve.returncode != 0
    assert "not in the key ring" in serve.stderr and "Habeas is at" not in serve.stdout


def test_migrations_encrypt_existing_values_and_decrypt_them_on_the_way_back(tmp_path):
    env = SITES.start("demo", tmp_path)
    back = habeas("migrate", "cases", "0002", env=env)
    assert back.returncode == 0, back.stderr
    assert habeas("migrate", "sources", "0001", env=env).returncode == 0
    identities = {r[0] for r in query(env, "select identity from sources_source")}
    assert "A relative (demo)" in identities  # plain text again, as version 0001 expects
    notes = {r[0] for r in query(env, "select notes from sources_source")}
    assert any("family's lawyer" in n for n in notes)

    forward = habeas("migrate", env=env)
    assert forward.returncode == 0, forward.stderr
    assert b"A relative (demo)" not in database_bytes(env)
    assert b"family's lawyer" not in database_bytes(env)
    read = habeas(
        "shell",
        "-c",
        "from habeas.sources.models import Source;"
        "print(sorted(s.identity for s in Source.objects.exclude(identity='')))",
        env=env,
    )
    assert "A relative (demo)" in read.stdout, read.stderr
    assert habeas("check", env=env).returncode == 0
