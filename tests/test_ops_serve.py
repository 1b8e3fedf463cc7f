"""`habeas serve` as an operator runs it, and crashes: restarted right after its
master was killed, it serves again within seconds; two instances under one user
do not share a control socket; keys are not rotated under a running server or
watcher."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.core.management.base import CommandError

from habeas.ops.management.commands.serve import wait_for_port
from tests.support.ops import (
    alive,
    children,
    end,
    free_port,
    habeas,
    habeas_env,
    one_line_refusal,
    start,
    wait_serving,
)


def test_a_server_restarted_right_after_its_master_was_killed_serves_within_seconds(tmp_path):
    """GIVEN a server with a client half-way through sending a request
    WHEN its gunicorn master is killed (kill -9) and `habeas serve` is run 1 s later
    THEN the orphaned workers are gone at once and the new server serves promptly."""
    port = free_port()
    env = habeas_env(tmp_path / "data", HABEAS_PORT=str(port))
    first = start("serve", env=env, log=tmp_path / "first.log")
    second = None
    workers: list[int] = []
    try:
        wait_serving(first, port, tmp_path / "first.log", within=120)
        deadline = time.monotonic() + 10
        while len(workers := children(first.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        time.sleep(0.5)

        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed = time.monotonic()
        while any(alive(w) for w in workers) and time.monotonic() - killed < 5:
            time.sleep(0.05)
        assert not [w for w in workers if alive(w)], "workers outlived their master"

        time.sleep(1)
        second = start("serve", env=env, log=tmp_path / "second.log")
        took = wait_serving(second, port, tmp_path / "second.log", within=15)
        print(f"serving again {time.monotonic() - killed:.1f} s after kill -9 ({took:.1f} s start)")
        slow.close()
    finally:
        if second is not None:
            end(second)
        end(first, *workers)


def test_two_instances_under_one_user_open_no_shared_control_socket(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    ports = [free_port(), free_port()]
    servers = []
    try:
        for n, port in enumerate(ports):
            env = habeas_env(tmp_path / f"data{n}", HABEAS_PORT=str(port), HOME=str(home))
            env.pop("XDG_RUNTIME_DIR", None)
            servers.append(start("serve", env=env, log=tmp_path / f"{n}.log"))
        for server, port, n in zip(servers, ports, range(2), strict=True):
            wait_serving(server, port, tmp_path / f"{n}.log", within=120)
        # gunicorn opens its control socket from a thread of its own, which on a
        # busy machine may come after the first request is served: give it time.
        watch_until = time.monotonic() + 5
        while time.monotonic() < watch_until:
            assert not (home / ".gunicorn").exists()
            for n in range(2):
                assert "Control socket" not in (tmp_path / f"{n}.log").read_text()
            time.sleep(0.25)
    finally:
        for server in servers:
            end(server)


def test_a_port_held_by_another_program_is_refused_with_one_line():
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        said: list[str] = []
        with pytest.raises(CommandError) as refused:
            wait_for_port("127.0.0.1", port, within=0.5, say=said.append)
    assert str(refused.value) == (
        f"Port {port} on 127.0.0.1 is in use by another program: stop it, or choose "
        "another port (HABEAS_PORT or --port)."
    )
    assert said == [f"Port {port} is in use; waiting up to 0.5 s for it to be free."]


@pytest.mark.parametrize("command", ["serve", "watch"])
def test_keys_are_not_rotated_under_a_running_server_or_watcher(tmp_path, command):
    """GIVEN `habeas serve` (or `habeas watch`) running on a data directory
    WHEN the operator runs `habeas keys rotate` there
    THEN it is refused with one line and the key file is unchanged; once the
    process has stopped, the rotation goes through."""
    data = tmp_path / "data"
    port = free_port()
    env = habeas_env(data, HABEAS_PORT=str(port), HABEAS_WATCH_INTERVAL="1")
    assert habeas("migrate", env=env).returncode == 0
    keys_before = (data / "keys.json").read_bytes()
    log = tmp_path / "run.log"
    process = start(command, env=env, log=log)
    try:
        if command == "serve":
            wait_serving(process, port, log, within=120)
        else:
            deadline = time.monotonic() + 60
            while "Watching every" not in log.read_text():
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        line = one_line_refusal(habeas("keys", "rotate", env=env))
        assert line == (
            f"CommandError: Habeas is running on {data} (`habeas serve` or `habeas watch`): "
            "stop it before you rotate the keys, and start it again afterwards."
        )
        assert (data / "keys.json").read_bytes() == keys_before
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        finally:
            end(process)
    rotated = habeas("keys", "rotate", env=env)
    assert rotated.returncode == 0, rotated.stderr
    assert (data / "keys.json").read_bytes() != keys_before


def test_a_server_does_not_start_during_a_key_rotation(tmp_path, settings):
    """The other way round: `habeas serve` started while a rotation holds the lock."""
    from habeas.core.running import refuse_while_running

    data = tmp_path / "data"
    env = habeas_env(data, HABEAS_PORT=str(free_port()))
    assert habeas("check", env=env).returncode == 0
    settings.DATA_DIR = data
    with refuse_while_running("rotate the keys"):
        line = one_line_refusal(habeas("serve", env=env, timeout=60))
    assert line == (
        f"CommandError: A key rotation is running on {data}: start `habeas serve` again "
        "when it has finished."
    )


HELD_ROTATION = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
import habeas.ops.management.commands.keys as keys

go, real, calls = Path(sys.argv[1]), keys.reencrypt_column, []
def held(*args, **kwargs):  # the first column goes through, then the rotation waits
    calls.append(1)
    while len(calls) > 1 and not go.exists():
        time.sleep(0.05)
    return real(*args, **kwargs)
keys.reencrypt_column = held
call_command("keys", "rotate")
"""


