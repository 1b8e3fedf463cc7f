"""`habeas import cases FILE`: import a spreadsheet of cases (CSV, XLSX, ODS).

    habeas import cases cases.xlsx --as alice --dry-run
    habeas import cases cases.xlsx --as alice [--mapping NAME] [--valid-rows-only]
        [--duplicates skip|new]

Prints one line per row (what it would become, or became, and why not), then the
counts. Columns are mapped as the web's mapping step suggests them, or by a saved
mapping (--mapping). Nothing is written from a file with a problem unless
--valid-rows-only; possible duplicates of people already recorded are skipped
unless --duplicates new (deciding "same person" row by row is the web page's job).
Exits non-zero with one line on bad input.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from habeas.accounts.models import User
from habeas.imports import kept, selectors, services
from habeas.imports.columns import suggest_mapping
from habeas.imports.plan import Action, ImportPlan, PlanRow
from habeas.imports.reading import ReadError, read_table


def _one_line(error: ValidationError) -> str:
    return " ".join(" ".join(error.messages).split())


class Command(BaseCommand):
    help = "Import a spreadsheet of cases (CSV, XLSX, ODS): a dry run, or the import itself."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        cases = sub.add_parser("cases", help="Import cases, one per row.")
        cases.add_argument("file", type=Path)
        cases.add_argument("--as", dest="username", required=True, help="who imports")
        cases.add_argument("--mapping", default="", help="a saved mapping's name")
        cases.add_argument("--dry-run", action="store_true", help="report, write nothing")
        cases.add_argument("--valid-rows-only", action="store_true")
        cases.add_argument("--duplicates", choices=["skip", "new"], default="skip")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']!r}.")
        if not user.may_write:
            raise CommandError(f"{user.username} is a viewer: a viewer cannot import cases.")
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        try:
            table = read_table(data, path.name)
        except ReadError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        if options["mapping"]:
            saved = selectors.mapping_by_name(options["mapping"])
            if saved is None:
                raise CommandError(f"No saved mapping {options['mapping']!r}.")
            mapping = selectors.mapping_apply(saved, table.headers)
        else:
            mapping = suggest_mapping(list(table.headers))
        sha256 = hashlib.sha256(data).hexdigest()
        upload = selectors.import_upload_latest(user=user, sha256=sha256)
        if upload is None and options["dry_run"] and len(data) <= services.MAX_UPLOAD_BYTES:
            # Kept as the web keeps an upload, with its plan, for the import that follows.
            upload = services.import_upload_store(data=data, filename=path.name, by=user)

        def build() -> ImportPlan:
            return selectors.import_plan(table=table, mapping=mapping, user=user)

        try:
            if upload is None:
                plan = build()
            else:
                # The dry run's plan, unless anything it read changed since (kept.py).
                plan, _built = kept.plan_for(
                    upload=upload, user=user, mapping=mapping, build=build, fresh=True
                )
        except ReadError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        if plan.problems:
            raise CommandError(f"{path.name}: {' '.join(plan.problems)}")
        for warning in plan.warnings:
            self.stdout.write(f"warning: {warning}")
        self._report(plan, dry_run=options["dry_run"], duplicates=options["duplicates"])
        if options["dry_run"]:
            services.import_dry_run_record(
                by=user, file_sha256=sha256, counts=services.counts_of(plan)
            )
            counts = plan.counts
            self.stdout.write(
                f"Dry run: {len(plan.rows)} rows: {counts[Action.CREATE]} to create, "
                f"{counts[Action.DUPLICATE]} possible duplicates, "
                f"{counts[Action.ALREADY]} already imported, {counts[Action.REFUSED]} refused."
            )
            return
        decisions = {}
        if options["duplicates"] == "new":
            decisions = {row.number: "new" for row in plan.rows if row.action == Action.DUPLICATE}
        try:
            batch = services.import_commit(
                plan=plan,
                decisions=decisions,
                by=user,
                valid_rows_only=options["valid_rows_only"],
                file_sha256=sha256,
                filename=path.name,
                upload=upload,  # deleted with the commit, its kept plan too
            )
        except ValidationError as error:
            raise CommandError(f"{path.name}: {_one_line(error)}") from None
        self.stdout.write(
            f"Imported {path.name}: {batch.created} new cases, {batch.linked} for people "
            f"already recorded, {batch.skipped} skipped, {batch.already} already imported, "
            f"{batch.refused} refused (import {batch.public_id})."
        )

    def _report(self, plan: ImportPlan, *, dry_run: bool, duplicates: str) -> None:
        for row in plan.rows:
            self.stdout.write(f"row {row.number}: {self._row_line(row, duplicates)}")

    @staticmethod
    def _row_line(row: PlanRow, duplicates: str) -> str:
        reference = row.values.get("case", {}).get("reference", "") if row.values else ""
        if row.action == Action.REFUSED:
            return "refused: " + "; ".join(
                f"{header}: {message}" if header else message for header, message in row.problems
            )
        if row.action == Action.ALREADY:
            return f"nothing to do: {row.already}"
        if row.action == Action.DUPLICATE:
            seen = "; ".join(
                f"row {c.row} of this file ({c.name}; {', '.join(c.reasons)})"
                if c.row
                else f"{c.name} ({c.public_id}; {', '.join(c.reasons)})"
                for c in row.candidates
            )
            then = "created anyway" if duplicates == "new" else "skipped"
            if row.changed:
                return f"{reference}: {row.changed} {then.capitalize()}."
            return f"{reference}: possible duplicate of {seen}: {then}"
        return f"{reference}: new case"
