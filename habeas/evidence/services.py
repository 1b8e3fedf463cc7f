"""Writes to evidence: upload, hash checks, and the chain of custody (every view,
download and check of an item is a custody event and an audit entry)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.cases.models import Case, Event, Status, StatusAssertion
from habeas.cases.services import (
    case_silence_refresh,
    not_in_the_future,
    same_case_check,
    status_assert,
)
from habeas.core import uploads
from habeas.lib import files
from habeas.lib.partialdate import PartialDate
from habeas.sources.models import Claim, Source

from . import storage
from .elements import POSITIVE, suggestion_for_case
from .models import Assessment, CustodyEvent, Element, ElementAssessment, EvidenceItem

SNIFF_BYTES = 4096


def _chunks(upload: UploadedFile | BinaryIO) -> Iterator[bytes]:
    upload.seek(0)
    return upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")


def evidence_add(
    *,
    case: Case,
    upload: UploadedFile | BinaryIO,
    title: str,
    by: User,
    kind: str = EvidenceItem.Kind.FILE,
    source: Source | None = None,
    claims: Sequence[Claim] = (),
    events: Sequence[Event] = (),
    dated_on: PartialDate | None = None,
    collected_by: str = "",
    collected_at: datetime | None = None,
    collection_method: str = "",
    source_url: str = "",
    capture_tool: str = "",
    part_of: EvidenceItem | None = None,
) -> EvidenceItem:
    """Keep `upload` (a Django UploadedFile or any binary file with a .name) exactly
    as received, encrypted, with its hashes; and a working copy without metadata
    for images and PDFs. ValidationError({"upload": ...}) if it cannot be kept;
    then nothing is stored. It supports any number of `claims` and `events` of
    the case; `dated_on` is when what it shows was written or taken."""
    claims, events = list(claims), list(events)
    _check_links(case, source=source, claims=claims, events=events)
    not_in_the_future(dated_on=dated_on)
    if part_of is not None:
        if part_of.case_id != case.pk or part_of.kind != EvidenceItem.Kind.WEB_CAPTURE:
            raise ValidationError({"part_of": _("Files can be added only to a web capture.")})
        if part_of.part_of_id is not None:
            part_of = cast(EvidenceItem, part_of.part_of)  # all parts hang from the capture
        # One capture: one URL, one moment, one tool, unless this file says otherwise.
        kind = EvidenceItem.Kind.WEB_CAPTURE
        source_url = source_url or part_of.source_url
        collected_at = collected_at or part_of.collected_at
        collected_by = collected_by or part_of.collected_by
        capture_tool = capture_tool or part_of.capture_tool
    try:
        name = files.check_name(getattr(upload, "name", "") or "")
    except files.RejectedFile as exc:
        raise ValidationError({"upload": str(exc)}) from None
    upload.seek(0)
    media_type = files.sniff(upload.read(SNIFF_BYTES))
    # Only images and PDFs are parsed (and so held in memory); other files stream.
    whole = io.BytesIO() if files.wants_working_copy(media_type) else None
    size = 0
    hashing = storage.HashingWriter(None)
    for chunk in _chunks(upload):
        size += len(chunk)
        if size > uploads.max_bytes():
            raise ValidationError({"upload": uploads.too_large_message()})
        hashing.write(chunk)
        if whole is not None:
            whole.write(chunk)
    if size == 0:
        raise ValidationError({"upload": _("The file is empty. Nothing was stored.")})
    digest = hashing.digest()
    try:
        files.check_matches_name(name, media_type)
        data = whole.getvalue() if whole is not None else None
        whole = None
        # Read it fully now (metadata and working copy), as its page and its
        # downloads will: a file that cannot be is refused, not stored half-read.
        report, working = files.examine(data, media_type)
        data = None
    except files.TooLarge as exc:
        raise ValidationError({"upload": f"{exc} {files.KEEP_IT_ZIPPED}"}) from None
    except files.RejectedFile as exc:
        raise ValidationError({"upload": str(exc)}) from None
    item = EvidenceItem(
        public_id=uuid.uuid4(),
        case=case,
        source=source,
        dated_on=dated_on,
        kind=kind,
        title=title,
        original_name=name,
        size=digest.size,
        sha256=digest.sha256,
        sha512=digest.sha512,
        media_type=media_type,
        collected_by=collected_by,
        collected_at=collected_at,
        collection_method=collection_method,
        source_url=source_url,
        capture_tool=capture_tool,
        part_of=part_of,
        uploaded_by=by,
    )
    if working is not None:
        item.working_sha256 = storage.digest_chunks([working]).sha256
        item.working_size = len(working)
    if report is not None:
        item.metadata_report = report.to_json()
    item.full_clean()
    tmps: list[Path] = []
    finals: list[Path] = []
    try:
        upload.seek(0)
        # Only read from, as an uploaded file can be.
        tmps.append(storage.seal_to_tmp(cast(BinaryIO, upload), item.public_id, storage.ORIGINAL))
        if working is not None:
            tmps.append(storage.seal_to_tmp(io.BytesIO(working), item.public_id, storage.WORKING))
        with transaction.atomic():
            item.save(force_insert=True)
            item.claims.set(claims)
            item.events.set(events)
            CustodyEvent.objects.create(
                item=item,
                actor=by,
                action=CustodyEvent.Action.UPLOAD,
                note=f"sha256 {digest.sha256[:16]}…",
            )
            audit_record(
                action="evidence.add",
                actor=by,
                target=item,
                case=case,
                detail={
                    "size": digest.size,
                    "sha256": digest.sha256,
                    **({"part_of": str(part_of.public_id)} if part_of else {}),
                },
            )
            # Dated by what it shows (dated_on), never by when it was collected or
            # uploaded: an undated file moves nothing.
            case_silence_refresh(case=case)
            copies = [storage.ORIGINAL, storage.WORKING][: len(tmps)]
            for tmp, copy in zip(tmps, copies, strict=True):
                finals.append(storage.commit_tmp(tmp, item.public_id, copy))
    except BaseException:
        storage.discard(*tmps, *finals)
        raise
    return item


def _check_links(
    case: Case, *, source: Source | None, claims: Sequence[Claim], events: Sequence[Event]
) -> None:
    """Forms offer only the case's records; a forged id must not tie an item to
    another case's claim, event or source."""
    same_case_check(case, source=source)
    for claim in claims:
        same_case_check(case, claims=claim)
    for event in events:
        same_case_check(case, events=event)


