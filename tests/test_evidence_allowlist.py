"""Evidence uploads (docs/threat-model.md, "What a working copy removes"): a
PDF's working copy is built from an allow-list, whatever the file calls its parts
and wherever it hangs them; one upload decodes a bounded amount; the metadata
report is read once, at upload, and covers every inline image, page and frame;
what a working copy leaves out is said on the item page."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image, TiffImagePlugin

from habeas.evidence import storage
from habeas.evidence.models import EvidenceItem
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

# ------------------------------------- files crafted to smuggle metadata past the copy

SECRETS = [b"SECRETMAKE", b"SECRETARTIST", b"Exif"]


def gps_jpeg() -> bytes:
    """A photo that gives away where it was taken: GPS 37.95833 N 58.38611 E, make, artist."""
    exif = Image.Exif()
    exif[271] = "SECRETMAKE"
    exif[315] = "SECRETARTIST Ivan"
    exif.get_ifd(0x8825).update({1: "N", 2: (37.0, 57.0, 30.0), 3: "E", 4: (58.0, 23.0, 10.0)})
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def pdf(objs: dict[int, bytes]) -> bytes:
    """make_m1.py's writer: the objects as given, a correct cross-reference table."""
    out, offs = b"%PDF-1.7\n", {}
    for n in sorted(objs):
        offs[n] = len(out)
        out += b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % offs[n] for n in sorted(objs))
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        x,
    )


def stream(data: bytes, dic: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dic, len(data)) + data + b"\nendstream"


CAT = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << %s >> %s>>"
)
FONT = b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"


def inline(filter_name: bytes) -> bytes:
    return (
        b"q 64 0 0 48 50 600 cm BI /W 64 /H 48 /CS /RGB /BPC 8 /F "
        + filter_name
        + b" ID "
        + gps_jpeg()
        + b"\nEI Q"
    )


def crafted() -> dict[str, bytes]:
    """make_m1.py's three PDFs, and an image whose dictionary carries a key of its own."""
    image = stream(
        gps_jpeg(),
        b"/Type /XObject /Subtype /Image /Width 64 /Height 48 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /DC#54Decode /SECRETKEY (SECRETIMAGEDICTVALUE)",
    )
    return {
        "inline_escaped": pdf(
            {1: CAT, 2: PAGES, 3: PAGE % (b"", b""), 4: stream(inline(b"/DC#54"))}
        ),
        "inline_plain": pdf({1: CAT, 2: PAGES, 3: PAGE % (b"", b""), 4: stream(inline(b"/DCT"))}),
        "private_key": pdf(
            {
                1: CAT,
                2: PAGES,
                3: PAGE % (b"", b"/AppData 5 0 R "),
                4: stream(b"BT ET"),
                5: stream(gps_jpeg()),
            }
        ),
        "image_dict_key": pdf(
            {
                1: CAT,
                2: PAGES,
                3: PAGE % (b"/XObject << /Im1 5 0 R >>", b""),
                4: stream(b"q 64 0 0 48 50 600 cm /Im1 Do Q"),
                5: image,
            }
        ),
    }


def layer_pdf() -> bytes:
    """A PDF with a layer hidden when the file opens, with a name and text of its own."""
    content = (
        b"BT /F1 12 Tf 50 700 Td (VISIBLE-LETTER-TEXT) Tj ET\n"
        b"/OC /oc1 BDC BT /F1 12 Tf 50 650 Td (SECRETHIDDENLAYER collected by Ivan) Tj ET EMC\n"
        b"/Span << /ActualText (SECRETACTUALTEXT) >> BDC EMC\n"
        b"/Note << /Text (SECRETMARKPOINT) >> DP\n"
        b"% SECRETCOMMENT a comment the producer left\n"
    )
    return pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /OCProperties "
            b"<< /OCGs [5 0 R] /D << /OFF [5 0 R] /Order [5 0 R] >> >> >>",
            2: PAGES,
            3: PAGE % (FONT + b" /Properties << /oc1 5 0 R >>", b""),
            4: stream(content),
            5: b"<< /Type /OCG /Name (SECRETLAYERNAME Ivan laptop) >>",
        }
    )


