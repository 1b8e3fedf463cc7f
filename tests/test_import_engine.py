"""The import of a spreadsheet of cases, as the web steps and the command call it: the
dry run says per row what would happen and why not; the commit writes a whole file or
nothing, never twice, audited once, and an old case arrives without a burst of alerts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from habeas.alerts import detection
from habeas.alerts.models import Alert, Deadline, Rule
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Case, Person, Priority
from habeas.imports import plan as plan_module
from habeas.imports import selectors, services, storage
from habeas.imports.models import ImportBatch, ImportedRecord, ImportUpload
from habeas.imports.plan import Action
from habeas.lib.partialdate import PartialDate
from tests.support.import_tables import mapping_of, table

TODAY = datetime(2026, 12, 6, 15, 43, tzinfo=UTC)
HEADERS = ["reference", "name", "birth_date", "country", "disappeared_on", "last_contact_on"]


def _plan(user, *rows, headers=HEADERS, mapping=None):
    return selectors.import_plan(
        table=table(headers, *rows), mapping=mapping or mapping_of(headers), user=user
    )


def _commit(user, plan, **kwargs):
    kwargs.setdefault("file_sha256", "a" * 64)
    return services.import_commit(plan=plan, by=user, **kwargs)


GOOD = ["TM-2021-101", "Azat Isakov", "1985", "Turkmenistan", "20.10.2021", "Oct 2021"]
BAD_DATE = ["TM-2021-102", "Gulnara Berdyeva", "", "TM", "the 35th of Octember", ""]


# --- the dry run ------------------------------------------------------------------------


def test_the_dry_run_names_the_row_and_column_of_each_problem_and_writes_nothing(alice):
    plan = _plan(alice, GOOD, BAD_DATE, ["TM-2021-103", "", "", "XX-land", "", ""])
    assert [row.action for row in plan.rows] == [Action.CREATE, Action.REFUSED, Action.REFUSED]
    assert plan.rows[1].number == 3
    assert [h for h, _m in plan.rows[1].problems] == ["disappeared_on"]
    problems = dict(plan.rows[2].problems)
    assert "“XX-land” is not a country Habeas knows." in problems["country"]
    assert plan.rows[0].values["case"]["country"] == "TM"  # by name
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_dates_the_forms_accept_in_one_column_of_mixed_formats(alice):
    # Five people: one name with one date twice in a file is a repeat (plan._InFile).
    surnames = ["Isakov", "Amanov", "Hojaev", "Nurov", "Owezow"]
    rows = [
        [f"R-{i}", f"Azat {surnames[i]}", "", "TM", when, ""]
        for i, when in enumerate(
            ["20.10.2021", "2021-10-20", "Oct 2021", "about 2002", "20 октября 2021"]
        )
    ]
    plan = _plan(alice, *rows)
    assert plan.counts[Action.CREATE] == 5, [r.problems for r in plan.rows]
    shown = [row.values["case"]["disappeared_on"].display() for row in plan.rows]
    assert shown[0] == shown[1] == shown[4]


def test_a_date_in_the_future_and_a_birth_after_the_disappearance_are_refused(alice):
    with time_machine.travel(TODAY, tick=False):
        plan = _plan(
            alice,
            ["R-1", "Azat Isakov", "", "TM", "2030", ""],
            ["R-2", "Azat Isakov", "2022", "TM", "2021", ""],
        )
    assert "2030 is in the future." in dict(plan.rows[0].problems)["disappeared_on"]
    assert "was born 2022, after the disappearance" in dict(plan.rows[1].problems)["disappeared_on"]


def test_a_last_contact_after_the_disappearance_is_refused_on_its_column(alice):
    plan = _plan(
        alice,
        ["R-1", "Azat Isakov", "", "TM", "20.10.2021", "Nov 2021"],
        ["R-2", "Azat Isakov", "", "TM", "20.10.2021", "Oct 2021"],
    )
    assert [row.action for row in plan.rows] == [Action.REFUSED, Action.CREATE]
    said = dict(plan.rows[0].problems)["last_contact_on"]
    assert "The last contact (Nov 2021) is after the disappearance (20 Oct 2021)" in said


def test_a_column_mapped_twice_is_a_problem_of_the_file(alice):
    headers = ["reference", "name", "Имя", "country"]
    plan = _plan(
        alice,
        ["R-1", "Azat", "Азат", "TM"],
        headers=headers,
        mapping={0: "reference", 1: "name", 2: "name", 3: "country"},
    )
    assert plan.problems == ["name, Имя are all mapped to name: map one column to it."]
    assert plan.problem_columns == [1, 2]
    assert plan.rows == []
    with pytest.raises(ValidationError):
        _commit(alice, plan)


def test_references_clash_within_the_file_and_with_recorded_cases(alice, alices_case):
    plan = _plan(
        alice,
        GOOD,
        ["tm-2021-101", "Other", "", "TM", "", ""],
        ["tm-2021-003", "X Y", "", "TM", "", ""],
    )
    assert plan.rows[1].problems == [("reference", "Row 2 has this reference too.")]
    assert plan.rows[2].problems == [
        ("reference", "This reference cannot be used. Choose another.")
    ]


def test_a_reference_of_a_case_the_importer_cannot_see_gets_the_forms_one_message_and_is_audited(
    charlie, alices_case
):
    plan = _plan(charlie, ["TM-2021-003", "X Y", "", "TM", "", ""])
    assert plan.rows[0].problems == [
        ("reference", "This reference cannot be used. Choose another.")
    ]
    probe = AuditEntry.objects.get(action="access.denied", actor_id=charlie.pk)
    assert probe.detail == {
        "model": "cases.case",
        "ids": [str(alices_case.public_id)],
        "via": "import",
    }


# --- commit: all or nothing ---------------------------------------------------------------


def test_a_file_with_a_problem_imports_nothing_unless_the_valid_rows_are_chosen(alice):
    plan = _plan(alice, GOOD, BAD_DATE)
    with pytest.raises(ValidationError, match="Row 3 has a problem: nothing was imported"):
        _commit(alice, plan)
    assert Case.objects.count() == 0 and ImportBatch.objects.count() == 0
    batch = _commit(alice, plan, valid_rows_only=True)
    assert (batch.created, batch.refused) == (1, 1)
    assert list(Case.objects.values_list("reference", flat=True)) == ["TM-2021-101"]


def test_an_error_in_the_middle_of_a_file_leaves_nothing(alice, monkeypatch):
    from habeas.imports import bulk

    plan = _plan(alice, *[[f"R-{i}", f"Person {i}", "", "TM", "", ""] for i in range(30)])
    calls = {"n": 0}
    original = bulk._write_chunk

    def fail_on_the_second_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(bulk, "CHUNK", 10)
    monkeypatch.setattr(bulk, "_write_chunk", fail_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        _commit(alice, plan)
    assert Case.objects.count() == Person.objects.count() == ImportBatch.objects.count() == 0
    assert not AuditEntry.objects.filter(action="import.commit").exists()


def test_a_viewer_cannot_import(vera):
    plan = _plan(vera, GOOD)
    with pytest.raises(ValidationError, match=r"A viewer cannot import cases\."):
        _commit(vera, plan)


# --- idempotence -----------------------------------------------------------------------------


def test_importing_the_same_file_again_creates_nothing_and_says_when_it_was_imported(alice):
    with time_machine.travel(TODAY, tick=False):
        _commit(alice, _plan(alice, GOOD))
    again = _plan(alice, GOOD)
    assert again.rows[0].action == Action.ALREADY
    assert again.rows[0].already == "Already imported on 2026-12-06 (case TM-2021-101)."
    batch = _commit(alice, again)
    assert (batch.created, batch.already) == (0, 1)
    assert Case.objects.count() == 1


def test_the_external_id_finds_a_row_again_even_when_its_other_cells_changed(alice):
    headers = [*HEADERS, "external_id"]
    _commit(alice, _plan(alice, [*GOOD, "uwazi-17"], headers=headers))
    changed = [*GOOD[:4], "21.10.2021", "", "uwazi-17"]
    assert _plan(alice, changed, headers=headers).rows[0].action == Action.ALREADY
    # Without an external id, the row's content is its key: a changed row is new.
    assert _plan(alice, changed[:-1]).rows[0].action != Action.ALREADY


def test_the_same_row_twice_in_a_file_is_imported_once(alice):
    plan = _plan(alice, GOOD, GOOD)
    assert plan.rows[1].action == Action.ALREADY
    assert plan.rows[1].already == "Same as row 2 of this file."
    assert _commit(alice, plan).created == 1


def test_a_reference_taken_between_the_dry_run_and_the_commit_refuses_the_file(alice):
    plan = _plan(alice, GOOD)
    person = cases.person_create(name="Someone", by=alice)
    cases.case_create(reference="TM-2021-101", person=person, country="TM", by=alice)
    with pytest.raises(ValidationError, match="changed since the dry run"):
        _commit(alice, plan)


# --- duplicates ------------------------------------------------------------------------------


def test_people_recorded_under_another_spelling_are_offered_as_possible_duplicates(
    alice, alices_case
):
    # alices_case: Рустам Исаков, also Rustam Isakow.
    plan = _plan(alice, ["TM-NEW-1", "Rustam Isakov", "", "TM", "20 Oct 2021", ""])
    row = plan.rows[0]
    assert row.action == Action.DUPLICATE
    person = alices_case.people.get()
    assert [c.public_id for c in row.candidates] == [str(person.public_id)]
    assert row.candidates[0].reasons == (
        "2 words of the name",
        "disappearance date matches case TM-2021-003",
    )
    assert row.candidates[0].cases == ((str(alices_case.public_id), "TM-2021-003"),)


def test_a_file_in_many_chunks_reads_each_name_of_the_register_once(
    alice, alices_case, monkeypatch
):
    """A long file is looked up a chunk of rows at a time, and a common name is in every
    chunk: its namesakes in the register are read once for the file (reading them again
    for each chunk took minutes at 100,000 rows), and every chunk's rows still find them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(plan_module, "CHUNK", 4)

    def token_reads(rows: int) -> int:
        names = ["Rustam Isakov", "Isakov Rustam Bekovich", "Guljan Annaeva"]
        file = [
            [f"TM-NEW-{i}", names[i % 3], "", "TM", f"{1990 + i % 30}", ""] for i in range(rows)
        ]
        with CaptureQueriesContext(connection) as queries:
            plan = _plan(alice, *file)
        person = str(alices_case.people.get().public_id)
        for row in plan.rows:
            expected = [person] if row.number % 3 != 1 else []  # Guljan Annaeva: no one
            assert [c.public_id for c in row.candidates if not c.row] == expected, row.number
        return sum("cases_nametoken" in q["sql"] for q in queries.captured_queries)

    assert token_reads(36) == token_reads(4)  # nine chunks read what one chunk read


