"""Evidence pages. Files are only ever served as attachments, through here."""

from __future__ import annotations

from pathlib import PurePosixPath
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habeas.accounts.http import AuthenticatedRequest
from habeas.cases.access import CaseAccess, Need, case_access
from habeas.core import uploads
from habeas.core.pages import errors_onto, form_page, say_saved
from habeas.lib import files

from . import elements, selectors, services, storage
from .forms import ElementForm, EvidenceForm, EvidenceLinksForm, ShareForm, StatusAsOfForm
from .models import Element, EvidenceItem


@require_GET
def evidence_list(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id)
    items = selectors.evidence_list(case=access.case)
    return render(
        request,
        "evidence/evidence_list.html",
        {"case": access.case, "items": items, "can_edit": access.can_edit},
    )


@require_http_methods(["GET", "POST"])
def evidence_add(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    part_of = None
    if "part_of" in request.GET:
        try:
            part_id = UUID(request.GET["part_of"])
        except ValueError:
            raise Http404() from None
        part_of = selectors.evidence_get(case=case, public_id=part_id)
        if part_of.kind != EvidenceItem.Kind.WEB_CAPTURE:
            raise Http404()
    form = EvidenceForm(request.POST or None, request.FILES or None, case=case, part_of=part_of)
    dropped = uploads.report_dropped(request, form)  # a file over the upload limit
    if request.method == "POST" and not dropped and form.is_valid():
        with errors_onto(form):
            item = services.evidence_add(case=case, by=request.user, **form.cleaned_data)
            messages.success(request, _("Evidence stored."))
            return redirect(item)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "evidence/evidence_form.html",
        {"case": case, "form": form, "part_of": part_of},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def evidence_edit(request: AuthenticatedRequest, case_id: UUID, evidence_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    item = selectors.evidence_get(case=case, public_id=evidence_id)
    form = EvidenceLinksForm(request.POST or None, case=case, item=item)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            saved = services.evidence_update(item=item, by=request.user, **form.cleaned_data)
            say_saved(request, saved, _("Evidence item saved."))
            return redirect(item)
    return form_page(
        request,
        title=_("What “%(title)s” supports") % {"title": item.title},
        back=item.get_absolute_url(),
        forms=[form],
    )


@require_GET
def evidence_detail(
    request: AuthenticatedRequest, case_id: UUID, evidence_id: UUID
) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id)
    item = selectors.evidence_get(case=access.case, public_id=evidence_id)
    return _detail_page(request, access, item, ShareForm())


def _detail_page(
    request, access: CaseAccess, item, share_form: ShareForm, status: int = 200
) -> HttpResponse:
    # Staff see what the original carries (GPS, device, author) before sharing.
    seen = services.evidence_inspect(item=item)
    services.evidence_viewed(item=item, by=request.user, request=request, problem=seen.detected)
    return render(
        request,
        "evidence/evidence_detail.html",
        {
            "case": access.case,
            "item": item,
            "metadata": seen.metadata,
            "metadata_unreadable": seen.unreadable,
            "damaged": seen.damaged,
            "unstrippable": files.unstrippable(item.media_type),
            "custody": item.custody.select_related("actor"),
            "can_edit": access.can_edit,
            "share_form": share_form,
            "parts": list(item.parts.order_by("uploaded_at", "id")),
            "claims": list(item.claims.select_related("source").order_by("received_from", "id")),
            "events": list(item.events.order_by("occurred_from", "id")),
        },
        status=status,
    )


def _download(request, case_id, evidence_id, *, working: bool) -> HttpResponseBase:
    case = case_access(user=request.user, public_id=case_id).case
    item = selectors.evidence_get(case=case, public_id=evidence_id)
    if working and not item.has_working_copy:
        return render(
            request,
            "evidence/damaged.html",
            {"case": case, "item": item, "reason": _("This item has no working copy.")},
            status=404,
        )
    try:
        handle = services.evidence_open(
            item=item, working=working, by=request.user, request=request
        )
    except storage.FileDamaged as exc:
        return render(
            request,
            "evidence/damaged.html",
            {"case": case, "item": item, "reason": str(exc)},
            status=409,
        )
    if working:
        media_type, suffix = files.working_copy_type(item.media_type)
        filename = f"{PurePosixPath(item.original_name).stem}-clean{suffix}"
    else:
        media_type, filename = "application/octet-stream", item.original_name
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=media_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def evidence_download(
    request: AuthenticatedRequest, case_id: UUID, evidence_id: UUID
) -> HttpResponseBase:
    return _download(request, case_id, evidence_id, working=False)


@require_GET
def evidence_download_working(
    request: AuthenticatedRequest, case_id: UUID, evidence_id: UUID
) -> HttpResponseBase:
    return _download(request, case_id, evidence_id, working=True)


@require_POST
def evidence_verify(
    request: AuthenticatedRequest, case_id: UUID, evidence_id: UUID
) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    item = selectors.evidence_get(case=case, public_id=evidence_id)
    problem = services.evidence_verify(item=item, by=request.user)
    if problem:
        messages.error(
            request, _("The stored file has changed: %(problem)s.") % {"problem": problem}
        )
    else:
        messages.success(request, _("Hashes checked: the stored file is intact."))
    return redirect(item)


@require_GET
def case_elements(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """The three elements, the suggestion and why, and the disputed facts side by side."""
    access = case_access(user=request.user, public_id=case_id)
    return _elements_page(request, access, confirm=StatusAsOfForm())


def _elements_page(
    request: AuthenticatedRequest, access: CaseAccess, *, confirm: StatusAsOfForm, status: int = 200
) -> HttpResponse:
    case = access.case
    element_views = elements.elements_for_case(case)
    return render(
        request,
        "evidence/case_elements.html",
        {
            "case": case,
            "elements": element_views,
            "suggestion": elements.suggestion_for_case(case, element_views),
            "disputed": elements.disputed_facts(case),
            "can_edit": access.can_edit,
            "confirm": confirm,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def element_assess(request: AuthenticatedRequest, case_id: UUID, element: str) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    if element not in Element.values:
        raise Http404
    current = selectors.element_assessment_get(case=case, element=element)
    initial = None
    if current is not None:
        initial = {
            "assessment": current.assessment,
            "rationale": current.rationale,
            "supporting": current.supporting.all(),
            "undermining": current.undermining.all(),
        }
    form = ElementForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.element_assess(
                case=case, element=element, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("Assessment saved."))
            return redirect("case_elements", case.public_id)
    return form_page(
        request,
        title=f"{Element(element).label} — {case.reference}",
        back=reverse("case_elements", args=[case.public_id]),
        forms=[form],
    )


@require_POST
def presumed_ed_confirm(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id, need=Need.EDIT)
    case = access.case
    form = StatusAsOfForm(request.POST)
    if form.is_valid():
        with errors_onto(form):
            services.presumed_ed_confirm(case=case, by=request.user, **form.cleaned_data)
            messages.success(
                request, _("Status set to presumed enforced disappearance, citing the claims.")
            )
            return redirect(case)
        if not form.has_error("asserted_on"):
            # The rule no longer suggests it (an element changed meanwhile): the page
            # says why, with the reasons under the suggestion.
            messages.error(request, " ".join(form.non_field_errors()))
            return redirect("case_elements", case.public_id)
    # A date refused: the page again, with the date typed and what is wrong with it.
    return _elements_page(request, access, confirm=form, status=400)


@require_POST
def evidence_share(request: AuthenticatedRequest, case_id: UUID, evidence_id: UUID) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id, need=Need.EDIT)
    item = selectors.evidence_get(case=access.case, public_id=evidence_id)
    form = ShareForm(request.POST)
    if form.is_valid():
        with errors_onto(form):
            services.evidence_shared(
                item=item, by=request.user, request=request, **form.cleaned_data
            )
            messages.success(request, _("Recorded in the chain of custody."))
            return redirect(item)
    # Nothing recorded: the page again, with what was typed and what is wrong.
    return _detail_page(request, access, item, form, status=400)
