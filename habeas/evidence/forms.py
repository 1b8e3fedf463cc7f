from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.cases.models import Case, Event
from habeas.core.fields import PartialDateFormField
from habeas.lib.text import one_line
from habeas.sources.models import Claim, Source

from .models import Assessment, EvidenceItem


class EvidenceForm(forms.Form):
    upload = forms.FileField(
        label=_("File"),
        help_text=_(
            "Kept exactly as received, encrypted; a copy without "
            "metadata is made for images and PDFs."
        ),
        allow_empty_file=True,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceItem.Kind.choices)
    dated_on = PartialDateFormField(
        label=_("What it shows is dated"),
        required=False,
        help_text=_(
            "When the document was written or the photo taken, if known "
            "(e.g. 2021-10, about Nov 2021); not when you collected it."
        ),
    )
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=Source.objects.none(), required=False
    )
    claims = forms.ModelMultipleChoiceField(
        label=_("Claims it supports"),
        queryset=Claim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    events = forms.ModelMultipleChoiceField(
        label=_("Events it supports"),
        queryset=Event.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    collected_by = forms.CharField(
        label=_("Collected by"),
        max_length=200,
        required=False,
        help_text=_("A code name, not a real name."),
    )
    collected_at = forms.DateTimeField(
        label=_("Collected or captured at"), required=False, help_text=_("YYYY-MM-DD HH:MM")
    )
    collection_method = forms.CharField(
        label=_("How it was collected"), max_length=500, required=False
    )
    source_url = forms.URLField(
        label=_("From which URL"), max_length=2000, required=False, assume_scheme="https"
    )
    capture_tool = forms.CharField(label=_("With which tool"), max_length=200, required=False)

    def __init__(self, *args, case, part_of: EvidenceItem | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.part_of = part_of
        offer_links(self, case)
        if part_of is not None:
            # Another file of the same capture: its URL, moment and tool by default.
            del self.fields["kind"]
            for name in ("source_url", "collected_at", "collected_by", "capture_tool"):
                self.fields[name].help_text = "Empty: as the capture."

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Django's returns cleaned_data
        if self.part_of is not None:
            data["kind"] = EvidenceItem.Kind.WEB_CAPTURE
            data["part_of"] = self.part_of
        elif data.get("kind") == EvidenceItem.Kind.WEB_CAPTURE:
            # What a court asks of a capture: what was captured, when, and by whom.
            if not data.get("source_url") and "source_url" not in self.errors:
                self.add_error("source_url", "A web capture needs the URL it was captured from.")
            if not data.get("collected_at") and "collected_at" not in self.errors:
                self.add_error("collected_at", "A web capture needs the time it was captured.")
            if not data.get("collected_by"):
                self.add_error("collected_by", "A web capture needs who captured it (a code name).")
        when = data.get("collected_at")
        if when and when > timezone.now():
            self.add_error("collected_at", "This time is in the future.")
        return data


def _claim_label(claim: Claim) -> str:
    return f"{claim.source.code_name} ({claim.grade}): {one_line(claim.statement)[:80]}"


def offer_links(form: forms.Form, case: Case) -> None:
    """The case's own source, claims and events as choices, by public id: a claim
    by its source's code name and the start of what it says."""
    source = cast(forms.ModelChoiceField, form.fields["source"])
    source.queryset = Source.objects.filter(case=case)
    source.to_field_name = "public_id"
    claims = cast(forms.ModelMultipleChoiceField, form.fields["claims"])
    claims.queryset = Claim.objects.filter(case=case).select_related("source")
    claims.to_field_name = "public_id"
    # Django's documented way to label the choices of one form (not a subclass).
    claims.label_from_instance = _claim_label  # type: ignore[method-assign,assignment]
    events = cast(forms.ModelMultipleChoiceField, form.fields["events"])
    events.queryset = Event.objects.filter(case=case).order_by("occurred_from", "id")
    events.to_field_name = "public_id"


class EvidenceLinksForm(forms.Form):
    """What an item stored earlier supports, its title and its date; never the file."""

    title = forms.CharField(label=_("Title"), max_length=200)
    dated_on = EvidenceForm.base_fields["dated_on"]
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=Source.objects.none(), required=False
    )
    claims = EvidenceForm.base_fields["claims"]
    events = EvidenceForm.base_fields["events"]

    def __init__(self, *args, case: Case, item: EvidenceItem | None = None, **kwargs) -> None:
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": item.title,
                "dated_on": item.dated_on,
                "source": item.source,
                "claims": list(item.claims.all()),
                "events": list(item.events.all()),
            }
        super().__init__(*args, **kwargs)
        offer_links(self, case)


class ElementForm(forms.Form):
    assessment = forms.ChoiceField(label=_("Assessment"), choices=Assessment.choices)
    rationale = forms.CharField(
        label=_("Why"), widget=forms.Textarea, required=False, max_length=5000
    )
    supporting = forms.ModelMultipleChoiceField(
        label=_("Claims that support it"),
        queryset=Claim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    undermining = forms.ModelMultipleChoiceField(
        label=_("Claims that undermine it"),
        queryset=Claim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        claims = Claim.objects.filter(case=case).select_related("source")
        for name in ("supporting", "undermining"):
            field = cast(forms.ModelMultipleChoiceField, self.fields[name])
            field.queryset = claims
            # Django's documented way to label the choices of one form (not a subclass).
            field.label_from_instance = (  # type: ignore[method-assign]
                lambda c: (  # type: ignore[assignment]
                    f"{c.source.code_name} ({c.grade}): {c.statement[:80]}"
                )
            )


class ShareForm(forms.Form):
    action = forms.ChoiceField(
        label=_("What"), choices=[("share", _("Shared")), ("export", _("Exported"))]
    )
    recipient = forms.CharField(label=_("With whom / where"), max_length=300)


class StatusAsOfForm(forms.Form):
    """The "as of" date of the status a person confirms on the elements page (the
    silence helper's part of this module). The service refuses a date in the future
    or before the disappearance; the page shows that here, with the date kept."""

    asserted_on = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "From when the case counts as one, e.g. the day the authorities first "
            "refused to say where the person is; not before the disappearance, not in "
            "the future. Empty: today. YYYY-MM-DD"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asserted_on"].initial = timezone.localdate()
