"""A PDF shows every name and place as its reader reads it, in whatever script
the record holds it: Arabic joined and right to left, Chinese, Cyrillic; the
sender's letterhead and logo on top; and where a character has no glyph in any
installed font, the PDF is refused naming the field, and nothing of it is logged."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from habeas.advocacy import documents, render
from habeas.cases import services as cases
from habeas.cases.models import Case
from habeas.lib.partialdate import PartialDate
from tests.support.advocacy import give_what_the_un_asks
from tests.support.documents import (
    CYRILLIC,
    ORG,
    docx_text,
    letter_with_letterhead,
    pdf_text_as_read,
    require_office,
    require_script_fonts,
)

# pdftotext reads neutral punctuation inside right-to-left text (an Arabic comma)
# out of place though it is drawn right: the place has none.
ARABIC = ("محمد علي حسن", "حي المزة بدمشق")
CHINESE = ("王小明", "烏魯木齊")
CUNEIFORM = "𒀭𒂗𒍪"  # no installed font has these


class _Catch(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")


@pytest.fixture
def logged():
    """Every line logged through the root logger while the test runs."""
    catch = _Catch()
    logging.getLogger().addHandler(catch)
    yield catch.lines
    logging.getLogger().removeHandler(catch)


@pytest.fixture
def fonts():
    require_script_fonts()
    require_office()  # pdftotext reads the PDFs back


def _case(alice, reference: str, country: str, name: str, place: str) -> Case:
    person = cases.person_create(name=name, by=alice)
    case = cases.case_create(
        reference=reference,
        person=person,
        country=country,
        disappeared_on=PartialDate.parse("2026-01-05"),
        by=alice,
    )
    case.disappeared_place = place
    case.save()
    police = cases.actor_create(name="Police (test)", country=country, by=alice)
    give_what_the_un_asks(
        case, police=police, arrested_on="2026-01-05", searched_on="2026-01-09", by=alice
    )
    return case


@pytest.mark.parametrize(
    ("country", "name", "place"),
    [("SY", *ARABIC), ("CN", *CHINESE), ("TM", *CYRILLIC)],
    ids=["arabic", "chinese", "cyrillic"],
)
def test_the_un_submission_pdf_shows_the_name_and_place_as_read(
    fonts, alice, client, settings, logged, country, name, place
):
    """GIVEN a case complete for the UN Working Group whose person is named, and
    the place written, in Arabic, Chinese or Cyrillic script
    WHEN staff download the WGEID submission as PDF
    THEN the PDF's text, read off the page, holds the name and the place in
    reading order (Arabic right to left), and no log line holds either."""
    settings.HABEAS_ORGANISATION = ORG
    case = _case(alice, f"{country}-2026-001", country, name, place)
    client.force_login(alice)
    url = reverse("case_document", args=[case.public_id])
    response = client.get(f"{url}?doc=wgeid&format=pdf")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text_as_read(response.content)
    assert text.lstrip().startswith("Submission to the UN Working Group")  # no letterhead
    assert name in text
    assert place in text
    assert ORG in text
    # (A Chinese name, written without spaces, is still reported incomplete by the
    # completeness rule: requested of its owner; the PDF draws it all the same.)
    for word in (*name.split(), *place.split()):
        assert not any(word in line for line in logged)


def test_arabic_letters_are_joined(fonts, alice):
    """The glyphs drawn for an Arabic name are its joined forms (HarfBuzz
    shaping): laid out as isolated letters, the same name is wider."""
    from fpdf import FPDF

    face = next(f for f in render.faces() if f.family == "NotoNaskhArabic")

    def width(shaped: bool) -> float:
        pdf = FPDF()
        pdf.add_font("Arabic", "", str(face.regular))
        pdf.set_font("Arabic", "", 12)
        pdf.set_text_shaping(shaped)
        pdf.add_page()
        return pdf.get_string_width(ARABIC[0])

    assert width(True) < width(False)  # the premise: joined letters are narrower

    document = documents.Document(
        kind="letter",
        language="en",
        title="Letter",
        recipient=documents.Recipient.GOVERNMENT,
        sections=[documents.Section(heading="", paragraphs=[ARABIC[0]])],
    )
    unshaped = render.shaping
    try:
        shaped_pdf = render.to_pdf(document)
        render.shaping = lambda: False  # type: ignore[assignment]
        with pytest.raises(render.PdfGapsError):
            render.to_pdf(document)  # without shaping: refused, never drawn unjoined
    finally:
        render.shaping = unshaped  # type: ignore[assignment]
    assert ARABIC[0] in pdf_text_as_read(shaped_pdf)


def test_a_character_no_font_has_is_refused_naming_the_field(alice, client, logged):
    """GIVEN a name in cuneiform, which no installed font draws
    THEN the PDF is refused naming "Full name", the DOCX carries it, and nothing
    of it reaches the log."""
    person = cases.person_create(name=CUNEIFORM, by=alice)
    case = cases.case_create(reference="IQ-2026-001", person=person, country="IQ", by=alice)
    client.force_login(alice)
    url = reverse("case_document", args=[case.public_id])
    refused = client.get(f"{url}?doc=wgeid&format=pdf")
    assert refused.status_code == 422
    assert "<li>The disappeared person — Full name</li>" in refused.content.decode()
    assert CUNEIFORM in docx_text(client.get(f"{url}?doc=wgeid&format=docx").content)
    assert not any(ch in line for line in logged for ch in CUNEIFORM)


def test_without_the_font_packages_a_chinese_name_is_refused_as_before(alice, client, monkeypatch):
    """A newcomer's machine without the Debian font packages (not root at
    install): the Chinese name is refused naming the field, never left out."""
    missing = render.Path("/nonexistent")
    monkeypatch.setattr(render, "MAIN", render.Face("NotoSans", missing, missing))
    monkeypatch.setattr(render, "FALLBACKS", (render.Face("Droid", missing, None),))
    assert [f.family for f in render.faces()] == ["DejaVu"]
    person = cases.person_create(name=CHINESE[0], by=alice)
    case = cases.case_create(reference="CN-2026-002", person=person, country="CN", by=alice)
    client.force_login(alice)
    url = reverse("case_document", args=[case.public_id])
    refused = client.get(f"{url}?doc=wgeid&format=pdf")
    assert refused.status_code == 422
    assert "<li>The disappeared person — Full name</li>" in refused.content.decode()


def test_a_letter_pdf_has_the_letterhead_and_logo_on_top(fonts, db):
    """A letter starts with its letterhead, and has no title heading: its title is
    the subject line its body carries (the file's metadata keeps it)."""
    from pypdf import PdfReader

    body = render.to_pdf(letter_with_letterhead())
    page = PdfReader(io.BytesIO(body)).pages[0]
    assert len(page.images) == 1
    assert page.images[0].image.size == (240, 80)
    text = pdf_text_as_read(body)
    head = [line.strip() for line in text.splitlines() if line.strip()][:4]
    assert head == [
        ORG,
        "12 Rue de la Paix, Geneva",
        "contact@drc.example",
        f"We write about {CYRILLIC[0]}.",
    ]
    assert "Enforced disappearance of" not in text


def test_a_document_that_is_not_a_letter_keeps_its_title_under_the_letterhead(fonts, db):
    text = pdf_text_as_read(render.to_pdf(letter_with_letterhead(kind="urgent_action")))
    head = [line.strip() for line in text.splitlines() if line.strip()][:4]
    assert head[3] == "Enforced disappearance of " + CYRILLIC[0]


def test_the_pdf_says_who_made_it_and_nothing_of_the_tool(fonts, db, settings):
    from pypdf import PdfReader

    settings.HABEAS_ORGANISATION = ORG
    meta = PdfReader(io.BytesIO(render.to_pdf(letter_with_letterhead()))).metadata
    assert meta.title == "Enforced disappearance of " + CYRILLIC[0]
    assert meta.author == ORG
    assert "fpdf" not in f"{meta.creator} {meta.producer}".lower()
    assert meta.creation_date.date() == datetime.now(UTC).date()


def test_a_bold_title_in_chinese_is_drawn_in_the_regular_face(fonts, db):
    """Droid Sans Fallback has no bold: a letter's bold title naming a Chinese
    person is drawn in its regular face rather than left out."""
    document = letter_with_letterhead(CHINESE[0], kind="urgent_action")  # one with a title
    text = pdf_text_as_read(render.to_pdf(document))
    assert "Enforced disappearance of " + CHINESE[0] in text


def test_the_preview_lets_each_paragraph_take_the_direction_of_its_text(alice, client, alices_case):
    """An Arabic or Hebrew line of the HTML preview reads right to left, an
    English one left to right, in one document (dir="auto")."""
    client.force_login(alice)
    url = reverse("case_document", args=[alices_case.public_id])
    page = client.get(f"{url}?doc=wgeid").content.decode()
    article = page.partition('<article class="document"')[2].partition("</article>")[0]
    article = article.partition("</h2>")[2].partition("</div>")[2]  # the sections
    assert article.count("<p") == article.count('<p dir="auto">') > 0
    assert article.count("<li") == article.count('<li dir="auto">')
