"""The form that makes an API token."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from habeas.accounts.models import User

from .models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What it is for"),
        max_length=100,
        help_text=_("e.g. 'Coalition sync script': shown in the list so you know which to revoke"),
    )
    scope = forms.ChoiceField(label=_("It may"), choices=ApiToken.Scope.choices)
    days = forms.IntegerField()  # bounded in __init__, by the setting
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("A token opens your cases without two-factor login: confirm it is you."),
    )

    code = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The code your authenticator app shows now, or one of your backup codes."),
    )

    def __init__(self, *args, user: User, two_factor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if two_factor:  # a token outlives the login: it asks for what the login asked
            self.fields["code"].required = True
            self.fields["password"].help_text = _("A token opens your cases: confirm it is you.")
        else:
            del self.fields["code"]
        most = settings.HABEAS_API_TOKEN_MAX_DAYS
        self.fields["days"] = forms.IntegerField(
            label=_("Valid for (days)"),
            min_value=1,
            max_value=most,
            initial=min(30, most),
            help_text=_("At most %(days)d days; make a new token before it expires.")
            % {"days": most},
        )
        if not user.may_write:  # a viewer's token reads only
            scope = self.fields["scope"]
            assert isinstance(scope, forms.ChoiceField)
            scope.choices = [(ApiToken.Scope.READ.value, ApiToken.Scope.READ.label)]
