"""Images, read within fixed bounds: validation (damaged files, decompression
bombs, absurd sizes), the metadata they carry, and a working copy rebuilt from
their pixels alone. Pillow confirms that an image really parses, and every image
that gets a working copy has been through the same parser that makes it.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterable, Iterator
from typing import Any, SupportsFloat

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from .errors import RejectedFile, TooLarge
from .metadata import NO_COPY_TOO_LARGE, Metadata

# Above this many pixels an image is refused as absurd (a 200-megapixel phone photo
# has half as many). Pillow's own check is set to refuse the same, and its warning
# is left to open_lazily, which judges a bomb by what the file weighs.
MAX_PIXELS = 400_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS // 2  # Pillow refuses above twice this
# Above Pillow's usual limit (89.5 megapixels), an image must weigh at least a byte
# per this many pixels: a 200-megapixel photo weighs tens of MB, a decompression
# bomb a few hundred KB.
BOMB_PIXELS = 89_478_485
BOMB_PIXELS_PER_BYTE = 100
# The memory one image may take while its working copy is made: the decoded
# pixels and the clean copy built from them (Pillow keeps colour as 4 bytes a
# pixel). 256 MB holds a 32-megapixel colour photo. A larger image is still stored
# as received and its metadata read from its headers; a JPEG's working copy is
# decoded at 1/2, 1/4 or 1/8 of its size (the DCT scales as it decodes), and other
# formats get none (see examine).
IMAGE_MEMORY_MAX = 256_000_000
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "LA": 4, "PA": 4}
TOO_LARGE = _(
    "The image is {width:,}×{height:,} pixels: too large for Habeas to read (about "
    "{limit} megapixels in colour at most)."
)
# Pages of a TIFF, frames of a GIF or WebP: at most this many are looked at.
MAX_FRAMES = 1000
# Pillow decodes every frame of a GIF to reach the next one: all of them together,
# at most this many pixels (about two seconds of decoding).
MAX_GIF_PIXELS = 400_000_000

IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "TIFF": "image/tiff",
}


# What Pillow raises, beyond its own errors, on a damaged image: a tag that indexes
# a table (a compression scheme that does not exist), a field of the wrong type...
DAMAGED_IMAGE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    KeyError,
    IndexError,
    TypeError,
    ZeroDivisionError,
)


def _memory_needed(image: Image.Image) -> int:
    """Bytes to decode the image and build its clean copy (colour, 4 bytes a pixel)."""
    width, height = image.size
    decoded = BYTES_PER_PIXEL.get(image.mode, 4)
    copy = 1 if image.mode in {"1", "L"} else 4
    return width * height * (decoded + copy)


def _open_header(data: bytes) -> Image.Image:
    """The image in `data`, its header read, not decoded; RejectedFile if it is
    damaged, a decompression bomb or absurdly large. Its size is not refused."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            raise RejectedFile("The image is a decompression bomb (absurd pixel count).") from None
        except DAMAGED_IMAGE_ERRORS:
            raise RejectedFile("The image is damaged and cannot be read.") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise RejectedFile(
            f"The image is {width}×{height} pixels, more than {MAX_PIXELS:,} allowed."
        )
    if width * height > BOMB_PIXELS and len(data) * BOMB_PIXELS_PER_BYTE < width * height:
        raise RejectedFile("The image is a decompression bomb (absurd pixel count).")
    return image


def _fits(image: Image.Image) -> bool:
    return _memory_needed(image) <= IMAGE_MEMORY_MAX


def open_lazily(data: bytes) -> Image.Image:
    """The image in `data`, its header read and its size checked, not decoded;
    RejectedFile if it is damaged, a bomb, or too large to be decoded here."""
    image = _open_header(data)
    if not _fits(image):
        width, height = image.size
        limit = IMAGE_MEMORY_MAX // 8 // 1_000_000
        raise TooLarge(TOO_LARGE.format(width=width, height=height, limit=limit))
    return image


