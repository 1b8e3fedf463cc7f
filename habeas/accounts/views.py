"""Login in two steps, the user's own account pages, and user administration.

Views parse the request, call a service and render. Nothing here logs a user in
between the password and the code: the half-done login lives in the session as a
user id and a timestamp (see `selectors.login_pending`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import (
    LOCKED_MESSAGE,
    AccountPasswordChangeForm,
    LanguageForm,
    LoginCodeForm,
    LoginForm,
    PasswordConfirmForm,
    TOTPConfirmForm,
    TwoFactorDisableForm,
    UserCreateForm,
    UserRoleForm,
)
from .http import AuthenticatedRequest
from .models import LoginFailure, TOTPDevice, User
from .services import Outcome


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _after_login(next_url: str) -> str:
    return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


# --- login and logout ------------------------------------------------------------


@login_not_required
@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(_after_login(next_url))
    locked = False
    if request.method == "POST":
        username = request.POST.get("username", "")
        if selectors.login_locked(username=username, request=request):
            # Refused before the password is even looked at: a correct password
            # reveals nothing while the lock holds.
            services.login_refuse_locked(request=request, username=username, stage="password")
            form, locked = LoginForm(request, initial={"username": username[:150]}), True
        else:
            form = LoginForm(request, data=request.POST)
            if form.is_valid():
                user = form.get_user()
                if selectors.totp_device_confirmed(user):
                    services.login_pending_start(request=request, user=user, next_url=next_url)
                    return redirect("login_verify")
                services.login_complete(request=request, user=user, method="password")
                if selectors.two_factor_enrolment_due(user):
                    return redirect("two_factor_setup")
                return redirect(_after_login(next_url))
            if username and request.POST.get("password"):
                services.login_failure_record(
                    request=request, username=username, stage=LoginFailure.Stage.PASSWORD
                )
    else:
        form = LoginForm(request)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "locked_message": LOCKED_MESSAGE if locked else ""},
    )


@login_not_required
@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    user, next_url, state = selectors.login_pending(request)
    if user is None:
        services.login_pending_clear(request=request)
        if state == "expired":
            messages.error(request, _("That took too long. Please log in again."))
        else:
            messages.error(request, _("Please log in with your username and password first."))
        return redirect("login")
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST":
        if selectors.login_locked(username=user.username, request=request):
            services.login_refuse_locked(request=request, username=user.username, stage="code")
            services.login_pending_clear(request=request)
            messages.error(request, LOCKED_MESSAGE)
            return redirect("login")
        if form.is_valid():
            method = services.two_factor_check(user=user, code=form.cleaned_data["code"])
            if method is not None:
                services.login_complete(request=request, user=user, method=method)
                return redirect(_after_login(next_url))
            services.login_failure_record(
                request=request, username=user.username, stage=LoginFailure.Stage.CODE, user=user
            )
            form.add_error("code", _("That code is not right, or it was used already."))
    return render(request, "accounts/login_verify.html", {"form": form})


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.session_logout(request=request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- the user's own account --------------------------------------------------------


@require_GET
def account(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    device = TOTPDevice.objects.filter(user=user).only("confirmed").first()
    return render(
        request,
        "accounts/account.html",
        {
            "two_factor_on": bool(device and device.confirmed),
            "two_factor_required": selectors.two_factor_required(user),
            "codes_left": selectors.backup_codes_remaining(user),
            "language_form": LanguageForm(initial={"language": user.language}),
        },
    )


@require_POST
def account_language(request: AuthenticatedRequest) -> HttpResponse:
    """The account's language, from the account page or the switch on every page
    (which sends `next`, followed only on this host)."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = resolve_url("account")
    if form.is_valid():
        language = form.cleaned_data["language"]
        services.user_language_set(request=request, user=request.user, language=language)
        # The message in the language just chosen (or the browser's, for "").
        translation.activate(language or translation.get_language_from_request(request))
        messages.success(request, _("Your interface language is saved."))
    else:
        messages.error(request, _("Choose one of the languages offered."))
    return redirect(next_url)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = AccountPasswordChangeForm(user, request.POST or None)
    locked = False
    if request.method == "POST":
        if selectors.login_locked(username=user.username, request=request):
            services.login_refuse_locked(request=request, username=user.username, stage="reauth")
            form, locked = AccountPasswordChangeForm(user), True
        elif form.is_valid():
            services.password_change(
                request=request, user=user, new_password=form.cleaned_data["new_password1"]
            )
            messages.success(
                request, _("Your password was changed. Your other sessions have ended.")
            )
            return redirect("account")
        elif form.has_error("old_password", "password_incorrect"):
            services.login_failure_record(
                request=request, username=user.username, stage=LoginFailure.Stage.REAUTH, user=user
            )
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "locked_message": LOCKED_MESSAGE if locked else ""},
    )


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if selectors.totp_device_confirmed(user):
        messages.info(request, _("Two-factor login is already on for your account."))
        return redirect("account")
    secret = services.totp_setup_secret(request=request, user=user)
    form = TOTPConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome, codes = services.totp_device_confirm(
            request=request,
            user=user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
        )
        if outcome is Outcome.OK:
            return render(
                request, "accounts/backup_codes_show.html", {"codes": codes, "first_time": True}
            )
        if outcome is Outcome.WRONG_CODE:
            form.add_error(
                "code",
                _(
                    "That code is not right. Check that your phone's clock is right, "
                    "then try again."
                ),
            )
        else:
            _add_outcome_error(form, outcome, "password", _("That password is not right."))
    uri = services.totp_provisioning_uri(user=user, secret=secret)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr": segno.make(uri, error="m").png_data_uri(scale=4, border=4),
            "required": selectors.two_factor_required(user),
        },
    )


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def backup_codes(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if selectors.totp_device_confirmed(user) is None:
        messages.info(request, _("Set up two-factor login first."))
        return redirect("account")
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome, codes = services.backup_codes_regenerate(
            request=request, user=user, password=form.cleaned_data["password"]
        )
        if outcome is Outcome.OK:
            return render(
                request, "accounts/backup_codes_show.html", {"codes": codes, "first_time": False}
            )
        _add_outcome_error(form, outcome, "password", _("That password is not right."))
    return render(
        request,
        "accounts/backup_codes.html",
        {"form": form, "codes_left": selectors.backup_codes_remaining(user)},
    )


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def two_factor_disable(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if selectors.totp_device_confirmed(user) is None:
        messages.info(request, _("Two-factor login is not on for your account."))
        return redirect("account")
    form = TwoFactorDisableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.two_factor_disable(
            request=request,
            user=user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
        )
        if outcome is Outcome.OK:
            messages.success(request, _("Two-factor login is off for your account."))
            return redirect("account")
        _add_outcome_error(form, outcome, None, _("The password or the code is not right."))
    return render(
        request,
        "accounts/two_factor_disable.html",
        {"form": form, "required": selectors.two_factor_required(user)},
    )


@require_POST
def sessions_end_others(request: AuthenticatedRequest) -> HttpResponse:
    services.sessions_end_others(request=request, user=request.user)
    messages.success(request, _("Your other sessions have ended. This one goes on."))
    return redirect("account")


def _add_outcome_error(form, outcome: Outcome, field: str | None, wrong: str) -> None:
    if outcome is Outcome.LOCKED:
        form.add_error(None, LOCKED_MESSAGE)
    else:
        form.add_error(field, wrong)


# --- administration ----------------------------------------------------------------


def administrators_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anyone but an administrator gets the same 404 as for a page that does not
    exist (and the attempt is audited)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request.user, "role", None) != User.Role.ADMINISTRATOR:
            services.access_denied_record(request=request, view=view.__name__)
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@administrators_only
@require_GET
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "accounts/user_list.html", {"users": selectors.users_for_admin()})


