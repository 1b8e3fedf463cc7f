"""Evidence kept exactly as received: hashes, encryption at rest,
working copies without metadata, tampering detection, bad input, access."""

from __future__ import annotations

import hashlib
import io
import shutil
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from habeas.audit.models import AuditEntry
from habeas.evidence import samples, storage
from habeas.evidence.models import CustodyEvent, EvidenceItem
from habeas.lib import crypto, files
from tests.support.evidence import add


@pytest.fixture(autouse=True)
def store(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.HABEAS_FILES_DIR = settings.DATA_DIR / "files"
    return settings.DATA_DIR


def store_files(data_dir) -> list:
    path = data_dir / "files" / "evidence"
    return sorted(p.name for p in path.iterdir()) if path.exists() else []


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_hashes_recorded_are_those_of_the_bytes_uploaded_and_the_file_is_encrypted(
    alices_case, alice, client, store
):
    data = samples.screenshot_jpeg()
    item = add(alices_case, alice, data, "last-message.jpg", collected_by="ROWAN")
    item.refresh_from_db()
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.sha512 == hashlib.sha512(data).hexdigest()
    assert item.size == len(data)
    assert item.media_type == "image/jpeg"
    assert item.original_name == "last-message.jpg"
    stored = (store / "files" / "evidence" / f"{item.public_id}.original").read_bytes()
    assert stored.startswith(b"HVS") and data[:64] not in stored and b"EXIF-MAKE" not in stored

    client.force_login(alice)
    response = client.get(
        reverse("evidence_download", args=[alices_case.public_id, item.public_id])
    )
    assert response.status_code == 200
    assert body(response) == data
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    actions = list(item.custody.values_list("action", "ok"))
    assert actions == [("upload", True), ("download", True)]
    assert AuditEntry.objects.filter(
        action="evidence.download", target_id=str(item.public_id), actor_id=alice.pk
    ).exists()


def test_working_copy_of_an_image_has_no_exif_xmp_comment_or_gps(alices_case, alice, client):
    data = samples.screenshot_jpeg()
    before = files.metadata_of(data, "image/jpeg")
    assert before.gps and before.device and before.author
    item = add(alices_case, alice, data, "shot.jpg")
    client.force_login(alice)
    urls = [
        reverse(name, args=[alices_case.public_id, item.public_id])
        for name in ("evidence_download_working", "evidence_download", "evidence_detail")
    ]
    working = body(client.get(urls[0]))
    clean = Image.open(io.BytesIO(working))
    assert not clean.getexif() and not clean.getexif().get_ifd(0x8825)
    assert "xmp" not in clean.info and "comment" not in clean.info
    for marker in (b"EXIF-MAKE", b"EXIF-ARTIST", b"XMP-AUTHOR", b"JPEG-COMMENT", b"Exif"):
        assert marker not in working
    assert hashlib.sha256(working).hexdigest() == item.working_sha256
    # The original is untouched: same bytes, same hash.
    assert body(client.get(urls[1])) == data
    page = client.get(urls[2]).content.decode()
    assert "37.95000, 58.38333" in page and "EXIF-MODEL" in page  # staff see what it carries


def test_working_copy_of_a_pdf_has_no_document_info_or_xmp(alices_case, alice):
    from pypdf import PdfReader

    data = samples.official_letter_pdf()
    item = add(alices_case, alice, data, "reply.pdf")
    assert item.media_type == "application/pdf"
    original = storage.open_plain(item.public_id, "original", expect_sha256=item.sha256).read()
    assert original == data and hashlib.sha256(original).hexdigest() == item.sha256
    working = storage.open_plain(
        item.public_id, "working", expect_sha256=item.working_sha256
    ).read()
    reader = PdfReader(io.BytesIO(working))
    assert not reader.metadata and reader.xmp_metadata is None
    assert b"PDF-AUTHOR" not in working and b"XMP-AUTHOR" not in working
    assert len(reader.pages) == 1


def test_a_web_capture_keeps_url_time_and_tool(alices_case, alice):
    item = add(
        alices_case,
        alice,
        samples.web_capture_warc(),
        "post.warc",
        kind=EvidenceItem.Kind.WEB_CAPTURE,
        source_url="https://t.me/example/123",
        capture_tool="ArchiveWeb.page",
    )
    assert item.media_type == "application/warc" and not item.has_working_copy
    assert item.source_url == "https://t.me/example/123"


def test_a_web_capture_holds_several_files_each_with_its_hashes(alices_case, alice, client):
    from habeas.cases import services as cases

    other_case = cases.case_create(
        reference="TM-2022-001",
        person=cases.person_create(name="Ахмед Исаков", by=alice),
        country="TM",
        by=alice,
    )
    capture = add(
        alices_case,
        alice,
        samples.web_capture_warc(),
        "post.warc",
        kind=EvidenceItem.Kind.WEB_CAPTURE,
        source_url="https://t.me/example/123",
        capture_tool="ArchiveWeb.page",
    )
    client.force_login(alice)
    page = client.get(capture.get_absolute_url()).content.decode()
    assert "Add another file to this capture" in page
    url = reverse("evidence_add", args=[alices_case.public_id]) + f"?part_of={capture.public_id}"
    shot = samples.screenshot_jpeg()
    response = client.post(url, {"upload": SimpleUploadedFile("shot.jpg", shot), "title": "Shot"})
    assert response.status_code == 302
    part = capture.parts.get()
    assert part.sha256 == hashlib.sha256(shot).hexdigest()
    # The same capture: its URL and tool, its own custody.
    assert (part.kind, part.source_url, part.capture_tool) == (
        EvidenceItem.Kind.WEB_CAPTURE,
        "https://t.me/example/123",
        "ArchiveWeb.page",
    )
    assert part.custody.filter(action="upload").count() == 1
    page = client.get(capture.get_absolute_url()).content.decode()
    assert part.sha256 in page and capture.sha256 in page
    # Only a capture of this case takes parts.
    plain = add(alices_case, alice, b"a letter", "letter.txt")
    with pytest.raises(ValidationError, match="only to a web capture"):
        add(alices_case, alice, b"x", "x.txt", part_of=plain)
    with pytest.raises(ValidationError, match="only to a web capture"):
        add(other_case, alice, b"x", "x.txt", part_of=capture)
    not_capture = reverse("evidence_add", args=[alices_case.public_id])
    assert client.get(not_capture + f"?part_of={plain.public_id}").status_code == 404
    assert client.get(not_capture + "?part_of=not-a-uuid").status_code == 404


def test_verify_names_a_changed_file_and_it_is_not_served(alices_case, alice, client, store):
    good = add(alices_case, alice, samples.web_capture_warc(), "a.warc")
    bad = add(alices_case, alice, samples.official_letter_pdf(), "b.pdf")
    call_command("evidence", "verify", stdout=StringIO())  # all intact: no error
    path = store / "files" / "evidence" / f"{bad.public_id}.original"
    raw = bytearray(path.read_bytes())
    raw[-20] ^= 1
    path.write_bytes(bytes(raw))
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("evidence", "verify", stdout=StringIO(), stderr=err)
    assert str(bad.public_id) in err.getvalue() and str(good.public_id) not in err.getvalue()
    bad.refresh_from_db()
    assert bad.integrity == EvidenceItem.Integrity.CHANGED
    client.force_login(alice)
    response = client.get(reverse("evidence_download", args=[alices_case.public_id, bad.public_id]))
    assert response.status_code == 409
    assert bad.custody.filter(action=CustodyEvent.Action.DOWNLOAD, ok=False).exists()


def test_every_view_download_check_and_export_is_a_link_in_the_chain(
    alices_case, alice, bob, client, store
):
    item = add(alices_case, alice, samples.screenshot_jpeg(), "shot.jpg")
    ids = [alices_case.public_id, item.public_id]
    client.force_login(bob)
    assert client.get(item.get_absolute_url()).status_code == 200
    assert client.get(reverse("evidence_download_working", args=ids)).status_code == 200
    assert client.post(reverse("evidence_verify", args=ids)).status_code == 302
    share = {"action": "export", "recipient": "Lawyer's court bundle"}
    assert client.post(reverse("evidence_share", args=ids), share).status_code == 302
    call_command("evidence", "verify", stdout=StringIO())  # the nightly check: no person
    chain = list(item.custody.order_by("id").values_list("action", "actor__username", "ok"))
    assert chain == [
        ("upload", "alice", True),
        ("view", "bob", True),
        ("download_working", "bob", True),
        ("verify", "bob", True),
        ("export", "bob", True),
        ("verify", None, True),
    ]
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Lawyer&#x27;s court bundle" in page or "Lawyer's court bundle" in page


def test_a_file_moved_onto_another_item_does_not_decrypt(alices_case, alice, store):
    one = add(alices_case, alice, b"first statement\n", "one.txt")
    two = add(alices_case, alice, b"second statement\n", "two.txt")
    folder = store / "files" / "evidence"
    shutil.copy(folder / f"{one.public_id}.original", folder / f"{two.public_id}.original")
    assert "another record" in storage.check(two.public_id, "original", sha256=two.sha256)


def _replace_stored_file(item: EvidenceItem, data: bytes) -> None:
    """What someone holding the key would do: seal other bytes, validly, as the item's file."""
    tmp = storage.seal_to_tmp(io.BytesIO(data), item.public_id, storage.ORIGINAL)
    storage.commit_tmp(tmp, item.public_id, storage.ORIGINAL)


def _rewrite_recorded_hashes(item: EvidenceItem, data: bytes) -> None:
    """What someone with write access to the database would do: record the hashes
    of other bytes, consistently (both hashes, and the size)."""
    EvidenceItem.objects.filter(pk=item.pk).update(
        sha256=hashlib.sha256(data).hexdigest(),
        sha512=hashlib.sha512(data).hexdigest(),
        size=len(data),
    )


@pytest.mark.parametrize("tamper", [_replace_stored_file, _rewrite_recorded_hashes])
def test_a_file_that_decrypts_but_is_not_the_one_recorded_is_named_and_not_served(
    alices_case, alice, client, tamper
):
    """GIVEN a stored statement whose file decrypts cleanly but is not the file
    whose hashes were recorded at upload (the file re-sealed by someone holding the
    key, or the recorded hashes rewritten in the database) WHEN it is checked or
    downloaded THEN `habeas evidence verify` names it and fails, and nothing is served."""
    add(alices_case, alice, b"an untouched statement\n", "good.txt")
    item = add(alices_case, alice, b"the statement as received\n", "statement.txt")
    tamper(item, b"a statement rewritten afterwards\n")
    # The premise: the stored file still decrypts (to one of the two statements),
    # so only the comparison with the recorded hash can tell.
    decrypts_to = [
        text
        for text in (b"the statement as received\n", b"a statement rewritten afterwards\n")
        if not storage.check(
            item.public_id, storage.ORIGINAL, sha256=hashlib.sha256(text).hexdigest()
        )
    ]
    assert len(decrypts_to) == 1
    client.force_login(alice)
    ids = [alices_case.public_id, item.public_id]
    response = client.get(reverse("evidence_download", args=ids))
    assert response.status_code == 409  # the recorded hash is compared before serving
    assert b"statement" not in response.content
    assert item.custody.filter(action=CustodyEvent.Action.DOWNLOAD, ok=False).exists()
    EvidenceItem.objects.filter(pk=item.pk).update(integrity=EvidenceItem.Integrity.UNCHECKED)
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("evidence", "verify", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        f"CHANGED {item.public_id} (case {alices_case.reference}): "
        "the hash no longer matches the one recorded"
    ]
    item.refresh_from_db()
    assert item.integrity == EvidenceItem.Integrity.CHANGED
    assert item.custody.filter(action=CustodyEvent.Action.VERIFY, ok=False).exists()


def test_a_download_checks_the_recorded_hash_even_of_an_item_not_yet_found_changed(
    alices_case, alice, client
):
    item = add(alices_case, alice, b"the statement as received\n", "statement.txt")
    _rewrite_recorded_hashes(item, b"another statement\n")
    client.force_login(alice)
    ids = [alices_case.public_id, item.public_id]
    response = client.get(reverse("evidence_download", args=ids))
    assert response.status_code == 409
    assert "no longer matches" in response.content.decode()
    item.refresh_from_db()
    assert item.integrity == EvidenceItem.Integrity.CHANGED


def test_a_missing_file_is_reported(alices_case, alice, store):
    item = add(alices_case, alice, b"text\n", "a.txt")
    (store / "files" / "evidence" / f"{item.public_id}.original").unlink()
    with pytest.raises(CommandError):
        call_command("evidence", "verify", stdout=StringIO(), stderr=StringIO())


def _bomb_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"%PDF-1.4\nnot really a pdf", "broken.pdf", "damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "broken.png", "damaged"),
        (samples.web_capture_warc(), "photo.jpg", "does not match"),
        (b"%PDF-1.4 ...", "letter.txt", "does not match"),
        (b"hello", "../../etc/passwd", "path"),
        (b"hello", "a\\b.txt", "path"),
        (b"hello", "bad\x07name.txt", "control"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(alices_case, alice, store, data, name, message):
    with pytest.raises(ValidationError, match=message):
        add(alices_case, alice, data, name)
    assert not EvidenceItem.objects.exists()
    assert store_files(store) == []


TEXT_RU = "Мой брат не вернулся домой 20 октября.\u00a0Полиция молчит.\r\n" * 200


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (TEXT_RU.encode("utf-8"), "statement.txt"),
        (b"\xef\xbb\xbf" + TEXT_RU.encode("utf-8"), "statement-bom.txt"),
        (TEXT_RU.encode("utf-16"), "whatsapp-export.txt"),  # with its byte-order mark
        (TEXT_RU.encode("cp1251"), "old-windows.csv"),
        # A character cut by the 4 KiB sample is still text.
        (b"a" * 4095 + "ы".encode() * 10, "cut.txt"),
    ],
)
def test_text_in_the_encodings_people_send_is_kept_as_text(alices_case, alice, data, name):
    item = add(alices_case, alice, data, name)
    assert item.media_type == "text/plain"
    assert item.sha256 == hashlib.sha256(data).hexdigest()


