"""Large photos as evidence (docs/threat-model.md, "What a working copy removes"): a 48- or
200-megapixel phone photo, a panorama or a big scan is stored exactly as received,
never refused for its size; its metadata is read from its headers without
decoding its pixels; a JPEG's working copy is decoded reduced (1/2, 1/4 or 1/8 of
its size) and the page says so; another format too large to decode in bounded
memory gets no working copy and the page says why and what to do. Decompression
bombs and absurd sizes are still refused."""

from __future__ import annotations

import functools
import hashlib
import io
import struct
import time
import zlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image, ImageFile

from habeas.evidence.models import EvidenceItem
from habeas.lib import files
from tests.support.evidence import (
    body,
    post_upload,
    store_files,
    stored_before_the_fix,
    upload_errors,
)

GPS_SHOWN = "37.95833, 58.38611"


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[271] = "SECRETMAKE"
    exif[315] = "SECRETARTIST Ivan"
    exif.get_ifd(0x8825).update({1: "N", 2: (37.0, 57.0, 30.0), 3: "E", 4: (58.0, 23.0, 10.0)})
    return exif


@pytest.fixture(scope="module")
def phone_photos() -> dict[str, bytes]:
    """An 8000×6000 (48-megapixel) colour photo with GPS, make and artist, as a
    phone saves it (baseline) and as an editor may (progressive)."""
    image = Image.new("RGB", (8000, 6000), (90, 120, 160))
    photos = {}
    for name, progressive in (("baseline", False), ("progressive", True)):
        out = io.BytesIO()
        image.save(out, "JPEG", exif=gps_exif(), quality=90, progressive=progressive)
        photos[name] = out.getvalue()
    return photos


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(
    width: int,
    height: int,
    *,
    depth: int = 8,
    colour: int = 2,
    row=None,
    before: bytes = b"",
    after: bytes = b"",
    level: int = 9,
) -> bytes:
    """A PNG written row by row (so that a 9400×9400 one needs no 350 MB to build),
    with chunks `before` and `after` its pixels."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + before
        + chunk(b"IDAT", _pixels(width, height, depth, colour, row, level))
        + after
        + chunk(b"IEND", b"")
    )


@functools.cache
def _pixels(width: int, height: int, depth: int, colour: int, row, level: int) -> bytes:
    stride = (width * {0: 1, 2: 3}[colour] * depth + 7) // 8
    pack = zlib.compressobj(level)
    idat = bytearray()
    for y in range(height):
        idat += pack.compress(b"\x00" + (row(y, stride) if row else bytes(stride)))
    return bytes(idat + pack.flush())


def header_only_png(width: int, height: int, weight: int) -> bytes:
    """A PNG that says it is width×height and weighs `weight` bytes, with no pixels:
    what Habeas refuses before reading them."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    padding = chunk(b"tEXt", b"Comment\x00" + bytes(weight))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + padding + chunk(b"IEND", b"")


def review_png(**chunks) -> bytes:
    """An image too large to decode in 256 MB: 9400×9400, black, 280 KB."""
    return png(9400, 9400, **chunks)


@pytest.fixture
def decoded_sizes(monkeypatch) -> list[tuple[int, int]]:
    """The size of every image Pillow decodes from here on."""
    sizes = []
    load = ImageFile.ImageFile.load

    def recording(image):
        sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording)
    return sizes


def upload(client, case, data: bytes, name: str) -> EvidenceItem:
    response = post_upload(client, case, data, name)
    assert response.status_code == 302, upload_errors(response)
    item = EvidenceItem.objects.get()
    assert response["Location"] == item.get_absolute_url()
    return item


def page(client, item) -> str:
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def download(client, case, item, *, working: bool = False) -> bytes:
    name = "evidence_download_working" if working else "evidence_download"
    response = client.get(reverse(name, args=[case.public_id, item.public_id]))
    assert response.status_code == 200
    return body(response)


