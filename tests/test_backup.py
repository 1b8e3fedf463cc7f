"""`habeas backup` and `habeas restore`, run for real in subprocesses.

A backup taken from one data directory is restored into another, empty one (on
the pass's database: SQLite, or PostgreSQL in the PostgreSQL pass; and on
PostgreSQL in either pass, between two databases these tests create and drop) and
must bring back the cases, a confidential value that still decrypts, the audit
chain and every stored file byte for byte. A damaged backup, a wrong key ring, a
non-empty target and a backup from a newer Habeas are refused with one line,
leaving the target as it was. A backup taken while another process keeps
appending to the audit log restores to a chain that verifies.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from habeas.lib.crypto import (
    KeyRing,
    decrypt_stream,
    encrypt_stream,
    write_key_file,
)
from tests.support.commands import SITES, Sites, database_is_empty, habeas, habeas_env

AAD = b"habeas backup archive"  # habeas.ops.backup.archive.ARCHIVE_AAD
IDENTITY_CANARY = "CANARY-SOURCE-IDENTITY-5b1f"
FILE_CANARY = b"CANARY-STORED-FILE-CONTENT-91c2"
PG_DEFAULT_URL = "postgres://habeas@127.0.0.1:54329/habeas"


def run_ok(*args: str, env: dict[str, str], timeout: int = 180) -> str:
    result = habeas(*args, env=env, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def shell(code: str, env: dict[str, str]) -> str:
    return run_ok("shell", "-v", "0", "-c", code, env=env).strip()


def refused(*args: str, env: dict[str, str]) -> str:
    """Run a command that must fail with one readable line; return that line."""
    result = habeas(*args, env=env)
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def key_file(path: Path) -> Path:
    write_key_file(path, KeyRing.generate())
    return path


def ring_of(path: Path) -> KeyRing:
    return KeyRing.from_json(path.read_text())


SET_CANARY = f"""
from habeas.sources.models import Source
source = Source.objects.order_by("pk").first()
source.identity = {IDENTITY_CANARY!r}
source.save()
print(source.public_id)
"""
IDENTITY_OF = """
from habeas.sources.models import Source
print(Source.objects.get(public_id={public_id!r}).identity)
"""
CASE_COUNT = "from habeas.cases.models import Case; print(Case.objects.count())"
LAST_ACTIONS = (
    "from habeas.audit.models import AuditEntry; "
    "print(','.join(AuditEntry.objects.order_by('-id').values_list('action', flat=True)[:3]))"
)


def add_stored_files(data_dir: Path) -> dict[str, bytes]:
    files = {
        "evidence/2021/photo.jpg": secrets.token_bytes(200_000),
        "evidence/statement.txt": b"A stored statement. " + FILE_CANARY,
        "empty.bin": b"",
    }
    for name, content in files.items():
        path = data_dir / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return files


def assert_untouched(env: dict[str, str]) -> None:
    """Nothing was restored: no database (file or tables), no stored files, no leftovers."""
    data_dir = Path(env["HABEAS_DATA_DIR"])
    assert database_is_empty(env)
    assert not (data_dir / "files").exists()
    assert not [p.name for p in data_dir.glob(".restore-*")]


def assert_holds_data(line: str) -> None:
    """`line` refuses a restore over data, as the pass's kind of database words it."""
    if SITES.vendor == "sqlite":
        assert "already has a database" in line, line
        assert "restore needs an empty data directory" in line, line
    else:
        assert "already has" in line and "restore needs an empty database" in line, line


def decrypt_archive(archive: Path, ring: KeyRing) -> bytes:
    out = io.BytesIO()
    with open(archive, "rb") as handle:
        decrypt_stream(ring, handle, out, AAD)
    return out.getvalue()


