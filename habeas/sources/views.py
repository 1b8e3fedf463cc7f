"""Pages to add and change a case's sources, claims and the links between claims."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from habeas.accounts.http import AuthenticatedRequest
from habeas.cases.access import CaseAccess, Need, case_access
from habeas.core.pages import errors_onto, form_page

from . import selectors, services
from .forms import ClaimForm, ClaimLinkForm, GradeForm, SourceForm
from .models import Credibility, Reliability

CONFIDENTIAL_SOURCE_FIELDS = ("identity", "contact", "notes")


def _source_page(request: AuthenticatedRequest, *, access: CaseAccess, source=None) -> HttpResponse:
    case = access.case
    form = SourceForm(request.POST or None, instance=source, case=case)
    if not access.may_see_sources:
        # Without the grant the identity is neither shown nor changeable.
        for name in CONFIDENTIAL_SOURCE_FIELDS:
            del form.fields[name]
    elif source is not None and request.method == "GET":
        # The edit form shows who the source is: recorded like the source's page.
        services.source_identity_viewed(source=source, by=request.user, via="edit form")
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            if source is None:
                services.source_add(case=case, by=request.user, **form.cleaned_data)
            else:
                services.source_update(source=source, by=request.user, **form.cleaned_data)
            messages.success(request, _("Source saved."))
            return redirect(case)
    title = _("Add a source to %(ref)s") if source is None else _("Edit source %(code)s")
    return form_page(
        request,
        title=title % {"ref": case.reference, "code": source.code_name if source else ""},
        back=case.get_absolute_url(),
        forms=[form],
    )


@require_http_methods(["GET", "POST"])
def source_add(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id, need=Need.EDIT)
    return _source_page(request, access=access)


@require_http_methods(["GET", "POST"])
def source_edit(request: AuthenticatedRequest, case_id: UUID, source_id: UUID) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id, need=Need.EDIT)
    source = selectors.source_get(case=access.case, public_id=source_id)
    return _source_page(request, access=access, source=source)


def _claim_page(request: AuthenticatedRequest, *, case, claim=None) -> HttpResponse:
    initial = {"event": request.GET.get("event")} if claim is None else None
    form = ClaimForm(request.POST or None, instance=claim, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        with errors_onto(form):
            if claim is None:
                services.claim_add(case=case, by=request.user, **data)
            else:
                services.claim_update(claim=claim, by=request.user, **data)
            messages.success(request, _("Claim saved."))
            return redirect(case)
    title = _("Add a claim to %(ref)s") if claim is None else _("Edit a claim of %(ref)s")
    return form_page(
        request,
        title=title % {"ref": case.reference},
        back=case.get_absolute_url(),
        forms=[form],
        template="sources/claim_form.html",
        # The source field is a ModelChoiceField, which has a queryset.
        no_sources=not form.fields["source"].queryset.exists(),  # type: ignore[attr-defined]
        case=case,
    )


@require_http_methods(["GET", "POST"])
def claim_add(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    return _claim_page(request, case=case)


@require_http_methods(["GET", "POST"])
def claim_edit(request: AuthenticatedRequest, case_id: UUID, claim_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    claim = selectors.claim_get(case=case, public_id=claim_id)
    return _claim_page(request, case=case, claim=claim)


@require_http_methods(["GET", "POST"])
def claim_link(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    form = ClaimLinkForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.claims_link(case=case, by=request.user, **form.cleaned_data)
            messages.success(request, _("Claims linked."))
            return redirect(case)
    return form_page(
        request,
        title=_("Link two claims of %(ref)s") % {"ref": case.reference},
        back=case.get_absolute_url(),
        forms=[form],
        template="sources/claim_link.html",
        case=case,
        links=selectors.claim_links(case=case),
    )


@require_POST
def claim_unlink(request: AuthenticatedRequest, case_id: UUID, link_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    link = selectors.claim_link_get(case=case, link_id=link_id)
    services.claims_unlink(link=link, by=request.user)
    messages.success(request, _("Link removed."))
    return redirect("claim_link", case.public_id)


@require_safe
def source_detail(request: AuthenticatedRequest, case_id: UUID, source_id: UUID) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id)
    case = access.case
    source = selectors.source_get(case=case, public_id=source_id)
    may_see = access.may_see_sources
    if may_see:
        services.source_identity_viewed(source=source, by=request.user)
    return render(
        request,
        "sources/source_detail.html",
        {
            "case": case,
            "source": source,
            "may_see": may_see,
            "claims": selectors.claims_from_source(source=source),
            "relayed": selectors.claims_relayed_by(source=source),
        },
    )


def _grade_page(
    request: AuthenticatedRequest, *, case, record, form, save, title: str, statement: str = ""
) -> HttpResponse:
    """The grade page of a source or a claim: `save(data)` grades it from the form."""
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            save(form.cleaned_data)
            messages.success(request, _("Grade saved."))
            return redirect(case)
    return render(
        request,
        "sources/grade.html",
        {
            "case": case,
            "title": title,
            "form": form,
            "history": selectors.grade_history(record),
            "statement": statement,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def source_grade(request: AuthenticatedRequest, case_id: UUID, source_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    source = selectors.source_get(case=case, public_id=source_id)
    form = GradeForm(
        request.POST or None,
        initial={"grade": source.reliability, "rationale": source.reliability_rationale},
        choices=Reliability.choices,
    )
    return _grade_page(
        request,
        case=case,
        record=source,
        form=form,
        save=lambda data: services.source_grade(
            source=source, reliability=data["grade"], rationale=data["rationale"], by=request.user
        ),
        title=_("Grade source %(code)s") % {"code": source.code_name},
    )


@require_http_methods(["GET", "POST"])
def claim_grade(request: AuthenticatedRequest, case_id: UUID, claim_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    claim = selectors.claim_get(case=case, public_id=claim_id)
    form = GradeForm(
        request.POST or None,
        initial={"grade": claim.credibility, "rationale": claim.credibility_rationale},
        choices=Credibility.choices,
    )
    return _grade_page(
        request,
        case=case,
        record=claim,
        form=form,
        save=lambda data: services.claim_grade(
            claim=claim, credibility=data["grade"], rationale=data["rationale"], by=request.user
        ),
        title=_("Grade a claim of %(code)s") % {"code": claim.source.code_name},
        statement=claim.statement,
    )
