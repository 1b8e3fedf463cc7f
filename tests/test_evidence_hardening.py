"""Evidence hardening (audit 4): PDFs cleaned down to their embedded images,
damaged PDFs refused at upload and never a 500 on the item page, HEIC/AVIF and
video told apart by their brand and flagged as not strippable, a changed item
never served, and decrypted evidence kept off the disk."""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import random
import tempfile
import zlib
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageChops, ImageStat

from habeas.evidence import samples, storage
from habeas.evidence.models import CustodyEvent, EvidenceItem
from habeas.lib import files
from tests.support.evidence import (
    add,
    body,
    everything_in,
    post_upload,
    store_files,
    stored_before_the_fix,
    upload_errors,
)

# ---------------------------------------------------------------- helpers


def raw_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF written byte by byte, with a correct cross-reference table, so that
    exactly one thing in it is wrong."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (
            b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
        )
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


PAGE = {
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    4: stream(b"BT /F1 12 Tf 20 100 Td (A letter) Tj ET"),
}


def _zeros_deflated(size: int) -> bytes:
    packer = zlib.compressobj(9)
    block = b"\x00" * (1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    return b"".join([*parts, packer.flush()])


def damaged_pdfs() -> dict[str, bytes]:
    """One PDF for each way the audit's damaged letters broke Habeas."""
    with_metadata = {**PAGE, 1: b"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>"}
    return {
        "xmp that is not xml": raw_pdf(
            {
                **with_metadata,
                5: stream(b"<x:xmpmeta <<< not xml", b"/Type /Metadata /Subtype /XML"),
            }
        ),
        "xmp that inflates to 200 MB": raw_pdf(
            {
                **with_metadata,
                5: stream(
                    _zeros_deflated(200 << 20),
                    b"/Type /Metadata /Subtype /XML /Filter /FlateDecode",
                ),
            }
        ),
        "an object that is a reference to itself": raw_pdf({**with_metadata, 5: b"5 0 R"}),
        "a page that is not a page": raw_pdf(
            {**PAGE, 3: b"<< /Type /Pagx /Parent 2 0 R /MediaBox [0 0 200 200] >>"}
        ),
        "a stream cut short": raw_pdf({**PAGE, 4: b"<< /Length 500 >>\nstream\nBT (A let"}),
    }


def demo_letter() -> bytes:
    # The letter's creation date is frozen, so its bytes (and the variants) are fixed.
    with time_machine.travel(datetime(2021, 11, 1, tzinfo=UTC), tick=False):
        return samples.official_letter_pdf()


def flipped_variants(data: bytes, count: int, seed: int) -> list[bytes]:
    """Variants of `data` with one to eight random bytes changed (the audit's fuzz)."""
    rng = random.Random(seed)
    variants = []
    while len(variants) < count:
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if damaged[:5] == b"%PDF-":  # still announced as a PDF
            variants.append(bytes(damaged))
    return variants


# ------------------------------------------- 1. PDFs and their embedded images

MARKERS = [
    b"EXIF-MAKE",
    b"EXIF-MODEL",
    b"EXIF-ARTIST",
    b"JPEG-COMMENT",
    b"XMP-AUTHOR",
    b"PDF-AUTHOR",
    b"PAGE-XMP-AUTHOR",
    b"IMAGE-XMP-AUTHOR",
    b"PIECEINFO-MARKER",
    b"ANNOT-AUTHOR-NAME",
    b"ANNOT-COMMENT-TEXT",
    b"ATTACHED-SECRET",
    b"attached-contacts.txt",
    b"ANNOT-FILE-SECRET",
    b"ANNOT-FILE-AUTHOR",
    b"JS-MARKER",
    b"OPENACTION-MARKER",
    b"PAGE-AA-MARKER",
]


def _xmp_stream(writer, creator: str):
    from pypdf.generic import NameObject, StreamObject

    xmp = StreamObject()
    xmp.set_data(samples.XMP.replace(b"XMP-AUTHOR", creator.encode()))
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    return writer._add_object(xmp)


def scan_with_everything() -> bytes:
    """A letter carrying everything a PDF can betray its collector with: a photo
    whose EXIF holds GPS, device, author, XMP and a comment; XMP on the document,
    the page and the image; document info; PieceInfo; a sticky note with its
    author; an attached file, as a document attachment and as an annotation;
    JavaScript on opening, on the page and in the document's names."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Text
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        StreamObject,
        TextStringObject,
    )

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.text(20, 20, "Visible page text")
    pdf.image(io.BytesIO(samples.screenshot_jpeg()), x=20, y=40, w=120)
    pdf.set_xmp_metadata(samples.XMP.decode())
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    page = writer.pages[0]
    note = Text(rect=(50, 550, 200, 650), text="ANNOT-COMMENT-TEXT")
    note[NameObject("/T")] = TextStringObject("ANNOT-AUTHOR-NAME")
    writer.add_annotation(page_number=0, annotation=note)
    secret = StreamObject()
    secret.set_data(b"ANNOT-FILE-SECRET")
    secret[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("note.txt"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(secret)}),
        }
    )
    attachment = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 30, 30)]),
            NameObject("/T"): TextStringObject("ANNOT-FILE-AUTHOR"),
            NameObject("/FS"): spec,
        }
    )
    writer.add_annotation(page_number=0, annotation=attachment)
    writer.add_attachment("attached-contacts.txt", b"ATTACHED-SECRET")
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('JS-MARKER');"),
        }
    )
    writer._root_object["/Names"][NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("js"), writer._add_object(script)])}
    )
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('OPENACTION-MARKER');"),
        }
    )
    page[NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert('PAGE-AA-MARKER');"),
                }
            )
        }
    )
    page[NameObject("/Metadata")] = _xmp_stream(writer, "PAGE-XMP-AUTHOR")
    page[NameObject("/PieceInfo")] = DictionaryObject(
        {
            NameObject("/Habeas"): DictionaryObject(
                {NameObject("/Private"): TextStringObject("PIECEINFO-MARKER")}
            )
        }
    )
    for image in page["/Resources"]["/XObject"].values():
        image.get_object()[NameObject("/Metadata")] = _xmp_stream(writer, "IMAGE-XMP-AUTHOR")
    writer.add_metadata({"/Author": "PDF-AUTHOR"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_working_copy_of_a_pdf_keeps_nothing_of_its_images_notes_attachments_or_scripts(
    alices_case, alice, client
):
    """GIVEN a scanned letter whose photo, page, notes and attachments identify
    its collector WHEN it is uploaded THEN the working copy carries none of it,
    and still shows the same page and the same photo."""
    from pypdf import PdfReader

    data = scan_with_everything()
    original = everything_in(data)
    assert all(marker in original for marker in MARKERS)  # the test means something
    item = add(alices_case, alice, data, "scan.pdf")
    client.force_login(alice)
    url = reverse("evidence_download_working", args=[alices_case.public_id, item.public_id])
    working = body(client.get(url))
    assert hashlib.sha256(working).hexdigest() == item.working_sha256
    everything = everything_in(working)
    assert [m.decode() for m in MARKERS if m in everything] == []
    for marker in (b"Exif", b"/JavaScript", b"/JS", b"/EmbeddedFile", b"/Annots", b"/Metadata"):
        assert marker not in everything, marker

    reader = PdfReader(io.BytesIO(working))
    assert not reader.metadata and reader.xmp_metadata is None
    assert "Visible page text" in reader.pages[0].extract_text()
    [image] = reader.pages[0].images
    clean = Image.open(io.BytesIO(image.data))
    assert clean.format == "JPEG"
    assert not clean.getexif() and not ({"xmp", "comment", "icc_profile"} & set(clean.info))
    photo = Image.open(io.BytesIO(samples.screenshot_jpeg())).convert("RGB")
    difference = ImageStat.Stat(ImageChops.difference(photo, clean.convert("RGB"))).mean
    assert max(difference) < 3  # the same picture, re-encoded from its pixels


def test_the_metadata_panel_of_a_pdf_names_what_its_images_and_notes_reveal(
    alices_case, alice, client
):
    item = add(alices_case, alice, scan_with_everything(), "scan.pdf")
    client.force_login(alice)
    page = client.get(item.get_absolute_url()).content.decode()
    panel = page.split("Metadata in the original", 1)[1].split("Chain of custody", 1)[0]
    for shown in (
        "37.95000, 58.38333",  # the photo's GPS position
        "EXIF-MAKE",
        "EXIF-MODEL",
        "EXIF-ARTIST",
        "ANNOT-AUTHOR-NAME",
        "PDF-AUTHOR",
        "XMP-AUTHOR",
    ):
        assert shown in panel, shown
    assert "attached file" in panel and "JavaScript" in panel


def test_the_metadata_of_a_pdf_with_a_photo_is_read_without_an_upload():
    found = files.metadata_of(scan_with_everything(), "application/pdf")
    assert "37.95000, 58.38333" in found.gps
    assert "EXIF-MAKE EXIF-MODEL" in found.device
    assert "EXIF-ARTIST" in found.author and "ANNOT-AUTHOR-NAME" in found.author


def test_form_fields_and_stamps_stay_visible_in_the_working_copy(alices_case, alice):
    """Annotations are dropped from the working copy, but what a printer would
    draw of them (filled-in fields, typed text, signatures) is drawn on the page."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        StreamObject,
        TextStringObject,
    )

    writer = PdfWriter()
    writer.add_blank_page(300, 300)
    appearance = StreamObject()
    appearance.set_data(b"BT /Helv 12 Tf 2 4 Td (FIELD-VALUE-SHOWN) Tj ET")
    appearance.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 200, 20)]),
            NameObject("/Resources"): DictionaryObject(
                {
                    NameObject("/Font"): DictionaryObject(
                        {
                            NameObject("/Helv"): DictionaryObject(
                                {
                                    NameObject("/Type"): NameObject("/Font"),
                                    NameObject("/Subtype"): NameObject("/Type1"),
                                    NameObject("/BaseFont"): NameObject("/Helvetica"),
                                }
                            )
                        }
                    )
                }
            ),
        }
    )
    widget = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 100, 250, 120)]),
            NameObject("/F"): NumberObject(4),
            NameObject("/T"): TextStringObject("FIELD-NAME"),
            NameObject("/TU"): TextStringObject("TOOLTIP-MARKER"),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
        }
    )
    writer.add_annotation(page_number=0, annotation=widget)
    out = io.BytesIO()
    writer.write(out)
    item = add(alices_case, alice, out.getvalue(), "form.pdf")
    working = storage.open_plain(
        item.public_id, "working", expect_sha256=item.working_sha256
    ).read()
    page = PdfReader(io.BytesIO(working)).pages[0]
    assert "/Annots" not in page
    assert "FIELD-VALUE-SHOWN" in page.extract_text()
    assert b"TOOLTIP-MARKER" not in everything_in(working)


