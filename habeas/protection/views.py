"""Pages of people at risk (the check-in page itself is in checkin_views.py).

Each page starts at the one door, `access.at_risk_access`: outsiders, read-only
members on a write page and administrators on anything but the team get the
404 of a page that does not exist.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from habeas.accounts.http import AuthenticatedRequest
from habeas.cases.access import require_writer
from habeas.core.pages import apply_errors, errors_onto, form_page

from . import selectors, services
from .access import Need, at_risk_access, manages_every_team
from .emergency import EmergencyFile
from .forms import (
    CloseForm,
    EmergencyFileForms,
    EnrolForm,
    MemberForm,
    PhotoForm,
    PlanForm,
    contacts_formset,
)
from .models import AtRisk, Plan, SafetyContact


def _detail(at_risk: AtRisk) -> str:
    return reverse("protection:at_risk_detail", args=[at_risk.public_id])


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _optional_url(name: str, *args: object) -> str:
    """A page of another part of the app that may not be there yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@require_safe
def at_risk_list(request: AuthenticatedRequest) -> HttpResponse:
    page = selectors.at_risk_list_page(user=request.user, page=request.GET.get("page"))
    return _no_store(render(request, "protection/at_risk_list.html", {"page": page}))


@require_http_methods(["GET", "POST"])
def enrol(request: AuthenticatedRequest) -> HttpResponse:
    require_writer(user=request.user, what="protection_enrol")
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            at_risk = services.enrol(by=request.user, **form.cleaned_data)
            messages.success(request, _("Enrolled. Now prepare the emergency file and the plan."))
            return redirect("protection:file_edit", at_risk.public_id)
    return form_page(
        request,
        title=_("Enrol a person at risk"),
        back=reverse("protection:at_risk_list"),
        forms=[form],
        template="protection/enrol.html",
    )


