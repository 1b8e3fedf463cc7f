"""The demo's outputs read as their recipients read them (issue 13, fourth set of
fix-ups): no minute goes public, no document names who got the last message, the
Working Group hears both accounts of TM-2021-014, and the government's reply on
TM-2002-004 is news as the documented rule says."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from habeas.advocacy import documents
from habeas.cases.models import Case
from habeas.sources.models import Claim

TODAY = datetime(2026, 12, 6, 12, tzinfo=UTC)


@pytest.fixture
def demo(alice):
    from habeas.demo import cases as demo

    with time_machine.travel(TODAY, tick=False):
        demo.load(user=alice)


@pytest.mark.django_db
def test_the_demo_publishes_the_day_of_the_disappearance_never_its_minute(demo, client):
    first = Case.objects.get(reference="TM-DEMO-001")
    assert first.disappeared_on.time is not None  # the record keeps the minute
    profile = first.public_profile
    assert profile.disappeared_on.time is None
    assert all(u.happened_on.time is None for u in profile.updates.all())
    minute = f"{first.disappeared_on.time:%H:%M}"
    with time_machine.travel(TODAY, tick=False):
        for url in (reverse("public_list"), profile.get_absolute_url(), reverse("public_feed")):
            body = client.get(url).content.decode()
            assert minute not in body, url
        for fmt in ("json", "csv"):
            out = io.StringIO()
            call_command("export", "public", format=fmt, stdout=out)
            assert f"T{minute}" not in out.getvalue(), fmt


@pytest.mark.django_db
def test_the_demo_first_case_documents_name_no_one_who_received_anything(demo):
    first = Case.objects.get(reference="TM-DEMO-001")
    described = " ".join(first.events.values_list("description", flat=True))
    assert "trusted contact" not in described
    assert "His last message: police are at the door." in described
    assert "The host interior ministry's written statement" in described
    for kind in (documents.DocKind.WGEID, documents.DocKind.URGENT_ACTION):
        text = documents.build(
            kind=kind, case=first, language="en", today=TODAY.date(), addressees=[]
        ).text()
        assert "trusted contact" not in text, kind


@pytest.mark.django_db
def test_the_demo_wgeid_submission_of_the_exile_tells_both_accounts(demo):
    """TM-2021-014: a Working Group reader sees the forced return, the report that he
    is held and the NGO's inquiry, not only the ministry's "he flew home", and the
    place once named by its country."""
    case = Case.objects.get(reference="TM-2021-014")
    text = documents.wgeid_submission(case=case, language="en", today=TODAY.date()).text()
    circumstances = text.split("Information", 1)[0]
    assert "Alleged removal to Turkmenistan." in circumstances
    assert "Reportedly held by the security services" in circumstances
    assert "he flew to Turkmenabat" in circumstances
    steps = text.split("Steps taken", 1)[1]
    assert "The NGO asked the Russian ministry where he was." in steps
    assert "He was removed to Turkmenistan between 20 and 22 October 2021." in text
    assert "Moscow region, Russia (in hiding)\n" in text
    assert "(in hiding), Russia" not in text
    # Nor does it name who got his last message.
    assert "His last text message: police at the door" in circumstances
    assert "fellow activist" not in text


@pytest.mark.django_db
def test_the_demo_government_reply_is_news_from_its_own_date(demo, alice, login):
    """TM-2002-004's reply, forwarded by the Working Group on 22 Oct 2026, is also the
    ministry's official-reply claim dated that day: "No new information for" counts
    from the end of it, 23 Oct 2026 — 44 days on 6 Dec 2026 (worked out by hand)."""
    case = Case.objects.get(reference="TM-2002-004")
    reply = case.interventions.get(kind="wgeid_standard").responses.get()
    assert reply.received_on == date(2026, 10, 22)
    claim = Claim.objects.get(case=case, material=Claim.Material.OFFICIAL_REPLY)
    assert claim.source.code_name == "TM-GOV"
    assert claim.dated_on.to_edtf() == "2026-10-22"
    assert case.days_since_info(TODAY.date()) == 44
    with time_machine.travel(TODAY, tick=False):
        page = login(alice).get(case.get_absolute_url()).content.decode()
    assert "44 days" in page