def test_an_inline_jpeg_in_a_page_is_cleaned_too(alices_case, alice):
    content = (
        b"q 100 0 0 60 20 20 cm BI /W 360 /H 200 /CS /RGB /BPC 8 /F /DCT ID "
        + samples.screenshot_jpeg()
        + b" EI Q"
    )
    data = raw_pdf({**PAGE, 4: stream(content)})
    assert b"EXIF-ARTIST" in data
    item = add(alices_case, alice, data, "inline.pdf")
    working = storage.open_plain(
        item.public_id, "working", expect_sha256=item.working_sha256
    ).read()
    everything = everything_in(working)
    for marker in (b"EXIF-ARTIST", b"EXIF-MAKE", b"JPEG-COMMENT", b"XMP-AUTHOR", b"Exif"):
        assert marker not in everything
    assert b"BI" in everything  # the image itself is still there


def _with_old_working_copy(item: EvidenceItem, working: bytes) -> None:
    """Give an item the working copy an earlier version made (here: the original
    itself, which is what the old PDF copy amounted to for embedded photos)."""
    tmp = storage.seal_to_tmp(io.BytesIO(working), item.public_id, storage.WORKING)
    storage.commit_tmp(tmp, item.public_id, storage.WORKING)
    item.working_sha256 = hashlib.sha256(working).hexdigest()
    item.working_size = len(working)
    item.save()


