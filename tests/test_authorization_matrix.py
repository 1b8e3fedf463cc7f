"""Every URL × every kind of visitor → the status they get.

A new URL that is not in MATRIX fails `test_every_url_is_in_the_matrix`, so no
page ships without someone deciding who may see it. Outsiders always get 404 for
anything about a case, never 403: a 403 would confirm the case exists.
"""

from __future__ import annotations

import pytest

from habeas.cases import services as cases
from tests.support.api import call, token_for
from tests.support.api_bodies import API_BODIES
from tests.support.pages import (
    url_for,
    url_names,
)

ROLES = ("anonymous", "outsider", "read_only", "member", "member_grant", "admin")
LOGIN = 302  # anonymous visitors are sent to the login page

# Shorthands for rows that share a pattern.
CASE_READ = {
    "anonymous": LOGIN,
    "outsider": 404,
    "read_only": 200,
    "member": 200,
    "member_grant": 200,
    "admin": 404,
}
CASE_WRITE = {**CASE_READ, "read_only": 404}
SIGNED_IN = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 200)}
# Pages that create shared records: "read_only" (vera) is an organisation viewer,
# and viewers write nothing.
WRITERS = {**SIGNED_IN, "read_only": 404}
ADMIN_ONLY = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:-1], 404), "admin": 200}
ADMIN_POST_ONLY = {**ADMIN_ONLY, "admin": 405}
# An import's steps are its uploader's only (here "member", bob): anyone else's id is
# the 404 of a page that does not exist. Viewers import nothing.
IMPORTER_ONLY = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), "member": 200}

# Pages about an enrolled authenticator: without one (only the admin has one
# here) they redirect to the set-up page.
ENROLLED_ONLY = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:-1], 302), "admin": 200}

