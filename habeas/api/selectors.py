"""Reads of the API app for one user: their own tokens, never anyone else's."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from habeas.accounts.models import User
from habeas.cases.access import cases_visible_to
from habeas.cases.models import Person, PersonName

from .models import ApiToken


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("user").order_by("-created_at", "-id")


def api_token_of(*, user: User, public_id: UUID) -> ApiToken:
    """One of `user`'s own tokens; 404 for anyone else's (a token is personal: even an
    administrator revokes another's by disabling the account)."""
    token = api_tokens_of(user).filter(public_id=public_id).first()
    if token is None:
        raise Http404
    return token


def people_listed_for(user: User) -> QuerySet[Person]:
    """The people of the cases `user` may see, each with `visible_cases` (those cases,
    by reference: `public_id` and `reference` only) and `name_list` (their names), for
    the API's list of people: through the access door's rule of which cases a user
    sees (cases_visible_to)."""
    visible = cases_visible_to(user)
    # Into lists (to_attr), and of the cases only what a person's record shows of them:
    # a related manager's cache and whole cases (dates parsed) were half a page's time.
    return Person.objects.filter(Exists(visible.filter(people=OuterRef("pk")))).prefetch_related(
        Prefetch("names", queryset=PersonName.objects.order_by("pk"), to_attr="name_list"),
        Prefetch(
            "cases",
            queryset=visible.only("public_id", "reference").order_by("reference"),
            to_attr="visible_cases",
        ),
    )
