"""Site-wide pages: health check and error pages that reveal nothing."""

import functools
import logging
import sys

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from habeas.core.disk import database_problem, is_disk_full, low_on_space
from habeas.core.encryption import encrypted_fields

log = logging.getLogger(__name__)

# Form fields whose values are secrets, not case content (the login, two-factor,
# password and Django's CSRF forms): the disk-full page never shows them back.
SECRET_FIELDS = frozenset(
    {
        "password",
        "password1",
        "password2",
        "old_password",
        "new_password1",
        "new_password2",
        "code",
        "token",
        "secret",
        "csrfmiddlewaretoken",
    }
)
SHOWN_FIELDS_MAX = 50


@functools.cache
def confidential_fields() -> frozenset[str]:
    """Names of the form fields the disk-full page never shows back: the secrets, and
    every field encrypted at rest (a source's identity, contact and notes, a
    relative's contact and notes, the last-contact message...), since a page that
    shows them may be seen over a shoulder, in a screenshot or a browser's cache.
    Encrypting a new field keeps it off this page without another list to update."""
    return SECRET_FIELDS | {field.name for _model, field in encrypted_fields()}


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


# The visitor's language switch (on the login page and the public pages): Django's
# view, which sets the language cookie and goes back to `next` only if that is on
# this host (url_has_allowed_host_and_scheme). No CSRF token: the public pages stay
# cookieless and cacheable by a shared cache (tests/test_advocacy_public.py), and a
# forged post can do no more than change a visitor's interface language.
language_set = login_not_required(csrf_exempt(set_language))


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
    """The fields of the form that was sent, but none of `confidential_fields`; only
    of a form that passed the CSRF check (another site's is not shown back)."""
    if request.method != "POST" or not getattr(request, "csrf_processing_done", False):
        return []
    try:
        fields = list(request.POST.lists())
    except Exception:  # the body could not be read again: nothing to show
        return []
    kept = []
    unshown = confidential_fields()
    for name, values in fields:
        if name.rpartition("-")[2].lower() in unshown:  # a formset's "form-0-notes" too
            continue
        for value in values:
            if value.strip():
                kept.append((name.replace("_", " ").capitalize(), value))
    return kept[:SHOWN_FIELDS_MAX]
