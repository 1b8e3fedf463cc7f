"""What a file is, judged from its first bytes, and whether its name agrees.

Magic numbers for the formats evidence comes in (for ISO media files, the brand:
a HEIC photo and an MP4 video share the `ftyp` box): no libmagic (a C library and
its database) is needed.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath

from .errors import RejectedFile

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
