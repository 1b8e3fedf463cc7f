"""Two consents of a source, apart (review of first use, bug 20): "information may
be published" lets what it said reach the public; "may be named" lets documents
say who said it, by the name it is to be known by ("Human Rights Watch"), never
by its code name or identity."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from habeas.advocacy import documents
from habeas.advocacy.documents import DocKind, Recipient
from habeas.cases import services as cases
from habeas.cases.models import Event
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source

TODAY = date(2026, 12, 6)
IDENTITY = "CANARY-SEVERAL people close to him"


def _source(case, by, code, kind, **consents) -> Source:
    return sources.source_add(
        case=case, code_name=code, kind=kind, reliability="C", identity=IDENTITY, by=by, **consents
    )


def _event_resting_on(case, source, by, description: str) -> Event:
    event = cases.event_add(
        case=case,
        kind=Event.Kind.OTHER,
        occurred_on=PartialDate.parse("2021-10-25"),
        description=description,
        by=by,
    )
    sources.claim_add(
        case=case,
        source=source,
        topic=Claim.Topic.EVENT,
        event=event,
        statement=f"{description} (claim)",
        dated_on=PartialDate.parse("2021-11"),
        received_on=PartialDate.parse("2026-12-01"),
        material=Claim.Material.MEDIA_REPORT,
        by=by,
    )
    return event


def _text(case, kind: DocKind, language: str = "en") -> str:
    return documents.build(
        kind=kind, case=case, language=language, today=TODAY, addressees=[]
    ).text()


def test_the_source_form_takes_both_consents_and_the_name(login, alice, alices_case):
    """GIVEN the source form WHEN HRW is entered as may be published and may be named
    as "Human Rights Watch" THEN all three are kept, and the source page says them."""
    client = login(alice)
    url = reverse("source_add", args=[alices_case.public_id])
    form = client.get(url).content.decode()
    assert 'name="consent_information_public"' in form and 'name="public_name"' in form
    assert "without naming it unless it may also be named" in form  # the help
    assert "Its code name and who it is never go out" in form
    response = client.post(
        url,
        {
            "code_name": "HRW",
            "kind": "ngo",
            "reliability": "B",
            "reliability_rationale": "Its dispatches have proved accurate.",
            "consent_information_public": "on",
            "consent_named_publicly": "on",
            "public_name": "  Human Rights   Watch ",
            "consent_to_un": "on",
        },
    )
    assert response.status_code == 302
    hrw = Source.objects.get(case=alices_case, code_name="HRW")
    assert hrw.consent_information_public and hrw.consent_named_publicly
    assert hrw.public_name == "Human Rights Watch"
    page = client.get(reverse("source_detail", args=[alices_case.public_id, hrw.public_id]))
    assert "yes, as “Human Rights Watch”" in page.content.decode()
    case_page = client.get(alices_case.get_absolute_url()).content.decode()
    assert "may be published" in case_page and "named as “Human Rights Watch”" in case_page


def test_a_source_unnamed_but_public_reaches_the_urgent_action_unattributed(alice, alices_case):
    """GIVEN "several sources" whose information may be published but who may not be
    named WHEN the urgent action is built THEN what rests on them is in it, and
    nothing says who they are; the UN submission quotes them unattributed."""
    several = _source(
        alices_case,
        alice,
        "SEVERAL",
        Source.Kind.ANONYMOUS,
        consent_information_public=True,
        consent_to_un=True,
    )
    _event_resting_on(alices_case, several, alice, "He had lost his passport.")
    urgent = _text(alices_case, DocKind.URGENT_ACTION)
    assert "He had lost his passport." in urgent
    wgeid = _text(alices_case, DocKind.WGEID)
    assert "\n- Nov 2021: He had lost his passport. (claim)" in wgeid  # no one before the date
    for text in (urgent, wgeid):
        assert "SEVERAL" not in text and "CANARY" not in text
        assert "anonymous source" not in text.lower() and "A source" not in text
    assert documents.source_allows(several, Recipient.PUBLIC)


def test_may_be_named_alone_does_not_publish_what_the_source_said(alice, alices_case):
    """Being named is not publication: a source that may be named but whose
    information may not be published stays out of the public documents."""
    named = _source(
        alices_case,
        alice,
        "MVD",
        Source.Kind.OFFICIAL,
        consent_named_publicly=True,
        public_name="the Ministry of Internal Affairs of the Russian Federation",
        consent_to_un=True,
    )
    _event_resting_on(alices_case, named, alice, "He flew to Turkmenabad.")
    assert not documents.source_allows(named, Recipient.PUBLIC)
    assert "He flew to Turkmenabad." not in _text(alices_case, DocKind.URGENT_ACTION)
    assert "He flew to Turkmenabad." in _text(alices_case, DocKind.WGEID)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_named_source_is_named_by_its_public_name_in_every_document(alice, alices_case, language):
    hrw = _source(
        alices_case,
        alice,
        "HRW",
        Source.Kind.NGO,
        consent_information_public=True,
        consent_named_publicly=True,
        public_name="Human Rights Watch",
        consent_to_un=True,
    )
    mvd = _source(
        alices_case,
        alice,
        "RU-MVD",
        Source.Kind.OFFICIAL,
        consent_named_publicly=True,
        public_name="the Ministry of Internal Affairs of the Russian Federation",
        consent_to_un=True,
    )
    _event_resting_on(alices_case, hrw, alice, "His family was threatened.")
    _event_resting_on(alices_case, mvd, alice, "He flew from Moscow to Turkmenabad.")
    for kind in (DocKind.WGEID, DocKind.CED, DocKind.SPECIAL_PROCEDURES):
        text = _text(alices_case, kind, language)
        assert "Human Rights Watch, " in text
        # A line starts a sentence: the name as written mid-sentence, capitalised.
        assert "- The Ministry of Internal Affairs of the Russian Federation, " in text
        assert "HRW" not in text.split() and "RU-MVD" not in text and "CANARY" not in text
        assert "An NGO" not in text and "An official" not in text


def test_a_named_source_without_a_name_goes_by_its_kind_and_the_staff_are_told(alice, alices_case):
    ngo = _source(
        alices_case,
        alice,
        "DISPATCH",
        Source.Kind.NGO,
        consent_information_public=True,
        consent_named_publicly=True,
        consent_to_un=True,
    )
    _event_resting_on(alices_case, ngo, alice, "His phones were confiscated.")
    document = documents.wgeid_submission(case=alices_case, language="en", today=TODAY)
    assert "An NGO, Nov 2021: His phones were confiscated. (claim)" in document.text()
    assert [w for w in document.warnings if "DISPATCH may be named but has no name" in w]
    assert "DISPATCH" not in document.text()
    sources.source_update(source=ngo, public_name="Human Rights Watch", by=alice)
    document = documents.wgeid_submission(case=alices_case, language="en", today=TODAY)
    assert "Human Rights Watch, Nov 2021" in document.text()
    assert not [w for w in document.warnings if "no name" in w]


def test_a_relays_consent_counts_the_same_way(alice, alices_case):
    """A claim relayed by an NGO goes public only if the NGO's information may be
    published too; the relay is never named, even when it may be."""
    several = _source(
        alices_case,
        alice,
        "SEVERAL",
        Source.Kind.ANONYMOUS,
        consent_information_public=True,
        consent_to_un=True,
    )
    hrw = _source(
        alices_case,
        alice,
        "HRW",
        Source.Kind.NGO,
        consent_named_publicly=True,
        public_name="Human Rights Watch",
        consent_to_un=True,
    )
    event = cases.event_add(
        case=alices_case,
        kind=Event.Kind.OTHER,
        occurred_on=PartialDate.parse("2021-10-25"),
        description="RELAYED: he had no wish to return.",
        by=alice,
    )
    sources.claim_add(
        case=alices_case,
        source=several,
        topic=Claim.Topic.EVENT,
        event=event,
        statement="He had no wish to return.",
        received_on=PartialDate.parse("2026-12-01"),
        material=Claim.Material.MEDIA_REPORT,
        via=[hrw],
        by=alice,
    )
    assert "RELAYED" not in _text(alices_case, DocKind.URGENT_ACTION)
    sources.source_update(source=hrw, consent_information_public=True, by=alice)
    assert "RELAYED" in _text(alices_case, DocKind.URGENT_ACTION)
    assert "Human Rights Watch" not in _text(alices_case, DocKind.WGEID)


def test_the_clearance_page_says_what_sources_let_out_and_how_they_are_named(
    login, alice, alices_case
):
    hrw = _source(
        alices_case,
        alice,
        "HRW",
        Source.Kind.NGO,
        consent_information_public=True,
        consent_named_publicly=True,
        public_name="Human Rights Watch",
        consent_to_un=True,
    )
    _event_resting_on(alices_case, hrw, alice, "His family was threatened.")
    page = login(alice).get(reverse("event_clearance", args=[alices_case.public_id]))
    text = page.content.decode()
    assert "its source and relays let what they said go to: UN bodies, the public." in text
    assert "Documents name the source as: “Human Rights Watch”." in text
    assert "CANARY" not in text