def rebuild_archive(archive: Path, ring: KeyRing, target: Path, change_manifest) -> None:
    """Decrypt a real backup, let `change_manifest` edit its manifest, re-encrypt it
    under the same key: an authentic archive with a manifest of our choosing."""
    plain = decrypt_archive(archive, ring)
    rebuilt = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as source,
        tarfile.open(fileobj=rebuilt, mode="w:gz") as tar,
    ):
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change_manifest(manifest)
                data = json.dumps(manifest).encode()
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    with open(target, "wb") as out:
        encrypt_stream(ring, io.BytesIO(rebuilt.getvalue()), out, AAD)


# --- on the pass's database -------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory):
    """Data directory A (demo data, a canary identity, stored files) and its backup."""
    root = tmp_path_factory.mktemp("backup")
    source = root / "a"
    env = SITES.start("demo", source)
    public_id = shell(SET_CANARY, env).splitlines()[-1]
    files = add_stored_files(source)
    archive = root / "habeas.backup"
    out = run_ok("backup", str(archive), env=env)
    return {
        "root": root,
        "source": source,
        "env": env,
        "archive": archive,
        "out": out,
        "files": files,
        "public_id": public_id,
        "cases": int(shell(CASE_COUNT, env)),
        # The demo's evidence files (habeas.evidence) and the three added here.
        "stored": sum(1 for p in (source / "files").rglob("*") if p.is_file()),
    }


def fresh_dir_with_key(root: Path, name: str, key_from: Path) -> Path:
    """An empty data directory holding only the key file the backup was made with."""
    target = root / name
    target.mkdir(mode=0o700)
    shutil.copy2(key_from / "keys.json", target / "keys.json")
    return target


def test_backup_writes_one_private_file_and_says_where_the_key_is(sqlite_backup):
    archive, out = sqlite_backup["archive"], sqlite_backup["out"]
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert not archive.with_name(archive.name + ".tmp").exists()
    assert not list(sqlite_backup["source"].glob(".backup-*"))
    summary = re.search(
        r"Backup written to (\S+): (\d+) audit entries, (\d+) stored files, (\d+) bytes", out
    )
    assert summary, out
    assert summary.group(1) == str(archive)
    assert int(summary.group(3)) == sqlite_backup["stored"] >= 3
    assert int(summary.group(4)) == archive.stat().st_size
    assert "The key is not in the backup" in out
    # The backup itself is in the audit log (counts, no names).
    actions = shell(LAST_ACTIONS, sqlite_backup["env"])
    assert actions.startswith("backup.create")


def test_the_archive_shows_nothing_in_clear(sqlite_backup):
    data = sqlite_backup["archive"].read_bytes()
    assert data.startswith(b"HVS")
    for plain in (
        IDENTITY_CANARY.encode(),
        FILE_CANARY,
        b"CREATE TABLE",
        b"SQLite format 3",
        b"PGDMP",
        b"TM-DEMO-001",  # a case reference: clear text in the database itself
        b"manifest.json",
    ):
        assert plain not in data


def test_round_trip_on_sqlite_brings_back_everything(sqlite_backup):
    source = sqlite_backup["source"]
    target = fresh_dir_with_key(sqlite_backup["root"], "b", source)
    env = habeas_env(target)
    out = run_ok("restore", str(sqlite_backup["archive"]), env=env)
    entries = int(re.search(r"Backup written to \S+: (\d+) audit entries", sqlite_backup["out"])[1])
    assert f"{entries} audit entries (chain verified" in out
    assert f"{sqlite_backup['stored']} stored files (hashes verified)" in out

    assert int(shell(CASE_COUNT, env)) == sqlite_backup["cases"] >= 30
    identity = shell(IDENTITY_OF.format(public_id=sqlite_backup["public_id"]), env)
    assert identity == IDENTITY_CANARY
    assert run_ok("audit", "verify", env=env).strip() == f"Audit log intact: {entries + 1} entries."
    # The restore is recorded on top of the restored chain (the source's
    # backup.create entry came after its snapshot, so it is not in the backup).
    assert shell(LAST_ACTIONS, env).split(",")[0] == "backup.restore"
    for name, content in sqlite_backup["files"].items():
        assert (target / "files" / name).read_bytes() == content
    if SITES.vendor == "sqlite":
        assert stat.S_IMODE((target / "habeas.sqlite3").stat().st_mode) == 0o600
    assert not list(target.glob(".restore-*"))
    run_ok("check", env=env)
    # The restored directory now holds data: a second restore is refused.
    line = refused("restore", str(sqlite_backup["archive"]), env=env)
    assert_holds_data(line)


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "appended", "empty"])
def test_a_damaged_backup_is_refused_and_nothing_is_written(sqlite_backup, damage):
    data = bytearray(sqlite_backup["archive"].read_bytes())
    if damage == "flipped byte":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncated":
        data = data[: len(data) - 1000]
    elif damage == "appended":
        data += b"\x00" * 100
    else:
        data = bytearray()
    broken = sqlite_backup["root"] / f"broken-{damage.replace(' ', '-')}.backup"
    broken.write_bytes(bytes(data))
    target = fresh_dir_with_key(
        sqlite_backup["root"], f"damaged-{damage[:4]}", sqlite_backup["source"]
    )
    env = habeas_env(target)
    line = refused("restore", str(broken), env=env)
    if damage == "empty":
        assert line == f"CommandError: {broken} is not a Habeas backup."
    else:
        assert "could not be decrypted: it is damaged, truncated or was altered" in line
        assert "Nothing was restored." in line
    assert_untouched(env)