def test_working_copies_made_before_the_fix_are_rebuilt_or_withdrawn(alices_case, alice, settings):
    """GIVEN a PDF whose old working copy still carries its photo's EXIF, and a
    damaged PDF that got a working copy before PDFs were read completely WHEN
    `habeas evidence rebuild-working` runs THEN the first is rebuilt without
    metadata and the second's working copy is withdrawn, both in the chain."""
    from io import StringIO

    from django.core.management import call_command

    scan = scan_with_everything()
    good = stored_before_the_fix(alices_case, alice, scan, "scan.pdf", "application/pdf")
    _with_old_working_copy(good, scan)
    broken = damaged_pdfs()["xmp that is not xml"]
    bad = stored_before_the_fix(alices_case, alice, broken, "letter.pdf", "application/pdf")
    _with_old_working_copy(bad, broken)
    out = StringIO()
    call_command("evidence", "rebuild-working", stdout=out)
    assert "1 rebuilt, 1 withdrawn" in out.getvalue() and str(bad.public_id) in out.getvalue()
    good.refresh_from_db()
    bad.refresh_from_db()
    working = storage.open_plain(
        good.public_id, "working", expect_sha256=good.working_sha256
    ).read()
    assert b"EXIF-ARTIST" not in everything_in(working)
    assert not bad.has_working_copy
    assert not (settings.HABEAS_FILES_DIR / "evidence" / f"{bad.public_id}.working").exists()
    # Their metadata reports are read and kept too, so their pages need not parse them.
    assert "EXIF-MAKE" in files.Metadata.from_json(good.metadata_report).device
    assert bad.metadata_report == '{"unreadable": true}'
    for item in (good, bad):
        assert item.custody.filter(action=CustodyEvent.Action.REBUILD_WORKING).count() == 1
    call_command("evidence", "rebuild-working", stdout=(again := StringIO()))
    assert "2 unchanged" in again.getvalue()


