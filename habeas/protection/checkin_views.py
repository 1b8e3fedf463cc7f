"""The check-in's own pages: the person's page at the secret link, the messaging
bridge's endpoint, and a caseworker's record of a conversation.

The person's page is read on a phone that may be seized, over Tor on a slow link:
one small page of its own (it does not extend the staff template, which names
Habeas), no script, a neutral title and neutral words, no trace of the
organisation unless the plan shows it, never cached, never sending the link as a
referrer. A link that is not a plan's raises the site's 404, as any unknown address.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from uuid import UUID
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from habeas.accounts.selectors import login_client
from habeas.cases.models import ContactChannel
from habeas.core.pages import errors_onto, form_page
from habeas.organisation.selectors import organisation_current

from . import checkin
from .access import Need, at_risk_access
from .models import Plan

log = logging.getLogger(__name__)

REFUSED = gettext_lazy("That did not work. Try again.")


class AfterResponse(HttpResponse):
    """A response that runs `after` once it has been sent: the WSGI server calls
    close() when the last byte is out, so nothing `after` does delays the answer.
    Every answer of the check-in page and the bridge is one, with or without a task,
    so that the duress answer differs from the normal one in nothing."""

    after: Callable[[], None] | None = None

    def close(self) -> None:
        task, self.after = self.after, None
        if task is not None:
            try:
                task()
            except Exception:
                # The duress check-in is recorded; the watcher escalates it
                # (checkin.escalate_pending_duress) if this failed.
                log.exception("The duress escalation after a check-in failed.")
        super().close()


def _hand_off(response: AfterResponse, answer: checkin.PinAnswer) -> None:
    if answer.duress and answer.at_risk_id is not None:
        at_risk_id, at = answer.at_risk_id, answer.at
        response.after = lambda: checkin.escalate_duress_handed_off(at_risk_id, at)


# --- the person's page ---------------------------------------------------------------


class _PageCsrf(CsrfViewMiddleware):
    """Django's CSRF check (cookie and form token), where an `Origin: null` passes
    the origin check: the page's `Referrer-Policy: no-referrer` makes browsers send
    it on the form's POST (Fetch standard, "serializing a request origin"). The
    token check is unchanged, and it is what stops another site's form."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        # Not logged (Django logs the path, and the path is the secret link); the
        # page answers "That did not work" and a new form.
        return HttpResponse(status=403)

    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return True
        verified: bool = super()._origin_verified(request)  # type: ignore[misc]
        return verified


def _csrf_refused(request: HttpRequest) -> bool:
    check = _PageCsrf(lambda r: HttpResponse())
    return check.process_view(request, None, (), {}) is not None  # type: ignore[arg-type]


class CheckInPageForm(forms.Form):
    pin = forms.CharField(max_length=32, strip=True)
    place = forms.CharField(max_length=checkin.PLACE_MAX, required=False)


def _page(
    request: HttpRequest,
    plan: Plan,
    *,
    done_at=None,
    refused: bool = False,
    place: str = "",
    status: int = 200,
) -> AfterResponse:
    context = {
        "organisation": organisation_current().name if plan.show_organisation else "",
        "done_at": done_at,
        "zone": ZoneInfo(plan.time_zone),
        "refused": REFUSED if refused else "",
        "place": place,
    }
    html = render_to_string("protection/checkin_page.html", context, request=request)
    response = AfterResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@csrf_exempt  # checked below, for a real link only: a guessed one is the plain 404
