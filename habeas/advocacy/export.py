"""The published profiles as rows for partners: cleared fields only."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from django.conf import settings
from django.urls import reverse

from habeas.lib.text import formula_escape

from . import selectors

COLUMNS = (
    "id",
    "name",
    "name_variants",
    "country",
    "disappeared_on",
    "days_disappeared",
    "status",
    "summary",
    "demands",
    "url",
    "photo_url",
    "disappeared_on_text",  # last, so that partners reading columns by place lose nothing
)


def public_rows(*, today: date) -> list[dict]:
    site = settings.HABEAS_SITE_URL.rstrip("/")
    rows = []
    for p in selectors.published_profiles().defer(None).defer("photo").order_by("name", "id"):
        rows.append(
            {
                "id": str(p.public_id),
                "name": p.name,
                "name_variants": p.variants,
                "country": p.country.code if p.country else "",
                # EDTF (ISO 8601-2), as precise as stored: "2021-10-20", "2021-10", "2002~".
                "disappeared_on": p.disappeared_on.to_edtf() if p.disappeared_on else "",
                "days_disappeared": p.days_disappeared(today),
                "status": p.status,
                "summary": p.summary,
                "demands": p.demand_list,
                "url": site + p.get_absolute_url(),
                "photo_url": site + reverse("public_photo", args=[p.public_id])
                if p.has_photo
                else "",
                # The same date as the public page prints it ("Oct 2021").
                "disappeared_on_text": p.disappeared_on.display() if p.disappeared_on else "",
            }
        )
    return rows


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["name_variants"] = "; ".join(row["name_variants"])
        flat["demands"] = "; ".join(row["demands"])
        flat["days_disappeared"] = (
            "" if row["days_disappeared"] is None else row["days_disappeared"]
        )
        # Each cell as a spreadsheet shows it, never runs it (habeas.lib.text).
        writer.writerow({key: formula_escape(str(value)) for key, value in flat.items()})
    return out.getvalue()