def test_a_person_on_a_case_the_importer_cannot_see_is_never_mentioned(charlie, alices_case):
    plan = _plan(charlie, ["TM-NEW-1", "Rustam Isakov", "", "TM", "20 Oct 2021", ""])
    row = plan.rows[0]
    assert row.action == Action.CREATE
    assert row.candidates == []
    assert "Isakov" not in json.dumps([r.already for r in plan.rows] + plan.warnings)


def test_an_undecided_possible_duplicate_is_skipped_and_new_creates_a_second_person(
    alice, alices_case
):
    plan = _plan(alice, ["TM-NEW-1", "Rustam Isakov", "", "TM", "", ""])
    assert _commit(alice, plan).skipped == 1
    assert Person.objects.count() == 1
    _commit(alice, plan, decisions={2: "new"})
    assert Person.objects.count() == 2


def test_same_person_opens_a_case_for_them_through_the_services(alice, alices_case):
    person = alices_case.people.get()
    plan = _plan(alice, ["TM-NEW-1", "Rustam Isakov", "", "TM", "20 Oct 2021", ""])
    batch = _commit(alice, plan, decisions={2: f"same:{person.public_id}"})
    assert batch.linked == 1
    case = Case.objects.get(reference="TM-NEW-1")
    assert list(case.people.all()) == [person]
    assert "Rustam Isakov" in person.names.values_list("text", flat=True)
    assert ImportedRecord.objects.get(batch=batch).case == case