# --------------------------------------------------------- 2. damaged PDFs


@pytest.mark.parametrize("case_name", list(damaged_pdfs()))
def test_a_damaged_pdf_is_refused_at_upload_with_one_message_and_nothing_stored(
    alices_case, alice, client, settings, case_name
):
    data = damaged_pdfs()[case_name]
    client.force_login(alice)
    response = post_upload(client, alices_case, data, "letter.pdf")
    assert response.status_code == 400
    assert upload_errors(response) == ["The PDF is damaged and cannot be read. Nothing was stored."]
    assert "KEPT-TITLE" in response.content.decode()
    assert not EvidenceItem.objects.exists() and store_files(settings) == []


@pytest.mark.parametrize("case_name", list(damaged_pdfs()))
def test_a_damaged_pdf_stored_before_the_fix_still_shows_its_page(
    alices_case, alice, client, case_name
):
    item = stored_before_the_fix(
        alices_case, alice, damaged_pdfs()[case_name], "letter.pdf", "application/pdf"
    )
    client.force_login(alice)
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    # The panel covers what the pages draw (inline photos too): a page that cannot
    # be read may hide one, so the panel cannot vouch for the file.
    page = response.content.decode()
    assert "The metadata of this file could not be read" in page
    assert "None found" not in page
    assert item.custody.filter(action=CustodyEvent.Action.VIEW).exists()