def test_a_48_megapixel_phone_photo_is_kept_with_a_reduced_working_copy_without_metadata(
    alices_case, alice, client, phone_photos, decoded_sizes
):
    """GIVEN a caseworker uploads a witness's 48-megapixel photo carrying GPS
    THEN it is stored as received, its panel lists the GPS, and its working copy
    (decoded at half size: the full 48 megapixels never are) carries no EXIF and
    the page says it is reduced."""
    data = phone_photos["baseline"]
    client.force_login(alice)
    started = time.monotonic()
    item = upload(client, alices_case, data, "IMG_0001.jpg")
    assert time.monotonic() - started < 10
    assert set(decoded_sizes) == {(4000, 3000)}  # never the full 8000×6000
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert download(client, alices_case, item) == data

    shown = page(client, item)
    panel = shown.split("Metadata in the original", 1)[1].split("Chain of custody", 1)[0]
    assert GPS_SHOWN in panel and "SECRETMAKE" in panel and "SECRETARTIST" in panel
    assert "The working copy is reduced to 4000×3000 pixels: the original (8000×6000)" in panel
    assert "no working copy" not in shown

    working = download(client, alices_case, item, working=True)
    copy = Image.open(io.BytesIO(working))
    assert copy.size == (4000, 3000) and copy.format == "JPEG"
    assert not copy.getexif() and "exif" not in copy.info
    for secret in (b"SECRETMAKE", b"SECRETARTIST", b"Exif"):
        assert secret not in working
    # Its pixels are the photo's.
    assert copy.getpixel((2000, 1500)) == pytest.approx((90, 120, 160), abs=3)


def test_a_progressive_jpeg_too_large_to_decode_within_the_bound_gets_no_working_copy(
    alices_case, alice, client, phone_photos, decoded_sizes
):
    """libjpeg keeps every coefficient of a progressive JPEG whatever size it
    decodes it at: 48 megapixels are 288 MB of them, so no copy is made."""
    data = phone_photos["progressive"]
    client.force_login(alice)
    item = upload(client, alices_case, data, "edited.jpg")
    assert decoded_sizes == [] and not item.has_working_copy
    shown = page(client, item)
    assert GPS_SHOWN in shown
    assert "There is no working copy: this image (8000×6000 pixels) is too large" in shown
    assert download(client, alices_case, item) == data


def test_the_reviews_9400_pixel_png_is_kept_without_a_working_copy_and_the_page_says_why(
    alices_case, alice, charlie, client, settings, decoded_sizes
):
    """Such a file once took 1 GB and 18 s at upload and was then refused: it is
    now stored as received, read from its chunks (never decoded), with no working
    copy, and its page says why and what to do."""
    data = review_png()
    assert len(data) < 400_000
    client.force_login(alice)
    started = time.monotonic()
    item = upload(client, alices_case, data, "big.png")
    assert time.monotonic() - started < 5
    assert decoded_sizes == []
    assert not item.has_working_copy
    assert sorted(store_files(settings)) == [f"{item.public_id}.original"]
    assert download(client, alices_case, item) == data
    shown = page(client, item)
    assert (
        "There is no working copy: this image (9400×9400 pixels) is too large to copy "
        "safely in memory. The original is kept exactly as received. Share it only "
        "after removing its metadata on a trusted computer"
    ) in shown
    assert "Download the working copy" not in shown
    response = client.get(
        reverse("evidence_download_working", args=[alices_case.public_id, item.public_id])
    )
    assert response.status_code == 404
    # An outsider learns nothing of it.
    client.force_login(charlie)
    assert client.get(item.get_absolute_url()).status_code == 404


def test_a_large_pngs_metadata_is_read_from_its_chunks_wherever_they_are(
    alices_case, alice, client, decoded_sizes
):
    """Pillow reads a PNG's EXIF and the text after its pixels only by decoding it
    whole: a large PNG's chunks are walked instead, and still reported."""
    exif = gps_exif().tobytes()
    data = review_png(
        before=chunk(b"eXIf", exif),
        after=chunk(b"tEXt", b"Author\x00SECRETAUTHOR")
        + chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00<x/>"),
    )
    client.force_login(alice)
    item = upload(client, alices_case, data, "scan.png")
    assert decoded_sizes == []
    shown = page(client, item)
    assert GPS_SHOWN in shown and "SECRETMAKE" in shown
    assert "EXIF, XMP, text chunks" in shown


