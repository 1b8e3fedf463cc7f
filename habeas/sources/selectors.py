"""Reads of sources and claims, always within a case obtained from a case selector."""

from __future__ import annotations

from uuid import UUID

from django.shortcuts import get_object_or_404

from habeas.cases.models import Case

from .models import Claim, Source


def source_get(*, case: Case, public_id: UUID) -> Source:
    return get_object_or_404(Source.objects.filter(case=case), public_id=public_id)


def claim_get(*, case: Case, public_id: UUID) -> Claim:
    return get_object_or_404(
        Claim.objects.filter(case=case).select_related("source", "event"), public_id=public_id
    )
