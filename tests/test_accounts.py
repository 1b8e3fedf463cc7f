"""Accounts: two-step login, authenticator apps and backup codes, lockout,
sessions, password rules, user administration and what the audit log keeps."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pyotp
import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.test import Client

from habeas.accounts.forms import LOCKED_MESSAGE
from habeas.accounts.models import BackupCode, LoginFailure, TOTPDevice, User
from habeas.accounts.selectors import lockout_key
from habeas.audit.models import AuditEntry
from tests.conftest import PASSWORD, make_user

# Ten seconds into a 30-second step, so ±1 step is unambiguous.
T0 = datetime(2030, 3, 4, 12, 0, 10, tzinfo=UTC)
LOCKED = str(LOCKED_MESSAGE)
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
BACKUP_CODE = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")


@pytest.fixture
def at_t0(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def enrol(user: User) -> pyotp.TOTP:
    """A confirmed authenticator for `user`, made directly (the enrolment pages have
    their own tests)."""
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed=True)
    return pyotp.TOTP(secret)


def password_step(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def code_step(client: Client, code: str, **extra):
    return client.post("/login/verify/", {"code": code}, **extra)


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def actions() -> list[str]:
    return list(AuditEntry.objects.values_list("action", flat=True))


def other_code(totp: pyotp.TOTP, when: datetime) -> str:
    """A six-digit code that is not valid at `when` (nor a step either side)."""
    valid = {totp.at(when + timedelta(seconds=s)) for s in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


# --- login ---------------------------------------------------------------------------


def test_login_without_two_factor_goes_straight_in(client, alice):
    response = password_step(client, "alice")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in(client)
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor_id == alice.pk
    assert entry.detail == {"method": "password"}


def test_login_changes_the_session_key(client, alice):
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    password_step(client, "alice")
    assert logged_in(client)
    assert client.session.session_key != before


def test_login_with_an_authenticator_code(client, alice, at_t0):
    totp = enrol(alice)
    session = client.session
    session.save()
    before = session.session_key

    response = password_step(client, "alice")
    assert response["Location"] == "/login/verify/"
    # Not logged in between the steps.
    assert not logged_in(client)
    assert client.get("/cases/")["Location"].startswith("/login/")

    page = client.get("/login/verify/")
    assert page.status_code == 200
    assert '<label for="id_code">' in page.content.decode()

    response = code_step(client, totp.at(T0))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in(client)
    assert client.session.session_key != before
    assert client.get("/cases/").status_code == 200
    assert AuditEntry.objects.get(action="auth.login").detail == {"method": "totp"}


def test_the_next_address_survives_both_steps_and_foreign_ones_are_ignored(client, alice, at_t0):
    totp = enrol(alice)
    client.post("/login/", {"username": "alice", "password": PASSWORD, "next": "/cases/"})
    assert code_step(client, totp.at(T0))["Location"] == "/cases/"
    client.post("/logout/")
    at_t0.shift(30)
    client.post(
        "/login/", {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert code_step(client, totp.at(T0 + timedelta(seconds=30)))["Location"] == "/"


def test_a_wrong_code_is_refused_and_not_shown_back(client, alice, at_t0):
    totp = enrol(alice)
    password_step(client, "alice")
    wrong = other_code(totp, T0)
    response = code_step(client, wrong)
    assert response.status_code == 200
    page = response.content.decode()
    assert "That code is not right" in page
    assert wrong not in page
    assert not logged_in(client)
    assert AuditEntry.objects.filter(action="auth.2fa_failed", actor_id=alice.pk).count() == 1
    # The pending login goes on: the right code still works.
    assert code_step(client, totp.at(T0))["Location"] == "/"


@pytest.mark.parametrize(
    "garbage",
    ["", "   ", "abc", "12345", "1234567", "١٢٣٤٥٦", "x" * 500, "12 34 5a", "<b>1</b>", "--"],
)
def test_garbage_codes_never_cause_an_error(client, alice, at_t0, garbage):
    enrol(alice)
    password_step(client, "alice")
    response = code_step(client, garbage)
    assert response.status_code == 200
    assert not logged_in(client)


def test_a_replayed_code_is_refused(client, alice, at_t0):
    totp = enrol(alice)
    code = totp.at(T0)
    password_step(client, "alice")
    assert code_step(client, code)["Location"] == "/"
    client.post("/logout/")

    # An informer who watched the code being typed tries it within the same step.
    spy = Client()
    password_step(spy, "alice")
    response = code_step(spy, code)
    assert response.status_code == 200
    assert not logged_in(spy)
    # The next step's code works, and then the earlier one is refused even while
    # it would still be inside the ±1 window.
    at_t0.shift(30)
    assert code_step(spy, totp.at(T0 + timedelta(seconds=30)))["Location"] == "/"
    password_step(client, "alice")
    assert code_step(client, code).status_code == 200
    assert not logged_in(client)


def test_codes_one_step_either_side_are_accepted_two_steps_are_not(client, alice, at_t0):
    totp = enrol(alice)
    password_step(client, "alice")
    assert code_step(client, totp.at(T0 - timedelta(seconds=60))).status_code == 200
    assert code_step(client, totp.at(T0 + timedelta(seconds=60))).status_code == 200
    assert code_step(client, totp.at(T0 - timedelta(seconds=30)))["Location"] == "/"
    client.post("/logout/")
    password_step(client, "alice")
    assert code_step(client, totp.at(T0 + timedelta(seconds=30)))["Location"] == "/"


def test_the_pending_login_expires_after_five_minutes(client, alice, at_t0):
    totp = enrol(alice)
    password_step(client, "alice")
    at_t0.shift(301)
    response = code_step(client, totp.at(T0 + timedelta(seconds=301)), follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "That took too long. Please log in again." in response.content.decode()
    assert not logged_in(client)


def test_the_code_step_without_a_password_step_goes_back_to_step_one(client, alice):
    response = client.get("/login/verify/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "Please log in with your username and password first." in response.content.decode()
    response = code_step(client, "123456")
    assert response["Location"] == "/login/"
    assert not logged_in(client)


def test_an_account_disabled_between_the_steps_cannot_finish(client, alice, at_t0):
    totp = enrol(alice)
    password_step(client, "alice")
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert code_step(client, totp.at(T0))["Location"] == "/login/"
    assert not logged_in(client)


# --- enrolment and backup codes ----------------------------------------------------------


SECRET_SHOWN = re.compile(r'<code class="secret">([A-Z2-7 ]+)</code>')


def secret_shown(client: Client) -> str:
    """The secret the set-up page shows this session (as a person types it in)."""
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    return SECRET_SHOWN.search(page.content.decode()).group(1).replace(" ", "")


def _enrol_through_the_pages(client: Client, user: User) -> tuple[pyotp.TOTP, list[str]]:
    html = client.get("/account/two-factor/").content.decode()
    assert '<img src="data:image/png;base64,' in html
    secret = secret_shown(client)
    # Reloading keeps the same secret (the app may have scanned it already).
    assert secret_shown(client) == secret and len(secret) == 32
    # Nothing about it is stored before it is confirmed; the session holds it sealed.
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert secret not in json.dumps(dict(client.session))
    totp = pyotp.TOTP(secret)
    response = client.post("/account/two-factor/", {"code": totp.now(), "password": PASSWORD})
    assert response.status_code == 200
    codes = BACKUP_CODE.findall(response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    return totp, codes


def test_enrolment_shows_a_qr_code_and_the_key_and_needs_a_code(login, alice, at_t0):
    client = login(alice)
    page = client.get("/account/two-factor/").content.decode()
    assert "<script" not in page and " style=" not in page
    response = client.post("/account/two-factor/", {"code": "000000", "password": PASSWORD})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=alice).exists()
    _totp, codes = _enrol_through_the_pages(client, alice)
    assert TOTPDevice.objects.get(user=alice).confirmed
    # Stored hashed, never as typed.
    stored = list(BackupCode.objects.filter(user=alice).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in stored)
    assert {"auth.2fa_enabled", "auth.backup_codes_generated"} <= set(actions())


def test_turning_two_factor_on_needs_the_password(login, alice, at_t0):
    """A stolen session alone cannot enrol the thief's phone, get the backup codes
    and lock the owner out; wrong passwords count towards the lockout."""
    client = login(alice)
    totp = pyotp.TOTP(secret_shown(client))
    for password in ["", "a guess"]:
        response = client.post("/account/two-factor/", {"code": totp.now(), "password": password})
        assert response.status_code == 200
        assert not BACKUP_CODE.findall(response.content.decode())
    assert "That password is not right." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert "auth.2fa_enabled" not in actions()
    assert LoginFailure.objects.filter(stage="reauth").count() == 1
    _enrol_through_the_pages(client, alice)
    assert TOTPDevice.objects.get(user=alice).confirmed


def test_another_session_never_sees_the_secret_the_owner_confirms(alice, at_t0):
    """GIVEN a thief's copy of alice's session that opened the set-up page WHEN alice
    sets up her phone in her own session THEN the secret the thief saw is worthless."""
    thief, owner = Client(), Client()
    thief.force_login(alice)
    owner.force_login(alice)
    seen_by_thief = secret_shown(thief)
    _enrol_through_the_pages(owner, alice)
    assert TOTPDevice.objects.get(user=alice).secret != seen_by_thief
    login = Client()
    password_step(login, "alice")
    assert code_step(login, pyotp.TOTP(seen_by_thief).at(T0)).status_code == 200
    assert not logged_in(login)


def test_another_session_opening_the_set_up_page_cannot_stop_the_owner(alice, at_t0):
    """The review's l6: a stolen session reloading the set-up page between the
    owner's scan and confirmation neither changes the owner's secret nor learns it."""
    thief, owner = Client(), Client()
    thief.force_login(alice)
    owner.force_login(alice)
    secret = secret_shown(owner)
    seen_by_thief = {secret_shown(thief) for _ in range(3)}
    assert secret not in seen_by_thief
    response = owner.post(
        "/account/two-factor/", {"code": pyotp.TOTP(secret).now(), "password": PASSWORD}
    )
    assert len(BACKUP_CODE.findall(response.content.decode())) == 10
    assert TOTPDevice.objects.get(user=alice, confirmed=True).secret == secret


def test_the_secret_is_encrypted_at_rest(alice):
    enrol(alice)
    device = TOTPDevice.objects.get(user=alice)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        (raw,) = cursor.fetchone()
    assert device.secret not in raw


def test_a_backup_code_works_once(login, alice, at_t0):
    _totp, codes = _enrol_through_the_pages(login(alice), alice)
    client = Client()
    password_step(client, "alice")
    # Typed in capitals and without the hyphen still counts.
    assert code_step(client, codes[3].upper().replace("-", ""))["Location"] == "/"
    assert AuditEntry.objects.filter(action="auth.login").last().detail == {"method": "backup_code"}
    assert AuditEntry.objects.get(action="auth.backup_code_used").detail == {"remaining": 9}
    client.post("/logout/")

    password_step(client, "alice")
    assert code_step(client, codes[3]).status_code == 200
    assert not logged_in(client)
    assert code_step(client, codes[4])["Location"] == "/"


def test_new_backup_codes_need_the_password_and_replace_the_old(login, alice, at_t0):
    client = login(alice)
    _totp, old = _enrol_through_the_pages(client, alice)
    response = client.post("/account/two-factor/backup-codes/", {"password": "wrong"})
    assert "That password is not right." in response.content.decode()
    assert "wrong" not in response.content.decode().split("<main", 1)[1]
    response = client.post("/account/two-factor/backup-codes/", {"password": PASSWORD})
    new = BACKUP_CODE.findall(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    other = Client()
    password_step(other, "alice")
    assert code_step(other, old[0]).status_code == 200
    assert code_step(other, new[0])["Location"] == "/"


def test_turning_two_factor_off_needs_the_password_and_a_code(login, alice, at_t0):
    client = login(alice)
    totp, _codes = _enrol_through_the_pages(client, alice)
    at_t0.shift(30)
    code = totp.at(T0 + timedelta(seconds=30))
    response = client.post("/account/two-factor/disable/", {"password": "wrong", "code": code})
    assert "The password or the code is not right." in response.content.decode()
    response = client.post("/account/two-factor/disable/", {"password": PASSWORD, "code": "000000"})
    assert "The password or the code is not right." in response.content.decode()
    assert TOTPDevice.objects.filter(user=alice).exists()
    response = client.post("/account/two-factor/disable/", {"password": PASSWORD, "code": code})
    assert response["Location"] == "/account/"
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not BackupCode.objects.filter(user=alice).exists()
    assert "auth.2fa_disabled" in actions()
    assert password_step(Client(), "alice")["Location"] == "/"


# --- who must have two-factor login ------------------------------------------------------


def test_an_administrator_without_two_factor_must_enrol_before_anything_else(client, db, at_t0):
    make_user("ada", role=User.Role.ADMINISTRATOR)
    response = password_step(client, "ada")
    assert response["Location"] == "/account/two-factor/"
    for url in ["/", "/cases/", "/users/", "/account/", "/account/password/"]:
        assert client.get(url)["Location"] == "/account/two-factor/", url
    assert client.get("/static/habeas/site.css").status_code == 200
    ada = User.objects.get(username="ada")
    _enrol_through_the_pages(client, ada)
    assert client.get("/").status_code == 200
    assert client.get("/users/").status_code == 200
    # From now on the administrator's login asks for a code.
    client.post("/logout/")
    assert password_step(client, "ada")["Location"] == "/login/verify/"


def test_an_administrator_held_for_enrolment_can_still_log_out(client, db):
    make_user("ada", role=User.Role.ADMINISTRATOR)
    password_step(client, "ada")
    assert client.post("/logout/")["Location"] == "/login/"
    assert not logged_in(client)


def test_requiring_two_factor_for_everyone(settings, client, alice):
    settings.HABEAS_REQUIRE_2FA = True
    assert password_step(client, "alice")["Location"] == "/account/two-factor/"
    assert client.get("/cases/")["Location"] == "/account/two-factor/"


def test_without_the_requirement_staff_may_go_without(settings, login, alice):
    settings.HABEAS_REQUIRE_2FA = False
    assert login(alice).get("/cases/").status_code == 200


# --- lockout -------------------------------------------------------------------------------


def _fail(client: Client, username: str, n: int, ip: str = "127.0.0.1") -> None:
    for _ in range(n):
        response = password_step(client, username, "not the password", REMOTE_ADDR=ip)
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()


def test_lockout_by_username_refuses_even_the_right_password_unchecked(client, alice, bob):
    for i in range(5):
        password_step(client, "alice", "not the password", REMOTE_ADDR=f"198.51.100.{i}")
    with mock.patch(
        "django.contrib.auth.forms.authenticate", side_effect=AssertionError("checked")
    ) as authenticate:
        response = password_step(client, "alice", REMOTE_ADDR="198.51.100.99")
    authenticate.assert_not_called()
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert not logged_in(client)
    assert AuditEntry.objects.filter(action="auth.locked_out").count() == 1
    # Another user from the same address is not affected.
    assert password_step(Client(), "bob", REMOTE_ADDR="198.51.100.99")["Location"] == "/"


def test_lockout_by_address_across_usernames(client, alice):
    """Twenty failures from one address, spread over usernames (password spraying),
    lock that address; four usernames' typos do not (an office shares one address)."""
    names = [f"user{i}" for i in range(20)]
    for name in names[:19]:
        password_step(client, name, "guess", REMOTE_ADDR="203.0.113.7")
    assert password_step(Client(), "alice", REMOTE_ADDR="203.0.113.7")["Location"] == "/"
    password_step(client, names[19], "guess", REMOTE_ADDR="203.0.113.7")
    response = password_step(client, "alice", REMOTE_ADDR="203.0.113.7")
    assert LOCKED in response.content.decode()
    assert not logged_in(client)
    assert password_step(Client(), "alice", REMOTE_ADDR="203.0.113.8")["Location"] == "/"