@require_safe
def at_risk_detail(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    access = at_risk_access(user=request.user, public_id=at_risk_id)
    data = selectors.at_risk_page(access=access, page=request.GET.get("page"))
    context = {
        "data": data,
        "at_risk": data.at_risk,
        "file": data.file,
        "can_edit": access.can_edit,
        "is_lead": access.is_lead,
        "check_in_url": _optional_url("protection:caseworker_check_in", data.at_risk.public_id),
    }
    return _no_store(render(request, "protection/at_risk_detail.html", context))


@require_http_methods(["GET", "POST"])
def at_risk_edit(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    at_risk = at_risk_access(user=request.user, public_id=at_risk_id, need=Need.EDIT).at_risk
    initial = {
        "code_name": at_risk.code_name,
        "consent_on": at_risk.consent_on,
        "consent_how": at_risk.consent_how,
    }
    form = EnrolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.enrolment_update(at_risk=at_risk, by=request.user, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect(_detail(at_risk))
    return form_page(request, title=_("Code name and consent"), back=_detail(at_risk), forms=[form])


@require_http_methods(["GET", "POST"])
def file_edit(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    at_risk = at_risk_access(user=request.user, public_id=at_risk_id, need=Need.EDIT).at_risk
    current = EmergencyFile.from_json(at_risk.emergency_file)
    forms = EmergencyFileForms(request.POST or None, file=current)
    if request.method == "POST" and forms.is_valid():
        try:
            services.emergency_file_set(at_risk=at_risk, file=forms.file(), by=request.user)
        except ValidationError as error:
            apply_errors(forms.main, error)
        else:
            messages.success(request, _("Emergency file saved."))
            return redirect(_detail(at_risk))
    status = 400 if request.method == "POST" and not forms.more else 200
    response = render(
        request,
        "protection/file_form.html",
        {"at_risk": at_risk, "forms": forms, "back": _detail(at_risk)},
        status=status,
    )
    return _no_store(response)


@require_safe
def photo(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    """The photo, to the team only, never cached."""
    at_risk = at_risk_access(user=request.user, public_id=at_risk_id).at_risk
    data = services.photo_bytes(at_risk)
    if data is None:
        raise Http404()
    response = HttpResponse(data, content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    return _no_store(response)


@require_http_methods(["GET", "POST"])
def photo_edit(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    at_risk = at_risk_access(user=request.user, public_id=at_risk_id, need=Need.EDIT).at_risk
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["photo"]
        if not upload and not form.cleaned_data["remove"]:
            form.add_error("photo", _("Choose a photo, or tick “remove the photo”."))
        else:
            with errors_onto(form):
                data = None if form.cleaned_data["remove"] else upload.read()
                services.photo_set(at_risk=at_risk, data=data, by=request.user)
                messages.success(request, _("Photo saved."))
                return redirect(_detail(at_risk))
    return form_page(
        request,
        title=_("Photo for the emergency file"),
        back=_detail(at_risk),
        forms=[form],
        template="protection/photo_form.html",
        at_risk=at_risk,
    )


def _plan_initial(plan: Plan | None) -> dict[str, object]:
    if plan is None:
        return {"kind": Plan.Kind.INTERVAL, "every_hours": 24, "time_zone": "UTC"}
    return {name: getattr(plan, name) for name in services.PLAN_FIELDS}


def _check_in_link(request: AuthenticatedRequest, token: str) -> str:
    path = _optional_url("protection:check_in_page", token) or f"/k/{token}/"
    return request.build_absolute_uri(path)


@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    at_risk = at_risk_access(user=request.user, public_id=at_risk_id, need=Need.EDIT).at_risk
    plan = Plan.objects.filter(at_risk=at_risk).first()
    form = PlanForm(request.POST or None, initial=_plan_initial(plan), first=plan is None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.plan_set(
                at_risk=at_risk,
                by=request.user,
                reissue=bool(form.cleaned_data.get("reissue")),
                pin=form.cleaned_data["pin"],
                duress_pin=form.cleaned_data["duress_pin"],
                **form.plan_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if not issued.issued:
                messages.success(request, _("Plan saved; the link and PINs are unchanged."))
                return redirect(_detail(at_risk))
            # Shown here, once: the token and PINs are kept nowhere in clear, so
            # this answer is the only place they exist (not cached, not in a message).
            context = {
                "at_risk": at_risk,
                "link": _check_in_link(request, issued.token),
                "issued": issued,
            }
            return _no_store(render(request, "protection/plan_issued.html", context))
    return _no_store(
        form_page(
            request,
            title=_("Check-in plan"),
            back=_detail(at_risk),
            forms=[form],
            template="protection/plan_form.html",
            at_risk=at_risk,
            first=plan is None,
        )
    )


@require_http_methods(["GET", "POST"])
def contacts_edit(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    at_risk = at_risk_access(user=request.user, public_id=at_risk_id, need=Need.EDIT).at_risk
    initial = [
        {
            "name": c.name,
            "is_partner": c.is_partner,
            "channel": c.channel,
            "target": c.target,
            "language": c.language,
        }
        for c in SafetyContact.objects.filter(at_risk=at_risk).order_by("pk")
    ]
    formset = contacts_formset(request.POST or None, initial=initial)
    more = request.method == "POST" and "more" in request.POST
    if request.method == "POST" and formset.is_valid() and not more:
        try:
            services.contacts_set(
                at_risk=at_risk,
                contacts=[f.contact() for f in formset.forms if f.cleaned_data],
                by=request.user,
            )
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                _prefix, number, field = key.split("-", 2)
                formset.forms[int(number)].add_error(field, errors)
        else:
            messages.success(request, _("Safety contacts saved."))
            return redirect(_detail(at_risk))
    status = 400 if request.method == "POST" and not more else 200
    return _no_store(
        render(
            request,
            "protection/contacts_form.html",
            {"at_risk": at_risk, "formset": formset, "back": _detail(at_risk)},
            status=status,
        )
    )


@require_http_methods(["GET", "POST"])
def team(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    access = at_risk_access(user=request.user, public_id=at_risk_id, need=Need.TEAM)
    at_risk = access.at_risk
    form = MemberForm(request.POST or None)
    if request.method == "POST" and "remove" in request.POST:
        from habeas.accounts.models import User

        try:
            user = User.objects.filter(public_id=UUID(request.POST.get("remove", ""))).first()
        except ValueError:
            user = None
        if user is not None:
            try:
                services.member_remove(at_risk=at_risk, user=user, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Removed from the team."))
        return redirect("protection:team", at_risk.public_id)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.member_set(
                at_risk=at_risk,
                user=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
            messages.success(request, _("Team updated."))
            return redirect("protection:team", at_risk.public_id)
    members = selectors.at_risk_page(access=access).members
    return form_page(
        request,
        title=_("Team of %(code)s") % {"code": at_risk.code_name},
        back=_detail(at_risk) if access.may_read else reverse("protection:team_index"),
        forms=[form],
        template="protection/team.html",
        at_risk=at_risk,
        members=members,
    )


@require_safe
def team_index(request: AuthenticatedRequest) -> HttpResponse:
    """Administrators: every person at risk by code name, to manage their team."""
    if not manages_every_team(request.user):
        raise Http404()
    page = Paginator(selectors.at_risk_for_administrator(), selectors.LIST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "protection/team_index.html", {"page": page})


@require_POST
def end(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    access = at_risk_access(user=request.user, public_id=at_risk_id, need=Need.EDIT)
    if not access.is_lead:
        raise Http404()
    services.end(at_risk=access.at_risk, by=request.user)
    messages.success(request, _("The enrolment has ended; the plan no longer runs."))
    return redirect(_detail(access.at_risk))


@require_http_methods(["GET", "POST"])
def escalation_close(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    at_risk = at_risk_access(user=request.user, public_id=at_risk_id, need=Need.EDIT).at_risk
    escalation = at_risk.escalations.filter(closed_at__isnull=True).first()
    if escalation is None:
        messages.info(request, _("Nothing is in progress: there is nothing to close."))
        return redirect(_detail(at_risk))
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.escalation_close(
                escalation=escalation,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Closed as a false alarm."))
            return redirect(_detail(at_risk))
    return form_page(
        request,
        title=_("Close as a false alarm"),
        back=_detail(at_risk),
        forms=[form],
    )


@require_http_methods(["GET", "POST"])
def case_open(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    at_risk = at_risk_access(user=request.user, public_id=at_risk_id, need=Need.EDIT).at_risk
    if request.method == "POST":
        try:
            case = services.case_open_from_file(at_risk=at_risk, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_detail(at_risk))
        messages.success(request, _("Case opened from the emergency file."))
        return redirect("case_detail", case.public_id)
    file = EmergencyFile.from_json(at_risk.emergency_file)
    missing = services.case_open_problems(at_risk=at_risk, file=file)
    return _no_store(
        render(
            request,
            "protection/case_open.html",
            {"at_risk": at_risk, "file": file, "missing": missing, "back": _detail(at_risk)},
        )
    )


@require_POST
def escalation_verify(request: AuthenticatedRequest, at_risk_id: UUID) -> HttpResponse:
    at_risk = at_risk_access(user=request.user, public_id=at_risk_id, need=Need.EDIT).at_risk
    escalation = at_risk.escalations.filter(closed_at__isnull=True).first()
    if escalation is not None:
        services.escalation_verify(escalation=escalation, by=request.user)
        messages.success(request, _("The team sees that you are trying to reach the person."))
    return redirect(_detail(at_risk))
