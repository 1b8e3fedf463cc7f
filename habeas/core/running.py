"""Who is running on this data directory: a lock file that `habeas serve` and
`habeas watch` hold shared for as long as they run, and that a key rotation takes
exclusively.

Running processes keep the key ring they started with: a rotation under them
would leave them unable to read what is re-encrypted under the new key (evidence
shown as "changed or missing", failed custody entries, a 500 on a source page).
The lock is an flock(2), so the kernel lets go of it when a process dies, however
it dies: no stale pid file to clean up. gunicorn's workers inherit the server's
lock with its file descriptor.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

LOCK_NAME = "running.lock"

_held: list[int] = []  # this process's lock file, kept open for its whole life


def _open_lock() -> int:
    path = Path(settings.DATA_DIR) / LOCK_NAME
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise CommandError(f"Cannot open {path}: {exc.strerror}.") from None


def hold_running_lock(command: str) -> None:
    """Mark this process as running Habeas until it exits (`command` names it in the
    refusal if a key rotation holds the lock)."""
    if _held:
        return
    fd = _open_lock()
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise CommandError(
            f"A key rotation is running on {settings.DATA_DIR}: start `{command}` "
            "again when it has finished."
        ) from None
    _held.append(fd)


@contextlib.contextmanager
def refuse_while_running(action: str) -> Iterator[None]:
    """Hold the lock exclusively while `action` runs, or refuse with one line if a
    server or watcher runs on this data directory."""
    while _held:  # this process's own mark (a test that ran a watcher pass) is no other
        os.close(_held.pop())
    fd = _open_lock()
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CommandError(
                f"Habeas is running on {settings.DATA_DIR} (`habeas serve` or `habeas "
                f"watch`): stop it before you {action}, and start it again afterwards."
            ) from None
        yield
    finally:
        os.close(fd)
