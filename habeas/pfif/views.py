"""Pages of this app: each parses input, calls one service or selector, renders."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from habeas.accounts.http import AuthenticatedRequest
from habeas.cases.access import require_writer
from habeas.core import uploads
from habeas.core.pages import apply_errors, form_page

from . import feed, selectors, services
from .document import DocumentError
from .forms import ImportForm

XML = "application/xml; charset=utf-8"
PUBLIC_MAX_AGE = 300  # as the other public pages (habeas.advocacy.views)


@login_not_required
@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_pfif(request: HttpRequest) -> HttpResponse:
    return HttpResponse(feed.write(selectors.public_people()), content_type=XML)


@require_GET
def pfif_export(request: AuthenticatedRequest) -> HttpResponse:
    people = selectors.staff_people(user=request.user)
    services.pfif_exported(by=request.user, people=len(people))
    response = HttpResponse(feed.write(people), content_type=XML)
    name = f"habeas-pfif-{timezone.localdate():%Y-%m-%d}.xml"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def pfif_import(request: AuthenticatedRequest) -> HttpResponse:
    require_writer(user=request.user, what="pfif_import")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not uploads.report_dropped(request, form) and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.pfif_import(
                data=upload.read(),
                filename=upload.name,
                country=form.cleaned_data["country"],
                duplicates=form.cleaned_data["duplicates"],
                by=request.user,
            )
        except DocumentError as error:
            form.add_error("file", [*error.problems, _("Nothing was imported.")])
        except ValidationError as error:
            apply_errors(form, error)
            form.add_error(None, _("Nothing was imported."))
        except PermissionDenied:
            require_writer(user=request.user, what="pfif_import")
        else:
            return redirect("pfif_import_result", import_id=batch.public_id)
    return form_page(
        request,
        title=_("Import a PFIF file"),
        back=reverse("dashboard"),
        forms=[form],
        template="pfif/import.html",
    )


@require_GET
def pfif_import_result(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    batch = selectors.import_get(user=request.user, public_id=import_id)
    return render(
        request,
        "pfif/import_result.html",
        {
            "batch": batch,
            "created": selectors.cases_created(batch=batch, user=request.user),
            "duplicates": selectors.duplicates_of(batch=batch, user=request.user),
            "skipped": selectors.skipped_of(batch=batch, user=request.user),
        },
    )
