"""The forms of the import pages: the file, the mapping of its columns, the decisions
on possible duplicates, and the choice between importing everything and only the
valid rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from habeas.core import uploads

from .plan import JOINED_FIELDS

# What the readers understand (habeas/imports/reading); anything else is refused by
# its name before a byte is parsed.
EXTENSIONS = (".csv", ".xlsx", ".ods")
SAVE_AS_MAX = 100


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A CSV, XLSX (Excel) or ODS (LibreOffice) file, its first row the headers."),
        error_messages={
            "required": _("Choose the file to import."),
            "empty": _("The file is empty."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(
                _("Habeas reads CSV, XLSX and ODS files; this file is none of them.")
            )
        if upload.size > uploads.max_bytes():  # the handler drops it earlier; belt and braces
            raise forms.ValidationError(uploads.too_large_message())
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."))
        return upload


def column_field_name(index: int) -> str:
    return f"column_{index}"


class MappingForm(forms.Form):
    """One select per column of the file: which field of a case it fills (or none).
    A field filled by two columns is refused on both, the choices kept; but the
    summary, which takes every column given it, each under its header."""

    save_as = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=SAVE_AS_MAX,
        help_text=_("Optional: a name, to pick this mapping again for the next file."),
    )

    def __init__(
        self,
        data=None,
        *,
        headers: Sequence[str],
        samples: Sequence[Sequence[str]],
        fields: Iterable[tuple[str, str]],
        required: Iterable[str] = (),
        initial_mapping: dict[int, str] | None = None,
    ):
        initial = {column_field_name(i): key for i, key in (initial_mapping or {}).items()}
        super().__init__(data, initial=initial)
        self.headers = list(headers)
        fields = list(fields)
        self.labels = dict(fields)
        self.required = list(required)
        choices = [("", _("(not imported)")), *fields]
        columns = {}
        for index, header in enumerate(self.headers):
            examples = [row[index] for row in samples if index < len(row) and row[index]]
            columns[column_field_name(index)] = forms.ChoiceField(
                label=header or _("Column %(number)d (no header)") % {"number": index + 1},
                choices=choices,
                required=False,
                help_text=(
                    _("For example: %(values)s") % {"values": " · ".join(examples)}
                    if examples
                    else _("No value in the first rows.")
                ),
            )
        # The columns first, in the file's order; the name to save under last.
        save_as = self.fields.pop("save_as")
        self.fields.update(columns)
        self.fields["save_as"] = save_as

    def column_fields(self) -> list[forms.BoundField]:
        return [self[column_field_name(i)] for i in range(len(self.headers))]

    def clean(self):
        cleaned = super().clean() or {}
        by_key: dict[str, list[int]] = {}
        for index in range(len(self.headers)):
            key = cleaned.get(column_field_name(index))
            if key:
                by_key.setdefault(key, []).append(index)
        for key, indexes in by_key.items():
            if len(indexes) > 1 and key not in JOINED_FIELDS:
                for index in indexes:
                    self.add_error(
                        column_field_name(index),
                        _("%(field)s is chosen for %(count)d columns; choose it for one.")
                        % {"field": self.labels.get(key, key), "count": len(indexes)},
                    )
        missing = [str(self.labels.get(key, key)) for key in self.required if key not in by_key]
        if missing:
            raise forms.ValidationError(
                _("Choose the column that holds: %(fields)s.") % {"fields": ", ".join(missing)}
            )
        return cleaned

    def mapping(self) -> dict[int, str]:
        """Column index → field key, for the columns that are imported."""
        return {
            index: key
            for index in range(len(self.headers))
            if (key := self.cleaned_data.get(column_field_name(index)))
        }


class SavedMappingForm(forms.Form):
    """Pick a saved mapping (a GET form on the mapping page)."""

    saved = forms.ChoiceField(label=_("Use a saved mapping"), required=False)

    def __init__(self, data=None, *, choices: Iterable[tuple[str, str]]):
        super().__init__(data)
        field = cast(forms.ChoiceField, self.fields["saved"])
        field.choices = [("", _("(suggested from the headers)")), *choices]


NEW, SKIP, SAME = "new", "skip", "same:"


def same_person_label(candidate) -> str:
    """What tells five "Аманов Бахтияр" apart on a phone: their cases' references and
    their birth date, beside the name."""
    if candidate.row:
        return str(
            _("The same person as %(name)s (row %(row)d of this file)")
            % {"name": candidate.name, "row": candidate.row}
        )
    details = [reference for _case_id, reference in candidate.cases]
    if candidate.birth_date:
        details.append(str(_("born %(date)s") % {"date": candidate.birth_date}))
    if not details:
        return str(_("The same person as %(name)s") % {"name": candidate.name})
    return str(
        _("The same person as %(name)s (%(details)s)")
        % {"name": candidate.name, "details": ", ".join(details)}
    )


class DecisionsForm(forms.Form):
    """For each possible duplicate on the page shown: a new person, the same person as
    one of the candidates, or skip the row."""

    def __init__(self, data=None, *, rows: Iterable, initial_decisions: dict[int, str]):
        super().__init__(data)
        self.rows = list(rows)
        for row in self.rows:
            choices: list[tuple[str, Any]] = [(NEW, _("A new person")), (SKIP, _("Skip this row"))]
            for candidate in row.candidates:
                choices.append((f"{SAME}{candidate.public_id}", same_person_label(candidate)))
            self.fields[self.field_name(row.number)] = forms.ChoiceField(
                label=_("Row %(number)d") % {"number": row.number},
                choices=choices,
                widget=forms.RadioSelect,
                initial=initial_decisions.get(row.number, ""),
                required=True,
                error_messages={"required": _("Choose what to do with this row.")},
            )

    @staticmethod
    def field_name(number: int) -> str:
        return f"row_{number}"

    def decisions(self) -> dict[int, str]:
        return {row.number: self.cleaned_data[self.field_name(row.number)] for row in self.rows}


class CommitForm(forms.Form):
    """Which import: everything (refused while a row has a problem) or, as an explicit
    choice, only the valid rows."""

    ALL, VALID = "all", "valid"
    what = forms.ChoiceField(choices=[(ALL, _("Import")), (VALID, _("Import the valid rows"))])

    @property
    def valid_rows_only(self) -> bool:
        return self.cleaned_data["what"] == self.VALID