def load(image: Image.Image) -> Image.Image:
    """The image decoded; RejectedFile if it is damaged or a bomb."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise RejectedFile("The image is a decompression bomb (absurd pixel count).") from None
        except RejectedFile:
            raise
        except DAMAGED_IMAGE_ERRORS:
            raise RejectedFile("The image is damaged and cannot be read.") from None
    return image


def open_image(data: bytes) -> Image.Image:
    """The image in `data`, fully decoded; RejectedFile if it is damaged, a bomb,
    or too large to be read here."""
    return load(open_lazily(data))


def examine(data: bytes, media_type: str) -> tuple[Metadata, bytes | None]:
    """The metadata the image carries and its working copy (None for an image too
    large to decode whole that cannot be reduced); RejectedFile if any of it fails."""
    image = _open_header(data)
    try:
        if not _fits(image):
            return _examine_large(image, data, media_type)
        found = _frames_metadata(image)
        image.seek(0)
        clean = _plain_image(load(image))
        del image
        return found, _encode(clean, media_type)
    except RejectedFile:
        raise
    except DAMAGED_IMAGE_ERRORS:
        raise RejectedFile("The image is damaged and cannot be read.") from None


def _encode(clean: Image.Image, media_type: str) -> bytes:
    out = io.BytesIO()
    if media_type == "image/jpeg":
        clean = clean.convert("RGB") if clean.mode not in {"RGB", "L"} else clean
        clean.save(out, "JPEG", quality=95)
    else:
        clean.save(out, "PNG")
    return out.getvalue()


def _examine_large(
    image: Image.Image, data: bytes, media_type: str
) -> tuple[Metadata, bytes | None]:
    """An image too large to decode whole here (a 48- or 200-megapixel phone photo,
    a panorama, a big scan): its metadata read from its headers alone, and a
    working copy only if one can be decoded within the bound (a JPEG, reduced)."""
    width, height = image.size
    found = _frames_metadata(image, headers_only=True, data=data)
    found.pixels = f"{width}×{height}"
    image.seek(0)
    scale = _jpeg_scale(image) if media_type == "image/jpeg" else None
    if scale is None:
        found.no_copy = NO_COPY_TOO_LARGE
        found.dropped = []  # there is no working copy to leave anything out of
        return found, None
    # libjpeg decodes straight at 1/scale of the size: the full image never exists.
    image.draft("RGB", (width // scale, height // scale))
    clean = _plain_image(load(image))
    del image
    found.reduced_to = "{}×{}".format(*clean.size)
    return found, _encode(clean, media_type)


def _jpeg_scale(image: Image.Image) -> int | None:
    """The smallest scale (2, 4 or 8) at which this JPEG decodes within the bound, or
    None. A progressive JPEG is refused a copy: libjpeg keeps all its coefficients
    (2 bytes a sample) however small it decodes it."""
    width, height = image.size
    progressive = image.info.get("progressive") or image.info.get("progression")
    if progressive and width * height * 3 * 2 > IMAGE_MEMORY_MAX:
        return None
    decoded = BYTES_PER_PIXEL.get(image.mode, 4) + (1 if image.mode == "L" else 4)
    for scale in (2, 4, 8):
        reduced = -(-width // scale) * -(-height // scale)
        if reduced * decoded <= IMAGE_MEMORY_MAX:
            return scale
    return None


GPS_IFD = 0x8825


def _ratio(values: Iterable[SupportsFloat]) -> float:
    d, m, s = (float(v) for v in values)
    return d + m / 60 + s / 3600


def image_metadata(image: Image.Image) -> Metadata:
    """GPS, device and author in an image's EXIF (of its current frame), and what
    else it carries."""
    return _metadata_from(image.getexif(), image.info)


def _metadata_from(exif: Image.Exif, info: dict[str | tuple[int, int], Any]) -> Metadata:
    found = Metadata()
    gps = exif.get_ifd(GPS_IFD)
    if gps:
        try:
            lat = _ratio(gps[2]) * (-1 if gps.get(1) == "S" else 1)
            lon = _ratio(gps[4]) * (-1 if gps.get(3) == "W" else 1)
            found.gps = f"{lat:.5f}, {lon:.5f}"
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            found.gps = "present (unreadable)"
    device = " ".join(str(exif.get(tag, "")).strip() for tag in (271, 272)).strip()
    found.device = device
    found.author = str(exif.get(315, "") or "").strip()
    if exif or "Raw profile type exif" in info:
        found.other.append("EXIF")
    if info.get("xmp") or info.get("XML:com.adobe.xmp"):
        found.other.append("XMP")
    if info.get("comment"):
        found.other.append("comment")
    if any(k in {"Comment", "Author", "Description", "Software", "Title"} for k in info):
        found.other.append("text chunks")
    return found


def _header_metadata(image: Image.Image, data: bytes) -> Metadata:
    """image_metadata without decoding: Pillow decodes a PNG whole to look for EXIF
    and text after its pixels, so a PNG's chunks are walked here instead."""
    if image.format != "PNG":
        return image_metadata(image)
    exif = Image.Exif()
    info = dict(image.info)
    for kind, body in _png_chunks(data):
        if kind == b"eXIf":
            exif.load(body)
        else:  # a text chunk: its keyword is enough to say what it is
            info.setdefault(body.split(b"\0", 1)[0].decode("latin-1"), "present")
    return _metadata_from(exif, info)


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """A PNG's EXIF and text chunks, wherever they are, nothing inflated."""
    at = 8
    while at + 8 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        if kind in {b"eXIf", b"tEXt", b"zTXt", b"iTXt"}:
            yield kind, data[at + 8 : at + 8 + length]
        if kind == b"IEND":
            return
        at += 12 + length


