"""A full disk: the user is told that nothing was saved and why, sees what they
typed again, and the operator's monitor sees the disk filling up.

The failures are simulated where they arise (a service, the evidence store, the
session's save), as SQLite, PostgreSQL and the file system report them, and the
free space through statvfs."""

from __future__ import annotations

import errno
import json
import os
import sqlite3

import psycopg
import pytest
from django.db.utils import OperationalError
from django.urls import reverse

from habeas.core import disk
from habeas.sources import services as source_services
from habeas.sources.models import Source

PASSWORD_TYPED = "a long enough test passphrase"


def sqlite_full() -> OperationalError:
    """What Django raises when SQLite cannot write: its error, wrapped."""
    try:
        raise sqlite3.OperationalError("database or disk is full")
    except sqlite3.OperationalError as exc:
        error = OperationalError(*exc.args)
        error.__cause__ = exc
        return error


def postgres_full() -> OperationalError:
    cause = psycopg.errors.DiskFull('could not extend file "base/16384/2619": No space left')
    error = OperationalError(*cause.args)
    error.__cause__ = cause
    return error


def failing(exc: BaseException):
    def fail(*args, **kwargs):
        raise exc

    return fail


@pytest.fixture
def claim_form(alices_case, alice):
    source = source_services.source_add(
        case=alices_case, code_name="ROWAN", kind=Source.Kind.WITNESS, reliability="B", by=alice
    )
    url = f"/cases/{alices_case.public_id}/claims/new/"
    data = {
        "source": str(source.public_id),
        "topic": "whereabouts",
        "statement": "TYPED-STATEMENT seen in a prison van.",
        "received_on": "2021-11-02",
        "material": "testimony",
        "credibility": "3",
        "credibility_rationale": "A neighbour saw it; nobody else has.",
    }
    return url, data


def statvfs_with_free(free: int):
    real = os.statvfs

    def fake(path):
        got = real(path)
        return os.statvfs_result(
            (
                got.f_bsize,
                4096,
                got.f_blocks,
                free // 4096,
                free // 4096,
                got.f_files,
                got.f_ffree,
                got.f_favail,
                got.f_flag,
                got.f_namemax,
            )
        )

    return fake


@pytest.mark.parametrize("error", [sqlite_full, postgres_full], ids=["sqlite", "postgresql"])
def test_a_write_on_a_full_disk_says_so_and_shows_the_input_again(
    client, alice, claim_form, monkeypatch, error
):
    monkeypatch.setattr(source_services, "claim_add", failing(error()))
    client.raise_request_exception = False
    client.force_login(alice)
    url, data = claim_form
    response = client.post(url, data)
    assert response.status_code == 503
    page = response.content.decode()
    assert "disk is full" in page
    assert "Nothing of what you just did was saved." in page
    assert "tell the administrator" in page
    assert "TYPED-STATEMENT seen in a prison van." in page  # to copy from the page
    assert "csrfmiddlewaretoken" not in page
    assert "Something went wrong" not in page


def test_an_outsider_gets_404_not_the_disk_full_page(client, charlie, claim_form, monkeypatch):
    monkeypatch.setattr(source_services, "claim_add", failing(sqlite_full()))
    client.raise_request_exception = False
    client.force_login(charlie)
    url, data = claim_form
    response = client.post(url, data)
    assert response.status_code == 404
    assert "TYPED-STATEMENT" not in response.content.decode()