def test_nothing_starts_half_way_through_a_real_key_rotation(tmp_path):
    """GIVEN `habeas keys rotate` half-way: the new key written, some values
    re-encrypted under it, the rest still under the retired key
    WHEN the operator starts `habeas serve`, `habeas watch` or `habeas keys reencrypt`
    THEN each is refused with one line saying a rotation is running (not with the
    key checks' advice about the half-rotated data); the rotation then finishes
    and leaves nothing for the checks to complain about."""
    data = tmp_path / "data"
    env = habeas_env(data, HABEAS_PORT=str(free_port()), DJANGO_SETTINGS_MODULE="habeas.settings")
    assert habeas("demo", env=env).returncode == 0
    keys_before = (data / "keys.json").read_bytes()
    script, go = tmp_path / "rotate.py", tmp_path / "go"
    script.write_text(HELD_ROTATION)
    log = tmp_path / "rotate.log"
    with open(log, "wb") as out:
        rotation = subprocess.Popen(
            [sys.executable, str(script), str(go)],
            env=env | {"PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "re-encrypted" not in log.read_text():  # the first column is done
            assert rotation.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        for command, refusal in [
            (("serve",), "start `habeas serve` again when it has finished."),
            (("watch", "--once"), "start `habeas watch` again when it has finished."),
            (("keys", "reencrypt"), "wait for it to finish before you re-encrypt."),
        ]:
            line = one_line_refusal(habeas(*command, env=env, timeout=60))
            assert line == f"CommandError: A key rotation is running on {data}: {refusal}"
        assert rotation.poll() is None, log.read_text()
        assert (data / "keys.json").read_bytes() != keys_before
        go.touch()
        assert rotation.wait(timeout=120) == 0, log.read_text()
    finally:
        end(rotation)
    checked = habeas("check", env=env)
    assert checked.returncode == 0, checked.stderr


def test_a_watcher_reads_the_key_file_again_once_it_holds_the_lock(db, settings, tmp_path):
    """A rotation that ended after the process read its settings (and before it took
    the lock) wrote a new ring: the watcher works with it, not with the old one."""
    from io import StringIO

    from django.core.management import call_command

    from habeas.lib.crypto import write_key_file

    old = settings.HABEAS_KEYRING
    rotated = old.rotated()
    write_key_file(tmp_path / "keys.json", rotated)
    settings.DATA_DIR = tmp_path
    settings.HABEAS_KEY_FILE = tmp_path / "keys.json"
    call_command("watch", "--once", stdout=StringIO())
    assert settings.HABEAS_KEYRING.active == rotated.active != old.active
