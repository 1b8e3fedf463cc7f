"""Forms of the advocacy app."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from habeas.cases.models import Case, Event
from habeas.evidence.selectors import evidence_for_case

from . import procedure
from .ced import states_parties
from .documents import DocKind, Recipient, event_goes_to, source_allows
from .models import (
    Addressee,
    FamilyConsent,
    Intervention,
    Language,
    PersonDetailsClearance,
    PublicProfile,
    PublicUpdate,
    Response,
)
from .photos import MAX_UPLOAD_BYTES
from .publication import UN_SUBMISSION_WARNING, says_un_submission
from .selectors import kinds_for, relatives_of_case
from .services import PROFILE_FIELDS, PUBLICATION_CONSENT_WARNING, PUBLISH_ANYWAY_REASONS
from .texts import LANGUAGES


class DateInput(forms.DateInput):
    input_type = "date"


class AddresseeForm(forms.ModelForm):
    class Meta:
        model = Addressee
        fields = [
            "kind",
            "name",
            "title",
            "organisation",
            "address",
            "email",
            "salutation",
            "salutation_language",
            "country",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "salutation_language": _(
                "A document in another language opens with that language's own formula."
            ),
            "country": _("The State it belongs to; none for an intergovernmental body."),
        }


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    addressee = forms.ModelChoiceField(
        label=_("Addressee"), queryset=Addressee.objects.all(), required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", "—"), *Intervention.Channel.choices], required=False
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        # CED urgent actions only for States parties (from the data table); the
        # Working Group's procedures only as the facts call for them. No kind is
        # preselected: the procedure is a choice, never a default.
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [("", "—"), *kinds_for(case, today)]
        parties = states_parties()
        # Why a procedure is not offered, under the field (urgent, then prompt).
        self.procedure_notes = list(procedure.refusals(case, today).values())
        kind.help_text = " ".join(
            [
                *self.procedure_notes,
                _(
                    "CED article 30 urgent actions are offered only when the State concerned "
                    "is a party to the Convention (list as of %(date)s)."
                )
                % {"date": parties.as_of.isoformat()},
            ]
        )


class MarkSentForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput)
    channel = forms.ChoiceField(label=_("Channel"), choices=Intervention.Channel.choices)


class FamilyConsentForm(forms.ModelForm):
    """Who consented, when, how and to what. The relative and the written consent
    are picked among this case's own (the service checks it again)."""

    class Meta:
        model = FamilyConsent
        fields = [
            "given_by",
            "relative",
            "given_on",
            "form",
            "to_un",
            "to_authorities",
            "to_publication",
            "evidence",
            "notes",
        ]
        widgets = {"given_on": DateInput, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "given_by": _(
                "The relationship, e.g. his mother. Every member of the case reads this: "
                "a relative's name belongs on the relative record, where the contact is "
                "sealed."
            ),
            "relative": _("If the one who consented is recorded as a relative on the case."),
            "evidence": _("If the consent is in writing: the evidence item that keeps it."),
            "notes": _(
                "Every member of the case reads these notes: never write contact details "
                "or the names of go-betweens here."
            ),
        }

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relative = cast(forms.ModelChoiceField, self.fields["relative"])
        relative.queryset = relatives_of_case(case=case)
        evidence = cast(forms.ModelChoiceField, self.fields["evidence"])
        evidence.queryset = evidence_for_case(case=case)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f) for f in ("to_un", "to_authorities", "to_publication")):
            raise forms.ValidationError(_("Tick at least one thing the family consented to."))
        return cleaned


class FamilyConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput)


class MarkReadyForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel it will go by"),
        choices=[("", "—"), *Intervention.Channel.choices],
        required=False,
    )
    checked = forms.BooleanField(
        label=_("I have read the document through and checked it against the record"),
    )