MATRIX: dict[str, dict[str, int]] = {
    "login": {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)},
    "login_verify": dict.fromkeys(ROLES, 302),  # no password step done: back to step one
    "logout": dict.fromkeys(ROLES, 405),  # POST only
    "health": dict.fromkeys(ROLES, 200),
    "account": SIGNED_IN,
    "password_change": SIGNED_IN,
    "two_factor_setup": {**SIGNED_IN, "admin": 302},  # already enrolled: to the account
    "backup_codes": ENROLLED_ONLY,
    "two_factor_disable": ENROLLED_ONLY,
    "sessions_end_others": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},
    "account_language": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    # The visitor's language switch: a GET sets nothing and goes back to the page.
    "set_language": dict.fromkeys(ROLES, 302),
    "user_list": ADMIN_ONLY,
    "user_create": ADMIN_ONLY,
    "user_detail": ADMIN_ONLY,
    "user_role": ADMIN_POST_ONLY,
    "user_disable": ADMIN_POST_ONLY,
    "user_enable": ADMIN_POST_ONLY,
    "user_two_factor_reset": ADMIN_POST_ONLY,
    "dashboard": SIGNED_IN,
    "search": SIGNED_IN,
    "case_list": SIGNED_IN,
    "case_create": WRITERS,
    "actor_list": SIGNED_IN,
    "actor_create": WRITERS,
    "actor_detail": SIGNED_IN,
    "actor_edit": WRITERS,
    "case_detail": CASE_READ,
    "case_history": CASE_READ,
    "source_detail": CASE_READ,
    "person_detail": CASE_READ,
    "case_edit": CASE_WRITE,
    "status_add": CASE_WRITE,
    "event_add": CASE_WRITE,
    "event_edit": CASE_WRITE,
    "source_add": CASE_WRITE,
    "source_edit": CASE_WRITE,
    "claim_add": CASE_WRITE,
    "claim_edit": CASE_WRITE,
    "claim_link": CASE_WRITE,
    "claim_unlink": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    "case_person_add": CASE_WRITE,
    "person_edit": CASE_WRITE,
    "person_name_add": CASE_WRITE,
    "person_name_edit": CASE_WRITE,
    "person_name_remove": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    "relative_add": CASE_WRITE,
    "relative_edit": CASE_WRITE,
    "case_team": {**ADMIN_ONLY},  # leads too; the lead is not one of the six here
    "team_index": ADMIN_ONLY,
    # Alerts (habeas.alerts): an alert is its case's; acting on one is POST only.
    "alert_inbox": SIGNED_IN,
    "alert_preferences": SIGNED_IN,
    "alert_settings": ADMIN_ONLY,
    "alert_detail": CASE_READ,
    "alert_acknowledge": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},
    "alert_snooze": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},
    "alert_resend": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},
    "delivery_failed": SIGNED_IN,  # each sees the failed notifications of their cases
    "delivery_resend": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},
    "case_alert_settings": CASE_WRITE,
    "watch_health": dict.fromkeys(ROLES, 503),  # no watcher has run in the tests
    # Advocacy (habeas.advocacy): public pages are open to all, even anonymous.
    "case_advocacy": CASE_READ,
    "case_document": CASE_READ,
    "intervention_detail": CASE_READ,
    "publication_preview": CASE_READ,
    "intervention_add": CASE_WRITE,
    "intervention_ready": CASE_WRITE,
    "intervention_sent": CASE_WRITE,
    "intervention_sent_elsewhere": CASE_WRITE,
    "event_clearance": CASE_WRITE,
    "response_add": CASE_WRITE,
    "intervention_close": CASE_WRITE,
    "family_consent_add": CASE_WRITE,
    "family_consent_withdraw": CASE_WRITE,
    "intervention_to_standard": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    "publication_edit": CASE_WRITE,
    "public_update_add": CASE_WRITE,
    "briefing": SIGNED_IN,
    "addressee_list": SIGNED_IN,
    "addressee_add": WRITERS,
    "addressee_edit": WRITERS,
    "public_list": dict.fromkeys(ROLES, 200),
    "public_feed": dict.fromkeys(ROLES, 200),
    "public_profile": dict.fromkeys(ROLES, 200),
    "public_photo": dict.fromkeys(ROLES, 200),
    "publication_photo": CASE_READ,
    # Evidence (habeas.evidence): files only through these access-checked views.
    "evidence_list": CASE_READ,
    "evidence_detail": CASE_READ,
    "evidence_download": CASE_READ,
    "evidence_download_working": CASE_READ,
    "evidence_add": CASE_WRITE,
    "evidence_edit": CASE_WRITE,
    "evidence_verify": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    "evidence_share": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    "case_elements": CASE_READ,
    "source_grade": CASE_WRITE,
    "claim_grade": CASE_WRITE,
    "element_assess": CASE_WRITE,
    "presumed_ed_confirm": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    # The organisation (habeas.organisation): administrators set it; its logo goes on
    # every letter, so every account may see it.
    "organisation_edit": ADMIN_ONLY,
    "organisation_logo": SIGNED_IN,
    # API tokens (habeas.api): each account makes and revokes its own; revoking is
    # POST only. The API itself answers tokens, not sessions: its own matrix.
    "api_tokens": SIGNED_IN,
    "api_token_revoke": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},
    # PFIF (habeas.pfif): the public feed holds published profiles only; the export
    # holds what each user may see; an import's result is its importer's (bob).
    "public_pfif": dict.fromkeys(ROLES, 200),
    "pfif_export": SIGNED_IN,
    "pfif_import": WRITERS,
    "pfif_import_result": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), "member": 200},
    # Exports (habeas.exports): a case's record for its team; each user's own case list.
    "case_export": CASE_READ,
    "case_list_csv": SIGNED_IN,
    "case_list_xlsx": SIGNED_IN,
    # Spreadsheet import (habeas.imports): staff and administrators, each their own files.
    "import_upload": WRITERS,
    "import_sample": WRITERS,
    "import_help": WRITERS,
    "import_mapping": IMPORTER_ONLY,
    "import_dry_run": {**IMPORTER_ONLY, "member": 302},  # no mapping chosen yet: to that step
    "import_commit": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    "import_result": IMPORTER_ONLY,
    # People at risk (habeas.protection): their team only; administrators manage
    # the team (by the team index) without reading anything else.
    "protection:at_risk_list": SIGNED_IN,
    "protection:enrol": WRITERS,
    "protection:team_index": ADMIN_ONLY,
    "protection:at_risk_detail": CASE_READ,
    "protection:photo": CASE_READ,
    "protection:at_risk_edit": CASE_WRITE,
    "protection:file_edit": CASE_WRITE,
    "protection:photo_edit": CASE_WRITE,
    "protection:plan_edit": CASE_WRITE,
    "protection:contacts_edit": CASE_WRITE,
    "protection:close": CASE_WRITE,
    "protection:case_open": CASE_WRITE,
    "protection:team": ADMIN_ONLY,  # leads too; the lead (alice) is not one of the six
    "protection:end": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    "protection:verify": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    # The person's own check-in page: no login, the same form for anyone holding a
    # real link (a guessed one is the 404: tests/test_protection_checkin.py).
    "protection:check_in_page": dict.fromkeys(ROLES, 200),
    # The messaging bridge: a signed POST, no session (tests/test_protection_webhook.py).
    "protection:check_in_bridge": dict.fromkeys(ROLES, 405),
    "protection:check_in_record": CASE_WRITE,
    "protection:bridge_secret": CASE_WRITE,
}


