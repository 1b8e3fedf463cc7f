"""What a file is, judged from its bytes: type sniffing, validation of images and
PDFs, the metadata they carry, and working copies without it (PDFs: pdf.py).

Sniffing uses magic numbers for the formats evidence comes in (for ISO media
files, the brand: a HEIC photo and an MP4 video share the `ftyp` box), and
Pillow or pypdf to confirm that an image or PDF really parses: no libmagic (a C
library and its database) is needed, and every file that will get a working copy
has been through the same parser that makes it.
"""

from __future__ import annotations

import io
import json
import struct
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

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
# Why an image has no working copy (stored in its report; the page words it).
NO_COPY_TOO_LARGE = "too_large"
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

# Magic numbers → media type. Order matters: longer, more specific first.
MAGIC: list[tuple[int, bytes, str]] = [
    (0, b"%PDF-", "application/pdf"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"WARC/", "application/warc"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"\x1aE\xdf\xa3", "video/webm"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    # Word, Excel and PowerPoint before 2007, Outlook messages.
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"#!AMR\n", "audio/amr"),
]

# ISO base media files (`ftyp` box) by brand: the major brand, or for the
# generic HEIF brands the compatible ones (an iPhone photo is `heic`, or `mif1`
# listing `heic`).
HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"})
HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"mif2"})
AVIF_BRANDS = frozenset({b"avif", b"avis"})
AUDIO_MP4_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P "})

# Files that may carry a position and a device that Habeas cannot remove: no
# working copy is made of them, and their page says so.
UNSTRIPPABLE_IMAGES = frozenset({"image/heic", "image/heif", "image/avif"})

