"""The text of a generated document, as a reader's viewer extracts it."""

from __future__ import annotations

import io

from habeas.advocacy import documents

ORG = "Demo Rights Centre"
CYRILLIC = ("Рустам Исаков", "Туркменабад")


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def docx_text(body: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)


# Bidirectional formatting marks a PDF reader adds around right-to-left runs.
_BIDI_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def pdf_text_as_read(body: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it off the page: right-to-left
    runs in reading order, whatever order the glyphs are drawn in."""
    import subprocess

    read = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    )
    return read.stdout.decode().translate(_BIDI_MARKS)


def require(what: str, present: bool, flag: str) -> None:
    """Skip a test whose tool or font is not on this machine, or fail it where
    the run says the machine must have it (CI sets `flag`=1)."""
    import os

    import pytest

    if present:
        return
    message = (
        f"{what} not installed (scripts/install-fonts.sh, scripts/test-services.sh office-install)"
    )
    if os.environ.get(flag) == "1":
        pytest.fail(message)
    pytest.skip(message)


def require_script_fonts() -> None:
    from habeas.advocacy import render

    families = {face.family for face in render.faces()}
    require(
        "The PDF script fonts",
        {"NotoNaskhArabic", "DroidSansFallback"} <= families,
        "HABEAS_REQUIRE_FONTS",
    )


def require_office() -> None:
    import shutil

    present = bool(
        shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdftoppm")
    )
    require("LibreOffice (soffice) or poppler-utils", present, "HABEAS_REQUIRE_OFFICE")


def _png(width: int = 240, height: int = 80) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 60, 140)).save(out, "PNG")
    return out.getvalue()


def letter_with_letterhead(name: str = CYRILLIC[0], kind: str = "letter") -> documents.Document:
    """A letter with the organisation's letterhead and a 240×80 logo, built by hand
    so the renderers are tested apart from the record."""
    return documents.Document(
        kind=kind,
        language="en",
        title="Enforced disappearance of " + name,
        recipient=documents.Recipient.GOVERNMENT,
        sections=[documents.Section(heading="", paragraphs=[f"We write about {name}."])],
        letterhead=[ORG, "12 Rue de la Paix, Geneva", "contact@drc.example"],
        logo=_png(),
    )
