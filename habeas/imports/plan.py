"""The dry run of an import: what each row of a file would become, and why not.

A plan is read-only. Each row is parsed into the values the services would write,
checked by the same rules (the models' validation, `not_in_the_future`, born
before the disappearance, references unique whatever their letter case), looked up
against what was imported before (idempotence), and against the people the
importing user may see (possible duplicates). `services.import_commit` writes a
plan; it never reads the file itself.

What a plan says about people the user may not see: nothing. A possible duplicate
on another team's confidential case is not shown, counted or hinted at ("a match
you cannot see" would let anyone learn, from a spreadsheet of names, who is being
documented). A reference taken by such a case gets the form's one message for every
clash (selectors.REFERENCE_TAKEN), and the probe is audited as the form audits it.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
import secrets
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Exists, OuterRef
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.cases import services as cases_services
from habeas.cases.access import cases_visible_to
from habeas.cases.models import Case, NameToken, Person, PersonName, Status
from habeas.cases.selectors import REFERENCE_TAKEN
from habeas.core.encryption import keyring
from habeas.lib.names import search_term_variants
from habeas.lib.partialdate import MIN_YEAR, PartialDate
from habeas.lib.text import one_line

from . import columns, values
from .models import ImportedRecord
from .values import ValueProblem

# --- the fields a column can be mapped to ------------------------------------------------

PERSON_FIELDS = ("birth_date", "sex", "nationality", "occupation", "affiliation", "description")
CASE_FIELDS = (
    "reference",
    "country",
    "taken_in_country",
    "summary",
    "disappeared_on",
    "disappeared_place",
    "last_contact_on",
    "last_contact_place",
    "last_contact_channel",
    "priority",
    "risk_torture",
    "risk_health",
    "risk_family_reprisals",
)
OTHER_FIELDS = ("name", "name_script", "external_id", "tags", "status", "status_date")
IMPORTED_FIELDS = frozenset(PERSON_FIELDS + CASE_FIELDS + OTHER_FIELDS)
# Without a reference column each case gets one made from its row (reference_made).
REQUIRED_FIELDS = ("name", "country")
DATE_FIELDS = frozenset({"birth_date", "disappeared_on", "last_contact_on", "status_date"})
# Fields several columns may fill, each cell appended under its column's header
# ("Примечание: …"): a sheet's circumstances and its notes both belong in the summary.
JOINED_FIELDS = frozenset(f.key for f in columns.FIELDS if f.joined)
# Cells left out of a row's key: files imported before the status was imported keep
# their keys (idempotence), and a status changed since is no new case.
NOT_IN_KEY = frozenset({"status", "status_date"})
# Model fields whose errors belong to another column's field.
ERROR_FIELD = {"display_name": "name", "text": "name", "script": "name_script"}

CASE_CHOSEN = [
    "created_by", "country", "taken_in_country", "last_contact_channel", "priority",
]  # fmt: skip

T = TypeVar("T")

CHUNK = 500  # rows per lookup query (SQLite binds at most 32,766 values)
CANDIDATES_SHOWN = 5


class Action:
    CREATE = "create"
    REFUSED = "refused"
    DUPLICATE = "duplicate"  # looks like someone recorded: a person decides
    ALREADY = "already"  # imported before (or earlier in this file): nothing to do


class RowLike(Protocol):
    number: int
    cells: list[str]


class TableLike(Protocol):
    """What habeas.imports.reading.read_table returns (rows may be streamed)."""

    @property
    def headers(self) -> list[str]: ...
    @property
    def rows(self) -> Iterable[Any]: ...
    @property
    def warnings(self) -> list[str]: ...


@dataclass(frozen=True)
class Candidate:
    """Someone already recorded, visible to the importing user, who may be this row's
    person, and why (name words in common, birth date, disappearance date)."""

    public_id: str
    name: str
    birth_date: str
    cases: tuple[tuple[str, str], ...]  # (case public id, reference), visible ones only
    reasons: tuple[str, ...]
    score: int
    # An earlier row of the same file (its number), rather than someone recorded:
    # public_id is then "row:<number>", and "same person" gives this row's case to the
    # person that row creates.
    row: int = 0


@dataclass(slots=True)
class PlanRow:
    number: int
    key: str = ""
    action: str = Action.CREATE
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    candidates: list[Candidate] = field(default_factory=list)
    already: str = ""  # "already imported on …" / "same as row N"
    warnings: list[str] = field(default_factory=list)  # imported, but worth a look
    reference_made: bool = False  # the row gave no reference: Habeas made one
    external_id: str = ""  # as the file gives it: two rows with one id are refused
    older_keys: tuple[str, ...] = ()  # its keys under older ring keys (before a rotation)
    # "Changed since the import of … (case …)": a candidate's case came from this very
    # row number of an earlier import; the row was corrected since. Skipped by default.
    changed: str = ""
    # What would be written: "names" [(text, script)], "person" {...}, "case" {...}, "tags".
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        names = self.values.get("names") or []
        return names[0][0] if names else ""


@dataclass
class ImportPlan:
    headers: list[str]
    mapping: dict[int, str]
    rows: list[PlanRow]
    problems: list[str]  # about the whole file: nothing can be imported until fixed
    warnings: list[str]
    # The columns each file-level problem is about (a field mapped twice: both columns).
    problem_columns: list[int] = field(default_factory=list)
    # The columns with values that are imported into nothing, named (also a warning).
    not_imported: str = ""

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        found = dict.fromkeys((Action.CREATE, Action.REFUSED, Action.DUPLICATE, Action.ALREADY), 0)
        for row in self.rows:
            found[row.action] += 1
        return found

    @property
    def has_problems(self) -> bool:
        return bool(self.problems) or any(row.action == Action.REFUSED for row in self.rows)


# --- cells to values --------------------------------------------------------------------

KIND_OF = {f.key: f.kind for f in columns.FIELDS}


def cell_value(key: str, text: str) -> Any:
    """The value of one cell for field `key`, as habeas.imports.values reads it; an
    empty date is "" as the forms leave it. ValueProblem if it cannot be one."""
    value = values.PARSERS[KIND_OF[key]](text.strip())
    if key in DATE_FIELDS and value is None:
        return ""
    return value


def reference_made(taken: Container[str] = ()) -> str:
    """The reference of a case whose row gives none ("IMP-3FA2B9C01D"): random, never
    made from the row, and not one in `taken` (upper-cased). A reference made from the
    row's content would be the one another team's import of the same row made: its
    clash would tell an importer that someone else recorded that person."""
    while True:
        made = "IMP-" + secrets.token_hex(5).upper()
        if made not in taken:
            return made


KEY_PURPOSE = "imports-row-v1"  # the key ring's purpose of ImportedRecord keys


def row_digest(values: dict[str, str], external_id: str) -> str:
    """What finds a row again, unkeyed: its external id when the file has one, else a
    hash of its mapped cells by field (so reordering the columns changes nothing).
    Never stored: `row_keys` keys it."""
    if external_id:
        return "id:" + hashlib.sha256(("id:" + external_id[:90]).encode()).hexdigest()
    canonical = json.dumps(sorted(values.items()), ensure_ascii=False, separators=(",", ":"))
    return "row:" + hashlib.sha256(canonical.encode()).hexdigest()


def key_derivations() -> list[bytes]:
    """The HMAC keys of ImportedRecord keys: the active ring key's first (new rows),
    then those of the older ring keys (rows written before a rotation)."""
    ring = keyring()
    ids = [ring.active, *sorted(k for k in ring.keys if k != ring.active)]
    return [ring.derive(KEY_PURPOSE, k) for k in ids]


def row_keys(digest: str, derived: Sequence[bytes] | None = None) -> list[str]:
    """A row's keys as ImportedRecord stores them: HMAC-SHA-256 of its digest under a
    key derived from the key ring, one per ring key (the active one's first). Unkeyed,
    anyone holding a copy of the database and a spreadsheet (a seized laptop's) could
    confirm which of its rows an organisation imported."""
    kind, _colon, plain = digest.partition(":")
    return [
        f"{kind}:" + hmac.new(key, plain.encode(), hashlib.sha256).hexdigest()
        for key in (derived if derived is not None else key_derivations())
    ]


def row_key(values: dict[str, str], external_id: str) -> str:
    """The key a row is written under now (the active ring key's)."""
    return row_keys(row_digest(values, external_id))[0]


# --- the plan ---------------------------------------------------------------------------


def mapping_problems(
    headers: Sequence[str], mapping: dict[int, str]
) -> tuple[list[str], list[int]]:
    """What is wrong with a mapping, and the columns it is about."""
    problems = []
    at: list[int] = []
    columns_of: dict[str, list[str]] = defaultdict(list)
    indexes_of: dict[str, list[int]] = defaultdict(list)
    for index, key in sorted(mapping.items()):
        if not key:
            continue
        header = headers[index] if 0 <= index < len(headers) else f"#{index + 1}"
        if index < 0 or index >= len(headers):
            problems.append(_("Column %(column)s is not in the file.") % {"column": header})
        columns_of[key].append(header)
        indexes_of[key].append(index)
    for key, headers_of in columns_of.items():
        if len(headers_of) > 1 and key not in JOINED_FIELDS:
            at += indexes_of[key]
            problems.append(
                _("%(columns)s are all mapped to %(field)s: map one column to it.")
                % {"columns": ", ".join(headers_of), "field": key}
            )
    labels = {f.key: f.label for f in columns.FIELDS}
    for key in REQUIRED_FIELDS:
        if key not in columns_of:
            problems.append(_("Map a column to %(field)s.") % {"field": labels.get(key, key)})
    return problems, at


def _empty_required(key: str) -> str:
    if key == "name":
        return _("This cell is empty: every case needs the person's name.")
    return _("This cell is empty: every case needs the country (the State concerned).")


def _parse_row(
    row: RowLike,
    headers: Sequence[str],
    mapping: dict[int, str],
    derived: Sequence[bytes] | None = None,
) -> PlanRow:
    plan_row = PlanRow(number=row.number)
    raw: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    header_of: dict[str, str] = {}
    joined: dict[str, list[str]] = defaultdict(list)
    for index, key in sorted(mapping.items()):
        if key not in IMPORTED_FIELDS:
            continue
        text = row.cells[index] if index < len(row.cells) else ""
        if key in JOINED_FIELDS and key in header_of:
            if not joined[key] and raw[key]:
                joined[key].append(f"{header_of[key]}: {raw[key]}")
            if text.strip():
                joined[key].append(f"{headers[index]}: {text.strip()}")
            raw[key] = "\n\n".join(joined[key])
            text = raw[key]
        else:
            raw[key], header_of[key] = text.strip(), headers[index]
        try:
            parsed[key] = cell_value(key, text)
        except ValueProblem as problem:
            plan_row.problems.append((headers[index], str(problem)))
    # A case needs a name and a country on every row, as on the form and the API: a
    # merged country cell leaves the rows under it empty.
    for key in REQUIRED_FIELDS:
        if (
            key in header_of
            and not parsed.get(key)
            and not any(header == header_of[key] for header, _message in plan_row.problems)
        ):
            plan_row.problems.append((header_of[key], _empty_required(key)))
    plan_row.external_id = raw.get("external_id", "")
    digest = row_digest(
        {k: v for k, v in raw.items() if k not in NOT_IN_KEY}, raw.get("external_id", "")
    )
    plan_row.key, *older = row_keys(digest, derived)
    plan_row.older_keys = tuple(older)
    if plan_row.problems:
        plan_row.action = Action.REFUSED
        return plan_row
    spellings = parsed.get("name") or []
    names = [name.text for name in spellings]
    for name in spellings:
        if values.mixes_scripts(name.text):
            plan_row.warnings.append(
                _(
                    "The name “%(name)s” mixes Cyrillic and Latin letters: separate the "
                    "spellings with ;."
                )
                % {"name": name.text}
            )
    # As the form: a script given for the name, or "" for the services to detect it.
    script = parsed.get("name_script", "")
    person_fields = {k: parsed[k] for k in PERSON_FIELDS if k in parsed}
    case_fields = {k: parsed[k] for k in CASE_FIELDS if k in parsed and parsed[k] is not None}
    case_fields["reference"] = one_line(case_fields.get("reference", ""))
    if not case_fields["reference"]:
        case_fields["reference"] = reference_made()
        plan_row.reference_made = True
    written = {
        # Each spelling with its script as the services would settle it (_script_for:
        # the one given, or the one its letters are in), and the readings of its words
        # (habeas.lib.names): worked out once, for the duplicates and the search keys.
        "names": [
            (
                name.text,
                script if i == 0 and script else name.script,  # values.script_of: Other if mixed
            )
            for i, name in enumerate(spellings)
        ],
        "words": [search_term_variants(text) for text in names],
        "person": person_fields,
        "case": case_fields,
        "tags": parsed.get("tags", []),
        "status": None,
    }
    plan_row.values = written
    try:
        check_values(written)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = ERROR_FIELD.get(name, name)
            header = header_of.get(key) or _field_label(key)
            plan_row.problems += [(header, message) for message in messages]
    if not plan_row.problems:
        try:
            written["status"] = status_planned(
                parsed.get("status", ""), parsed.get("status_date", ""), written
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                header = header_of.get(key) or header_of.get("status", "")
                plan_row.problems += [(header, message) for message in messages]
    if plan_row.problems:
        plan_row.action = Action.REFUSED
    return plan_row


def _field_label(key: str) -> str:
    """For an error on a field no column was mapped to: what the field is called."""
    for model in (Case, Person):
        try:
            found = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        return str(getattr(found, "verbose_name", key))
    return ""


def check_values(values: dict[str, Any]) -> None:
    """The checks the services make before they write a new person and their case
    (person_create, person_name_add, case_create), but the uniqueness of the
    reference, which the plan checks for the whole file at once. ValidationError."""
    names = values["names"]
    if not names:
        raise ValidationError({"name": _("Enter the person's name.")})
    person, _names = build_person(values)
    errors: dict[str, list[str]] = {}
    # Fields whose values come from a fixed list (a country, a sex, a script) are
    # made by the cell readers above from that very list: checking them again against
    # 250 countries per row would double the time of a dry run.
    person_exclude = ["sex", "nationality"]
    name_exclude = ["person", "script", "kind"]
    for instance, exclude in ((person, person_exclude), *((n, name_exclude) for n in _names)):
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                known = errors.setdefault(name, [])
                known += [m for m in messages if m not in known]
    case = build_case(values)
    try:
        cases_services.not_in_the_future(
            disappeared_on=case.disappeared_on, last_contact_on=case.last_contact_on
        )
        if not case.reference:
            raise ValidationError({"reference": _("Enter a reference, e.g. TM-2021-003.")})
        cases_services._check_born_before(person, case)  # the service's own rules
        cases_services._check_last_contact(case)
        # created_by: the importer, set on writing; the others, as for the person.
        case.full_clean(exclude=CASE_CHOSEN, validate_unique=False, validate_constraints=False)
        # The first status ("reported missing") is dated from the disappearance, and
        # status_assert refuses what it would refuse then.
        case.derived_dates_set()
        first_status_on = case.disappeared_from or timezone.localdate()
        if first_status_on.year < MIN_YEAR:
            raise ValidationError(
                {"disappeared_on": _("Enter a date after %(year)d.") % {"year": MIN_YEAR}}
            )
        cases_services.not_in_the_future(disappeared_on=first_status_on)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


# Why a case closed before the import: status_assert needs one.
def closed_before_import() -> str:
    return _("Closed before the import, in the organisation's earlier records.")


def status_planned(status: str, given: Any, values: dict[str, Any]) -> dict[str, Any] | None:
    """The status assertion a row adds after the opening one, checked as status_assert
    checks it; None for none (no status, or "reported missing", the opening status
    itself). The status is dated from its own column, never from the import: a status
    learned in 2019 is news of 2019 (habeas.cases.silence), not of today.

    A partial date ("2019", "March 2019") is read as its latest known day, as silence
    reads every date, and never later than today. ValidationError by column key."""
    if not status:
        if given:
            raise ValidationError(
                {"status_date": _("This date has no status: fill in the status, or clear it.")}
            )
        return None
    if status == Status.REPORTED_MISSING:
        return None
    label = str(Status(status).label).lower()
    if not given:
        raise ValidationError(
            {
                "status": _(
                    "A status of %(status)s needs the date it became known: fill in the "
                    "status date column."
                )
                % {"status": label}
            }
        )
    try:
        cases_services.not_in_the_future(status_date=given)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    today = timezone.localdate()
    asserted_on = min(given.latest_known_day, today)
    case = build_case(values)
    case.derived_dates_set()
    opening_on = case.disappeared_from or today
    if asserted_on.year < MIN_YEAR:
        raise ValidationError(
            {"status_date": _("Enter a date after %(year)d.") % {"year": MIN_YEAR}}
        )
    gone = case.disappeared_on
    if isinstance(gone, PartialDate) and asserted_on < gone.lo:
        raise ValidationError(
            {"status_date": _("This is before the disappearance (%(gone)s).") % {"gone": str(gone)}}
        )
    if asserted_on < opening_on:
        # Without a disappearance date the opening status is dated the day of the
        # import, and the latest status is the current one: this one would be outranked.
        raise ValidationError(
            {
                "status_date": _(
                    "Fill in the disappearance date too: without it the case opens as "
                    "reported missing today, which would outrank a status of %(status)s as "
                    "of %(date)s."
                )
                % {"status": label, "date": str(given)}
            }
        )
    return {
        "status": status,
        "asserted_on": asserted_on,
        "given": given.display(),
        "closed_reason": closed_before_import() if status == Status.CLOSED else "",
        "basis": "",  # the commit names the file (services.status_basis)
    }


def build_person(values: dict[str, Any]) -> tuple[Person, list[PersonName]]:
    """The person and spellings person_create and person_name_add would save, unsaved."""
    names = values["names"]
    person = Person(display_name=names[0][0], **values["person"])
    spellings = [
        PersonName(
            person=person,
            text=text,
            script=cases_services._script_for(text, script),  # as the service detects it
            kind=PersonName.Kind.REPORTED,
            is_primary=i == 0,
        )
        for i, (text, script) in enumerate(names)
    ]
    return person, spellings


def build_case(values: dict[str, Any]) -> Case:
    return Case(**values["case"])


def import_plan_build(
    *, table: TableLike, mapping: dict[int, str], user: User, today: date | None = None
) -> ImportPlan:
    headers = list(table.headers)
    mapping = {int(k): v for k, v in mapping.items() if v}
    warnings: list[str] = []
    for index, key in sorted(mapping.items()):
        if key not in IMPORTED_FIELDS and 0 <= index < len(headers):
            warnings.append(
                _("Column %(column)s (%(field)s) is not imported: record it on the case page.")
                % {"column": headers[index], "field": key}
            )
    problems, at = mapping_problems(headers, mapping)
    plan = ImportPlan(
        headers=headers,
        mapping=mapping,
        rows=[],
        problems=problems,
        warnings=warnings,
        problem_columns=at,
    )
    if problems:
        return plan
    ref_header = next((headers[i] for i, k in mapping.items() if k == "reference"), "")
    id_header = next((headers[i] for i, k in mapping.items() if k == "external_id"), "")
    seen_ids: dict[str, int] = {}
    in_file = _InFile()
    register = _Register()
    seen_keys: dict[str, int] = {}
    derived = key_derivations()
    seen_refs: dict[str, int] = {}
    taken = references_taken()
    probed: list[int] = []
    batch: list[PlanRow] = []
    unmapped = [index for index in range(len(headers)) if index not in mapping]
    left_out: Counter[int] = Counter()
    for row in table.rows:
        left_out.update(i for i in unmapped if i < len(row.cells) and row.cells[i].strip())
        plan_row = _parse_row(row, headers, mapping, derived)
        plan.rows.append(plan_row)
        if plan_row.external_id and plan_row.external_id in seen_ids:
            # One id, two rows: which of them the id stands for cannot be told, and the
            # second would be "already imported" on every later import.
            plan_row.action = Action.REFUSED
            plan_row.problems.append(
                (
                    id_header,
                    _("Row %(row)d has this external id too: give each row its own.")
                    % {"row": seen_ids[plan_row.external_id]},
                )
            )
            continue
        if plan_row.external_id:
            seen_ids[plan_row.external_id] = plan_row.number
        if plan_row.key in seen_keys:
            plan_row.action = Action.ALREADY
            plan_row.problems = []
            plan_row.already = _("Same as row %(row)d of this file.") % {
                "row": seen_keys[plan_row.key]
            }
            continue
        seen_keys[plan_row.key] = plan_row.number
        if plan_row.action == Action.REFUSED:
            batch.append(plan_row)  # an earlier import of it still says so
        else:
            reference = plan_row.values["case"]["reference"].upper()
            if plan_row.reference_made and (reference in taken or reference in seen_refs):
                # A made reference taken, perhaps by a case the importer cannot see:
                # another one, and nothing said.
                reference = reference_made(taken.keys() | seen_refs.keys())
                plan_row.values["case"]["reference"] = reference
            if reference in seen_refs:
                plan_row.problems.append(
                    (
                        ref_header,
                        _("Row %(row)d has this reference too.") % {"row": seen_refs[reference]},
                    )
                )
                plan_row.action = Action.REFUSED
            elif reference in taken:
                plan_row.problems.append((ref_header, str(REFERENCE_TAKEN)))
                plan_row.action = Action.REFUSED
                probed.append(taken[reference])
            seen_refs.setdefault(reference, plan_row.number)
            if plan_row.action != Action.REFUSED:
                in_file.match(plan_row)
            batch.append(plan_row)
        if len(batch) >= CHUNK:
            _lookups(batch, user, register)
            batch = []
    _lookups(batch, user, register)
    in_file.settle(plan.rows)
    _audit_probes(probed, user)
    if left_out:
        plan.not_imported = not_imported_warning(headers, left_out)
        plan.warnings.append(plan.not_imported)
    mixed = [row.number for row in plan.rows if row.warnings]
    if mixed:
        plan.warnings.append(
            ngettext(
                "%(count)d row has a name mixing Cyrillic and Latin letters (row %(rows)s): "
                "separate the spellings with ;.",
                "%(count)d rows have a name mixing Cyrillic and Latin letters (rows %(rows)s): "
                "separate the spellings with ;.",
                len(mixed),
            )
            % {
                "count": len(mixed),
                "rows": ", ".join(map(str, mixed[:10])) + ("…" if len(mixed) > 10 else ""),
            }
        )
    plan.warnings += table.warnings  # a streamed table's, once its rows are read
    return plan


def not_imported_warning(headers: Sequence[str], cells: Counter[int]) -> str:
    """The columns with values that no field takes, named: what the import leaves behind."""
    names = ", ".join(headers[i] or f"#{i + 1}" for i in sorted(cells))
    total = sum(cells.values())
    if len(cells) == 1:
        text = ngettext(
            "Column %(columns)s (%(count)d non-empty cell) is not imported.",
            "Column %(columns)s (%(count)d non-empty cells) is not imported.",
            total,
        )
    else:
        text = ngettext(
            "Columns %(columns)s (%(count)d non-empty cell) are not imported.",
            "Columns %(columns)s (%(count)d non-empty cells) are not imported.",
            total,
        )
    advice = _(
        "Map free text to Summary (several columns may go there), or record it on the case "
        "page after the import."
    )
    return f"{text % {'columns': names, 'count': total}} {advice}"


def references_taken() -> dict[str, int]:
    """Every reference in use, upper-cased, with its case: one read for the file rather
    than one per row (case_with_reference compares them whatever the letter case)."""
    return dict(Case.objects.annotate(up=Upper("reference")).values_list("up", "pk"))


def _audit_probes(case_ids: list[int], user: User) -> None:
    """A file naming references of cases its importer cannot see probes them, as the
    form's reference check does (selectors.reference_probe): one entry for the file."""
    if not case_ids:
        return
    visible = set(cases_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    hidden = [pk for pk in case_ids if pk not in visible]
    if hidden:
        ids = Case.objects.filter(pk__in=hidden[:1000]).values_list("public_id", flat=True)
        audit_record(
            action="access.denied",
            actor=user,
            detail={"model": "cases.case", "ids": [str(i) for i in ids], "via": "import"},
        )


def _lookups(rows: list[PlanRow], user: User, register: _Register) -> None:
    if not rows:
        return
    _already_imported(rows, user)
    _duplicates([r for r in rows if r.action == Action.CREATE], user, register)


def _already_imported(rows: list[PlanRow], user: User) -> None:
    """Rows imported before into a case the user may see: nothing to do. One imported
    into a case they may not see is planned like any other row (its reference then
    clashes, with the one message for every clash)."""
    by_key = {key: row for row in rows for key in (row.key, *row.older_keys)}
    found = (
        ImportedRecord.objects.filter(key__in=list(by_key))
        .filter(Exists(cases_visible_to(user).filter(pk=OuterRef("case_id"))))
        .values_list("key", "batch__created_at", "case__reference")
    )
    for key, when, reference in found:
        row = by_key[key]
        row.action, row.problems = Action.ALREADY, []
        row.already = _("Already imported on %(date)s (case %(reference)s).") % {
            "date": timezone.localdate(when).isoformat(),
            "reference": reference,
        }


def _words(values: dict[str, Any]) -> list[list[tuple[tuple[str, str], ...]]]:
    """Per spelling of the row's name, the readings of each word."""
    words: list[list[tuple[tuple[str, str], ...]]] = values["words"]
    return words


class _Register:
    """What the duplicate check has read of the register while planning one file: each
    name key's and skeleton's people, and each matched person's line and visible cases.
    A file is looked up in chunks of rows, and a common surname is in every chunk: read
    once, not once a chunk (at 100,000 rows and a register of 7,000 namesakes, reading
    them again took minutes)."""

    def __init__(self) -> None:
        self.by_key: dict[str, frozenset[int]] = {}
        self.by_skeleton: dict[str, frozenset[int]] = {}
        self.word: dict[tuple[tuple[str, str], ...], frozenset[int]] = {}
        self.people: dict[int, Person] = {}  # matched and visible to the importer
        self.cases_of: dict[int, list[tuple[str, Any, str]]] = {}
        self.looked_at: set[int] = set()  # matched people whose visibility was read

    def read_names(self, keys: set[str], skeletons: set[str]) -> None:
        """Look up the keys and skeletons not read yet: two indexed reads rather than
        one OR (which SQLite would scan)."""
        for wanted, known, column in (
            (keys, self.by_key, "key"),
            (skeletons, self.by_skeleton, "skeleton"),
        ):
            missing = sorted(wanted - known.keys())
            found: dict[str, set[int]] = defaultdict(set)
            for chunk in _chunks(missing, CHUNK):
                tokens = NameToken.objects.filter(**{f"{column}__in": chunk})
                for person_id, value in tokens.values_list("person_id", column):
                    found[value].add(person_id)
            known.update((value, frozenset(found.get(value, ()))) for value in missing)

    def people_of(self, readings: tuple[tuple[str, str], ...]) -> frozenset[int]:
        """The people with a name token matching any reading of one word."""
        people = self.word.get(readings)
        if people is None:
            found: set[int] = set()
            for key, skeleton in readings:
                found |= self.by_key.get(key, frozenset())
                if len(skeleton) >= 3:
                    found |= self.by_skeleton.get(skeleton, frozenset())
            people = self.word[readings] = frozenset(found)
        return people

    def read_people(self, ids: set[int], user: User) -> None:
        """Which of the people `ids` not read yet `user` may see, through which cases."""
        missing = sorted(ids - self.looked_at)
        self.looked_at.update(missing)
        # Tested case by case (EXISTS): `case__in=visible` made SQLite list every case
        # the user may see, for each chunk of people.
        visible = Exists(cases_visible_to(user).filter(pk=OuterRef("case_id")))
        cases_of: dict[int, list[tuple[str, Any, str]]] = defaultdict(list)
        for chunk in _chunks(missing, CHUNK):
            through = Case.people.through.objects.filter(visible, person_id__in=chunk)
            for person_id, reference, gone, case_id in through.values_list(
                "person_id", "case__reference", "case__disappeared_on", "case__public_id"
            ).order_by("case__reference"):
                cases_of[person_id].append((reference, gone, str(case_id)))
        self.cases_of.update(cases_of)
        for chunk in _chunks(sorted(cases_of), CHUNK):
            self.people.update(
                (p.pk, p)
                for p in Person.objects.filter(pk__in=chunk).only(
                    "pk", "public_id", "display_name", "birth_date"
                )
            )


def _name_hits(words: list[tuple[tuple[str, str], ...]], register: _Register) -> dict[int, int]:
    """The people sharing at least two words of a spelling (the one word of a one-word
    name), with how many words they share. Found by intersecting the words' people two
    by two, which costs the smaller set of each pair, rather than counting every person
    of every word: a common surname alone has thousands."""
    sets = [register.people_of(readings) for readings in words]
    if len(sets) == 1:
        return dict.fromkeys(sets[0], 1)
    matched: set[int] = set()
    for i, first in enumerate(sets):
        for second in sets[i + 1 :]:
            matched |= first & second
    return {person_id: sum(person_id in s for s in sets) for person_id in matched}


def _duplicates(rows: list[PlanRow], user: User, register: _Register | None = None) -> None:
    """Possible duplicates among the people `user` may see: the same cross-script name
    keys (habeas.lib.names, as person search) for at least two words of a spelling
    (the one word of a one-word name), then ranked by birth and disappearance dates.
    `register`: what earlier chunks of the same file read (a fresh one if None)."""
    if not rows:
        return
    register = register if register is not None else _Register()
    spellings = {row.number: _words(row.values) for row in rows}
    keys: set[str] = set()
    skeletons: set[str] = set()
    for words_of in spellings.values():
        for words in words_of:
            for readings in words:
                keys.update(k for k, _s in readings)
                skeletons.update(s for _k, s in readings if len(s) >= 3)
    register.read_names(keys, skeletons)
    matches: dict[int, dict[int, int]] = {}
    for number, words_of in spellings.items():
        best: dict[int, int] = {}
        for words in words_of:
            for person_id, hit in _name_hits(words, register).items():
                if hit > best.get(person_id, 0):
                    best[person_id] = hit
        if best:
            matches[number] = best
    if not matches:
        return
    # Only now, for the people matched: which of them `user` may see, through which cases.
    register.read_people({pid for found in matches.values() for pid in found}, user)
    people, cases_of = register.people, register.cases_of
    for row in rows:
        seen = {pid: hit for pid, hit in matches.get(row.number, {}).items() if pid in people}
        if seen:  # after the file's own rows it may repeat (_InFile)
            row.candidates = [c for c in row.candidates if c.row] + _rank(
                row, seen, people, cases_of
            )
            row.action = Action.DUPLICATE
    _changed_since([row for row in rows if row.action == Action.DUPLICATE])


def _changed_since(rows: list[PlanRow]) -> None:
    """A row shown a candidate whose case an earlier import made from the same row
    number: the same row of the same sheet, corrected since (without an external id
    its key changed with it). Said so, and skipped unless the importer says new: a
    second case for the same person is what a corrected row must not make."""
    shown = {case_id for row in rows for c in row.candidates for case_id, _ref in c.cases}
    if not shown:
        return
    earlier: dict[tuple[int, str], tuple[Any, str]] = {}
    for ids in _chunks(sorted(shown), CHUNK):
        for number, made, when, reference in ImportedRecord.objects.filter(
            case__public_id__in=ids
        ).values_list("row", "case__public_id", "batch__created_at", "case__reference"):
            earlier.setdefault((number, str(made)), (when, reference))
    for row in rows:
        for candidate in row.candidates:
            for case_id, _ref in candidate.cases:
                found = earlier.get((row.number, case_id))
                if found and not row.changed:
                    row.changed = _(
                        "Changed since the import of %(date)s (case %(reference)s): the same "
                        "row of the file, corrected. Skipped unless you import it as new."
                    ) % {"date": timezone.localdate(found[0]).isoformat(), "reference": found[1]}


class _InFile:
    """Rows of one file that look like the same person: the cross-script name keys of
    the duplicate check (at least two words of a spelling, the one word of a one-word
    name) and the same birth date or the same disappearance date. Indexed by date and
    key, so that a file of 100,000 rows with a common surname stays linear."""

    def __init__(self) -> None:
        # hash((date kind, date, key)) → the first row with it, or the rows: at 100,000
        # rows of several words, tuples and sets here would hold hundreds of MB.
        self.index: dict[int, int | list[int]] = {}
        self.rows: dict[int, PlanRow] = {}

    def _found(self, entry: tuple[str, Any, str]) -> Iterable[int]:
        found = self.index.get(hash(entry), ())
        return (found,) if isinstance(found, int) else found

    def _add(self, entry: tuple[str, Any, str], number: int) -> None:
        at = hash(entry)
        found = self.index.get(at)
        if found is None:
            self.index[at] = number
        elif isinstance(found, int):
            if found != number:
                self.index[at] = [found, number]
        elif found[-1] != number:
            found.append(number)

    @staticmethod
    def _dates(row: PlanRow) -> list[tuple[str, Any]]:
        dates = []
        for kind, value in (
            ("born", row.values["person"].get("birth_date")),
            ("gone", row.values["case"].get("disappeared_on")),
        ):
            if isinstance(value, PartialDate):
                dates.append((kind, (value.lo, value.hi)))
        return dates

    def match(self, row: PlanRow) -> None:
        """Look `row` up among the rows before it, then index it."""
        dates = self._dates(row)
        if not dates:
            return
        best: dict[int, tuple[int, str]] = {}
        for words in _words(row.values):
            for kind, day in dates:
                hits: Counter[int] = Counter()
                for readings in words:
                    found: set[int] = set()
                    for key, skeleton in readings:
                        found.update(self._found((kind, day, "k" + key)))
                        if len(skeleton) >= 3:
                            found.update(self._found((kind, day, "s" + skeleton)))
                    hits.update(found)
                for number, hit in hits.items():
                    if hit >= min(2, len(words)) and hit > best.get(number, (0, ""))[0]:
                        best[number] = (hit, kind)
        if best:
            number = min(best)  # the first row it repeats
            hit, kind = best[number]
            first = self.rows[number]
            reasons = [
                _("possible duplicate of row %(row)d") % {"row": number},
                _("%(n)d words of the name") % {"n": hit},
                _("birth date matches") if kind == "born" else _("disappearance date matches"),
            ]
            born = first.values["person"].get("birth_date")
            row.candidates.insert(
                0,
                Candidate(
                    public_id=f"row:{number}",
                    name=first.name,
                    birth_date=str(born) if isinstance(born, PartialDate) else "",
                    cases=(),
                    reasons=tuple(reasons),
                    score=hit + 2,
                    row=number,
                ),
            )
        self.rows[row.number] = row
        for words in _words(row.values):
            for readings in words:
                for key, skeleton in readings:
                    for kind, day in dates:
                        self._add((kind, day, "k" + key), row.number)
                        if len(skeleton) >= 3:
                            self._add((kind, day, "s" + skeleton), row.number)

    def settle(self, rows: list[PlanRow]) -> None:
        """Once every row is looked up: a row that repeats an earlier one that will be
        written is a possible duplicate, decided like one of someone recorded. A repeat
        of a row imported before (or refused) is left to the check against the records."""
        written = {row.number for row in rows if row.action in (Action.CREATE, Action.DUPLICATE)}
        for row in rows:
            if not row.candidates:
                continue
            if row.action not in (Action.CREATE, Action.DUPLICATE):
                row.candidates = []
                continue
            row.candidates = [c for c in row.candidates if not c.row or c.row in written]
            if row.candidates:
                row.action = Action.DUPLICATE


# The duplicate check by its public name, for the other ways in (the PFIF import):
# `rows` with values "words", "person" and "case" as _parse_row makes them.
duplicates_mark = _duplicates


def _overlap(a: Any, b: Any) -> bool | None:
    if not isinstance(a, PartialDate) or not isinstance(b, PartialDate):
        return None
    return a.lo <= b.hi and b.lo <= a.hi


def _rank(
    row: PlanRow,
    found: dict[int, int],
    people: dict[int, Person],
    cases_of: dict[int, list[tuple[str, Any, str]]],
) -> list[Candidate]:
    born = row.values["person"].get("birth_date")
    gone = row.values["case"].get("disappeared_on")

    def score(person_id: int) -> tuple[int, bool | None, list[str]]:
        same_birth = _overlap(born, people[person_id].birth_date)
        same_gone = [ref for ref, on, _id in cases_of[person_id] if _overlap(gone, on)]
        points = found[person_id] + (2 if same_birth else -2 if same_birth is False else 0)
        return points + (2 if same_gone else 0), same_birth, same_gone

    scored = {pid: score(pid) for pid in found}
    best = heapq.nsmallest(
        CANDIDATES_SHOWN,
        scored,
        key=lambda pid: (-scored[pid][0], people[pid].display_name, pid),
    )
    ranked = []
    for person_id in best:
        person = people[person_id]
        points, same_birth, same_gone = scored[person_id]
        reasons = [_("%(n)d words of the name") % {"n": found[person_id]}]
        if same_birth:
            reasons.append(_("birth date matches"))
        elif same_birth is False:
            reasons.append(_("born %(date)s") % {"date": str(person.birth_date)})
        if same_gone:
            reasons.append(_("disappearance date matches case %(ref)s") % {"ref": same_gone[0]})
        ranked.append(
            Candidate(
                public_id=str(person.public_id),
                name=person.display_name,
                birth_date=str(person.birth_date) if person.birth_date else "",
                cases=tuple((case_id, ref) for ref, _on, case_id in cases_of[person_id]),
                reasons=tuple(reasons),
                score=points,
            )
        )
    return ranked


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
