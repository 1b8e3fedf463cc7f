"""Account security applied to every request, after authentication:

- a session whose account's epoch has moved on (disabled, "log out everywhere",
  password changed elsewhere, 2FA reset by an administrator) ends here;
- a user who must have two-factor login but has not set it up yet can reach only
  the enrolment page and log out.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from . import selectors, services

# What a user held for enrolment may still reach.
ENROLMENT_URL_NAMES = frozenset({"two_factor_setup", "logout", "health"})


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if request.session.get(selectors.SESSION_EPOCH_KEY) != user.session_epoch:
                services.session_end_stale(request=request)
                messages.info(request, _("Your session has ended. Please log in again."))
            elif selectors.two_factor_enrolment_due(user) and not _allowed_during_enrolment(
                request
            ):
                messages.info(
                    request,
                    _("Set up two-factor login first: your account requires it."),
                )
                return redirect("two_factor_setup")
        return self.get_response(request)


def _allowed_during_enrolment(request: HttpRequest) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in ENROLMENT_URL_NAMES


class UserLanguageMiddleware:
    """A signed-in user's own language (the account page) wins over the language
    cookie and Accept-Language that LocaleMiddleware read: a caseworker on a
    borrowed or shared computer still gets their language. Empty: the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        language = user.language if user.is_authenticated else ""
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
