from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.cases.models import Case, Event
from habeas.lib.partialdate import PartialDate
from habeas.lib.text import one_line

from .models import Claim, ClaimLink, Credibility, Reliability, Source


def require_rationale(form: forms.ModelForm, grade: str, why: str, default) -> None:
    """A grade needs its reason (docs/domain.md): a new grade other than "cannot be judged"
    must come with a rationale, and a changed grade with a new one (the previous
    reason stays in the history)."""
    new = form.cleaned_data.get(grade)
    if form.instance.pk:
        old, old_reason = getattr(form.instance, grade), getattr(form.instance, why).strip()
    else:
        old, old_reason = default, ""
    if new is None or str(new) in (str(default), str(old)):
        return  # "cannot be judged", or the grade is not changing
    reason = (form.cleaned_data.get(why) or "").strip()
    if not reason or reason == old_reason:
        form.add_error(why, _("Say why this grade: a changed grade needs its own reason."))


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = [
            "code_name",
            "kind",
            "reliability",
            "reliability_rationale",
            "identity",
            "contact",
            "consent_information_public",
            "consent_named_publicly",
            "public_name",
            "consent_to_un",
            "consent_to_government",
            "notes",
        ]
        widgets = {
            "identity": forms.Textarea(attrs={"rows": 2}),
            "contact": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "reliability_rationale": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "consent_information_public": _(
                "What this source said may go into public documents (urgent actions, "
                "briefings for diplomats, the press), without naming it unless it may "
                "also be named."
            ),
            "consent_named_publicly": _(
                "Documents may say who said it, by the name below (an NGO, a ministry, "
                "a person who agreed to it). Otherwise what it said goes out unattributed. "
                "Its code name and who it is never go out."
            ),
        }

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        require_rationale(self, "reliability", "reliability_rationale", Reliability.F)
        return cleaned

    def clean_public_name(self):
        return one_line(self.cleaned_data.get("public_name") or "")

    def clean_code_name(self):
        code_name = one_line(self.cleaned_data["code_name"])
        if not code_name:
            raise forms.ValidationError(_("Enter a code name."))
        others = Source.objects.filter(case=self.case, code_name=code_name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another source of this case has this code name."))
        return code_name


# Pickers offered for the chain a claim came through; "informal channels → an
# activist → an NGO → us" needs two, and a longer chain is rare.
RELAYS = 4
RELAY_FIELDS = [f"via_{n}" for n in range(1, RELAYS + 1)]


class ClaimForm(forms.ModelForm):
    class Meta:
        model = Claim
        fields = [
            "source",
            "topic",
            "event",
            "statement",
            "outside_wording",
            "dated_on",
            "received_on",
            "material",
            "language",
            "credibility",
            "credibility_rationale",
            "attribution",
        ]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 4}),
            "outside_wording": forms.Textarea(attrs={"rows": 3}),
            "credibility_rationale": forms.Textarea(attrs={"rows": 2}),
        }
        # Claim.source has no verbose name of its own (a translatable one would be a
        # migration for a label).
        labels = {"source": _("Source")}
        help_texts = {
            "statement": _(
                "The source's own words, as they said or wrote them: kept inside the "
                "organisation, and sent out as written only when the wording below is empty."
            ),
            "dated_on": _(
                "When the source learned or said it, however long ago: “No new information "
                "for” on the case page counts from this date. Leave empty if the report gives "
                "no date; an undated claim does not change that counter."
            ),
            "received_on": _(
                "When your organisation received it; today unless you say otherwise. It does "
                "not reset “No new information for”: an account of 2021 received today is not "
                "news."
            ),
        }

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        # Public ids in form values too; only this case's records are choices.
        source = cast(forms.ModelChoiceField, self.fields["source"])
        event = cast(forms.ModelChoiceField, self.fields["event"])
        sources = Source.objects.filter(case=case)
        source.queryset = sources
        source.to_field_name = "public_id"
        event.queryset = Event.objects.filter(case=case)
        event.to_field_name = "public_id"
        source.empty_label = None
        # With one source there is nobody else it could have come through.
        relay_fields = RELAY_FIELDS if len(sources) > 1 else []
        for n, name in enumerate(relay_fields, 1):
            self.fields[name] = forms.ModelChoiceField(
                queryset=sources,
                to_field_name="public_id",
                required=False,
                empty_label="—",
                label=_("Came through, link 1 (nearest the source)")
                if n == 1
                else _("Came through, link %(n)s") % {"n": n},
                help_text=_(
                    "Who passed it on, in order from the source towards you; "
                    "leave empty if it came to you directly."
                )
                if n == 1
                else "",
            )
        self.order_fields(["source", *relay_fields])
        if self.instance.pk:
            # model_to_dict gives integer keys; the choices are public ids.
            self.initial["source"] = self.instance.source
            self.initial["event"] = self.instance.event
            relays = self.instance.relays.select_related("source")
            for name, relay in zip(relay_fields, relays, strict=False):
                self.initial[name] = relay.source
        else:
            self.initial.setdefault(
                "received_on", PartialDate.parse(timezone.localdate().isoformat())
            )

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Django's returns cleaned_data
        source, attribution = cleaned.get("source"), cleaned.get("attribution")
        if attribution and source and source.kind != Source.Kind.OFFICIAL:
            self.add_error(
                "attribution",
                _("Only a claim from an official source states an official position."),
            )
        if cleaned.get("topic") == Claim.Topic.EVENT and not cleaned.get("event"):
            self.add_error("event", _("Choose the event this claim is about."))
        require_rationale(self, "credibility", "credibility_rationale", Credibility.CANNOT_JUDGE)
        via: list[Source] = []
        for name in RELAY_FIELDS:
            relay = cleaned.get(name)
            if relay is None:
                continue  # an empty picker between two chosen ones is no link
            if relay == source:
                self.add_error(name, _("This is the claim's own source; name who passed it on."))
            elif relay in via:
                self.add_error(name, _("This source is already in the chain."))
            else:
                via.append(relay)
        cleaned["via"] = via
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """What claim_add and claim_update take, from a valid form."""
        return {
            **{name: self.cleaned_data[name] for name in self.Meta.fields},
            "via": self.cleaned_data["via"],
        }


class ClaimLinkForm(forms.Form):
    first: forms.ModelChoiceField[Claim] = forms.ModelChoiceField(
        label=_("This claim"), queryset=None
    )
    kind = forms.ChoiceField(label=_("Relation"), choices=ClaimLink.Kind.choices)
    second: forms.ModelChoiceField[Claim] = forms.ModelChoiceField(
        label=_("That claim"), queryset=None
    )
    note = forms.CharField(label=_("What is disputed or shared"), max_length=500, required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        claims = Claim.objects.filter(case=case).select_related("source")
        for name in ("first", "second"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = claims
            field.to_field_name = "public_id"
            # Django's documented way to label the choices of one form (not a subclass).
            field.label_from_instance = (  # type: ignore[method-assign]
                lambda c: (  # type: ignore[assignment]
                    f"{c.source.code_name} ({c.grade}), {c.received_on}: {c.statement[:80]}"
                )
            )

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Django's returns cleaned_data
        if cleaned.get("first") and cleaned.get("first") == cleaned.get("second"):
            self.add_error("second", _("Choose two different claims."))
        return cleaned


class GradeForm(forms.Form):
    """A source's reliability or a claim's credibility, on its grade page."""

    grade = forms.ChoiceField(label=_("Grade"))
    rationale = forms.CharField(label=_("Why this grade"), widget=forms.Textarea, max_length=2000)

    def __init__(self, *args, choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["grade"]).choices = choices
