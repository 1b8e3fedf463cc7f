"""Forms of the account pages. Passwords and codes are never shown back."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UsernameField
from django.utils.translation import gettext_lazy as _

from .models import User

LOCKED_MESSAGE = _(
    "Too many failed attempts from this account or this address. "
    "Wait a while and try again, or ask an administrator."
)


class LanguageForm(forms.Form):
    """The account's interface language; each language is named in itself, so a
    user who landed in a language they cannot read still finds their own."""

    language = forms.ChoiceField(label=_("Interface language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language_field = cast(forms.ChoiceField, self.fields["language"])
        language_field.choices = [("", _("As my browser asks"))] + [
            (code, name) for code, name in settings.LANGUAGES
        ]


class CodeInput(forms.TextInput):
    """A text box for one-time codes that starts empty again after an error."""

    def format_value(self, value):
        return None


def code_field(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=64,
        widget=CodeInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class LoginForm(AuthenticationForm):
    """Step one: username and password (Django's form and messages)."""


class LoginCodeForm(forms.Form):
    code = code_field(
        _("Code"),
        _("The 6-digit code your authenticator app shows now, or one of your backup codes."),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TOTPConfirmForm(forms.Form):
    code = code_field(_("Code shown by the app"), _("6 digits. It changes every 30 seconds."))
    # A stolen session alone must not turn two-factor login on with the thief's
    # phone (and lock the owner out), as for new backup codes and turning it off.
    password = PasswordConfirmForm.base_fields["password"]


class TwoFactorDisableForm(PasswordConfirmForm):
    code = code_field(_("Code from your app, or a backup code"))


class AccountPasswordChangeForm(PasswordChangeForm):
    """Django's form: the old password, and the new one twice, checked against the
    password rules (length 8–128, not a common password, not like the username)."""


class UserCreateForm(forms.ModelForm):
    password1 = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Leave empty to have one generated: it is shown once, on the next page. "
            "Pass it on by a safe channel."
        ),
    )
    password2 = forms.CharField(
        label=_("Initial password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["username", "role"]
        field_classes = {"username": UsernameField}
        help_texts = {
            "username": _("Letters, digits and @ . + - _ only. Better not a real name."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Django's returns cleaned_data
        first, second = cleaned.get("password1") or "", cleaned.get("password2") or ""
        if first or second:
            if first != second:
                self.add_error("password2", _("The two passwords differ."))
            else:
                candidate = User(username=cleaned.get("username") or "")
                try:
                    password_validation.validate_password(first, candidate)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


class UserRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