# What each file-name extension may contain. An extension not listed accepts any
# content; a listed one must match, or the upload is refused.
EXTENSIONS: dict[str, set[str]] = {
    ".pdf": {"application/pdf"},
    ".png": {"image/png"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".gif": {"image/gif"},
    ".webp": {"image/webp"},
    ".tif": {"image/tiff"},
    ".tiff": {"image/tiff"},
    ".warc": {"application/warc"},
    ".gz": {"application/gzip"},
    ".zip": {"application/zip"},
    ".docx": {"application/zip"},
    ".xlsx": {"application/zip"},
    ".odt": {"application/zip"},
    ".heic": {"image/heic", "image/heif"},
    ".heif": {"image/heif", "image/heic"},
    ".hif": {"image/heif", "image/heic"},
    ".avif": {"image/avif"},
    ".mp4": {"video/mp4"},
    ".m4v": {"video/mp4"},
    ".mov": {"video/quicktime", "video/mp4"},
    ".qt": {"video/quicktime"},
    ".3gp": {"video/3gpp", "video/mp4"},
    ".m4a": {"audio/mp4", "video/mp4"},
    ".webm": {"video/webm"},
    ".mkv": {"video/webm"},
    ".mp3": {"audio/mpeg"},
    ".ogg": {"audio/ogg"},
    ".oga": {"audio/ogg"},
    ".opus": {"audio/ogg"},
    ".wav": {"audio/wav"},
    ".flac": {"audio/flac"},
    ".amr": {"audio/amr"},
    ".avi": {"video/x-msvideo"},
    # Old Office files; Word also saves RTF and HTML as .doc, Excel HTML and text
    # as .xls, and a renamed .docx is still a .doc to its owner.
    ".doc": {"application/x-ole-storage", "application/zip", "text/plain"},
    ".xls": {"application/x-ole-storage", "application/zip", "text/plain"},
    ".ppt": {"application/x-ole-storage", "application/zip"},
    ".msg": {"application/x-ole-storage"},
    ".pptx": {"application/zip"},
    ".ods": {"application/zip"},
    ".odp": {"application/zip"},
    ".7z": {"application/x-7z-compressed"},
    ".rar": {"application/vnd.rar"},
    ".rtf": {"text/plain"},
    ".xml": {"text/plain"},
    ".md": {"text/plain"},
    ".txt": {"text/plain"},
    ".html": {"text/plain"},
    ".htm": {"text/plain"},
    ".mhtml": {"text/plain"},
    ".eml": {"text/plain"},
    ".json": {"text/plain"},
    ".csv": {"text/plain"},
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


class RejectedFile(ValueError):
    """The upload cannot be kept; the message says why, for the person uploading."""


class TooLarge(RejectedFile):
    """A file too large (in pixels, frames or what it inflates to) for Habeas to read
    within its bounds; as evidence it can still be kept as received (KEEP_IT_ZIPPED)."""


KEEP_IT_ZIPPED = _(
    "Nothing was stored. Upload it inside a ZIP archive to keep it as it is (it then "
    "gets no working copy)."
)


def sniff(head: bytes) -> str:
    """The media type the first bytes of a file announce."""
    for offset, magic, media_type in MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return media_type
    if head[:4] == b"RIFF":
        riff = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
        if head[8:12] in riff:
            return riff[head[8:12]]
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    # FLAC: the marker, then its first metadata block (STREAMINFO, 34 bytes).
    if head[:4] == b"fLaC" and head[4] & 0x7F == 0 and head[5:8] == b"\x00\x00\x22":
        return "audio/flac"
    return "text/plain" if _is_text(head) else "application/octet-stream"


def _iso_media(head: bytes) -> str:
    """The media type an ISO base media file's `ftyp` box announces."""
    size = int.from_bytes(head[:4], "big")
    end = min(len(head), size if 16 <= size <= 1024 else 16)
    major = head[8:12]
    compatible = {head[i : i + 4] for i in range(16, end - 3, 4)}
    if major in AVIF_BRANDS or (major in HEIF_BRANDS and compatible & AVIF_BRANDS):
        return "image/avif"
    if major in HEIC_BRANDS or (major in HEIF_BRANDS and compatible & HEIC_BRANDS):
        return "image/heic"
    if major in HEIF_BRANDS:
        return "image/heif"
    if major == b"qt  ":
        return "video/quicktime"
    if major in AUDIO_MP4_BRANDS:
        return "audio/mp4"
    if major.startswith(b"3g"):
        return "video/3gpp"
    return "video/mp4"  # isom, iso2…, mp41, mp42, avc1, M4V, dash and the rest


_TEXT_CONTROLS = "\r\n\t\f"
# Bytes that text in a single-byte code page (Windows-1251, KOI8-R, Latin-1) does not
# hold, but nearly every binary format does.
_BINARY_BYTES = (frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D}) | {0x7F}


def _printable(text: str) -> bool:
    """No control characters but line breaks and tabs (no-break spaces, soft hyphens
    and other format characters are ordinary in Russian and Turkmen text)."""
    return all(ch in _TEXT_CONTROLS or unicodedata.category(ch) != "Cc" for ch in text)


def _is_text(head: bytes) -> bool:
    """Text in UTF-8 (with or without a byte-order mark), UTF-16 with its mark, or a
    legacy single-byte code page such as Windows-1251: what exports from phones,
    messengers and older Windows software are written in."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        body = head[2 : 2 + (len(head) - 2) // 2 * 2]
        codec = "utf-16-le" if head[0] == 0xFF else "utf-16-be"
        try:
            return _printable(body.decode(codec))
        except UnicodeDecodeError as exc:
            # A surrogate pair cut at the end of the sample is still text.
            if exc.start < len(body) - 2:
                return False
            return _printable(body[: exc.start].decode(codec))
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        return _printable(head.decode("utf-8"))
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start >= len(head) - 4 and exc.reason.startswith("unexpected end"):
            return _printable(head[: exc.start].decode("utf-8"))
    if _BINARY_BYTES.isdisjoint(head):
        try:
            return _printable(head.decode("cp1251"))
        except UnicodeDecodeError:
            return False
    return False


def check_name(name: str) -> str:
    """The original file name, or RejectedFile if it could be a path or is unprintable."""
    if not name or len(name) > 255:
        raise RejectedFile("The file name must be 1 to 255 characters long.")
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise RejectedFile("The file name must not contain a path (no / or \\).")
    if any(not ch.isprintable() for ch in name):
        raise RejectedFile("The file name contains control characters.")
    return name


def check_matches_name(name: str, media_type: str) -> None:
    # Windows (and so whoever saves the download there) drops trailing dots and
    # spaces: "report.pdf." and "report.pdf " are report.pdf.
    suffix = PurePosixPath(name.rstrip(". ") or name).suffix
    expected = EXTENSIONS.get(suffix.lower())
    if expected is not None and media_type not in expected:
        raise RejectedFile(
            f"The content of this file is {media_type}, which does not match its name "
            f"(“{suffix}”). Nothing was stored."
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


def validate(data: bytes | None, media_type: str) -> None:
    """Parse images and PDFs (data is None for types that are not parsed)."""
    if media_type in IMAGE_TYPES.values():
        open_image(data)
    elif media_type == "application/pdf":
        from . import pdf

        pdf.check(data)


def wants_working_copy(media_type: str) -> bool:
    return media_type in IMAGE_TYPES.values() or media_type == "application/pdf"


def unstrippable(media_type: str) -> bool:
    """Photos, videos and recordings whose metadata (position, device) Habeas
    cannot remove: their item page warns against sharing them as they are."""
    return media_type in UNSTRIPPABLE_IMAGES or media_type.startswith(("video/", "audio/"))


def examine(data: bytes | None, media_type: str) -> tuple[Metadata | None, bytes | None]:
    """Read an upload fully, once, as its working copy needs: the metadata it
    carries (stored with the item, so that its page never reads the file again)
    and its working copy (None, None for files that are not parsed). RejectedFile
    if any of it fails, so that what is stored can always be shown and shared."""
    if data is None or not wants_working_copy(media_type):
        return None, None
    if media_type == "application/pdf":
        from . import pdf  # pdf reads images with this module: imported when needed

        return pdf.examine(data)
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


@dataclass
class Metadata:
    """What identifying metadata a file carries (shown to staff before sharing),
    and what of the file its working copy leaves out."""

    gps: str = ""
    device: str = ""
    author: str = ""
    other: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    # An image too large to decode whole: its size ("8000×6000"), and either the
    # size its working copy was reduced to or why it has none (NO_COPY_*).
    pixels: str = ""
    reduced_to: str = ""
    no_copy: str = ""

    @property
    def empty(self) -> bool:
        return not (self.gps or self.device or self.author or self.other)

    def to_json(self) -> str:
        return json.dumps(
            {
                "gps": self.gps,
                "device": self.device,
                "author": self.author,
                "other": self.other,
                "dropped": self.dropped,
                "pixels": self.pixels,
                "reduced_to": self.reduced_to,
                "no_copy": self.no_copy,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Metadata:
        data = json.loads(text)
        return cls(
            gps=data.get("gps", ""),
            device=data.get("device", ""),
            author=data.get("author", ""),
            other=list(data.get("other", [])),
            dropped=list(data.get("dropped", [])),
            pixels=data.get("pixels", ""),
            reduced_to=data.get("reduced_to", ""),
            no_copy=data.get("no_copy", ""),
        )


GPS_IFD = 0x8825


def _ratio(values) -> float:
    d, m, s = (float(v) for v in values)
    return d + m / 60 + s / 3600


def image_metadata(image: Image.Image) -> Metadata:
    """GPS, device and author in an image's EXIF (of its current frame), and what
    else it carries."""
    return _metadata_from(image.getexif(), image.info)


def _metadata_from(exif: Image.Exif, info: dict) -> Metadata:
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


def metadata_of(data: bytes, media_type: str) -> Metadata:
    """What identifying metadata the file carries; RejectedFile if it cannot be
    read (damaged, a bomb)."""
    if not wants_working_copy(media_type):
        return Metadata()
    return examine(data, media_type)[0]


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


def working_copy(data: bytes, media_type: str) -> bytes:
    """The file without metadata, for sharing. The original is not touched."""
    if not wants_working_copy(media_type):
        raise ValueError(f"no working copy for {media_type}")
    return examine(data, media_type)[1]


def working_copy_type(media_type: str) -> tuple[str, str]:
    """Media type and file-name extension of the working copy."""
    if media_type == "image/jpeg":
        return "image/jpeg", ".jpg"
    if media_type == "application/pdf":
        return "application/pdf", ".pdf"
    return "image/png", ".png"
