"""Forms for people, cases, events, actors and statuses.

Choice fields that point at records (sources, events, claims) are always limited
to the case being edited, so a forged id from another case is refused by the form.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.accounts.models import User
from habeas.lib.text import one_line
from habeas.sources.models import Claim, Source

from . import selectors, services
from .models import (
    Actor,
    Case,
    CaseMember,
    Event,
    EventActor,
    Person,
    PersonName,
    Relative,
    Status,
)


class TagsField(forms.CharField):
    """Comma-separated tags, shown and read as one line of text."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("help_text", _("Separated by commas"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def clean(self, value):
        text = super().clean(value)
        tags = [t.strip() for t in text.split(",") if t.strip()]
        too_long = [t for t in tags if len(t) > 60]
        if too_long:
            raise forms.ValidationError(_("A tag is at most 60 characters long."))
        return tags


# Rule 5 of the alerts (habeas.alerts.services._risk_check), said where the boxes are
# ticked: a newly ticked risk raises the priority, whatever the form says.
RISK_FLAGS = ("risk_torture", "risk_health", "risk_family_reprisals")
RISK_RAISES = {
    "risk_torture": _("Ticking it raises the priority to Urgent."),
    "risk_health": _("Ticking it raises the priority to Urgent."),
    "risk_family_reprisals": _("Ticking it raises the priority to High (if it is lower)."),
}


