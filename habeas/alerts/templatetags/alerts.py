from datetime import date, datetime
from typing import cast

from django import template
from django.utils import timezone

from habeas.alerts.labels import Label, label
from habeas.alerts.models import Alert, Deadline
from habeas.alerts.selectors import case_deadlines, inbox_for_user
from habeas.alerts.watcher import watcher_status
from habeas.cases.models import Case

register = template.Library()

DUE_SHOWN = 25  # alerts on the dashboard; the inbox has them all


@register.inclusion_tag("alerts/_watcher_warning.html")
def watcher_warning():
    """On the dashboard: say so when no watcher has completed a pass lately, since
    then no alert is raised and no notification leaves."""
    return {"status": watcher_status(now=timezone.now())}


@register.inclusion_tag("alerts/_case_deadlines.html")
def case_alerts(case, can_edit=False):
    today = timezone.localdate()
    deadlines = [(d, _named(d, case, today)) for d in case_deadlines(case=case)]
    return {"case": case, "deadlines": deadlines, "can_edit": can_edit}


def _named(row: Deadline | Alert, case: Case, today: date) -> Label:
    # Deadlines are read with a due moment (case_deadlines); alerts always have one.
    due_at = cast(datetime, row.due_at)
    return label(rule=row.rule, occurrence=row.occurrence, due_at=due_at, case=case, today=today)


@register.inclusion_tag("alerts/_alerts_due.html")
def alerts_due(user):
    """On the dashboard: the open alerts of the user's cases, the longest overdue
    first (the inbox lists the newest first, as a history reads)."""
    rows = list(
        inbox_for_user(user=user, now=timezone.now()).order_by("due_at", "id")[: DUE_SHOWN + 1]
    )
    today = timezone.localdate()
    return {
        "alerts": [(a, _named(a, a.case, today)) for a in rows[:DUE_SHOWN]],
        "more": len(rows) > DUE_SHOWN,
        "shown": DUE_SHOWN,
    }


@register.simple_tag
def alert_named(alert) -> Label:
    """`{% alert_named alert as named %}`: what an alert is about, for the alerts pages."""
    return _named(alert, alert.case, timezone.localdate())
