"""A change of a link to another record reads as that record, never as its id."""

from __future__ import annotations

import html
import re

from django.urls import reverse

from habeas.sources import services as sources
from habeas.sources.models import Source


def _edit_post(client, case, **changes) -> int:
    """Post the case's edit form back with its own values, as a browser would."""
    url = reverse("case_edit", args=[case.public_id])
    form = client.get(url).context["forms"][0]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(changes)
    data = {
        k: (str(v) if not isinstance(v, bool) else ("on" if v else "")) for k, v in data.items()
    }
    return client.post(url, data).status_code


def _rows(page: str, label: str) -> list[tuple[str, str]]:
    cells = re.findall(
        rf'<th scope="row">{label}</th><td>([^<]*)</td><td>([^<]*)</td>', html.unescape(page)
    )
    return [(old.strip(), new.strip()) for old, new in cells]


def test_who_had_the_last_contact_changes_by_code_name_never_by_id_or_identity(
    login, alice, bob, contested_case
):
    case = contested_case
    rowan = sources.source_add(
        case=case,
        code_name="ROWAN",
        kind=Source.Kind.WITNESS,
        identity="Neighbour: CANARY-ROWAN-NAME",
        by=alice,
    )
    lark = case.sources.get(code_name="LARK")  # identity "Cousin: CANARY-IDENTITY"
    client = login(alice)
    assert _edit_post(client, case, last_contact_source=rowan.public_id) == 302
    assert _edit_post(client, case, last_contact_source=lark.public_id) == 302

    url = f"/cases/{case.public_id}/history/"
    label = "Last contact: with whom"
    for reader in (alice, bob):  # with the source grant, and without it
        page = login(reader).get(url).content.decode()
        assert _rows(page, label) == [("ROWAN", "LARK"), ("—", "ROWAN")], reader
        assert "CANARY" not in page
        assert f"<td>{rowan.pk}</td>" not in page and f"<td>{lark.pk}</td>" not in page