def test_a_file_whose_hash_differs_is_named_and_nothing_is_placed(sqlite_backup, tmp_path):
    ring = ring_of(sqlite_backup["source"] / "keys.json")

    def wrong_hash(manifest):
        for entry in manifest["files"]:
            if entry["path"] == "evidence/statement.txt":
                entry["sha256"] = "0" * 64

    tampered = tmp_path / "tampered.backup"
    rebuild_archive(sqlite_backup["archive"], ring, tampered, wrong_hash)
    target = fresh_dir_with_key(tmp_path, "t", sqlite_backup["source"])
    env = habeas_env(target)
    line = refused("restore", str(tampered), env=env)
    assert "files/evidence/statement.txt does not match its SHA-256 hash" in line
    assert_untouched(env)


def test_a_backup_from_a_newer_habeas_is_refused(sqlite_backup, tmp_path):
    ring = ring_of(sqlite_backup["source"] / "keys.json")
    newer = tmp_path / "newer.backup"
    rebuild_archive(sqlite_backup["archive"], ring, newer, lambda m: m.update(format=99))
    target = fresh_dir_with_key(tmp_path, "n", sqlite_backup["source"])
    env = habeas_env(target)
    line = refused("restore", str(newer), env=env)
    assert "made by a newer Habeas" in line and "backup format 99" in line
    assert_untouched(env)

    def unknown_migration(manifest):
        manifest["migrations"]["cases"] = "9999_from_the_future"

    future = tmp_path / "future.backup"
    rebuild_archive(sqlite_backup["archive"], ring, future, unknown_migration)
    line = refused("restore", str(future), env=env)
    assert "migration cases.9999_from_the_future, which this version does not know" in line
    assert_untouched(env)


def test_a_backup_under_a_key_the_ring_lacks_is_refused(sqlite_backup, tmp_path):
    # A new data directory generates its own key file: not the one of the backup.
    env = habeas_env(tmp_path / "new")
    line = refused("restore", str(sqlite_backup["archive"]), env=env)
    backup_key = ring_of(sqlite_backup["source"] / "keys.json").active
    assert f"This backup was made with key {backup_key}, which is not in the key ring" in line
    assert "place the key file first" in line
    assert_untouched(env)

    # A key file of the same name but another key: the archive does not decrypt.
    impostor = tmp_path / "impostor"
    impostor.mkdir(mode=0o700)
    write_key_file(impostor / "keys.json", KeyRing.generate(key_id=backup_key))
    env = habeas_env(impostor)
    line = refused("restore", str(sqlite_backup["archive"]), env=env)
    assert "could not be decrypted" in line
    assert_untouched(env)


