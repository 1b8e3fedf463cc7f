"""Fixtures shared by every test: a cast of users and a case they work on.

alice leads a case, bob is a member of it, vera may only read it, and charlie is
an outsider (on no team): whatever charlie asks about alice's case is a 404.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation

from habeas.accounts.models import User
from habeas.cases import services as cases
from habeas.cases.models import CaseMember
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, ClaimLink, Source
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.commands import SITES

PASSWORD = "a long enough test passphrase"


@pytest.fixture
def transactional_db(transactional_db):
    """pytest-django's fixture, with the audit log's append-only triggers lifted just
    before it empties every table at teardown (the triggers would refuse that)."""
    from habeas.audit import triggers

    triggers.install(connection)
    yield
    triggers.uninstall(connection)


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    # A request leaves its language active in the thread (LocaleMiddleware and the
    # user's language activate it, nothing resets it): a test that asked in Russian
    # must not leave the next test's messages in Russian.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is Django's business; the tests need many users quickly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_files_dir(settings, tmp_path):
    # Each test stores evidence files in its own directory, so nothing one test
    # leaves behind shows up in another's backup or `evidence verify`.
    settings.HABEAS_FILES_DIR = tmp_path / "files"


@pytest.fixture(autouse=True)
def _subprocess_databases(tmp_path):
    # In the PostgreSQL pass, each data directory a `habeas` subprocess used has a
    # database of its own (tests/support/commands.py::Sites): dropped with the test.
    yield
    SITES.drop(under=tmp_path)


def pytest_sessionfinish(session, exitstatus):
    SITES.close()


def make_user(username: str, role: str = User.Role.STAFF) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role)


@pytest.fixture
def alice(db) -> User:
    return make_user("alice")


@pytest.fixture
def bob(db) -> User:
    return make_user("bob")


@pytest.fixture
def vera(db) -> User:
    return make_user("vera", role=User.Role.VIEWER)


@pytest.fixture
def charlie(db) -> User:
    return make_user("charlie")


@pytest.fixture
def ada(db) -> User:
    """An administrator, enrolled in two-factor login as administrators must be."""
    import pyotp

    from habeas.accounts.models import TOTPDevice

    admin = make_user("ada", role=User.Role.ADMINISTRATOR)
    TOTPDevice.objects.create(user=admin, secret=pyotp.random_base32(), confirmed=True)
    return admin


@pytest.fixture
def alices_case(alice, bob, vera):
    person = cases.person_create(name="Рустам Исаков", by=alice)
    cases.person_name_add(person=person, text="Rustam Isakow", by=alice)
    case = cases.case_create(
        reference="TM-2021-003",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-10-20 12:43"),
        last_contact_on=PartialDate.parse("2021-10-20 12:43"),
        last_contact_message="Police are here, I'm hiding.",
        by=alice,
    )
    cases.case_member_set(case=case, user=bob, role=CaseMember.Role.MEMBER, by=alice)
    cases.case_member_set(case=case, user=vera, role=CaseMember.Role.READ_ONLY, by=alice)
    return case


@pytest.fixture
def contested_case(alices_case, alice):
    """The motivating story: the ministry says he flew home; a cousin says he had
    no passport and would never go back."""
    case = alices_case
    ministry = sources.source_add(
        case=case, code_name="HOST-MOI", kind=Source.Kind.OFFICIAL, reliability="F", by=alice
    )
    cousin = sources.source_add(
        case=case,
        code_name="LARK",
        kind=Source.Kind.RELATIVE,
        reliability="B",
        identity="Cousin: CANARY-IDENTITY",
        by=alice,
    )
    flew = sources.claim_add(
        case=case,
        source=ministry,
        topic=Claim.Topic.WHEREABOUTS,
        by=alice,
        statement="He flew home on 22 October 2021.",
        received_on=PartialDate.parse("2021-11"),
        material=Claim.Material.OFFICIAL_REPLY,
        credibility=4,
        attribution=Claim.Attribution.ALTERNATIVE,
    )
    passport = sources.claim_add(
        case=case,
        source=cousin,
        topic=Claim.Topic.WHEREABOUTS,
        by=alice,
        statement="He had no passport and would never go back.",
        received_on=PartialDate.parse("2021-11-05"),
        material=Claim.Material.TESTIMONY,
        credibility=2,
    )
    sources.claims_link(
        case=case, first=flew, second=passport, kind=ClaimLink.Kind.CONTRADICTS, by=alice
    )
    return case


@pytest.fixture
def login(client):
    def _login(user: User):
        client.force_login(user)
        return client

    return _login


def pytest_report_header(config):
    expected = os.environ.get("HABEAS_EXPECT_DATABASE", "")
    return f"habeas: expected database {expected or 'any (default SQLite)'}"


@pytest.fixture
def database_vendor(db) -> str:
    return connection.vendor


@pytest.fixture
def page(monkeypatch):
    """A page in Debian's Chromium with JavaScript disabled (Tor Browser "Safest");
    the test fails if the page asked any other host for anything."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("HABEAS_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls made
    # by the test itself are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(java_script_enabled=False)
        requested_hosts: set[str] = set()
        context.on("request", lambda r: requested_hosts.add(r.url.split("/")[2]))
        yield context.new_page()
        context.close()
        browser.close()
    assert all(h.startswith(("localhost", "127.0.0.1")) for h in requested_hosts)