class SentElsewhereForm(forms.Form):
    """An intervention sent before the case was in Habeas: when, how, and the
    reference it got; nothing is checked against a document Habeas generates."""

    sent_on = forms.DateField(
        label=_("Sent on"),
        widget=DateInput,
        help_text=_("The day it went out, years ago if so; not before the disappearance."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Intervention.Channel.choices)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("e.g. the UN's case number, or the letter's outgoing number"),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who sent it and where the copy is kept; added to the notes."),
    )
    procedure = forms.ChoiceField(
        label=_("Working Group procedure"),
        # Left out (a script's POST), the draft keeps its procedure.
        required=False,
        choices=[
            (kind.value, kind.label)
            for kind in (
                Intervention.Kind.WGEID_STANDARD,
                Intervention.Kind.WGEID_URGENT,
                Intervention.Kind.WGEID_PROMPT,
            )
        ],
        help_text=_(
            "The procedure it was sent under. Urgent only if it was sent within the "
            "three months after the disappearance; prompt intervention only for "
            "reprisals the record shows."
        ),
    )

    def __init__(self, *args: Any, wgeid: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only a submission to the Working Group goes under one of its procedures.
        if not wgeid:
            del self.fields["procedure"]


RECIPIENT_NAMES = {
    Recipient.UN: _("UN bodies"),
    Recipient.GOVERNMENT: _("the authorities concerned"),
    Recipient.PUBLIC: _("the public"),
}


def _names(recipients: list[Recipient]) -> str:
    return ", ".join(str(RECIPIENT_NAMES[r]) for r in recipients)


def clearance_help(event: Event) -> str:
    """What the event rests on and where it goes now, to decide where it may go."""
    claims = list(event.claims.all())
    # Everyone a claim came through must have consented too, as the documents
    # count them (documents.case_facts): a relay's refusal keeps the event out.
    sources = [
        s for claim in claims for s in (claim.source, *(r.source for r in claim.relays.all()))
    ]
    if not claims:
        basis = str(_("Rests on no claim: the organisation's own account."))
    else:
        # "The public" here is "information may be published"; being named is apart.
        consented = [r for r in Recipient if all(source_allows(s, r) for s in sources)]
        basis = ngettext(
            "Rests on %(n)d claim; its source and relays let what they said go to: %(to)s.",
            "Rests on %(n)d claims; all their sources and relays let what they said go to: %(to)s.",
            len(claims),
        ) % {"n": len(claims), "to": _names(consented) or _("no one outside")}
        named = sorted({c.source.public_name for c in claims if c.source.consent_named_publicly})
        if named:
            basis += " " + _("Documents name the source as: %(names)s.") % {
                "names": ", ".join(f"“{n}”" if n else str(_("its kind")) for n in named)
            }
    now = [r for r in Recipient if event_goes_to(event, sources, r)]
    if not now:
        return basis + " " + str(_("Goes nowhere outside now."))
    return basis + " " + str(_("Goes now to: %(to)s.") % {"to": _names(now)})


class EventClearanceForm(forms.Form):
    """One choice per event of a case: which outside recipients may it reach?"""

    def __init__(self, *args, events: list[Event], **kwargs):
        super().__init__(*args, **kwargs)
        self.events: dict[str, Event] = {}
        for event in events:
            name = f"event-{event.public_id}"
            self.events[name] = event
            self.fields[name] = forms.ChoiceField(
                label=f"{event.occurred_on} — {event.get_kind_display()}: "
                f"{Truncator(event.description).chars(90)}",
                choices=Event.Clearance.choices,
                initial=event.clearance,
                help_text=clearance_help(event),
            )

    def clearances(self) -> dict[Event, str]:
        return {event: self.cleaned_data[name] for name, event in self.events.items()}


class PersonDetailsClearanceForm(forms.ModelForm):
    """Where each of the person's details may go (PersonDetailsClearance)."""

    prefix = "details"

    class Meta:
        model = PersonDetailsClearance
        fields = list(PersonDetailsClearance.FIELDS)


class ResponseForm(forms.ModelForm):
    class Meta:
        model = Response
        fields = ["received_on", "type", "content", "deadline"]
        widgets = {
            "received_on": DateInput,
            "deadline": DateInput,
            "content": forms.Textarea(attrs={"rows": 6}),
        }


class InterventionCloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it closed?"),
        max_length=500,
        help_text=_("e.g. whereabouts disclosed; superseded by a new submission"),
    )


