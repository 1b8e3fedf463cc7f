"""The organisation's settings page (administrators) and its logo."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from habeas.accounts.http import AuthenticatedRequest
from habeas.accounts.models import User
from habeas.accounts.services import access_denied_record
from habeas.core import uploads
from habeas.core.pages import errors_onto, form_page, say_saved

from . import selectors, services
from .forms import OrganisationForm


@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedRequest) -> HttpResponse:
    # As /users/: anyone but an administrator gets the 404 of a page that does not
    # exist, and the attempt is audited.
    if request.user.role != User.Role.ADMINISTRATOR:
        access_denied_record(request=request, view="organisation_edit")
        raise Http404
    current = selectors.organisation_current()
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=current)
    dropped = uploads.report_dropped(request, form)  # a logo over the upload limit
    if request.method == "POST" and not dropped and form.is_valid():
        with errors_onto(form):
            saved = services.organisation_update(by=request.user, **form.cleaned_data)
            say_saved(request, saved, _("The organisation's settings are saved."))
            return redirect("organisation_edit")
    return form_page(
        request,
        title=_("Organisation settings"),
        back=reverse("dashboard"),
        forms=[form],
        template="organisation/organisation_edit.html",
        organisation=current,
        saved=current.pk is not None,
    )


@require_safe
@cache_control(private=True, no_cache=True)
def organisation_logo(request: AuthenticatedRequest) -> HttpResponse:
    """The stored logo, for the settings page and the documents' previews: any
    account may see it (it goes on every letter); 404 while there is none."""
    png = selectors.organisation_logo_png()
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = 'inline; filename="logo.png"'
    return response
