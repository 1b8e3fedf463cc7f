"""The import pages: upload a spreadsheet, map its columns, read the dry run and decide
on possible duplicates, import, see what was created.

Staff and administrators only: a viewer gets the 404 of a page that does not exist.
An upload is its uploader's: anyone else's id, an expired or an already imported one
is the same 404. Between the steps the file is kept by the engine (encrypted); the
mapping and the decisions on duplicates are kept in the session, keyed by the
upload, so the steps can be taken again, in any order, without a 500.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from habeas.accounts.http import AuthenticatedRequest
from habeas.cases.access import require_writer
from habeas.core import uploads
from habeas.core.pages import errors_onto

from . import columns, kept, reading, selectors, services
from .forms import (
    SKIP,
    CommitForm,
    DecisionsForm,
    MappingForm,
    SavedMappingForm,
    UploadForm,
)
from .plan import Action

SESSION_KEY = "imports"
KEPT_IN_SESSION = 5  # uploads whose mapping and decisions the session remembers
SAMPLE_ROWS = 3  # values shown under each column's header on the mapping page
SAMPLE_CHARS = 60  # of each value shown there (a summary may run to pages)
# A select per column: a sheet 16,384 columns wide is not a list of cases (and would
# pass Django's limit of fields per request, DATA_UPLOAD_MAX_NUMBER_FIELDS).
MAX_COLUMNS = 200
PER_PAGE = 50  # rows of the dry run's report on one page
# The sample file docs/import.md describes, shipped with the package.
SAMPLES = {
    kind: Path(__file__).parent / "data" / f"sample-cases.{kind}" for kind in ("csv", "xlsx")
}


# --- What the session keeps between the steps ------------------------------------


def _state(request: AuthenticatedRequest, upload_id: UUID) -> dict[str, Any]:
    return dict(request.session.get(SESSION_KEY, {}).get(str(upload_id), {}))


def _keep(request: AuthenticatedRequest, upload_id: UUID, **changes: Any) -> None:
    kept = dict(request.session.get(SESSION_KEY, {}))
    entry = {**kept.pop(str(upload_id), {}), **changes}
    # The newest last; the oldest forgotten so the session stays small.
    kept = dict(list(kept.items())[-(KEPT_IN_SESSION - 1) :])
    kept[str(upload_id)] = entry
    request.session[SESSION_KEY] = kept


def _mapping_of(state: dict[str, Any]) -> dict[int, str] | None:
    mapping = state.get("mapping")
    return {int(index): key for index, key in mapping.items()} if mapping else None


def _decisions_of(state: dict[str, Any]) -> dict[int, str]:
    return {int(number): choice for number, choice in state.get("decisions", {}).items()}


def _with_defaults(plan, decisions: dict[int, str]) -> dict[int, str]:
    """A row corrected since an earlier import is skipped unless the importer says
    otherwise: decided already, so it does not hold the import up."""
    defaults = {row.number: SKIP for row in plan.rows if row.changed}
    return {**defaults, **decisions}


def _bound(request: AuthenticatedRequest) -> tuple[Any, Any]:
    """A form's data on a POST, even an empty one (a file dropped for its size leaves
    nothing else): None otherwise, so a GET shows the form unbound."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


# --- Reading the stored file ------------------------------------------------------


def _upload_or_404(request: AuthenticatedRequest, upload_id: UUID):
    """The user's own upload and its bytes. A viewer, anyone else's id, an expired or
    an already imported upload: 404 — but the user's own import, done, is shown."""
    require_writer(user=request.user, what="import")
    state = _state(request, upload_id)
    if state.get("batch"):  # imported already: a repeated post lands on the result
        raise _Done(state["batch"])
    return selectors.import_upload_read(public_id=upload_id, user=request.user)


class _Done(Exception):  # a redirect, not an error
    def __init__(self, batch_id: str):
        self.batch_id = batch_id


def _table(request: AuthenticatedRequest, upload, data: bytes) -> reading.Table | None:
    """The stored file read again; None (and a message) if it no longer reads."""
    try:
        return reading.read_table(data, upload.filename)
    except reading.ReadError as error:
        messages.error(request, str(error))
        return None


def _fields() -> list[tuple[str, str]]:
    return [(field.key, str(field.label)) for field in columns.FIELDS]