def _frames_metadata(
    image: Image.Image, *, headers_only: bool = False, data: bytes = b""
) -> Metadata:
    """The metadata of every page or frame (a multi-page TIFF, an animated GIF),
    read from their headers; and, if there are several, that the working copy
    holds the first only. With `headers_only` (an image too large to decode), the
    frames of a GIF or PNG after the first are not looked at: Pillow decodes each
    to reach the next."""
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_FRAMES:
        raise TooLarge(
            _("The image has {frames:,} pages or frames, more than {limit:,} allowed.").format(
                frames=frames, limit=MAX_FRAMES
            )
        )
    width, height = image.size
    if image.format == "GIF" and frames * width * height > MAX_GIF_PIXELS:
        raise TooLarge(
            _(
                "The animation has {frames:,} frames of {width:,}×{height:,} pixels, more "
                "than Habeas reads."
            ).format(frames=frames, width=width, height=height)
        )
    found = Metadata()
    read = 1 if headers_only and image.format in {"GIF", "PNG"} else frames
    for index in range(read):
        image.seek(index)
        seen = _header_metadata(image, data) if headers_only else image_metadata(image)
        where = f" (page or frame {index + 1})" if frames > 1 else ""
        for kind in ("gps", "device", "author"):
            value = getattr(seen, kind)
            entry = value + (where if value else "")
            if entry and entry not in getattr(found, kind).split("; "):
                setattr(found, kind, "; ".join(filter(None, [getattr(found, kind), entry])))
        for what in seen.other:
            if what not in found.other:
                found.other.append(what)
    if read < frames:
        found.other.append(f"frames 2 to {frames}, not read (too large)")
    if frames > 1:
        found.dropped.append(
            f"pages or frames 2 to {frames}: the working copy holds the first of {frames} only"
        )
    return found


def _plain_image(image: Image.Image) -> Image.Image:
    """A new image from the pixels alone, upright: no info, no EXIF, no XMP, no
    comments. At most two copies of the pixels are alive at once."""
    image = ImageOps.exif_transpose(image, in_place=False) if _turned(image) else image
    if image.mode not in {"RGB", "RGBA", "L", "LA"}:
        image = image.convert(
            "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
        )
    fresh = Image.new(image.mode, image.size)
    fresh.paste(image)
    return fresh


def _turned(image: Image.Image) -> bool:
    return image.getexif().get(0x0112, 1) not in (1, None)


def pixels_only(data: bytes) -> Image.Image:
    """An image rebuilt from the pixels of `data` alone (upright, no metadata), after
    the same checks as an upload; RejectedFile if it is damaged or a bomb."""
    return _plain_image(open_image(data))
