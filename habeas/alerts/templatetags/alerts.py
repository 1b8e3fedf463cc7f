from django import template
from django.utils import timezone

from habeas.alerts.selectors import case_deadlines
from habeas.alerts.watcher import watcher_status

register = template.Library()


@register.inclusion_tag("alerts/_watcher_warning.html")
def watcher_warning():
    """On the dashboard: say so when no watcher has completed a pass lately, since
    then no alert is raised and no notification leaves."""
    return {"status": watcher_status(now=timezone.now())}


@register.inclusion_tag("alerts/_case_deadlines.html")
def case_alerts(case, can_edit=False):
    return {"case": case, "deadlines": case_deadlines(case=case), "can_edit": can_edit}