def streams_pdf(count: int, size: int = 70_000_000) -> bytes:
    """make_m5.py: `count` pages, each drawn by 70 MB of spaces deflated to 68 KB."""
    blob = zlib.compress(b" " * size, 9)
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objs = {1: CAT, 2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count}
    for i in range(count):
        objs[3 + i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << >> >>" % (3 + count + i)
        )
        objs[3 + count + i] = stream(blob, b"/Filter /FlateDecode")
    return pdf(objs)


def panel(client, item) -> str:
    page = client.get(item.get_absolute_url()).content.decode()
    return page.split("Metadata in the original", 1)[1].split("Chain of custody", 1)[0]


def working_of(client, case, item) -> bytes:
    response = client.get(
        reverse("evidence_download_working", args=[case.public_id, item.public_id])
    )
    assert response.status_code == 200
    return body(response)


# ---------------------------------------------------------------------- M1


@pytest.mark.parametrize("name", list(crafted()))
def test_no_exif_survives_in_a_pdf_working_copy_however_the_photo_is_encoded_or_hung(
    alices_case, alice, client, name
):
    """GIVEN PDFs hiding a photo with GPS, make and artist where a parser may not look: inline with
    an escaped filter name, inline plain, hung from a key of the file's own, and an
    image whose dictionary has a key of its own WHEN each is uploaded through the
    form THEN the working copy carries none of it, and the panel does not say
    "None found"."""
    data = crafted()[name]
    assert all(secret in everything_in(data) for secret in SECRETS)  # the premise
    client.force_login(alice)
    response = post_upload(client, alices_case, data, f"{name}.pdf")
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    working = everything_in(working_of(client, alices_case, item))
    assert [s.decode() for s in SECRETS if s in working] == []
    assert b"SECRETIMAGEDICTVALUE" not in working and b"SECRETKEY" not in working
    assert b"/AppData" not in working
    shown = panel(client, item)
    assert "None found" not in shown
    if name == "private_key":
        assert "/AppData" in shown  # data the pages do not show
    else:
        # The photo the pages draw: its position, device and author are named.
        assert "37.95833, 58.38611" in shown
        assert "SECRETMAKE" in shown and "SECRETARTIST Ivan" in shown


@pytest.mark.parametrize("name", ["inline_escaped", "inline_plain", "image_dict_key"])
def test_the_photo_is_still_drawn_in_the_working_copy(alices_case, alice, name):
    from pypdf import PdfReader

    item = add(alices_case, alice, crafted()[name], "scan.pdf")
    working = storage.open_plain(item.public_id, "working", expect_sha256=item.working_sha256)
    [image] = PdfReader(working).pages[0].images
    photo = Image.open(io.BytesIO(image.data))
    assert photo.size == (64, 48) and not photo.getexif()
    assert photo.convert("RGB").getpixel((32, 24))[0] > 150  # still the red picture


# ---------------------------------------------------------------------- I6


def test_hidden_layers_and_marked_text_are_left_out_and_named_on_the_panel(
    alices_case, alice, client
):
    from pypdf import PdfReader

    data = layer_pdf()
    client.force_login(alice)
    assert post_upload(client, alices_case, data, "layer.pdf").status_code == 302
    item = EvidenceItem.objects.get()
    working = working_of(client, alices_case, item)
    everything = everything_in(working)
    secrets = [
        b"SECRETHIDDENLAYER",
        b"SECRETLAYERNAME",
        b"SECRETACTUALTEXT",
        b"SECRETMARKPOINT",
        b"SECRETCOMMENT",
    ]
    assert all(secret in everything_in(data) for secret in secrets)  # the premise
    for secret in [*secrets, b"/OCProperties"]:
        assert secret not in everything, secret
    assert "VISIBLE-LETTER-TEXT" in PdfReader(io.BytesIO(working)).pages[0].extract_text()
    shown = panel(client, item)
    assert "hidden layers: SECRETLAYERNAME Ivan laptop" in shown
    assert "The working copy leaves out" in shown


# ---------------------------------------------------------------------- M5