def test_a_pdf_bomb_is_refused_in_bounded_memory(alices_case, alice, settings):
    import tracemalloc

    data = damaged_pdfs()["xmp that inflates to 200 MB"]
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match="damaged"):
            add(alices_case, alice, data, "bomb.pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024
    assert store_files(settings) == []


def test_fifty_damaged_copies_of_the_demo_letter_are_refused_or_shown_never_an_error(
    alices_case, alice, client, settings
):
    """GIVEN 50 copies of the demo letter with random bytes changed (fixed seed)
    WHEN each is uploaded through the form THEN each is either refused with the
    one message, nothing stored, or stored and its page and working copy served."""
    client.force_login(alice)
    outcomes = {"refused": 0, "stored": 0}
    for number, data in enumerate(flipped_variants(demo_letter(), 50, seed=4)):
        before = EvidenceItem.objects.count(), store_files(settings)
        response = post_upload(client, alices_case, data, f"letter-{number}.pdf")
        if response.status_code == 400:
            outcomes["refused"] += 1
            assert upload_errors(response) == [
                "The PDF is damaged and cannot be read. Nothing was stored."
            ], number
            assert (EvidenceItem.objects.count(), store_files(settings)) == before, number
            continue
        assert response.status_code == 302, number
        outcomes["stored"] += 1
        item = EvidenceItem.objects.latest("id")
        assert client.get(item.get_absolute_url()).status_code == 200, number
        if item.has_working_copy:
            ids = [alices_case.public_id, item.public_id]
            working = client.get(reverse("evidence_download_working", args=ids))
            assert working.status_code == 200, number
    assert outcomes["refused"] and outcomes["stored"]  # both paths were exercised


def test_what_pypdf_says_about_a_damaged_pdf_stays_out_of_the_logs(alices_case, alice, caplog):
    """pypdf's warnings quote the bytes they are about: a line of the letter."""
    from pypdf import PdfReader

    variants = flipped_variants(demo_letter(), 20, seed=4)
    # The premise: pypdf, left to itself, does log about these files.
    pypdf_logger = logging.getLogger("pypdf")
    silenced = pypdf_logger.level
    pypdf_logger.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG):
            for data in variants:
                with contextlib.suppress(Exception):
                    reader = PdfReader(io.BytesIO(data), strict=False)
                    for page in reader.pages:
                        page.extract_text()
    finally:
        pypdf_logger.setLevel(silenced)
    assert [r for r in caplog.records if r.name.startswith("pypdf")], "pypdf logged nothing"
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        for number, data in enumerate(variants):
            with contextlib.suppress(ValidationError):
                add(alices_case, alice, data, f"letter-{number}.pdf")
    assert [r.name for r in caplog.records if r.name.startswith("pypdf")] == []


# ----------------------------------------------- 3. HEIC, AVIF, video, names


def ftyp(brand: bytes, *compatible: bytes) -> bytes:
    box = b"ftyp" + brand + b"\x00\x00\x00\x00" + b"".join(compatible)
    return len(box + b"1234").to_bytes(4, "big") + box + b"\x00\x00\x00\x08free" + bytes(range(256))


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"heix", b"mif1"), "image/heic"),
        (ftyp(b"hevc", b"msf1"), "image/heic"),
        (ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"mif1", b"mif1"), "image/heif"),
        (ftyp(b"msf1", b"msf1"), "image/heif"),
        (ftyp(b"avif", b"mif1", b"avif"), "image/avif"),
        (ftyp(b"avis", b"msf1", b"avis"), "image/avif"),
        (ftyp(b"mif1", b"mif1", b"avif"), "image/avif"),
        (ftyp(b"isom", b"isom", b"avc1"), "video/mp4"),
        (ftyp(b"mp42", b"isom"), "video/mp4"),
        (ftyp(b"M4V ", b"M4V "), "video/mp4"),
        (ftyp(b"qt  ", b"qt  "), "video/quicktime"),
    ],
)
def test_an_iso_media_file_is_told_by_its_brand(head, media_type):
    assert files.sniff(head) == media_type


