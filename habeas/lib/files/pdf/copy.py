"""The working copy of a PDF, built from an allow-list: a new file holding only
the pages, what they draw, and what drawing needs (fonts, images, forms,
colour spaces, patterns, shadings, graphics states), each object with only the
keys listed in KEYS. Whatever else the original holds, under whatever name
(document information, XMP, PieceInfo, annotations, attachments, scripts,
structure, layers, an editor's private keys), is not copied because it is not
listed, not because it is recognised.

Every image is re-encoded from its pixels, inline images (BI … ID … EI in a
page's instructions) included, their filter names decoded before they are
matched (/DC#54 is /DCT). Drawing instructions are parsed and written again
without marked content (which can carry text of its own) and without what the
hidden layers draw. Annotations are dropped; what a printer would draw of them
is drawn on the page.

The same pass reads what each image reveals (EXIF, XMP, comments), for the
metadata panel: every image the copy draws is also one the panel looked at.
Each stream is decoded once, counted against the file's Budget, and released.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from PIL import Image

from ..errors import RejectedFile
from ..images import image_metadata, open_image
from .allowed import (
    DRAWINGS,
    INLINE_KEYS,
    KEYS,
    KNOWN_LEFT_OUT,
    LISTS,
    NAMED,
    PAGE_BOXES,
    PLAIN,
    STREAMS,
)
from .reading import (
    DAMAGED,
    FILTER_NAMES,
    NOT_DRAWN,
    NOT_SHOWN_FLAGS,
    UNREADABLE_IMAGE,
    Budget,
    Found,
    PdfValue,
    hidden_layers,
    xmp,
)

if TYPE_CHECKING:
    from pypdf import PdfReader

DEVICE_FOR_COMPONENTS = {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}
MARKED_CONTENT = frozenset({b"BMC", b"BDC", b"EMC", b"MP", b"DP"})
# Instructions that need parsing: a stream with none of them holds no image, tag
# or layer, and is copied as it is (parsing is slow: about 100,000 words a second).
_NEEDS_PARSING = re.compile(rb"(?<![^\s\x00\]\)>])(?:BI|BMC|BDC|MP|DP|Do)(?![^\s\x00\[\(</%])")
_WORD = re.compile(rb"[^\s\x00]+")
MAX_DEPTH = 64


def _filters(value: PdfValue) -> list[str]:
    if value is None:
        return []
    value = value.get_object()
    names = value if isinstance(value, list) else [value]
    return [FILTER_NAMES.get(str(name), str(name)) for name in names]


def _release(stream: PdfValue) -> None:
    """Drop pypdf's cached decoded copy of a stream of the original."""
    if getattr(stream, "decoded_self", None) is not None:
        stream.decoded_self = None


