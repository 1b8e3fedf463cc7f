"""Reads of people at risk for pages, each in a fixed number of queries whatever
the team, the contacts or the check-ins number.

Every read starts from `access.py`: a list from `at_risk_visible_to`, a page from
the `AtRiskAccess` the door handed out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet

from habeas.accounts.models import User

from . import ladder
from .access import AtRiskAccess, at_risk_visible_to
from .emergency import EmergencyFile
from .models import AtRisk, AtRiskMember, CheckIn, Escalation, Plan, SafetyContact

CHECK_INS_PER_PAGE = 20
LIST_PER_PAGE = 50


def _open_escalations() -> Prefetch[Any, Any, Any]:
    return Prefetch(
        "escalations",
        queryset=Escalation.objects.filter(closed_at__isnull=True),
        to_attr="open_escalations",
    )


def at_risk_for_user(user: User) -> QuerySet[AtRisk]:
    """The people at risk `user` may see (those whose team they are on), with their
    plan and open escalation, in code-name order: three queries for a page."""
    return (
        at_risk_visible_to(user)
        .select_related("plan")
        .prefetch_related(_open_escalations())
        .order_by("ended_at", "code_name", "pk")
    )


def at_risk_list_page(*, user: User, page: str | int | None) -> Page[AtRisk]:
    return Paginator(at_risk_for_user(user), LIST_PER_PAGE).get_page(page)


def at_risk_for_administrator() -> QuerySet[AtRisk]:
    """Every person at risk, by code name, for administrators managing teams: the
    code name only (the rest stays with the team)."""
    return AtRisk.objects.only("public_id", "code_name", "ended_at").order_by("code_name", "pk")


def next_step(escalation: Escalation, plan: Plan | None) -> tuple[str, datetime] | None:
    """The ladder's next stage for `escalation` and when it comes, or None when it
    is at the top (or has no plan to climb): as the ladder itself counts it."""
    if plan is None or escalation.closed_at is not None:
        return None
    return ladder.safe_next_step(plan, escalation)


@dataclass
class AtRiskPage:
    access: AtRiskAccess
    at_risk: AtRisk
    file: EmergencyFile | None  # None for who may not read it (an administrator)
    plan: Plan | None
    contacts: list[SafetyContact]
    members: list[AtRiskMember]
    escalation: Escalation | None
    next_step: tuple[str, datetime] | None
    check_ins: Page[CheckIn] | None
    has_photo: bool


def at_risk_page(*, access: AtRiskAccess, page: str | int | None = None) -> AtRiskPage:
    """What the person's page shows: the plan, the safety contacts, the team, the
    open escalation and its next step, and one page of check-ins, newest first.
    Seven queries, however long the history."""
    at_risk = access.at_risk
    plan = Plan.objects.filter(at_risk=at_risk).first()
    members = list(
        AtRiskMember.objects.filter(at_risk=at_risk)
        .select_related("user")
        .order_by("role", "user__username")
    )
    if not access.may_read:
        return AtRiskPage(access, at_risk, None, plan, [], members, None, None, None, False)
    contacts = list(SafetyContact.objects.filter(at_risk=at_risk).order_by("pk"))
    escalation = Escalation.objects.filter(at_risk=at_risk, closed_at__isnull=True).first()
    check_ins = Paginator(
        CheckIn.objects.filter(at_risk=at_risk)
        .select_related("recorded_by")
        .order_by("-at", "-pk"),
        CHECK_INS_PER_PAGE,
    ).get_page(page)
    return AtRiskPage(
        access=access,
        at_risk=at_risk,
        file=EmergencyFile.from_json(at_risk.emergency_file),
        plan=plan,
        contacts=contacts,
        members=members,
        escalation=escalation,
        next_step=next_step(escalation, plan) if escalation is not None else None,
        check_ins=check_ins,
        has_photo=bool(at_risk.photo),
    )


def last_check_in(at_risk: AtRisk) -> CheckIn | None:
    return CheckIn.objects.filter(at_risk=at_risk).order_by("-at", "-pk").first()