def test_a_pdf_that_inflates_its_pages_is_refused_quickly_in_bounded_memory(
    alices_case, alice, settings
):
    """GIVEN make_m5.py's 16 pages of 70 MB each (1.1 MB uploaded) WHEN it is
    uploaded THEN it is refused with a message saying why, after decoding at most
    a little more than one page, and nothing is stored."""
    data = streams_pdf(16)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as refused:
            add(alices_case, alice, data, "streams16.pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    [message] = refused.value.message_dict["upload"]
    assert message.startswith(
        "The PDF holds more than Habeas reads in one file (drawing instructions, "
        "more than 16,000,000 bytes once decompressed)"
    )
    assert "Nothing was stored" in message
    assert peak < 50 * 1024 * 1024  # 16 MB of one page decoded, not 16 pages of 70 MB
    assert store_files(settings) == [] and not EvidenceItem.objects.exists()


def test_the_bound_is_on_all_the_pages_of_a_pdf_together(alices_case, alice):
    """Three pages of 7 MB of spaces each: each fits, together they do not."""
    with pytest.raises(ValidationError, match=r"\(drawing instructions, more than 16,000,000"):
        add(alices_case, alice, streams_pdf(3, size=7_000_000), "three.pdf")


def test_each_image_of_a_pdf_is_released_once_copied(alices_case, alice):
    """GIVEN a PDF of twelve pages, each a 2000×2000 scan stored as plain samples
    (12 MB each, 144 MB together) WHEN it is uploaded THEN it is stored, and at no
    time are more than a few of them held decoded."""
    samples = zlib.compress(bytes(2000 * 2000 * 3), 9)
    count = 12
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objs = {1: CAT, 2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count}
    for i in range(count):
        page, content, image = 3 + i, 3 + count + i, 3 + 2 * count + i
        objs[page] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /XObject << /Im0 %d 0 R >> >> >>" % (content, image)
        )
        objs[content] = stream(b"q 612 0 0 792 0 0 cm /Im0 Do Q")
        objs[image] = stream(
            samples,
            b"/Type /XObject /Subtype /Image /Width 2000 /Height 2000 /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /FlateDecode",
        )
    tracemalloc.start()
    try:
        item = add(alices_case, alice, pdf(objs), "scans.pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert item.has_working_copy
    assert peak < 80 * 1024 * 1024  # 144 MB if every decoded scan were kept


def test_a_pdf_with_too_many_tagged_instructions_is_refused_before_they_are_parsed(
    alices_case, alice
):
    blob = zlib.compress(b"/P BDC 0 0 m 1 1 l S EMC\n" * 210_000, 9)
    data = pdf({1: CAT, 2: PAGES, 3: PAGE % (b"", b""), 4: stream(blob, b"/Filter /FlateDecode")})
    started = time.monotonic()
    with pytest.raises(ValidationError, match="more drawing instructions than Habeas reads"):
        add(alices_case, alice, data, "tagged.pdf")
    assert time.monotonic() - started < 5  # not parsed: about 20 s


def test_a_pdf_within_the_bound_is_stored(alices_case, alice):
    """Four pages of 3.5 MB of drawing instructions each fit the bound."""
    blob = zlib.compress(b"0 0 m 1 1 l S\n" * 250_000, 9)
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(4))
    objs = {1: CAT, 2: b"<< /Type /Pages /Kids [" + kids + b"] /Count 4 >>"}
    for i in range(4):
        objs[3 + i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R >>" % (7 + i)
        )
        objs[7 + i] = stream(blob, b"/Filter /FlateDecode")
    item = add(alices_case, alice, pdf(objs), "drawing.pdf")
    assert item.has_working_copy


# ---------------------------------------------------------------------- L1


def big_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (9400, 9400)).save(out, "PNG", compress_level=9)
    return out.getvalue()


# A huge image is stored without being decoded: tests/test_evidence_large.py.