def test_restore_refuses_a_data_directory_that_holds_data(sqlite_backup, tmp_path):
    line = refused("restore", str(sqlite_backup["archive"]), env=sqlite_backup["env"])
    assert_holds_data(line)

    with_files = fresh_dir_with_key(tmp_path, "f", sqlite_backup["source"])
    (with_files / "files").mkdir()
    (with_files / "files" / "keep.txt").write_bytes(b"someone's file")
    env = habeas_env(with_files)
    line = refused("restore", str(sqlite_backup["archive"]), env=env)
    assert "files is not empty" in line
    assert (with_files / "files" / "keep.txt").read_bytes() == b"someone's file"
    assert database_is_empty(env)


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("CREATE TABLE nothing;")
    env = habeas_env(tmp_path / "t")
    line = refused("restore", str(not_a_backup), env=env)
    assert line == f"CommandError: {not_a_backup} is not a Habeas backup."
    line = refused("restore", str(tmp_path / "missing.backup"), env=env)
    assert "Cannot read" in line and "No such file" in line
    assert_untouched(env)


def test_backup_does_not_overwrite_unless_forced(sqlite_backup, tmp_path):
    env = sqlite_backup["env"]
    existing = tmp_path / "existing.backup"
    existing.write_bytes(b"an older backup")
    line = refused("backup", str(existing), env=env)
    assert "exists: choose another name, or add --force" in line
    assert existing.read_bytes() == b"an older backup"
    run_ok("backup", "--force", str(existing), env=env)
    assert existing.read_bytes().startswith(b"HVS")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600


# --- consistency while Habeas writes ----------------------------------------------------

WRITER = """
import pathlib
from habeas.audit.services import audit_record
stop = pathlib.Path({stop!r})
n = 0
while not stop.exists():
    audit_record(action="test.write", detail={{"n": n}})
    n += 1
print("wrote", n)
"""


def entries_in_backup(out: str) -> int:
    return int(re.search(r"Backup written to \S+: (\d+) audit entries", out)[1])


def audit_count(env: dict[str, str]) -> int:
    return int(
        shell("from habeas.audit.models import AuditEntry; print(AuditEntry.objects.count())", env)
    )