class CaseForm(forms.ModelForm):
    tags = TagsField(label=_("Tags"))

    class Meta:
        model = Case
        fields = [
            "reference",
            "country",
            "taken_in_country",
            "summary",
            "disappeared_on",
            "disappeared_place",
            "last_contact_on",
            "last_contact_place",
            "last_contact_channel",
            "last_contact_source",
            "last_contact_message",
            "risk_torture",
            "risk_health",
            "risk_family_reprisals",
            "priority",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "last_contact_message": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user  # who asks: a reference of a case they cannot see is a probe
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("tags", [t.name for t in self.instance.tags.all()])
        if "last_contact_source" in self.fields:
            # Only this case's sources, by code name (Source.__str__): never who they are.
            picker = cast(forms.ModelChoiceField, self.fields["last_contact_source"])
            picker.queryset = Source.objects.filter(case=self.instance.pk or 0).order_by(
                "code_name"
            )
            picker.to_field_name = "public_id"
            picker.help_text = _(
                "A source of this case, by its code name. Add the source first if it is "
                "not in the list."
            )
        for flag in RISK_FLAGS:
            self.fields[flag].help_text = RISK_RAISES[flag]

    def clean_reference(self):
        reference = one_line(self.cleaned_data["reference"])
        if not reference:
            raise forms.ValidationError(_("Enter a reference, e.g. TM-2021-003."))
        return reference

    def validate_unique(self):
        """Not Django's check of the unique reference: its message would confirm a case
        the user cannot see. See _post_clean."""

    def _post_clean(self):
        super()._post_clean()  # type: ignore[misc]  # private to Django: not in the stubs
        # Last, once every other check has run: a reference already in use is refused
        # with one message whoever's case holds it, and only when nothing else is
        # wrong, so that a form refused for another reason reads the same whether or
        # not the reference exists. A clash with a case the user cannot see is still
        # audited (selectors.reference_probe).
        reference = self.cleaned_data.get("reference")
        exclude = self.instance if self.instance.pk else None
        taken = bool(reference) and selectors.reference_probe(
            user=self.user,
            reference=cast(str, reference),  # not empty
            exclude=exclude,
        )
        if taken and not self.errors:
            self.add_error("reference", selectors.REFERENCE_TAKEN)

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Django's returns cleaned_data
        problem = services.last_contact_problem(
            disappeared_on=cleaned.get("disappeared_on"),
            last_contact_on=cleaned.get("last_contact_on"),
        )
        if problem:
            self.add_error("last_contact_on", problem)
        return cleaned


class CaseCreateForm(CaseForm):
    person_name = forms.CharField(
        label=_("Name of the disappeared person"),
        max_length=300,
        help_text=_("As the family writes it; add other spellings on the person's page"),
    )
    person_name_script = forms.ChoiceField(
        label=_("Script of the name"),
        choices=[("", _("Detect automatically")), *PersonName.Script.choices],
        required=False,
    )
    person_name_kind = forms.ChoiceField(
        label=_("What this name is"),
        choices=PersonName.Kind.choices,
        initial=PersonName.Kind.REPORTED,
        required=False,  # not sent: as reported
        help_text=_("Keep 'As reported' until someone has checked it against documents"),
    )
    # A new case has no sources to pick from: the code name given here becomes one.
    last_contact_source_code_name = forms.CharField(
        label=_("Last contact: code name of who had it"),
        max_length=60,
        required=False,
        help_text=_(
            "A code name only (e.g. ORCHID), never a real name: everyone on the case "
            "sees it. It becomes a source of this case; write who they are on the "
            "source's page, which only members who may see who sources are can read."
        ),
    )
    last_contact_source_kind = forms.ChoiceField(
        label=_("Last contact: kind of source"),
        choices=Source.Kind.choices,
        initial=Source.Kind.WITNESS,
        required=False,
    )

    field_order = ["person_name", "person_name_script", "person_name_kind", "reference"]

    class Meta(CaseForm.Meta):
        fields = [f for f in CaseForm.Meta.fields if f != "last_contact_source"]

    def __init__(self, *args, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None:  # a case for someone already recorded: no new name
            del self.fields["person_name"], self.fields["person_name_script"]
            del self.fields["person_name_kind"]
        # Who had the last contact, next to the other last-contact fields.
        order = list(self.fields)
        for name in ("last_contact_source_code_name", "last_contact_source_kind"):
            order.remove(name)
        at = order.index("last_contact_channel") + 1
        order[at:at] = ["last_contact_source_code_name", "last_contact_source_kind"]
        self.order_fields(order)

    def clean_last_contact_source_code_name(self):
        return one_line(self.cleaned_data.get("last_contact_source_code_name", ""))

    def clean_person_name(self):
        name = one_line(self.cleaned_data["person_name"])
        if not name:
            raise forms.ValidationError(_("Enter the person's name."))
        return name


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["sex", "birth_date", "nationality", "occupation", "affiliation", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class PersonNameForm(forms.ModelForm):
    script = forms.ChoiceField(
        label=_("Script"),
        choices=[("", _("Detect automatically")), *PersonName.Script.choices],
        required=False,
    )

    class Meta:
        model = PersonName
        fields = ["text", "script", "language", "kind", "seen_in", "is_primary"]

    def __init__(self, *args, person: Person, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)

    def clean_text(self):
        text = one_line(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Enter the name."))
        same = PersonName.objects.filter(person=self.person, text=text)
        if same.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This spelling is already recorded."))
        return text


class RelativeForm(forms.ModelForm):
    """A relative. New ones are recorded on a case of the person (`cases`, from
    selectors.cases_for_new_relative); the contact and notes fields are there only for
    those who may read them: on that case (`contact_visible`, an edit) or on one of
    `cases`."""

    case = forms.ModelChoiceField(
        label=_("Recorded on case"),
        queryset=Case.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Its members who may see who sources are read the contact."),
    )

    class Meta:
        model = Relative
        fields = ["name", "relationship", "contact", "notes"]
        widgets = {
            "contact": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, cases=None, contact_visible: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _(
            "Leave empty if the report gives only the relationship (e.g. his parents)"
        )
        self.cases = list(cases) if cases is not None else []
        if cases is None:  # an edit: the relative stays on its case
            del self.fields["case"]
        else:
            cast(forms.ModelChoiceField, self.fields["case"]).queryset = cases
            if len(self.cases) == 1:
                self.fields["case"].widget = forms.HiddenInput()
                self.fields["case"].initial = self.cases[0].public_id
            contact_visible = any(c.contact_grant for c in self.cases)
        if not contact_visible:
            # Without the grant the contact and notes are neither shown nor changeable.
            del self.fields["contact"], self.fields["notes"]

    def clean_case(self):
        case = self.cleaned_data.get("case")
        if "case" in self.fields and case is None:
            if len(self.cases) != 1:
                raise forms.ValidationError(_("Choose the case this relative is recorded on."))
            case = self.cases[0]
        return case

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Django's returns cleaned_data
        case = cleaned.get("case")
        confidential = [f for f in ("contact", "notes") if cleaned.get(f)]
        if case is not None and confidential and not case.contact_grant:
            message = _(
                "You may not see who the sources of %(ref)s are, so you cannot record a "
                "contact or notes on it: choose another case, or leave them empty."
            ) % {"ref": case.reference}
            for name in confidential:
                self.add_error(name, message)
        return cleaned


class EventForm(forms.ModelForm):
    # Three ways, not a checkbox: without scripts a box cannot follow the kind chosen
    # in the same form, and an unticked box would turn the kind's default off.
    search_step = forms.TypedChoiceField(
        label=_("A step taken to find the person"),
        choices=[
            ("", _("As its kind says (yes for a search, an inquiry, a court filing)")),
            ("on", _("Yes")),
            ("off", _("No")),
        ],
        coerce=lambda value: value == "on",
        empty_value=None,
        required=False,
        help_text=_(
            "An inquiry, complaint or search for the person, by anyone: listed as a "
            "step taken in UN submissions"
        ),
    )

    class Meta:
        model = Event
        fields = ["kind", "occurred_on", "place", "description", "clearance"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "clearance": _(
                "Which outside recipients this event's description may reach in "
                "generated documents; sources' statements still follow their consent."
            )
        }

    field_order = ["kind", "search_step"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clearance"].required = False  # not sent: the default, inside
        if self.instance.pk:  # a recorded event says what it is
            self.initial.setdefault("search_step", "on" if self.instance.search_step else "off")

    def clean_clearance(self):
        return self.cleaned_data.get("clearance") or Event.Clearance.SOURCES


class EventActorForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Actor"), queryset=Actor.objects.none(), required=False)
    # Chosen, never defaulted: a ministry that only issued a statement must not
    # become an alleged perpetrator because its row was left as it came.
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("Choose the role")), *EventActor.Role.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actor = cast(forms.ModelChoiceField, self.fields["actor"])
        # Each choice prints its State, read through its parent: the selector joins it.
        actor.queryset = selectors.actors_all().order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Django's returns cleaned_data
        if cleaned.get("actor") and not cleaned.get("role"):
            self.add_error("role", _("Say what role this actor played."))
        return cleaned


class BaseEventActorFormSet(forms.BaseFormSet):
    def pairs(self) -> list[tuple[Actor, str]]:
        seen, pairs = set(), []
        for form in self.forms:
            actor, role = form.cleaned_data.get("actor"), form.cleaned_data.get("role")
            if actor and (actor.pk, role) not in seen:
                seen.add((actor.pk, role))
                pairs.append((actor, role))
        return pairs


# A subclass of the formset given (the stubs say only BaseFormSet).
EventActorFormSet = cast(
    type[BaseEventActorFormSet],
    forms.formset_factory(
        EventActorForm, formset=BaseEventActorFormSet, extra=3, max_num=20, validate_max=True
    ),
)


class ActorForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = ["name", "kind", "country", "parent", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = cast(forms.ModelChoiceField, self.fields["parent"])
        parent.queryset = selectors.actors_all().order_by("name")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    asserted_on = forms.DateField(
        label=_("As of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("YYYY-MM-DD"),
    )
    basis = forms.CharField(
        label=_("What it rests on"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    closed_reason = forms.CharField(label=_("Reason for closing"), max_length=300, required=False)
    claims: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Claims it rests on"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        claims = cast(forms.ModelMultipleChoiceField, self.fields["claims"])
        claims.queryset = Claim.objects.filter(case=case).select_related("source")
        claims.to_field_name = "public_id"
        # Django's documented way to label the choices of one form (not a subclass).
        claims.label_from_instance = (  # type: ignore[method-assign]
            lambda c: (  # type: ignore[assignment]
                f"{c.source.code_name} ({c.grade}), {c.received_on}: {c.statement[:80]}"
            )
        )

    def clean_asserted_on(self):
        value = self.cleaned_data["asserted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A status cannot be asserted for a future date."))
        return value


class CaseFilterForm(forms.Form):
    """The case list's filters; invalid values are reported, never a 500."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Status.choices], required=False
    )
    country = forms.CharField(label=_("Country code"), max_length=2, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        # A field with choices, which get_field's type does not say.
        choices=[("", _("Any")), *Case._meta.get_field("priority").choices],  # type: ignore[misc]
        coerce=int,
        empty_value=None,
        required=False,
    )
    silent_days = forms.IntegerField(
        label=_("Silent for more than (days)"), min_value=0, max_value=36500, required=False
    )
    open_only = forms.BooleanField(label=_("Open cases only"), required=False)

    def clean_country(self):
        return self.cleaned_data["country"].upper()


class TeamMemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role on this case"), choices=CaseMember.Role.choices)
    may_see_sources = forms.BooleanField(label=_("May see who sources are"), required=False)

    def __init__(self, *args, may_grant: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_grant:  # access.may_give_source_grant, said before it is refused
            self.fields["may_see_sources"].help_text = _(
                "You cannot give this on this case: only someone who may see who the "
                "sources of this person's cases are can give it, and never to themselves. "
                "You can keep it for someone who has it, or take it away."
            )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no active user with this username."))
        return user


class CasePersonForm(forms.Form):
    name = forms.CharField(label=_("Name of the disappeared person"), max_length=300)
    script = forms.ChoiceField(
        label=_("Script of the name"),
        choices=[("", _("Detect automatically")), *PersonName.Script.choices],
        required=False,
    )

    def clean_name(self):
        name = one_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Enter the person's name."))
        return name