def test_an_upload_on_a_full_disk_says_so(client, alice, alices_case, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from habeas.evidence import storage

    no_space = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(storage, "seal_to_tmp", failing(no_space))
    client.raise_request_exception = False
    client.force_login(alice)
    upload = SimpleUploadedFile("note.txt", b"A statement typed up.")
    response = client.post(
        reverse("evidence_add", args=[alices_case.public_id]),
        {"upload": upload, "title": "KEPT-TITLE", "kind": "file"},
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "disk is full" in page and "KEPT-TITLE" in page


def test_a_login_on_a_full_disk_says_so_and_never_shows_the_password(client, alice, monkeypatch):
    """The failure is in the session middleware, after the view: the same page."""
    from django.contrib.sessions.backends.db import SessionStore

    monkeypatch.setattr(SessionStore, "save", failing(sqlite_full()))
    client.raise_request_exception = False
    response = client.post("/login/", {"username": "alice", "password": PASSWORD_TYPED})
    assert response.status_code == 503
    page = response.content.decode()
    assert "disk is full" in page
    assert PASSWORD_TYPED not in page


def test_other_failures_keep_the_plain_error_page(client, alice, claim_form, monkeypatch):
    monkeypatch.setattr(source_services, "claim_add", failing(OperationalError("disk I/O error")))
    client.raise_request_exception = False
    client.force_login(alice)
    url, data = claim_form
    response = client.post(url, data)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "TYPED-STATEMENT" not in page

    # The same I/O error with the disk nearly full is the disk being full: SQLite
    # says so when it cannot create its -wal/-shm files.
    monkeypatch.setattr(disk.os, "statvfs", statvfs_with_free(1024 * 1024))
    response = client.post(url, data)
    assert response.status_code == 503


def test_health_reports_low_disk_space(db, client, settings, monkeypatch):
    ok = client.get("/health/")
    assert (ok.status_code, json.loads(ok.content)) == (200, {"ok": True})

    monkeypatch.setattr(disk.os, "statvfs", statvfs_with_free(100 * 1024 * 1024))
    low = client.get("/health/")
    assert low.status_code == 503
    assert json.loads(low.content) == {"ok": False, "reason": "low disk space"}

    settings.HABEAS_MIN_FREE_MB = 50  # the operator's threshold
    assert client.get("/health/").status_code == 200


def test_health_reports_a_database_it_cannot_write(db, client, monkeypatch, tmp_path):
    """The database file (the test database is in memory: one on disk stands in)
    or its directory refused for writing, as on a read-only mount."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's file; PostgreSQL reports a read-only server instead")
    on_disk = tmp_path / "habeas.sqlite3"
    on_disk.touch()
    monkeypatch.setattr(connection, "is_in_memory_db", lambda: False)
    monkeypatch.setitem(connection.settings_dict, "NAME", str(on_disk))
    assert client.get("/health/").status_code == 200

    real = os.access

    def read_only_mount(path, mode, *args, **kwargs):
        if mode & os.W_OK and str(path).startswith(str(tmp_path)):
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(disk.os, "access", read_only_mount)
    response = client.get("/health/")
    assert response.status_code == 503
    assert json.loads(response.content) == {"ok": False, "reason": "the database is read-only"}


def test_only_a_form_that_passed_the_csrf_check_is_shown_back(rf):
    """A failure before the CSRF check (in an earlier middleware) must not turn the
    page into a mirror for another site's form."""
    from habeas.core.views import disk_full

    request = rf.post("/cases/", {"statement": "FROM-ANOTHER-SITE"})
    page = disk_full(request).content.decode()
    assert "disk is full" in page and "FROM-ANOTHER-SITE" not in page

    request.csrf_processing_done = True
    assert "FROM-ANOTHER-SITE" in disk_full(request).content.decode()


def test_the_disk_full_page_never_shows_back_what_is_encrypted_at_rest(
    client, alice, alices_case, monkeypatch
):
    """GIVEN a member adding a source (who they are, how to reach them, notes)
    WHEN the disk is full
    THEN the page shows back what is not confidential (the code name, the reason for
    the grade), never the identity, contact or notes: those are encrypted at rest,
    and a page may be seen over a shoulder, in a screenshot or a browser's cache."""
    from habeas.core.views import confidential_fields

    assert {"identity", "contact", "notes", "last_contact_message"} <= confidential_fields()
    assert {"password", "code", "csrfmiddlewaretoken"} <= confidential_fields()
    monkeypatch.setattr(source_services, "source_add", failing(sqlite_full()))
    client.raise_request_exception = False
    client.force_login(alice)
    response = client.post(
        f"/cases/{alices_case.public_id}/sources/new/",
        {
            "code_name": "KEPT-CODE-NAME",
            "kind": "witness",
            "reliability": "B",
            "reliability_rationale": "KEPT-RATIONALE has been right twice.",
            "identity": "SECRET-IDENTITY Mariam A., the guard's sister",
            "contact": "SECRET-CONTACT +000 555 0101",
            "notes": "SECRET-NOTES meets us at the market",
            "form-0-notes": "SECRET-FORMSET-NOTES",
        },
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "disk is full" in page
    assert "KEPT-CODE-NAME" in page and "KEPT-RATIONALE" in page
    assert "SECRET-" not in page
