"""A web capture records what was captured, when and by whom."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from habeas.evidence import samples
from habeas.evidence.models import EvidenceItem


@pytest.fixture(autouse=True)
def _store(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.HABEAS_FILES_DIR = tmp_path / "files"


def _post(client, case, **fields):
    url = reverse("evidence_add", args=[case.public_id])
    upload = SimpleUploadedFile("post.warc", samples.web_capture_warc())
    data = {"upload": upload, "title": "KEPT-TITLE", "kind": "web_capture", **fields}
    return client.post(url, data)


def test_a_web_capture_needs_its_url_time_and_who_captured_it(alices_case, alice, client):
    client.force_login(alice)
    response = _post(client, alices_case, source_url="https://t.me/example/1")
    page = response.content.decode()
    assert response.status_code == 400
    assert "A web capture needs the time it was captured." in page
    assert "A web capture needs who captured it (a code name)." in page
    assert "KEPT-TITLE" in page and "https://t.me/example/1" in page
    assert not EvidenceItem.objects.exists()

    response = _post(client, alices_case, collected_at="2021-10-25 09:00", collected_by="ROWAN")
    assert response.status_code == 400
    assert "A web capture needs the URL it was captured from." in response.content.decode()

    response = _post(
        client,
        alices_case,
        source_url="https://t.me/example/1",
        collected_at="2021-10-25 09:00",
        collected_by="ROWAN",
        capture_tool="ArchiveWeb.page",
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert (item.source_url, item.collected_by, item.capture_tool) == (
        "https://t.me/example/1",
        "ROWAN",
        "ArchiveWeb.page",
    )
    assert item.collected_at.year == 2021


def test_a_capture_time_in_the_future_is_refused(alices_case, alice, client):
    client.force_login(alice)
    response = _post(
        client,
        alices_case,
        source_url="https://t.me/example/1",
        collected_at="2999-01-01 09:00",
        collected_by="ROWAN",
    )
    assert response.status_code == 400
    assert "This time is in the future." in response.content.decode()
    assert not EvidenceItem.objects.exists()