@pytest.fixture
def no_decoding(monkeypatch):
    """Opening an image or reading a PDF fails from here on."""

    def refuse(*args, **kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(files.images, "open_lazily", refuse)
    monkeypatch.setattr(files, "examine", refuse)
    monkeypatch.setattr(files.pdf, "examine", refuse)


def test_the_item_page_shows_the_report_read_at_upload_without_parsing_the_file(
    alices_case, alice, client, request
):
    photo = add(alices_case, alice, gps_jpeg(), "photo.jpg")
    scan = add(alices_case, alice, crafted()["inline_plain"], "scan.pdf")
    assert photo.metadata_report and scan.metadata_report
    request.getfixturevalue("no_decoding")
    client.force_login(alice)
    for item in (photo, scan):
        shown = panel(client, item)
        assert "37.95833, 58.38611" in shown and "SECRETMAKE" in shown
    # The report is sealed like the file: not in the database in clear.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT metadata_report FROM evidence_evidenceitem")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "SECRETMAKE" not in stored and "37.95" not in stored


def test_the_item_page_still_finds_a_changed_file_without_parsing_it(
    alices_case, alice, client, request
):
    item = add(alices_case, alice, gps_jpeg(), "photo.jpg")
    tmp = storage.seal_to_tmp(io.BytesIO(b"other bytes"), item.public_id, storage.ORIGINAL)
    storage.commit_tmp(tmp, item.public_id, storage.ORIGINAL)
    request.getfixturevalue("no_decoding")
    client.force_login(alice)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "The stored file has CHANGED" in page
    item.refresh_from_db()
    assert item.integrity == EvidenceItem.Integrity.CHANGED


def test_an_item_stored_before_reports_were_kept_is_read_once(
    alices_case, alice, client, monkeypatch
):
    item = stored_before_the_fix(alices_case, alice, gps_jpeg(), "old.jpg", "image/jpeg")
    client.force_login(alice)
    assert "SECRETMAKE" in panel(client, item)
    item.refresh_from_db()
    assert item.metadata_report
    calls = []
    original = files.examine
    monkeypatch.setattr(files, "examine", lambda *a: calls.append(a) or original(*a))
    assert "SECRETMAKE" in panel(client, item)
    assert calls == []


# --------------------------------------------------------------------- L10


def two_page_tiff() -> bytes:
    out = io.BytesIO()
    with TiffImagePlugin.AppendingTiffWriter(out) as tiff:
        Image.new("RGB", (40, 30), (1, 2, 3)).save(tiff, "TIFF")
        tiff.newFrame()
        Image.new("RGB", (40, 30), (9, 9, 9)).save(
            tiff, "TIFF", tiffinfo={271: "PAGE2MAKE", 315: "PAGE2ARTIST"}
        )
        tiff.newFrame()
    return out.getvalue()


def animated_gif() -> bytes:
    out = io.BytesIO()
    frames = [Image.new("RGB", (20, 20), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], comment=b"GIFCOMMENT")
    return out.getvalue()


def test_every_page_of_a_tiff_is_looked_at_and_the_dropped_pages_are_named(
    alices_case, alice, client
):
    client.force_login(alice)
    assert post_upload(client, alices_case, two_page_tiff(), "scan.tif").status_code == 302
    item = EvidenceItem.objects.get()
    shown = panel(client, item)
    assert "PAGE2MAKE" in shown and "PAGE2ARTIST" in shown
    assert "The working copy leaves out" in shown and "the first of 2 only" in shown
    working = Image.open(io.BytesIO(working_of(client, alices_case, item)))
    assert getattr(working, "n_frames", 1) == 1 and not working.getexif()


def test_an_animated_gif_says_its_working_copy_holds_one_frame(alices_case, alice, client):
    item = add(alices_case, alice, animated_gif(), "anim.gif")
    client.force_login(alice)
    shown = panel(client, item)
    assert "the first of 3 only" in shown and "comment" in shown


# ---------------------------------------------------------------------- I1


@pytest.mark.parametrize("name", ["report.pdf.", "report.pdf ", "report.pdf. .", "report.PDF"])
def test_a_name_ending_in_a_dot_or_a_space_is_judged_by_its_extension(
    alices_case, alice, client, settings, name
):
    client.force_login(alice)
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>\n"
    response = post_upload(client, alices_case, html, name)
    assert response.status_code == 400
    [message] = upload_errors(response)
    assert re.match(r"The content of this file is text/plain, which does not match", message)
    assert "(“.pdf”)" in message or "(“.PDF”)" in message
    assert store_files(settings) == [] and not EvidenceItem.objects.exists()


# ------------------------------------------------------ what the copy keeps


def letter_with_everything_drawn() -> bytes:
    """A letter as word processors make them: an embedded font (Russian text), a
    standard font, a photo with transparency, a palette image, a gradient and a
    translucent box."""
    from fpdf import FPDF
    from fpdf.pattern import LinearGradient

    doc = FPDF()
    doc.add_page()
    doc.add_font("dv", fname="habeas/advocacy/fonts/DejaVuSans.ttf")
    doc.set_font("dv", size=14)
    doc.multi_cell(0, 10, "Письмо о задержании — Türkmenistan")
    doc.set_font("helvetica", size=12)
    doc.cell(0, 10, "Core font line")
    for image in (Image.new("RGBA", (30, 20), (10, 200, 30, 128)), Image.new("P", (16, 16))):
        if image.mode == "P":
            image.putpalette([i % 256 for i in range(768)])
        out = io.BytesIO()
        image.save(out, "PNG")
        doc.image(io.BytesIO(out.getvalue()), x=10 + 40 * (image.mode == "P"), y=60, w=30)
    with doc.use_pattern(LinearGradient(10, 100, 100, 100, [(255, 0, 0), (0, 0, 255)])):
        doc.rect(10, 90, 90, 20, style="F")
    with doc.local_context(fill_opacity=0.4):
        doc.rect(20, 120, 50, 20, style="F")
    return bytes(doc.output())


def test_the_working_copy_draws_the_same_text_fonts_images_and_shapes(alices_case, alice):
    from pypdf import PdfReader

    data = letter_with_everything_drawn()
    item = add(alices_case, alice, data, "letter.pdf")
    working = storage.open_plain(item.public_id, "working", expect_sha256=item.working_sha256)
    original, copy = PdfReader(io.BytesIO(data)).pages[0], PdfReader(working).pages[0]
    assert copy.extract_text() == original.extract_text()
    assert "Письмо о задержании" in copy.extract_text()
    pixels = [[image.image.tobytes() for image in page.images] for page in (original, copy)]
    assert len(pixels[0]) == 2 and pixels[0] == pixels[1]
    resources = [page["/Resources"] for page in (original, copy)]
    for kind in ("/Font", "/XObject", "/ExtGState", "/Pattern", "/Shading"):
        assert sorted(resources[1][kind]) == sorted(resources[0][kind]), kind
    fonts = [resources[1]["/Font"][name].get_object() for name in resources[1]["/Font"]]
    [embedded] = [font for font in fonts if font["/Subtype"] == "/Type0"]
    descriptor = embedded["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    assert descriptor["/FontFile2"].get_data()[:4] == b"\x00\x01\x00\x00"  # the TrueType program
    state = next(iter(resources[1]["/ExtGState"].values())).get_object()
    assert float(state["/ca"]) == 0.4


def long_gif(frames: int, side: int) -> bytes:
    """A GIF whose screen is side×side pixels, drawn by `frames` frames of one pixel:
    small to send, but every frame is decoded onto the whole screen."""
    screen = (
        b"GIF89a" + side.to_bytes(2, "little") * 2 + b"\x80\x00\x00" + b"\x00" * 3 + b"\xff" * 3
    )
    frame = b"\x2c" + b"\x00\x00" * 2 + b"\x01\x00" * 2 + b"\x00" + b"\x02\x02\x44\x01\x00"
    return screen + frame * frames + b"\x3b"


def test_a_long_animation_is_refused_before_its_frames_are_decoded(alices_case, alice):
    data = long_gif(20, 5000)
    assert Image.open(io.BytesIO(data)).n_frames == 20  # the premise
    started = time.monotonic()
    with pytest.raises(ValidationError, match="The animation has 20 frames of 5,000×5,000"):
        add(alices_case, alice, data, "long.gif")
    assert time.monotonic() - started < 2
    assert add(alices_case, alice, long_gif(3, 500), "short.gif").has_working_copy


def test_a_huge_public_photo_is_refused_without_the_evidence_advice():
    """The ZIP advice is for evidence; a profile photo is only ever resized."""
    with pytest.raises(files.RejectedFile) as refused:
        files.pixels_only(big_png())
    assert str(refused.value).startswith("The image is 9,400×9,400 pixels: too large")
    assert "ZIP" not in str(refused.value)


def test_damaged_photos_scans_and_animations_are_read_or_refused_never_an_error():
    """GIVEN 300 copies of a photo, a two-page TIFF and an animation with one to six
    random bytes changed (fixed seed; one of them names a compression scheme that
    does not exist) WHEN each is examined as an upload is THEN each is read or
    refused with the one message."""
    import random
    import warnings

    seeds = [
        (gps_jpeg(), "image/jpeg"),
        (two_page_tiff(), "image/tiff"),
        (animated_gif(), "image/gif"),
    ]
    rng = random.Random(3)
    outcomes = set()
    for _ in range(300):
        data, media_type = rng.choice(seeds)
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                files.examine(bytes(damaged), media_type)
            outcomes.add("read")
        except files.RejectedFile as refused:
            outcomes.add(str(refused))
    assert outcomes == {"read", "The image is damaged and cannot be read."}
