"""A write service is one transaction with its audit entry: when the audit step
fails, nothing the service wrote is kept (rows, history rows, links, files).

The first test reads every services module: a public function that writes is
`@transaction.atomic`, or writes only inside `with transaction.atomic()`, or is
listed below with the reason. Calling an atomic service of its own module is
writing: two such calls are two transactions unless the caller is one. Services
are not `durable=True`: they compose (a case opened with its person, a case
change recomputing its deadlines) and the demo records everything in one
transaction.

The others make the audit log fail and do what a user does on a page (or, where
noted, what the page's view calls), then check that not one row changed."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import habeas
from habeas.alerts import outbox
from habeas.audit import services as audit
from habeas.audit.models import AuditEntry
from habeas.evidence.services import element_assess
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim

# --------------------------------------------------- every write service is atomic

WRITES = {"save", "create", "update", "delete", "get_or_create", "update_or_create"}

# Public services that write outside one transaction, and why.
NOT_ONE_TRANSACTION = {
    "accounts.two_factor_check": "one write or the other, never both: six digits are the "
    "authenticator's code (its time step kept against replay), anything else a backup code "
    "(spent); each is one transaction of its own",
    "accounts.reauthenticate": "a refused or a failed attempt, never both, each one "
    "transaction; it counts towards the lockout, so it must stand though what it guarded is "
    "refused (the refusal is returned, not raised, and an atomic caller commits it)",
    "accounts.backup_codes_regenerate": "a wrong password is recorded by reauthenticate and "
    "stands; a right one writes nothing before the new codes, one transaction of their own",
    "evidence.evidence_add": "files first: sealed into temporary files, then the rows and "
    "the audit entry in one transaction, and the files kept only if it commits",
    "evidence.evidence_inspect": "a page view's cache, one row (the stored report, or the "
    "item marked changed), written after the file is read: no transaction held meanwhile",
    "evidence.evidence_rebuild_working": "files and rows: each row change commits on its own, "
    "before the file it names is removed or once the file it names is in place",
}


def _atomic(node: ast.expr) -> bool:
    return "transaction.atomic" in ast.unparse(node)


def _unguarded_writes(module: ast.Module, function: ast.FunctionDef) -> set[str]:
    """The writes `function` makes outside `with transaction.atomic()`, itself or
    through the module's private helpers that are not atomic themselves. A call to
    a function of the module that is `@transaction.atomic` is a write too: two such
    calls in a row are two transactions, and the first stands when the second fails."""
    functions = [f for f in module.body if isinstance(f, ast.FunctionDef)]
    atomic = {f.name for f in functions if any(_atomic(d) for d in f.decorator_list)}
    helpers = {f.name: f for f in functions if f.name.startswith("_") and f.name not in atomic}
    found: set[str] = set()
    seen = {function.name}

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.With) and any(_atomic(i.context_expr) for i in node.items):
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return
        if isinstance(node, ast.Call):
            call = node.func
            name = getattr(call, "attr", None) or getattr(call, "id", "")
            if name in WRITES or name.startswith("bulk_") or name in {"audit_record", *atomic}:
                found.add(name)
            elif name in helpers and name not in seen:
                seen.add(name)
                for statement in helpers[name].body:
                    visit(statement)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for statement in function.body:
        visit(statement)
    return found


def test_every_public_write_service_is_one_transaction():
    root = Path(habeas.__file__).parent
    modules = sorted(root.glob("*/services.py")) + sorted(root.glob("*/services/*.py"))
    assert len(modules) >= 7
    loose, listed = [], set()
    for path in modules:
        tree = ast.parse(path.read_text())
        app = path.relative_to(root).parts[0]
        for function in tree.body:
            if not isinstance(function, ast.FunctionDef) or function.name.startswith("_"):
                continue
            if any(_atomic(d) for d in function.decorator_list):
                continue
            writes = _unguarded_writes(tree, function)
            name = f"{app}.{function.name}"
            if name in NOT_ONE_TRANSACTION:
                listed.add(name)
            elif writes:
                loose.append(
                    f"{path.relative_to(root)}: {function.name} ({', '.join(sorted(writes))})"
                )
    assert loose == [], "write services without @transaction.atomic:\n" + "\n".join(loose)
    assert listed == set(NOT_ONE_TRANSACTION), "allow-list entries for services that are gone"


# -------------------------------------------- the audit step fails: nothing is kept


class AuditDown(Exception):
    """The audit log could not be written."""


class AuditLog:
    """Switches audit_record to failing, wherever it was imported, and back."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def fails(self, only: str | None = None, after: int = 0) -> None:
        """Every audit entry fails, or only the one of action `only` (a later step);
        the first `after` of them are still written (one of several of a kind)."""
        for info in pkgutil.walk_packages(habeas.__path__, "habeas."):
            if ".migrations" not in info.name and info.name not in {
                "habeas.wsgi",
                "habeas.__main__",
            }:
                importlib.import_module(info.name)  # every importer is then patched below
        original = audit.audit_record
        written = 0

        def down(**kwargs):
            nonlocal written
            if only is None or kwargs.get("action") == only:
                written += 1
                if written > after:
                    raise AuditDown(kwargs.get("action"))
            return original(**kwargs)

        for module in list(sys.modules.values()):
            if getattr(module, "audit_record", None) is original:
                self.monkeypatch.setattr(module, "audit_record", down)

    def works(self) -> None:
        self.monkeypatch.undo()