def test_lockout_by_address_can_be_turned_off_for_an_onion_service(settings, alice):
    """Behind an onion service every visitor comes from 127.0.0.1."""
    settings.HABEAS_LOCKOUT_ADDRESS_ATTEMPTS = 0
    for i in range(30):
        password_step(Client(), f"user{i}", "guess", REMOTE_ADDR="127.0.0.1")
    assert password_step(Client(), "alice", REMOTE_ADDR="127.0.0.1")["Location"] == "/"
    # Lockout by username still holds.
    _fail(Client(), "alice", 5)
    assert LOCKED in password_step(Client(), "alice").content.decode()


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings, alice):
    import ipaddress

    settings.HABEAS_TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)
    settings.HABEAS_LOCKOUT_ADDRESS_ATTEMPTS = 3
    # The proxy (10.0.0.2) appends the real client; what the client sent is ignored.
    for i in range(3):
        password_step(
            Client(),
            f"user{i}",
            "guess",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 198.51.100.5",
        )
    assert LoginFailure.objects.filter(ip="198.51.100.5").count() == 3
    locked = password_step(
        Client(), "alice", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.5"
    )
    assert LOCKED in locked.content.decode()
    # Another client behind the same proxy is not locked out.
    ok = password_step(
        Client(), "alice", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.6"
    )
    assert ok["Location"] == "/"
    # From an untrusted address the header is the client's invention: ignored.
    password_step(
        Client(),
        "nobody",
        "guess",
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert LoginFailure.objects.filter(username=lockout_key("nobody")).get().ip == "203.0.113.9"
    # The audit log records the same address.
    entry = AuditEntry.objects.filter(action="auth.login_failed").latest("pk")
    assert entry.ip == "203.0.113.9"


def test_a_bad_trusted_proxies_setting_is_one_clear_line(monkeypatch):
    from habeas.conf import ConfigurationError, env_networks

    monkeypatch.setenv("HABEAS_TRUSTED_PROXIES", "10.0.0.1, proxy.local")
    with pytest.raises(ConfigurationError, match=r"'proxy\.local' is not an IP address"):
        env_networks("HABEAS_TRUSTED_PROXIES")
    monkeypatch.setenv("HABEAS_TRUSTED_PROXIES", "10.0.0.1 192.168.0.0/24")
    assert [str(n) for n in env_networks("HABEAS_TRUSTED_PROXIES")] == [
        "10.0.0.1/32",
        "192.168.0.0/24",
    ]


def test_lockout_looks_the_same_for_existing_and_unknown_usernames(alice):
    pages = {}
    for username, ip in [("alice", "192.0.2.1"), ("nobody", "192.0.2.2")]:
        client = Client()
        _fail(client, username, 5, ip)
        page = password_step(client, username, REMOTE_ADDR=ip).content.decode()
        pages[username] = CSRF_INPUT.sub("", page).replace(username, "NAME")
    assert LOCKED in pages["alice"]
    assert pages["alice"] == pages["nobody"]


def test_the_lock_ends_after_the_window(client, alice, at_t0):
    _fail(client, "alice", 5)
    assert LOCKED in password_step(client, "alice").content.decode()
    at_t0.shift(timedelta(minutes=14, seconds=59))
    assert LOCKED in password_step(client, "alice").content.decode()
    at_t0.shift(timedelta(seconds=2))
    assert password_step(client, "alice")["Location"] == "/"


def test_lockout_settings_are_read(settings, client, alice):
    settings.HABEAS_LOCKOUT_ATTEMPTS = 2
    _fail(client, "alice", 2)
    assert LOCKED in password_step(client, "alice").content.decode()


def test_failed_codes_count_towards_the_lockout(client, alice, at_t0):
    totp = enrol(alice)
    password_step(client, "alice")
    wrong = other_code(totp, T0)
    for _ in range(5):
        assert code_step(client, wrong).status_code == 200
    response = code_step(client, totp.at(T0), follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert LOCKED in response.content.decode()
    assert not logged_in(client)
    assert LOCKED in password_step(client, "alice").content.decode()
    assert LoginFailure.objects.filter(stage="code").count() == 5


def test_a_success_does_not_erase_the_addresses_failures_for_other_usernames(
    settings, client, alice, bob
):
    settings.HABEAS_LOCKOUT_ADDRESS_ATTEMPTS = 5
    ip = "203.0.113.50"
    for name in ["m1", "m2", "m3", "m4"]:
        password_step(Client(), name, "guess", REMOTE_ADDR=ip)
    assert password_step(client, "alice", REMOTE_ADDR=ip)["Location"] == "/"
    password_step(Client(), "m5", "guess", REMOTE_ADDR=ip)
    assert LOCKED in password_step(Client(), "bob", REMOTE_ADDR=ip).content.decode()


def test_a_success_forgets_that_users_own_typos(client, alice):
    _fail(client, "alice", 4)
    assert password_step(client, "alice")["Location"] == "/"
    client.post("/logout/")
    _fail(client, "alice", 4)
    assert password_step(client, "alice")["Location"] == "/"


def test_username_variants_share_one_counter(client, alice):
    for variant in ["alice", "Alice", "ALICE ", "alice", "ａｌｉｃｅ"]:
        password_step(client, variant, "wrong", REMOTE_ADDR=f"198.51.100.{len(variant)}")
    assert LOCKED in password_step(client, "alice", REMOTE_ADDR="192.0.2.200").content.decode()


# --- sessions ----------------------------------------------------------------------------


def test_disabling_an_account_ends_its_session(login, bob, db):
    admin = make_user("ada", role=User.Role.ADMINISTRATOR)
    enrol(admin)
    bobs = login(bob)
    assert bobs.get("/cases/").status_code == 200
    admins = Client()
    admins.force_login(admin)
    assert admins.post(f"/users/{bob.public_id}/disable/")["Location"] == f"/users/{bob.public_id}/"
    response = bobs.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert password_step(Client(), "bob").status_code == 200
    assert "user.disabled" in actions()


def test_the_backend_alone_ends_the_session_of_an_inactive_user(login, bob):
    client = login(bob)
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert client.get("/cases/")["Location"].startswith("/login/")


def test_log_out_everywhere_ends_the_other_sessions(alice):
    here, there = Client(), Client()
    here.force_login(alice)
    there.force_login(alice)
    assert here.post("/account/sessions/end/")["Location"] == "/account/"
    assert here.get("/cases/").status_code == 200
    assert there.get("/cases/")["Location"].startswith("/login/")
    assert "auth.sessions_ended" in actions()


def test_a_password_change_ends_the_other_sessions(alice):
    here, there = Client(), Client()
    here.force_login(alice)
    there.force_login(alice)
    new = "correct horse battery staple " * 4 + "ok!!"
    assert len(new) == 120
    response = here.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == "/account/"
    assert here.get("/cases/").status_code == 200
    assert there.get("/cases/")["Location"].startswith("/login/")
    assert password_step(Client(), "alice", new)["Location"] == "/"
    assert "auth.password_changed" in actions()


def test_logout_is_audited(client, alice):
    password_step(client, "alice")
    client.post("/logout/")
    assert "auth.logout" in actions()
    assert client.get("/cases/")["Location"].startswith("/login/")


# --- password rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("short1!", False),
        ("12345678", False),
        ("password123", False),
        ("alice2030", False),
        ("x7" * 64, True),
        ("quiet river under a tin roof", True),
        ("y8" * 64 + "z", False),
    ],
)
def test_password_rules(login, alice, password, accepted):
    response = login(alice).post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert (response.status_code == 302) is accepted
    alice.refresh_from_db()
    assert alice.check_password(password) is accepted
    if not accepted:
        page = response.content.decode()
        assert "your password was not changed" in page
        assert password not in page


