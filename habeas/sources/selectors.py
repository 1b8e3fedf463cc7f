"""Reads of sources and claims, always within a case obtained from a case selector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from habeas.cases.models import Case

from .models import Claim, ClaimLink, ClaimRelay, Source


def source_get(*, case: Case, public_id: UUID) -> Source:
    return get_object_or_404(Source.objects.filter(case=case), public_id=public_id)


def _with_chain(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    # The chain each claim came through, for "ORCHID → via HRW → us", in one query.
    return claims.select_related("source").prefetch_related(
        Prefetch("relays", queryset=ClaimRelay.objects.select_related("source"))
    )


def with_chain(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """`claims` with their source and the chain each came through (the API's reads
    of claims across a user's cases)."""
    return _with_chain(claims)


def claims_from_source(*, source: Source) -> QuerySet[Claim]:
    """What `source` (of a case already access-checked) said, by date received."""
    return _with_chain(Claim.objects.filter(source=source)).order_by("received_from", "id")


def claims_relayed_by(*, source: Source) -> QuerySet[Claim]:
    """The claims of other sources that came through `source`."""
    return _with_chain(Claim.objects.filter(relays__source=source)).order_by("received_from", "id")


def claim_get(*, case: Case, public_id: UUID) -> Claim:
    return get_object_or_404(
        Claim.objects.filter(case=case).select_related("source", "event"), public_id=public_id
    )


def claim_links(*, case: Case) -> list[ClaimLink]:
    """The links between `case`'s claims (already access-checked), oldest first."""
    return list(
        ClaimLink.objects.filter(case=case)
        .select_related("from_claim__source", "to_claim__source")
        .order_by("id")
    )


def claim_link_get(*, case: Case, link_id: UUID) -> ClaimLink:
    return get_object_or_404(
        ClaimLink.objects.select_related("from_claim", "to_claim", "case"),
        case=case,
        public_id=link_id,
    )


@dataclass
class GradeChange:
    grade: str
    rationale: str
    graded_by: str
    graded_at: datetime | None


def grade_history(record: Source | Claim) -> list[GradeChange]:
    """Each distinct grade a source or claim has had, newest first (from its history)."""
    field = "reliability" if isinstance(record, Source) else "credibility"
    rows = record.history.select_related(f"{field}_graded_by").order_by("-history_date")
    out: list[GradeChange] = []
    for row in rows:
        by = getattr(row, f"{field}_graded_by")
        change = GradeChange(
            grade=str(getattr(row, field)),
            rationale=getattr(row, f"{field}_rationale"),
            graded_by=by.get_username() if by else "",
            graded_at=getattr(row, f"{field}_graded_at"),
        )
        if not out or (out[-1].grade, out[-1].rationale, out[-1].graded_at) != (
            change.grade,
            change.rationale,
            change.graded_at,
        ):
            out.append(change)
    return out