@pytest.fixture
def audit_log(monkeypatch):
    return AuditLog(monkeypatch)


def everything() -> dict[str, list[str]]:
    """Every row of every table (history tables, links and custody included)."""
    return {
        model._meta.label: sorted(map(repr, model._base_manager.values_list()))
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label != "sessions.Session"
    }


def nothing_kept(action, audit_log: AuditLog, only: str | None = None) -> None:
    """`action` fails with the audit log (or its entry `only`) and leaves every table
    as it was; with the audit log back, the same action writes (so it did reach the
    service)."""
    before = everything()
    audit_log.fails(only)
    with pytest.raises(AuditDown):
        action()
    assert everything() == before
    audit_log.works()
    result = action()
    if hasattr(result, "status_code"):
        assert result.status_code == 302, result.content.decode()[:2000]
    assert everything() != before


def _claim(case, source, statement: str, by) -> Claim:
    return sources.claim_add(
        case=case,
        source=source,
        topic=Claim.Topic.WHEREABOUTS,
        statement=statement,
        received_on=PartialDate.parse("2021-11"),
        material=Claim.Material.TESTIMONY,
        by=by,
    )


def test_adding_a_source_keeps_nothing_without_its_audit_entry(
    login, alice, alices_case, audit_log
):
    client = login(alice)
    data = {"code_name": "ROWAN", "kind": "witness", "reliability": "A"}
    data["reliability_rationale"] = "Has been right every time."
    url = f"/cases/{alices_case.public_id}/sources/new/"
    nothing_kept(lambda: client.post(url, data), audit_log)


def test_linking_two_claims_keeps_nothing_without_its_audit_entry(
    login, alice, alices_case, audit_log
):
    source = sources.source_add(case=alices_case, code_name="LARK", kind="relative", by=alice)
    first = _claim(alices_case, source, "Seen at the airport.", alice)
    second = _claim(alices_case, source, "Taken at the airport.", alice)
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/claims/link/"
    data = {"first": first.public_id, "second": second.public_id, "kind": "corroborates"}
    nothing_kept(lambda: client.post(url, data), audit_log)


def test_adding_a_claim_keeps_nothing_without_its_audit_entry(login, alice, alices_case, audit_log):
    source = sources.source_add(case=alices_case, code_name="LARK", kind="relative", by=alice)
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/claims/new/"
    data = {
        "source": source.public_id,
        "topic": "whereabouts",
        "statement": "Seen at the airport.",
        "received_on": "2021-11",
        "material": "testimony",
        "credibility": "6",
    }
    nothing_kept(lambda: client.post(url, data), audit_log)


def test_grading_a_claim_keeps_nothing_without_its_audit_entry(alice, contested_case, audit_log):
    claim = contested_case.claims.first()
    nothing_kept(
        lambda: sources.claim_grade(claim=claim, credibility=2, rationale="Seen twice.", by=alice),
        audit_log,
    )


def test_opening_a_case_keeps_no_person_and_no_case_without_its_audit_entry(
    login, alice, audit_log
):
    client = login(alice)
    data = {"person_name": "Рустам Исаков", "reference": "TM-2026-001", "country": "TM"}
    data.update(disappeared_on="2021-10-20", priority="1", tags="exile")
    nothing_kept(lambda: client.post("/cases/new/", data), audit_log)
    # The person is recorded first: a failure at the case's own entry keeps no person.
    data["reference"] = "TM-2026-002"
    nothing_kept(lambda: client.post("/cases/new/", data), audit_log, only="case.create")


def test_adding_an_event_keeps_nothing_without_its_audit_entry(
    login, alice, alices_case, audit_log
):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/events/new/"
    data = {"kind": "arrest", "occurred_on": "2021-10-21", "description": "Taken at home."}
    data.update({"actors-TOTAL_FORMS": "0", "actors-INITIAL_FORMS": "0"})
    nothing_kept(lambda: client.post(url, data), audit_log)


