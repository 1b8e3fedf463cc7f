"""A claim as real reports give it: when the source said it apart from when it
reached the organisation, facts with no date at all, and the chain of sources it
came through ("informal channels → ORE → HRW → us")."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from habeas.cases import services as cases
from habeas.cases.models import Event
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Claim, ClaimRelay, Source

TODAY = "2026-12-06"


def _source(case, by, code, kind=Source.Kind.WITNESS):
    return sources.source_add(case=case, code_name=code, kind=kind, reliability="B", by=by)


@pytest.fixture
def orchid(alices_case, alice):
    return _source(alices_case, alice, "ORCHID", Source.Kind.DEFENDER)


@pytest.fixture
def hrw(alices_case, alice):
    return _source(alices_case, alice, "HRW", Source.Kind.NGO)


def _form(source, **extra) -> dict[str, str]:
    return {
        "source": str(source.public_id),
        "topic": "whereabouts",
        "statement": "Held by the security services, through informal channels.",
        "received_on": TODAY,
        "material": "testimony",
        "credibility": "3",
        "credibility_rationale": "One informal channel, not confirmed.",
        **extra,
    }


def _add_url(case) -> str:
    return reverse("claim_add", args=[case.public_id])


def _source_page(client, case, source) -> str:
    return client.get(
        reverse("source_detail", args=[case.public_id, source.public_id])
    ).content.decode()


@time_machine.travel("2026-12-06 12:00Z")
def test_a_claim_keeps_when_the_source_said_it_apart_from_when_it_arrived(
    login, alice, alices_case, orchid
):
    """GIVEN a 2021 account received today WHEN entered through the claim form
    THEN both dates are kept, each as precise as given, and the source page shows both."""
    client = login(alice)
    response = client.post(_add_url(alices_case), _form(orchid, dated_on="Nov 2021"))
    assert response.status_code == 302
    claim = Claim.objects.get(case=alices_case)
    assert claim.dated_on == PartialDate.parse("2021-11")
    assert claim.received_on == PartialDate.parse(TODAY)
    page = _source_page(client, alices_case, orchid)
    assert "information dated Nov 2021" in page
    assert "received 6 Dec 2026" in page


@time_machine.travel("2026-12-06 12:00Z")
def test_the_claim_form_says_received_today_and_explains_both_dates(
    login, alice, alices_case, orchid
):
    page = login(alice).get(_add_url(alices_case)).content.decode()
    assert 'name="received_on" value="6 Dec 2026"' in page
    assert 'name="dated_on"' in page
    assert "When the source learned or said it" in page
    assert "When your organisation received it" in page


@time_machine.travel("2026-12-06 12:00Z")
def test_information_dated_after_it_was_received_is_refused_with_the_input_kept(
    login, alice, alices_case, orchid
):
    response = login(alice).post(
        _add_url(alices_case), _form(orchid, dated_on="2026-12-01", received_on="2026-11")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "after you received it" in page
    assert "Held by the security services" in page  # what was typed is kept
    assert not Claim.objects.filter(case=alices_case).exists()


@time_machine.travel("2026-12-06 12:00Z")
def test_information_dated_before_the_event_it_reports_is_refused(
    login, alice, alices_case, orchid
):
    event = cases.event_add(
        case=alices_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Taken from his flat.",
        by=alice,
    )
    form = _form(orchid, topic="event", event=str(event.public_id), dated_on="Sep 2021")
    response = login(alice).post(_add_url(alices_case), form)
    assert response.status_code == 400
    assert "before the event it is about" in response.content.decode()
    # The same month as the event may be after it: not refused.
    form["dated_on"] = "Oct 2021"
    assert login(alice).post(_add_url(alices_case), form).status_code == 302


def test_received_before_the_event_it_reports_is_still_refused(alice, alices_case, orchid):
    event = cases.event_add(
        case=alices_case,
        kind=Event.Kind.ARREST,
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Taken from his flat.",
        by=alice,
    )
    with pytest.raises(ValidationError) as refused:
        sources.claim_add(
            case=alices_case,
            source=orchid,
            topic=Claim.Topic.EVENT,
            event=event,
            statement="He was taken.",
            received_on=PartialDate.parse("2021-09"),
            material=Claim.Material.TESTIMONY,
            by=alice,
        )
    assert "received_on" in refused.value.error_dict


@time_machine.travel("2026-12-06 12:00Z")
def test_an_undated_fact_without_an_event_is_accepted_and_shown_undated(
    login, alice, alices_case, orchid
):
    """'He had lost his passport': no date, no event. It is a claim all the same."""
    client = login(alice)
    form = _form(orchid, topic="other", statement="He had lost his passport.")
    assert client.post(_add_url(alices_case), form).status_code == 302
    claim = Claim.objects.get(case=alices_case)
    assert claim.dated_on is None and claim.event is None
    page = _source_page(client, alices_case, orchid)
    assert "undated" in page and "He had lost his passport." in page
    assert "information dated" not in page


@time_machine.travel("2026-12-06 12:00Z")
def test_a_claim_keeps_the_chain_it_came_through_in_order(login, alice, alices_case, orchid, hrw):
    """GIVEN ORCHID's account passed on by ORE, then HRW WHEN entered with two relay
    pickers THEN the chain is kept in order, shown by code names, and each relay's
    page lists the claims it passed on."""
    ore = _source(alices_case, alice, "ORE", Source.Kind.DEFENDER)
    client = login(alice)
    form = _form(orchid, via_1=str(ore.public_id), via_3=str(hrw.public_id))
    assert client.post(_add_url(alices_case), form).status_code == 302
    claim = Claim.objects.get(case=alices_case)
    assert [(r.position, r.source.code_name) for r in claim.relays.all()] == [
        (1, "ORE"),
        (2, "HRW"),
    ]
    assert "ORCHID → via ORE → via HRW → us" in _source_page(client, alices_case, orchid)
    relayed = _source_page(client, alices_case, hrw)
    assert "Claims HRW passed on" in relayed
    assert "ORCHID → via ORE → via HRW → us" in relayed
    assert "Held by the security services" in relayed


@time_machine.travel("2026-12-06 12:00Z")
def test_the_chain_refuses_the_claims_own_source_and_a_source_twice(
    login, alice, alices_case, orchid, hrw
):
    client = login(alice)
    own = _form(orchid, via_1=str(orchid.public_id))
    response = client.post(_add_url(alices_case), own)
    assert response.status_code == 400
    assert "the claim&#x27;s own source" in response.content.decode()
    twice = _form(orchid, via_1=str(hrw.public_id), via_2=str(hrw.public_id))
    response = client.post(_add_url(alices_case), twice)
    assert response.status_code == 400
    assert "already in the chain" in response.content.decode()
    assert not Claim.objects.filter(case=alices_case).exists()


def test_the_service_refuses_a_relay_of_another_case_its_own_source_and_repeats(
    alice, alices_case, orchid, hrw
):
    person = cases.person_create(name="Other Person", by=alice)
    other = cases.case_create(reference="OTHER-1", person=person, country="RU", by=alice)
    foreign = _source(other, alice, "FOREIGN")

    def add(via):
        return sources.claim_add(
            case=alices_case,
            source=orchid,
            topic=Claim.Topic.OTHER,
            statement="x",
            received_on=PartialDate.parse("2026-11"),
            material=Claim.Material.MESSAGE,
            via=via,
            by=alice,
        )

    for via in ([foreign], [orchid], [hrw, hrw]):
        with pytest.raises(ValidationError) as refused:
            add(via)
        assert "via" in refused.value.error_dict
    assert not ClaimRelay.objects.exists()
    assert [r.source for r in add([hrw]).relays.all()] == [hrw]


def test_a_claims_source_cannot_become_one_of_its_own_relays(alice, alices_case, orchid, hrw):
    claim = sources.claim_add(
        case=alices_case,
        source=orchid,
        topic=Claim.Topic.OTHER,
        statement="x",
        received_on=PartialDate.parse("2026-11"),
        material=Claim.Material.MESSAGE,
        via=[hrw],
        by=alice,
    )
    with pytest.raises(ValidationError):
        sources.claim_update(claim=claim, source=hrw, by=alice)


@time_machine.travel("2026-12-06 12:00Z")
def test_editing_a_claim_shows_and_changes_its_chain(login, alice, alices_case, orchid, hrw):
    ore = _source(alices_case, alice, "ORE", Source.Kind.DEFENDER)
    claim = sources.claim_add(
        case=alices_case,
        source=orchid,
        topic=Claim.Topic.WHEREABOUTS,
        statement="Held.",
        dated_on=PartialDate.parse("2021-11"),
        received_on=PartialDate.parse(TODAY),
        material=Claim.Material.MESSAGE,
        via=[hrw],
        by=alice,
    )
    client = login(alice)
    url = reverse("claim_edit", args=[alices_case.public_id, claim.public_id])
    page = client.get(url).content.decode()
    assert f'<option value="{hrw.public_id}" selected>HRW</option>' in page
    assert 'name="dated_on" value="Nov 2021"' in page
    form = _form(orchid, statement="Held.", dated_on="Nov 2021", credibility="6")
    form.update(via_1=str(ore.public_id), via_2=str(hrw.public_id))
    assert client.post(url, form).status_code == 302
    assert [r.source.code_name for r in claim.relays.all()] == ["ORE", "HRW"]
    assert claim.history.latest().history_change_reason == "Came through: ORE → HRW"


@time_machine.travel("2026-12-06 12:00Z")
def test_a_defender_is_a_kind_of_source_on_the_form(login, alice, alices_case):
    client = login(alice)
    url = reverse("source_add", args=[alices_case.public_id])
    assert "Human rights defender / activist" in client.get(url).content.decode()
    response = client.post(url, {"code_name": "ORE", "kind": "defender", "reliability": "F"})
    assert response.status_code == 302
    assert Source.objects.get(case=alices_case).kind == Source.Kind.DEFENDER


def test_the_chain_pickers_appear_once_there_is_another_source(login, alice, alices_case, orchid):
    """With one source a claim cannot have come through anyone else on record."""
    client = login(alice)
    assert 'name="via_1"' not in client.get(_add_url(alices_case)).content.decode()
    _source(alices_case, alice, "HRW", Source.Kind.NGO)
    page = client.get(_add_url(alices_case)).content.decode()
    assert 'name="via_1"' in page and 'name="via_4"' in page
    assert "Came through, link 1 (nearest the source)" in page


@time_machine.travel("2026-12-06 12:00Z")
def test_the_case_page_shows_each_claims_chain_and_dates(login, alice, alices_case, orchid, hrw):
    for statement, dated_on, via in (
        ("Held by the security services.", PartialDate.parse("2021-11"), [hrw]),
        ("He had lost his passport.", None, []),
    ):
        sources.claim_add(
            case=alices_case,
            source=orchid,
            topic=Claim.Topic.OTHER,
            statement=statement,
            dated_on=dated_on,
            received_on=PartialDate.parse(TODAY),
            material=Claim.Material.MESSAGE,
            via=via,
            by=alice,
        )
    page = login(alice).get(alices_case.get_absolute_url()).content.decode()
    assert "ORCHID → via HRW → us" in page
    assert "information dated Nov 2021 · received 6 Dec 2026" in page
    assert "undated</span> · received 6 Dec 2026" in page
    assert "Information dated: when the source learned or said it" in page