@administrators_only
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, generated = services.user_create(
            username=form.cleaned_data["username"],
            role=form.cleaned_data["role"],
            password=form.cleaned_data.get("password1") or None,
            by=request.user,
        )
        if generated:
            return render(
                request, "accounts/user_created.html", {"account": user, "password": generated}
            )
        messages.success(request, _("Account %(username)s created.") % {"username": user})
        return redirect("user_detail", user_id=user.public_id)
    return render(request, "accounts/user_create.html", {"form": form})


@administrators_only
@require_GET
def user_detail(request: AuthenticatedRequest, user_id: UUID) -> HttpResponse:
    account = selectors.user_for_admin(user_id)
    if account is None:
        raise Http404
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "role_form": UserRoleForm(initial={"role": account.role}),
            "is_self": account.pk == request.user.pk,
        },
    )


def _admin_action(
    request: AuthenticatedRequest, user_id: UUID, act: Callable[[User], None], done: str
):
    account = get_object_or_404(User, public_id=user_id)
    try:
        act(account)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"username": account.username})
    return redirect("user_detail", user_id=account.public_id)


@administrators_only
@require_POST
def user_role(request: AuthenticatedRequest, user_id: UUID) -> HttpResponse:
    form = UserRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        account = get_object_or_404(User, public_id=user_id)
        return redirect("user_detail", user_id=account.public_id)
    role = form.cleaned_data["role"]
    return _admin_action(
        request,
        user_id,
        lambda account: services.user_role_change(user=account, role=role, by=request.user),
        _("The role of %(username)s is saved."),
    )


@administrators_only
@require_POST
def user_disable(request: AuthenticatedRequest, user_id: UUID) -> HttpResponse:
    return _admin_action(
        request,
        user_id,
        lambda account: services.user_disable(user=account, by=request.user),
        _("%(username)s is disabled; their sessions have ended."),
    )


@administrators_only
@require_POST
def user_enable(request: AuthenticatedRequest, user_id: UUID) -> HttpResponse:
    return _admin_action(
        request,
        user_id,
        lambda account: services.user_enable(user=account, by=request.user),
        _("%(username)s is enabled again."),
    )


@administrators_only
@require_POST
def user_two_factor_reset(request: AuthenticatedRequest, user_id: UUID) -> HttpResponse:
    return _admin_action(
        request,
        user_id,
        lambda account: services.two_factor_reset(user=account, by=request.user),
        _(
            "Two-factor login of %(username)s is reset; their sessions have ended. "
            "They set it up again at their next login."
        ),
    )