def test_recording_a_status_keeps_nothing_without_its_audit_entry(
    login, alice, alices_case, audit_log
):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/status/new/"
    data = {
        "status": "detention_acknowledged",
        "asserted_on": "2022-01-05",
        "basis": "A lawyer saw him.",
    }
    nothing_kept(lambda: client.post(url, data), audit_log)


def test_editing_a_person_keeps_nothing_without_its_audit_entry(
    login, alice, alices_case, audit_log
):
    client = login(alice)
    url = f"/people/{alices_case.people.get().public_id}/edit/"
    data = {"birth_date": "1990", "occupation": "Teacher"}
    nothing_kept(lambda: client.post(url, data), audit_log)


def test_adding_a_relative_keeps_nothing_without_its_audit_entry(
    login, alice, alices_case, audit_log
):
    client = login(alice)
    url = f"/people/{alices_case.people.get().public_id}/relatives/new/"
    data = {"name": "Mother", "relationship": "mother", "contact": "+993 65 000000"}
    nothing_kept(lambda: client.post(url, data), audit_log)


def test_adding_a_person_to_a_case_keeps_nothing_without_its_audit_entry(
    login, alice, alices_case, audit_log
):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/people/new/"
    nothing_kept(lambda: client.post(url, {"name": "Batyr Isakov"}), audit_log)


def test_adding_a_team_member_keeps_nothing_without_its_audit_entry(
    login, alice, charlie, alices_case, audit_log
):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/team/"
    data = {"username": "charlie", "role": "member"}
    nothing_kept(lambda: client.post(url, data), audit_log)


def test_recording_an_intervention_keeps_nothing_without_its_audit_entry(
    login, alice, alices_case, audit_log
):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/interventions/new/"
    data = {"kind": "wgeid_standard", "language": "en"}
    nothing_kept(lambda: client.post(url, data), audit_log)


def test_acknowledging_an_alert_keeps_nothing_without_its_audit_entry(
    login, bob, alices_case, audit_log
):
    now = timezone.now()
    alert = outbox.alert_raise(
        case=alices_case,
        rule="quiet",
        subject="",
        occurrence="q1",
        due_at=now,
        title="quiet",
        now=now,
    )
    client = login(bob)
    nothing_kept(lambda: client.post(f"/alerts/{alert.public_id}/acknowledge/"), audit_log)


def test_assessing_an_element_keeps_nothing_without_its_audit_entry(
    alice, contested_case, audit_log
):
    # What the elements page's form calls.
    nothing_kept(
        lambda: element_assess(
            case=contested_case,
            element="deprivation",
            assessment="credible",
            rationale="His cousin saw the police take him.",
            supporting=list(contested_case.claims.filter(source__code_name="LARK")),
            undermining=[],
            by=alice,
        ),
        audit_log,
    )


def test_adding_evidence_keeps_no_row_and_no_file_without_its_audit_entry(
    login, alice, alices_case, audit_log, settings
):
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/evidence/new/"

    def upload():
        note = SimpleUploadedFile("note.txt", b"Seen at the airport at noon.\n")
        return client.post(url, {"upload": note, "title": "Note", "kind": "file"})

    def stored() -> list[Path]:
        return [p for p in Path(settings.HABEAS_FILES_DIR).rglob("*") if p.is_file()]

    before = everything()
    audit_log.fails()
    with pytest.raises(AuditDown):
        upload()
    assert everything() == before
    assert stored() == []
    audit_log.works()
    assert upload().status_code == 302
    assert everything() != before and stored()


def test_a_source_grade_keeps_nothing_without_its_audit_entry(alice, alices_case, audit_log):
    source = sources.source_add(case=alices_case, code_name="LARK", kind="relative", by=alice)
    nothing_kept(
        lambda: sources.source_grade(
            source=source, reliability="B", rationale="Right twice before.", by=alice
        ),
        audit_log,
    )


def test_a_history_page_records_every_identity_it_shows_or_none(
    login, alice, contested_case, audit_log
):
    for source in contested_case.sources.all():
        sources.source_update(source=source, identity=f"Now: {source.code_name}", by=alice)
    client = login(alice)
    url = f"/cases/{contested_case.public_id}/history/"
    before = everything()
    # The first identity's entry is written, the second's fails: the page is not
    # shown, and no entry may say an identity was seen on it.
    audit_log.fails(only="source.identity_viewed", after=1)
    with pytest.raises(AuditDown):
        client.get(url)
    assert everything() == before
    audit_log.works()
    assert client.get(url).status_code == 200
    viewed = AuditEntry.objects.filter(action="source.identity_viewed")
    assert viewed.count() == contested_case.sources.count() >= 2
