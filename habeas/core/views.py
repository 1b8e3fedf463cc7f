"""Site-wide pages: health check and error pages that reveal nothing."""

import logging
import sys

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from habeas.core.disk import database_problem, is_disk_full, low_on_space

log = logging.getLogger(__name__)

# Form fields the disk-full page never shows back: secrets, and Django's token.
UNSHOWN_FIELDS = ("password", "token", "code", "secret", "otp", "csrf")
SHOWN_FIELDS_MAX = 50


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    """For an operator's monitor: can Habeas read and write its data? Says why not
    in a few fixed words, nothing else (anyone may ask)."""
    # A full disk is the likelier cause when the database fails too: named first.
    problems = ["low disk space"] if low_on_space() else []
    problems += [problem] if (problem := database_problem()) else []
    if problems:
        return JsonResponse({"ok": False, "reason": "; ".join(problems)}, status=503)
    return JsonResponse({"ok": True})


def _error(
    request: HttpRequest, status: int, title: str, *text: str, kept: list | None = None
) -> HttpResponse:
    context = {"title": title, "text": text, "kept": kept or []}
    return render(request, "error.html", context, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 403, _("Forbidden"), _("This action is not allowed."))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 404, _("Not found"), _("There is no page at this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while it handles the exception, so it is at hand here: one
    # place for every view, form, upload and middleware (the session's save too).
    if is_disk_full(sys.exc_info()[1]):
        return disk_full(request)
    return _error(
        request,
        500,
        _("Something went wrong"),
        _("The error was logged. Nothing was changed."),
    )


def disk_full(request: HttpRequest) -> HttpResponse:
    log.error("The disk is full: a request failed and saved nothing (%s).", request.path)
    kept = _kept_input(request)
    text = [
        _("Nothing of what you just did was saved."),
        _(
            "Please tell the administrator of this Habeas installation that the server's "
            "disk is full. Once there is room again, try again."
        ),
    ]
    if kept:
        text.append(
            _(
                "What you entered is shown below, so that you can copy it; your browser "
                "may also still have it in the form if you go back."
            )
        )
    return _error(request, 503, _("The server's disk is full"), *text, kept=kept)


def _kept_input(request: HttpRequest) -> list[tuple[str, str]]:
    """The text fields of the form that was sent, but no password, code or token;
    only of a form that passed the CSRF check (another site's is not shown back)."""
    if request.method != "POST" or not getattr(request, "csrf_processing_done", False):
        return []
    try:
        fields = list(request.POST.lists())
    except Exception:  # the body could not be read again: nothing to show
        return []
    kept = []
    for name, values in fields:
        if any(word in name.lower() for word in UNSHOWN_FIELDS):
            continue
        for value in values:
            if value.strip():
                kept.append((name.replace("_", " ").capitalize(), value))
    return kept[:SHOWN_FIELDS_MAX]