def backup_while_writing(source_env: dict[str, str], target_env: dict[str, str], root: Path):
    """Keep appending audit entries from another process while backups are taken;
    the last backup must restore to an intact chain of exactly its entries."""
    stop = root / "stop-writing"
    writer = subprocess.Popen(
        [sys.executable, "-m", "habeas", "shell", "-v", "0", "-c", WRITER.format(stop=str(stop))],
        env=source_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while audit_count(source_env) < 20:
            assert writer.poll() is None, writer.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the writer did not start writing"
            time.sleep(0.2)
        before = audit_count(source_env)
        archives = []
        for i in range(3):
            archive = root / f"busy-{i}.backup"
            archives.append(
                (archive, entries_in_backup(run_ok("backup", str(archive), env=source_env)))
            )
        after = audit_count(source_env)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err[-2000:]
    archive, entries = archives[-1]
    # The backups were taken while the log grew before, between and after them.
    assert before < archives[0][1] and entries < after, (before, archives, after)
    assert int(out.split()[-1]) > after - before
    restored = run_ok("restore", str(archive), env=target_env)
    assert f"{entries} audit entries (chain verified" in restored
    assert run_ok("audit", "verify", env=target_env).strip() == (
        f"Audit log intact: {entries + 1} entries."
    )


def test_a_backup_taken_while_habeas_writes_restores_consistently(tmp_path):
    SITES.start("migrated", tmp_path / "a")
    keys = tmp_path / "a" / "keys.json"
    source_env = habeas_env(tmp_path / "a", HABEAS_KEY_FILE=str(keys))
    target_env = habeas_env(tmp_path / "b", HABEAS_KEY_FILE=str(keys))
    backup_while_writing(source_env, target_env, tmp_path)


# --- PostgreSQL -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_databases():
    """The URL of an empty PostgreSQL database of a data directory, on the test
    server; the databases are dropped when the module ends.

    Runs when HABEAS_DATABASE_URL is a PostgreSQL URL or the test server on
    127.0.0.1:54329 answers; with HABEAS_REQUIRE_POSTGRES=1 an unreachable server
    fails these tests instead of skipping them."""
    import psycopg

    server = Sites(SITES.url or PG_DEFAULT_URL)
    try:
        server.admin().close()
    except psycopg.Error as exc:
        message = (
            f"PostgreSQL is not reachable at {server.url.split('@')[-1]}: {type(exc).__name__}"
        )
        if os.environ.get("HABEAS_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    yield server.database_url  # of a data directory
    server.close()


@pytest.mark.postgres
def test_round_trip_on_postgresql_brings_back_everything(pg_databases, tmp_path):
    keys = key_file(tmp_path / "keys.json")
    source_url, target_url = pg_databases(tmp_path / "a"), pg_databases(tmp_path / "b")
    source_env = habeas_env(
        tmp_path / "a", HABEAS_KEY_FILE=str(keys), HABEAS_DATABASE_URL=source_url
    )
    target_env = habeas_env(
        tmp_path / "b", HABEAS_KEY_FILE=str(keys), HABEAS_DATABASE_URL=target_url
    )
    run_ok("demo", env=source_env)
    public_id = shell(SET_CANARY, source_env).splitlines()[-1]
    files = add_stored_files(tmp_path / "a")
    archive = tmp_path / "pg.backup"
    out = run_ok("backup", str(archive), env=source_env)
    entries = entries_in_backup(out)
    data = archive.read_bytes()
    for plain in (IDENTITY_CANARY.encode(), FILE_CANARY, b"CREATE TABLE", b"PGDMP", b"TM-DEMO-001"):
        assert plain not in data

    # A damaged backup: refused, the database stays empty.
    broken = tmp_path / "broken.backup"
    broken.write_bytes(data[:100] + bytes([data[100] ^ 0x01]) + data[101:])
    line = refused("restore", str(broken), env=target_env)
    assert "could not be decrypted" in line
    assert_untouched(target_env)
    assert (
        shell(
            "from django.db import connection; print(len(connection.introspection.table_names()))",
            target_env,
        )
        == "0"
    )

    restored = run_ok("restore", str(archive), env=target_env)
    assert f"{entries} audit entries (chain verified" in restored
    assert shell(CASE_COUNT, target_env) == shell(CASE_COUNT, source_env)
    assert shell(IDENTITY_OF.format(public_id=public_id), target_env) == IDENTITY_CANARY
    assert run_ok("audit", "verify", env=target_env).strip() == (
        f"Audit log intact: {entries + 1} entries."
    )
    for name, content in files.items():
        assert (tmp_path / "b" / "files" / name).read_bytes() == content
    # The append-only triggers came back with the dump.
    assert (
        shell(
            "from django.db import connection; from habeas.audit import triggers; "
            "print(triggers.installed(connection))",
            target_env,
        )
        == "True"
    )
    run_ok("check", env=target_env)

    line = refused("restore", str(archive), env=target_env)
    assert "already has" in line and "restore needs an empty database" in line
    # A SQLite data directory cannot take a PostgreSQL backup.
    sqlite_env = habeas_env(tmp_path / "c", HABEAS_KEY_FILE=str(keys), HABEAS_DATABASE_URL="")
    line = refused("restore", str(archive), env=sqlite_env)
    assert "This backup is of a PostgreSQL database" in line


@pytest.mark.postgres
def test_a_backup_taken_while_habeas_writes_restores_consistently_on_postgresql(
    pg_databases, tmp_path
):
    keys = key_file(tmp_path / "keys.json")
    source_env = habeas_env(
        tmp_path / "a", HABEAS_KEY_FILE=str(keys), HABEAS_DATABASE_URL=pg_databases(tmp_path / "a")
    )
    target_env = habeas_env(
        tmp_path / "b", HABEAS_KEY_FILE=str(keys), HABEAS_DATABASE_URL=pg_databases(tmp_path / "b")
    )
    run_ok("migrate", env=source_env)
    backup_while_writing(source_env, target_env, tmp_path)
