"""The outbox: an alert and the notifications it owes, written in the caller's
transaction so that an alert is never raised without them. Detection (deadlines
come due, snoozes end) and rule 5 (a risk flag newly set, in the services) both
raise alerts through here."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from habeas.cases.models import Case, CaseMember

from .models import Alert, AlertPreference, Delivery

if TYPE_CHECKING:
    from habeas.accounts.models import User

    # A team member and their e-mail preference (an AlertPreference.Email value).
    Recipient = tuple[User, str]

log = logging.getLogger(__name__)


def next_digest_at(now: datetime) -> datetime:
    hour = settings.HABEAS_DIGEST_HOUR
    local = timezone.localtime(now)
    at = timezone.make_aware(datetime.combine(local.date(), time(hour)))
    return (
        at
        if at > now
        else timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time(hour)))
    )


def recipients_by_case(case_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """Team members by case, with their e-mail preference (default: at once)."""
    members = (
        CaseMember.objects.filter(case_id__in=case_ids, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    prefs = dict(
        AlertPreference.objects.filter(user__case_memberships__case_id__in=case_ids).values_list(
            "user_id", "email"
        )
    )
    by_case: dict[int, list[Recipient]] = defaultdict(list)
    for m in members:
        by_case[m.case_id].append((m.user, prefs.get(m.user_id, AlertPreference.Email.IMMEDIATE)))
    return by_case


def deliveries_for(alert: Alert, recipients: Iterable[Recipient], now: datetime) -> list[Delivery]:
    rows = []
    for user, mode in recipients:
        if mode == AlertPreference.Email.OFF or not user.email:
            continue
        row = Delivery(
            alert=alert,
            channel=Delivery.Channel.EMAIL,
            user=user,
            digest=mode == AlertPreference.Email.DIGEST,
            next_attempt_at=next_digest_at(now) if mode == AlertPreference.Email.DIGEST else now,
            created_at=now,
        )
        try:
            validate_email(user.email)
        except ValidationError:
            # Nothing to retry: say so on the alert's page instead of failing later.
            row.status, row.last_error = Delivery.Status.FAILED, "invalid e-mail address"
            log.error("delivery to user %s not possible: invalid e-mail address", user.pk)
        rows.append(row)
    for url, _secret in settings.HABEAS_WEBHOOKS:
        rows.append(
            Delivery(
                alert=alert,
                channel=Delivery.Channel.WEBHOOK,
                target=url,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return rows


def alert_raise(
    *,
    case: Case,
    rule: str,
    subject: str,
    occurrence: str,
    due_at: datetime,
    title: str,
    now: datetime,
    recipients: Iterable[Recipient] | None = None,
) -> Alert | None:
    """Create the alert and its deliveries (inside the caller's transaction); None
    if this occurrence was already raised."""
    alert, created = Alert.objects.get_or_create(
        case=case,
        rule=rule,
        subject=subject,
        occurrence=occurrence,
        defaults={"title": title[:200], "due_at": due_at, "created_at": now},
    )
    if not created:
        return None
    if recipients is None:
        recipients = recipients_by_case([case.pk]).get(case.pk, [])
    Delivery.objects.bulk_create(deliveries_for(alert, recipients, now))
    return alert


# --- Notifications of the apps above (protection escalations) ------------------------


def email_preferences(user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's e-mail preference (an AlertPreference.Email value; default: at once)."""
    ids = list(user_ids)
    prefs = dict(AlertPreference.objects.filter(user_id__in=ids).values_list("user_id", "email"))
    return {pk: prefs.get(pk, AlertPreference.Email.IMMEDIATE) for pk in ids}


def sealed_delivery(
    *,
    reference: str,
    channel: str,
    message: dict[str, Any],
    now: datetime,
    user: User | None = None,
    address: str = "",
    target: str = "",
) -> Delivery:
    """One notification an app above alerts rendered itself (in the recipient's
    language), unsaved: the caller bulk-creates it in its own transaction, so the
    event and what it owes are committed together, and the outbox sends it with
    the same claims, retries and breakers as an alert's.

    `message` is {"subject", "body"} for e-mail, {"payload": {...}} for a webhook;
    it is sealed in the row. `address` is where it goes when the recipient is not a
    user (sealed); `target` the webhook's endpoint key (its breaker's name, no secret)."""
    row = Delivery(
        reference=reference,
        channel=channel,
        user=user,
        target=target[:500],
        next_attempt_at=now,
        created_at=now,
    )
    row.message = json.dumps(message, ensure_ascii=False)
    row.address = address
    if channel == Delivery.Channel.EMAIL:
        try:
            validate_email(address or (user.email if user is not None else ""))
        except ValidationError:
            row.status, row.last_error = Delivery.Status.FAILED, "invalid e-mail address"
            log.error("delivery %s not possible: invalid e-mail address", reference)
    return row
