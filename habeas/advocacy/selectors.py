"""Reads of the advocacy app. Case-bound reads go through the cases selectors
(outsiders get 404); public reads see only published profiles, with one query
shape whether a profile is unpublished or does not exist."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from habeas.accounts.models import User
from habeas.cases.models import Case
from habeas.cases.selectors import cases_visible_to

from .models import Addressee, Intervention, PublicProfile, PublicUpdate


def interventions_for_case(*, case: Case) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(case=case)
        .select_related("addressee")
        .prefetch_related("responses")
    )


def intervention_for_case(*, case: Case, public_id: UUID) -> Intervention:
    """An intervention of `case` (already access-checked); 404 for one of another case."""
    return get_object_or_404(
        Intervention.objects.select_related("addressee", "case").prefetch_related("responses"),
        case=case,
        public_id=public_id,
    )


def addressee_list() -> QuerySet[Addressee]:
    return Addressee.objects.all()


def addressee_get(*, public_id: UUID | str | None) -> Addressee | None:
    """None when none is asked for; 404 for an unknown one."""
    if not public_id:
        return None
    try:
        return Addressee.objects.get(public_id=UUID(str(public_id)))
    except (ValueError, Addressee.DoesNotExist):
        raise Http404 from None


def profile_for_case(*, case: Case) -> PublicProfile | None:
    return PublicProfile.objects.filter(case=case).defer("photo").first()


def briefing_cases(*, user: User, country: str) -> list[Case]:
    return list(cases_visible_to(user).filter(country=country).order_by("reference"))


def briefing_countries(*, user: User) -> list[str]:
    return sorted(set(cases_visible_to(user).values_list("country", flat=True)))


# --- Public (no login): published profiles only, built from cleared fields. ---


def published_profiles() -> QuerySet[PublicProfile]:
    return PublicProfile.objects.filter(is_published=True).only(
        "public_id", "name", "country", "disappeared_on", "status"
    )


def published_profile_get(*, public_id: UUID) -> PublicProfile:
    return get_object_or_404(
        PublicProfile.objects.prefetch_related("updates").defer("photo"),
        is_published=True,
        public_id=public_id,
    )


def published_updates(*, limit: int = 50) -> QuerySet[PublicUpdate]:
    return (
        PublicUpdate.objects.filter(profile__is_published=True)
        .select_related("profile")
        .order_by("-published_at", "-id")[:limit]
    )
