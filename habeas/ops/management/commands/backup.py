"""`habeas backup FILE`: one encrypted archive of the database and the stored files.

Safe while Habeas runs (SQLite's online backup; PostgreSQL's snapshot). The
archive is encrypted under the key ring's active key; the key file is not in it.
See habeas/ops/backup/ for the format and docs/operations.md#backups.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.core.commands import Command as BaseCommand
from habeas.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = gettext_lazy("Write one encrypted backup of the database and the stored files to FILE.")
    # A backup copies what is there: it must work even while `habeas check`
    # complains (say, half-way through a key rotation), when it matters most.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", metavar="FILE", help=gettext_lazy("The backup file to write."))
        parser.add_argument(
            "--force", action="store_true", help=gettext_lazy("Replace FILE if it exists already.")
        )

    def handle(self, *args, file: str, force: bool, **options) -> None:
        try:
            result = create_backup(file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _(
                "Backup written to %(path)s: %(entries)s audit entries, "
                "%(files)s stored files, %(bytes)s bytes, encrypted under key %(key)s."
            )
            % {
                "path": result.path,
                "entries": result.entries,
                "files": result.files,
                "bytes": result.bytes,
                "key": result.key_id,
            }
        )
        if result.skipped:
            shown = ", ".join(result.skipped[:5]) + (" …" if len(result.skipped) > 5 else "")
            self.stdout.write(
                _(
                    "Skipped %(count)s entries under the stored files that are not "
                    "regular files (symbolic links and the like): %(shown)s"
                )
                % {"count": len(result.skipped), "shown": shown}
            )
        where = settings.HABEAS_KEY_FILE or _("the HABEAS_KEYS key ring")
        self.stdout.write(
            _(
                "The key is not in the backup: keep %(where)s (with key %(key)s) "
                "safe and apart from it; without it the backup cannot be restored."
            )
            % {"where": where, "key": result.key_id}
        )