@transaction.atomic
def evidence_update(
    *,
    item: EvidenceItem,
    by: User,
    title: str,
    source: Source | None,
    claims: Sequence[Claim],
    events: Sequence[Event],
    dated_on: PartialDate | None,
) -> EvidenceItem | None:
    """Change what an item is said to support, and its title and date. The file, its
    hashes and how it was collected never change. None if nothing changed."""
    claims, events = list(claims), list(events)
    _check_links(item.case, source=source, claims=claims, events=events)
    not_in_the_future(dated_on=dated_on)
    before = (
        item.title,
        item.source_id,
        {c.pk for c in item.claims.all()},
        {e.pk for e in item.events.all()},
        item.dated_on,
    )
    after = (
        title,
        source.pk if source else None,
        {c.pk for c in claims},
        {e.pk for e in events},
        dated_on,
    )
    changed = [
        name
        for name, old, new in zip(
            ("title", "source", "claims", "events", "dated_on"), before, after, strict=True
        )
        if old != new
    ]
    if not changed:
        return None
    item.title, item.source, item.dated_on = title, source, dated_on
    item.full_clean()
    item.save(update_fields=["title", "source", "dated_on"])
    item.claims.set(claims)
    item.events.set(events)
    if "dated_on" in changed:
        case_silence_refresh(case=item.case)  # a corrected date may move it back
    audit_record(
        action="evidence.update",
        actor=by,
        target=item,
        case=item.case,
        detail={"fields": changed, "claims": len(claims), "events": len(events)},
    )
    return item


def _custody(
    item: EvidenceItem,
    by: User | None,
    action: str,
    ok: bool = True,
    note: str = "",
    request: HttpRequest | None = None,
) -> None:
    with transaction.atomic():
        CustodyEvent.objects.create(item=item, actor=by, action=action, ok=ok, note=note[:300])
        audit_record(
            action=f"evidence.{action}",
            actor=by,
            target=item,
            case=item.case,
            request=request,
            detail={"ok": ok},
        )


def evidence_viewed(
    *, item: EvidenceItem, by: User, request: HttpRequest | None = None, problem: str = ""
) -> None:
    """A view of the item's page; `problem` if its stored file failed its check."""
    _custody(item, by, CustodyEvent.Action.VIEW, ok=not problem, note=problem, request=request)


NOT_SERVED_CHANGED = (
    "the stored file was found changed or missing at its last check; restore it "
    "from a backup, then re-check the hashes"
)


