"""The restore marker: a restore is running on this data directory, or was killed
half-way. Habeas's checks read it at every start (a half-restored data directory is
not served); `habeas restore` writes it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# Written before a restore places anything, locked (flock) while it runs, removed
# when it has finished. Left behind, it means the restore's process died half-way:
# the data directory may hold part of the backup, so Habeas does not start
# (habeas.ops.checks) until `habeas restore` is run again, which clears that part
# away and starts afresh.
RESTORE_MARKER = "restore-in-progress.json"


@dataclass
class UnfinishedRestore:
    backup: str
    started_at: str
    running: bool

    def describe(self) -> str:
        if self.running:
            return (
                f"A restore into {settings.DATA_DIR} is running (of {self.backup}, "
                f"started {self.started_at})."
            )
        return (
            f"A restore into {settings.DATA_DIR} was interrupted (of {self.backup}, "
            f"started {self.started_at}): the data there is incomplete."
        )

    def what_to_do(self) -> str:
        if self.running:
            return "Wait for it to finish."
        return (
            f"Run `habeas restore {shlex.quote(self.backup)}` again: it clears away what the "
            "interrupted one placed and starts afresh."
        )


def unfinished_restore() -> UnfinishedRestore | None:
    """The restore that is running on this data directory, or was killed half-way."""
    try:
        fd = os.open(Path(settings.DATA_DIR) / RESTORE_MARKER, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError:
        return UnfinishedRestore(backup="?", started_at="?", running=False)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            running = False
        except BlockingIOError:
            running = True
        raw = os.read(fd, 64 * 1024)
    finally:
        os.close(fd)
    try:
        info = json.loads(raw)
        backup, started_at = str(info["backup"]), str(info["started_at"])
    except (ValueError, TypeError, KeyError):
        backup, started_at = "?", "?"
    return UnfinishedRestore(backup=backup, started_at=started_at, running=running)
