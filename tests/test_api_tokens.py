"""API tokens: made on the account page and shown once, stored as a SHA-256 only,
with a scope and an expiry; revoked, expired, unknown and malformed tokens all get
the same 401; requests are rate-limited per token and per client address; the
token never reaches a log or the audit log."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from habeas.accounts import services as accounts
from habeas.accounts.models import LoginFailure, User
from habeas.api.models import ApiToken
from habeas.audit.models import AuditEntry
from tests.conftest import PASSWORD, make_user
from tests.support.api import call, token_for

TOKEN = re.compile(r"hbs_[0-9a-f]{10}_[A-Za-z0-9_-]{43}")


def make_on_the_page(client, **fields):
    data = {"name": "sync script", "scope": "write", "days": "30", "password": PASSWORD, **fields}
    return client.post("/account/api-tokens/", data)


def test_the_account_page_leads_to_the_token_page(login, alice):
    page = login(alice).get("/account/")
    assert 'href="/account/api-tokens/"' in page.content.decode()
    assert login(alice).get("/account/api-tokens/").status_code == 200


def test_a_token_is_shown_once_and_stored_only_as_its_sha256(login, alice, alices_case):
    client = login(alice)
    shown = make_on_the_page(client)
    assert shown.status_code == 200
    token = TOKEN.search(shown.content.decode()).group(0)
    assert "no-store" in shown["Cache-Control"]
    row = ApiToken.objects.get(user=alice)
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(row.prefix + "_")
    stored = [str(v) for v in ApiToken.objects.values_list().get()]
    assert not any(token in value for value in stored)
    # The list shows its name and prefix, never the token again.
    listed = client.get("/account/api-tokens/").content.decode()
    assert "sync script" in listed and row.prefix in listed and token not in listed
    # And it works: the token acts as alice.
    cases = call(client, "get", "/cases/", token=token).json()["items"]
    assert [c["reference"] for c in cases] == ["TM-2021-003"]
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_making_a_token_needs_the_password_and_counts_a_wrong_one(login, alice):
    client = login(alice)
    page = make_on_the_page(client, password="not it", name="kept")
    assert page.status_code == 400
    assert "That password is not right." in page.content.decode()
    assert 'value="kept"' in page.content.decode()  # the input is kept
    assert not ApiToken.objects.exists()
    assert LoginFailure.objects.filter(stage=LoginFailure.Stage.REAUTH).count() == 1


@pytest.mark.parametrize("days", ["0", "91", "-1", "many"])
def test_a_token_expires_within_90_days(login, alice, days):
    page = make_on_the_page(login(alice), days=days)
    assert page.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_viewers_token_can_only_read(login, vera):
    page = make_on_the_page(login(vera), scope="write")
    assert page.status_code == 400
    assert not ApiToken.objects.exists()
    assert make_on_the_page(login(vera), scope="read").status_code == 200
    assert ApiToken.objects.get().scope == "read"


def test_making_and_revoking_are_audited_by_prefix_never_the_token(login, alice, caplog):
    client = login(alice)
    caplog.set_level(logging.DEBUG)
    token = TOKEN.search(make_on_the_page(client).content.decode()).group(0)
    row = ApiToken.objects.get()
    call(client, "get", "/cases/", token=token)
    revoked = client.post(f"/account/api-tokens/{row.public_id}/revoke/")
    assert revoked.status_code == 302
    made, gone = (
        AuditEntry.objects.get(action="api_token.create"),
        AuditEntry.objects.get(action="api_token.revoke"),
    )
    assert made.detail == {"prefix": row.prefix, "scope": "write", "days": 30}
    assert gone.detail == {"prefix": row.prefix}
    secret = token.split("_", 2)[2]
    for entry in AuditEntry.objects.all():
        assert secret not in str(entry.detail)
    assert secret not in caplog.text


def test_a_revoked_token_gets_the_401_of_an_unknown_one(client, login, alice, alices_case):
    token = token_for(alice)
    assert call(client, "get", "/cases/", token=token).status_code == 200
    row = ApiToken.objects.get()
    login(alice).post(f"/account/api-tokens/{row.public_id}/revoke/")
    refused = call(client, "get", "/cases/", token=token)
    unknown = call(client, "get", "/cases/", token=token[:-4] + "AAAA")
    assert refused.status_code == unknown.status_code == 401
    assert refused.content == unknown.content
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_the_prefix_alone_opens_nothing(client, alice, alices_case):
    """A token whose public part is right and whose secret is not is an unknown one."""
    token = token_for(alice)
    forged = token[: token.rindex("_") + 1] + "A" * 43
    assert forged != token
    answer = call(client, "get", "/cases/", token=forged)
    assert answer.status_code == 401


def test_an_expired_token_gets_the_same_401(client, alice, alices_case, time_machine):
    token = token_for(alice, days=1)
    fresh = call(client, "get", "/cases/", token=token)
    assert fresh.status_code == 200
    time_machine.move_to(timezone.now() + timedelta(days=1, seconds=1))
    expired = call(client, "get", "/cases/", token=token)
    unknown = call(client, "get", "/cases/", token="hbs_0123456789_" + "A" * 43)
    assert expired.status_code == 401
    assert expired.content == unknown.content


def test_a_disabled_accounts_token_is_refused(client, alice, alices_case):
    token = token_for(alice)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert call(client, "get", "/cases/", token=token).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Token hbs_x",
        "Basic YWxpY2U6cGFzcw==",
        "Bearer hbs_",
        "Bearer \x00",
    ],
)
def test_malformed_authorization_gets_the_same_401(client, alices_case, header):
    answer = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=header)
    reference = client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Bearer hbs_0123456789_nope")
    assert answer.status_code == 401
    assert answer.content == reference.content


def test_a_session_does_not_open_the_api(login, alice, alices_case):
    """No cookie authentication on the API, so no cross-site request can use it."""
    client = login(alice)
    answer = client.get("/api/v1/cases/")
    assert answer.status_code == 401


def test_nobody_revokes_anothers_token(login, alice, bob):
    token_for(alice)
    row = ApiToken.objects.get()
    answer = login(bob).post(f"/account/api-tokens/{row.public_id}/revoke/")
    assert answer.status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_a_tokens_requests_are_limited_per_minute(
    client, alice, alices_case, settings, time_machine
):
    time_machine.move_to("2026-12-07 10:00:05Z", tick=False)
    settings.HABEAS_API_RATE_PER_TOKEN = 3
    token = token_for(alice)
    for _ in range(3):
        assert call(client, "get", "/cases/", token=token).status_code == 200
    refused = call(client, "get", "/cases/", token=token)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "55"
    assert "Too many requests" in refused.json()["detail"]
    time_machine.move_to("2026-12-07 10:01:00Z", tick=False)  # the next window
    assert call(client, "get", "/cases/", token=token).status_code == 200


def test_refused_tokens_stop_an_address_but_never_a_valid_token(
    client, alice, alices_case, settings, time_machine
):
    """Behind an onion service every client has one address: ten bad tokens from
    anyone must not shut the API for the holders of good ones (review-adversary #12)."""
    time_machine.move_to("2026-12-07 10:00:00Z", tick=False)
    settings.HABEAS_API_REFUSALS_PER_ADDRESS = 2
    good = token_for(alice)
    for guess in range(2):
        assert call(client, "get", "/cases/", token=f"hbs_0123456789_{guess}").status_code == 401
    assert call(client, "get", "/cases/", token="hbs_0123456789_x").status_code == 429
    assert call(client, "get", "/cases/", token=good).status_code == 200


def test_requests_without_a_valid_token_are_counted_per_address(
    client, alice, alices_case, settings, time_machine
):
    time_machine.move_to("2026-12-07 10:00:00Z", tick=False)
    settings.HABEAS_API_RATE_PER_ADDRESS = 2
    token = token_for(alice)
    call(client, "get", "/cases/", token=None)
    call(client, "get", "/cases/", token=None)
    assert call(client, "get", "/cases/", token=None).status_code == 429
    assert call(client, "get", "/cases/", token=token).status_code == 200


def test_the_rate_table_keeps_no_address(client, alice, alices_case):
    from habeas.api.models import ApiRateWindow

    call(client, "get", "/cases/", token=token_for(alice), REMOTE_ADDR="198.51.100.7")
    keys = list(ApiRateWindow.objects.values_list("key", flat=True))
    assert keys and not any("198.51.100.7" in key for key in keys)


def test_ninja_never_logs_the_header_even_in_debug(client, alice, settings, caplog):
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    secret = token_for(alice).split("_", 2)[2]
    client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token hbs_0123456789_{secret}")
    client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer hbs_0123456789_{secret}")
    assert secret not in caplog.text


def test_the_schema_is_openapi_31_and_no_docs_page_loads_a_cdn(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    body = schema.json()
    assert body["openapi"] == "3.1.0"
    schemes = body["components"]["securitySchemes"]
    assert list(schemes.values()) == [{"type": "http", "scheme": "bearer"}]
    assert client.get("/api/v1/docs").status_code == 404
    assert client.get("/api/v1/docs/").status_code == 404
    assert "cdn" not in schema.content.decode().lower()


def test_the_service_itself_refuses_what_the_form_does_not_offer(alice, vera):
    """A command or a script reaches the service without the form."""
    from django.core.exceptions import ValidationError

    from habeas.api.services import api_token_create

    with pytest.raises(ValidationError) as viewer:
        api_token_create(user=vera, name="x", scope="write", days=30, by=vera)
    assert "scope" in viewer.value.message_dict
    with pytest.raises(ValidationError) as long:
        api_token_create(user=alice, name="x", scope="read", days=91, by=alice)
    assert "days" in long.value.message_dict
    with pytest.raises(ValidationError):
        api_token_create(user=alice, name="x", scope="read", days=30, by=vera)
    assert not ApiToken.objects.exists()


def _ended(client, token):
    answer = call(client, "get", "/cases/", token=token)
    unknown = call(client, "get", "/cases/", token="hbs_0123456789_" + "A" * 43)
    return answer.status_code == 401 and answer.content == unknown.content


def test_a_password_change_ends_the_accounts_tokens(client, login, alice, alices_case):
    """A stolen token must not outlive what its owner does about the theft
    (review-adversary #1): changing the password ends it, for good."""
    token = token_for(alice)
    assert call(client, "get", "/cases/", token=token).status_code == 200
    new = "a new and much longer passphrase, 2026!"
    changed = login(alice).post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed["Location"] == "/account/"
    assert _ended(client, token)
    alice.refresh_from_db()
    page = login(alice).get("/account/api-tokens/")
    assert "Ended with your sessions" in page.content.decode()
    assert call(client, "get", "/cases/", token=token_for(alice)).status_code == 200


def test_log_out_everywhere_ends_the_accounts_tokens(client, login, alice, alices_case):
    token = token_for(alice)
    assert login(alice).post("/account/sessions/end/")["Location"] == "/account/"
    assert _ended(client, token)


def test_a_disabled_account_gets_no_token_back_when_enabled(client, alice, alices_case):
    admin = make_user("ada", role=User.Role.ADMINISTRATOR)
    token = token_for(alice)
    accounts.user_disable(user=alice, by=admin)
    assert _ended(client, token)
    accounts.user_enable(user=User.objects.get(pk=alice.pk), by=admin)
    assert _ended(client, token)


def test_a_token_made_after_the_epoch_moved_works(client, alice, alices_case):
    User.objects.filter(pk=alice.pk).update(session_epoch=7)
    alice.refresh_from_db()
    assert call(client, "get", "/cases/", token=token_for(alice)).status_code == 200


# --- two-factor login: a token asks for a current code too -------------------------


def _enrol(user: User):
    import pyotp

    from habeas.accounts.models import TOTPDevice

    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed=True)
    return pyotp.TOTP(secret)


def test_an_account_with_two_factor_login_gives_a_current_code_to_make_a_token(login, alice):
    totp = _enrol(alice)
    client = login(alice)
    page = client.get("/account/api-tokens/").content.decode()
    assert 'name="code"' in page and 'autocomplete="one-time-code"' in page
    # The password alone: the form asks for the code, nothing is made.
    missing = make_on_the_page(client, name="kept")
    assert missing.status_code == 400
    assert not ApiToken.objects.exists()
    # A wrong code: the form again with the error, the input kept, nothing made,
    # counted towards the lockout and audited.
    wrong = str((int(totp.now()) + 1) % 1_000_000).zfill(6)
    refused = make_on_the_page(client, name="kept", code=wrong)
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "That code is not right, or it was used already." in body
    assert 'value="kept"' in body
    assert not ApiToken.objects.exists()
    assert LoginFailure.objects.filter(stage=LoginFailure.Stage.CODE).count() == 1
    entry = AuditEntry.objects.get(action="api_token.refused")
    assert entry.detail == {"reason": "two_factor_code"}
    assert entry.actor_id == alice.pk
    # The right code now: the token is made.
    made = make_on_the_page(client, code=totp.now())
    assert made.status_code == 200 and TOKEN.search(made.content.decode())
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_a_wrong_password_is_said_before_the_code_is_tried(login, alice):
    totp = _enrol(alice)
    page = make_on_the_page(login(alice), password="not it", code=totp.now())
    assert "That password is not right." in page.content.decode()
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action="api_token.refused").exists()


def test_an_account_without_two_factor_login_is_not_asked_for_a_code(login, alice):
    client = login(alice)
    assert 'name="code"' not in client.get("/account/api-tokens/").content.decode()
    assert make_on_the_page(client).status_code == 200