def evidence_open(
    *, item: EvidenceItem, working: bool, by: User, request: HttpRequest | None = None
) -> BinaryIO:
    """The decrypted original (or working copy) for download, in memory, checked
    against its hash first. Nothing is served of an item found changed until its
    hashes check out again, and the working copy only while the original it was
    made from is intact. A damaged file raises storage.FileDamaged and marks the
    item changed; either way the attempt is in the chain of custody."""
    copy = storage.WORKING if working else storage.ORIGINAL
    action = CustodyEvent.Action.DOWNLOAD_WORKING if working else CustodyEvent.Action.DOWNLOAD
    expect = item.working_sha256 if working else item.sha256
    try:
        if item.integrity == EvidenceItem.Integrity.CHANGED:
            raise storage.FileDamaged(NOT_SERVED_CHANGED)
        if working:
            problem = storage.check(
                item.public_id, storage.ORIGINAL, sha256=item.sha256, sha512=item.sha512
            )
            if problem:
                raise storage.FileDamaged(f"the original: {problem}")
        handle = storage.open_plain(item.public_id, copy, expect_sha256=expect)
    except storage.FileDamaged as exc:
        with transaction.atomic():  # the failed attempt stays in the custody chain
            _custody(item, by, action, ok=False, note=str(exc), request=request)
            _mark(item, ok=False)
        raise
    _custody(item, by, action, request=request)
    return handle


@dataclass
class Inspection:
    """What the item page shows of a stored image or PDF: the metadata of the
    original, or why it could not be read."""

    metadata: files.Metadata | None = None
    unreadable: bool = False
    damaged: str = ""  # why nothing of it is served
    detected: str = ""  # the same, when found just now (for the chain of custody)


UNREADABLE_REPORT = '{"unreadable": true}'


def evidence_inspect(*, item: EvidenceItem) -> Inspection:
    """What the item page shows of an image's or PDF's original: the metadata
    report read at upload, after the stored file's hashes are checked (streamed,
    not parsed). Never raises for a bad file: an item stored before a check
    existed, or changed since, still has a page. A file that fails its hash check
    marks the item changed. An item stored before reports were kept has its
    report read now, once, and stored."""
    if item.integrity == EvidenceItem.Integrity.CHANGED:
        return Inspection(damaged=NOT_SERVED_CHANGED)
    if not files.wants_working_copy(item.media_type):
        return Inspection()
    if not item.metadata_report:
        return _inspect_once(item)
    problem = storage.check(item.public_id, storage.ORIGINAL, sha256=item.sha256)
    if problem:
        _mark(item, ok=False)
        return Inspection(damaged=problem, detected=problem)
    return _inspection(item.metadata_report)


def _inspection(report: str) -> Inspection:
    if report == UNREADABLE_REPORT:
        return Inspection(unreadable=True)
    return Inspection(metadata=files.Metadata.from_json(report))


def _inspect_once(item: EvidenceItem) -> Inspection:
    try:
        handle = storage.open_plain(item.public_id, storage.ORIGINAL, expect_sha256=item.sha256)
    except storage.FileDamaged as exc:
        _mark(item, ok=False)
        return Inspection(damaged=str(exc), detected=str(exc))
    try:
        # An image or PDF (checked above): its metadata is read, never None.
        metadata = files.examine(handle.getvalue(), item.media_type)[0]
        report = cast(files.Metadata, metadata).to_json()
    except files.RejectedFile:
        report = UNREADABLE_REPORT
    _store_report(item, report)
    return _inspection(report)


def _store_report(item: EvidenceItem, report: str) -> None:
    item.metadata_report = report
    item.save(update_fields=["metadata_report"])


def _mark(item: EvidenceItem, *, ok: bool) -> None:
    item.integrity = EvidenceItem.Integrity.INTACT if ok else EvidenceItem.Integrity.CHANGED
    item.verified_at = timezone.now()
    EvidenceItem.objects.filter(pk=item.pk).update(
        integrity=item.integrity, verified_at=item.verified_at
    )


def evidence_verify(*, item: EvidenceItem, by: User | None = None) -> str:
    """Re-check the stored hashes of an item; '' if intact, else what is wrong."""
    problem = storage.check(
        item.public_id, storage.ORIGINAL, sha256=item.sha256, sha512=item.sha512
    )
    if not problem and item.working_sha256:
        problem = storage.check(item.public_id, storage.WORKING, sha256=item.working_sha256)
        if problem:
            problem = f"working copy: {problem}"
    with transaction.atomic():  # after the files are read
        _custody(item, by, CustodyEvent.Action.VERIFY, ok=not problem, note=problem)
        _mark(item, ok=not problem)
    return problem


