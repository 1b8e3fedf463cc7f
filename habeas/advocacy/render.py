"""Render a generated Document as PDF (fpdf2) or DOCX (python-docx).

Both formats carry the same sections as the HTML preview; an incomplete
document is marked as such at the top, with what is missing. A letter's
letterhead (the sender's lines and logo) comes first, and no title heading: its
subject line, in the body, is its title (the file's metadata keeps it).

Fonts. The PDF draws names and places in whatever script the record holds. The
repository bundles DejaVu Sans (Latin, Cyrillic, Greek); the other scripts come
from Debian's font packages, installed with Habeas (`scripts/install-fonts.sh`,
called by the Makefile's install step and by CI; docs/operations.md "Fonts"):
fonts-noto-core (Noto Sans; Noto Naskh Arabic; Noto Sans Hebrew, Georgian,
Armenian, Devanagari — SIL Open Font License 1.1) and fonts-droid-fallback
(Droid Sans Fallback, Chinese, Japanese and Korean in 4 MB — Apache 2.0; Noto
CJK would be 90 MB installed). Both licences allow embedding the subset of
glyphs a PDF uses. Nothing is fetched at run time: a font that is not on the
machine is simply not used.

Right-to-left text (Arabic, Hebrew) is laid out by HarfBuzz (fpdf2's text
shaping, through uharfbuzz): Arabic letters joined, words in reading order.

Where no font has a glyph for a character of a name or a place (cuneiform, say,
or Chinese on a machine without the font packages), fpdf2 would leave a gap and
send the document out without the name. Such a PDF is refused before it is
drawn, naming where the text is (`pdf_gaps`); the HTML and DOCX versions show
every character (a word processor draws them with the reader's fonts).
"""

from __future__ import annotations

import functools
import importlib.util
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from habeas.lib.text import plain_text

from .documents import Document, organisation
from .texts import texts_for

FONTS = Path(__file__).parent / "fonts"  # bundled with the code: DejaVu Sans
SYSTEM_FONTS = Path("/usr/share/fonts/truetype")  # Debian's font packages
RIGHT_TO_LEFT = ("R", "AL")  # Unicode bidirectional classes of right-to-left letters


@dataclass(frozen=True)
class Face:
    family: str
    regular: Path
    bold: Path | None  # None: bold text falls back to the regular face


DEJAVU = Face("DejaVu", FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf")
NOTO = SYSTEM_FONTS / "noto"
# The main face for Latin, Cyrillic and Greek (Noto Sans when installed, else the
# bundled DejaVu), then the faces tried, in order, for a character it lacks.
MAIN = Face("NotoSans", NOTO / "NotoSans-Regular.ttf", NOTO / "NotoSans-Bold.ttf")
FALLBACKS = (
    Face(
        "NotoNaskhArabic", NOTO / "NotoNaskhArabic-Regular.ttf", NOTO / "NotoNaskhArabic-Bold.ttf"
    ),
    Face("NotoSansHebrew", NOTO / "NotoSansHebrew-Regular.ttf", NOTO / "NotoSansHebrew-Bold.ttf"),
    Face(
        "NotoSansGeorgian",
        NOTO / "NotoSansGeorgian-Regular.ttf",
        NOTO / "NotoSansGeorgian-Bold.ttf",
    ),
    Face(
        "NotoSansArmenian",
        NOTO / "NotoSansArmenian-Regular.ttf",
        NOTO / "NotoSansArmenian-Bold.ttf",
    ),
    Face(
        "NotoSansDevanagari",
        NOTO / "NotoSansDevanagari-Regular.ttf",
        NOTO / "NotoSansDevanagari-Bold.ttf",
    ),
    Face("DroidSansFallback", SYSTEM_FONTS / "droid" / "DroidSansFallbackFull.ttf", None),
)


class PdfGapsError(Exception):
    """Some text of the document cannot be drawn in the PDF; `places` says where."""

    def __init__(self, places: list[str]) -> None:
        super().__init__(f"{len(places)} places cannot be drawn")  # never the text itself
        self.places = places


def faces() -> list[Face]:
    """The faces the PDF uses, main one first: those whose files are on this machine."""
    main = MAIN if MAIN.regular.is_file() and MAIN.bold and MAIN.bold.is_file() else DEJAVU
    found = [f for f in FALLBACKS if f.regular.is_file() and (f.bold is None or f.bold.is_file())]
    # DejaVu last: symbols the others lack (and everything, when nothing is installed).
    return [main, *found, *([DEJAVU] if main is not DEJAVU else [])]


def shaping() -> bool:
    """Whether HarfBuzz (uharfbuzz, a dependency) is there to lay out right-to-left
    and joined scripts; without it such text is refused rather than drawn wrong."""
    return importlib.util.find_spec("uharfbuzz") is not None


@functools.cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True).getBestCmap())


