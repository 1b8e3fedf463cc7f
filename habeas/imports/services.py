"""Writes of the import: commit a planned file (one transaction), save a mapping,
keep an uploaded file between the web steps, record a dry run.

The audit log gets one entry per committed file (who, the file's SHA-256, the
counts: never a name), one per dry run, one per saved mapping. The cases a file
created are found from its ImportBatch (ImportedRecord), itself named in the entry.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.cases import services as cases_services
from habeas.cases.access import cases_visible_to
from habeas.cases.models import Person

from . import bulk, storage
from .models import ImportBatch, ImportedRecord, ImportMapping, ImportUpload
from .plan import Action, ImportPlan, PlanRow, reference_made, references_taken

NEW, SKIP, SAME = "new", "skip", "same:"
ROW = "row:"  # "same:row:4": the same person as row 4 of the file (plan._InFile)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _require_writer(by: User) -> None:
    if not by.may_write:
        raise ValidationError(_("A viewer cannot import cases."))


def _decision(row: PlanRow, decisions: Mapping[int, str]) -> str:
    """What becomes of a row: NEW, SKIP, or SAME + a person's public id. A possible
    duplicate nobody decided is skipped: never a second record of someone by default."""
    decided = (decisions.get(row.number) or "").strip()
    if not decided:
        return SKIP if row.action == Action.DUPLICATE else NEW
    if decided in (NEW, SKIP):
        return decided
    # Only one of the candidates the plan showed: a forged id must not attach a case
    # to someone the importer may not see.
    shown = {c.public_id for c in row.candidates}
    if decided.startswith(SAME) and decided[len(SAME) :] in shown:
        return decided
    raise ValidationError(
        _("Row %(row)d: choose new, skip or one of the people shown.") % {"row": row.number}
    )


def _first_rows(rows: list[PlanRow], shown: int = 5) -> str:
    numbers = [str(row.number) for row in rows[:shown]]
    return ", ".join(numbers) + (", …" if len(rows) > shown else "")


@transaction.atomic
def import_commit(
    *,
    plan: ImportPlan,
    decisions: Mapping[int, str] | None = None,
    by: User,
    valid_rows_only: bool = False,
    file_sha256: str,
    filename: str = "",
    upload: ImportUpload | None = None,
) -> ImportBatch:
    """Write a planned file, all of it or nothing. Refused while the plan has a
    problem, unless `valid_rows_only` (the rows with problems are then left out and
    counted). Rows imported before are not written again. `decisions[row]` is "new",
    "skip" or "same:<person public id>" (one of the row's candidates). `upload`, the
    stored file the plan was read from, is deleted with the commit."""
    _require_writer(by)
    decisions = decisions or {}
    if plan.problems:
        raise ValidationError(plan.problems)
    refused = [row for row in plan.rows if row.action == Action.REFUSED]
    if refused and not valid_rows_only:
        raise ValidationError(
            ngettext(
                "Row %(rows)s has a problem: nothing was imported. Correct it, or import the "
                "valid rows only.",
                "Rows %(rows)s have problems: nothing was imported. Correct them, or import "
                "the valid rows only.",
                len(refused),
            )
            % {"rows": _first_rows(refused)}
        )
    new_rows: list[PlanRow] = []
    same_rows: list[tuple[PlanRow, str]] = []
    skipped = 0
    for row in plan.rows:
        if row.action in (Action.REFUSED, Action.ALREADY):
            continue
        decided = _decision(row, decisions)
        if decided == SKIP:
            skipped += 1
        elif decided == NEW:
            new_rows.append(row)
        else:
            same_rows.append((row, decided[len(SAME) :]))
    _recheck(new_rows + [row for row, _p in same_rows], by)
    for row in new_rows + [row for row, _p in same_rows]:
        if row.values.get("status"):
            status = row.values["status"]
            status["basis"] = status_basis(file_sha256, row.number, status["given"])
    batch = ImportBatch.objects.create(
        created_by=by, file_sha256=file_sha256, filename=filename[:255], rows=len(plan.rows)
    )
    bulk.cases_open_in_bulk(rows=new_rows, by=by, batch=batch)
    person_of_row = _people_of_rows(batch)
    for row, person_id in same_rows:
        if person_id.startswith(ROW):
            # The same person as an earlier row of this file: whoever that row became.
            person_id = _person_of_row(row, int(person_id[len(ROW) :]), person_of_row)
        _case_for_known_person(row, person_id=person_id, by=by, batch=batch)
        person_of_row[row.number] = person_id
    batch.created, batch.linked, batch.skipped = len(new_rows), len(same_rows), skipped
    batch.already = sum(1 for row in plan.rows if row.action == Action.ALREADY)
    batch.refused = len(refused)
    batch.save(update_fields=["created", "linked", "skipped", "already", "refused"])
    audit_record(
        action="import.commit",
        actor=by,
        target=batch,
        detail={"sha256": file_sha256, **batch_counts(batch)},
    )
    if upload is not None:
        import_upload_delete(upload=upload)
    return batch


def status_basis(file_sha256: str, row: int, given: str) -> str:
    """What an imported status rests on: the file, by the start of its SHA-256 (its name
    could identify a source), its row, and the date as the file gives it (a partial
    "2019" is asserted as of its latest day). Who imported it is its author."""
    return _("Imported from a file (SHA-256 %(sha)s…), row %(row)d, which dates it %(date)s.") % {
        "sha": file_sha256[:12],
        "row": row,
        "date": given,
    }


def _people_of_rows(batch: ImportBatch) -> dict[int, str]:
    """The person each row written so far became (row number → person public id)."""
    found = ImportedRecord.objects.filter(batch=batch).values_list("row", "case__people__public_id")
    return {row: str(person) for row, person in found}


def _person_of_row(row: PlanRow, number: int, person_of_row: Mapping[int, str]) -> str:
    try:
        return person_of_row[number]
    except KeyError:
        raise ValidationError(
            _(
                "Row %(row)d is to be the same person as row %(first)d, which is not imported: "
                "import row %(first)d, or choose new or skip for row %(row)d."
            )
            % {"row": row.number, "first": number}
        ) from None


def batch_counts(batch: ImportBatch) -> dict[str, int]:
    return {
        "rows": batch.rows,
        "created": batch.created,
        "linked": batch.linked,
        "skipped": batch.skipped,
        "already": batch.already,
        "refused": batch.refused,
    }


def _recheck(rows: list[PlanRow], by: User) -> None:
    """What may have changed since the dry run, inside the commit's transaction: a
    reference taken meanwhile, a row imported meanwhile (another tab, another user).
    Only imports into cases `by` may see count, as in the dry run: another team's
    import of the same row is none of the importer's business (saying "this row is
    recorded now" would tell them so). A reference Habeas made that was taken
    meanwhile is silently replaced by another."""
    taken = references_taken()
    clashes = []
    in_file = {row.values["case"]["reference"].upper() for row in rows}
    for row in rows:
        reference = row.values["case"]["reference"].upper()
        if reference not in taken:
            continue
        if row.reference_made:
            made = reference_made(taken.keys() | in_file)
            row.values["case"]["reference"] = made
            in_file.add(made)
        else:
            clashes.append(row)
    keys = [key for row in rows for key in (row.key, *row.older_keys)]
    done: set[str] = set()
    visible = cases_visible_to(by)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        done.update(
            ImportedRecord.objects.filter(key__in=chunk)
            .filter(Exists(visible.filter(pk=OuterRef("case_id"))))
            .values_list("key", flat=True)
        )
    clashes += [
        row
        for row in rows
        if not done.isdisjoint((row.key, *row.older_keys)) and row not in clashes
    ]
    if clashes:
        clashes.sort(key=lambda row: row.number)
        raise ValidationError(
            _(
                "Rows %(rows)s changed since the dry run (their reference or the row itself is "
                "now recorded): nothing was imported. Run the dry run again."
            )
            % {"rows": _first_rows(clashes)}
        )


def _case_for_known_person(row: PlanRow, *, person_id: str, by: User, batch: ImportBatch) -> None:
    """A new case of someone already recorded (the importer said "same person"),
    through the form's own services, one at a time: these are the few rows a person
    looked at. The person's record is left as it is; spellings the row adds are
    recorded as reported."""
    person = Person.objects.get(public_id=uuid.UUID(person_id))
    case = cases_services.case_create(
        person=person,
        by=by,
        tags=row.values["tags"],
        flags_are_news=False,
        **row.values["case"],
    )
    status = row.values.get("status")
    if status:
        cases_services.status_assert(
            case=case,
            status=status["status"],
            asserted_on=status["asserted_on"],
            basis=status["basis"],
            closed_reason=status["closed_reason"],
            by=by,
        )
    known = set(person.names.values_list("text", flat=True))
    for text, script in row.values["names"]:
        if text not in known:
            cases_services.person_name_add(person=person, text=text, script=script, by=by)
            known.add(text)
    ImportedRecord.objects.create(batch=batch, key=row.key, row=row.number, case=case)


@transaction.atomic
def import_dry_run_record(*, by: User, file_sha256: str, counts: Mapping[str, int]) -> None:
    """Who ran a dry run of which file: reading a file against the records is a
    search of them by many names at once."""
    audit_record(action="import.dry_run", actor=by, detail={"sha256": file_sha256, **dict(counts)})


@transaction.atomic
def import_mapping_save(
    *, name: str, headers: list[str], mapping: Mapping[int, str], by: User
) -> ImportMapping:
    """Save the named mapping of `headers`, for the next file; replace it only if `by`
    saved it (or is an administrator)."""
    _require_writer(by)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Name the mapping.")})
    by_header = {
        headers[index]: key
        for index, key in sorted(mapping.items())
        if key and 0 <= index < len(headers) and headers[index].strip()
    }
    saved = ImportMapping.objects.select_for_update().filter(name=name).first()
    created = saved is None
    if saved is None:
        saved = ImportMapping(name=name, created_by=by)
    elif saved.created_by_id != by.pk and not by.is_administrator:
        # A colleague's saved mapping silently re-pointed (an "Informant" column into
        # the summary) would put what was left out into every case of their next file.
        raise ValidationError(
            {
                "name": _(
                    "A mapping named “%(name)s” was saved by someone else; only they (or an "
                    "administrator) may replace it. Save yours under another name."
                )
                % {"name": name}
            }
        )
    saved.mapping = {"headers": by_header}
    saved.full_clean()
    saved.save()
    audit_record(action="import.mapping_save", actor=by, target=saved, detail={"created": created})
    return saved


@transaction.atomic
def import_upload_store(
    *, data: bytes, filename: str, by: User, now: datetime | None = None
) -> ImportUpload:
    """Keep an uploaded file, encrypted, until its import is committed or for a day.
    Files past their day are removed on the way."""
    _require_writer(by)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}}
        )
    import_uploads_expire(now=now)
    upload = ImportUpload(
        filename=(filename or "upload")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        created_by=by,
    )
    storage.seal(data, upload.public_id)
    try:
        upload.save()
    except BaseException:
        storage.discard(upload.public_id)
        raise
    return upload


@transaction.atomic
def import_upload_delete(*, upload: ImportUpload) -> None:
    public_id = upload.public_id
    upload.delete()
    transaction.on_commit(lambda: storage.discard(public_id))


@transaction.atomic
def import_uploads_expire(*, now: datetime | None = None) -> int:
    """Remove the uploads whose day has passed, and their files."""
    now = now or timezone.now()
    expired = list(ImportUpload.objects.filter(expires_at__lte=now).values_list("pk", "public_id"))
    if not expired:
        return 0
    ImportUpload.objects.filter(pk__in=[pk for pk, _p in expired]).delete()
    for _pk, public_id in expired:
        transaction.on_commit(partial(storage.discard, public_id))
    return len(expired)


def counts_of(plan: ImportPlan) -> dict[str, Any]:
    return {"rows": len(plan.rows), **plan.counts}