def test_same_person_accepts_only_a_candidate_the_plan_showed(alice, alices_case, charlie):
    hidden = cases.person_create(name="Rustam Isakov", by=charlie)
    cases.case_create(reference="C-1", person=hidden, country="TM", by=charlie)
    plan = _plan(alice, ["TM-NEW-1", "Rustam Isakov", "", "TM", "", ""])
    with pytest.raises(ValidationError, match="Row 2: choose new, skip or one of the people shown"):
        _commit(alice, plan, decisions={2: f"same:{hidden.public_id}"})
    assert not Case.objects.filter(reference="TM-NEW-1").exists()


# --- audit ----------------------------------------------------------------------------------


def test_one_audit_entry_per_file_with_its_hash_and_counts_and_no_name(alice):
    before = AuditEntry.objects.count()
    plan = _plan(alice, GOOD, BAD_DATE, ["R-3", "Dilshod Rahimov", "", "UZ", "", ""])
    batch = _commit(alice, plan, valid_rows_only=True, file_sha256="f" * 64)
    entries = list(AuditEntry.objects.filter(pk__gt=before))
    assert [e.action for e in entries] == ["import.commit"]
    assert entries[0].actor_id == alice.pk
    assert entries[0].target_id == str(batch.public_id)
    assert entries[0].detail == {
        "sha256": "f" * 64, "rows": 3, "created": 2, "linked": 0, "skipped": 0,
        "already": 0, "refused": 1,
    }  # fmt: skip
    said = json.dumps(entries[0].detail)
    assert "Isakov" not in said and "Rahimov" not in said


