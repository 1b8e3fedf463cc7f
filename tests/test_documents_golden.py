"""Golden files: the text of every document kind, in every document language, for
the motivating fixture case at a fixed date (tests/golden/). Any change to what a
recipient reads turns one red with a unified diff; a change meant to be made is
accepted by regenerating them (CONTRIBUTING.md, "Golden files"):

    HABEAS_GOLDEN_UPDATE=1 pytest tests/test_documents_golden.py

and then reading the diff of tests/golden/ as the ministry, the Working Group or
the diplomat would, before committing it."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
import time_machine

from habeas.advocacy import documents
from habeas.advocacy.models import Intervention
from habeas.advocacy.render import to_pdf
from habeas.advocacy.texts import LANGUAGES
from tests.support.documents import pdf_text_as_read, require_office, require_script_fonts
from tests.support.fixture_cases import (
    NOW,
    TODAY,
    arabic_case,
    chinese_case,
    motivating_case,
    organisation_set,
)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("HABEAS_GOLDEN_UPDATE") == "1"

# name -> (intervention kind or "briefing", addressee key): one golden per document
# kind the motivating case can have. CED is absent: Turkmenistan is not a State party
# (the CED urgent action is not offered for it).
DOCUMENTS = {
    "wgeid": (Intervention.Kind.WGEID_STANDARD, None),
    "special_procedures": (Intervention.Kind.SPECIAL_PROCEDURES, None),
    "letter_authorities": (Intervention.Kind.LETTER_AUTHORITIES, "mfa"),
    "third_state": (Intervention.Kind.EMBASSY, "drl"),
    "intergovernmental": (Intervention.Kind.EMBASSY, "eeas"),
    "urgent_action": (Intervention.Kind.PRESS_STATEMENT, None),
    "briefing": ("briefing", None),
}


def golden_text(document: documents.Document) -> str:
    """What the recipient reads: the letterhead, the text, and (for the staff) what
    the completeness check still finds missing."""
    parts = []
    # Document.text() carries the letterhead first (a letter's snapshot is as sent).
    parts.append(document.text())
    if document.missing:
        parts.append("\n[incomplete: " + "; ".join(document.missing_keys) + "]\n")
    return "".join(parts)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"No golden file {path}: run with HABEAS_GOLDEN_UPDATE=1"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"golden/{name}",
                tofile="generated",
            )
        )
        pytest.fail(f"{name} differs from its golden file:\n{diff}", pytrace=False)


@pytest.fixture
def fixed_day():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def motivating(fixed_day, alice, ada):
    organisation_set(ada)
    return motivating_case(alice)


def _document(fixture, name: str, language: str) -> documents.Document:
    kind, addressee_key = DOCUMENTS[name]
    case = fixture.case
    if kind == "briefing":
        return documents.briefing_note(
            cases=[case], country=case.country.code, language=language, today=TODAY
        )
    return documents.build(
        kind=documents.DOCUMENT_FOR_KIND[kind],
        case=case,
        language=language,
        today=TODAY,
        addressees=[fixture.addressees[addressee_key]] if addressee_key else [],
        intervention_kind=kind,
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_text_is_its_golden_file(motivating, name, language):
    document = _document(motivating, name, language)
    assert_golden(f"motivating/{name}.{language}.txt", golden_text(document))


def test_the_ced_is_not_offered_for_turkmenistan(motivating):
    """Why there is no CED golden: the kind is refused for a State not party."""
    from habeas.advocacy import selectors

    kinds = dict(selectors.kinds_for(motivating.case, TODAY))
    assert Intervention.Kind.CED_URGENT_ACTION not in kinds


def test_a_changed_word_turns_the_golden_red(tmp_path, monkeypatch):
    """The net itself: a one-word difference fails, and the failure shows the diff."""
    monkeypatch.setattr("tests.test_documents_golden.GOLDEN", tmp_path)
    monkeypatch.setattr("tests.test_documents_golden.UPDATE", False)
    (tmp_path / "x.txt").write_text("Please disclose his fate.\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_golden("x.txt", "Please release his fate.\n")
    assert "-Please disclose his fate." in str(failed.value)
    assert "+Please release his fate." in str(failed.value)


@pytest.mark.parametrize(
    ("build", "names"),
    [
        (chinese_case, ["王小明", "乌鲁木齐"]),
        (arabic_case, ["محمد الأحمد", "دمشق"]),
    ],
)
def test_the_wgeid_pdf_carries_every_name(fixed_day, alice, ada, build, names):
    """Extracted from the PDF (pypdf), the submission still has the name and the place
    in their own script (render.py is helper fonts's; this checks the fixture cases)."""
    organisation_set(ada)
    fixture = build(alice)
    document = documents.build(
        kind=documents.DocKind.WGEID,
        case=fixture.case,
        language="en",
        today=TODAY,
        addressees=[],
        intervention_kind=Intervention.Kind.WGEID_STANDARD,
    )
    assert document.is_complete, document.missing
    require_script_fonts()
    require_office()
    # Read as poppler reads the page: right-to-left runs in reading order (pypdf
    # gives shaped Arabic ligatures out of order).
    text = pdf_text_as_read(to_pdf(document))
    for name in names:
        assert name in text, (name, text)
