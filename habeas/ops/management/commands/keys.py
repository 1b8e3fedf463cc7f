"""`habeas keys`: see and rotate the keys that encrypt confidential fields.

    habeas keys status        active and retired keys, values under each key
    habeas keys rotate        new active key, old one retired, everything re-encrypted
    habeas keys reencrypt     re-encrypt what is not under the active key yet
                              (finishes an interrupted rotation)
    habeas keys drop-retired  remove retired keys that nothing is encrypted under

Stop Habeas before rotating and start it again afterwards: running processes
keep the key ring they started with and could not read values under the new key.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.audit.models import AuditEntry
from habeas.audit.services import audit_record
from habeas.core.commands import Command as BaseCommand
from habeas.core.encryption import (
    FILE_KEY_USERS,
    FILE_REENCRYPTORS,
    column_counts,
    encrypted_fields,
    reencrypt_column,
    table_exists,
)
from habeas.core.running import refuse_while_running
from habeas.lib.crypto import KeyRing, KeyRingError, read_key_file, write_key_file

FROM_ENVIRONMENT = gettext_lazy(
    "The keys come from the HABEAS_KEYS environment variable, which Habeas cannot change: %(what)s"
)


class Command(BaseCommand):
    help = gettext_lazy("Show, rotate and retire the keys that encrypt confidential fields.")
    # These commands repair exactly what the key checks complain about.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "status", help=gettext_lazy("Active and retired keys; values under each key.")
        )
        for name, text in (
            (
                "rotate",
                gettext_lazy("Make a new active key, retire the old one, re-encrypt everything."),
            ),
            ("reencrypt", gettext_lazy("Re-encrypt every value not under the active key yet.")),
        ):
            action = actions.add_parser(name, help=text)
            action.add_argument("--batch-size", type=int, default=500)
        actions.add_parser(
            "drop-retired", help=gettext_lazy("Remove retired keys no value uses any more.")
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "status":
            self.status()
        elif action == "rotate":
            with refuse_while_running(_("rotate the keys")):  # running processes keep the old ring
                self.rotate(batch_size=options["batch_size"])
        elif action == "reencrypt":
            with refuse_while_running(_("re-encrypt")):  # nor two at once, nor one under a rotation
                self.reencrypt(settings.HABEAS_KEYRING, batch_size=options["batch_size"])
        else:
            self.drop_retired()

    # -- actions --

    def status(self) -> None:
        ring: KeyRing = settings.HABEAS_KEYRING
        where = settings.HABEAS_KEY_FILE or _("the HABEAS_KEYS environment variable")
        self.stdout.write(_("Keys from: %(where)s") % {"where": where})
        self.stdout.write(_("Active key: %(key)s") % {"key": ring.active})
        retired = ", ".join(sorted(ring.retired)) or _("none")
        self.stdout.write(_("Retired keys: %(keys)s") % {"keys": retired})
        for label, counts in self._counts(ring):
            parts = [
                (
                    _("%(key)s (retired) %(count)s")
                    if key_id in ring.retired
                    else "%(key)s %(count)s"
                )
                % {"key": key_id, "count": count}
                for key_id, count in sorted(counts.by_key.items())
            ]
            if counts.unknown:
                parts.append(_("unknown key %(count)s") % {"count": counts.unknown})
            if counts.unencrypted:
                parts.append(_("unencrypted %(count)s") % {"count": counts.unencrypted})
            shown = ", ".join(parts) or _("empty")
            self.stdout.write(f"  {label}: {shown}")

    def rotate(self, *, batch_size: int) -> None:
        path = self._key_file(
            _(
                "add a new key to it, make it active, mark the old one retired, restart "
                "Habeas and run `habeas keys reencrypt`."
            )
        )
        ring = self._read(path).rotated()
        # The new key is on disk before anything is encrypted under it; the old
        # keys stay in the file, so an interruption loses nothing.
        try:
            write_key_file(path, ring)
        except OSError as exc:
            raise CommandError(
                _("Cannot write the key file %(path)s: %(why)s.")
                % {"path": path, "why": exc.strerror}
            ) from None
        settings.HABEAS_KEYRING = ring
        # Seals the head under the new key at once: from here on a head sealed under
        # an old key fails `habeas audit verify`, so whoever kept the old key file
        # cannot cut off what is written after the rotation.
        _audit("keys.rotated", active=ring.active, retired=sorted(ring.retired))
        retired = ", ".join(sorted(ring.retired))
        self.stdout.write(
            _("New active key %(key)s written to %(path)s; retired: %(retired)s.")
            % {"key": ring.active, "path": path, "retired": retired}
        )
        self.stdout.write(_("Back up the key file now: backups made from here on need it."))
        self.reencrypt(ring, batch_size=batch_size)

    def reencrypt(self, ring: KeyRing, *, batch_size: int) -> None:
        failures = []
        total = 0
        for model, field in encrypted_fields():
            if not table_exists(model):
                continue
            label = f"{model._meta.label}.{field.name}"
            result = reencrypt_column(model, field, ring, batch_size=batch_size)
            total += result.done
            self.stdout.write(
                "  "
                + _("%(label)s: %(count)s re-encrypted") % {"label": label, "count": result.done}
            )
            if result.failed:
                shown = ", ".join(str(pk) for pk in result.failed[:20])
                more = " …" if len(result.failed) > 20 else ""
                failures.append(
                    _("%(label)s: %(count)s (rows %(rows)s)")
                    % {"label": label, "count": len(result.failed), "rows": shown + more}
                )
        for reencrypt_files in FILE_REENCRYPTORS:
            done, failed = reencrypt_files(ring)
            total += done
            self.stdout.write("  " + _("stored files: %(count)s re-encrypted") % {"count": done})
            if failed:
                shown = ", ".join(failed[:20]) + (" …" if len(failed) > 20 else "")
                failures.append(
                    _("stored files: %(count)s (%(shown)s)")
                    % {"count": len(failed), "shown": shown}
                )
        self.stdout.write(
            _("%(count)s values re-encrypted under %(key)s.") % {"count": total, "key": ring.active}
        )
        # Also what records a rotation made by hand (HABEAS_KEYS) under the new key.
        _audit("keys.reencrypted", active=ring.active, values=total, failed=len(failures))
        if failures:
            raise CommandError(
                _(
                    "Some values could not be decrypted and were left as they are: "
                    "%(failures)s. `habeas check` names the key they need; "
                    "`habeas evidence verify` names damaged or missing files."
                )
                % {"failures": "; ".join(failures)}
            )

    def drop_retired(self) -> None:
        path = self._key_file(_("remove the retired keys from it yourself."))
        ring = self._read(path)
        in_use = set()
        for _label, counts in self._counts(ring):
            in_use |= {k for k, c in counts.by_key.items() if c}
        for keys_of_files in FILE_KEY_USERS:  # stored files (evidence)
            in_use |= keys_of_files()
        unused = set(ring.retired) - in_use
        still = sorted(set(ring.retired) & in_use)
        if unused:
            try:
                write_key_file(path, ring.without(unused))
            except OSError as exc:
                raise CommandError(
                    _("Cannot write the key file %(path)s: %(why)s.")
                    % {"path": path, "why": exc.strerror}
                ) from None
            settings.HABEAS_KEYRING = ring.without(unused)
            self.stdout.write(
                _("Removed retired keys: %(keys)s.") % {"keys": ", ".join(sorted(unused))}
            )
        else:
            self.stdout.write(_("No retired key to remove."))
        if still:
            self.stdout.write(
                _("Still in use, kept: %(keys)s (run `habeas keys reencrypt`).")
                % {"keys": ", ".join(still)}
            )

    # -- helpers --

    def _counts(self, ring: KeyRing):
        for model, field in encrypted_fields():
            if table_exists(model):
                yield f"{model._meta.label}.{field.name}", column_counts(model, field, ring)

    def _key_file(self, what: str):
        if settings.HABEAS_KEY_FILE is None:
            raise CommandError(FROM_ENVIRONMENT % {"what": what})
        return settings.HABEAS_KEY_FILE

    def _read(self, path) -> KeyRing:
        try:
            return read_key_file(path)
        except KeyRingError as exc:
            raise CommandError(str(exc)[0].upper() + str(exc)[1:] + ".") from None


def _audit(action: str, **detail: Any) -> None:
    if table_exists(AuditEntry):  # not before the first `habeas migrate`
        audit_record(action=action, detail={**detail, "via": "command"})
