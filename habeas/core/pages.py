"""What every data-entry page shares: one template, a service's refusal shown on the
form with what was typed kept, and the message that says what was saved."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def form_page(
    request: HttpRequest,
    *,
    title: str,
    back: str,
    forms: list[BaseForm],
    template: str = "form_page.html",
    **extra,
) -> HttpResponse:
    """A data-entry page: a title, the forms, a way back. A page that shows more
    extends `form_page.html` and names its template here. After a POST the page is
    only ever shown again because something was wrong: 400."""
    status = 400 if request.method == "POST" else 200
    multipart = any(form.is_multipart() for form in forms)
    context = {"title": title, "back": back, "forms": forms, "multipart": multipart, **extra}
    return render(request, template, context, status=status)


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's validation errors on the form so the page shows them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@contextmanager
def errors_onto(form: BaseForm) -> Iterator[None]:
    """Run a service inside this block: if it refuses (ValidationError), the refusal
    goes onto `form` and the rest of the block is skipped, so the view goes on to
    show the form again with what was typed. The block holds the service call and
    what follows success (a message, the redirect)."""
    try:
        yield
    except ValidationError as error:
        apply_errors(form, error)


def say_saved(request: HttpRequest, result: object, done: str) -> None:
    """Say that an edit was saved, or that nothing changed: its service then saved
    nothing and returned None."""
    if result is None:
        messages.info(request, _("Nothing changed."))
    else:
        messages.success(request, done)
