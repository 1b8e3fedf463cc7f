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
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.accounts.models import User
from habeas.core.commands import Command as BaseCommand
from habeas.imports import kept, selectors, services
from habeas.imports.columns import suggest_mapping
from habeas.imports.plan import Action, ImportPlan, PlanRow
from habeas.imports.reading import ReadError, read_table


def _one_line(error: ValidationError) -> str:
    return " ".join(" ".join(error.messages).split())


class Command(BaseCommand):
    help = gettext_lazy(
        "Import a spreadsheet of cases (CSV, XLSX, ODS): a dry run, or the import itself."
    )

    def add_arguments(self, parser) -> None:  # help= lazy, which argparse's stubs refuse
        sub = parser.add_subparsers(dest="what", required=True)
        cases = sub.add_parser("cases", help=gettext_lazy("Import cases, one per row."))
        cases.add_argument("file", type=Path)
        cases.add_argument("--as", dest="username", required=True, help=gettext_lazy("who imports"))
        cases.add_argument("--mapping", default="", help=gettext_lazy("a saved mapping's name"))
        cases.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("report, write nothing")
        )
        cases.add_argument("--valid-rows-only", action="store_true")
        cases.add_argument("--duplicates", choices=["skip", "new"], default="skip")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active user %(username)r.") % {"username": options["username"]}
            )
        if not user.may_write:
            raise CommandError(
                _("%(username)s is a viewer: a viewer cannot import cases.")
                % {"username": user.username}
            )
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(why)s.") % {"path": path, "why": exc.strerror or exc}
            ) from None
        try:
            table = read_table(data, path.name)
        except ReadError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        if options["mapping"]:
            saved = selectors.mapping_by_name(options["mapping"])
            if saved is None:
                raise CommandError(_("No saved mapping %(name)r.") % {"name": options["mapping"]})
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
            self.stdout.write(_("warning: %(warning)s") % {"warning": warning})
        self._report(plan, dry_run=options["dry_run"], duplicates=options["duplicates"])
        if options["dry_run"]:
            services.import_dry_run_record(
                by=user, file_sha256=sha256, counts=services.counts_of(plan)
            )
            counts = plan.counts
            self.stdout.write(
                _(
                    "Dry run: %(rows)d rows: %(create)d to create, "
                    "%(duplicate)d possible duplicates, "
                    "%(already)d already imported, %(refused)d refused."
                )
                % {
                    "rows": len(plan.rows),
                    "create": counts[Action.CREATE],
                    "duplicate": counts[Action.DUPLICATE],
                    "already": counts[Action.ALREADY],
                    "refused": counts[Action.REFUSED],
                }
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
            _(
                "Imported %(file)s: %(created)d new cases, %(linked)d for people "
                "already recorded, %(skipped)d skipped, %(already)d already imported, "
                "%(refused)d refused (import %(id)s)."
            )
            % {
                "file": path.name,
                "created": batch.created,
                "linked": batch.linked,
                "skipped": batch.skipped,
                "already": batch.already,
                "refused": batch.refused,
                "id": batch.public_id,
            }
        )

    def _report(self, plan: ImportPlan, *, dry_run: bool, duplicates: str) -> None:
        for row in plan.rows:
            self.stdout.write(
                _("row %(number)s: %(line)s")
                % {"number": row.number, "line": self._row_line(row, duplicates)}
            )

    @staticmethod
    def _row_line(row: PlanRow, duplicates: str) -> str:
        reference = row.values.get("case", {}).get("reference", "") if row.values else ""
        if row.action == Action.REFUSED:
            return _("refused: %(problems)s") % {
                "problems": "; ".join(
                    f"{header}: {message}" if header else message
                    for header, message in row.problems
                )
            }
        if row.action == Action.ALREADY:
            return _("nothing to do: %(why)s") % {"why": row.already}
        if row.action == Action.DUPLICATE:
            seen = "; ".join(
                _("row %(number)s of this file (%(name)s; %(reasons)s)")
                % {"number": c.row, "name": c.name, "reasons": ", ".join(c.reasons)}
                if c.row
                else f"{c.name} ({c.public_id}; {', '.join(c.reasons)})"
                for c in row.candidates
            )
            then = _("created anyway") if duplicates == "new" else _("skipped")
            if row.changed:
                return f"{reference}: {row.changed} {then[:1].upper()}{then[1:]}."
            return _("%(reference)s: possible duplicate of %(seen)s: %(then)s") % {
                "reference": reference,
                "seen": seen,
                "then": then,
            }
        return _("%(reference)s: new case") % {"reference": reference}