@pytest.mark.parametrize(
    ("data", "name", "media_type"),
    [
        (ftyp(b"heic", b"mif1", b"heic"), "IMG_0042.HEIC", "image/heic"),
        (ftyp(b"mif1", b"mif1", b"heic"), "photo.heif", "image/heic"),
        (ftyp(b"avif", b"mif1", b"avif"), "photo.avif", "image/avif"),
        (ftyp(b"qt  ", b"qt  "), "IMG_0043.MOV", "video/quicktime"),
        (ftyp(b"isom", b"isom"), "clip.mp4", "video/mp4"),
    ],
)
def test_files_habeas_cannot_strip_carry_a_clear_warning(
    alices_case, alice, client, data, name, media_type
):
    item = add(alices_case, alice, data, name)
    assert item.media_type == media_type and not item.has_working_copy
    client.force_login(alice)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "may carry the location where it was taken and the device" in page
    assert "Habeas cannot remove" in page and "Do not share it as it is" in page


def test_a_photo_and_a_pdf_carry_no_such_warning(alices_case, alice, client):
    client.force_login(alice)
    for data, name in ((samples.screenshot_jpeg(), "a.jpg"), (demo_letter(), "b.pdf")):
        page = client.get(add(alices_case, alice, data, name).get_absolute_url())
        assert "Habeas cannot remove" not in page.content.decode()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (_png(), "letter.doc"),
        (_png(), "minutes.xls"),
        (ftyp(b"heic", b"mif1", b"heic"), "clip.mp4"),
        (ftyp(b"heic", b"mif1", b"heic"), "photo.jpg"),
        (ftyp(b"isom", b"isom"), "photo.heic"),
        (ftyp(b"qt  ", b"qt  "), "photo.avif"),
        (samples.screenshot_jpeg(), "voice.m4a"),
    ],
)
def test_known_content_under_the_name_of_another_known_type_is_refused(
    alices_case, alice, settings, data, name
):
    with pytest.raises(ValidationError, match="does not match its name"):
        add(alices_case, alice, data, name)
    assert store_files(settings) == [] and not EvidenceItem.objects.exists()


def test_a_png_named_doc_is_refused_in_the_form_with_the_input_kept(alices_case, alice, client):
    client.force_login(alice)
    response = post_upload(client, alices_case, _png(), "letter.doc")
    assert response.status_code == 400
    [message] = upload_errors(response)
    assert "image/png" in message and "does not match its name" in message
    assert "KEPT-TITLE" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (_png(), "letter.xyz"),  # an extension Habeas does not know: any content
        (bytes(range(256)) * 4, "export.dat"),
        (bytes(range(256)) * 4, "no-extension"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4, "statement.doc"),
        (b"{\\rtf1\\ansi Statement}", "statement.doc"),  # Word writes RTF as .doc too
    ],
)
def test_unknown_names_and_matching_old_office_files_are_kept(alices_case, alice, data, name):
    item = add(alices_case, alice, data, name)
    assert item.sha256 == hashlib.sha256(data).hexdigest()


# ------------------------------------------------------ 4. a changed item


def _tamper(settings, item, copy: str = "original") -> None:
    path = settings.HABEAS_FILES_DIR / "evidence" / f"{item.public_id}.{copy}"
    raw = bytearray(path.read_bytes())
    raw[-20] ^= 1
    path.write_bytes(bytes(raw))


def test_when_the_original_has_changed_the_working_copy_is_not_served(
    alices_case, alice, client, settings
):
    item = add(alices_case, alice, samples.screenshot_jpeg(), "shot.jpg")
    _tamper(settings, item)
    client.force_login(alice)
    ids = [alices_case.public_id, item.public_id]
    response = client.get(reverse("evidence_download_working", args=ids))
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.integrity == EvidenceItem.Integrity.CHANGED
    assert item.custody.filter(action=CustodyEvent.Action.DOWNLOAD_WORKING, ok=False).exists()
    page = client.get(item.get_absolute_url()).content.decode()
    assert "It is not served" in page
    assert reverse("evidence_download_working", args=ids) not in page


