"""PDFs, read within fixed bounds: what they carry that could identify whoever
made, scanned or annotated them, and a working copy without it.

A PDF hides identifying data in many places: document information and XMP on
the document, on each page and on each image; PieceInfo (an editor's private
data); annotations (a comment's author and text); attached files; JavaScript;
and, above all, the photos and scans embedded in it, whose JPEG data carries
the camera's EXIF (GPS position, make and model, owner), XMP and comments.

The working copy is built from the pages alone (no catalog: no outlines,
attachments, scripts, forms or document XMP), then every object left in it is
walked: metadata keys are removed, every embedded image is re-encoded from its
pixels, and objects no longer reachable are not written.

Everything here reads files from strangers. Every stream pypdf decodes is
bounded (see LIMITS) and any failure to read anything raises RejectedFile: at
upload the file is refused, on an item page the panel says it could not be read.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from PIL import Image

from .inspect import RejectedFile, image_metadata, open_image

# pypdf's warnings quote bytes of the file they are about (a line of a letter, a
# name from its metadata): evidence content must never reach the server's logs.
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)

DAMAGED = "The PDF is damaged and cannot be read. Nothing was stored."
PROTECTED = "The PDF is password-protected; upload an unprotected copy. Nothing was stored."
UNREADABLE_IMAGE = (
    "The PDF holds an image in a form Habeas cannot read, so it cannot make a copy "
    "without metadata. Nothing was stored."
)

# Per stream, at most this many bytes once decoded. A 1 KB stream can inflate to
# gigabytes; pypdf's own default is the same, but it is set here so that an
# upgrade cannot loosen it. 75 MB holds an A4 page scanned at 300 dpi in colour
# (26 MB) with room to spare.
STREAM_MAX = 75_000_000
# XMP is text: a few kilobytes in practice.
XMP_MAX = 1_000_000
LIMITS = {
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
# All images of one PDF together, decoded: a bound on the time one upload takes.
TOTAL_DECODED_MAX = 2_000_000_000

# Keys removed from every dictionary of the working copy, wherever they are.
DROPPED_KEYS = frozenset(
    {
        "/Metadata",  # XMP: authors, tools, dates, sometimes GPS
        "/PieceInfo",  # an editor's private data
        "/LastModified",
        "/AA",  # actions (JavaScript) on open, close, focus...
        "/OpenAction",
        "/JS",
        "/JavaScript",
        "/EmbeddedFiles",
        "/EF",  # the bytes of an attached file
        "/Annots",
        "/Thumb",  # a thumbnail: another image of the page
        "/OPI",  # the path of the image file on the author's computer
        "/OutputIntents",  # an ICC profile naming a device
        "/VP",  # viewports of a map: geographic coordinates
        "/Measure",
        "/PtData",
        "/Ref",  # a reference XObject: another file's name
        "/Usage",  # optional content usage: creator application, user names
        "/StructParents",
        "/StructParent",
    }
)
# Page keys that only make sense with what is dropped (beads, navigation).
DROPPED_PAGE_KEYS = ("/B", "/ID", "/TemplateInstantiated")
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
DEVICE_FOR_COMPONENTS = {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_PDF = "http://ns.adobe.com/pdf/1.3/"
NS_EXIF = "http://ns.adobe.com/exif/1.0/"
NS_TIFF = "http://ns.adobe.com/tiff/1.0/"
NS_XMP = "http://ns.adobe.com/xap/1.0/"


@contextmanager
def _reading() -> Iterator[None]:
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


def _open(data: bytes):
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


def check(data: bytes) -> None:
    """RejectedFile unless the PDF opens and its pages can be listed."""
    with _reading():
        _open(data)


# ---------------------------------------------------------------- metadata


@dataclass
class _Found:
    """What one PDF reveals, each value with where it was found."""

    gps: list[str] = field(default_factory=list)
    device: list[str] = field(default_factory=list)
    author: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    def add(self, kind: str, value, where: str = "") -> None:
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


def _xmp(stream, found: _Found, where: str) -> None:
    import pypdf
    from pypdf.xmp import XmpInformation

    # XMP is small: a stream that inflates past XMP_MAX is refused before parsing.
    with pypdf.apply_configuration(zlib_maximum_output_length=XMP_MAX):
        xmp = XmpInformation(stream)  # parsed without external entities
    found.note(f"XMP ({where})")
    for ns, name, kind in (
        (NS_DC, "creator", "author"),
        (NS_TIFF, "Artist", "author"),
        (NS_XMP, "CreatorTool", "device"),
        (NS_PDF, "Producer", "device"),
        (NS_TIFF, "Make", "device"),
        (NS_TIFF, "Model", "device"),
    ):
        for value in _xmp_values(xmp.rdf_root, ns, name):
            found.add(kind, value, f"XMP, {where}")
    lat = _xmp_values(xmp.rdf_root, NS_EXIF, "GPSLatitude")
    lon = _xmp_values(xmp.rdf_root, NS_EXIF, "GPSLongitude")
    if lat or lon:
        found.add("gps", f"{(lat or ['?'])[0]}, {(lon or ['?'])[0]}", f"XMP, {where}")


def _xmp_values(root, namespace: str, name: str) -> list[str]:
    """A property's values, written either way XMP allows: as an attribute of an
    rdf:Description, or as an element (with rdf:li items for lists)."""
    values = []
    for description in root.getElementsByTagNameNS(NS_RDF, "Description"):
        if description.getAttributeNS(namespace, name):
            values.append(description.getAttributeNS(namespace, name))
    for element in root.getElementsByTagNameNS(namespace, name):
        items = element.getElementsByTagNameNS(NS_RDF, "li") or [element]
        values.extend(_text(item) for item in items)
    return [value.strip() for value in values if value.strip()]


def _text(node) -> str:
    return "".join(
        child.data if child.nodeType == child.TEXT_NODE else _text(child)
        for child in node.childNodes
    )


def _open_embedded(data: bytes) -> Image.Image:
    """An image embedded in the PDF, decoded under the same bounds as an upload."""
    try:
        return open_image(data)
    except RejectedFile:
        # Its own message would speak of "the image" to someone uploading a PDF.
        raise RejectedFile(UNREADABLE_IMAGE) from None


def _filters(stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    names = value if isinstance(value, list) else [value]
    return [FILTER_NAMES.get(str(name), str(name)) for name in names]


def _embedded_image(stream, found: _Found, where: str) -> None:
    filters = _filters(stream)
    if not filters or filters[-1] not in {"/DCTDecode", "/JPXDecode"}:
        return  # raw samples, fax or JBIG2 data: no place for metadata in them
    image = _open_embedded(stream.get_data())
    seen = image_metadata(image)
    xmp = image.info.get("xmp")
    if xmp:
        from pypdf.generic import DecodedStreamObject

        packet = DecodedStreamObject()
        packet.set_data(xmp if isinstance(xmp, bytes) else str(xmp).encode())
        _xmp(packet, found, where)
    found.add("gps", seen.gps, where)
    found.add("device", seen.device, where)
    found.add("author", seen.author, where)
    for what in seen.other:
        found.note(f"{what} ({where})")


def _walk_resources(resources, found: _Found, visited: set, label: str) -> None:
    """Images and forms of a page (and, inside forms, theirs), once each."""
    if resources is None:
        return
    resources = resources.get_object()
    for ref in (resources.get("/Pattern") or {}).values():
        key = getattr(ref, "idnum", None)
        if key is not None and key not in visited:
            visited.add(key)
            _walk_resources(ref.get_object().get("/Resources"), found, visited, label)
    xobjects = resources.get("/XObject")
    if xobjects is None:
        return
    for ref in xobjects.get_object().values():
        key = getattr(ref, "idnum", None)
        if key is not None:
            if key in visited:
                continue
            visited.add(key)
        xobject = ref.get_object()
        subtype = xobject.get("/Subtype")
        if "/Metadata" in xobject:
            _xmp(xobject["/Metadata"], found, f"an image or form of {label}")
        if "/PieceInfo" in xobject:
            found.note("application data (PieceInfo)")
        if subtype == "/Image":
            _embedded_image(xobject, found, f"image on {label}")
            if "/SMask" in xobject:
                _embedded_image(xobject["/SMask"], found, f"image on {label}")
        elif subtype == "/Form":
            _walk_resources(xobject.get("/Resources"), found, visited, label)


def _annotations(page, found: _Found, label: str) -> None:
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


def metadata(data: bytes):
    """What the PDF reveals: document information, XMP (document, pages, images),
    the EXIF of embedded photos, annotation authors, attachments and scripts."""
    from .inspect import Metadata

    found = _Found()
    with _reading():
        reader = _open(data)
        info = reader.metadata or {}
        found.add("author", info.get("/Author"), "document info")
        for key in ("/Creator", "/Producer"):
            found.add("device", info.get(key), "document info")
        if info:
            found.note("document info")
        root = reader.trailer["/Root"].get_object()
        if "/Metadata" in root:
            _xmp(root["/Metadata"], found, "document")
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
        visited: set = set()
        for number, page in enumerate(reader.pages, start=1):
            label = f"page {number}"
            if "/Metadata" in page:
                _xmp(page["/Metadata"], found, label)
            if "/PieceInfo" in page:
                found.note("application data (PieceInfo)")
            _walk_resources(page.get("/Resources"), found, visited, label)
            _annotations(page, found, label)
    return Metadata(
        gps="; ".join(found.gps),
        device="; ".join(found.device),
        author="; ".join(found.author),
        other=found.other,
    )


# ------------------------------------------------------------ working copy


class _Budget:
    def __init__(self) -> None:
        self.left = TOTAL_DECODED_MAX

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise RejectedFile(
                "The PDF's images are too large to process together. Nothing was stored."
            )


def _reencode_jpeg(data: bytes) -> bytes:
    """A JPEG rebuilt from its pixels alone, with its own quantisation (the same
    quality), and nothing else: no EXIF, XMP, ICC profile or comment. Orientation
    is not applied: a PDF draws the pixels as stored."""
    from PIL import JpegImagePlugin

    image = _open_embedded(data)
    if image.format != "JPEG" or image.mode not in {"L", "RGB", "CMYK"}:
        raise RejectedFile(UNREADABLE_IMAGE)
    fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    fresh.save(
        out,
        "JPEG",
        qtables=image.quantization,
        subsampling=JpegImagePlugin.get_sampling(image),
    )
    return out.getvalue()


def _set_data(stream, data: bytes, filter_name: str | None) -> None:
    from pypdf.generic import NameObject

    for key in ("/Filter", "/DecodeParms", "/F", "/FFilter", "/FDecodeParms", "/DL"):
        stream.pop(key, None)
    if filter_name:
        stream[NameObject("/Filter")] = NameObject(filter_name)
    stream._data = data
    if hasattr(stream, "decoded_self"):
        stream.decoded_self = None


def _components(colorspace) -> int | None:
    if colorspace is None:
        return None
    colorspace = colorspace.get_object()
    name = colorspace[0] if isinstance(colorspace, list) else colorspace
    return {
        "/DeviceGray": 1,
        "/CalGray": 1,
        "/DeviceRGB": 3,
        "/CalRGB": 3,
        "/Lab": 3,
        "/DeviceCMYK": 4,
        "/Indexed": 1,
        "/Separation": 1,
    }.get(str(name))


def _jpx_to_samples(writer, stream, data: bytes, budget: _Budget) -> None:
    """JPEG 2000 can hold XML and UUID boxes (XMP, GeoJP2 positions): the image
    is rewritten as its plain samples, deflated."""
    from pypdf.generic import NameObject, NumberObject, StreamObject

    image = _open_embedded(data)
    if image.format != "JPEG2000":
        raise RejectedFile(UNREADABLE_IMAGE)
    if image.mode == "P":
        image = image.convert("RGB")
    bits = 8
    if image.mode.startswith("I;16"):
        samples, colour, alpha, bits = image.tobytes("raw", "I;16B"), 1, None, 16
    else:
        bands = image.getbands()
        wanted = _components(stream.get("/ColorSpace"))
        if wanted == len(bands):
            colour, alpha = image, None
        elif bands[-1] == "A" and (wanted is None or wanted == len(bands) - 1):
            colour = Image.merge("RGB" if len(bands) == 4 else "L", image.split()[:-1])
            alpha = image.getchannel("A")
        elif wanted is None and image.mode in {"L", "RGB", "CMYK"}:
            colour, alpha = image, None
        else:
            raise RejectedFile(UNREADABLE_IMAGE)
        samples = colour.tobytes()
        colour = len(colour.getbands())
    budget.spend(len(samples))
    if "/ColorSpace" not in stream:
        if colour not in DEVICE_FOR_COMPONENTS:
            raise RejectedFile(UNREADABLE_IMAGE)
        stream[NameObject("/ColorSpace")] = NameObject(DEVICE_FOR_COMPONENTS[colour])
    stream[NameObject("/BitsPerComponent")] = NumberObject(bits)
    # JPEG 2000 ignores /Decode (plain samples would not); its alpha becomes a mask.
    stream.pop("/Decode", None)
    wants_alpha = bool(stream.pop("/SMaskInData", 0))
    if alpha is not None and wants_alpha and "/SMask" not in stream:
        mask = StreamObject()
        mask._data = zlib.compress(alpha.tobytes())
        for key, value in (
            ("/Type", NameObject("/XObject")),
            ("/Subtype", NameObject("/Image")),
            ("/Width", NumberObject(image.width)),
            ("/Height", NumberObject(image.height)),
            ("/ColorSpace", NameObject("/DeviceGray")),
            ("/BitsPerComponent", NumberObject(8)),
            ("/Filter", NameObject("/FlateDecode")),
        ):
            mask[NameObject(key)] = value
        stream[NameObject("/SMask")] = writer._add_object(mask)
    _set_data(stream, zlib.compress(samples), "/FlateDecode")


def _clean_image(writer, stream, budget: _Budget) -> None:
    filters = _filters(stream)
    last = filters[-1] if filters else None
    if last in {"/CCITTFaxDecode", "/JBIG2Decode"}:
        # Fax and JBIG2 codes hold black-and-white pixels and no metadata; pypdf
        # cannot decode JBIG2 without an external program. Kept as they are.
        return
    data = stream.get_data()  # every filter applied; JPEG and JPEG 2000 pass through
    budget.spend(len(data))
    if last == "/DCTDecode":
        _set_data(stream, _reencode_jpeg(data), "/DCTDecode")
    elif last == "/JPXDecode":
        _jpx_to_samples(writer, stream, data, budget)
    else:
        # Plain samples: decoded and deflated again, so that nothing trailing the
        # compressed data survives either.
        _set_data(stream, zlib.compress(data), "/FlateDecode")


_INLINE_JPEG = re.compile(rb"/(?:DCT|DCTDecode)\b")


def _clean_inline_images(stream, writer, budget: _Budget) -> None:
    """Inline images (BI … ID … EI in a content stream) can be JPEGs too."""
    from pypdf.generic import ContentStream

    data = stream.get_data()
    if b"ID" not in data or not _INLINE_JPEG.search(data):
        return
    content = ContentStream(stream, writer)
    changed = False
    for operands, operator in content.operations:
        if operator != b"INLINE IMAGE":
            continue
        settings = operands["settings"]
        value = settings.get("/F", settings.get("/Filter"))
        names = value if isinstance(value, list) else [value] if value is not None else []
        filters = [FILTER_NAMES.get(str(name), str(name)) for name in names]
        if "/DCTDecode" in filters or "/JPXDecode" in filters:
            if filters != ["/DCTDecode"]:
                raise RejectedFile(UNREADABLE_IMAGE)
            budget.spend(len(operands["data"]))
            # A line break before EI, as readers expect; a JPEG decoder ignores it.
            operands["data"] = _reencode_jpeg(operands["data"]) + b"\n"
            changed = True
    if changed:
        content.operations = content.operations  # serialise from the operations
        _set_data(stream, zlib.compress(content.get_data()), "/FlateDecode")


def _reachable(writer) -> tuple[list, set[int]]:
    """Every dictionary and array reachable from the catalog, and the numbers
    of the objects they are in."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[int] = set()
    nodes: list = []
    stack: list = [writer.root_object.indirect_reference]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.pdf is not writer:
                raise RejectedFile(DAMAGED)
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = writer.get_object(item.idnum)
        if isinstance(item, DictionaryObject):
            nodes.append(item)
            stack.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            nodes.append(item)
            stack.extend(list.__iter__(item))
    return nodes, seen


