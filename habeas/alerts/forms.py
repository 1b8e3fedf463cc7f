from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AlertPreference, AlertSettings, CaseWatch


def _check_days(text: str, optional: bool = False) -> str:
    if optional and not text.strip():
        return ""
    parts = [p for p in text.replace(" ", "").split(",") if p]
    if not parts or not all(p.isascii() and p.isdigit() and 0 < int(p) <= 366 for p in parts):
        raise forms.ValidationError(
            _("Give days as whole numbers separated by commas, e.g. 30,7,1.")
        )
    return ",".join(parts)


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Snooze for"),
        coerce=int,
        choices=[(1, _("1 day")), (3, _("3 days")), (7, _("1 week")), (30, _("30 days"))],
    )
    reason = forms.CharField(label=_("Why can it wait?"), max_length=500)


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = AlertPreference
        fields = ["email"]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AlertSettings
        fields = [
            "quiet_days_early",
            "quiet_days_late",
            "window_days",
            "follow_up_days",
            "response_deadline_days",
            "anniversaries",
        ]

    def clean_window_days(self):
        return _check_days(self.cleaned_data["window_days"])

    def clean_response_deadline_days(self):
        return _check_days(self.cleaned_data["response_deadline_days"])


class CaseWatchForm(forms.ModelForm):
    anniversaries = forms.NullBooleanField(
        label=_("Anniversaries"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("As the organisation")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )

    class Meta:
        model = CaseWatch
        fields = [
            "quiet_days_early",
            "quiet_days_late",
            "window_days",
            "follow_up_days",
            "response_deadline_days",
            "anniversaries",
        ]
        help_texts = {
            "quiet_days_early": _("Empty: the organisation's setting."),
            "quiet_days_late": _("Empty: the organisation's setting."),
            "window_days": _("e.g. 30,7,1 — empty: the organisation's setting."),
            "follow_up_days": _("Empty: the organisation's setting."),
            "response_deadline_days": _("e.g. 30,7,1 — empty: the organisation's setting."),
        }

    # Empty means "as the organisation".
    def clean_window_days(self):
        return _check_days(self.cleaned_data["window_days"], optional=True)

    def clean_response_deadline_days(self):
        return _check_days(self.cleaned_data["response_deadline_days"], optional=True)
