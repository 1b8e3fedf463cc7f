"""Writes of the organisation's settings: who sends, signs and submits documents."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.core.history import changed_by
from habeas.lib.text import one_line, plain_text

from . import logo as logos
from .models import Organisation
from .selectors import organisation_current

# What an administrator sets; the logo comes as bytes and goes through logo.py.
FIELDS = ("name", "address", "email", "phone", "signatory_name", "signatory_title")
# The one row: a second administrator saving the first time at the same moment
# collides on this key instead of making a second organisation.
THE_ROW = 1


def _cleaned(name: str, value: Any) -> str:
    text = str(value or "")
    if name == "address":
        lines = (one_line(line) for line in plain_text(text).splitlines())
        return "\n".join(line for line in lines if line)
    if name == "email":
        return text.strip()
    return one_line(text)


@transaction.atomic
def organisation_update(
    *,
    by: User | None,
    logo: bytes | None = None,
    logo_remove: bool = False,
    **fields: Any,
) -> Organisation | None:
    """Set the organisation's settings (`by` an administrator, or None for the
    operator's command). The first save creates the one row, starting from what
    `organisation_current()` shows (HABEAS_ORGANISATION as the initial name).
    `logo`: an uploaded image, kept re-encoded; `logo_remove` takes it away.
    None when nothing changed (nothing saved, nothing audited)."""
    if by is not None and by.role != User.Role.ADMINISTRATOR:
        raise PermissionDenied
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not a setting of the organisation: {', '.join(sorted(unknown))}")
    stored = Organisation.objects.select_for_update().order_by("pk").first()
    row = stored or organisation_current()
    before = {name: getattr(row, name) for name in FIELDS} if stored else {}
    for name, value in fields.items():
        setattr(row, name, _cleaned(name, value))
    if not row.name:
        raise ValidationError(
            {"name": _("Give the organisation's name: documents are sent and signed in it.")}
        )
    row.full_clean(exclude=["updated_by"])
    changed = [name for name in FIELDS if getattr(row, name) != before.get(name, "")]
    note = ""
    if logo is not None:
        try:
            row.logo = logos.clean_logo(logo)
        except ValidationError as error:
            raise ValidationError({"logo": error.messages}) from None
        note = _("Logo: replaced") if row.has_logo else _("Logo: added")
        row.has_logo = True
        changed.append("logo")
    elif logo_remove and row.has_logo:
        row.logo, row.has_logo = None, False
        note = _("Logo: removed")
        changed.append("logo")
    # The logo's fingerprint in the history and the audit trail: a logo changed in
    # the database then differs from the last one recorded.
    logo_sha256 = hashlib.sha256(row.logo).hexdigest() if row.has_logo and row.logo else ""
    if note and logo_sha256:
        note = f"{note} (SHA-256 {logo_sha256})"
    if stored is not None and not changed:
        return None
    row.updated_by = by
    changed_by(row, by, reason=note or None)
    if stored is None:
        row.pk = THE_ROW
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            raise ValidationError(
                _(
                    "Another administrator saved the settings at the same moment. "
                    "Open the page again and check them."
                )
            ) from None
    else:
        row.save()
    audit_record(
        action="organisation.update",
        actor=by,
        target=row,
        detail={
            "organisation_id": row.pk,
            "fields": sorted(changed),
            **({"logo_sha256": logo_sha256} if "logo" in changed else {}),
            **({} if stored else {"created": True}),
            **({} if by is not None else {"via": "command"}),
        },
    )
    return row