def test_binary_data_named_txt_is_still_refused(alices_case, alice, store):
    binary = bytes(range(256)) * 20
    with pytest.raises(ValidationError, match="does not match"):
        add(alices_case, alice, binary, "notes.txt")
    assert store_files(store) == []


def test_decompression_bombs_are_refused(alices_case, alice, store):
    with pytest.raises(ValidationError, match=r"pixels|bomb"):
        add(alices_case, alice, _bomb_png(), "huge.png")
    assert store_files(store) == []


def test_files_over_the_limit_are_refused(alices_case, alice, store, settings):
    settings.HABEAS_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="larger than the limit"):
        add(alices_case, alice, b"x" * 11, "a.txt")
    assert store_files(store) == []


def test_an_oversized_upload_is_dropped_while_it_is_read(
    alices_case, alice, client, store, settings, monkeypatch
):
    """The size limit stops the upload as it streams in (chunk by chunk): never
    more than the limit is held in memory, and nothing is spooled to disk."""
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    from habeas.core.uploads import SizeLimitUploadHandler

    settings.HABEAS_EVIDENCE_MAX_BYTES = 200 * 1024
    spooled, held = [], [0]
    original = TemporaryFileUploadHandler.receive_data_chunk
    keep = SizeLimitUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        spooled.append(len(raw_data))
        return original(self, raw_data, start)

    def watch(self, raw_data, start):
        try:
            return keep(self, raw_data, start)
        finally:
            held[0] = max(held[0], self.buffer.tell() if self.buffer else 0)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
    monkeypatch.setattr(SizeLimitUploadHandler, "receive_data_chunk", watch)
    client.force_login(alice)
    url = reverse("evidence_add", args=[alices_case.public_id])
    big = SimpleUploadedFile("big.txt", b"x" * (5 * 1024 * 1024))
    response = client.post(url, {"upload": big, "title": "KEPT-TITLE", "kind": "file"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "larger than the limit of 204,800 bytes" in page and "KEPT-TITLE" in page
    assert "This field is required" not in page
    assert sum(spooled) == 0
    assert 0 < held[0] <= settings.HABEAS_EVIDENCE_MAX_BYTES
    assert store_files(store) == [] and not EvidenceItem.objects.exists()


def test_the_upload_form_redisplays_errors_with_input_kept(alices_case, alice, client, store):
    client.force_login(alice)
    url = reverse("evidence_add", args=[alices_case.public_id])
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("photo.jpg", samples.web_capture_warc())
    response = client.post(url, {"upload": upload, "title": "KEPT-TITLE", "kind": "file"})
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert "KEPT-TITLE" in response.content.decode()
    assert store_files(store) == []
    upload = SimpleUploadedFile("shot.jpg", samples.screenshot_jpeg())
    response = client.post(url, {"upload": upload, "title": "Shot", "kind": "file"})
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert item.sha256 == hashlib.sha256(samples.screenshot_jpeg()).hexdigest()


def test_a_web_capture_without_url_is_refused_by_the_form(alices_case, alice, client):
    client.force_login(alice)
    url = reverse("evidence_add", args=[alices_case.public_id])
    upload = SimpleUploadedFile("a.warc", samples.web_capture_warc())
    response = client.post(url, {"upload": upload, "title": "x", "kind": "web_capture"})
    assert response.status_code == 400 and not EvidenceItem.objects.exists()


def test_outsiders_get_404_on_every_evidence_url(alices_case, alice, charlie, client):
    item = add(alices_case, alice, samples.screenshot_jpeg(), "a.jpg")
    client.force_login(charlie)
    args = [alices_case.public_id, item.public_id]
    for name in ("evidence_detail", "evidence_download", "evidence_download_working"):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.get(reverse("evidence_list", args=args[:1])).status_code == 404
    assert client.post(reverse("evidence_add", args=args[:1])).status_code == 404
    assert client.post(reverse("evidence_verify", args=args)).status_code == 404
    assert not item.custody.exclude(action="upload").exists()


def test_reading_only_members_may_download_but_not_upload_or_verify(
    alices_case, alice, vera, client
):
    item = add(alices_case, alice, b"READ-ONLY-MEMBER-TEXT\n", "a.txt")
    client.force_login(vera)
    args = [alices_case.public_id, item.public_id]
    download = client.get(reverse("evidence_download", args=args))
    assert download.status_code == 200
    assert body(download) == b"READ-ONLY-MEMBER-TEXT\n"
    chain = list(item.custody.values_list("action", flat=True))
    assert client.post(reverse("evidence_verify", args=args)).status_code == 404
    assert list(item.custody.values_list("action", flat=True)) == chain  # no check recorded
    assert not item.custody.filter(action=CustodyEvent.Action.VERIFY).exists()
    item.refresh_from_db()
    assert item.integrity == EvidenceItem.Integrity.UNCHECKED and item.verified_at is None
    assert client.get(reverse("evidence_add", args=args[:1])).status_code == 404
    assert EvidenceItem.objects.count() == 1


def test_records_of_another_case_cannot_be_attached(alices_case, contested_case, alice):
    from habeas.cases import services as cases

    person = cases.person_create(name="Other", by=alice)
    other = cases.case_create(reference="OTHER-9", person=person, country="RU", by=alice)
    claim = contested_case.claims.first()
    with pytest.raises(ValidationError):
        add(other, alice, b"x\n", "a.txt", claims=[claim])


def test_key_rotation_reencrypts_stored_files(alices_case, alice, settings, tmp_path, store):
    key_file = tmp_path / "keys.json"
    crypto.write_key_file(key_file, settings.HABEAS_KEYRING)
    settings.HABEAS_KEY_FILE = key_file
    old = settings.HABEAS_KEYRING.active
    item = add(alices_case, alice, samples.screenshot_jpeg(), "a.jpg")
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    new = settings.HABEAS_KEYRING.active
    assert new != old
    for copy in ("original", "working"):
        with open(storage.path_of(item.public_id, copy), "rb") as handle:
            assert crypto.stream_key_id(handle) == new
    assert storage.check(item.public_id, "original", sha256=item.sha256, sha512=item.sha512) == ""
    assert item.custody.filter(action="reencrypt").exists()
    assert not [p for p in store_files(store) if p.startswith(".tmp")]


def test_demo_evidence_loads(alice, store):
    from habeas.demo import cases as demo

    demo.load(user=alice)
    items = EvidenceItem.objects.filter(case__reference=demo.FIRST_REFERENCE)
    assert sorted(items.values_list("media_type", flat=True)) == [
        "application/pdf",
        "application/warc",
        "image/jpeg",
    ]
    shot = items.get(media_type="image/jpeg")
    original = storage.open_plain(shot.public_id, "original", expect_sha256=shot.sha256).read()
    assert files.metadata_of(original, "image/jpeg").gps


def test_drop_retired_keeps_a_key_a_stored_file_still_needs(alices_case, alice, settings, tmp_path):
    key_file = tmp_path / "keys.json"
    old = settings.HABEAS_KEYRING.active
    item = add(alices_case, alice, b"statement\n", "a.txt")
    ring = settings.HABEAS_KEYRING.rotated()  # rotated, the file not re-encrypted
    crypto.write_key_file(key_file, ring)
    settings.HABEAS_KEY_FILE, settings.HABEAS_KEYRING = key_file, ring
    out = StringIO()
    call_command("keys", "drop-retired", stdout=out)
    assert old in crypto.read_key_file(key_file).keys
    assert storage.check(item.public_id, "original", sha256=item.sha256) == ""


def test_shares_and_exports_are_recorded_in_the_chain_of_custody(alices_case, alice, client):
    item = add(alices_case, alice, b"statement\n", "a.txt")
    client.force_login(alice)
    url = reverse("evidence_share", args=[alices_case.public_id, item.public_id])
    assert client.post(url, {"action": "share", "recipient": "WGEID"}).status_code == 302
    assert client.post(url, {"action": "share", "recipient": ""}).status_code == 400
    # A refused entry comes back with what was typed, and says why.
    bad = client.post(url, {"action": "teleport", "recipient": "Reuters desk"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert 'value="Reuters desk"' in page and "Nothing was recorded" in page
    assert list(item.custody.filter(action="share").values_list("note", flat=True)) == ["WGEID"]
    entry = AuditEntry.objects.get(action="evidence.share")
    assert "WGEID" not in entry.payload().decode()


def test_check_fails_while_a_stored_file_is_under_a_retired_key(alices_case, alice, settings):
    from habeas.core.checks import check_encryption_keys

    item = add(alices_case, alice, b"statement\n", "a.txt")
    settings.HABEAS_KEY_FILE = None
    settings.HABEAS_KEYRING = settings.HABEAS_KEYRING.rotated()  # the file not re-encrypted
    errors = check_encryption_keys()
    assert "habeas.E105" in {e.id for e in errors}
    assert any("Stored files" in e.msg for e in errors)

    settings.HABEAS_KEYRING = crypto.KeyRing.generate()  # a ring without the file's key
    assert "habeas.E106" in {e.id for e in check_encryption_keys()}
    assert storage.path_of(item.public_id, "original").exists()


def test_rotation_fails_loudly_when_a_stored_file_cannot_be_reencrypted(
    alices_case, alice, settings, tmp_path
):
    key_file = tmp_path / "keys.json"
    crypto.write_key_file(key_file, settings.HABEAS_KEYRING)
    settings.HABEAS_KEY_FILE = key_file
    intact = add(alices_case, alice, b"statement\n", "a.txt")
    damaged = add(alices_case, alice, b"another statement\n", "b.txt")
    path = storage.path_of(damaged.public_id, "original")
    data = bytearray(path.read_bytes())
    data[-1] ^= 1  # one bit of the ciphertext
    path.write_bytes(bytes(data))

    with pytest.raises(CommandError, match=f"evidence {damaged.public_id} original"):
        call_command("keys", "rotate", stdout=StringIO())
    new = settings.HABEAS_KEYRING.active
    with open(storage.path_of(intact.public_id, "original"), "rb") as handle:
        assert crypto.stream_key_id(handle) == new  # the others were still re-encrypted