def test_a_wrong_old_password_counts_towards_the_lockout(login, alice):
    client = login(alice)
    for _ in range(5):
        client.post(
            "/account/password/",
            {
                "old_password": "guess",
                "new_password1": "a b c d e f",
                "new_password2": "a b c d e f",
            },
        )
    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "quiet river roof",
            "new_password2": "quiet river roof",
        },
    )
    assert LOCKED in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


# --- administration ------------------------------------------------------------------------


@pytest.fixture
def ada(db) -> User:
    admin = make_user("ada", role=User.Role.ADMINISTRATOR)
    enrol(admin)
    return admin


def test_non_administrators_get_404_on_administration_pages(login, alice, vera, bob):
    for user in (alice, vera):
        client = login(user)
        for url in ["/users/", "/users/new/", f"/users/{bob.public_id}/"]:
            assert client.get(url).status_code == 404, url
        for url in [
            f"/users/{bob.public_id}/disable/",
            f"/users/{bob.public_id}/role/",
            f"/users/{bob.public_id}/two-factor/reset/",
            "/users/new/",
        ]:
            assert client.post(url, {"role": "admin", "username": "x"}).status_code == 404, url
    bob.refresh_from_db()
    assert bob.is_active and bob.role == User.Role.STAFF
    assert not User.objects.filter(username="x").exists()
    assert AuditEntry.objects.filter(action="access.denied").count() == 14
    assert "Users" not in login(alice).get("/").content.decode().split("</nav>")[0]


