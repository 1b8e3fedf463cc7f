"""`{% load protection %}`: the dashboard's "Escalations in progress"
(`cases/dashboard.html`; the sanctioned pattern of docs/architecture.md, "Templates
cross the layers once"). Cases sit below protection: their Python never imports it,
their template loads this library."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.protection import ladder
from habeas.protection.models import Escalation

NEXT_STEP = {
    Escalation.Stage.REMINDED: _("Remind the person"),
    Escalation.Stage.TEAM: _("Alert the team"),
    Escalation.Stage.CONTACTS: _("Alert the safety contacts"),
}

register = template.Library()


@register.inclusion_tag("protection/_dashboard_escalations.html")
def escalations_in_progress(user):
    """The open escalations of the people on `user`'s protection teams only (one
    query): code name, cause, stage, the time to the next step, a link."""
    now = timezone.now()
    rows = []
    for row in ladder.escalations_open_for(user):
        step = row["next"]
        rows.append(
            {
                "escalation": row["escalation"],
                "code_name": row["at_risk"].code_name,
                "url": reverse("protection:at_risk_detail", args=[row["at_risk"].public_id]),
                "next_step": NEXT_STEP[step[0]] if step else None,
                "next_at": step[1] if step else None,
                "overdue": step is not None and step[1] <= now,
            }
        )
    return {"rows": rows}
