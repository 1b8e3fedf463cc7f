"""Reading a stranger's PDF within fixed bounds, and what its document-level
parts reveal (document information, XMP, annotations, attachments, scripts,
hidden layers). What its pages and images reveal is read by copy.py, in the same
pass that makes the working copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils.translation import gettext_lazy as _

from ..errors import RejectedFile, TooLarge
from ..metadata import Metadata

if TYPE_CHECKING:
    from pypdf import PdfReader

# pypdf's objects as read from a stranger's file (dictionaries, arrays, streams,
# references): any key may hold anything, so the code checks what it finds where
# it reads it, and mypy does not.
PdfValue = Any
T = TypeVar("T")

# pypdf's warnings quote bytes of the file they are about (a line of a letter, a
# name from its metadata): evidence content must never reach the server's logs.
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)

DAMAGED = "The PDF is damaged and cannot be read. Nothing was stored."
PROTECTED = "The PDF is password-protected; upload an unprotected copy. Nothing was stored."
UNREADABLE_IMAGE = (
    "The PDF holds an image in a form Habeas cannot read, so it cannot make a copy "
    "without metadata. Nothing was stored."
)
TOO_LARGE = _(
    "The PDF holds more than Habeas reads in one file ({what}, more than {limit:,} bytes "
    "once decompressed). Split it into smaller files."
)

# Per stream, at most this many bytes once decoded. A 1 KB stream can inflate to
# gigabytes; pypdf's own default is the same, but it is set here so that an
# upgrade cannot loosen it. 75 MB holds an A4 page scanned at 300 dpi in colour
# (26 MB) with room to spare.
STREAM_MAX = 75_000_000
# XMP is text: a few kilobytes in practice.
XMP_MAX = 1_000_000
LIMITS: dict[str, Any] = {
    "maximum_declared_stream_length": STREAM_MAX,
    "array_based_stream_maximum_output_length": STREAM_MAX,
    "zlib_maximum_output_length": STREAM_MAX,
    "lzw_maximum_output_length": STREAM_MAX,
    "run_length_maximum_output_length": STREAM_MAX,
    "jbig2_maximum_output_length": STREAM_MAX,
    "brotli_maximum_output_length": STREAM_MAX,
    "image_maximum_buffer_size": STREAM_MAX,
    "stream_decoding_work_maximum_length": 4 * STREAM_MAX,
    "xmp_maximum_input_length": XMP_MAX,
    # Never run an external program on a stranger's file.
    "jbig2dec_binary": None,
}
# All the drawing instructions of one file together (pages, forms, patterns,
# glyphs), decoded. They are parsed in Python (about 1 MB a second): this bounds
# the time one upload takes (well within a worker's 60 s). A 500-page report
# needs 5 to 15 MB.
CONTENT_MAX = 16_000_000
# Of these, the words (numbers, names, operators) of the streams that must be
# parsed, in Python at about 100,000 a second: at most 20 s of a worker's 60.
PARSE_MAX = 2_000_000
TOO_MANY_INSTRUCTIONS = _(
    "The PDF's pages hold more drawing instructions than Habeas reads in one file "
    "(more than {limit:,} words of them). Split it into smaller files."
)
# Everything decoded from one file together (the above, images, fonts): each
# stream is released once copied, so this bounds time, not memory.
TOTAL_DECODED_MAX = 1_000_000_000

# Annotations that are not part of what the page shows: comments and their
# pop-ups, links, attachments, media, and redactions not yet applied (their
# appearance is a black box over text that is still there).
NOT_DRAWN = frozenset(
    {
        "/Text",
        "/Popup",
        "/Link",
        "/FileAttachment",
        "/Sound",
        "/Movie",
        "/Screen",
        "/RichMedia",
        "/3D",
        "/Redact",
        "/PrinterMark",
        "/TrapNet",
        "/Projection",
    }
)
# Actions that run, open or send something (not just "go to page 1").
ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE"}
)
# Annotation flags: Invisible, Hidden, NoView.
NOT_SHOWN_FLAGS = 1 | 2 | 32
FILTER_NAMES = {
    "/AHx": "/ASCIIHexDecode",
    "/A85": "/ASCII85Decode",
    "/LZW": "/LZWDecode",
    "/Fl": "/FlateDecode",
    "/RL": "/RunLengthDecode",
    "/CCF": "/CCITTFaxDecode",
    "/DCT": "/DCTDecode",
}
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_PDF = "http://ns.adobe.com/pdf/1.3/"
NS_EXIF = "http://ns.adobe.com/exif/1.0/"
NS_TIFF = "http://ns.adobe.com/tiff/1.0/"
NS_XMP = "http://ns.adobe.com/xap/1.0/"


@contextmanager
def reading() -> Iterator[None]:
    """pypdf within LIMITS; whatever goes wrong reading the file is RejectedFile."""
    import pypdf

    with pypdf.apply_configuration(**LIMITS):
        try:
            yield
        except RejectedFile:
            raise
        except MemoryError:
            raise
        except Exception:
            # pypdf raises dozens of exception types on damaged input (its own,
            # and ValueError, KeyError, TypeError, zlib.error, RecursionError,
            # expat errors...): any of them means the file cannot be read.
            raise RejectedFile(DAMAGED) from None


def open_pdf(data: bytes) -> PdfReader:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise RejectedFile(PROTECTED)
    if not len(reader.pages):  # a page tree that holds no page is broken
        raise RejectedFile(DAMAGED)
    for page in reader.pages:
        if page.get("/Type") != "/Page":
            raise RejectedFile(DAMAGED)
    return reader


class Budget:
    """What one file may make Habeas decode: CONTENT_MAX of drawing instructions
    (PARSE_MAX words of them parsed), TOTAL_DECODED_MAX of everything."""

    def __init__(self) -> None:
        self.content = 0
        self.total = 0
        self.words = 0

    def decoding_content(self, decode: Callable[[], T]) -> T:
        """decode(), with pypdf told to stop inflating once what is left of
        CONTENT_MAX is reached: a page of 70 MB of spaces is refused after 16 MB."""
        import pypdf
        from pypdf.errors import LimitReachedError

        left = max(CONTENT_MAX - self.content, 1)
        limits: dict[str, Any] = {
            name: min(left, STREAM_MAX)
            for name in (
                "array_based_stream_maximum_output_length",
                "zlib_maximum_output_length",
                "lzw_maximum_output_length",
                "run_length_maximum_output_length",
                "brotli_maximum_output_length",
            )
        }
        try:
            with pypdf.apply_configuration(**limits):
                return decode()
        except LimitReachedError:
            raise TooLarge(
                TOO_LARGE.format(what=_("drawing instructions"), limit=CONTENT_MAX)
            ) from None

    def parse(self, words: int) -> None:
        self.words += words
        if self.words > PARSE_MAX:
            raise TooLarge(TOO_MANY_INSTRUCTIONS.format(limit=PARSE_MAX))

    def spend(self, size: int, *, content: bool = False) -> None:
        self.total += size
        if content:
            self.content += size
            if self.content > CONTENT_MAX:
                raise TooLarge(TOO_LARGE.format(what=_("drawing instructions"), limit=CONTENT_MAX))
        if self.total > TOTAL_DECODED_MAX:
            raise TooLarge(TOO_LARGE.format(what=_("images and pages"), limit=TOTAL_DECODED_MAX))


@dataclass
class Found:
    """What one PDF reveals, each value with where it was found; and what its
    working copy leaves out that a reader of the original would see."""

    gps: list[str] = field(default_factory=list)
    device: list[str] = field(default_factory=list)
    author: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def add(self, kind: str, value: PdfValue, where: str = "") -> None:
        if hasattr(value, "get_object"):
            value = value.get_object()
        value = " ".join(str(value or "").split())
        if value:
            entry = f"{value} ({where})" if where else value
            values = getattr(self, kind)
            if entry not in values:
                values.append(entry)

    def note(self, what: str) -> None:
        if what not in self.other:
            self.other.append(what)

    def metadata(self) -> Metadata:
        return Metadata(
            gps="; ".join(self.gps),
            device="; ".join(self.device),
            author="; ".join(self.author),
            other=self.other,
            dropped=self.dropped,
        )


def xmp(stream: PdfValue, found: Found, where: str) -> None:
    import pypdf
    from pypdf.xmp import XmpInformation

    # XMP is small: a stream that inflates past XMP_MAX is refused before parsing.
    with pypdf.apply_configuration(zlib_maximum_output_length=XMP_MAX):
        parsed = XmpInformation(stream)  # parsed without external entities
    found.note(f"XMP ({where})")
    for ns, name, kind in (
        (NS_DC, "creator", "author"),
        (NS_TIFF, "Artist", "author"),
        (NS_XMP, "CreatorTool", "device"),
        (NS_PDF, "Producer", "device"),
        (NS_TIFF, "Make", "device"),
        (NS_TIFF, "Model", "device"),
    ):
        for value in _xmp_values(parsed.rdf_root, ns, name):
            found.add(kind, value, f"XMP, {where}")
    lat = _xmp_values(parsed.rdf_root, NS_EXIF, "GPSLatitude")
    lon = _xmp_values(parsed.rdf_root, NS_EXIF, "GPSLongitude")
    if lat or lon:
        found.add("gps", f"{(lat or ['?'])[0]}, {(lon or ['?'])[0]}", f"XMP, {where}")


def _xmp_values(root: Any, namespace: str, name: str) -> list[str]:
    """A property's values, written either way XMP allows: as an attribute of an
    rdf:Description, or as an element (with rdf:li items for lists)."""
    values: list[str] = []
    for description in root.getElementsByTagNameNS(NS_RDF, "Description"):
        if description.getAttributeNS(namespace, name):
            values.append(description.getAttributeNS(namespace, name))
    for element in root.getElementsByTagNameNS(namespace, name):
        items = element.getElementsByTagNameNS(NS_RDF, "li") or [element]
        values.extend(_text(item) for item in items)
    return [value.strip() for value in values if value.strip()]


def _text(node: Any) -> str:
    return "".join(
        child.data if child.nodeType == child.TEXT_NODE else _text(child)
        for child in node.childNodes
    )


def _annotations(page: PdfValue, found: Found, label: str) -> None:
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        subtype = annot.get("/Subtype")
        if subtype == "/Widget":
            found.note("form fields")
            continue
        if subtype in {"/Link", "/Popup"}:
            continue
        found.add("author", annot.get("/T"), f"annotation on {label}")
        if annot.get("/Contents") or annot.get("/RC"):
            found.note("comments in annotations")
        if subtype == "/FileAttachment":
            found.note("attached files (in annotations)")
        if "/AA" in annot or ("/A" in annot and annot["/A"].get("/S") == "/JavaScript"):
            found.note("JavaScript")


def hidden_layers(root: PdfValue) -> tuple[set[int], list[str]]:
    """The optional-content groups (layers) hidden when the file opens, by object
    number, and their names."""
    properties = root.get("/OCProperties")
    if properties is None:
        return set(), []
    properties = properties.get_object()
    # An empty /D fails here, as any damage does (reading() refuses the file).
    default = (properties.get("/D") or {}).get_object() if "/D" in properties else {}  # type: ignore[union-attr]
    groups = [ref for ref in properties.get("/OCGs") or [] if hasattr(ref, "idnum")]
    if default.get("/BaseState") == "/OFF":
        shown = {ref.idnum for ref in default.get("/ON") or [] if hasattr(ref, "idnum")}
        hidden = {ref.idnum for ref in groups} - shown
    else:
        hidden = {ref.idnum for ref in default.get("/OFF") or [] if hasattr(ref, "idnum")}
    names = []
    for ref in groups:
        if ref.idnum in hidden:
            name = " ".join(str(ref.get_object().get("/Name") or "").split())
            names.append(name or "unnamed")
    return hidden, names


def document_metadata(reader: PdfReader, found: Found) -> None:
    """What the document and its pages carry outside what they draw: document
    information, XMP, PieceInfo, attachments, scripts, annotations, layers."""
    info: PdfValue = reader.metadata or {}
    found.add("author", info.get("/Author"), "document info")
    for key in ("/Creator", "/Producer"):
        found.add("device", info.get(key), "document info")
    if info:
        found.note("document info")
    root: PdfValue = reader.trailer["/Root"].get_object()
    if "/Metadata" in root:
        xmp(root["/Metadata"], found, "document")
    if "/PieceInfo" in root:
        found.note("application data (PieceInfo)")
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    if "/EmbeddedFiles" in names:
        found.note("attached files")
    opening = root.get("/OpenAction")  # usually just "show page 1"
    if (
        "/JavaScript" in names
        or "/AA" in root
        or (isinstance(opening, dict) and opening.get("/S") in ACTIVE_ACTIONS)
    ):
        found.note("JavaScript or actions on opening")
    _, layer_names = hidden_layers(root)
    if layer_names:
        found.note(f"hidden layers: {', '.join(layer_names)}")
        found.dropped.append(
            "the hidden layers ("
            + ", ".join(layer_names)
            + "): what they hold is not in the working copy"
        )
    for number, page in enumerate(reader.pages, start=1):
        label = f"page {number}"
        if "/Metadata" in page:
            xmp(page["/Metadata"], found, label)
        if "/PieceInfo" in page:
            found.note("application data (PieceInfo)")
        _annotations(page, found, label)
