"""Where each item a document lacks is put right: the completeness check lists what
is missing (`Document.missing`, with its keys in `missing_keys`), and the preview
and intervention pages link each item to the form that fixes it.

A key nobody maps here (a new one, or one a caseworker cannot fix) is shown as
plain text: never a broken link, never an error page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.cases.models import Case

from .documents import Document
from .models import Intervention


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Fix:
    """One missing item: its label (the document's language), the links to the
    pages that fix it (the interface language), or a note where the user cannot."""

    label: str
    key: str
    links: list[Link] = field(default_factory=list)
    note: str = ""


def _url(name: str, *args: object) -> str:
    """The page's address, or "" where it does not exist (yet) in this install."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _person_names(case: Case) -> str:
    # The case page's people are prefetched: the first recorded, as documents read it.
    people = sorted(case.people.all(), key=lambda person: person.pk)
    if not people:
        return _url("case_person_add", case.public_id)
    return _url("person_detail", people[0].public_id) + "#names"


def _links(key: str, *, case: Case, intervention: Intervention | None) -> list[tuple[str, str]]:
    """(text, url) pairs for what a case writer can do about `key`."""
    cid = case.public_id
    if key == "name":
        return [(_("Add the person's full name"), _person_names(case))]
    if key in ("date", "place"):
        return [(_("Edit the case"), _url("case_edit", cid))]
    if key == "forces":
        return [
            (
                _("Name who is believed responsible on an event"),
                _url("case_detail", cid) + "#timeline",
            )
        ]
    if key == "steps":
        return [
            (_("Add an event for a step taken"), _url("event_add", cid)),
            (_("Clear recorded steps"), _url("event_clearance", cid)),
        ]
    if key == "consent":
        return [(_("Record a consent"), _url("family_consent_add", cid))]
    if key == "addressee":
        if intervention is not None:
            # The intervention's addressee is chosen when it is recorded.
            return [
                (
                    _("Record the intervention again with an addressee"),
                    _url("intervention_add", cid),
                ),
                (_("Add one to the directory"), _url("addressee_add")),
            ]
        return [
            (_("Choose an addressee in the document form"), _url("case_advocacy", cid) + "#docs-h"),
            (_("Add one to the directory"), _url("addressee_add")),
        ]
    return []


# Set in the organisation's settings, by its administrators only.
ORGANISATION_KEYS = frozenset({"submitter", "signatory"})


def fixes_for(
    document: Document,
    *,
    case: Case,
    user: User,
    can_edit: bool,
    intervention: Intervention | None = None,
) -> list[Fix]:
    """Each missing item of `document`, in its order, with where to fix it. A user
    who may not change the case gets the labels only (the links would 404)."""
    keys = list(document.missing_keys)
    keys += [""] * (len(document.missing) - len(keys))  # a builder that gave no keys
    fixes = []
    for label, key in zip(document.missing, keys, strict=False):
        if key in ORGANISATION_KEYS:
            url = _url("organisation_edit") if user.is_administrator else ""
            if url:
                fixes.append(Fix(label, key, [Link(_("Organisation settings"), url)]))
            else:
                fixes.append(
                    Fix(
                        label,
                        key,
                        note=_("An administrator sets this in the organisation settings."),
                    )
                )
            continue
        links = _links(key, case=case, intervention=intervention) if can_edit else []
        fixes.append(Fix(label, key, [Link(text, url) for text, url in links if url]))
    return fixes
