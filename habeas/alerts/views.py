"""Pages of the alerts inbox; each parses input, calls one selector or service, renders."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from habeas.accounts.http import AuthenticatedRequest
from habeas.accounts.models import User
from habeas.cases.access import CaseAccess, Need, case_access
from habeas.core.pages import errors_onto, form_page

from . import selectors, services
from .forms import CaseWatchForm, PreferenceForm, SettingsForm, SnoozeForm
from .models import AlertPreference, AlertSettings, CaseWatch
from .watcher import watcher_status


@require_safe
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    show = "all" if request.GET.get("show") == "all" else "open"
    alerts = selectors.inbox_for_user(user=request.user, now=now, show=show)
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    return render(request, "alerts/inbox.html", {"page": page, "show": show, "now": now})


def _detail_page(
    request: AuthenticatedRequest,
    alert,
    access: CaseAccess,
    snooze_form: SnoozeForm,
    status: int = 200,
):
    deliveries = list(alert.deliveries.select_related("user").order_by("pk"))
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "actions": alert.actions.select_related("user"),
            "deliveries": deliveries,
            "has_failed": any(d.status == d.Status.FAILED for d in deliveries),
            "can_act": access.can_edit,
            "snooze_form": snooze_form,
        },
        status=status,
    )


@require_safe
def alert_detail(request: AuthenticatedRequest, alert_id: UUID) -> HttpResponse:
    alert, access = selectors.alert_access(user=request.user, public_id=alert_id)
    return _detail_page(request, alert, access, SnoozeForm())


@require_POST
def alert_acknowledge(request: AuthenticatedRequest, alert_id: UUID) -> HttpResponse:
    alert, _access = selectors.alert_access(user=request.user, public_id=alert_id, need=Need.EDIT)
    services.alert_acknowledge(alert=alert, by=request.user)
    messages.success(request, _("Alert acknowledged."))
    return redirect("alert_inbox")


@require_http_methods(["POST"])
def alert_snooze(request: AuthenticatedRequest, alert_id: UUID) -> HttpResponse:
    alert, access = selectors.alert_access(user=request.user, public_id=alert_id, need=Need.EDIT)
    form = SnoozeForm(request.POST)
    if form.is_valid():
        until = timezone.now() + timedelta(days=form.cleaned_data["days"])
        with errors_onto(form):
            services.alert_snooze(
                alert=alert, until=until, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, _("Alert snoozed."))
            return redirect("alert_inbox")
    return _detail_page(request, alert, access, form, status=400)


@require_POST
def alert_resend(request: AuthenticatedRequest, alert_id: UUID) -> HttpResponse:
    alert, _access = selectors.alert_access(user=request.user, public_id=alert_id, need=Need.EDIT)
    count = services.deliveries_resend(
        deliveries=alert.deliveries.all(), by=request.user, alert=alert
    )
    _resent_message(request, count)
    return redirect(alert)


@require_safe
def failed_deliveries(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.failed_deliveries_for(user=request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    may_resend = selectors.failed_deliveries_to_resend(user=request.user).exists()
    return render(request, "alerts/failed.html", {"page": page, "may_resend": may_resend})


@require_POST
def failed_deliveries_resend(request: AuthenticatedRequest) -> HttpResponse:
    count = services.deliveries_resend(
        deliveries=selectors.failed_deliveries_to_resend(user=request.user), by=request.user
    )
    _resent_message(request, count)
    return redirect("delivery_failed")


def _resent_message(request: AuthenticatedRequest, count: int) -> None:
    if not count:
        messages.info(request, _("No failed notification to send again."))
        return
    messages.success(
        request,
        ngettext(
            "%(count)d notification will be sent again within a minute.",
            "%(count)d notifications will be sent again within a minute.",
            count,
        )
        % {"count": count},
    )


@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    current = AlertPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("Notification preference saved."))
        return redirect("alert_inbox")
    return form_page(
        request, title=_("How alerts reach you"), back=reverse("alert_inbox"), forms=[form]
    )


@require_http_methods(["GET", "POST"])
def organisation_settings(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.role != User.Role.ADMINISTRATOR:
        raise Http404
    form = SettingsForm(request.POST or None, instance=AlertSettings.current())
    if request.method == "POST" and form.is_valid():
        services.settings_update(
            by=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("Alert rules saved; every case follows within one pass."))
        return redirect("alert_inbox")
    return form_page(
        request, title=_("Alert rules (organisation)"), back=reverse("alert_inbox"), forms=[form]
    )


@require_http_methods(["GET", "POST"])
def case_settings(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    watch = CaseWatch.objects.filter(case=case).first() or CaseWatch(case=case)
    form = CaseWatchForm(request.POST or None, instance=watch)
    if request.method == "POST" and form.is_valid():
        services.case_watch_update(
            case=case, by=request.user, **{n: form.cleaned_data[n] for n in form.Meta.fields}
        )
        messages.success(request, _("Alert rules of this case saved."))
        return redirect(case)
    return form_page(
        request,
        title=_("Alert rules for %(ref)s") % {"ref": case.reference},
        back=case.get_absolute_url(),
        forms=[form],
    )


@login_not_required
def watch_health(request: HttpRequest) -> JsonResponse:
    """For a monitor: has the watcher completed a pass recently? 503 if not."""
    status = watcher_status()
    body = {
        "ok": not status["stale"],
        "last_pass": status["last_pass"].isoformat() if status["last_pass"] else None,
        "age_seconds": status["age_seconds"],
        "failed_deliveries": status["failed_deliveries"],
    }
    return JsonResponse(body, status=200 if body["ok"] else 503)
