"""The organisation's settings as an administrator fills them in, for documents
that need a sender and a signatory."""

from __future__ import annotations

from typing import Any

from habeas.organisation.models import Organisation


def give_the_organisation(**fields: Any) -> Organisation:
    """Save the one settings row (name, address, contact, who signs); `fields`
    override any of them ("" to leave one out)."""
    values = {
        "name": "Demo Rights Centre",
        "address": "12 Rue de Lausanne\n1201 Geneva\nSwitzerland",
        "email": "cases@demo-rights.example",
        "phone": "",
        "signatory_name": "Amina Karimova",
        "signatory_title": "Director",
        **fields,
    }
    row = Organisation.objects.order_by("pk").first() or Organisation()
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row