def test_every_url_is_in_the_matrix():
    assert url_names() == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_url(client, world, role):
    ids, users = world
    if users[role] is not None:
        client.force_login(users[role])
    got = {name: client.get(url_for(name, ids)).status_code for name in MATRIX}
    expected = {name: row[role] for name, row in MATRIX.items()}
    assert got == expected


@pytest.mark.parametrize("role", ["outsider", "read_only", "admin"])
def test_writes_about_a_case_are_404_for_those_who_may_not_write(client, world, role):
    ids, users = world
    client.force_login(users[role])
    for name, row in MATRIX.items():
        if row is CASE_WRITE:
            assert client.post(url_for(name, ids), {}).status_code == 404, name


# Case pages that only take POST (their GET answers 405 to everyone).
CASE_POST_ONLY = (
    "claim_unlink",
    "person_name_remove",
    "evidence_verify",
    "evidence_share",
    "presumed_ed_confirm",
    "alert_acknowledge",
    "alert_snooze",
    "alert_resend",
    "protection:end",
    "protection:verify",
)


@pytest.mark.parametrize("role", ["outsider", "read_only"])
def test_every_write_refused_changes_nothing(client, world, role):
    """POST to every page a role may not write through, with plausible data: a 404
    each time, and nothing written but the record of the refusals."""
    from habeas.audit.models import AuditEntry

    ids, users = world
    client.force_login(users[role])
    refused = [name for name, row in MATRIX.items() if row[role] == 404]
    refused += [name for name in CASE_POST_ONLY if role == "outsider"]
    before = AuditEntry.objects.exclude(action="access.denied").count()
    data = {"kind": "arrest", "name": "X", "title": "X", "statement": "X", "reason": "X"}
    for name in refused:
        # 405: a read-only page, which refuses POST before looking anything up.
        assert client.post(url_for(name, ids), data).status_code in (404, 405), name
    assert AuditEntry.objects.exclude(action="access.denied").count() == before
    if role == "read_only":
        # A read-only member of the case may not act on it either.
        for name in CASE_POST_ONLY:
            assert client.post(url_for(name, ids), data).status_code in (403, 404), name
        assert AuditEntry.objects.exclude(action="access.denied").count() == before


def test_forged_ids_of_another_case_are_404(client, world, alice):
    """An event, source or claim of case B addressed under case A is not found."""
    ids, _ = world
    person = cases.person_create(name="Other", by=alice)
    other = cases.case_create(reference="OTHER-1", person=person, country="RU", by=alice)
    client.force_login(alice)
    for name in ("event_edit", "source_edit", "source_detail", "claim_edit"):
        assert client.get(url_for(name, {**ids, "case_id": other.public_id})).status_code == 404


# --- The JSON API (habeas.api): a token, never a session ---------------------------
#
# Every operation of the served OpenAPI schema × every kind of caller, each with a
# token of their own (anonymous: none; the viewer's token can only read, as the token
# page allows). A route missing here fails `test_every_api_operation_is_in_the_matrix`.

OK = "ok"  # passed the door: a 2xx, or the service's 400 with its reasons
API_LIST = {"anonymous": 401, **dict.fromkeys(ROLES[1:], 200)}  # each sees their own
API_READ = {**CASE_READ, "anonymous": 401}
API_WRITE = {**CASE_WRITE, "anonymous": 401, "member": OK, "member_grant": OK}
# Opening a case: any account that may write (staff, administrators), not a viewer.
API_WRITERS = {"anonymous": 401, **dict.fromkeys(ROLES[1:], OK), "read_only": 403}

