"""The change history of a case and of its events, sources and claims, and of its
people: their details, spellings and relatives.

Rows come from django-simple-history's tables (one per tracked model). A change
shows who, when and which fields changed; confidential fields show their values
only to members granted "may see who sources are" on the case — otherwise just
"changed". A case's history shows the relatives recorded on it, not those of the
person's other cases (selectors.relatives_for_user).

The newest changes come first, a page at a time: a page ends where a record type's
rows were cut, and the next page starts before its oldest change.
Changes kept outside a record's columns (a case's tags and people, an event's
actors, links between claims) are recorded by the services as the change's reason
(`history_change_reason`), e.g. "Actors: added MNB (alleged perpetrator)".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from habeas.sources.models import Claim, Source

from .models import Case, Event, Person, PersonName, Relative, relative_label

# Fields whose values only the source grant reveals, in history as everywhere.
# The last contact's message is encrypted at rest but is the case's own content:
# the team reads it on the case page, so it reads its changes here too.
CONFIDENTIAL = {
    "sources.source": {"identity", "contact", "notes"},
    "cases.relative": {"contact", "notes"},
}
# Derived or bookkeeping columns: not changes anyone made.
IGNORED = {
    "updated_at", "created_at", "last_info_at", "disappeared_from", "last_contact_from",
    "urgent_window_closes", "occurred_from", "received_from", "current_status", "is_open",
    "un_submitted_on",
}  # fmt: skip
HISTORY_LIMIT = 300  # rows of each record type read for one page
# Records shared by every case of a person: their changes may come from the team of
# a case the reader cannot see. Who made those is not named (which colleague works
# on which person is need-to-know too).
SHARED = {"cases.person", "cases.personname", "cases.relative"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    hidden: bool = False
    # A confidential value shown (to a holder of the source grant): its viewing is audited.
    revealed: bool = False
    # A foreign key changes as ids: the model they point into, named once the page is built.
    related: type[models.Model] | None = None
    ids: tuple[object, object] = (None, None)


@dataclass
class Change:
    when: datetime
    who: str
    kind: str  # created / changed / deleted
    record: str
    record_id: str
    changes: list[FieldChange] = field(default_factory=list)
    model: str = ""  # "sources.source", …
    # What changed outside the record's own fields (tags, people, actors, links).
    note: str = ""
    person_id: int | None = None  # whose relative, for a relative's change

    @property
    def reveals_confidential(self) -> bool:
        return any(c.revealed for c in self.changes)


def _label(model: type[models.Model], name: str) -> str:
    try:
        # A relation has no verbose_name either: the except shows its name too.
        return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except Exception:  # a field removed since; show its name
        return name


def _record_name(historical) -> str:
    model = historical.instance_type
    if model is Case:
        return _("Case %(reference)s") % {"reference": historical.reference}
    if model is Event:
        return _("Event: %(kind)s, %(date)s") % {
            "kind": historical.get_kind_display(),
            "date": historical.occurred_on,
        }
    if model is Source:
        return _("Source %(code)s") % {"code": historical.code_name}
    if model is Person:
        return _("Person %(name)s") % {"name": historical.display_name}
    if model is PersonName:
        return _("Name %(name)s") % {"name": historical.text}
    if model is Relative:
        return _("Relative %(name)s") % {
            "name": relative_label(historical.name, historical.relationship)
        }
    return _("Claim (%(material)s, received %(date)s)") % {
        "material": historical.get_material_display(),
        "date": historical.received_on,
    }


def _show(value) -> str:
    if value in (None, ""):
        return "—"
    return str(value)


def _record_id(row) -> str:
    return str(row.public_id)


def _who(row, label: str, team: frozenset[int]) -> str:
    if not row.history_user_id:
        return "—"
    if label in SHARED and row.history_user_id not in team:
        return _("someone outside this team")
    return row.history_user.username


def _changes_of(
    rows: list, label: str, may_see: bool, team: frozenset[int], previous: dict
) -> list[Change]:
    """Turn consecutive historical rows of one record into field-level changes.
    `previous`: each record's row before the first of `rows`, to compare it with."""
    confidential = CONFIDENTIAL.get(label, set())
    result = []
    for row in rows:  # oldest first
        key = _record_id(row)
        before = previous.get(key)
        who = _who(row, label, team)
        kind = {"+": "created", "~": "changed", "-": "deleted"}[row.history_type]
        change = Change(
            when=row.history_date,
            who=who,
            kind=kind,
            record=_record_name(row),
            record_id=key,
            model=label,
            note=row.history_change_reason or "",
            person_id=getattr(row, "person_id", None),
        )
        if before is not None and kind == "changed":
            delta = row.diff_against(before, excluded_fields=IGNORED)
            for item in delta.changes:
                hidden = item.field in confidential and not may_see
                related = _related_model(row.instance_type, item.field)
                change.changes.append(
                    FieldChange(
                        label=_label(row.instance_type, item.field),
                        old="" if hidden else _show(item.old),
                        new="" if hidden else _show(item.new),
                        hidden=hidden,
                        revealed=item.field in confidential and not hidden,
                        related=None if hidden else related,
                        ids=(item.old, item.new),
                    )
                )
            if not change.changes and not change.note:
                previous[key] = row
                continue
        previous[key] = row
        result.append(change)
    return result


def _related_model(model: type[models.Model], name: str) -> type[models.Model] | None:
    try:
        field = model._meta.get_field(name)
    except Exception:  # a field removed since
        return None
    return field.related_model if field.many_to_one else None  # type: ignore[return-value]