class Copier:
    def __init__(self, reader: PdfReader, found: Found, budget: Budget) -> None:
        from pypdf import PdfWriter

        self.reader, self.found, self.budget = reader, found, budget
        self.writer = PdfWriter()
        self.done: dict[tuple[int, int, str] | None, PdfValue] = {}
        self.hidden, _ = hidden_layers(reader.trailer["/Root"].get_object())
        self.unknown: set[str] = set()
        self.label = ""
        self.page_resources: PdfValue = None
        # Kinds whose object can take several forms (a name, an array, a dictionary
        # or a stream): each is copied by its own method.
        self.choosers = {
            "xobject": self._xobject,
            "colorspace": self._colorspace,
            "functions": self._functions,
            "function": self._function,
            "shading": self._shading,
            "encoding": self._encoding,
            "cmap": self._cmap,
            "cidtogid": self._cidtogid,
            "softmask": self._softmask,
            "mask": self._mask,
            "pattern": self._pattern,
        }

    # ------------------------------------------------------------ the file

    def run(self) -> bytes:
        for number, page in enumerate(self.reader.pages, start=1):
            self.label = f"page {number}"
            self._page(page)
        if self.unknown:
            keys = ", ".join(sorted(self.unknown)[:10])
            self.found.note(f"data the pages do not show (under {keys})")
        self.writer.metadata = None  # no document information dictionary at all
        self.writer._ID = None
        out = io.BytesIO()
        self.writer.write(out)
        return out.getvalue()

    def _page(self, page: PdfValue) -> None:
        from pypdf.generic import DictionaryObject, NameObject, StreamObject

        self.page_resources = page.get("/Resources")
        box = page.mediabox
        new = self.writer.add_blank_page(width=float(box.width), height=float(box.height))
        for key in PAGE_BOXES:
            if key in page:
                value = self._plain(page.raw_get(key))
                if value is not None:
                    new[NameObject(key)] = value
        if "/Group" in page:
            group = self.copy(page.raw_get("/Group"), "group")
            if group is not None:
                new[NameObject("/Group")] = group
        resources = (
            self.copy(page.raw_get("/Resources"), "resources") if "/Resources" in page else None
        )
        resources = resources.get_object() if resources is not None else DictionaryObject()
        # (The page's own XMP and PieceInfo are read by reading.document_metadata.)
        self._notice(page, {"/Resources", "/Contents", "/Group", *PAGE_BOXES}, "")
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        drawn = self._content(contents, self.page_resources)
        draws, xobjects = self._annotations(page)
        if draws:
            # The page's own resources may be shared with other pages: a copy here.
            resources = DictionaryObject({k: resources.raw_get(k) for k in resources})
            own = resources.get("/XObject")
            own = DictionaryObject({k: own.raw_get(k) for k in own}) if own else DictionaryObject()
            for name, ref in xobjects.items():
                while name in own:
                    name += "x"
                own[NameObject(name)] = ref
            resources[NameObject("/XObject")] = own
            drawn = b"q\n" + drawn + b"\nQ\n" + b"".join(draws)
        new[NameObject("/Resources")] = resources
        contents = StreamObject()
        self._set(contents, zlib.compress(drawn), "/FlateDecode")
        new[NameObject("/Contents")] = self.writer._add_object(contents)

    # ------------------------------------------------------------ objects

    def copy(self, value: PdfValue, kind: str, depth: int = 0) -> PdfValue:
        """The copy of `value` as a `kind` of object, with only what KEYS allows;
        None if nothing of it may be copied."""
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            StreamObject,
        )

        if value is None:
            return None
        if depth > MAX_DEPTH:
            raise RejectedFile(DAMAGED)
        if kind == PLAIN:
            return self._plain(value)
        ref = value if isinstance(value, IndirectObject) else None
        memo = (ref.idnum, ref.generation, kind) if ref is not None else None
        if memo in self.done:
            return self.done[memo]
        obj = value.get_object()
        if kind in NAMED:
            if not isinstance(obj, DictionaryObject):
                return None
            named = DictionaryObject()
            for name in obj:
                copied = self.copy(obj.raw_get(name), NAMED[kind], depth + 1)
                if copied is not None:
                    named[NameObject(name)] = copied
            return named
        if kind in LISTS:
            items = obj if isinstance(obj, ArrayObject) else [value]
            copies = [self.copy(item, LISTS[kind], depth + 1) for item in items]
            return ArrayObject([item for item in copies if item is not None])
        special = self.choosers.get(kind)
        if special is not None:
            result = special(value, obj, depth)
            if memo is not None and result is not None:
                if not isinstance(result, IndirectObject):
                    result = self.writer._add_object(result)
                self.done[memo] = result
            return result
        if not isinstance(obj, DictionaryObject):
            return None
        is_stream = isinstance(obj, StreamObject)
        if (kind in STREAMS) != is_stream:
            return None
        new = StreamObject() if is_stream else DictionaryObject()
        new_ref = self.writer._add_object(new) if (memo or is_stream) else None
        if memo is not None:
            self.done[memo] = new_ref  # before the contents: objects may refer back
        for key, child in KEYS[kind].items():
            if key in obj:
                copied = self.copy(obj.raw_get(key), child, depth + 1)
                if copied is not None:
                    new[NameObject(key)] = copied
        self._notice(obj, KEYS[kind], f"an image or form on {self.label}")
        if is_stream:
            if kind == "image":
                self._image_data(obj, new)
            elif kind in DRAWINGS:
                resources = obj.get("/Resources") or self.page_resources
                self._set(new, zlib.compress(self._content(value, resources)), "/FlateDecode")
            else:
                self._set(new, zlib.compress(self._decoded(obj)), "/FlateDecode")
        return new_ref or new

    def _plain(self, value: PdfValue, depth: int = 0) -> PdfValue:
        from pypdf.generic import (
            ArrayObject,
            BooleanObject,
            ByteStringObject,
            FloatObject,
            NameObject,
            NullObject,
            NumberObject,
            TextStringObject,
        )

        obj = value.get_object() if hasattr(value, "get_object") else value
        if isinstance(
            obj,
            NumberObject
            | FloatObject
            | NameObject
            | BooleanObject
            | TextStringObject
            | ByteStringObject,
        ):
            return obj
        if isinstance(obj, NullObject):
            return NullObject()
        if isinstance(obj, ArrayObject) and depth < 8:
            items = [self._plain(item, depth + 1) for item in obj]
            return ArrayObject([NullObject() if item is None else item for item in items])
        return None

    def _notice(self, obj: PdfValue, allowed: Collection[str], where: str) -> None:
        """What an object left out of the copy reveals, for the panel."""
        if where and "/Metadata" in obj and hasattr(obj["/Metadata"], "get_data"):
            xmp(obj["/Metadata"], self.found, where)
        if where and "/PieceInfo" in obj:
            self.found.note("application data (PieceInfo)")
        for key in obj:
            if key not in allowed and key not in KNOWN_LEFT_OUT:
                self.unknown.add(str(key))

    def _set(self, stream: PdfValue, data: bytes, filter_name: str | None) -> None:
        from pypdf.generic import NameObject

        stream._data = data
        if filter_name:
            stream[NameObject("/Filter")] = NameObject(filter_name)

    def _decoded(self, stream: PdfValue) -> bytes:
        """A stream of the original, decoded, counted, and released."""
        data: bytes = stream.get_data()
        _release(stream)
        self.budget.spend(len(data))
        return data

    # -------------------------------------------------- kinds with choices

    def _xobject(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        if self.is_hidden(obj.raw_get("/OC") if "/OC" in obj else None):
            return None
        subtype = obj.get("/Subtype")
        if subtype == "/Image":
            return self.copy(value, "image", depth + 1)
        if subtype == "/Form":
            return self.copy(value, "form", depth + 1)
        return None  # PostScript, reference XObjects

    def _colorspace(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        from pypdf.generic import ArrayObject, NameObject

        if isinstance(obj, NameObject):
            return obj
        if not isinstance(obj, ArrayObject) or not obj:
            return None
        family = str(obj[0])
        if family == "/ICCBased":
            # A scanner's or camera's profile names the device.
            return _device_space(obj)
        if family in {"/DeviceGray", "/DeviceRGB", "/DeviceCMYK"}:
            return NameObject(family)
        if family in {"/CalGray", "/CalRGB", "/Lab"} and len(obj) == 2:
            parts = [self.copy(obj[1], "calibration", depth + 1)]
        elif family == "/Indexed" and len(obj) == 4:
            if hasattr(obj[3].get_object(), "get_data"):
                lookup = self.copy(obj[3], "data", depth + 1)
            else:
                lookup = self._plain(obj[3])
            base = self.copy(obj[1], "colorspace", depth + 1)
            parts = [base, self._plain(obj[2]), lookup]
        elif family in {"/Separation", "/DeviceN"} and len(obj) >= 4:
            parts = [
                self._plain(obj[1]),
                self.copy(obj[2], "colorspace", depth + 1),
                self.copy(obj[3], "functions", depth + 1),
            ]
        elif family == "/Pattern":
            parts = [self.copy(obj[1], "colorspace", depth + 1)] if len(obj) > 1 else []
        else:
            return None
        if any(part is None for part in parts):
            return None
        return ArrayObject([NameObject(family), *parts])

    def _functions(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        from pypdf.generic import ArrayObject

        if isinstance(obj, ArrayObject):
            return self.copy(value, "function_list", depth + 1)
        return self._stream_or_dict(value, obj, "function", depth)

    def _stream_or_dict(self, value: PdfValue, obj: PdfValue, kind: str, depth: int) -> PdfValue:
        """Functions and shadings are dictionaries, or streams of samples."""
        from pypdf.generic import DictionaryObject, NameObject, StreamObject

        if not isinstance(obj, DictionaryObject):
            return None
        new = StreamObject() if isinstance(obj, StreamObject) else DictionaryObject()
        for key, child in KEYS[kind].items():
            if key in obj:
                copied = self.copy(obj.raw_get(key), child, depth + 1)
                if copied is not None:
                    new[NameObject(key)] = copied
        if isinstance(obj, StreamObject):
            self._set(new, zlib.compress(self._decoded(obj)), "/FlateDecode")
            return self.writer._add_object(new)
        return new

    def _function(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        return self._stream_or_dict(value, obj, "function", depth)

    def _shading(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        return self._stream_or_dict(value, obj, "shading", depth)

    def _encoding(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        from pypdf.generic import NameObject, StreamObject

        if isinstance(obj, NameObject):
            return obj
        if isinstance(obj, StreamObject):
            return self.copy(value, "cmap_stream", depth + 1)
        return self.copy(value, "encoding_dict", depth + 1)

    def _cmap(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        from pypdf.generic import NameObject, StreamObject

        if isinstance(obj, NameObject):
            return obj
        if isinstance(obj, StreamObject):
            return self.copy(value, "cmap_stream", depth + 1)
        return None

    def _cidtogid(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        from pypdf.generic import NameObject

        return obj if isinstance(obj, NameObject) else self.copy(value, "data", depth + 1)

    def _softmask(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        from pypdf.generic import NameObject

        return obj if isinstance(obj, NameObject) else self.copy(value, "softmask_dict", depth + 1)

    def _mask(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        from pypdf.generic import ArrayObject

        return (
            self._plain(obj)
            if isinstance(obj, ArrayObject)
            else self.copy(value, "image", depth + 1)
        )

    def _pattern(self, value: PdfValue, obj: PdfValue, depth: int) -> PdfValue:
        from pypdf.generic import DictionaryObject, NameObject, StreamObject

        if not isinstance(obj, DictionaryObject):
            return None
        if not isinstance(obj, StreamObject):  # a shading pattern
            new = DictionaryObject()
            for key, child in KEYS["pattern"].items():
                if key in obj:
                    copied = self.copy(obj.raw_get(key), child, depth + 1)
                    if copied is not None:
                        new[NameObject(key)] = copied
            return new
        new = StreamObject()
        new_ref = self.writer._add_object(new)
        self.done[(value.idnum, value.generation, "pattern")] = new_ref
        for key, child in KEYS["pattern"].items():
            if key in obj:
                copied = self.copy(obj.raw_get(key), child, depth + 1)
                if copied is not None:
                    new[NameObject(key)] = copied
        resources = obj.get("/Resources") or self.page_resources
        self._set(new, zlib.compress(self._content(value, resources)), "/FlateDecode")
        return new_ref

    # -------------------------------------------------------- layers

    def is_hidden(self, oc: PdfValue) -> bool:
        """Whether optional content is hidden when the file opens. A membership
        dictionary counts as hidden if any group it names is: the copy would
        rather leave out something shown than show something hidden."""
        if oc is None or not self.hidden:
            return False
        ref = oc if hasattr(oc, "idnum") else getattr(oc, "indirect_reference", None)
        if ref is not None and ref.idnum in self.hidden:
            return True
        obj = oc.get_object()
        if not hasattr(obj, "get") or obj.get("/Type") != "/OCMD":
            return False
        groups = obj.raw_get("/OCGs") if "/OCGs" in obj else None
        groups = groups.get_object() if groups is not None else []
        groups = groups if isinstance(groups, list) else [obj.raw_get("/OCGs")]
        return any(getattr(group, "idnum", None) in self.hidden for group in groups)

    # -------------------------------------------------- drawing instructions

    def _content(self, source: PdfValue, resources: PdfValue) -> bytes:
        """Drawing instructions, parsed and written again if they hold images, tags
        or layers: no marked content, nothing a hidden layer draws, inline images
        re-encoded."""
        from pypdf.generic import ArrayObject, ContentStream

        if source is None:
            return b""
        content = self.budget.decoding_content(lambda: ContentStream(source, self.reader))
        resolved = source.get_object()
        for part in resolved if isinstance(resolved, ArrayObject) else [resolved]:
            _release(part.get_object())
        data = content.get_data()
        self.budget.spend(len(data), content=True)
        if not _NEEDS_PARSING.search(data):
            return data
        self.budget.parse(sum(1 for _ in _WORD.finditer(data)))
        del data
        resources = resources.get_object() if resources is not None else {}
        properties = resources.get("/Properties") or {}
        xobjects = resources.get("/XObject") or {}
        hidden_names: set[str] = set()
        for name in xobjects:
            xobject = xobjects[name]
            if "/OC" in xobject and self.is_hidden(xobject.raw_get("/OC")):
                hidden_names.add(str(name))
        kept: list[tuple[Any, bytes]] = []
        stack: list[bool] = []  # for each open marked section, whether it is hidden
        for operands, operator in content.operations:
            if operator in (b"BMC", b"BDC"):
                hidden = bool(stack and stack[-1])
                if operator == b"BDC" and len(operands) == 2 and operands[0] == "/OC":
                    props = operands[1]
                    if isinstance(props, str) and props in properties:
                        # In it: a PDF dictionary, not the empty fallback.
                        props = properties.raw_get(props)  # type: ignore[union-attr]
                    hidden = hidden or self.is_hidden(props)
                stack.append(hidden)
                continue
            if operator == b"EMC":
                if stack:
                    stack.pop()
                continue
            if operator in MARKED_CONTENT or (stack and stack[-1]):
                continue
            if operator == b"Do" and operands and str(operands[0]) in hidden_names:
                continue
            if operator == b"INLINE IMAGE":
                operands = self._inline_image(operands)
            kept.append((operands, operator))
        content.operations = kept
        return content.get_data()

    def _inline_image(self, operands: dict[str, Any]) -> dict[str, Any]:
        from pypdf.filters import decode_stream_data
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

        settings = operands["settings"]
        raw = settings.get("/F", settings.get("/Filter"))
        filters = _filters(raw)
        parms = settings.get("/DP", settings.get("/DecodeParms"))
        new = DictionaryObject()
        for long, short in INLINE_KEYS.items():
            value = settings.get(short, settings.get(long))
            value = self._plain(value) if value is not None else None
            if value is not None:
                new[NameObject(short)] = value
        last = filters[-1] if filters else None
        where = f"inline image on {self.label}"
        if filters and last in {"/CCITTFaxDecode", "/JBIG2Decode"} and len(filters) == 1:
            # Black-and-white pixels, no room for metadata: kept as they are.
            new[NameObject("/F")] = NameObject(last)
            parms = self._parms(parms) if parms is not None else None
            if parms is not None:
                new[NameObject("/DP")] = parms
            return {"settings": new, "data": operands["data"]}
        if "/JPXDecode" in filters or ("/DCTDecode" in filters and last != "/DCTDecode"):
            raise RejectedFile(UNREADABLE_IMAGE)
        holder = StreamObject()
        holder[NameObject("/Filter")] = ArrayObject([NameObject(f) for f in filters])
        if parms is not None:
            holder[NameObject("/DecodeParms")] = parms
        holder._data = operands["data"]
        data = decode_stream_data(holder) if filters else operands["data"]
        self.budget.spend(len(data))
        if last == "/DCTDecode":
            new[NameObject("/F")] = NameObject("/DCT")
            data = self._jpeg(data, where)
        else:
            new[NameObject("/F")] = NameObject("/Fl")
            data = zlib.compress(data)
        # A line break before EI, as readers expect; a decoder ignores it.
        return {"settings": new, "data": data + b"\n"}

    def _annotations(self, page: PdfValue) -> tuple[list[bytes], dict[str, PdfValue]]:
        """What a printer would draw of the page's annotations (filled-in fields,
        typed text, stamps, signatures, highlights), from their appearance streams,
        as forms of the page; the annotations themselves (their authors, comments,
        attachments, actions) are not copied."""
        from pypdf.generic import NameObject

        draws: list[bytes] = []
        xobjects: dict[str, PdfValue] = {}
        for number, ref in enumerate(page.get("/Annots") or []):
            annot = ref.get_object()
            if annot.get("/Subtype") in NOT_DRAWN or int(annot.get("/F", 0)) & NOT_SHOWN_FLAGS:
                continue
            if "/OC" in annot and self.is_hidden(annot.raw_get("/OC")):
                continue
            appearances = annot.get("/AP")
            if appearances is None or "/N" not in appearances:
                continue
            appearance = appearances.raw_get("/N")
            if "/BBox" not in appearance.get_object():
                states = appearance.get_object()
                state = annot.get("/AS")
                appearance = (
                    states.raw_get(state) if state is not None and state in states else None
                )
            if appearance is None or "/BBox" not in appearance.get_object():
                continue
            form = appearance.get_object()
            placed = _placement(annot["/Rect"], form["/BBox"], form.get("/Matrix"))
            if placed is None:
                continue
            copied = self.copy(appearance, "form")
            if copied is None:
                continue
            target = copied.get_object()
            target[NameObject("/Type")] = NameObject("/XObject")
            target[NameObject("/Subtype")] = NameObject("/Form")
            name = f"/HabeasAnnot{number}"
            xobjects[name] = copied
            matrix = " ".join(f"{v:.6f}" for v in placed)
            draws.append(f"q {matrix} cm {name} Do Q\n".encode())
        return draws, xobjects

    # -------------------------------------------------------------- images

    def _image_data(self, obj: PdfValue, new: PdfValue) -> None:
        from pypdf.generic import NameObject

        filters = _filters(obj.get("/Filter"))
        last = filters[-1] if filters else None
        where = f"image on {self.label}"
        if last in {"/CCITTFaxDecode", "/JBIG2Decode"}:
            # Fax and JBIG2 codes hold black-and-white pixels and no metadata; pypdf
            # cannot decode JBIG2 without an external program. Kept as they are.
            self.budget.spend(len(obj._data))
            new._data = obj._data
            new[NameObject("/Filter")] = self._plain(obj.raw_get("/Filter"))
            if "/DecodeParms" in obj:
                parms = self._parms(obj.raw_get("/DecodeParms"))
                if parms is not None:
                    new[NameObject("/DecodeParms")] = parms
            return
        data = self._decoded(obj)  # every filter applied; JPEG and JPEG 2000 pass through
        if last == "/DCTDecode":
            self._set(new, self._jpeg(data, where), "/DCTDecode")
        elif last == "/JPXDecode":
            self._jpx_to_samples(new, data)
        else:
            # Plain samples: deflated again, so nothing trailing them survives either.
            self._set(new, zlib.compress(data), "/FlateDecode")

    def _parms(self, value: PdfValue) -> PdfValue:
        from pypdf.generic import ArrayObject, NullObject

        obj = value.get_object()
        if isinstance(obj, ArrayObject):
            items = [self.copy(item, "decodeparms") for item in obj]
            return ArrayObject([NullObject() if item is None else item for item in items])
        return self.copy(value, "decodeparms")

    def _jpeg(self, data: bytes, where: str) -> bytes:
        """What a JPEG reveals, for the panel, and the JPEG rebuilt from its pixels
        alone with its own quantisation (the same quality): no EXIF, XMP, ICC
        profile or comment. Orientation is not applied: a PDF draws the pixels as
        stored."""
        from PIL import JpegImagePlugin

        image = _open_embedded(data)
        if image.format != "JPEG" or image.mode not in {"L", "RGB", "CMYK"}:
            raise RejectedFile(UNREADABLE_IMAGE)
        self._read_metadata(image, where)
        fresh = Image.new(image.mode, image.size)
        fresh.paste(image)
        out = io.BytesIO()
        fresh.save(
            out,
            "JPEG",
            qtables=image.quantization,  # type: ignore[attr-defined]  # a JPEG's
            subsampling=JpegImagePlugin.get_sampling(image),
        )
        return out.getvalue()

    def _read_metadata(self, image: Image.Image, where: str) -> None:
        from pypdf.generic import DecodedStreamObject

        seen = image_metadata(image)
        packet = image.info.get("xmp")
        if packet:
            stream = DecodedStreamObject()
            stream.set_data(packet if isinstance(packet, bytes) else str(packet).encode())
            xmp(stream, self.found, where)
        self.found.add("gps", seen.gps, where)
        self.found.add("device", seen.device, where)
        self.found.add("author", seen.author, where)
        for what in seen.other:
            self.found.note(f"{what} ({where})")

    def _jpx_to_samples(self, stream: PdfValue, data: bytes) -> None:
        """JPEG 2000 can hold XML and UUID boxes (XMP, GeoJP2 positions): the image
        is rewritten as its plain samples, deflated."""
        from pypdf.generic import NameObject, NumberObject, StreamObject

        image = _open_embedded(data)
        if image.format != "JPEG2000":
            raise RejectedFile(UNREADABLE_IMAGE)
        if image.mode == "P":
            image = image.convert("RGB")
        bits = 8
        colour: Any  # the colour image, then its number of components
        alpha: Image.Image | None
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
        self.budget.spend(len(samples))
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
            stream[NameObject("/SMask")] = self.writer._add_object(mask)
        self._set(stream, zlib.compress(samples), "/FlateDecode")


def _open_embedded(data: bytes) -> Image.Image:
    """An image embedded in the PDF, decoded under the same bounds as an upload."""
    try:
        return open_image(data)
    except RejectedFile:
        # Its own message would speak of "the image" to someone uploading a PDF.
        raise RejectedFile(UNREADABLE_IMAGE) from None


def _components(colorspace: PdfValue) -> int | None:
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


def _device_space(array: PdfValue) -> PdfValue:
    """/DeviceRGB (…) for an ICC-based colour space: a scanner's or camera's
    profile names the device."""
    from pypdf.generic import NameObject

    profile = array[1].get_object()
    device = DEVICE_FOR_COMPONENTS.get(int(profile.get("/N", 0)))
    if device is None:
        alternate = profile.get("/Alternate")
        return alternate if isinstance(alternate, NameObject) else None
    return NameObject(device)


def _placement(rect: PdfValue, bbox: PdfValue, matrix: PdfValue) -> list[float] | None:
    """The matrix that puts an appearance stream into its annotation's rectangle
    (PDF 32000-1, 12.5.5)."""
    x1, y1, x2, y2 = (float(v) for v in rect)
    rx1, rx2, ry1, ry2 = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    a, b, c, d, e, f = (float(v) for v in (matrix or (1, 0, 0, 1, 0, 0)))
    bx1, by1, bx2, by2 = (float(v) for v in bbox)
    xs: list[float] = []
    ys: list[float] = []
    for x, y in ((bx1, by1), (bx1, by2), (bx2, by1), (bx2, by2)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width <= 0 or height <= 0 or rx2 <= rx1 or ry2 <= ry1:
        return None
    sx, sy = (rx2 - rx1) / width, (ry2 - ry1) / height
    return [sx, 0.0, 0.0, sy, rx1 - min(xs) * sx, ry1 - min(ys) * sy]
