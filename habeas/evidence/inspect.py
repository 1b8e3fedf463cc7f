"""What a file is, judged from its bytes: type sniffing, validation of images and
PDFs, the metadata they carry, and working copies without it.

Sniffing uses magic numbers for the formats evidence comes in, and Pillow or
pypdf to confirm that an image or PDF really parses: no libmagic (a C library and
its database) is needed, and every file that will get a working copy has been
through the same parser that makes it.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from PIL import Image, ImageOps, UnidentifiedImageError

# Above this many pixels an image is refused (a decompression bomb, or absurd).
MAX_PIXELS = 100_000_000

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
]

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
    ".mp4": {"video/mp4"},
    ".mov": {"video/mp4"},
    ".m4a": {"video/mp4"},
    ".webm": {"video/webm"},
    ".mkv": {"video/webm"},
    ".mp3": {"audio/mpeg"},
    ".ogg": {"audio/ogg"},
    ".txt": {"text/plain"},
    ".html": {"text/plain"},
    ".htm": {"text/plain"},
    ".mhtml": {"text/plain"},
    ".eml": {"text/plain"},
    ".json": {"text/plain"},
    ".csv": {"text/plain"},
}


class RejectedFile(ValueError):
    """The upload cannot be kept; the message says why, for the person uploading."""


def sniff(head: bytes) -> str:
    """The media type the first bytes of a file announce."""
    for offset, magic, media_type in MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    return "text/plain" if _is_text(head) else "application/octet-stream"


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
    expected = EXTENSIONS.get(PurePosixPath(name).suffix.lower())
    if expected is not None and media_type not in expected:
        raise RejectedFile(
            f"The content of this file is {media_type}, which does not match its name "
            f"(“{PurePosixPath(name).suffix}”). Nothing was stored."
        )


def _open_image(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise RejectedFile(
                    f"The image is {width}×{height} pixels, more than {MAX_PIXELS:,} allowed."
                )
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise RejectedFile("The image is a decompression bomb (absurd pixel count).") from None
        except RejectedFile:
            raise
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            raise RejectedFile("The image is damaged and cannot be read.") from None
    return image


def _open_pdf(data: bytes):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise RejectedFile("The PDF is password-protected; upload an unprotected copy.")
        len(reader.pages)
        _ = reader.metadata
    except RejectedFile:
        raise
    except (
        PyPdfError,
        OSError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        RecursionError,
        AssertionError,
        IndexError,
    ):
        raise RejectedFile("The PDF is damaged and cannot be read.") from None
    return reader


def validate(data: bytes | None, media_type: str) -> None:
    """Parse images and PDFs fully (data is None for types that are not parsed)."""
    if media_type in IMAGE_TYPES.values():
        _open_image(data)
    elif media_type == "application/pdf":
        _open_pdf(data)


def wants_working_copy(media_type: str) -> bool:
    return media_type in IMAGE_TYPES.values() or media_type == "application/pdf"


@dataclass
class Metadata:
    """What identifying metadata a file carries (shown to staff before sharing)."""

    gps: str = ""
    device: str = ""
    author: str = ""
    other: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.gps or self.device or self.author or self.other)


GPS_IFD = 0x8825


def _ratio(values) -> float:
    d, m, s = (float(v) for v in values)
    return d + m / 60 + s / 3600


def metadata_of(data: bytes, media_type: str) -> Metadata:
    found = Metadata()
    if media_type in IMAGE_TYPES.values():
        image = _open_image(data)
        exif = image.getexif()
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
        if exif:
            found.other.append("EXIF")
        info = image.info
        if info.get("xmp") or info.get("XML:com.adobe.xmp"):
            found.other.append("XMP")
        if info.get("comment"):
            found.other.append("comment")
        if any(k in {"Comment", "Author", "Description", "Software", "Title"} for k in info):
            found.other.append("text chunks")
    elif media_type == "application/pdf":
        reader = _open_pdf(data)
        info = reader.metadata or {}
        found.author = str(info.get("/Author", "") or "")
        found.device = " ".join(
            str(info.get(k, "") or "") for k in ("/Creator", "/Producer")
        ).strip()
        if info:
            found.other.append("document info")
        if reader.xmp_metadata is not None:
            found.other.append("XMP")
    return found


def _plain_image(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode not in {"RGB", "RGBA", "L", "LA"}:
        image = image.convert(
            "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
        )
    # A new image from the pixels alone: no info, no EXIF, no XMP, no comments.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def pixels_only(data: bytes) -> Image.Image:
    """An image rebuilt from the pixels of `data` alone (upright, no metadata), after
    the same checks as an upload; RejectedFile if it is damaged or a bomb."""
    return _plain_image(_open_image(data))


def working_copy(data: bytes, media_type: str) -> bytes:
    """The file without metadata, for sharing. The original is not touched."""
    out = io.BytesIO()
    if media_type in IMAGE_TYPES.values():
        clean = _plain_image(_open_image(data))
        if media_type == "image/jpeg":
            clean = clean.convert("RGB") if clean.mode not in {"RGB", "L"} else clean
            clean.save(out, "JPEG", quality=95)
        else:
            clean.save(out, "PNG")
        return out.getvalue()
    if media_type == "application/pdf":
        from pypdf import PdfWriter
        from pypdf.generic import NameObject

        reader = _open_pdf(data)
        writer = PdfWriter()
        for page in reader.pages:
            for key in ("/Metadata", "/PieceInfo"):
                if key in page:
                    del page[NameObject(key)]
            writer.add_page(page)
        writer.metadata = None  # no document information dictionary at all
        writer.write(out)
        return out.getvalue()
    raise ValueError(f"no working copy for {media_type}")


def working_copy_type(media_type: str) -> tuple[str, str]:
    """Media type and file-name extension of the working copy."""
    if media_type == "image/jpeg":
        return "image/jpeg", ".jpg"
    if media_type == "application/pdf":
        return "application/pdf", ".pdf"
    return "image/png", ".png"
