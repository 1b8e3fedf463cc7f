from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from habeas.cases.models import Event
from habeas.sources.models import Claim, Source

from .models import Assessment, EvidenceItem


class EvidenceForm(forms.Form):
    upload = forms.FileField(
        label="File",
        help_text="Kept exactly as received, encrypted; a copy without "
        "metadata is made for images and PDFs.",
        allow_empty_file=True,
    )
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=EvidenceItem.Kind.choices)
    source = forms.ModelChoiceField(label="Source", queryset=Source.objects.none(), required=False)
    claim = forms.ModelChoiceField(label="Claim", queryset=Claim.objects.none(), required=False)
    event = forms.ModelChoiceField(label="Event", queryset=Event.objects.none(), required=False)
    collected_by = forms.CharField(
        label="Collected by",
        max_length=200,
        required=False,
        help_text="A code name, not a real name.",
    )
    collected_at = forms.DateTimeField(
        label="Collected or captured at", required=False, help_text="YYYY-MM-DD HH:MM"
    )
    collection_method = forms.CharField(
        label="How it was collected", max_length=500, required=False
    )
    source_url = forms.URLField(
        label="From which URL", max_length=2000, required=False, assume_scheme="https"
    )
    capture_tool = forms.CharField(label="With which tool", max_length=200, required=False)

    def __init__(self, *args, case, part_of: EvidenceItem | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.part_of = part_of
        choices = {
            "source": Source.objects.filter(case=case),
            "claim": Claim.objects.filter(case=case).select_related("source"),
            "event": Event.objects.filter(case=case),
        }
        for name, queryset in choices.items():
            cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset
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


class ElementForm(forms.Form):
    assessment = forms.ChoiceField(label="Assessment", choices=Assessment.choices)
    rationale = forms.CharField(label="Why", widget=forms.Textarea, required=False, max_length=5000)
    supporting = forms.ModelMultipleChoiceField(
        label="Claims that support it",
        queryset=Claim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    undermining = forms.ModelMultipleChoiceField(
        label="Claims that undermine it",
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
    action = forms.ChoiceField(label="What", choices=[("share", "Shared"), ("export", "Exported")])
    recipient = forms.CharField(label="With whom / where", max_length=300)
