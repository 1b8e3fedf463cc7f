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

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

from habeas.accounts.models import User
from habeas.alerts.models import AlertSettings, CaseWatch, Deadline
from habeas.alerts.rules import Effective, effective, risk_mask
from habeas.alerts.services import desired_deadlines
from habeas.cases import silence
from habeas.cases.models import (
    CLOSING_STATUSES,
    Case,
    CaseMember,
    NameToken,
    Person,
    PersonName,
    Status,
    StatusAssertion,
    Tag,
)
from habeas.cases.services import _tags
from habeas.core.encryption import EncryptedTextField

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


class _Table:
    """INSERTs of one model's rows, one executemany per chunk, each value prepared for
    the database by its field (get_db_prep_save) as Django's own INSERT prepares it,
    without building an INSERT statement per chunk and model instances for every row:
    at 100,000 rows Django's bulk_create spends more in that than the database does."""

    PLAIN = (models.CharField, models.TextField, models.BooleanField, models.IntegerField)

    def __init__(self, model: type[models.Model], *, with_pk: bool = False) -> None:
        self.model = model
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        ops = connection.ops
        self.columns = [(f.attname, f, self._prep(f)) for f in fields]
        names = ", ".join(ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = ops.quote_name(model._meta.db_table)
        # Names from the models, quoted; values as parameters.
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608

    @classmethod
    def _prep(cls, field: models.Field) -> Any:
        if isinstance(field, EncryptedTextField):
            # An import never fills a confidential field: sealing needs the instance.
            def empty_only(value: Any) -> Any:
                if value not in (None, ""):
                    raise ValueError(f"{field} is confidential: not written in bulk")
                return value

            return empty_only
        if type(field) in cls.PLAIN or isinstance(field, models.ForeignKey | models.AutoField):
            return None
        prepared: dict[Any, Any] = {}

        def prep(value: Any) -> Any:
            # Most moments and dates of an import are the same few (its `now`, the
            # first status's day): prepared once each.
            try:
                return prepared[value]
            except KeyError:
                found = prepared[value] = field.get_db_prep_save(value, connection)
                if len(prepared) > 10_000:
                    prepared.clear()
                return found
            except TypeError:  # not hashable
                return field.get_db_prep_save(value, connection)

        return prep

    def row(self, obj: Any = None, /, **values: Any) -> list[Any]:
        out = []
        # The value as set, not through the field's descriptor: a country's descriptor
        # makes a Country object on every read (a fifth of the writing time at 100,000
        # rows), which the field then turns back into the code it holds.
        stored = obj.__dict__ if obj is not None else {}
        for attname, field, prep in self.columns:
            if attname in values:
                value = values[attname]
            elif attname in stored:
                value = stored[attname]
            elif obj is not None:
                value = getattr(obj, attname)
            else:  # as the model would fill it in (a new case's watch overrides nothing)
                value = field.get_default()
            out.append(value if prep is None else prep(value))
        return out

    def insert(self, rows: list[list[Any]]) -> None:
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, rows)


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows of `model`, written with them: the rows that
    others point to (people, names, cases) are inserted knowing their ids."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite, inside the import's write transaction (nobody else inserts): after the
        # highest id ever given (AUTOINCREMENT never gives a deleted row's id again, and
        # neither may this: a history would mix two records).
        cursor.execute(f"SELECT max(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(highest, found[0] if found else 0) + 1
    return list(range(start, start + count))


class _Tables:
    def __init__(self) -> None:
        self.person = _Table(Person, with_pk=True)
        self.person_history = _Table(Person.history.model)
        self.name = _Table(PersonName, with_pk=True)
        self.name_history = _Table(PersonName.history.model)
        self.token = _Table(NameToken)
        self.case = _Table(Case, with_pk=True)
        self.case_history = _Table(Case.history.model)
        self.case_people = _Table(Case.people.through)
        self.case_tags = _Table(Case.tags.through)
        self.member = _Table(CaseMember)
        self.status = _Table(StatusAssertion)
        self.watch = _Table(CaseWatch)
        self.deadline = _Table(Deadline)
        self.record = _Table(ImportedRecord)


def cases_open_in_bulk(*, rows: Sequence[PlanRow], by: User, batch: ImportBatch) -> int:
    """Write a new person and their case for each of `rows` (planned and checked), in
    the caller's transaction; returns how many."""
    now = timezone.now()
    # No override yet on a new case: every imported case has the organisation's settings.
    eff = effective(AlertSettings.current(), CaseWatch())
    tag_names = sorted({t for row in rows for t in row.values["tags"]})
    tags = {tag.name: tag for tag in _tags(tag_names)} if tag_names else {}
    tables = _Tables()
    for chunk in _chunks(rows, CHUNK):
        _write_chunk(chunk, by=by, batch=batch, now=now, eff=eff, tags=tags, tables=tables)
    return len(rows)


def _token_terms(words: list[tuple[tuple[str, str], ...]]) -> list[tuple[str, str]]:
    """The search rows of one name as cases.services.name_tokens_build makes them
    (habeas.lib.names.index_terms, cut to the column), from the readings of its words
    the plan worked out."""
    terms: list[tuple[str, str]] = []
    for readings in words:
        terms += [term for term in readings if term not in terms]
    return [(key[:64], skeleton[:64]) for key, skeleton in terms]


def _history(table: _Table, objs: Sequence[models.Model], *, by: User, now: datetime) -> None:
    """The "+" row simple-history writes when a record is first saved by `by`."""
    table.insert(
        [
            table.row(
                obj,
                history_date=now,
                history_change_reason=None,
                history_type="+",
                history_user_id=by.pk,
            )
            for obj in objs
        ]
    )


def _write_chunk(
    chunk: Sequence[PlanRow],
    *,
    by: User,
    batch: ImportBatch,
    now: datetime,
    eff: Effective,
    tags: dict[str, Tag],
    tables: _Tables,
) -> None:
    people, names, cases = [], [], []
    for row in chunk:
        person, spellings = build_person(row.values)
        people.append(person)
        names.append(spellings)
        cases.append(build_case(row.values))
    for person, person_id in zip(people, _reserve_ids(Person, len(people)), strict=True):
        person.pk, person.created_at, person.updated_at = person_id, now, now
    flat = [name for spellings in names for name in spellings]
    for name, name_id in zip(flat, _reserve_ids(PersonName, len(flat)), strict=True):
        name.pk, name.person_id, name.created_at = name_id, name.person.pk, now
    tables.person.insert([tables.person.row(p) for p in people])
    _history(tables.person_history, people, by=by, now=now)
    tables.name.insert([tables.name.row(n) for n in flat])
    _history(tables.name_history, flat, by=by, now=now)
    words_of = [words for row in chunk for words in row.values["words"]]
    tables.token.insert(
        [
            tables.token.row(person_id=name.person_id, name_id=name.pk, key=key, skeleton=skeleton)
            for name, words in zip(flat, words_of, strict=True)
            for key, skeleton in _token_terms(words)
        ]
    )

    opened_on = timezone.localdate(now)
    opened_with: dict[int, dict[tuple[str, str], Any]] = {}
    for case, case_id, row in zip(cases, _reserve_ids(Case, len(cases)), chunk, strict=True):
        case.pk, case.created_by_id = case_id, by.pk
        case.created_at = case.updated_at = now
        case.derived_dates_set()
        case.current_status, case.is_open = Status.REPORTED_MISSING, True
        facts = silence.CaseFacts(
            opened=now,
            disappeared_on=case.disappeared_on or None,
            last_contact_on=case.last_contact_on or None,
            statuses=((Status.REPORTED_MISSING, case.disappeared_from or opened_on),),
        )
        # The file's status after the opening one, as status_assert adds it: it is the
        # current one (the plan refused one the opening status would outrank). The
        # deadlines the case had while open stay as rows with nothing due (_store).
        if status := row.values.get("status"):
            opened_info = silence.latest_information(facts, now=now)
            case.last_info_at = opened_info
            opened_with[case_id] = desired_deadlines(
                case, eff, now=now, fired={}, submitted=False, has_interventions=False
            )
            then = (status["status"], status["asserted_on"])
            facts = dataclasses.replace(facts, statuses=(*facts.statuses, then))
            case.current_status = status["status"]
            case.is_open = status["status"] not in CLOSING_STATUSES
        case.last_info_at = silence.latest_information(facts, now=now)
    tables.case.insert([tables.case.row(c) for c in cases])
    _history(tables.case_history, cases, by=by, now=now)

    pairs = list(zip(cases, people, chunk, strict=True))
    tables.case_people.insert(
        [tables.case_people.row(case_id=c.pk, person_id=p.pk) for c, p, _r in pairs]
    )
    tables.case_tags.insert(
        [
            tables.case_tags.row(case_id=c.pk, tag_id=tags[name].pk)
            for c, _p, row in pairs
            for name in sorted(set(row.values["tags"]))
        ]
    )
    # A new person's case gives its opener the source grant (case_create).
    tables.member.insert(
        [
            tables.member.row(
                case_id=c.pk, user_id=by.pk, role=CaseMember.Role.LEAD, may_see_sources=True
            )
            for c in cases
        ]
    )
    basis = opening_basis(opened_on)
    tables.status.insert(
        [
            tables.status.row(
                case_id=c.pk,
                status=Status.REPORTED_MISSING,
                asserted_on=c.disappeared_from or opened_on,
                basis=basis,
                closed_reason="",
                asserted_by_id=by.pk,
                created_at=now,
            )
            for c in cases
        ]
    )
    tables.status.insert(
        [
            tables.status.row(
                case_id=c.pk,
                asserted_by_id=by.pk,
                created_at=now,
                **{k: v for k, v in status.items() if k not in ("given",)},
            )
            for c, _p, row in pairs
            if (status := row.values.get("status"))
        ]
    )
    # The watch starts from the flags the record has: they are not news (module doc).
    tables.watch.insert(
        [
            tables.watch.row(case_id=c.pk, risk_mask=risk_mask(c), synced_for=c.updated_at)
            for c in cases
        ]
    )
    deadlines = []
    for case in cases:
        wanted = desired_deadlines(
            case, eff, now=now, fired={}, submitted=False, has_interventions=False
        )
        before = opened_with.get(case.pk, {})
        for (rule, subject), due in wanted.items():
            # A deadline the case had while open is kept with nothing due (_store).
            kept = due is None and before.get((rule, subject)) is not None
            if due is not None or kept:
                deadlines.append(
                    tables.deadline.row(
                        case_id=case.pk,
                        rule=rule,
                        subject=subject,
                        due_at=due[0] if due else None,
                        occurrence=due[1] if due else "",
                    )
                )
    tables.deadline.insert(deadlines)
    tables.record.insert(
        [
            tables.record.row(batch_id=batch.pk, key=row.key, row=row.number, case_id=c.pk)
            for c, _p, row in pairs
        ]
    )
