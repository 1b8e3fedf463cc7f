"""Who is running on this data directory: a lock file that `habeas serve` and
`habeas watch` hold shared for as long as they run, and that a key rotation (or
re-encryption) takes exclusively.

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
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from habeas.core.commands import Command as BaseCommand
from habeas.lib.crypto import KeyRingError, read_key_file

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

LOCK_NAME = "running.lock"


def _open_lock() -> int:
    path = Path(settings.DATA_DIR) / LOCK_NAME
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise CommandError(
            _("Cannot open %(path)s: %(why)s.") % {"path": path, "why": exc.strerror}
        ) from None


@contextlib.contextmanager
def running(command: str) -> Iterator[None]:
    """Mark this process as running Habeas while the block runs, or refuse with one
    line if a key rotation holds the lock (`command` names what to start again)."""
    fd = _open_lock()
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CommandError(
                _(
                    "A key rotation is running on %(dir)s: start `%(command)s` "
                    "again when it has finished."
                )
                % {"dir": settings.DATA_DIR, "command": command}
            ) from None
        yield
    finally:
        os.close(fd)


class RunningCommand(BaseCommand):
    """A command that runs Habeas on the data directory (serve, watch).

    The lock is taken before Django's system checks, not in handle(): checks run
    during a rotation would see half of the values under the new key and refuse
    with the wrong advice (a key "lost", or "run habeas keys reencrypt" while one
    runs). The key file is read again once the lock is held: a rotation that
    ended after this process read its settings wrote a new ring."""

    running_as = "habeas"
    help: str | _StrPromise = ""  # a lazy one, as in habeas.core.commands

    def execute(self, *args: Any, **options: Any) -> Any:
        with running(self.running_as):
            reload_key_ring()
            return super().execute(*args, **options)


def reload_key_ring() -> None:
    path = settings.HABEAS_KEY_FILE
    if path is None:  # HABEAS_KEYS: no one but the operator changes it
        return
    try:
        settings.HABEAS_KEYRING = read_key_file(path)
    except KeyRingError as exc:
        raise CommandError(str(exc)[0].upper() + str(exc)[1:] + ".") from None


@contextlib.contextmanager
def refuse_while_running(action: str) -> Iterator[None]:
    """Hold the lock exclusively while `action` runs, or refuse with one line if a
    server, a watcher or another rotation runs on this data directory."""
    fd = _open_lock()
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:  # shared holders only: a server or watcher
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CommandError(
                    _(
                        "A key rotation is running on %(dir)s: wait for it to "
                        "finish before you %(action)s."
                    )
                    % {"dir": settings.DATA_DIR, "action": action}
                ) from None
            raise CommandError(
                _(
                    "Habeas is running on %(dir)s (`habeas serve` or `habeas "
                    "watch`): stop it before you %(action)s, and start it again afterwards."
                )
                % {"dir": settings.DATA_DIR, "action": action}
            ) from None
        yield
    finally:
        os.close(fd)