def test_administrator_lists_and_creates_accounts(login, ada):
    client = login(ada)
    page = client.get("/users/").content.decode()
    assert "ada" in page and "Users" in page
    response = client.post("/users/new/", {"username": "nadia", "role": "viewer"})
    assert response.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', response.content.decode())[1]
    nadia = User.objects.get(username="nadia")
    assert nadia.role == User.Role.VIEWER and nadia.check_password(password)
    entry = AuditEntry.objects.get(action="user.created")
    assert password not in json.dumps(entry.detail)
    assert password_step(Client(), "nadia", password)["Location"] == "/"

    long = "a passphrase that goes on " * 4
    response = client.post(
        "/users/new/",
        {"username": "omar", "role": "staff", "password1": long, "password2": long},
    )
    omar = User.objects.get(username="omar")
    assert response["Location"] == f"/users/{omar.public_id}/"
    assert omar.check_password(long)


def test_account_creation_errors_keep_the_input_but_not_the_passwords(login, ada, alice):
    response = login(ada).post(
        "/users/new/",
        {"username": "alice", "role": "staff", "password1": "zq9-secret", "password2": "other"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A user with that username already exists." in page
    assert "The two passwords differ." in page
    assert 'value="alice"' in page
    assert "zq9-secret" not in page
    response = login(ada).post(
        "/users/new/",
        {"username": "petra", "role": "staff", "password1": "12345678", "password2": "12345678"},
    )
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(username="petra").exists()


def test_administrator_changes_roles_disables_enables_and_resets_two_factor(login, ada, bob):
    client = login(ada)
    assert client.get(f"/users/{bob.public_id}/").status_code == 200
    client.post(f"/users/{bob.public_id}/role/", {"role": "viewer"})
    bob.refresh_from_db()
    assert bob.role == User.Role.VIEWER
    assert AuditEntry.objects.get(action="user.role_changed").detail == {
        "user_id": bob.pk,
        "from": "staff",
        "to": "viewer",
        "read_only_on": 0,  # bob was on no case team
    }
    assert client.post(f"/users/{bob.public_id}/role/", {"role": "overlord"}).status_code == 302
    bob.refresh_from_db()
    assert bob.role == User.Role.VIEWER

    client.post(f"/users/{bob.public_id}/disable/")
    bob.refresh_from_db()
    assert not bob.is_active
    client.post(f"/users/{bob.public_id}/enable/")
    bob.refresh_from_db()
    assert bob.is_active
    assert password_step(Client(), "bob")["Location"] == "/"

    enrol(bob)
    BackupCode.objects.create(user=bob, code_hash="x")
    bobs = Client()
    bobs.force_login(bob)
    client.post(f"/users/{bob.public_id}/two-factor/reset/")
    assert not TOTPDevice.objects.filter(user=bob).exists()
    assert not BackupCode.objects.filter(user=bob).exists()
    assert bobs.get("/cases/")["Location"].startswith("/login/")
    assert {"user.disabled", "user.enabled", "auth.2fa_reset"} <= set(actions())
    assert client.get("/users/999999/").status_code == 404
    assert client.get(f"/users/{bob.public_id}/disable/").status_code == 405


def test_administrators_cannot_lock_themselves_out(login, ada):
    client = login(ada)
    response = client.post(f"/users/{ada.public_id}/disable/", follow=True)
    assert "You cannot disable your own account." in response.content.decode()
    client.post(f"/users/{ada.public_id}/role/", {"role": "staff"})
    ada.refresh_from_db()
    assert ada.is_active and ada.role == User.Role.ADMINISTRATOR


def test_a_promoted_administrator_is_held_for_enrolment(login, ada, bob):
    bobs = login(bob)
    assert bobs.get("/cases/").status_code == 200
    admins = Client()
    admins.force_login(ada)
    admins.post(f"/users/{bob.public_id}/role/", {"role": "admin"})
    assert bobs.get("/cases/")["Location"] == "/account/two-factor/"


def test_the_operator_creates_an_administrator_and_resets_two_factor(db, capsys):
    call_command("account", "create", "root-ada", "--role", "admin")
    out = capsys.readouterr().out
    password = re.search(r"shown only now: (\S+)", out)[1]
    ada = User.objects.get(username="root-ada")
    assert ada.role == User.Role.ADMINISTRATOR and ada.check_password(password)
    entry = AuditEntry.objects.get(action="user.created")
    assert entry.detail["via"] == "command" and password not in json.dumps(entry.detail)
    enrol(ada)
    call_command("account", "reset-2fa", "root-ada")
    assert not TOTPDevice.objects.filter(user=ada).exists()
    with pytest.raises(CommandError):
        call_command("account", "create", "root-ada")
    with pytest.raises(CommandError):
        call_command("account", "reset-2fa", "nobody")
    with pytest.raises(CommandError):
        call_command("account", "create", "bad name!")


# --- audit -------------------------------------------------------------------------------------


def test_logins_failures_and_lockouts_are_audited_without_secrets(client, alice, bob, at_t0):
    totp = enrol(alice)
    wrong_password = "hunter2-wrong-guess"
    _fail(Client(), "bob", 1)
    password_step(Client(), "bob", wrong_password)
    password_step(client, "alice")
    wrong_code = other_code(totp, T0)
    code_step(client, wrong_code)
    good_code = totp.at(T0)
    code_step(client, good_code)
    assert logged_in(client)
    for _ in range(3):
        password_step(Client(), "bob", wrong_password)
    password_step(Client(), "bob")

    got = actions()
    # bob's five failures from one address in one window: one entry (D3).
    assert got.count("auth.login_failed") == 1
    assert got.count("auth.2fa_failed") == 1
    assert got.count("auth.login") == 1
    assert got.count("auth.locked_out") == 1
    failed = AuditEntry.objects.filter(action="auth.login_failed").first()
    assert failed.actor_username == "bob" and failed.ip == "127.0.0.1"
    assert failed.detail == {"stage": "password"}
    secrets = [PASSWORD, wrong_password, wrong_code, good_code, "not the password", totp.secret]
    for entry in AuditEntry.objects.all():
        payload = json.dumps(
            [entry.actor_username, entry.action, entry.target_id, entry.detail], ensure_ascii=False
        )
        for secret in secrets:
            assert secret not in payload, (entry.action, secret)


# --- pages ---------------------------------------------------------------------------------------


def test_account_pages_work_without_scripts_and_label_every_input(login, ada, bob, at_t0):
    client = login(ada)
    urls = [
        "/account/",
        "/account/password/",
        "/account/two-factor/backup-codes/",
        "/account/two-factor/disable/",
        "/users/",
        "/users/new/",
        f"/users/{bob.public_id}/",
    ]
    anonymous = ["/login/"]
    pages = [client.get(url) for url in urls] + [Client().get(url) for url in anonymous]
    enrol(bob)
    bobs = Client()
    password_step(bobs, "bob")
    pages.append(bobs.get("/login/verify/"))
    carol = make_user("carol")
    pages.append(login(carol).get("/account/two-factor/"))
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        assert "<script" not in page and " style=" not in page
        assert "http://" not in page and "https://" not in page
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
            if 'type="hidden"' in tag:
                continue
            ident = re.search(r'id="([^"]+)"', tag)
            assert ident, tag
            assert f'for="{ident[1]}"' in page, tag