def _related_text(obj: models.Model) -> str:
    """What a foreign key points at, as a reader knows it. A source by its code name,
    never its identity (which only the source grant reveals); a user by username."""
    if isinstance(obj, Source):
        return obj.code_name
    if isinstance(obj, get_user_model()):
        return obj.get_username()
    return str(obj)


def _name_related(changes: list[Change]) -> None:
    """Show a changed foreign key as what it points at ("ROWAN → SAXAUL"), not as
    its ids ("12 → 13"): one query per related model on the page, and the history
    of a record deleted since."""
    wanted: dict[type[models.Model], set] = {}
    for change in changes:
        for item in change.changes:
            if item.related is not None:
                wanted.setdefault(item.related, set()).update(i for i in item.ids if i is not None)
    names: dict[type[models.Model], dict] = {}
    for model, ids in wanted.items():
        rows = model._base_manager.all()
        if model is Claim:
            rows = rows.select_related("source")  # a claim reads as its source's code name
        found = {pk: _related_text(obj) for pk, obj in rows.in_bulk(ids).items()}
        gone = ids - set(found)
        past = getattr(model, "history", None)
        if gone and past is not None:
            for row in past.filter(id__in=gone).order_by("id", "history_id"):
                found[row.id] = _related_text(row.instance)  # the last row read wins
        names[model] = found
    for change in changes:
        for item in change.changes:
            if item.related is not None:
                known = names[item.related]
                old, new = item.ids
                item.old = "—" if old is None else known.get(old, _("a removed record"))
                item.new = "—" if new is None else known.get(new, _("a removed record"))


def _rows_before(rows, page: list) -> dict:
    """The latest row before the page (oldest first) of each record on it: what its
    first change on the page is compared with."""
    first = page[0]
    earlier = rows.filter(
        Q(history_date__lt=first.history_date)
        | Q(history_date=first.history_date, history_id__lt=first.history_id),
        id__in={row.id for row in page},
    )
    latest = earlier.order_by().values("id").annotate(last=Max("history_id")).values("last")
    return {_record_id(row): row for row in rows.filter(history_id__in=latest)}


@dataclass
class HistoryPage:
    changes: list[Change]
    older: datetime | None = None  # where the next, older page starts (None: no more)


def _of_record(querysets: dict, record_id: str) -> dict:
    """The rows of one record (as `_record_id` names it); none for anything else."""
    try:
        public_id = UUID(record_id)
    except ValueError:
        return {}
    return {label: rows.filter(public_id=public_id) for label, rows in querysets.items()}


def case_history(
    *,
    case: Case,
    grant_cases: frozenset[int],
    record_id: str = "",
    before: datetime | None = None,
) -> HistoryPage:
    """The newest changes before `before` (or the newest of all), optionally of one
    record (the case, an event, a source, a claim, a person of the case, one of their
    spellings, a relative recorded on the case). `case` must come from a case
    selector: access is already checked. `grant_cases`: the cases on which the reader
    holds the source grant (access.source_grant_case_ids)."""
    page = _page(case=case, grant_cases=grant_cases, record_id=record_id, before=before)
    for _attempt in range(20):
        # Rows that change nothing (saves of unchanged forms, written before such
        # saves were skipped) can fill a page: read on rather than show an empty one.
        if page.changes or page.older is None:
            break
        page = _page(case=case, grant_cases=grant_cases, record_id=record_id, before=page.older)
    return page


def _page(
    *, case: Case, grant_cases: frozenset[int], record_id: str, before: datetime | None
) -> HistoryPage:
    sources: dict[str, type[Source | Claim]] = {"sources.source": Source, "sources.claim": Claim}
    people = list(case.people.values_list("pk", flat=True))
    querysets = {
        "cases.case": Case.history.filter(id=case.pk),
        "cases.event": Event.history.filter(case_id=case.pk),
        **{label: model.history.filter(case_id=case.pk) for label, model in sources.items()},
        "cases.person": Person.history.filter(id__in=people),
        "cases.personname": PersonName.history.filter(person_id__in=people),
        # Only those recorded on this case: who a relative is belongs to its team.
        "cases.relative": Relative.history.filter(
            id__in=Relative.objects.filter(case=case).values("pk")
        ),
    }
    if record_id:
        querysets = _of_record(querysets, record_id)
    team = frozenset(case.members.values_list("user_id", flat=True))
    may_see = case.pk in grant_cases
    changes: list[Change] = []
    cut: datetime | None = None  # the newest row left out, over all record types
    for label, rows in querysets.items():
        if before is not None:
            rows = rows.filter(history_date__lt=before)
        newest = list(
            rows.select_related("history_user").order_by("-history_date", "-history_id")[
                : HISTORY_LIMIT + 1
            ]
        )
        if len(newest) > HISTORY_LIMIT:
            left_out = newest.pop().history_date
            cut = left_out if cut is None else max(cut, left_out)
        if not newest:
            continue
        ordered = newest[::-1]
        previous = _rows_before(rows, ordered)
        changes.extend(_changes_of(ordered, label, may_see, team, previous))
    _name_related(changes)
    changes.sort(key=lambda c: c.when, reverse=True)
    if cut is not None:
        # Older than a row left out, a page could miss changes between its own: they
        # wait for the next page, which starts just after that row.
        changes = [c for c in changes if c.when > cut]
    older = cut + timedelta(microseconds=1) if cut is not None else None
    if len(changes) > HISTORY_LIMIT:
        last = changes[HISTORY_LIMIT - 1].when
        # Never part of one moment on a page and the rest on the next.
        kept = [c for c in changes if c.when > last] or changes[:HISTORY_LIMIT]
        changes, older = kept, kept[-1].when
    return HistoryPage(changes, older)