@pytest.fixture
def world(alice, bob, vera, charlie, ada, contested_case):
    """The authorization matrix's world (tests/test_authorization_matrix.py), also
    crawled in Russian (tests/test_i18n_pages.py): one case with a team of every
    kind, and one of everything a URL can name."""
    from habeas.api.services import api_token_create
    from habeas.cases import services as cases
    from habeas.cases.models import CaseMember, Event
    from habeas.evidence import samples
    from habeas.lib.partialdate import PartialDate
    from habeas.organisation.services import organisation_update
    from habeas.pfif.models import PfifImport
    from tests.support.checkin import checkin_ids
    from tests.support.pages import advocacy_ids, an_alert, evidence_ids, import_ids
    from tests.support.protection import protection_ids

    grace = make_user("grace")
    organisation_update(by=ada, name="Matrix Rights Centre", logo=samples.screenshot_jpeg())
    cases.case_member_set(
        case=contested_case,
        user=grace,
        role=CaseMember.Role.MEMBER,
        may_see_sources=True,
        by=alice,
    )
    actor = cases.actor_create(name="Ministry of National Security", country="TM", by=alice)
    event = cases.event_add(
        case=contested_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10"),
        description="Taken.",
        by=alice,
    )
    c, s = contested_case, contested_case.sources.get(code_name="LARK")
    claim, person = s.claims.get(), c.people.get()
    ids = {
        "case_id": c.public_id,
        "event_id": event.public_id,
        "source_id": s.public_id,
        "claim_id": claim.public_id,
        "person_id": person.public_id,
        "name_id": person.names.filter(is_primary=False).first().public_id,
        "link_id": c.claim_links.first().public_id,
        "relative_id": cases.relative_add(
            person=person, name="Brother", relationship="brother", contact="+993 …", by=alice
        ).public_id,
        "actor_id": actor.public_id,
        "token_id": api_token_create(user=bob, name="x", scope="read", days=1, by=bob)[0].public_id,
        "user_id": bob.public_id,
        "alert_id": an_alert(contested_case).public_id,
        **advocacy_ids(contested_case, alice),
        **evidence_ids(contested_case, alice),
        "import_id": PfifImport.objects.create(
            created_by=bob, sha256="0" * 64, country="TM"
        ).public_id,
        **import_ids(bob),
        **protection_ids(alice, members=[bob, grace], read_only=[vera]),
        **checkin_ids(alice),
    }
    users = {
        "anonymous": None,
        "outsider": charlie,
        "read_only": vera,
        "member": bob,
        "member_grant": grace,
        "admin": ada,
    }
    return ids, users
