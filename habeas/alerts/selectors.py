"""Reads of alerts that depend on who asks: an alert is visible to the team of
its case only; anyone else gets a 404 (docs/architecture.md#the-one-access-door)."""

from __future__ import annotations

from datetime import datetime
from typing import cast
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet

from habeas.accounts.models import User
from habeas.cases.access import CaseAccess, Need, access_to, changing_memberships, deny
from habeas.cases.models import Case, CaseMember

from .models import Alert, Deadline, Delivery


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    if not (user.is_authenticated and user.is_active):
        return Alert.objects.none()
    return Alert.objects.filter(
        Exists(CaseMember.objects.filter(case=OuterRef("case_id"), user=user))
    )


def inbox_for_user(*, user: User, now: datetime, show: str = "open") -> QuerySet[Alert]:
    """Open alerts, and snoozed ones whose snooze has run out; `show="all"` is
    the history, acknowledged ones included."""
    alerts = alerts_visible_to(user).select_related("case", "handled_by")
    if show != "all":
        alerts = alerts.filter(
            Q(state=Alert.State.OPEN) | Q(state=Alert.State.SNOOZED, snoozed_until__lte=now)
        )
    return alerts.order_by("-due_at", "-id")


def alert_access(
    *, user: User, public_id: UUID, need: Need = Need.READ
) -> tuple[Alert, CaseAccess]:
    """The alert and `user`'s access to its case. Acknowledging, snoozing and sending
    again change the case's record (Need.EDIT): members who may change the case
    (`CaseAccess.can_edit`); read-only members, like outsiders, get the audited 404."""
    alert = alerts_visible_to(user).select_related("case").filter(public_id=public_id).first()
    access = access_to(user=user, case=alert.case) if alert is not None else None
    if access is None or not access.allows(need):
        raise deny(user=user, model=Alert, public_id=public_id)
    return cast(Alert, alert), access  # with an access, an alert


def case_deadlines(*, case: Case) -> list[Deadline]:
    """Upcoming deadlines of a case already read through a selector."""
    return list(Deadline.objects.filter(case=case, due_at__isnull=False).order_by("due_at"))


def failed_deliveries_for(*, user: User) -> QuerySet[Delivery]:
    """Notifications that failed, for the page where a person acts on them: those
    of alerts on the user's teams; an administrator sees every one, the alert
    named only where they are on its team (`on_team`)."""
    if not (user.is_authenticated and user.is_active):
        return Delivery.objects.none()
    rows = (
        Delivery.objects.filter(status=Delivery.Status.FAILED)
        .annotate(
            on_team=Exists(CaseMember.objects.filter(case=OuterRef("alert__case_id"), user=user))
        )
        .select_related("alert", "alert__case", "user")
        .order_by("-created_at", "-id")
    )
    if user.role != User.Role.ADMINISTRATOR:
        rows = rows.filter(on_team=True)
    return rows


def failed_deliveries_to_resend(*, user: User) -> QuerySet[Delivery]:
    """The failed notifications `user` may send again: any, for an administrator;
    those of their cases' alerts for a member who is not read-only."""
    rows = Delivery.objects.filter(status=Delivery.Status.FAILED)
    if not (user.is_authenticated and user.is_active):
        return rows.none()
    if user.role == User.Role.ADMINISTRATOR:
        return rows
    return rows.filter(
        Exists(changing_memberships(user).filter(case_id=OuterRef("alert__case_id")))
    )
