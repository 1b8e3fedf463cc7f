"""Reads of evidence, always within a case obtained from a case selector (so
outsiders get the case selector's 404)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from habeas.cases.models import Case

from .models import ElementAssessment, EvidenceItem


def evidence_for_case(*, case: Case) -> QuerySet[EvidenceItem]:
    # Each item's link (get_absolute_url) names its case: joined, not read per item.
    return EvidenceItem.objects.filter(case=case).select_related("case", "source")


def evidence_list(*, case: Case) -> QuerySet[EvidenceItem]:
    """The case's items with what each supports, in a fixed number of queries."""
    return evidence_for_case(case=case).prefetch_related("claims", "events")


def evidence_get(*, case: Case, public_id: UUID) -> EvidenceItem:
    return get_object_or_404(
        evidence_for_case(case=case).select_related("uploaded_by"), public_id=public_id
    )


def element_assessment_get(*, case: Case, element: str) -> ElementAssessment | None:
    """How `element` is assessed on `case` (already access-checked); None if not yet."""
    return ElementAssessment.objects.filter(case=case, element=element).first()