class PublicProfileForm(forms.ModelForm):
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_(
            "Only a photo the family has cleared for publication. It is published as a "
            "small copy without any metadata (no GPS, camera or author)."
        ),
    )
    photo_remove = forms.BooleanField(label=_("Remove the published photo"), required=False)

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The photo is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}
            )
        return upload.read()

    def warn_without_consent(self, *, consent_given: bool) -> None:
        """Published without the family's recorded consent to publication: the form
        comes back once with a warning, a box to publish anyway and the reason."""
        if not self.is_bound or consent_given or not self.data.get("is_published"):
            return
        self.fields["publish_anyway"] = forms.BooleanField(
            label=_("Publish it anyway, without a recorded consent"), required=False
        )
        self.fields["without_consent_reason"] = forms.ChoiceField(
            label=_("Why"),
            choices=[("", "—"), *PUBLISH_ANYWAY_REASONS.items()],
            required=False,
            help_text=_("Kept in the audit log."),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "publish_anyway" not in self.fields:
            return cleaned
        anyway = cleaned.pop("publish_anyway", False)
        if not anyway:
            raise forms.ValidationError(PUBLICATION_CONSENT_WARNING, code="no_consent")
        if not cleaned.get("without_consent_reason"):
            self.add_error("without_consent_reason", _("Say why it is published anyway."))
        return cleaned

    class Meta:
        model = PublicProfile
        fields = list(PROFILE_FIELDS)
        widgets = {
            "name_variants": forms.Textarea(attrs={"rows": 3}),
            "demands": forms.Textarea(attrs={"rows": 4}),
        }


class PublicUpdateForm(forms.ModelForm):
    class Meta:
        model = PublicUpdate
        fields = ["happened_on", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def warn_unless_sent(self, *, un_submission_sent: bool) -> None:
        """A public update that announces a UN submission while none is marked sent
        comes back once with a warning and a box to publish it anyway: a warning, not
        a refusal (the submission may have gone by a way Habeas does not record)."""
        if not self.is_bound or un_submission_sent:
            return
        if says_un_submission(self.data.get("title", ""), self.data.get("text", "")):
            self.fields["publish_anyway"] = forms.BooleanField(
                label=_("Publish it anyway"), required=False
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "publish_anyway" in self.fields and not cleaned.pop("publish_anyway", False):
            raise forms.ValidationError(UN_SUBMISSION_WARNING, code="un_submission")
        return cleaned


FORMATS = ("html", "pdf", "docx")


class DocumentQueryForm(forms.Form):
    """The query of a document page (?lang=en|fr|es|ru &format=html|pdf|docx). A parameter
    left out takes its default; a wrong one, even empty, is refused with a message
    saying what is offered (`refusal`)."""

    defaults: dict[str, str] = {"lang": "en", "format": "html"}

    lang = forms.ChoiceField(choices=[(lang, lang) for lang in LANGUAGES])
    format = forms.ChoiceField(choices=[(fmt, fmt) for fmt in FORMATS])
    refusals = {
        "lang": _("Documents are available in English, French, Spanish and Russian only."),
        "format": _("Formats: HTML, PDF or DOCX."),
    }

    def __init__(self, query: QueryDict, **kwargs) -> None:
        super().__init__({**self.defaults, **query.dict()}, **kwargs)

    def refusal(self) -> str:
        """What is wrong with the query ("" if nothing), for its first wrong parameter."""
        wrong = [name for name in self.fields if name in self.errors]
        return str(self.refusals[wrong[0]]) if wrong else ""


class CaseDocumentQueryForm(DocumentQueryForm):
    """?doc=wgeid|ced_urgent_action|special_procedures|letter|urgent_action, and the
    language and format."""

    defaults = {"doc": DocKind.WGEID.value, **DocumentQueryForm.defaults}
    field_order = ["doc", "lang", "format"]

    doc = forms.ChoiceField(choices=[(kind.value, kind.value) for kind in DocKind])
    refusals = {"doc": _("Unknown kind of document."), **DocumentQueryForm.refusals}


class BriefingQueryForm(DocumentQueryForm):
    """?country=<one of the user's cases' countries, or none yet>, and the language
    and format."""

    defaults = {"country": "", **DocumentQueryForm.defaults}

    country = forms.ChoiceField(required=False)
    refusals = {"country": _("You have no cases of that country."), **DocumentQueryForm.refusals}

    def __init__(self, query: QueryDict, *, countries: list[str]) -> None:
        super().__init__(query)
        country = cast(forms.ChoiceField, self.fields["country"])
        country.choices = [(code, code) for code in countries]