def _covers(face: Face) -> frozenset[int]:
    """The code points the face has a glyph for, in regular and in bold."""
    return _cmap(face.regular) & _cmap(face.bold) if face.bold else _cmap(face.regular)


@functools.cache
def _drawable(fonts: tuple[Face, ...]) -> frozenset[int]:
    """The code points some face draws."""
    return frozenset().union(*(_covers(face) for face in fonts))


def _needed(document: Document, available: list[Face]) -> list[Face]:
    """The main face and those fallbacks that draw a character of the document no
    face before them draws: parsing a font into the PDF costs time (the Chinese
    one is 4 MB), so a Latin document loads one."""
    main, *fallbacks = available
    left = {ord(ch) for _, text in _texts(document) for ch in text} - _covers(main)
    used = [main]
    for face in fallbacks:
        if left & _covers(face):
            used.append(face)
            left -= _covers(face)
    return used


def _cannot_draw(text: str) -> bool:
    drawable = _drawable(tuple(faces()))
    shaped = shaping()
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) == "Cc":
            continue
        if ord(ch) not in drawable:
            return True
        # Without shaping, right-to-left letters (Hebrew, N'Ko: "R"; Arabic, Syriac,
        # Thaana: "AL") are laid out left to right, the name spelt backwards, and
        # the Arabic-script ones unjoined too: a name no reader would recognise.
        if not shaped and unicodedata.bidirectional(ch) in RIGHT_TO_LEFT:
            return True
    return False


def _texts(document: Document) -> Iterator[tuple[str, str]]:
    """(where, text) for every line the PDF draws, in order; `where` is the
    section's heading, with the line's label ("Full name") when it has one."""
    for line in document.letterhead:
        yield texts_for(document.language)["letterhead"], line
    yield document.title, document.title
    incomplete = texts_for(document.language)["incomplete"]
    for item in document.missing:
        yield incomplete, item
    for section in document.sections:
        heading = section.heading or document.title
        if section.heading:
            yield heading, section.heading
        for line in [*section.paragraphs, *section.bullets]:
            # A line may hold several labelled values ("Date: …; Place: …"): each
            # part goes under the last label before it, so a refusal names the field
            # that holds the text.
            # French writes a no-break space before ":" and ";" ("Date\u00a0: …").
            label = ""
            for part in _PARTS.split(line):
                head, colon, _ = part.partition(": ")
                head = head.removesuffix("\u00a0")
                # Up to 100: the French and Spanish place labels run past 90.
                if colon and len(head) <= 100 and not _cannot_draw(head):
                    label = head
                yield (f"{heading} — {label}" if label else heading), part


_PARTS = re.compile("\u00a0?; ")


def pdf_gaps(document: Document) -> list[str]:
    """Where the document has text the PDF cannot draw, each place once; [] when
    the PDF shows everything."""
    places: list[str] = []
    for where, text in _texts(document):
        if where not in places and _cannot_draw(text):
            places.append(where)
    return places


