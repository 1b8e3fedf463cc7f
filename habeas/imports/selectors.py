"""Reads of the import: the dry-run plan, saved mappings, an uploaded file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from habeas.accounts.models import User
from habeas.cases.access import cases_visible_to
from habeas.cases.models import Case, Person

from . import storage
from .models import ImportBatch, ImportedRecord, ImportMapping, ImportUpload
from .plan import ImportPlan, TableLike, import_plan_build


def import_plan(*, table: TableLike, mapping: dict[int, str], user: User) -> ImportPlan:
    """What importing `table` with `mapping` would do, row by row (habeas.imports.plan).
    Writes nothing but the audit entry of a reference probe (as the form's check)."""
    with transaction.atomic():
        return import_plan_build(table=table, mapping=mapping, user=user)


def case_provenance(*, case: Case) -> ImportedRecord | None:
    """The row of an imported file that `case` came from, with its import and who ran it
    (one query), or None for a case entered otherwise. The caller opened the case
    through the access door."""
    return (
        ImportedRecord.objects.filter(case_id=case.pk)
        .select_related("batch", "batch__created_by")
        .order_by("pk")
        .first()
    )


def mappings_all() -> QuerySet[ImportMapping]:
    """Saved mappings are the organisation's, like its actors: column names, no content."""
    return ImportMapping.objects.all()


def mapping_get(*, public_id: UUID) -> ImportMapping:
    found = ImportMapping.objects.filter(public_id=public_id).first()
    if found is None:
        raise Http404()
    return found


def mapping_by_name(name: str) -> ImportMapping | None:
    return ImportMapping.objects.filter(name=" ".join(name.split())).first()


def mapping_apply(saved: ImportMapping, headers: Sequence[str]) -> dict[int, str]:
    """A saved mapping applied to a file's headers: by header text, whatever the
    letter case and spacing; a field is given to its first matching column only."""
    wanted = {
        " ".join(h.split()).casefold(): key
        for h, key in (saved.mapping.get("headers") or {}).items()
    }
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = wanted.get(" ".join(header.split()).casefold())
        if key and key not in mapping.values():
            mapping[index] = key
    return mapping


def import_upload_read(
    *, user: User, public_id: UUID, now: datetime | None = None
) -> tuple[ImportUpload, bytes]:
    """An upload and its bytes, for the user who uploaded it and only while it is
    kept; anyone else, or later, gets a 404 (an expired file is removed on the way)."""
    now = now or timezone.now()
    upload = ImportUpload.objects.filter(public_id=public_id, created_by=user).first()
    if upload is None:
        raise Http404()
    if upload.expires_at <= now:
        # Past its day: gone, whether or not a later upload swept it already.
        storage.discard(upload.public_id)
        upload.delete()
        raise Http404()
    try:
        data = storage.open_plain(upload.public_id)
    except storage.UploadGone:
        raise Http404() from None
    return upload, data


def import_upload_latest(*, user: User, sha256: str) -> ImportUpload | None:
    """The user's latest upload of the file with this SHA-256 still kept: where the
    command's import finds the plan its dry run kept (habeas.imports.kept)."""
    return (
        ImportUpload.objects.filter(created_by=user, sha256=sha256, expires_at__gt=timezone.now())
        .order_by("-created_at", "-pk")
        .first()
    )


def batches_for_user(*, user: User) -> QuerySet[ImportBatch]:
    """The files a user imported (what they created is theirs to see: they lead it)."""
    return ImportBatch.objects.filter(created_by=user)


def import_batch_read(*, user: User, public_id: UUID) -> ImportBatch:
    """A committed file, for the user who imported it; anyone else gets a 404."""
    batch = batches_for_user(user=user).filter(public_id=public_id).first()
    if batch is None:
        raise Http404()
    return batch


def import_batch_cases(*, batch: ImportBatch, user: User) -> QuerySet[Case]:
    """The cases a file created that `user` may see (its importer leads them, unless
    they since left a team), in the file's order, each with its row (`import_row`) and
    its person's name (`import_name`): the page lists row → reference → name."""
    records = ImportedRecord.objects.filter(batch=batch)
    return (
        cases_visible_to(user)
        .filter(pk__in=records.values("case_id"))
        .annotate(import_row=Subquery(records.filter(case=OuterRef("pk")).values("row")[:1]))
        .annotate(
            import_name=Subquery(
                Person.objects.filter(cases=OuterRef("pk"))
                .order_by("pk")
                .values("display_name")[:1]
            )
        )
        .order_by("import_row", "reference")
    )
