"""The token pages of the account area: make a token (shown once), list, revoke."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from habeas.accounts import selectors as account_selectors
from habeas.accounts.forms import LOCKED_MESSAGE
from habeas.accounts.http import AuthenticatedRequest
from habeas.accounts.services import Outcome
from habeas.core.pages import apply_errors

from . import selectors, services
from .forms import ApiTokenForm


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    two_factor = account_selectors.totp_device_confirmed(user) is not None
    form = ApiTokenForm(request.POST or None, user=user, two_factor=two_factor)
    if request.method == "POST" and form.is_valid():
        outcome, wrong = services.api_token_confirm(
            request=request,
            user=user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data.get("code", ""),
        )
        if outcome is Outcome.LOCKED:
            form.add_error(None, LOCKED_MESSAGE)
        elif outcome is not Outcome.OK and wrong == "code":
            form.add_error("code", _("That code is not right, or it was used already."))
        elif outcome is not Outcome.OK:
            form.add_error("password", _("That password is not right."))
        else:
            try:
                token, secret = services.api_token_create(
                    user=user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    days=form.cleaned_data["days"],
                    by=user,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                # Shown on this one response (never stored, never cached: no-store).
                return render(request, "api/token_created.html", {"token": token, "secret": secret})
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "tokens": selectors.api_tokens_of(user), "now": timezone.now()}
    return render(request, "api/tokens.html", context, status=status)


@require_POST
def token_revoke(request: AuthenticatedRequest, token_id: UUID) -> HttpResponse:
    token = selectors.api_token_of(user=request.user, public_id=token_id)
    if services.api_token_revoke(token=token, by=request.user):
        messages.success(request, _("Token %(prefix)s revoked.") % {"prefix": token.prefix})
    else:
        messages.info(request, _("That token was already revoked."))
    return redirect("api_tokens")
