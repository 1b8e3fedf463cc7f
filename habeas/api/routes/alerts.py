"""Alerts of the token's user's cases, over the inbox's selectors and services
(habeas/alerts/views.py): read by any member of the case's team, acknowledged or
snoozed by those who may change the case (read-only members get the 404 of
outsiders, as on the alert's page)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from habeas.alerts import selectors, services
from habeas.alerts.forms import SnoozeForm
from habeas.alerts.models import Alert, Rule
from habeas.cases.access import Need

from ..auth import require_write, user_of
from ..pagination import DEFAULT_SIZE, MAX_SIZE, Keyset, page_of
from ..schemas import In, responses
from ._shared import RecordRef, api_enum, validated

router = Router(tags=["alerts"])

if TYPE_CHECKING:
    AlertRule = Rule
    AlertState = Alert.State
else:
    AlertRule = api_enum("AlertRule", Rule)
    AlertState = api_enum("AlertState", Alert.State)

ORDER = Keyset(("due_at", "public_id"), descending=True)  # the inbox's order


class AlertOut(Schema):
    id: UUID
    case: RecordRef = Field(description="The case, by its reference.")
    rule: AlertRule
    title: str
    due_at: datetime
    created_at: datetime
    state: AlertState
    snoozed_until: datetime | None
    handled_at: datetime | None = Field(description="When it was last acknowledged or snoozed.")


class AlertPage(Schema):
    items: list[AlertOut]
    next: str | None = Field(description="The cursor of the next page; null on the last.")


class AlertFilters(Schema):
    show: Literal["open", "all"] = Field(
        "open",
        description="open: the inbox (open alerts, and snoozed ones whose snooze ran out); "
        "all: the history, acknowledged ones included.",
    )
    case: UUID | None = None
    rule: AlertRule | None = None
    cursor: str | None = Field(None, max_length=600)
    limit: int = Field(DEFAULT_SIZE, ge=1, le=MAX_SIZE)


class SnoozeIn(In):
    days: Literal[1, 3, 7, 30]
    reason: str = Field(max_length=500, description="Why it can wait.")


def _out(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.public_id,
        "case": {"id": alert.case.public_id, "label": alert.case.reference},
        "rule": alert.rule,
        "title": alert.title,
        "due_at": alert.due_at,
        "created_at": alert.created_at,
        "state": alert.state,
        "snoozed_until": alert.snoozed_until,
        "handled_at": alert.handled_at,
    }


@router.get("/", response=responses({200: AlertPage}, finds=False), summary="List alerts")
def alert_list(request: HttpRequest, filters: Query[AlertFilters]) -> dict[str, Any]:
    """The alerts of the token's user's cases, latest due first."""
    alerts = selectors.inbox_for_user(user=user_of(request), now=timezone.now(), show=filters.show)
    if filters.case is not None:
        alerts = alerts.filter(case__public_id=filters.case)
    if filters.rule is not None:
        alerts = alerts.filter(rule=filters.rule)
    page = page_of(alerts, keyset=ORDER, cursor=filters.cursor, size=filters.limit)
    return {"items": [_out(a) for a in page.items], "next": page.next}


@router.get("/{alert_id}/", response=responses({200: AlertOut}), summary="Read an alert")
def alert_read(request: HttpRequest, alert_id: UUID) -> dict[str, Any]:
    alert, _access = selectors.alert_access(user=user_of(request), public_id=alert_id)
    return _out(alert)


@router.post(
    "/{alert_id}/acknowledge/",
    response=responses({200: AlertOut}, writes=True),
    summary="Acknowledge an alert",
)
def alert_acknowledge(request: HttpRequest, alert_id: UUID) -> dict[str, Any]:
    """Someone has dealt with it: it leaves the inbox and the daily digests."""
    alert, _access = selectors.alert_access(
        user=user_of(request), public_id=alert_id, need=Need.EDIT
    )
    require_write(request)
    return _out(services.alert_acknowledge(alert=alert, by=user_of(request)))


@router.post(
    "/{alert_id}/snooze/",
    response=responses({200: AlertOut}, writes=True),
    summary="Snooze an alert",
)
def alert_snooze(request: HttpRequest, alert_id: UUID, payload: SnoozeIn) -> dict[str, Any]:
    """It can wait: back in the inbox, and the team notified again, after `days`."""
    alert, _access = selectors.alert_access(
        user=user_of(request), public_id=alert_id, need=Need.EDIT
    )
    require_write(request)
    data = validated(SnoozeForm({"days": payload.days, "reason": payload.reason}))
    until = timezone.now() + timedelta(days=data["days"])
    alert = services.alert_snooze(
        alert=alert, until=until, reason=data["reason"], by=user_of(request)
    )
    return _out(alert)
