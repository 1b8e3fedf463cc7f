"""A model and form field for partial dates ("2021-10", "about 2002", ranges).

The value is stored as one EDTF-style string (see `habeas.lib.partialdate`); models
keep a companion DateField with the earliest possible day for ordering and counters.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from habeas.lib.partialdate import PartialDate, PartialDateError

# What a partial-date box accepts, shown under every one of them before anything is typed.
DATE_EXAMPLES = _(
    "e.g. 2021-10-20 12:43, Oct 2021, about 2002, between 20 and 22 Oct 2021, "
    "between 2020 and Oct 2021, before Oct 2021, after 2019, early 2003, late Nov 2021"
)


class PartialDateField(models.CharField):
    description = "A date known to the minute, day, month, year, approximately or as a range"
    # For mypy's Django plugin: what may be assigned, and what is read (None when
    # empty); stored as text, but never read as a str, unlike CharField.
    _pyi_private_set_type: PartialDate | str | None  # type: ignore[assignment]
    _pyi_private_get_type: PartialDate | None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 48)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 48:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if not value:
            return None
        return PartialDate.from_edtf(value)

    def to_python(self, value: Any) -> PartialDate | None:
        if value is None or value == "" or isinstance(value, PartialDate):
            return value or None
        try:
            return PartialDate.parse(str(value))
        except PartialDateError as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def get_prep_value(self, value: Any) -> str:
        value = self.to_python(value)
        return value.to_edtf() if value else ""

    def run_validators(self, value: Any) -> None:
        # CharField's length validator measures the stored text, not the value object.
        super().run_validators(self.get_prep_value(value))

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj))

    # Django calls formfield() with keywords only, so form_class can be one of them.
    def formfield(self, **kwargs: Any) -> forms.Field | None:  # type: ignore[override]
        defaults: dict[str, Any] = {"form_class": PartialDateFormField, "max_length": 80}
        defaults.update(kwargs)
        return super().formfield(**defaults)


class PartialDateFormField(forms.CharField):
    """Reads what a caseworker types; refuses dates in the future and impossible ones.

    Its help always ends with the examples of what it accepts. A model field passes its
    own help_text ("" when it has none) to every form field it makes, and forms set help
    after building the field, so a default help text was never seen: the examples showed
    only in the error after a wrong date. Whatever help is set is kept, before them.
    """

    def __init__(self, *args: Any, allow_future: bool = False, **kwargs: Any) -> None:
        self.allow_future = allow_future
        # The cleaned value is a PartialDate, which length validators cannot measure:
        # the text's length is checked in to_python instead.
        self.max_text_length = kwargs.pop("max_length", None) or 80
        super().__init__(*args, **kwargs)
        self.widget.attrs["maxlength"] = str(self.max_text_length)

    @property  # type: ignore[override]
    def help_text(self) -> str | Promise:
        own = self._own_help_text
        return format_lazy("{} ({})", own, DATE_EXAMPLES) if own else DATE_EXAMPLES

    @help_text.setter
    def help_text(self, value: str | Promise) -> None:
        self._own_help_text = value

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, PartialDate):
            return value.display()
        return value

    def to_python(self, value: Any) -> PartialDate | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > self.max_text_length:
            raise ValidationError(
                _("Keep the date under %(limit)d characters.") % {"limit": self.max_text_length},
                code="max_length",
            )
        today = None if self.allow_future else timezone.localdate()
        try:
            return PartialDate.parse(text, today=today)
        except PartialDateError as exc:
            raise ValidationError(str(exc), code="invalid") from None
