"""The import form: a PFIF file and the country concerned of the cases it opens."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .document import too_large


def _country_choices() -> list[tuple[str, str]]:
    return [("", "---------"), *((code, str(name)) for code, name in countries)]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("PFIF 1.4 file (XML)"),
        help_text=_(
            "A PFIF 1.4 document, e.g. exported by Google Person Finder or another "
            "Habeas. Nothing is imported unless every record can be."
        ),
    )
    country = forms.ChoiceField(
        label=_("Country concerned"),
        choices=_country_choices,
        help_text=_(
            "The State believed to hold the people or responsible, for every case the "
            "file opens (PFIF has no such field)."
        ),
    )

    duplicates = forms.ChoiceField(
        label=_("A person who looks like someone already recorded"),
        choices=[
            ("skip", _("Skip them (listed on the result page)")),
            ("new", _("Import them as new people, listed as possible duplicates to decide on")),
        ],
        initial="skip",
        required=False,  # skip unless chosen otherwise
        widget=forms.RadioSelect,
        help_text=_(
            "Compared as the spreadsheet import compares: the words of every name in any "
            "script, then the birth date, among the people you can see."
        ),
    )

    def clean_duplicates(self) -> str:
        return self.cleaned_data.get("duplicates") or "skip"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused by its size before it is read into memory, let alone parsed.
        if upload.size > settings.HABEAS_PFIF_MAX_BYTES:
            raise forms.ValidationError(too_large(upload.size))
        return upload
