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
from django.core.management.base import BaseCommand, CommandError

from habeas.audit.models import AuditEntry
from habeas.audit.services import audit_record
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

FROM_ENVIRONMENT = (
    "The keys come from the HABEAS_KEYS environment variable, which Habeas cannot change: {what}"
)


class Command(BaseCommand):
    help = "Show, rotate and retire the keys that encrypt confidential fields."
    # These commands repair exactly what the key checks complain about.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("status", help="Active and retired keys; values under each key.")
        for name, text in (
            ("rotate", "Make a new active key, retire the old one, re-encrypt everything."),
            ("reencrypt", "Re-encrypt every value not under the active key yet."),
        ):
            action = actions.add_parser(name, help=text)
            action.add_argument("--batch-size", type=int, default=500)
        actions.add_parser("drop-retired", help="Remove retired keys no value uses any more.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "status":
            self.status()
        elif action == "rotate":
            with refuse_while_running("rotate the keys"):  # running processes keep the old ring
                self.rotate(batch_size=options["batch_size"])
        elif action == "reencrypt":
            with refuse_while_running("re-encrypt"):  # nor two at once, nor one under a rotation
                self.reencrypt(settings.HABEAS_KEYRING, batch_size=options["batch_size"])
        else:
            self.drop_retired()

    # -- actions --

    def status(self) -> None:
        ring: KeyRing = settings.HABEAS_KEYRING
        where = settings.HABEAS_KEY_FILE or "the HABEAS_KEYS environment variable"
        self.stdout.write(f"Keys from: {where}")
        self.stdout.write(f"Active key: {ring.active}")
        self.stdout.write(f"Retired keys: {', '.join(sorted(ring.retired)) or 'none'}")
        for label, counts in self._counts(ring):
            parts = [
                f"{key_id}{' (retired)' if key_id in ring.retired else ''} {count}"
                for key_id, count in sorted(counts.by_key.items())
            ]
            if counts.unknown:
                parts.append(f"unknown key {counts.unknown}")
            if counts.unencrypted:
                parts.append(f"unencrypted {counts.unencrypted}")
            self.stdout.write(f"  {label}: {', '.join(parts) or 'empty'}")

    def rotate(self, *, batch_size: int) -> None:
        path = self._key_file(
            "add a new key to it, make it active, mark the old one retired, restart "
            "Habeas and run `habeas keys reencrypt`."
        )
        ring = self._read(path).rotated()
        # The new key is on disk before anything is encrypted under it; the old
        # keys stay in the file, so an interruption loses nothing.
        try:
            write_key_file(path, ring)
        except OSError as exc:
            raise CommandError(f"Cannot write the key file {path}: {exc.strerror}.") from None
        settings.HABEAS_KEYRING = ring
        # Seals the head under the new key at once: from here on a head sealed under
        # an old key fails `habeas audit verify`, so whoever kept the old key file
        # cannot cut off what is written after the rotation.
        _audit("keys.rotated", active=ring.active, retired=sorted(ring.retired))
        retired = ", ".join(sorted(ring.retired))
        self.stdout.write(f"New active key {ring.active} written to {path}; retired: {retired}.")
        self.stdout.write("Back up the key file now: backups made from here on need it.")
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
            self.stdout.write(f"  {label}: {result.done} re-encrypted")
            if result.failed:
                shown = ", ".join(str(pk) for pk in result.failed[:20])
                more = " …" if len(result.failed) > 20 else ""
                failures.append(f"{label}: {len(result.failed)} (rows {shown}{more})")
        for reencrypt_files in FILE_REENCRYPTORS:
            done, failed = reencrypt_files(ring)
            total += done
            self.stdout.write(f"  stored files: {done} re-encrypted")
            if failed:
                shown = ", ".join(failed[:20]) + (" …" if len(failed) > 20 else "")
                failures.append(f"stored files: {len(failed)} ({shown})")
        self.stdout.write(f"{total} values re-encrypted under {ring.active}.")
        # Also what records a rotation made by hand (HABEAS_KEYS) under the new key.
        _audit("keys.reencrypted", active=ring.active, values=total, failed=len(failures))
        if failures:
            raise CommandError(
                "Some values could not be decrypted and were left as they are: "
                + "; ".join(failures)
                + ". `habeas check` names the key they need; `habeas evidence verify` "
                "names damaged or missing files."
            )

    def drop_retired(self) -> None:
        path = self._key_file("remove the retired keys from it yourself.")
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
                raise CommandError(f"Cannot write the key file {path}: {exc.strerror}.") from None
            settings.HABEAS_KEYRING = ring.without(unused)
            self.stdout.write(f"Removed retired keys: {', '.join(sorted(unused))}.")
        else:
            self.stdout.write("No retired key to remove.")
        if still:
            self.stdout.write(
                f"Still in use, kept: {', '.join(still)} (run `habeas keys reencrypt`)."
            )

    # -- helpers --

    def _counts(self, ring: KeyRing):
        for model, field in encrypted_fields():
            if table_exists(model):
                yield f"{model._meta.label}.{field.name}", column_counts(model, field, ring)

    def _key_file(self, what: str):
        if settings.HABEAS_KEY_FILE is None:
            raise CommandError(FROM_ENVIRONMENT.format(what=what))
        return settings.HABEAS_KEY_FILE

    def _read(self, path) -> KeyRing:
        try:
            return read_key_file(path)
        except KeyRingError as exc:
            raise CommandError(str(exc)[0].upper() + str(exc)[1:] + ".") from None


def _audit(action: str, **detail: Any) -> None:
    if table_exists(AuditEntry):  # not before the first `habeas migrate`
        audit_record(action=action, detail={**detail, "via": "command"})
