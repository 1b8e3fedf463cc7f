"""Grading (DOMAIN §5): source reliability A–F and claim credibility 1–6, each with
a rationale, who graded and when. Every change is kept by django-simple-history on
Source and Claim; `grade_history` reads it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.sources.models import Claim, Credibility, Reliability, Source


@transaction.atomic
def source_grade(*, source: Source, reliability: str, rationale: str, by: User) -> Source:
    if reliability not in Reliability.values:
        raise ValidationError({"grade": "Choose a grade from A to F."})
    source.reliability = reliability
    source.reliability_rationale = rationale
    source.reliability_graded_by = by
    source.reliability_graded_at = timezone.now()
    source.full_clean()
    source._history_user = by
    source.save()
    audit_record(
        action="source.grade",
        actor=by,
        target=source,
        case=source.case,
        detail={"reliability": reliability},
    )
    return source


@transaction.atomic
def claim_grade(*, claim: Claim, credibility: int, rationale: str, by: User) -> Claim:
    if int(credibility) not in Credibility.values:
        raise ValidationError({"grade": "Choose a grade from 1 to 6."})
    claim.credibility = int(credibility)
    claim.credibility_rationale = rationale
    claim.credibility_graded_by = by
    claim.credibility_graded_at = timezone.now()
    claim.full_clean()
    claim._history_user = by
    claim.save()
    audit_record(
        action="claim.grade",
        actor=by,
        target=claim,
        case=claim.case,
        detail={"credibility": claim.credibility},
    )
    return claim


@dataclass
class GradeChange:
    grade: str
    rationale: str
    graded_by: str
    graded_at: datetime | None


def grade_history(obj: Source | Claim) -> list[GradeChange]:
    """Each distinct grade the record has had, newest first."""
    is_source = isinstance(obj, Source)
    field = "reliability" if is_source else "credibility"
    rows = obj.history.select_related(f"{field}_graded_by").order_by("-history_date")
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
