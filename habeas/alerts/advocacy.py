"""Adapter to the advocacy app (issue 5): interventions and their responses.

Rules 2 (no submission recorded) and 3 (follow-ups, response deadlines) read
interventions through these few functions only, so that the alerts work the
same whether or not the advocacy app is installed (without it: no submission is
ever recorded, and there is nothing to follow up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps


@dataclass(frozen=True)
class Pending:
    """Something awaiting an answer or a deadline: an intervention with no
    response yet (rule 3a) or a response with a deadline (rule 3b)."""

    subject: str  # "intervention:<pk>" or "response:<pk>"
    kind: str  # "follow_up" or "response_deadline"
    on: date  # sent on (follow-up) or the deadline itself


def _models():
    if not apps.is_installed("habeas.advocacy"):
        return None, None
    try:
        intervention = apps.get_model("advocacy", "Intervention")
        response = apps.get_model("advocacy", "Response")
    except LookupError:
        return None, None
    return intervention, response


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _submission_kinds(model) -> list[str]:
    """Kinds of intervention that are a submission to the UN Working Group."""
    field = model._meta.get_field("kind")
    kinds = [value for value, _ in (field.choices or [])]
    return [k for k in kinds if "wgeid" in k.lower() or "submission" in k.lower()]


def submission_recorded(case) -> bool:
    intervention, _ = _models()
    if intervention is None:
        return False
    kinds = _submission_kinds(intervention)
    if not kinds:
        return False
    found = intervention.objects.filter(case=case, kind__in=kinds)
    if "sent_on" in _field_names(intervention):
        found = found.filter(sent_on__isnull=False)
    return found.exists()


def _response_link(response_model) -> str:
    for f in response_model._meta.get_fields():
        related = getattr(f, "related_model", None)
        if related is not None and f.many_to_one and related._meta.model_name == "intervention":
            return f.name
    return "intervention"


def pending_for(case) -> list[Pending]:
    """Open interventions without a response, and responses with a deadline."""
    intervention, response = _models()
    if intervention is None:
        return []
    link = _response_link(response)
    answered = set(
        response.objects.filter(**{f"{link}__case": case}).values_list(f"{link}_id", flat=True)
    )
    found: list[Pending] = []
    if "sent_on" in _field_names(intervention):
        open_ones = intervention.objects.filter(case=case, sent_on__isnull=False)
        if "status" in _field_names(intervention):
            open_ones = open_ones.exclude(status__in=("responded", "closed"))
        for pk, sent_on in open_ones.values_list("pk", "sent_on"):
            if pk not in answered and isinstance(sent_on, date):
                found.append(Pending(f"intervention:{pk}", "follow_up", sent_on))
    if "deadline" in _field_names(response):
        responses = response.objects.filter(**{f"{link}__case": case}, deadline__isnull=False)
        if "status" in _field_names(intervention):
            # A closed intervention expects nothing more, its responses' deadlines included.
            responses = responses.exclude(**{f"{link}__status": "closed"})
        for pk, deadline in responses.values_list("pk", "deadline"):
            if isinstance(deadline, date):
                found.append(Pending(f"response:{pk}", "response_deadline", deadline))
    return found


def still_pending(case, subject: str) -> bool:
    """Checked when the alert fires: a response recorded since (without a hook
    into the advocacy services) cancels the follow-up."""
    return any(p.subject == subject for p in pending_for(case))


def cases_changed_since(since: datetime | None) -> set[int]:
    """Cases with an intervention changed, or a response recorded, after `since`
    (all of them when None): their follow-up deadlines need recomputing."""
    intervention, response = _models()
    if intervention is None:
        return set()
    link = _response_link(response)
    changed = intervention.objects.all()
    answered = response.objects.all()
    if since is not None:
        if "updated_at" in _field_names(intervention):
            changed = changed.filter(updated_at__gt=since)
        if "created_at" in _field_names(response):
            answered = answered.filter(created_at__gt=since)
    ids = set(changed.values_list("case_id", flat=True))
    ids |= set(answered.values_list(f"{link}__case_id", flat=True))
    return ids


def submitted_among(case_ids) -> set[int]:
    """Of `case_ids`, the cases with a submission recorded (one query, for bulk work)."""
    intervention, _ = _models()
    if intervention is None:
        return set()
    kinds = _submission_kinds(intervention)
    found = intervention.objects.filter(case_id__in=case_ids, kind__in=kinds)
    if "sent_on" in _field_names(intervention):
        found = found.filter(sent_on__isnull=False)
    return set(found.values_list("case_id", flat=True))


def cases_with_interventions(case_ids) -> set[int]:
    """Of `case_ids`, those with any intervention (only they can have follow-ups)."""
    intervention, _ = _models()
    if intervention is None:
        return set()
    return set(intervention.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True))