API_MATRIX: dict[tuple[str, str], dict[str, int | str]] = {
    ("GET", "/cases/"): API_LIST,
    ("POST", "/cases/"): API_WRITERS,
    ("GET", "/cases/{case_id}/"): API_READ,
    ("PATCH", "/cases/{case_id}/"): API_WRITE,
    ("POST", "/cases/{case_id}/people/"): API_WRITE,
    ("GET", "/cases/{case_id}/statuses/"): API_READ,
    ("POST", "/cases/{case_id}/statuses/"): API_WRITE,
    ("GET", "/cases/{case_id}/events/"): API_READ,
    ("POST", "/cases/{case_id}/events/"): API_WRITE,
    ("GET", "/cases/{case_id}/events/{event_id}/"): API_READ,
    ("PATCH", "/cases/{case_id}/events/{event_id}/"): API_WRITE,
    ("GET", "/people/"): API_LIST,
    ("GET", "/people/{person_id}/"): API_READ,
    ("PATCH", "/people/{person_id}/"): API_WRITE,
    ("GET", "/people/{person_id}/names/"): API_READ,
    ("POST", "/people/{person_id}/names/"): API_WRITE,
    ("PATCH", "/people/{person_id}/names/{name_id}/"): API_WRITE,
    ("DELETE", "/people/{person_id}/names/{name_id}/"): API_WRITE,
    ("GET", "/sources/"): API_LIST,
    ("POST", "/sources/"): API_WRITE,
    ("GET", "/sources/{source_id}/"): API_READ,
    ("PATCH", "/sources/{source_id}/"): API_WRITE,
    ("GET", "/claims/"): API_LIST,
    ("POST", "/claims/"): API_WRITE,
    ("GET", "/claims/{claim_id}/"): API_READ,
    ("PATCH", "/claims/{claim_id}/"): API_WRITE,
    ("GET", "/interventions/"): API_LIST,
    ("POST", "/interventions/"): API_WRITE,
    ("GET", "/interventions/{intervention_id}/"): API_READ,
    ("POST", "/interventions/{intervention_id}/ready/"): API_WRITE,
    ("POST", "/interventions/{intervention_id}/sent/"): API_WRITE,
    ("POST", "/interventions/{intervention_id}/sent-elsewhere/"): API_WRITE,
    ("POST", "/interventions/{intervention_id}/standard/"): API_WRITE,
    ("POST", "/interventions/{intervention_id}/close/"): API_WRITE,
    ("POST", "/interventions/{intervention_id}/responses/"): API_WRITE,
    ("GET", "/alerts/"): API_LIST,
    ("GET", "/alerts/{alert_id}/"): API_READ,
    ("POST", "/alerts/{alert_id}/acknowledge/"): API_WRITE,
    ("POST", "/alerts/{alert_id}/snooze/"): API_WRITE,
}


def _api_operations() -> set[tuple[str, str]]:
    from habeas.api.api import api

    paths = api.get_openapi_schema()["paths"]
    return {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in paths.items()
        for method in operations
    }


def test_every_api_operation_is_in_the_matrix():
    assert _api_operations() == set(API_MATRIX)
    writes = {key for key in API_MATRIX if key[0] != "GET"}
    assert writes == set(API_BODIES)


def _api_call(client, key: tuple[str, str], ids: dict, token: str | None):
    method, template = key
    ids = {k: str(v) for k, v in ids.items()}
    body = API_BODIES[key](ids) if key in API_BODIES else None
    path = template.format(**ids)
    return call(client, method, path, token=token, body=body)


def _api_tokens(users: dict) -> dict:
    """A token for each caller: write scope, but the viewer's, which may only read."""
    return {
        role: None if user is None else token_for(user, scope="write" if user.may_write else "read")
        for role, user in users.items()
    }


@pytest.fixture
def _no_api_rate_limit(settings):
    settings.HABEAS_API_RATE_PER_TOKEN = 0
    settings.HABEAS_API_RATE_PER_ADDRESS = 0
    settings.HABEAS_API_REFUSALS_PER_ADDRESS = 0


@pytest.mark.usefixtures("_no_api_rate_limit")
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_api_route(client, world, role):
    from habeas.audit.models import AuditEntry

    ids, users = world
    token = _api_tokens(users)[role]
    written = AuditEntry.objects.exclude(action="access.denied")
    got, changed_when_refused = {}, []
    # Reads first, and the deletion last: writes change what later ones find.
    for key in sorted(API_MATRIX, key=lambda k: (k[0] != "GET", k[0] == "DELETE")):
        before = written.count()
        status = _api_call(client, key, ids, token).status_code
        got[key] = OK if API_MATRIX[key][role] == OK and status in (200, 201, 204, 400) else status
        if key[0] != "GET" and status in (401, 403, 404) and written.count() != before:
            changed_when_refused.append(key)  # a refusal writes nothing but its record
    assert got == {key: row[role] for key, row in API_MATRIX.items()}
    assert changed_when_refused == []


def test_the_api_does_not_answer_a_session(client, world):
    """A signed-in browser is not an API client: a page of another site could make
    it call the API with its cookie."""
    ids, users = world
    client.force_login(users["member_grant"])
    for key in API_MATRIX:
        assert _api_call(client, key, ids, token=None).status_code == 401, key
