"""The real `habeas` command in subprocesses, for the operations tests: a server
started and killed as an operator (or a crash) would, commands run against a data
directory of the test's own."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.commands import habeas  # noqa: F401  (the one way to run the command)


def habeas_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HABEAS_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update({"HABEAS_DATA_DIR": str(data_dir), **extra})
    return env


def one_line_refusal(result: subprocess.CompletedProcess) -> str:
    """A command that failed as it must: non-zero, no traceback, one line on stderr."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """A long-running `habeas` command in its own process group (so that a test can
    end everything it started), its output in `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "habeas", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def health(port: int, timeout: float = 2) -> int | None:
    """/health/'s status code, or None if nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def wait_serving(process: subprocess.Popen, port: int, log: Path, within: float) -> float:
    """Seconds until /health/ answers 200; fails the test after `within` seconds
    or if the server exits."""
    began = time.monotonic()
    while health(port) != 200:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {log.read_text()[-3000:]}")
        if time.monotonic() - began > within:
            raise AssertionError(f"not serving after {within} s: {log.read_text()[-3000:]}")
        time.sleep(0.1)
    return time.monotonic() - began


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            # The command name (field 2) is in parentheses and may hold spaces.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"  # a zombie has let go of everything it held


def end(process: subprocess.Popen, *pids: int) -> None:
    """Stop what a test started: the process's group and any stray process named."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