def _device_space(value):
    """/DeviceRGB (…) for an ICC-based colour space: a scanner's or camera's
    profile names the device. None for anything else."""
    from pypdf.generic import ArrayObject, NameObject

    resolved = value.get_object() if value is not None else None
    if isinstance(resolved, ArrayObject) and len(resolved) == 2 and resolved[0] == "/ICCBased":
        profile = resolved[1].get_object()
        device = DEVICE_FOR_COMPONENTS.get(int(profile.get("/N", 0)))
        if device is None:
            alternate = profile.get("/Alternate")
            return alternate if isinstance(alternate, NameObject) else None
        return NameObject(device)
    return None


def _strip(nodes: list) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject

    for node in nodes:
        if isinstance(node, DictionaryObject):
            for key in DROPPED_KEYS.intersection(node.keys()):
                del node[key]
            if node.get("/Type") == "/Filespec":
                for key in [k for k in node if k != "/Type"]:
                    del node[key]  # a file's name and path
            for key in list(node.keys()):
                device = _device_space(node.raw_get(key))
                if device is not None:
                    node[key] = device
        elif isinstance(node, ArrayObject):
            for index, value in enumerate(list.__iter__(node)):
                device = _device_space(value)
                if device is not None:
                    node[index] = device


def _draw_annotations(writer, page_in, page_out) -> None:
    """Draw on the page what its annotations show (filled-in fields, typed text,
    stamps, signatures, highlights) from their appearance streams, as a printer
    would. The annotations themselves are dropped from the working copy (see
    working_copy), and with them their authors, comments, attachments and actions."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
    )

    draws: list[bytes] = []
    resources = page_out.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    new_resources = DictionaryObject({k: resources.raw_get(k) for k in resources})
    xobjects = new_resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
    new_xobjects = DictionaryObject({k: xobjects.raw_get(k) for k in xobjects})
    for number, ref in enumerate(page_in.get("/Annots") or []):
        annot = ref.get_object()
        if annot.get("/Subtype") in NOT_DRAWN or int(annot.get("/F", 0)) & NOT_SHOWN_FLAGS:
            continue
        appearance = (annot.get("/AP") or {}).get("/N")
        if appearance is not None and "/BBox" not in appearance:
            appearance = appearance.get(annot.get("/AS")) if "/AS" in annot else None
        if appearance is None or "/BBox" not in appearance:
            continue
        placed = _placement(annot["/Rect"], appearance["/BBox"], appearance.get("/Matrix"))
        if placed is None:
            continue
        clone = appearance.clone(writer)
        if isinstance(clone, IndirectObject):
            clone_ref, clone = clone, clone.get_object()
        else:
            clone_ref = clone.indirect_reference or writer._add_object(clone)
        clone[NameObject("/Type")] = NameObject("/XObject")
        clone[NameObject("/Subtype")] = NameObject("/Form")
        name = f"/HabeasAnnot{number}"
        while name in new_xobjects:
            name += "x"
        new_xobjects[NameObject(name)] = clone_ref
        matrix = " ".join(f"{v:.6f}" for v in placed)
        draws.append(f"q {matrix} cm {name} Do Q\n".encode())
    if not draws:
        return
    new_resources[NameObject("/XObject")] = new_xobjects
    page_out[NameObject("/Resources")] = new_resources
    head, tail = DecodedStreamObject(), DecodedStreamObject()
    head.set_data(b"q\n")
    tail.set_data(b"\nQ\n" + b"".join(draws))
    contents = page_out.raw_get("/Contents") if "/Contents" in page_out else None
    resolved = contents.get_object() if contents is not None else None
    if isinstance(resolved, ArrayObject):
        middle = list(list.__iter__(resolved))
    elif contents is not None:
        middle = [contents]
    else:
        middle = []
    page_out[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(head), *middle, writer._add_object(tail)]
    )


def _placement(rect, bbox, matrix) -> list[float] | None:
    """The matrix that puts an appearance stream into its annotation's rectangle
    (PDF 32000-1, 12.5.5)."""
    x1, y1, x2, y2 = (float(v) for v in rect)
    rx1, rx2, ry1, ry2 = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    a, b, c, d, e, f = (float(v) for v in (matrix or (1, 0, 0, 1, 0, 0)))
    bx1, by1, bx2, by2 = (float(v) for v in bbox)
    xs, ys = [], []
    for x, y in ((bx1, by1), (bx1, by2), (bx2, by1), (bx2, by2)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width <= 0 or height <= 0 or rx2 <= rx1 or ry2 <= ry1:
        return None
    sx, sy = (rx2 - rx1) / width, (ry2 - ry1) / height
    return [sx, 0.0, 0.0, sy, rx1 - min(xs) * sx, ry1 - min(ys) * sy]


def _content_streams(writer, nodes: list) -> list:
    from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

    found: dict[int, object] = {}
    for page in writer.pages:
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        for item in contents if isinstance(contents, ArrayObject) else [contents]:
            item = item.get_object() if item is not None else None
            if isinstance(item, StreamObject):
                found[id(item)] = item
    for node in nodes:
        if not isinstance(node, DictionaryObject):
            continue
        if isinstance(node, StreamObject) and (
            node.get("/Subtype") == "/Form" or node.get("/PatternType") == 1
        ):
            found[id(node)] = node
        elif node.get("/Subtype") == "/Type3":
            for proc in (node.get("/CharProcs") or {}).values():
                found[id(proc.get_object())] = proc.get_object()
    return list(found.values())


def working_copy(data: bytes) -> bytes:
    """The PDF's pages, looking the same, without anything that identifies who
    made, scanned or annotated it: see the module's docstring."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    budget = _Budget()
    with _reading():
        reader = _open(data)
        writer = PdfWriter()
        for page in reader.pages:
            # Annotations are dropped, not cleaned: a comment's author (/T) and
            # text (/Contents), its pop-up, an attached file, a link's or a field's
            # actions all live in them. What they show is drawn on the page.
            clone = writer.add_page(page, excluded_keys=sorted(DROPPED_KEYS))
            for key in DROPPED_PAGE_KEYS:
                clone.pop(key, None)
            _draw_annotations(writer, page, clone)
        # Layers stay as they were (hidden ones hidden); the rest of the catalog
        # (outlines, forms, attachments, scripts, XMP, structure) is not copied.
        layers = reader.trailer["/Root"].get_object().get("/OCProperties")
        if layers is not None:
            writer.root_object[NameObject("/OCProperties")] = layers.clone(writer)
        writer.metadata = None  # no document information dictionary at all

        _strip(_reachable(writer)[0])
        nodes, _ = _reachable(writer)
        for node in nodes:
            if isinstance(node, StreamObject) and node.get("/Subtype") == "/Image":
                _clean_image(writer, node, budget)
        for stream in _content_streams(writer, nodes):
            _clean_inline_images(stream, writer, budget)
        # Whatever was cloned but is no longer reachable (dropped annotations,
        # profiles, thumbnails) is not written.
        _, keep = _reachable(writer)
        for index in range(len(writer._objects)):
            if index + 1 not in keep:
                writer._objects[index] = None
        writer._ID = None
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
