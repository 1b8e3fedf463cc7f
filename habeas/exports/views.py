"""Downloads for partners: a case's record as JSON, the case list as CSV or XLSX. Each
parses input, calls one selector and one service (the audit entry), and answers."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from habeas.accounts.http import AuthenticatedRequest
from habeas.cases.access import case_access
from habeas.cases.forms import CaseFilterForm
from habeas.cases.selectors import CaseFilters

from . import selectors, services, table


def _attachment(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    # A reference may hold quotes or Cyrillic: Django quotes and encodes it (RFC 6266).
    # (Never None for an attachment, which mypy cannot tell.)
    response["Content-Disposition"] = content_disposition_header(  # type: ignore[assignment]
        as_attachment=True, filename=filename
    )


@require_safe
def case_export(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id)
    export = selectors.case_export(access=access)
    services.case_exported(case=access.case, export=export, by=request.user, via="download")
    body = selectors.to_json(export)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    _attachment(response, f"{access.case.reference}.json")
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: AuthenticatedRequest) -> CaseFilters | None:
    """The list's filters from the query string; None for a filter the list refuses."""
    form = CaseFilterForm(request.GET or None)
    if not form.is_bound:
        return CaseFilters()
    return CaseFilters(**form.cleaned_data) if form.is_valid() else None


@require_safe
def case_list_csv(request: AuthenticatedRequest) -> HttpResponse | StreamingHttpResponse:
    """The case list as filtered on screen (the same query string, every page)."""
    filters = _filters(request)
    if filters is None:
        # Never the whole register for a filter that did not apply: back to the
        # list, which shows what is wrong with the filter as typed.
        return redirect(reverse("case_list") + "?" + request.GET.urlencode())
    services.case_list_exported(filters=filters, by=request.user, via="download")
    cases = selectors.case_list_export(
        user=request.user, filters=filters, today=timezone.localdate()
    )
    response = StreamingHttpResponse(table.csv_lines(cases), content_type="text/csv; charset=utf-8")
    _attachment(response, f"cases-{timezone.localdate():%Y-%m-%d}.csv")
    return response


@require_safe
def case_list_xlsx(request: AuthenticatedRequest) -> HttpResponse | FileResponse:
    """The same table as XLSX, for Excel whatever its locale's list separator."""
    filters = _filters(request)
    if filters is None:
        return redirect(reverse("case_list") + "?" + request.GET.urlencode())
    services.case_list_exported(filters=filters, by=request.user, via="download-xlsx")
    cases = selectors.case_list_export(
        user=request.user, filters=filters, today=timezone.localdate()
    )
    return FileResponse(
        table.xlsx_file(cases),
        as_attachment=True,
        filename=f"cases-{timezone.localdate():%Y-%m-%d}.xlsx",
        content_type=XLSX,
    )
