"""`habeas backup FILE`: one encrypted archive of the database and the stored files.

Safe while Habeas runs (SQLite's online backup; PostgreSQL's snapshot). The
archive is encrypted under the key ring's active key; the key file is not in it.
See habeas/ops/backup/ for the format and docs/operations.md#backups.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from habeas.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write one encrypted backup of the database and the stored files to FILE."
    # A backup copies what is there: it must work even while `habeas check`
    # complains (say, half-way through a key rotation), when it matters most.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", metavar="FILE", help="The backup file to write.")
        parser.add_argument(
            "--force", action="store_true", help="Replace FILE if it exists already."
        )

    def handle(self, *args, file: str, force: bool, **options) -> None:
        try:
            result = create_backup(file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup written to {result.path}: {result.entries} audit entries, "
            f"{result.files} stored files, {result.bytes} bytes, encrypted under key "
            f"{result.key_id}."
        )
        if result.skipped:
            shown = ", ".join(result.skipped[:5]) + (" …" if len(result.skipped) > 5 else "")
            self.stdout.write(
                f"Skipped {len(result.skipped)} entries under the stored files that are not "
                f"regular files (symbolic links and the like): {shown}"
            )
        where = settings.HABEAS_KEY_FILE or "the HABEAS_KEYS key ring"
        self.stdout.write(
            f"The key is not in the backup: keep {where} (with key {result.key_id}) "
            "safe and apart from it; without it the backup cannot be restored."
        )