def to_pdf(document: Document) -> bytes:
    """The document as PDF; PdfGapsError if any of its text cannot be drawn."""
    from fpdf import FPDF

    if places := pdf_gaps(document):
        raise PdfGapsError(places)

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    used = _needed(document, faces())
    for face in used:
        pdf.add_font(face.family, "", str(face.regular))
        if face.bold:
            pdf.add_font(face.family, "B", str(face.bold))
    main, fallbacks = used[0].family, [face.family for face in used[1:]]
    if fallbacks:
        # A bold line in a script whose face has no bold (Chinese) is drawn
        # regular rather than left out.
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    if shaping():
        pdf.set_text_shaping(True)
    pdf.set_title(document.title)
    pdf.set_author(organisation())
    pdf.set_creator("")
    pdf.set_producer("")
    pdf.set_creation_date(datetime.now(UTC))
    pdf.add_page()
    width = pdf.epw

    def write(text: str, *, bold: bool = False, size: int = 10, gap: float = 1.5) -> None:
        pdf.set_font(main, "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    if document.logo:
        pdf.image(io.BytesIO(document.logo), h=18, keep_aspect_ratio=True)
        pdf.ln(2)
    for i, line in enumerate(document.letterhead):
        write(line, bold=i == 0, size=9, gap=0)
    if document.letterhead or document.logo:
        pdf.ln(6)
    if document.shows_title:  # a letter's subject line, in its body, is its title
        write(document.title, bold=True, size=14, gap=4)
    if document.missing:
        write(texts_for(document.language)["incomplete"], bold=True)
        for item in document.missing:
            write(f"• {item}", gap=0.5)
        pdf.ln(4)
    for section in document.sections:
        if section.heading:
            write(section.heading, bold=True, size=11)
        for paragraph in section.paragraphs:
            write(paragraph)
        for bullet in section.bullets:
            write(f"• {bullet}", gap=0.8)
        pdf.ln(2)
    return bytes(pdf.output())


_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


def _neutral_metadata(doc: object, title: str) -> None:
    """What the file says about itself: its title, the organisation that sends
    it, the moment it was made, and nothing else — python-docx's template carries
    its own author, description, dates, editing sessions and a thumbnail, which
    would tell the recipient about the tool instead of the sender."""
    from docx.oxml.ns import qn

    now = datetime.now(UTC).replace(microsecond=0)
    sender = plain_text(organisation())
    props = doc.core_properties  # type: ignore[attr-defined]
    props.title = title
    props.author = sender
    props.last_modified_by = sender
    props.created = now
    props.modified = now
    props.revision = 1
    for name in ("subject", "keywords", "comments", "category", "content_status", "identifier"):
        setattr(props, name, "")
    package = doc.part.package  # type: ignore[attr-defined]
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = _APP_XML  # no template name, application, or word counts of the template
    for rid, rel in list(package.rels.items()):
        if rel.reltype == _THUMBNAIL:
            del package.rels[rid]  # the template's picture of an empty page
    settings = doc.settings.element  # type: ignore[attr-defined]
    for tag in ("w:rsids", "w14:docId"):
        for found in settings.findall(qn(tag)):
            settings.remove(found)  # ids of the template's editing sessions


def to_docx(document: Document) -> bytes:
    from docx import Document as Docx
    from docx.shared import Mm

    # A record stored with a control character (before input was cleaned) must not
    # make the file impossible to write: XML 1.0 refuses them.
    clean = plain_text
    doc = Docx()
    _neutral_metadata(doc, clean(document.title))
    if document.logo:
        doc.add_picture(io.BytesIO(document.logo), height=Mm(18))
    for i, line in enumerate(document.letterhead):
        doc.add_paragraph().add_run(clean(line)).bold = i == 0
    if document.shows_title:  # a letter's subject line, in its body, is its title
        doc.add_heading(clean(document.title), level=1)
    if document.missing:
        doc.add_paragraph().add_run(texts_for(document.language)["incomplete"]).bold = True
        for item in document.missing:
            doc.add_paragraph(clean(item), style="List Bullet")
    for section in document.sections:
        if section.heading:
            doc.add_heading(clean(section.heading), level=2)
        for paragraph in section.paragraphs:
            doc.add_paragraph(clean(paragraph))
        for bullet in section.bullets:
            doc.add_paragraph(clean(bullet), style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
