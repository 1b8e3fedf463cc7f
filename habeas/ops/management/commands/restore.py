"""`habeas restore FILE`: bring back a backup into an empty data directory.

Refuses a data directory (or PostgreSQL database) that holds data already, a
backup under a key the key ring lacks, and a damaged or altered backup, with one
line and without changing anything. Verifies every file's hash before placing
anything, and the audit chain against the backup's manifest afterwards.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.core.commands import Command as BaseCommand
from habeas.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = gettext_lazy("Restore a backup made by `habeas backup` into an empty data directory.")
    # The system checks read the database, which is empty (or absent) until the
    # restore places it; restore_backup checks what it needs itself.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file", metavar="FILE", help=gettext_lazy("The backup file to restore.")
        )

    def handle(self, *args, file: str, **options) -> None:
        try:
            result = restore_backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if result.resumed:
            self.stdout.write(result.resumed)
        self.stdout.write(
            _(
                "Restored the backup of %(created)s: %(entries)s audit entries "
                "(chain verified, head %(head)s…), %(files)s stored files "
                "(hashes verified)."
            )
            % {
                "created": result.created_at,
                "entries": result.entries,
                "head": result.head[:16],
                "files": result.files,
            }
        )
        if result.pending_migrations:
            self.stdout.write(
                _(
                    "The backup is from an older Habeas: %(count)s migrations "
                    "are pending. Run `habeas migrate` (`habeas serve` does it at start)."
                )
                % {"count": result.pending_migrations}
            )
        for message in result.key_messages:
            self.stdout.write(_("Warning: %(message)s") % {"message": message})
