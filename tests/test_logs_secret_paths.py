"""The check-in link is a secret in its path: an error on it must not write the
link into the server's log, which a seized server hands over."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from habeas.core.logfilters import redact
from habeas.protection import checkin
from tests.support.checkin import PIN, enrolled


@pytest.fixture
def stderr_log():
    """What the configured handler writes, read back (django.request does not
    propagate, so the handler itself is where the line is made)."""
    handler = logging.getLogger("django.request").handlers[0]
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_an_error_on_the_check_in_page_logs_no_link(db, alice, monkeypatch, stderr_log):
    heron = enrolled(lead=alice)

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(checkin, "page_check_in", broken)
    client = Client(raise_request_exception=False)
    page = client.get(heron.url)
    token = page.cookies["csrftoken"].value
    answer = client.post(heron.url, {"pin": PIN, "csrfmiddlewaretoken": token})

    assert answer.status_code == 500
    logged = stderr_log.getvalue()
    assert "Internal Server Error" in logged, "the error is still logged"
    assert "/k/…" in logged
    assert heron.token not in logged


def test_only_the_secret_prefix_is_cut():
    assert redact("GET /k/AbC-d_9/ 500") == "GET /k/…/ 500"
    assert redact("GET /cases/k/AbC/ 500") == "GET /cases/k/AbC/ 500".replace("/k/AbC", "/k/…")
    assert redact("GET /kases/1/") == "GET /kases/1/"
