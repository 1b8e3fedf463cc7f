from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .logo import MAX_UPLOAD_BYTES, too_large_message
from .models import Organisation


class OrganisationForm(forms.ModelForm):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP, GIF or TIFF. It is kept as a small PNG rebuilt from the "
            "pixels, without any metadata, and drawn at the top of letters."
        ),
    )
    logo_remove = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Organisation
        fields = ["name", "address", "email", "phone", "signatory_name", "signatory_title"]
        widgets = {"address": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "name": _("Submits to the UN and sends letters: documents name it as the sender."),
            "address": _("One line per line of the letterhead."),
            "signatory_name": _("The person who signs letters for the organisation."),
            "signatory_title": _("e.g. Director"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        if not (self.instance and self.instance.has_logo):
            del self.fields["logo_remove"]

    def clean_logo(self) -> bytes | None:
        upload = self.cleaned_data.get("logo")
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload.read()