def test_an_item_found_changed_is_not_served_until_its_hashes_check_out_again(
    alices_case, alice, client, settings
):
    """GIVEN an item whose original was found changed by the nightly check, then
    restored from a backup WHEN anyone asks for a copy THEN nothing is served
    until someone re-checks the hashes; after that, both copies are."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    data = samples.screenshot_jpeg()
    item = add(alices_case, alice, data, "shot.jpg")
    path = settings.HABEAS_FILES_DIR / "evidence" / f"{item.public_id}.original"
    backup = path.read_bytes()
    _tamper(settings, item)
    with pytest.raises(CommandError):
        call_command("evidence", "verify", stdout=StringIO(), stderr=StringIO())
    path.write_bytes(backup)  # restored, but not re-checked yet
    client.force_login(alice)
    ids = [alices_case.public_id, item.public_id]
    for name in ("evidence_download", "evidence_download_working"):
        assert client.get(reverse(name, args=ids)).status_code == 409, name
    assert "It is not served" in client.get(item.get_absolute_url()).content.decode()
    assert client.post(reverse("evidence_verify", args=ids)).status_code == 302
    assert body(client.get(reverse("evidence_download", args=ids))) == data
    assert client.get(reverse("evidence_download_working", args=ids)).status_code == 200


# --------------------------------------------- 5. decrypted evidence stays off disk


@pytest.fixture
def no_temporary_files(monkeypatch):
    """Any temporary file made while this fixture is active fails the test."""
    import django.core.files.temp

    made = []

    def refuse(*args, **kwargs):
        made.append(args)
        raise AssertionError("a temporary file was created")

    for module, name in (
        (tempfile, "TemporaryFile"),
        (tempfile, "NamedTemporaryFile"),
        (tempfile, "SpooledTemporaryFile"),
        (tempfile, "mkstemp"),
        (django.core.files.temp, "NamedTemporaryFile"),
    ):
        monkeypatch.setattr(module, name, refuse)
    return made


def test_downloads_and_the_item_page_decrypt_in_memory(
    alices_case, alice, client, no_temporary_files
):
    data = samples.screenshot_jpeg()
    item = add(alices_case, alice, data, "shot.jpg")
    client.force_login(alice)
    ids = [alices_case.public_id, item.public_id]
    assert body(client.get(reverse("evidence_download", args=ids))) == data
    assert client.get(reverse("evidence_download_working", args=ids)).status_code == 200
    assert "EXIF-MODEL" in client.get(item.get_absolute_url()).content.decode()
    assert no_temporary_files == []


def test_an_upload_larger_than_django_keeps_in_memory_is_not_spooled_to_disk(
    alices_case, alice, client, settings, no_temporary_files
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # Django would spool above this
    data = ("Показания свидетеля.\n" * 20_000).encode()
    assert len(data) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    client.force_login(alice)
    response = post_upload(client, alices_case, data, "statement.txt")
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert no_temporary_files == []


def test_files_of_one_request_are_held_in_memory_only_up_to_the_limit(
    alices_case, alice, client, settings
):
    """Two files that fit the limit each but not together: the second is dropped
    as it streams in, so one request never holds more than the limit in memory."""
    settings.HABEAS_EVIDENCE_MAX_BYTES = 100 * 1024
    client.force_login(alice)
    url = reverse("evidence_add", args=[alices_case.public_id])
    first = SimpleUploadedFile("extra.txt", b"a" * 60 * 1024)
    second = SimpleUploadedFile("statement.txt", b"b" * 60 * 1024)
    response = client.post(url, {"extra": first, "upload": second, "title": "KEPT-TITLE"})
    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()
    assert not EvidenceItem.objects.exists()
