"""Render a generated Document as PDF (fpdf2) or DOCX (python-docx).

Both formats carry the same sections as the HTML preview; an incomplete
document is marked as such at the top, with what is missing.
"""

from __future__ import annotations

import io
from pathlib import Path

from .documents import Document
from .texts import texts_for

FONTS = Path(__file__).parent / "fonts"


def to_pdf(document: Document) -> bytes:
    from fpdf import FPDF

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

    doc = Docx()
    doc.core_properties.title = document.title
    doc.add_heading(document.title, level=1)
    if document.missing:
        doc.add_paragraph().add_run(texts_for(document.language)["incomplete"]).bold = True
        for item in document.missing:
            doc.add_paragraph(item, style="List Bullet")
    for section in document.sections:
        if section.heading:
            doc.add_heading(section.heading, level=2)
        for paragraph in section.paragraphs:
            doc.add_paragraph(paragraph)
        for bullet in section.bullets:
            doc.add_paragraph(bullet, style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