# --- 1. Upload --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedRequest) -> HttpResponse:
    require_writer(user=request.user, what="import_upload")
    form = UploadForm(*_bound(request))
    dropped = uploads.report_dropped(request, form)  # over the upload limit
    if request.method == "POST" and not dropped and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            table = reading.read_table(data, upload.name)
            first = next(iter(table.rows), None)
        except reading.ReadError as error:
            form.add_error("file", str(error))
        else:
            if not any(header.strip() for header in table.headers):
                form.add_error("file", _("The file has no column headers in its first row."))
            elif first is None:
                form.add_error("file", _("The file has column headers but no rows below them."))
            elif len(table.headers) > MAX_COLUMNS:
                form.add_error(
                    "file",
                    _("The file has %(count)d columns; Habeas reads at most %(max)d.")
                    % {"count": len(table.headers), "max": MAX_COLUMNS},
                )
            else:
                with errors_onto(form):
                    stored = services.import_upload_store(
                        data=data, filename=upload.name, by=request.user
                    )
                    return redirect("import_mapping", upload_id=stored.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "imports/upload.html",
        {"form": form, "fields": columns.FIELDS, "max_bytes": uploads.max_bytes()},
        status=status,
    )


@require_safe
def import_help(request: AuthenticatedRequest) -> HttpResponse:
    """The columns and the ways of writing a cell, served by Habeas itself: a web user
    (on Tor Browser, on a phone) has no copy of the repository's docs/import.md."""
    require_writer(user=request.user, what="import_help")
    fields = [(field, *_headers_by_language(field)) for field in columns.FIELDS]
    return render(request, "imports/help.html", {"fields": fields})


def _headers_by_language(field: columns.ImportField) -> tuple[list[str], list[str]]:
    """A field's known headers in English (Latin letters) and in Russian (the others)."""
    english = [h for h in field.headers if h.isascii()]
    russian = [h for h in field.headers if not h.isascii()]
    return english, russian


@require_safe
def import_sample(request: AuthenticatedRequest, kind: str) -> FileResponse:
    """The sample file the documentation describes, to fill in or to copy from."""
    require_writer(user=request.user, what="import_sample")
    path = SAMPLES.get(kind)
    if path is None or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


