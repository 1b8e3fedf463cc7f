"""Forms of the protection pages. Repeatable rows (names, documents, relatives,
safety contacts) are formsets with a few empty rows; "Add more rows" posts the
form back with more, so nothing needs JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from habeas.accounts.models import User
from habeas.advocacy.models import FamilyConsent
from habeas.cases.models import Person, PersonName
from habeas.core.fields import PartialDateFormField

from .emergency import Address, Document, EmergencyFile, Name, Relative
from .models import (
    AHEAD_MAX,
    EVERY_MAX_HOURS,
    GRACE_MAX_MINUTES,
    LADDER_MAX_MINUTES,
    AtRiskMember,
    Escalation,
    Plan,
)
from .services import ContactData

EMPTY_ROWS = 2  # empty rows shown under the filled ones
MORE_ROWS = 3  # rows added by "Add more rows"


def _countries() -> list[tuple[str, str]]:
    return [("", "—"), *[(str(code), str(name)) for code, name in countries]]


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "strftime"):
            return str(timezone.localtime(value).strftime("%Y-%m-%dT%H:%M"))
        return super().format_value(value)


class EnrolForm(forms.Form):
    code_name = forms.CharField(
        label=_("Code name"),
        max_length=100,
        help_text=_("How the team refers to this person in lists; not their real name."),
    )
    consent_on = forms.DateField(label=_("Consent given on"), widget=DateInput)
    consent_how = forms.CharField(
        label=_("How consent was given"),
        max_length=300,
        help_text=_("e.g. in person, with the written explanation in Russian"),
    )


class FileForm(forms.Form):
    """The emergency file's single values; its rows are the formsets below."""

    birth_date = PartialDateFormField(label=_("Date of birth"), required=False)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=300, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), choices=_countries, required=False)
    country = forms.ChoiceField(
        label=_("The State they fear"),
        choices=_countries,
        required=False,
        help_text=_("The country concerned of the case, if one is opened."),
    )
    lives_in = forms.ChoiceField(label=_("Lives now in"), choices=_countries, required=False)
    lives_place = forms.CharField(label=_("Town or area"), max_length=300, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=200, required=False)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)
    lawyer_name = forms.CharField(label=_("Lawyer"), max_length=300, required=False)
    lawyer_contact = forms.CharField(
        label=_("How to reach the lawyer"), max_length=300, required=False
    )
    fears = forms.CharField(
        label=_("What they fear"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    feared_actors = forms.CharField(
        label=_("From whom"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    likely_taken_to = forms.CharField(
        label=_("Where they are likely to be taken"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    risk_torture = forms.BooleanField(label=_("Risk of torture"), required=False)
    risk_health = forms.BooleanField(label=_("Health at risk"), required=False)
    risk_family_reprisals = forms.BooleanField(label=_("Reprisals against family"), required=False)
    health_notes = forms.CharField(
        label=_("Health: what others must know"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    consent_un = forms.BooleanField(label=_("Consents to submission to UN bodies"), required=False)
    consent_authorities = forms.BooleanField(
        label=_("Consents to letters to the authorities and to other States"), required=False
    )
    consent_publication = forms.BooleanField(
        label=_("Consents to publication (public list, press, urgent actions)"), required=False
    )
    consent_named = forms.BooleanField(
        label=_("May be named in public"),
        required=False,
        help_text=_("Without it, anything published keeps their name out."),
    )
    consent_form = forms.ChoiceField(
        label=_("How these consents were given"),
        choices=[("", "—"), *FamilyConsent.Form.choices],
        required=False,
    )

    def clean_birth_date(self) -> str:
        value = self.cleaned_data.get("birth_date")
        return value.to_edtf() if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        gives = any(
            data.get(k) for k in ("consent_un", "consent_authorities", "consent_publication")
        )
        if gives and not data.get("consent_form"):
            self.add_error("consent_form", _("Say how these consents were given."))
        return data


class NameRow(forms.Form):
    text = forms.CharField(label=_("Name"), max_length=300, required=False)
    script = forms.ChoiceField(
        label=_("Script"),
        choices=[("", _("Guess from the letters")), *PersonName.Script.choices],
        required=False,
    )
    language = forms.CharField(label=_("Language"), max_length=10, required=False)


class DocumentRow(forms.Form):
    kind = forms.CharField(
        label=_("Document"), max_length=100, required=False, help_text=_("e.g. passport")
    )
    number = forms.CharField(label=_("Number"), max_length=100, required=False)
    issued_by = forms.ChoiceField(label=_("Issued by"), choices=_countries, required=False)


class AddressRow(forms.Form):
    label = forms.CharField(
        label=_("Which address"), max_length=100, required=False, help_text=_("e.g. home")
    )
    text = forms.CharField(label=_("Address"), max_length=500, required=False)


class RelativeRow(forms.Form):
    name = forms.CharField(label=_("Relative's name"), max_length=300, required=False)
    relationship = forms.CharField(label=_("Relationship"), max_length=100, required=False)
    contact = forms.CharField(label=_("How to reach them"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("name") or data.get("contact")) and not data.get("relationship"):
            self.add_error("relationship", _("Say how they are related."))
        return data


ROWS: dict[str, tuple[type[forms.Form], type[Any]]] = {
    "names": (NameRow, Name),
    "documents": (DocumentRow, Document),
    "addresses": (AddressRow, Address),
    "relatives": (RelativeRow, Relative),
}


def _rows_formset(prefix: str, data: Any, initial: list[dict[str, Any]], more: bool) -> Any:
    form, _row = ROWS[prefix]
    extra = EMPTY_ROWS if data is None else 0
    factory = formset_factory(form, extra=extra, max_num=200, absolute_max=200)
    if data is not None and more:
        data = data.copy()
        key = f"{prefix}-TOTAL_FORMS"
        try:
            data[key] = str(min(int(data.get(key, 0)) + MORE_ROWS, 200))
        except ValueError:
            data[key] = str(MORE_ROWS)
    return factory(data, initial=initial or None, prefix=prefix)


class EmergencyFileForms:
    """The file form and its four row formsets, bound or not, together."""

    def __init__(self, data: Any = None, *, file: EmergencyFile | None = None) -> None:
        file = file or EmergencyFile()
        self.more = data is not None and "more" in data
        scalars = {
            k: v for k, v in file.__dict__.items() if k not in ROWS and not isinstance(v, list)
        }
        birth = file.birth_partial
        scalars["birth_date"] = birth.display() if birth else file.birth_date
        self.main = FileForm(data, initial=scalars)
        self.rows = {
            prefix: _rows_formset(
                prefix, data, [row.__dict__ for row in getattr(file, prefix)], self.more
            )
            for prefix in ROWS
        }

    def __iter__(self) -> Any:
        yield self.main
        yield from self.rows.values()

    def is_valid(self) -> bool:
        # Every form validated, so that each shows its own errors.
        results = [self.main.is_valid()] + [fs.is_valid() for fs in self.rows.values()]
        return all(results) and not self.more

    def file(self) -> EmergencyFile:
        values = dict(self.main.cleaned_data)
        for prefix, (_form, row) in ROWS.items():
            values[prefix] = [
                row(**{k: (v or "") for k, v in form.cleaned_data.items()})
                for form in self.rows[prefix].forms
                if form.cleaned_data and any(str(v).strip() for v in form.cleaned_data.values())
            ]
        return EmergencyFile(**values)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), required=False)
    remove = forms.BooleanField(label=_("Remove the photo"), required=False)


def _time_zones() -> list[tuple[str, str]]:
    from zoneinfo import available_timezones

    return [(name, name) for name in sorted(available_timezones())]


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("How often"), choices=Plan.Kind.choices)
    every_hours = forms.IntegerField(
        label=_("Every (hours)"), min_value=1, max_value=EVERY_MAX_HOURS, required=False
    )
    schedule = forms.CharField(
        label=_("Schedule"),
        max_length=100,
        required=False,
        help_text=_(
            "Five cron fields in the person's time zone: minute hour day month weekday. "
            "“0 9,21 * * *” is every day at 9:00 and 21:00."
        ),
    )
    time_zone = forms.ChoiceField(label=_("The person's time zone"), choices=_time_zones)
    grace_minutes = forms.IntegerField(
        label=_("Grace period (minutes)"), min_value=0, max_value=GRACE_MAX_MINUTES, initial=60
    )
    paused_until = forms.DateTimeField(
        label=_("Paused until"), required=False, widget=DateTimeInput
    )
    travel_until = forms.DateTimeField(
        label=_("Travelling until"), required=False, widget=DateTimeInput
    )
    travel_every_hours = forms.IntegerField(
        label=_("While travelling, every (hours)"),
        min_value=1,
        max_value=EVERY_MAX_HOURS,
        required=False,
    )
    remind_after = forms.IntegerField(
        label=_("Remind the person after (minutes)"),
        min_value=0,
        max_value=LADDER_MAX_MINUTES,
        required=False,
        help_text=_("Leave empty for no reminder."),
    )
    reminder_channel = forms.ChoiceField(
        label=_("Reminder channel"),
        choices=[("", "—"), ("email", _("E-mail")), ("webhook", _("Webhook"))],
        required=False,
    )
    reminder_target = forms.CharField(
        label=_("Reminder address"),
        max_length=500,
        required=False,
        help_text=_("An address the person chose as safe."),
    )
    team_after = forms.IntegerField(
        label=_("Alert the team after (minutes)"),
        min_value=0,
        max_value=LADDER_MAX_MINUTES,
        initial=60,
    )
    contacts_after = forms.IntegerField(
        label=_("Alert the safety contacts after (minutes)"),
        min_value=0,
        max_value=LADDER_MAX_MINUTES,
        initial=240,
    )
    show_organisation = forms.BooleanField(
        label=_("Show the organisation's name on the check-in page"), required=False
    )
    reissue = forms.BooleanField(
        label=_("Issue a new link and new PINs"),
        required=False,
        help_text=_("The old link and PINs stop working at once."),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=20,
        required=False,
        help_text=_("6 to 8 digits, chosen with the person. Leave both empty to have them made."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    duress_pin = forms.CharField(
        label=_("Duress PIN"),
        max_length=20,
        required=False,
        help_text=_("Answers like the PIN, and raises the alarm at once."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, first: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if first:
            del self.fields["reissue"]

    def _within_a_year(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        if value is not None and value > timezone.now() + AHEAD_MAX:
            raise forms.ValidationError(
                _("Choose a date at most a year ahead; the plan can be changed again then.")
            )
        return value

    def clean_paused_until(self) -> Any:
        return self._within_a_year("paused_until")

    def clean_travel_until(self) -> Any:
        return self._within_a_year("travel_until")

    def plan_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for key in ("reissue", "pin", "duress_pin"):
            data.pop(key, None)
        return data


class ContactRow(forms.Form):
    name = forms.CharField(label=_("Who"), max_length=300, required=False)
    is_partner = forms.BooleanField(label=_("Partner organisation"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("email", _("E-mail")), ("webhook", _("Webhook"))],
        required=False,
    )
    target = forms.CharField(label=_("Address"), max_length=500, required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("en", "English"), ("ru", "Русский")], required=False
    )

    def contact(self) -> ContactData:
        d = self.cleaned_data
        return ContactData(
            name=d.get("name", ""),
            is_partner=bool(d.get("is_partner")),
            channel=d.get("channel", ""),
            target=d.get("target", ""),
            language=d.get("language") or "en",
        )


def contacts_formset(data: Any = None, initial: list[dict[str, Any]] | None = None) -> Any:
    more = data is not None and "more" in data
    extra = EMPTY_ROWS if data is None else 0
    factory = formset_factory(ContactRow, extra=extra, max_num=50, absolute_max=50)
    if more:
        data = data.copy()
        try:
            data["contacts-TOTAL_FORMS"] = str(
                min(int(data["contacts-TOTAL_FORMS"]) + MORE_ROWS, 50)
            )
        except (KeyError, ValueError):
            data["contacts-TOTAL_FORMS"] = str(MORE_ROWS)
    return factory(data, initial=initial or None, prefix="contacts")


class MemberForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=AtRiskMember.Role.choices)

    def clean_username(self) -> User:
        user = User.objects.filter(username=self.cleaned_data["username"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return user


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(Escalation.Outcome.FALSE_ALARM, _("False alarm: the person is safe"))],
        initial=Escalation.Outcome.FALSE_ALARM,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("How you know: who reached the person, when, how."),
    )
