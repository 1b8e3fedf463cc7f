"""Render a generated Document as PDF (fpdf2) or DOCX (python-docx).

Both formats carry the same sections as the HTML preview; an incomplete
document is marked as such at the top, with what is missing.

A PDF draws each character with the bundled fonts. Where they have no glyph
for a character of a name or a place (Chinese, say), fpdf2 would leave a gap
and send the document out without the name. The PDF is written without text
shaping (fpdf2 needs HarfBuzz for it), so right-to-left text would come out
spelt backwards (Hebrew "כהן" as "ןהכ") and Arabic letters unjoined as well.
Such a PDF is refused before it is drawn, naming where the text is
(`pdf_gaps`); the HTML and DOCX versions show every character (a word
processor draws them with the reader's fonts).
"""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from habeas.lib.text import plain_text

from .documents import Document
from .texts import texts_for

FONTS = Path(__file__).parent / "fonts"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}  # style → file
RIGHT_TO_LEFT = ("R", "AL")  # Unicode bidirectional classes of right-to-left letters


class PdfGapsError(Exception):
    """Some text of the document cannot be drawn in the PDF; `places` says where."""

    def __init__(self, places: list[str]) -> None:
        super().__init__(f"{len(places)} places cannot be drawn")  # never the text itself
        self.places = places


@functools.cache
def _drawable() -> frozenset[int]:
    """The code points every bundled font (regular and bold) has a glyph for."""
    from fontTools.ttLib import TTFont

    cmaps = [set(TTFont(FONTS / name, lazy=True).getBestCmap()) for name in FONT_FILES.values()]
    return frozenset(set.intersection(*cmaps))


def _cannot_draw(text: str) -> bool:
    drawable = _drawable()
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) == "Cc":
            continue
        # Without shaping, right-to-left letters (Hebrew, N'Ko: "R"; Arabic, Syriac,
        # Thaana: "AL") are laid out left to right, the name spelt backwards, and
        # the Arabic-script ones unjoined too: a name no reader would recognise.
        if ord(ch) not in drawable or unicodedata.bidirectional(ch) in RIGHT_TO_LEFT:
            return True
    return False


def _texts(document: Document) -> Iterator[tuple[str, str]]:
    """(where, text) for every line the PDF draws, in order; `where` is the
    section's heading, with the line's label ("Full name") when it has one."""
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
            label = ""
            for part in line.split("; "):
                head, colon, _ = part.partition(": ")
                if colon and len(head) <= 60 and not _cannot_draw(head):
                    label = head
                yield (f"{heading} — {label}" if label else heading), part


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
    # A bundled Unicode font: Cyrillic names and Russian templates need it, and
    # nothing may be fetched from elsewhere.
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(document.title)
    pdf.add_page()
    width = pdf.epw

    def write(text: str, *, bold: bool = False, size: int = 10, gap: float = 1.5) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

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


def to_docx(document: Document) -> bytes:
    from docx import Document as Docx

    # A record stored with a control character (before input was cleaned) must not
    # make the file impossible to write: XML 1.0 refuses them.
    clean = plain_text
    doc = Docx()
    doc.core_properties.title = clean(document.title)
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