def evidence_rebuild_working(*, item: EvidenceItem) -> str:
    """Make the working copy of an image or PDF again from its original, as an
    upload now would (working copies of PDFs made before Habeas cleaned embedded
    images still carry their EXIF). If the original cannot be read completely any
    more, the old working copy is withdrawn rather than served. Returns what was
    done: "rebuilt", "unchanged", "withdrawn", "damaged" or "" (no working copy)."""
    if not files.wants_working_copy(item.media_type):
        return ""
    try:
        original = storage.open_plain(item.public_id, storage.ORIGINAL, expect_sha256=item.sha256)
    except storage.FileDamaged as exc:
        _custody(item, None, CustodyEvent.Action.REBUILD_WORKING, ok=False, note=str(exc))
        _mark(item, ok=False)
        return "damaged"
    try:
        metadata, working = files.examine(original.getvalue(), item.media_type)
        report = cast(files.Metadata, metadata).to_json()  # an image or PDF: read
    except files.RejectedFile:
        report, working = UNREADABLE_REPORT, None
    original = None  # type: ignore[assignment]  # released: the copy is made
    if report != item.metadata_report:
        _store_report(item, report)
    if working is None and not item.working_sha256:
        return "unchanged"
    if working is None:
        with transaction.atomic():
            EvidenceItem.objects.filter(pk=item.pk).update(working_sha256="", working_size=None)
            item.working_sha256, item.working_size = "", None
            _custody(
                item,
                None,
                CustodyEvent.Action.REBUILD_WORKING,
                note="withdrawn: the original cannot be read completely",
            )
        storage.discard(storage.path_of(item.public_id, storage.WORKING))
        return "withdrawn"
    digest = storage.digest_chunks([working])
    if digest.sha256 == item.working_sha256:
        return "unchanged"
    tmp = storage.seal_to_tmp(io.BytesIO(working), item.public_id, storage.WORKING)
    try:
        with transaction.atomic():
            EvidenceItem.objects.filter(pk=item.pk).update(
                working_sha256=digest.sha256, working_size=digest.size
            )
            item.working_sha256, item.working_size = digest.sha256, digest.size
            _custody(
                item,
                None,
                CustodyEvent.Action.REBUILD_WORKING,
                note=f"sha256 {digest.sha256[:16]}…",
            )
            storage.commit_tmp(tmp, item.public_id, storage.WORKING)
    except BaseException:
        storage.discard(tmp)
        raise
    return "rebuilt"


def evidence_shared(
    *,
    item: EvidenceItem,
    by: User,
    recipient: str,
    action: str,
    request: HttpRequest | None = None,
) -> None:
    """Record that the item (or its working copy) was shared with or exported to
    someone outside Habeas: the chain of custody says to whom, the audit log not."""
    if action not in {CustodyEvent.Action.SHARE, CustodyEvent.Action.EXPORT}:
        raise ValidationError({"action": _("Choose shared or exported.")})
    if not recipient.strip():
        raise ValidationError({"recipient": _("Say with whom, e.g. “WGEID secretariat”.")})
    _custody(item, by, action, note=recipient.strip(), request=request)


# --- The three elements (the rule that reads them is in elements.py) ---


@transaction.atomic
def element_assess(
    *,
    case: Case,
    element: str,
    assessment: str,
    rationale: str,
    supporting: Collection[Claim],
    undermining: Collection[Claim],
    by: User,
) -> ElementAssessment:
    claims = list(supporting) + list(undermining)
    if any(c.case_id != case.pk for c in claims):
        raise ValidationError(_("Choose this case's claims."))
    if set(supporting) & set(undermining):
        raise ValidationError(_("A claim cannot both support and undermine the same element."))
    if Assessment(assessment) in POSITIVE and not supporting:
        # The status history cites these claims when a person confirms the suggestion.
        raise ValidationError(
            {"supporting": _("Choose at least one claim that supports this assessment.")}
        )
    row, _created = ElementAssessment.objects.get_or_create(
        case=case, element=Element(element).value
    )
    row.assessment = Assessment(assessment).value
    row.rationale = rationale
    row.assessed_by = by
    row.full_clean()
    row.save()
    row.supporting.set(supporting)
    row.undermining.set(undermining)
    audit_record(
        action="element.assess",
        actor=by,
        target=case,
        case=case,
        detail={
            "element": element,
            "assessment": assessment,
            "supporting": len(supporting),
            "undermining": len(undermining),
        },
    )
    return row


@transaction.atomic
def presumed_ed_confirm(
    *, case: Case, by: User, asserted_on: date | None = None
) -> StatusAssertion:
    """A person confirms the suggestion: the status history cites the claims. The
    person says as of when (default today): a case documented after the fact was a
    presumed enforced disappearance long before someone weighed it here. Not in the
    future; status_assert refuses a date before the disappearance."""
    suggestion = suggestion_for_case(case)
    if not suggestion.suggest:
        raise ValidationError(
            _("The rule does not suggest this status: %(reasons)s")
            % {"reasons": " ".join(suggestion.reasons)}
        )
    today = timezone.localdate()
    asserted_on = asserted_on or today
    if asserted_on > today:
        raise ValidationError({"asserted_on": _("A status cannot be asserted for a future date.")})
    return status_assert(
        case=case,
        status=Status.PRESUMED_ED,
        asserted_on=asserted_on,
        basis="Three elements assessed: " + " | ".join(suggestion.reasons),
        claims=suggestion.claims,
        by=by,
    )