def test_a_dry_run_is_audited_with_the_files_hash(alice):
    plan = _plan(alice, GOOD)
    services.import_dry_run_record(by=alice, file_sha256="b" * 64, counts=services.counts_of(plan))
    entry = AuditEntry.objects.get(action="import.dry_run")
    assert entry.detail["sha256"] == "b" * 64 and entry.detail["create"] == 1


# --- silence and alerts -----------------------------------------------------------------------


def test_an_imported_old_case_counts_silence_from_its_own_dates(alice):
    with time_machine.travel(TODAY, tick=False):
        _commit(alice, _plan(alice, GOOD))
        case = Case.objects.get()
        assert case.last_info_at == datetime(2021, 11, 1, tzinfo=UTC)
        assert case.days_since_info(timezone.localdate()) == 1861
        # Its UN window closed in 2022: nothing is due for it.
        assert not Deadline.objects.filter(case=case, rule=Rule.WINDOW).exists()


def _alerts_between(start: datetime, end: datetime, step: timedelta) -> list[Alert]:
    at = start
    while at <= end:
        with time_machine.travel(at, tick=False):
            detection.detect_due(now=timezone.now())
        at += step
    return list(Alert.objects.order_by("due_at"))


def test_a_hundred_old_cases_with_risk_flags_arrive_without_a_burst_of_alerts(alice):
    headers = [*HEADERS, "risk_torture", "priority"]
    rows = [
        [f"R-{i}", f"Person {i} Name", "", "TM", "2015", "", "yes", "normal"] for i in range(100)
    ]
    with time_machine.travel(TODAY, tick=False):
        _commit(alice, _plan(alice, *rows, headers=headers))
    assert set(Case.objects.values_list("priority", flat=True)) == {Priority.NORMAL}
    # Nothing on the day, nor later: silent since 2015 when imported, they are listed
    # as gone quiet but raise no quiet alert (habeas.alerts.rules.live_trail), and a
    # year names no anniversary day.
    assert not Deadline.objects.filter(rule__in=[Rule.QUIET, Rule.ANNIVERSARY]).exists()
    raised = _alerts_between(TODAY, TODAY + timedelta(days=30), timedelta(days=3))
    assert raised == []


def test_the_form_raises_the_risk_alert_the_import_does_not(alice):
    with time_machine.travel(TODAY, tick=False):
        case = cases.case_open(
            name="Azat Isakov", reference="F-1", country="TM", risk_torture=True, by=alice
        )
    assert Alert.objects.filter(case=case, rule=Rule.RISK).exists()


def test_a_recent_imported_case_gets_its_urgent_window_deadline(alice):
    with time_machine.travel(TODAY, tick=False):
        _commit(alice, _plan(alice, ["R-1", "Azat Isakov", "", "TM", "1 Nov 2026", ""]))
    case = Case.objects.get()
    window = Deadline.objects.get(case=case, rule=Rule.WINDOW)
    assert case.urgent_window_closes == PartialDate.parse("1 Feb 2027").lo
    assert window.occurrence == "2027-02-01/30"


# --- uploads ---------------------------------------------------------------------------------


def test_an_upload_is_stored_encrypted_and_read_back_only_by_its_uploader(alice, bob):
    data = "reference,name\nTM-1,Азат Исаков\n".encode()
    upload = services.import_upload_store(data=data, filename="cases.csv", by=alice)
    stored = storage.path_of(upload.public_id).read_bytes()
    assert "Исаков".encode() not in stored and b"TM-1" not in stored
    assert selectors.import_upload_read(user=alice, public_id=upload.public_id)[1] == data
    with pytest.raises(Http404):
        selectors.import_upload_read(user=bob, public_id=upload.public_id)