def check_in_page(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        raise Http404
    plan = checkin.plan_for_link(token)
    if plan is None:
        raise Http404
    if request.method != "POST":
        return _page(request, plan)
    if _csrf_refused(request):
        return _page(request, plan, refused=True, status=403)
    form = CheckInPageForm(request.POST)
    if not form.is_valid():
        return _page(request, plan, refused=True, place=request.POST.get("place", "")[:500])
    answer = checkin.page_check_in(
        plan=plan,
        pin=form.cleaned_data["pin"],
        place=form.cleaned_data["place"],
        # IPv4, or an IPv6 address's /64, as the login lockout counts them.
        address=login_client(request),
    )
    if not answer.accepted:
        response = _page(request, plan, refused=True, place=form.cleaned_data["place"])
    else:
        response = _page(request, plan, done_at=answer.at)
    # A duress PIN refused by the lock or the address limit is escalated too.
    _hand_off(response, answer)
    return response


# --- the messaging bridge --------------------------------------------------------------


def _json(data: dict, status: int = 200) -> AfterResponse:
    response = AfterResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    return response


def _bridge_body(request: HttpRequest) -> bytes:
    """The body, if it is small enough to be a check-in (checkin.BRIDGE_BODY_MAX):
    a larger one is refused before it is read, as an unsigned one is."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise checkin.BridgeRefused from None
    if length > checkin.BRIDGE_BODY_MAX:
        raise checkin.BridgeRefused
    body = request.read(checkin.BRIDGE_BODY_MAX + 1)
    if len(body) > checkin.BRIDGE_BODY_MAX:
        raise checkin.BridgeRefused
    return body


@login_not_required
@csrf_exempt  # a server-to-server call, authenticated by its signature
@require_POST
def check_in_bridge(request: HttpRequest) -> HttpResponse:
    try:
        answer = checkin.webhook_check_in(
            body=_bridge_body(request),
            timestamp=request.headers.get("X-Habeas-Timestamp", ""),
            signature=request.headers.get("X-Habeas-Signature", ""),
        )
    except checkin.BridgeRefused:
        return _json(
            {"ok": False, "error": _("Refused: unsigned, badly signed, stale or replayed.")},
            status=403,
        )
    except checkin.BridgeBadRequest as exc:
        return _json({"ok": False, "error": str(exc)}, status=400)
    if not answer.accepted:
        response = _json({"ok": False, "message": str(REFUSED)})
    else:
        response = _json({"ok": True, "at": answer.at.isoformat(timespec="seconds")})
    _hand_off(response, answer)
    return response


# --- a caseworker spoke with them -------------------------------------------------------


class CaseworkerCheckInForm(forms.Form):
    contact_channel = forms.ChoiceField(
        label=gettext_lazy("How"), choices=[("", "—"), *ContactChannel.choices]
    )
    at = forms.DateTimeField(
        label=gettext_lazy("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=gettext_lazy("In your time zone; not in the future."),
    )
    place = forms.CharField(
        label=gettext_lazy("Where they said they were"),
        max_length=checkin.PLACE_MAX,
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=checkin.NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def caseworker_check_in(request: HttpRequest, at_risk_id: UUID) -> HttpResponse:
    """GET: the form; POST: record the conversation as a check-in. Team members who
    may edit; anyone else gets the outsiders' 404 (the door)."""
    user = request.user
    access = at_risk_access(user=user, public_id=at_risk_id, need=Need.EDIT)  # type: ignore[arg-type]
    at_risk = access.at_risk
    back = reverse("protection:at_risk_detail", args=[at_risk.public_id])
    if request.method == "POST":
        form = CaseworkerCheckInForm(request.POST)
        if form.is_valid():
            with errors_onto(form):
                checkin.caseworker_check_in(
                    at_risk=at_risk,
                    by=user,  # type: ignore[arg-type]
                    contact_channel=form.cleaned_data["contact_channel"],
                    at=form.cleaned_data["at"],
                    place=form.cleaned_data["place"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("The conversation is recorded as a check-in."))
                return redirect(back)
    else:
        form = CaseworkerCheckInForm(initial={"at": timezone.localtime().replace(second=0)})
    title = _("I spoke with %(code_name)s") % {"code_name": at_risk.code_name}
    return form_page(request, title=title, back=back, forms=[form])


# --- the bridge's secret ------------------------------------------------------------------


def bridge_secret(request: HttpRequest, at_risk_id: UUID) -> HttpResponse:
    """GET: what the bridge is and whether it is on; POST: a new secret, shown once
    (or the bridge turned off). Team members who may edit."""
    user = request.user
    access = at_risk_access(user=user, public_id=at_risk_id, need=Need.EDIT)  # type: ignore[arg-type]
    at_risk = access.at_risk
    plan = Plan.objects.filter(at_risk=at_risk).first()
    context: dict = {
        "at_risk": at_risk,
        "plan": plan,
        "endpoint": request.build_absolute_uri(reverse("protection:check_in_bridge")),
        "secret": "",
        "error": "",
    }
    if request.method == "POST":
        off = request.POST.get("action") == "off"
        try:
            context["secret"] = checkin.bridge_secret_set(at_risk=at_risk, by=user, off=off)  # type: ignore[arg-type]
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
        else:
            if off:
                messages.success(request, _("The messaging bridge is off for this person."))
                return redirect("protection:at_risk_detail", at_risk.public_id)
            context["plan"] = Plan.objects.filter(at_risk=at_risk).first()
    response = render(request, "protection/bridge_secret.html", context)
    # The secret is on this answer only: never cached.
    response["Cache-Control"] = "no-store"
    return response
