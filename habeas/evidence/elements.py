"""The three elements of an enforced disappearance, per case, and the rule by
which Habeas suggests "presumed enforced disappearance" (a person confirms).

The rule: deprivation of liberty and State involvement are each assessed credible
(or established), citing at least one claim, and there is no official information
on the person's fate or whereabouts. Every official statement counts as such
information, whatever it is filed under, unless it is a denial of the act or it
has been graded doubtful or improbable (credibility 4–5): a denial, or an
explanation graded doubtful — "he flew home", contradicted by a cousin who knows
he had no passport — is not information on his fate; it is the refusal the third
element describes. An official statement nobody has graded yet (6, "cannot be
judged") still counts: Habeas does not presume a disappearance past an official
version that no one has weighed.

This module computes and never writes: assessments and the status a person
confirms are written by services.element_assess and services.presumed_ed_confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from habeas.cases.models import Case, Status
from habeas.sources.models import Claim, ClaimLink, Credibility, Source

from .models import Assessment, Element, ElementAssessment

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

POSITIVE = {Assessment.CREDIBLE, Assessment.ESTABLISHED}
# Statuses from which "presumed enforced disappearance" is no longer a suggestion.
SETTLED = {
    Status.PRESUMED_ED,
    Status.DETENTION_ACKNOWLEDGED,
    Status.WHEREABOUTS_CONFIRMED,
    Status.RELEASED,
    Status.DEAD,
    Status.CLOSED,
}


@dataclass
class ElementView:
    element: str
    label: StrOrPromise
    assessment: ElementAssessment | None
    supporting: list[Claim] = field(default_factory=list)
    undermining: list[Claim] = field(default_factory=list)

    @property
    def value(self) -> str:
        return self.assessment.assessment if self.assessment else Assessment.NOT_ESTABLISHED

    @property
    def value_label(self) -> StrOrPromise:
        return Assessment(self.value).label


@dataclass
class Suggestion:
    suggest: bool
    reasons: list[str]
    claims: list[Claim]


DISCREDITED = (Credibility.DOUBTFUL, Credibility.IMPROBABLE)


def _official_statements(case: Case) -> tuple[list[Claim], list[Claim]]:
    """The case's official statements: (information on fate or whereabouts, set aside),
    the latter being denials and statements graded doubtful or improbable."""
    counted: list[Claim] = []
    set_aside: list[Claim] = []
    for claim in (
        Claim.objects.filter(case=case, source__kind=Source.Kind.OFFICIAL)
        .select_related("source")
        .order_by("received_from", "id")
    ):
        if claim.attribution == Claim.Attribution.DENIES or claim.credibility in DISCREDITED:
            set_aside.append(claim)
        else:
            counted.append(claim)
    return counted, set_aside


def _why_set_aside(claim: Claim) -> str:
    if claim.attribution == Claim.Attribution.DENIES:
        return _("%(code)s (%(grade)s, a denial)") % {
            "code": claim.source.code_name,
            "grade": claim.grade,
        }
    return _("%(code)s (%(grade)s, graded %(credibility)s)") % {
        "code": claim.source.code_name,
        "grade": claim.grade,
        "credibility": claim.get_credibility_display(),
    }


def elements_for_case(case: Case) -> list[ElementView]:
    stored = {
        a.element: a
        for a in ElementAssessment.objects.filter(case=case).prefetch_related(
            "supporting__source",
            "undermining__source",
            "supporting__evidence_items",
            "undermining__evidence_items",
        )
    }
    views = []
    for element in Element:
        a = stored.get(element.value)
        views.append(
            ElementView(
                element=element.value,
                label=element.label,
                assessment=a,
                supporting=list(a.supporting.all()) if a else [],
                undermining=list(a.undermining.all()) if a else [],
            )
        )
    return views


def suggestion_for_case(case: Case, elements: list[ElementView] | None = None) -> Suggestion:
    elements = elements or elements_for_case(case)
    by_name = {e.element: e for e in elements}
    reasons: list[str] = []
    ok = True
    for name in (Element.DEPRIVATION, Element.STATE):
        view = by_name[name]
        cited = ", ".join(f"{c.source.code_name} ({c.grade})" for c in view.supporting)
        reasons.append(f"{view.label}: {view.value_label}" + (f" — {cited}" if cited else ""))
        ok = ok and view.value in POSITIVE
    official, set_aside = _official_statements(case)
    if official:
        ok = False
        statements = "; ".join(
            f"{c.source.code_name} ({c.grade}, {c.get_credibility_display()})" for c in official
        )
        reasons.append(
            _(
                "Official information on fate or whereabouts exists (grade it doubtful or "
                "improbable if the evidence contradicts it): %(statements)s"
            )
            % {"statements": statements}
        )
    elif set_aside:
        reasons.append(
            _(
                "No official information on fate or whereabouts (official statements set "
                "aside: %(statements)s)"
            )
            % {"statements": "; ".join(_why_set_aside(c) for c in set_aside)}
        )
    else:
        reasons.append(_("No official information on fate or whereabouts"))
    if case.current_status in SETTLED:
        ok = False
        reasons.append(
            _("The case's status is already %(status)s.")
            % {"status": Status(case.current_status).label}
        )
    claims = [
        c
        for name in (Element.DEPRIVATION, Element.STATE, Element.CONCEALMENT)
        for c in by_name[name].supporting
    ]
    return Suggestion(suggest=ok, reasons=reasons, claims=list(dict.fromkeys(claims)))


def disputed_facts(case: Case) -> list[ClaimLink]:
    """Contradicting claims, side by side, with sources, grades and evidence."""
    return list(
        ClaimLink.objects.filter(case=case, kind=ClaimLink.Kind.CONTRADICTS)
        .select_related("from_claim__source", "to_claim__source")
        .prefetch_related("from_claim__evidence_items", "to_claim__evidence_items")
        .order_by("id")
    )