def test_an_upload_is_gone_after_a_day(alice, django_capture_on_commit_callbacks):
    upload = services.import_upload_store(data=b"a,b\n", filename="x.csv", by=alice)
    later = timezone.now() + timedelta(days=1, seconds=1)
    with pytest.raises(Http404):
        selectors.import_upload_read(user=alice, public_id=upload.public_id, now=later)
    assert not storage.path_of(upload.public_id).exists()
    assert not ImportUpload.objects.exists()


def test_old_uploads_are_swept_when_a_new_one_is_stored(alice, django_capture_on_commit_callbacks):
    old = services.import_upload_store(data=b"a,b\n", filename="x.csv", by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_upload_store(
            data=b"c,d\n", filename="y.csv", by=alice, now=timezone.now() + timedelta(days=2)
        )
    assert not ImportUpload.objects.filter(pk=old.pk).exists()
    assert not storage.path_of(old.public_id).exists()


# --- mappings --------------------------------------------------------------------------------


def test_a_saved_mapping_maps_the_next_file_by_its_headers_in_any_order(alice):
    saved = services.import_mapping_save(
        name="Uwazi export",
        headers=["Ref", "Full name", "Country"],
        mapping={0: "reference", 1: "name", 2: "country"},
        by=alice,
    )
    assert selectors.mapping_apply(saved, ["country", "Notes", "FULL  NAME", "ref"]) == {
        0: "country",
        2: "name",
        3: "reference",
    }
    assert AuditEntry.objects.filter(action="import.mapping_save").count() == 1


def test_only_its_creator_or_an_administrator_replaces_a_saved_mapping(alice, charlie, ada):
    headers = ["Name", "Country", "Informant"]
    services.import_mapping_save(
        name="Coalition list", headers=headers, mapping={0: "name", 1: "country"}, by=alice
    )
    with pytest.raises(ValidationError) as refused:
        services.import_mapping_save(
            name=" Coalition  list ",
            headers=headers,
            mapping={0: "name", 1: "country", 2: "summary"},
            by=charlie,
        )
    assert "saved by someone else" in str(refused.value.message_dict["name"])
    saved = selectors.mapping_by_name("Coalition list")
    assert saved.mapping == {"headers": {"Name": "name", "Country": "country"}}
    assert saved.created_by == alice
    assert selectors.mapping_apply(saved, headers) == {0: "name", 1: "country"}
    services.import_mapping_save(
        name="Coalition list", headers=headers, mapping={0: "name"}, by=alice
    )
    services.import_mapping_save(
        name="Coalition list", headers=headers, mapping={0: "name", 1: "country"}, by=ada
    )
    saved.refresh_from_db()
    assert saved.created_by == alice and saved.mapping["headers"]["Country"] == "country"
    assert AuditEntry.objects.filter(action="import.mapping_save").count() == 3


def test_a_file_without_references_gets_a_random_one_per_row_and_is_found_again(alice):
    headers = ["name", "country"]
    rows = (["Azat Isakov", "TM"], ["Dilshod Rahimov", "UZ"])
    plan = _plan(alice, *rows, headers=headers)
    made = [row.values["case"]["reference"] for row in plan.rows]
    assert all(ref.startswith("IMP-") and len(ref) == 14 for ref in made)
    # Not made from the row: another import of it (another team's) gets others.
    assert set(made).isdisjoint(
        r.values["case"]["reference"] for r in _plan(alice, *rows, headers=headers).rows
    )
    _commit(alice, plan)
    assert sorted(Case.objects.values_list("reference", flat=True)) == sorted(made)
    assert _plan(alice, *rows, headers=headers).counts[Action.ALREADY] == 2


# --- another team's import of the same file tells nothing ----------------------------------

SHARED = ["external_id", "name", "birth_date", "country", "disappeared_on"]
LIST = (
    ["KG-7", "Azat Isakov", "1990", "KG", "2021"],
    ["KG-8", "Bakyt Ormonov", "1975", "KG", "2019"],
)
NO_ID = ["name", "birth_date", "country", "disappeared_on"]


def _said(plan):
    return [(row.action, row.problems, row.already, row.candidates) for row in plan.rows]


@pytest.mark.parametrize("headers", [SHARED, NO_ID], ids=["external id", "content hash"])
def test_two_teams_importing_the_same_file_each_get_their_own_cases_and_learn_nothing(
    alice, charlie, headers
):
    rows = [r[-len(headers) :] for r in LIST]
    never_seen = _said(_plan(charlie, *rows, headers=headers))
    early = _plan(charlie, *rows, headers=headers)  # charlie's dry run, before alice commits
    _commit(alice, _plan(alice, *rows, headers=headers))
    plan = _plan(charlie, *rows, headers=headers)
    assert _said(plan) == never_seen
    assert plan.counts[Action.CREATE] == 2
    # Nor at the commit, even of a dry run made before alice's import.
    batch = _commit(charlie, early)
    assert batch.created == 2
    theirs = Case.objects.filter(created_by=charlie)
    assert theirs.count() == 2 and Case.objects.filter(created_by=alice).count() == 2
    assert set(theirs.values_list("reference", flat=True)).isdisjoint(
        Case.objects.filter(created_by=alice).values_list("reference", flat=True)
    )
    assert not AuditEntry.objects.filter(actor_id=charlie.pk, action="access.denied").exists()
    # And each finds their own import again.
    assert _plan(charlie, *rows, headers=headers).counts[Action.ALREADY] == 2
    assert _plan(alice, *rows, headers=headers).counts[Action.ALREADY] == 2


def test_a_made_reference_taken_by_a_hidden_case_is_silently_replaced(alice, charlie, monkeypatch):
    # alice gets A; charlie draws A too (taken: he gets B), alice then C, charlie D.
    made = iter(["aaaaaaaaaa", "aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd"])
    monkeypatch.setattr(plan_module.secrets, "token_hex", lambda n: next(made))
    _commit(alice, _plan(alice, ["Azat Isakov", "KG"], headers=["name", "country"]))
    assert Case.objects.get().reference == "IMP-AAAAAAAAAA"
    plan = _plan(charlie, ["Someone Else", "KG"], headers=["name", "country"])
    assert _said(plan) == [(Action.CREATE, [], "", [])]
    assert plan.rows[0].values["case"]["reference"] == "IMP-BBBBBBBBBB"
    # Taken between charlie's dry run and his commit: another one, nothing refused.
    _commit(alice, _plan(alice, ["Gulnara Berdyeva", "KG"], headers=["name", "country"]))
    assert Case.objects.filter(reference="IMP-CCCCCCCCCC").exists()
    plan.rows[0].values["case"]["reference"] = "IMP-CCCCCCCCCC"
    _commit(charlie, plan)
    assert Case.objects.get(created_by=charlie).reference == "IMP-DDDDDDDDDD"
    assert not AuditEntry.objects.filter(actor_id=charlie.pk, action="access.denied").exists()


def test_the_commit_deletes_the_upload_it_was_read_from(alice, django_capture_on_commit_callbacks):
    upload = services.import_upload_store(data=b"x", filename="cases.csv", by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        _commit(alice, _plan(alice, GOOD), upload=upload)
    assert not ImportUpload.objects.exists()
    assert not storage.path_of(upload.public_id).exists()


def test_a_committed_file_and_its_cases_are_its_importers_only(alice, bob):
    batch = _commit(alice, _plan(alice, GOOD))
    assert selectors.import_batch_read(user=alice, public_id=batch.public_id) == batch
    cases_of = selectors.import_batch_cases(batch=batch, user=alice)
    assert [c.reference for c in cases_of] == ["TM-2021-101"]
    with pytest.raises(Http404):
        selectors.import_batch_read(user=bob, public_id=batch.public_id)
    assert list(selectors.import_batch_cases(batch=batch, user=bob)) == []


def test_a_row_with_an_empty_country_or_name_is_refused_on_its_column(alice):
    """As on the form and the API: every case has a country and a name, also the rows
    under a merged country cell, which come in empty (user replay #2)."""
    plan = _plan(
        alice,
        ["R-1", "Azat Isakov", "", "", "20.10.2021", ""],
        ["R-2", "", "", "TM", "20.10.2021", ""],
        ["R-3", "Azat Isakov", "", "TM", "20.10.2021", ""],
    )
    assert [row.action for row in plan.rows] == [Action.REFUSED, Action.REFUSED, Action.CREATE]
    assert "needs the country" in dict(plan.rows[0].problems)["country"]
    assert "needs the person's name" in dict(plan.rows[1].problems)["name"]