# --- 2. Mapping -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_mapping(request: AuthenticatedRequest, upload_id: UUID) -> HttpResponse:
    try:
        upload, data = _upload_or_404(request, upload_id)
    except _Done as done:
        return redirect("import_result", batch_id=done.batch_id)
    table = _table(request, upload, data)
    if table is None:
        return redirect("import_upload")
    samples = [
        [Truncator(cell).chars(SAMPLE_CHARS) for cell in row.cells]
        for row in islice(iter(table.rows), SAMPLE_ROWS)
    ]
    saved = {str(m.public_id): m for m in selectors.mappings_all()}
    picker = SavedMappingForm(
        request.GET if "saved" in request.GET else None,
        choices=[(public_id, m.name) for public_id, m in saved.items()],
    )
    initial = _mapping_of(_state(request, upload_id))
    if picker.is_bound and picker.is_valid() and picker.cleaned_data["saved"]:
        initial = selectors.mapping_apply(saved[picker.cleaned_data["saved"]], table.headers)
    if initial is None:
        initial = columns.suggest_mapping(table.headers)
    form = MappingForm(
        _bound(request)[0],
        headers=table.headers,
        samples=samples,
        fields=_fields(),
        required=[field.key for field in columns.FIELDS if field.required],
        initial_mapping=initial,
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        with errors_onto(form):
            if form.cleaned_data["save_as"]:
                services.import_mapping_save(
                    name=form.cleaned_data["save_as"],
                    headers=table.headers,
                    mapping=mapping,
                    by=request.user,
                )
                messages.success(
                    request,
                    _("Mapping saved as “%(name)s”.") % {"name": form.cleaned_data["save_as"]},
                )
            _keep(
                request,
                upload_id,
                mapping={str(i): k for i, k in mapping.items()},
                decisions={},
                audited=False,
            )
            return redirect("import_dry_run", upload_id=upload_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "imports/mapping.html",
        {"form": form, "picker": picker, "upload": upload, "has_saved": bool(saved)},
        status=status,
    )


# --- 3. Dry run -------------------------------------------------------------------


def _shows() -> dict[str, tuple[str, Any]]:
    """The subsets of rows the report lists, each with its link's label."""
    return {
        "problems": (
            _("Rows to look at"),
            lambda row: row.action in (Action.REFUSED, Action.DUPLICATE),
        ),
        "refused": (_("Refused"), lambda row: row.action == Action.REFUSED),
        "duplicates": (_("Possible duplicates"), lambda row: row.action == Action.DUPLICATE),
        "all": (_("Every row"), lambda row: True),
    }


@dataclass(frozen=True)
class Report:
    """What the dry-run page shows: the counts of the whole file, the rows of the
    page shown, and what stands between the user and the import."""

    counts: Counter
    plan_problems: list[str]
    warnings: list[str]
    page: Page
    show: str
    undecided: int

    @property
    def created(self) -> int:
        return self.counts[Action.CREATE]

    @property
    def refused(self) -> int:
        return self.counts[Action.REFUSED]

    @property
    def duplicates(self) -> int:
        return self.counts[Action.DUPLICATE]

    @property
    def already(self) -> int:
        return self.counts[Action.ALREADY]

    @property
    def decided(self) -> int:  # possible duplicates decided on, counted where they go
        return self.counts["decided"]

    @property
    def skipped(self) -> int:  # possible duplicates decided "skip"
        return self.counts["skip"]

    @property
    def may_import_all(self) -> bool:
        return not self.plan_problems and not self.refused and not self.undecided

    @property
    def may_import_valid(self) -> bool:
        return not self.plan_problems and bool(self.created or self.duplicates)


class _Unreadable(Exception):  # the user has been told why
    pass


def _plan(
    request: AuthenticatedRequest,
    upload,
    data: bytes,
    mapping: dict[int, str],
    *,
    fresh: bool,
):
    """The dry run of the stored file under `mapping`: the one kept since it was built
    (habeas.imports.kept; for the commit, `fresh`, only while nothing it read has
    changed), else built now. The readers stream, so a file may still turn out
    unreadable (past the row limit) while it is planned."""

    def build():
        table = _table(request, upload, data)
        if table is None:
            raise _Unreadable
        try:
            plan = selectors.import_plan(table=table, mapping=mapping, user=request.user)
        except reading.ReadError as error:
            messages.error(request, str(error))
            raise _Unreadable from None
        # The readers add warnings as they go (merged cells are known at the end):
        # read them after the rows, after the plan's own.
        plan.warnings += [warning for warning in table.warnings if warning not in plan.warnings]
        return plan

    plan, _built = kept.plan_for(
        upload=upload, user=request.user, mapping=mapping, build=build, fresh=fresh
    )
    return plan, plan.warnings


def _report(request: AuthenticatedRequest, plan, warnings, decisions: dict[int, str]) -> Report:
    shows = _shows()
    show = request.GET.get("show", "problems")
    if show not in shows:
        show = "problems"
    keep = shows[show][1]
    counts: Counter = Counter()
    shown = []
    undecided = 0
    for row in plan.rows:
        counts[row.action] += 1
        if row.action == Action.DUPLICATE:
            # The counts say what the decisions taken so far would do.
            decision = decisions.get(row.number)
            if decision is None:
                undecided += 1
            else:
                counts[Action.DUPLICATE] -= 1
                counts["decided"] += 1
                counts["skip" if decision == SKIP else Action.CREATE] += 1
        if keep(row):
            shown.append(row)
    return Report(
        counts=counts,
        plan_problems=[str(problem) for problem in plan.problems],
        warnings=list(warnings),
        page=Paginator(shown, PER_PAGE).get_page(request.GET.get("page")),
        show=show,
        undecided=undecided,
    )


@require_http_methods(["GET", "POST"])
def import_dry_run(request: AuthenticatedRequest, upload_id: UUID) -> HttpResponse:
    try:
        upload, data = _upload_or_404(request, upload_id)
    except _Done as done:
        return redirect("import_result", batch_id=done.batch_id)
    state = _state(request, upload_id)
    mapping = _mapping_of(state)
    if mapping is None:  # the mapping step was skipped (a bookmark, an old link)
        return redirect("import_mapping", upload_id=upload_id)
    try:
        plan, warnings = _plan(request, upload, data, mapping, fresh=False)
    except _Unreadable:
        return redirect("import_upload")
    decisions = _with_defaults(plan, _decisions_of(state))
    report = _report(request, plan, warnings, decisions)
    if not state.get("audited"):
        # Reading a file against the records searches them by many names at once:
        # once per mapping, not per page of the report.
        services.import_dry_run_record(
            by=request.user, file_sha256=upload.sha256, counts=services.counts_of(plan)
        )
        _keep(request, upload_id, audited=True)
    on_page = [row for row in report.page if row.action == Action.DUPLICATE]
    form = DecisionsForm(_bound(request)[0], rows=on_page, initial_decisions=decisions)
    if request.method == "POST" and form.is_valid():
        decisions.update(form.decisions())
        _keep(request, upload_id, decisions={str(n): c for n, c in decisions.items()})
        messages.success(request, _("Your decisions on these rows are kept."))
        return redirect(request.get_full_path())
    items = [
        (row, form[form.field_name(row.number)] if row.action == Action.DUPLICATE else None)
        for row in report.page
    ]
    labels = {
        Action.CREATE: _("would be created"),
        Action.REFUSED: _("refused"),
        Action.DUPLICATE: _("possibly someone already recorded"),
        Action.ALREADY: _("already imported; left as it is"),
    }
    return render(
        request,
        "imports/dry_run.html",
        {
            "upload": upload,
            "report": report,
            "form": form,
            "items": [(row, _row_label(row, labels), choice) for row, choice in items],
            "shows": [(key, label) for key, (label, _keep_row) in _shows().items()],
        },
        status=400 if request.method == "POST" else 200,
    )


def _row_label(row, labels: dict[str, Any]) -> Any:
    """What a row would become; a repeat of an earlier row of the file says which."""
    if row.changed:
        return _("changed since an earlier import")
    first = next((c.row for c in row.candidates if c.row), 0)
    if row.action == Action.DUPLICATE and first:
        return _("possible duplicate of row %(row)d") % {"row": first}
    return labels[row.action]


# --- 4. Import and its result -----------------------------------------------------


@require_POST
def import_commit(request: AuthenticatedRequest, upload_id: UUID) -> HttpResponse:
    try:
        upload, data = _upload_or_404(request, upload_id)
    except _Done as done:
        return redirect("import_result", batch_id=done.batch_id)
    state = _state(request, upload_id)
    mapping = _mapping_of(state)
    form = CommitForm(request.POST)
    if mapping is None or not form.is_valid():
        return redirect("import_mapping", upload_id=upload_id)
    try:
        plan, _warnings = _plan(request, upload, data, mapping, fresh=True)
    except _Unreadable:
        return redirect("import_upload")
    decisions = _with_defaults(plan, _decisions_of(state))
    duplicates = [row.number for row in plan.rows if row.action == Action.DUPLICATE]
    undecided = [number for number in duplicates if number not in decisions]
    if undecided and not form.valid_rows_only:
        messages.error(
            request,
            _("Decide first on each possible duplicate (%(count)d left), or import the valid rows.")
            % {"count": len(undecided)},
        )
        return redirect("import_dry_run", upload_id=upload_id)
    try:
        batch = services.import_commit(
            plan=plan,
            decisions={number: decisions[number] for number in duplicates if number in decisions},
            by=request.user,
            valid_rows_only=form.valid_rows_only,
            file_sha256=upload.sha256,
            filename=upload.filename,
            upload=upload,  # deleted in the same transaction: its rows are cases now
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("import_dry_run", upload_id=upload_id)
    _keep(request, upload_id, batch=str(batch.public_id))
    messages.success(request, _("The file is imported."))
    if plan.not_imported:
        messages.warning(request, plan.not_imported)  # shown on the result page
    return redirect("import_result", batch_id=batch.public_id)


@require_safe
def import_result(request: AuthenticatedRequest, batch_id: UUID) -> HttpResponse:
    require_writer(user=request.user, what="import_result")
    batch = selectors.import_batch_read(public_id=batch_id, user=request.user)
    created = selectors.import_batch_cases(batch=batch, user=request.user)
    cases = Paginator(created, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "imports/result.html", {"batch": batch, "cases": cases})