def test_a_large_scan_over_pillows_bomb_limit_is_kept_when_it_weighs_like_one(
    alices_case, alice, client, decoded_sizes
):
    """12000×12000 pixels (144 megapixels, over Pillow's 89.5) of a 1-bit scan
    that weighs 18 MB is a scan, not a bomb: stored, not decoded, no copy."""
    noise = bytes(range(256)) * 8

    def row(y, stride):
        start = (y * 7) % 256
        return noise[start : start + stride]

    data = png(12_000, 12_000, depth=1, colour=0, row=row, level=0)
    assert len(data) > 12_000 * 12_000 // files.images.BOMB_PIXELS_PER_BYTE
    client.force_login(alice)
    item = upload(client, alices_case, data, "scan.png")
    assert decoded_sizes == [] and not item.has_working_copy
    assert item.sha256 == hashlib.sha256(data).hexdigest()


def test_a_200_megapixel_image_is_kept(alices_case, alice, client, decoded_sizes):
    """16320×12240 (a 200-megapixel phone mode), over twice Pillow's own bomb limit,
    in a file that weighs what such an image does: stored, not decoded."""
    weight = chunk(b"tEXt", b"Comment\x00" + bytes(2_100_000))
    data = png(16_320, 12_240, depth=1, colour=0, after=weight)
    client.force_login(alice)
    item = upload(client, alices_case, data, "panorama.png")
    assert decoded_sizes == [] and not item.has_working_copy
    assert "There is no working copy: this image (16320×12240 pixels)" in page(client, item)


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        # 144 megapixels (over Pillow's 89.5) in 2 KB: a bomb.
        ((12_000, 12_000, 2_000), "decompression bomb"),
        # 600 megapixels, however much the file weighs: absurd.
        ((30_000, 20_000, 7_000_000), "bomb"),
    ],
    ids=["tiny-file-huge-pixels", "absurd-size"],
)
def test_bombs_and_absurd_sizes_are_still_refused(
    alices_case, alice, client, settings, claims, message
):
    data = header_only_png(*claims)
    client.force_login(alice)
    response = post_upload(client, alices_case, data, "huge.png")
    assert response.status_code == 400
    [error] = upload_errors(response)
    assert message in error
    assert store_files(settings) == [] and not EvidenceItem.objects.exists()


def test_the_profile_photo_keeps_its_own_bound():
    """A public profile photo is decoded whole to be resized: over the bound it is
    refused, as before (the evidence rule is for evidence)."""
    with pytest.raises(files.TooLarge, match="9,400×9,400 pixels: too large"):
        files.pixels_only(review_png())


def test_a_large_photo_stored_before_reports_were_kept_is_read_once_from_its_headers(
    alices_case, alice, client, phone_photos, decoded_sizes
):
    """GIVEN the 9400-pixel PNG and a 48-megapixel photo kept by an earlier version
    (no report, no working copy) WHEN their pages are first viewed and
    `habeas evidence rebuild-working` runs THEN the PNG is never decoded, the
    photo only at half size, and each page says what its working copy is."""
    png_item = stored_before_the_fix(alices_case, alice, review_png(), "big.png", "image/png")
    photo = stored_before_the_fix(
        alices_case, alice, phone_photos["baseline"], "IMG_0002.jpg", "image/jpeg"
    )
    client.force_login(alice)
    assert "There is no working copy: this image (9400×9400 pixels)" in page(client, png_item)
    assert GPS_SHOWN in page(client, photo)
    call_command("evidence", "rebuild-working", stdout=StringIO())
    assert set(decoded_sizes) <= {(4000, 3000)}
    photo.refresh_from_db()
    png_item.refresh_from_db()
    assert photo.has_working_copy and not png_item.has_working_copy
    assert "The working copy is reduced to 4000×3000 pixels" in page(client, photo)
    assert "no working copy" in page(client, png_item)
