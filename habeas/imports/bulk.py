"""New people and their cases, written many at a time: the rows, history rows, search
keys, first statuses, watches and deadlines that `cases.services.case_open` writes
for one person, for a few thousand at once.

Why a bulk path at all: through case_open a row costs about 45 queries and three
sealed audit entries (about 30 ms on SQLite), so 100,000 rows would take almost an
hour. Here each kind of row is one INSERT per chunk. It writes exactly what the
services write, checked field by field, history and deadlines included, in
tests/test_import_engine_equal.py; it checks nothing itself: the plan ran the
services' checks (plan.check_values) and the commit re-checks what may have changed
since (references, earlier imports).

What differs from a case opened with the form, on purpose:
- one audit entry for the file (services.import_commit) instead of three per case;
- the risk flags of an imported case are the old record's, not news: its watch
  starts from them (as `case_deadlines_update` starts any case it first sees), so an
  import raises no risk alert and keeps the priorities the file gives
  (`case_create(flags_are_news=False)` for the rows written through the services);
- its history row holds the case's silence as computed (`last_info_at`, a derived
  column the history page ignores) rather than the moment the row was first saved.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TypeVar

from django.utils import timezone

from habeas.accounts.models import User
from habeas.alerts.models import AlertSettings, CaseWatch, Deadline
from habeas.alerts.rules import effective, risk_mask
from habeas.alerts.services import desired_deadlines
from habeas.cases import silence
from habeas.cases.models import (
    Case,
    CaseMember,
    NameToken,
    Person,
    PersonName,
    Status,
    StatusAssertion,
)
from habeas.cases.services import _tags, name_tokens_build
from habeas.core.history import changed_by

from .models import ImportBatch, ImportedRecord
from .plan import PlanRow, build_case, build_person

CHUNK = 2000  # rows per round of INSERTs: bounds the model instances held at once

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def opening_basis(opened_on: date) -> str:
    # case_create's own words for the first status ("j M Y", unpadded).
    return f"Case opened on {opened_on.day} {opened_on:%b %Y}."


def cases_open_in_bulk(*, rows: Sequence[PlanRow], by: User, batch: ImportBatch) -> int:
    """Write a new person and their case for each of `rows` (planned and checked), in
    the caller's transaction; returns how many."""
    now = timezone.now()
    # No override yet on a new case: every imported case has the organisation's settings.
    eff = effective(AlertSettings.current(), CaseWatch())
    tag_names = sorted({t for row in rows for t in row.values["tags"]})
    tags = {tag.name: tag for tag in _tags(tag_names)} if tag_names else {}
    for chunk in _chunks(rows, CHUNK):
        _write_chunk(chunk, by=by, batch=batch, now=now, eff=eff, tags=tags)
    return len(rows)


def _write_chunk(chunk, *, by, batch, now, eff, tags) -> None:
    people, names, cases = [], [], []
    for row in chunk:
        person, spellings = build_person(row.values)
        changed_by(person, by)
        for name in spellings:
            changed_by(name, by)
        case = build_case(row.values)
        case.created_by = by
        case.derived_dates_set()
        changed_by(case, by)
        people.append(person)
        names += spellings
        cases.append(case)
    Person.objects.bulk_create(people)
    Person.history.bulk_history_create(
        people, default_user=by, default_date=now, default_change_reason=None
    )
    for name in names:
        name.person_id = name.person.pk
    PersonName.objects.bulk_create(names)
    PersonName.history.bulk_history_create(
        names, default_user=by, default_date=now, default_change_reason=None
    )
    NameToken.objects.bulk_create([token for name in names for token in name_tokens_build(name)])

    opened_on = timezone.localdate(now)
    for case in cases:
        case.current_status, case.is_open = Status.REPORTED_MISSING, True
        first = case.disappeared_from or opened_on
        facts = silence.CaseFacts(
            opened=now,
            disappeared_on=case.disappeared_on or None,
            last_contact_on=case.last_contact_on or None,
            statuses=((Status.REPORTED_MISSING, first),),
        )
        case.last_info_at = silence.latest_information(facts, now=now)
    Case.objects.bulk_create(cases)
    Case.history.bulk_history_create(
        cases, default_user=by, default_date=now, default_change_reason=None
    )

    Case.people.through.objects.bulk_create(
        [
            Case.people.through(case_id=case.pk, person_id=person.pk)
            for case, person in zip(cases, people, strict=True)
        ]
    )
    Case.tags.through.objects.bulk_create(
        [
            Case.tags.through(case_id=case.pk, tag_id=tags[name].pk)
            for case, row in zip(cases, chunk, strict=True)
            for name in sorted(set(row.values["tags"]))
        ]
    )
    # A new person's case gives its opener the source grant (case_create).
    CaseMember.objects.bulk_create(
        [
            CaseMember(case=case, user=by, role=CaseMember.Role.LEAD, may_see_sources=True)
            for case in cases
        ]
    )
    basis = opening_basis(opened_on)
    StatusAssertion.objects.bulk_create(
        [
            StatusAssertion(
                case=case,
                status=Status.REPORTED_MISSING,
                asserted_on=case.disappeared_from or opened_on,
                basis=basis,
                asserted_by=by,
            )
            for case in cases
        ]
    )
    CaseWatch.objects.bulk_create(
        [
            CaseWatch(case=case, risk_mask=risk_mask(case), synced_for=case.updated_at)
            for case in cases
        ]
    )
    deadlines = []
    for case in cases:
        wanted = desired_deadlines(
            case, eff, now=now, fired={}, submitted=False, has_interventions=False
        )
        for (rule, subject), due in wanted.items():
            if due is not None:
                deadlines.append(
                    Deadline(
                        case=case, rule=rule, subject=subject, due_at=due[0], occurrence=due[1]
                    )
                )
    Deadline.objects.bulk_create(deadlines)
    ImportedRecord.objects.bulk_create(
        [
            ImportedRecord(batch=batch, key=row.key, row=row.number, case=case)
            for row, case in zip(chunk, cases, strict=True)
        ]
    )
