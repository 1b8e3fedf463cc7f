"""Canaries: confidential values carry marker strings, and we look for the markers
everywhere a member without the source grant, a log reader or a database thief
could see them."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client

from habeas.api.services import api_token_create
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.lib.partialdate import PartialDate
from habeas.pfif.models import PfifImport
from habeas.sources import services as sources
from tests.support.api import call, token_for
from tests.support.checkin import checkin_ids
from tests.support.pages import (
    advocacy_ids,
    an_alert,
    evidence_ids,
    import_ids,
    url_for,
    url_names,
)
from tests.support.protection import protection_ids

IDENTITY = "CANARY-SRC-IDENTITY-7f3a"
CONTACT = "CANARY-SRC-CONTACT-91bc"
RELATIVE = "CANARY-REL-CONTACT-44de"
NOTES = "CANARY-SRC-NOTES-2d81"
# In every text of a person at risk's emergency file (tests/support/protection.py).
EMERGENCY = "CANARY-EMERGENCY-5e1f"
CANARIES = (IDENTITY, CONTACT, RELATIVE, NOTES, EMERGENCY)


@pytest.fixture
def seeded(alice, bob, contested_case, caplog):
    caplog.set_level(logging.DEBUG)
    source = sources.source_add(
        case=contested_case,
        code_name="KESTREL",
        kind="witness",
        identity=IDENTITY,
        contact=CONTACT,
        notes=NOTES,
        by=alice,
    )
    sources.source_update(source=source, identity=IDENTITY + "-v2", by=alice)
    person = contested_case.people.get()
    relative = cases.relative_add(
        person=person, name="Brother", relationship="brother", contact=RELATIVE, by=alice
    )
    event = cases.event_add(
        case=contested_case,
        kind="arrest",
        occurred_on=PartialDate.parse("2021"),
        description="Taken.",
        by=alice,
    )
    return {
        "case_id": contested_case.public_id,
        "source_id": source.public_id,
        "person_id": person.public_id,
        "relative_id": relative.public_id,
        "name_id": person.names.first().public_id,
        "link_id": contested_case.claim_links.first().public_id,
        "claim_id": contested_case.claims.first().public_id,
        "event_id": event.public_id,
        "actor_id": cases.actor_create(name="Police", by=alice).public_id,
        "user_id": bob.public_id,
        "token_id": api_token_create(user=bob, name="x", scope="read", days=1, by=bob)[0].public_id,
        "alert_id": an_alert(contested_case).public_id,
        **advocacy_ids(contested_case, alice),
        **evidence_ids(contested_case, alice),
        "import_id": PfifImport.objects.create(
            created_by=bob, sha256="0" * 64, country="TM"
        ).public_id,
        **import_ids(bob),
        # alice's person at risk, whose team bob is not on.
        **protection_ids(alice, mark=EMERGENCY),
        **checkin_ids(alice, mark=EMERGENCY),
    }


def _assert_clean(text: str, where: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{canary} leaked in {where}"


def test_no_page_shows_a_source_identity_to_a_member_without_the_grant(client, bob, seeded):
    client.force_login(bob)
    for name in sorted(url_names()):
        response = client.get(url_for(name, seeded))
        # Evidence downloads stream their file.
        content = b"".join(response) if response.streaming else response.content
        _assert_clean(content.decode(errors="replace"), name)


def test_search_and_error_pages_do_not_leak(client, bob, seeded, contested_case):
    client.force_login(bob)
    # The query itself is echoed back to the person who typed it; the results are
    # what must not match on a confidential field.
    assert client.get("/search/", {"q": IDENTITY}).context["rows"] == []
    results = client.get("/search/", {"q": "Kestrel"}).content.decode().split("<h2>")[-1]
    _assert_clean(results, "search results")
    url = f"/cases/{contested_case.public_id}/sources/{seeded['source_id']}/edit/"
    bad = client.post(url, {"code_name": "", "kind": "nonsense"})
    assert bad.status_code == 400
    _assert_clean(bad.content.decode(), "source form errors")
    _assert_clean(client.get("/cases/not-there/").content.decode(), "404 page")


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    @property
    def text(self) -> str:
        formatter = logging.Formatter("%(name)s %(message)s")
        return "\n".join(formatter.format(record) for record in self.records)


@pytest.fixture
def every_log_record():
    """Every record made while the test runs, its fixtures included, at DEBUG.

    caplog hangs off the root logger, so it never sees loggers that do not propagate
    (django.request, django.security): those get the handler too. Loggers silenced
    on purpose (fpdf and the like) keep their level, as in production."""
    handler = _Collect()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_the_audit_log_history_and_logs_carry_no_canary(every_log_record, seeded, charlie):
    client = Client(enforce_csrf_checks=True)
    client.force_login(charlie)
    for name in sorted(url_names()):
        client.get(url_for(name, seeded))
    edit = f"/cases/{seeded['case_id']}/sources/{seeded['source_id']}/edit/"
    client.post(edit, {"code_name": "KESTREL", "identity": IDENTITY, "contact": CONTACT})
    # The premise: a 404 and a CSRF refusal are logged by loggers that do not
    # propagate to the root, and their records are among those inspected.
    names = {record.name for record in every_log_record.records}
    assert "django.request" in names and "django.security.csrf" in names
    assert any(
        record.name == "django.request" and record.status_code == 404
        for record in every_log_record.records
    )
    _assert_clean(every_log_record.text, "logs")

    for entry in AuditEntry.objects.all():
        _assert_clean(entry.payload().decode(), f"audit entry #{entry.pk}")
    with connection.cursor() as cursor:
        for table, column in [
            ("sources_source", "identity"),
            ("sources_source", "contact"),
            ("sources_historicalsource", "identity"),
            ("sources_historicalsource", "contact"),
            ("sources_source", "notes"),
            ("sources_historicalsource", "notes"),
            ("cases_relative", "contact"),
            ("protection_atrisk", "emergency_file"),
            ("protection_atrisk", "photo"),
            ("protection_safetycontact", "name"),
            ("protection_safetycontact", "target"),
            ("protection_checkin", "place"),
            ("protection_checkin", "note"),
        ]:
            cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 (fixed names)
            _assert_clean(" ".join(row[0] for row in cursor.fetchall()), f"{table}.{column}")


def test_a_member_with_the_grant_reads_the_confidential_notes(client, alice, seeded):
    client.force_login(alice)
    page = client.get(url_for("source_detail", seeded)).content.decode()
    assert IDENTITY in page and NOTES in page


# --- The JSON API ----------------------------------------------------------------


def _api_reads(seeded: dict) -> list[str]:
    """Every read of the API, its ids taken from `seeded` (and a list filtered on
    the seeded case)."""
    from habeas.api.api import api

    ids = {k: str(v) for k, v in seeded.items()}
    paths = [
        path.removeprefix("/api/v1").format(**ids)
        for path, operations in api.get_openapi_schema()["paths"].items()
        if "get" in operations
    ]
    return paths + [f"{p}?case={ids['case_id']}" for p in paths if p.count("/") == 2]


def _api_writes(seeded: dict) -> list[tuple[str, str, dict]]:
    """Writes that carry or touch who a source is, including refused ones."""
    case, source = str(seeded["case_id"]), str(seeded["source_id"])
    return [
        ("patch", f"/sources/{source}/", {"public_name": "Kestrel's NGO"}),
        ("patch", f"/sources/{source}/", {"identity": IDENTITY, "contact": CONTACT}),
        ("patch", f"/sources/{source}/", {"code_name": "", "notes": NOTES}),
        ("post", "/sources/", {"case": case, "code_name": "K2", "kind": "x", "identity": IDENTITY}),
        ("post", "/sources/", {"case": case, "code_name": "K3", "kind": "witness"}),
    ]


def test_no_api_response_shows_a_source_identity_without_the_grant(bob, seeded, settings):
    settings.HABEAS_API_RATE_PER_TOKEN = 0
    client, token = Client(), token_for(bob)
    for path in _api_reads(seeded):
        response = client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, path
        _assert_clean(response.content.decode(), f"GET {path}")
    for method, path, body in _api_writes(seeded):
        response = call(client, method, path, token=token, body=body)
        _assert_clean(response.content.decode(), f"{method} {path}")


def test_the_api_with_the_grant_shows_the_identity_and_logs_none_of_it(
    every_log_record, alice, charlie, seeded, settings
):
    settings.HABEAS_API_RATE_PER_TOKEN = 0
    client = Client()
    mine = token_for(alice)
    source = f"/api/v1/sources/{seeded['source_id']}/"
    seen = client.get(source, headers={"Authorization": f"Bearer {mine}"}).json()
    assert (seen["identity"], seen["contact"], seen["notes"]) == (IDENTITY + "-v2", CONTACT, NOTES)
    for path in _api_reads(seeded):
        client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {mine}"})
    for token in (mine, token_for(charlie), "hbs_0123456789_not-a-token"):
        for method, path, body in _api_writes(seeded):
            call(client, method, path, token=token, body=body)
    assert any(record.name == "django.request" for record in every_log_record.records)
    _assert_clean(every_log_record.text, "logs")
    for entry in AuditEntry.objects.all():
        _assert_clean(entry.payload().decode(), f"audit entry #{entry.pk}")


# --- People at risk --------------------------------------------------------------


def test_the_emergency_file_stays_with_its_team(every_log_record, alice, bob, seeded):
    """Everything of the emergency file carries EMERGENCY (tests/support/protection.py).
    Its own team reads and edits it; still nothing reaches a log, the audit log, a
    page of someone else, or the database in clear."""
    from django.urls import reverse

    at_risk_id = seeded["at_risk_id"]
    team = Client()
    team.force_login(alice)
    detail = team.get(reverse("protection:at_risk_detail", args=[at_risk_id])).content.decode()
    assert EMERGENCY in detail  # the premise: the team sees it
    for name in sorted(n for n in url_names() if n.startswith("protection:")):
        team.get(url_for(name, seeded))
    form = team.get(reverse("protection:file_edit", args=[at_risk_id])).context["forms"]
    data = {}
    for f in form:
        for bound in f if hasattr(f, "management_form") else [f]:
            data.update({b.html_name: b.value() or "" for b in bound if b.value()})
        if hasattr(f, "management_form"):
            data.update({b.html_name: b.value() for b in f.management_form})
    data["birth_date"] = "Nevember"  # refused: the form comes back with everything typed
    assert team.post(reverse("protection:file_edit", args=[at_risk_id]), data).status_code == 400
    _assert_clean(every_log_record.text, "logs")
    for entry in AuditEntry.objects.all():
        _assert_clean(entry.payload().decode(), f"audit entry #{entry.pk}")
    # Pages of everyone else (bob is not on the team), search included.
    other = Client()
    other.force_login(bob)
    for name in sorted(url_names()):
        response = other.get(url_for(name, seeded))
        content = b"".join(response) if response.streaming else response.content
        _assert_clean(content.decode(errors="replace"), name)
    _assert_clean(other.get("/search/", {"q": "Isakov"}).content.decode(), "search")
