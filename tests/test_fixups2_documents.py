"""What UN documents and the advocacy page say about what the record holds but a
document cannot show as it is: an undated claim (issue 13 fix-ups, A) and a step
taken that is not cleared for the UN (B)."""

from __future__ import annotations

from datetime import date

from habeas.advocacy import documents
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source

TODAY = date(2026, 12, 6)


def _undated_claim(case, by):
    cousin = sources.source_add(
        case=case,
        code_name="LARK",
        kind=Source.Kind.RELATIVE,
        reliability="B",
        consent_to_un=True,
        by=by,
    )
    sources.claim_add(
        case=case,
        source=cousin,
        topic=Claim.Topic.OTHER,
        statement="He had lost his passport.",
        received_on=PartialDate.parse("2026-12-06"),
        material=Claim.Material.TESTIMONY,
        by=by,
    )


def _text(case, kind, language) -> str:
    return documents.build(
        kind=kind, case=case, language=language, today=TODAY, addressees=[]
    ).text()


def test_an_undated_claim_is_printed_undated_never_with_the_day_it_reached_us(alice, alices_case):
    """GIVEN a claim the report gives no date for, received today WHEN the UN
    documents are built THEN they say it is undated and when it was reported to the
    organisation, never the day received as the day of the fact."""
    _undated_claim(alices_case, alice)
    for kind in (documents.DocKind.WGEID, documents.DocKind.SPECIAL_PROCEDURES):
        english = _text(alices_case, kind, "en")
        assert "- Undated (reported to us: 6 Dec 2026): He had lost his passport." in english
        assert "- 6 Dec 2026: He had lost" not in english
        russian = _text(alices_case, kind, "ru")
        assert "- Без даты (получено нами: 6 декабря 2026 г.): He had lost his passport." in russian


def test_a_dated_claim_keeps_the_date_the_source_gave(alice, alices_case):
    cousin = sources.source_add(
        case=alices_case, code_name="LARK", kind=Source.Kind.RELATIVE, consent_to_un=True, by=alice
    )
    sources.claim_add(
        case=alices_case,
        source=cousin,
        topic=Claim.Topic.OTHER,
        statement="Seen in Ashgabat.",
        dated_on=PartialDate.parse("2021-11"),
        received_on=PartialDate.parse("2026-12-06"),
        material=Claim.Material.TESTIMONY,
        by=alice,
    )
    assert "Nov 2021: Seen in Ashgabat." in _text(alices_case, documents.DocKind.WGEID, "en")


def _step_post():
    return {
        "kind": "inquiry",
        "occurred_on": "2021-11-02",
        "description": "An activist wrote to the Russian ministry.",
        "actors-TOTAL_FORMS": "1",
        "actors-INITIAL_FORMS": "0",
        "actors-0-actor": "",
        "actors-0-role": "",
    }


def test_a_step_recorded_but_not_cleared_is_named_with_the_page_that_clears_it(
    login, alice, alices_case
):
    """GIVEN a step taken to find the person, entered on the event form and resting
    on no claim (so not cleared by default) WHEN the advocacy page checks the WGEID
    submission THEN it says the step is recorded but not cleared for the UN and links
    to the event clearance page; the document preview says so too."""
    client = login(alice)
    case_url = f"/cases/{alices_case.public_id}"
    assert client.post(f"{case_url}/events/new/", _step_post()).status_code == 302
    clearance = f'href="{case_url}/advocacy/events/"'
    page = client.get(f"{case_url}/advocacy/").content.decode()
    assert "1 step taken to find the person is recorded but not cleared for the UN." in page
    note = page.split("not cleared for the UN.", 1)[1]
    assert note.lstrip().startswith(f"<a {clearance}>Clear it on the event clearance page</a>")
    preview = client.get(f"{case_url}/advocacy/document/?doc=wgeid&lang=en&format=html")
    assert "1 step taken to find the person is recorded but not cleared for this recipient." in (
        preview.content.decode()
    )


def test_no_note_about_steps_when_the_steps_are_cleared_or_there_are_none(
    login, alice, alices_case
):
    client = login(alice)
    case_url = f"/cases/{alices_case.public_id}"
    page = client.get(f"{case_url}/advocacy/").content.decode()
    assert "Steps taken by relatives or others to find the person" in page
    assert "recorded but not cleared" not in page
