"""Opening and editing cases through the pages a caseworker uses."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from habeas.cases.models import Case, CaseMember, Status

VALID = {
    "person_name": "Рустам Исаков",
    "person_name_script": "",
    "reference": "TM-2026-001",
    "country": "TM",
    "summary": "Texted a trusted contact, then silence.",
    "disappeared_on": "2021-10-20 12:43",
    "disappeared_place": "Istanbul",
    "last_contact_on": "20 Oct 2021 12:43",
    "last_contact_place": "His flat",
    "last_contact_channel": "messenger",
    "last_contact_source_code_name": "ROWAN",
    "last_contact_message": "Police are here, I'm hiding.",
    "risk_torture": "on",
    "priority": "1",
    "tags": "exile, transnational repression",
}


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_opening_a_case_records_person_last_contact_and_first_status(login, alice):
    client = login(alice)
    response = client.post("/cases/new/", VALID)

    case = Case.objects.get(reference="TM-2026-001")
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    person = case.people.get()
    assert person.display_name == "Рустам Исаков"
    assert person.names.get().script == "Cyrl"
    assert case.last_contact_on.display() == "20 Oct 2021, 12:43"
    assert case.last_contact_on.precision == "minute"
    assert case.last_contact_message == "Police are here, I'm hiding."
    assert case.last_contact_source.code_name == "ROWAN"  # a source of the case, by code name
    assert case.risk_torture and not case.risk_health
    assert sorted(t.name for t in case.tags.all()) == ["exile", "transnational repression"]
    assert case.current_status == Status.REPORTED_MISSING
    assert case.members.get().user == alice
    assert case.members.get().role == CaseMember.Role.LEAD


def test_urgent_window_closes_three_months_after_the_earliest_possible_day(alice):
    from habeas.cases import services
    from habeas.lib.partialdate import PartialDate

    person = services.person_create(name="A B", by=alice)
    only_month = services.case_create(
        reference="X-1",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-11"),
        by=alice,
    )
    end_of_month = services.case_create(
        reference="X-2",
        person=person,
        country="TM",
        disappeared_on=PartialDate.parse("2021-11-30"),
        by=alice,
    )
    assert str(only_month.urgent_window_closes) == "2022-02-01"
    assert str(end_of_month.urgent_window_closes) == "2022-02-28"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("disappeared_on", "2021-02-31", "There is no 31 February 2021."),
        (
            "disappeared_on",
            "between 22 and 20 Oct 2021",
            "The end of the range is before its start.",
        ),
        ("disappeared_on", "2099-01-01", "is in the future"),
        ("disappeared_on", "last Tuesday", "Could not read"),
        ("last_contact_channel", "carrier pigeon", "Select a valid choice"),
        ("priority", "9", "Select a valid choice"),
        ("country", "XX", "Select a valid choice"),
        ("person_name", "   ", "This field is required"),
        ("reference", "", "This field is required"),
        ("summary", "x" * 20001, "at most 20000 characters"),
        ("last_contact_on", "2021-10-25", "is after the disappearance"),
    ],
)
def test_bad_input_comes_back_with_a_message_and_the_input_kept(
    login, alice, field, value, message
):
    client = login(alice)
    data = {**VALID, field: value}
    response = client.post("/cases/new/", data)

    assert response.status_code == 400
    assert not Case.objects.exists()
    assert message in response.content.decode()
    # Everything else the user typed is still in the form.
    page = response.content.decode()
    assert "Istanbul" in page
    assert "Police are here, I&#x27;m hiding." in page


def test_a_duplicate_reference_is_refused_with_a_clear_message(login, alice, alices_case):
    client = login(alice)
    response = client.post("/cases/new/", {**VALID, "reference": alices_case.reference})
    assert response.status_code == 400
    assert "This reference cannot be used. Choose another." in response.content.decode()
    assert Case.objects.count() == 1


def test_editing_a_case_keeps_its_status_history(login, alice, alices_case):
    client = login(alice)
    url = reverse("case_edit", args=[alices_case.public_id])
    form = client.get(url).context["forms"][0]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "disappeared_on": "2021-10-20",
            "last_contact_on": "2021-10-20",
            "tags": "prison",
            "priority": "2",
            "country": "TM",
            "reference": "TM-2021-003",
        }
    )
    data = {
        k: (str(v) if not isinstance(v, bool) else ("on" if v else "")) for k, v in data.items()
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    alices_case.refresh_from_db()
    assert alices_case.priority == 2
    assert alices_case.disappeared_on.precision == "day"
    assert alices_case.statuses.count() == 1


def test_unknown_ids_are_404(login, alice):
    client = login(alice)
    missing = "00000000-0000-0000-0000-000000000000"
    for url in (
        f"/cases/{missing}/",
        f"/cases/{missing}/edit/",
        f"/people/{missing}/",
        f"/actors/{missing}/",
        "/cases/not-a-uuid/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "path",
    [
        "/cases/{case}/",
        "/cases/{case}/edit/",
        "/cases/{case}/status/new/",
        "/cases/{case}/events/new/",
        "/cases/{case}/sources/new/",
        "/cases/{case}/claims/new/",
        "/cases/{case}/claims/link/",
        "/people/{person}/",
        "/people/{person}/edit/",
        "/people/{person}/names/new/",
        "/people/{person}/relatives/new/",
    ],
)
def test_outsider_gets_404_for_everything_about_a_case(login, charlie, alices_case, path):
    client = login(charlie)
    url = path.format(case=alices_case.public_id, person=alices_case.people.get().public_id)
    assert client.get(url).status_code == 404
    if path in ("/cases/{case}/", "/people/{person}/"):
        # Pages that only show: POST is refused before anything is looked up, the same
        # for any id, so the answer tells nothing about the case.
        assert client.post(url, {}).status_code == 405
        assert client.post(path.format(case=uuid.uuid4(), person=uuid.uuid4())).status_code == 405
    else:
        assert client.post(url, {}).status_code == 404


def test_outsider_does_not_see_the_case_in_lists_or_search(login, charlie, alices_case):
    client = login(charlie)
    assert alices_case.reference not in client.get("/").content.decode()
    assert alices_case.reference not in client.get("/cases/").content.decode()
    results = client.get("/search/?q=Isakow")
    assert results.context["rows"] == []
    assert "Рустам" not in results.content.decode()


def test_read_only_member_reads_but_cannot_change(login, vera, alices_case):
    client = login(vera)
    assert client.get(alices_case.get_absolute_url()).status_code == 200
    assert client.get(reverse("case_edit", args=[alices_case.public_id])).status_code == 404
    assert client.post(reverse("event_add", args=[alices_case.public_id]), {}).status_code == 404
    assert "Edit case" not in client.get(alices_case.get_absolute_url()).content.decode()


def test_case_list_filters_and_reports_invalid_filters(login, alice, alices_case):
    from habeas.cases import services

    person = services.person_create(name="Ahmed Musaev", by=alice)
    services.case_create(reference="RU-2000-014", person=person, country="RU", priority=3, by=alice)
    client = login(alice)

    page = client.get("/cases/?country=ru").content.decode()
    assert "RU-2000-014" in page and "TM-2021-003" not in page

    page = client.get("/cases/?priority=1").content.decode()
    assert "RU-2000-014" not in page

    response = client.get("/cases/?silent_days=abc&priority=9")
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()


def test_silent_filter_counts_days_since_new_information(login, alice, alices_case):
    import time_machine
    from django.utils import timezone

    from habeas.cases import services
    from habeas.lib.partialdate import PartialDate

    # Silent since its latest dated information: a sighting dated today.
    services.event_add(
        case=alices_case,
        kind="sighting",
        occurred_on=PartialDate.parse(timezone.localdate().isoformat()),
        description="Seen at the prison gate.",
        by=alice,
    )
    client = login(alice)
    assert "TM-2021-003" not in client.get("/cases/?silent_days=5").content.decode()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=6)):
        client = login(alice)  # the old session has expired by then
        assert "TM-2021-003" in client.get("/cases/?silent_days=5").content.decode()


def _pager_link(html: str, label: str) -> str:
    import re
    from html import unescape

    found = re.search(rf'<a (?:rel="\w+" )?href="([^"]+)">{label}</a>', html)
    assert found, f"no {label} link"
    return "/cases/" + unescape(found.group(1))


def _references(html: str) -> list[str]:
    import re

    return re.findall(r">(P-\d{3})<", html)


@pytest.mark.parametrize("few_cases", [5_000, 0], ids=["from-memberships", "from-the-index"])
def test_case_list_pages_forward_and_back_by_cursor(login, alice, monkeypatch, few_cases):
    from habeas.cases import access, services

    # The same pages whichever query shape serves them (see cases_listed_for).
    monkeypatch.setattr(access, "FEW_CASES", few_cases)
    person = services.person_create(name="A B", by=alice)
    for i in range(105):
        services.case_create(reference=f"P-{i:03}", person=person, country="TM", by=alice)
    client = login(alice)
    first = client.get("/cases/").content.decode()
    assert "105 cases" in first
    assert _references(first) == [f"P-{i:03}" for i in range(50)]
    assert "Previous" not in first and "First" not in first

    second = client.get(_pager_link(first, "Next")).content.decode()
    assert _references(second) == [f"P-{i:03}" for i in range(50, 100)]
    third = client.get(_pager_link(second, "Next")).content.decode()
    assert _references(third) == [f"P-{i:03}" for i in range(100, 105)]
    assert "Next" not in third and "Last" not in third

    back = client.get(_pager_link(third, "Previous")).content.decode()
    assert _references(back) == _references(second)
    assert _references(client.get(_pager_link(back, "Previous")).content.decode()) == (
        _references(first)
    )
    last = client.get(_pager_link(first, "Last")).content.decode()
    assert _references(last) == [f"P-{i:03}" for i in range(55, 105)]
    assert "Next" not in last


def test_case_list_pager_keeps_the_filters(login, alice):
    from habeas.cases import services

    person = services.person_create(name="A B", by=alice)
    for i in range(60):
        country = "TM" if i % 2 else "UZ"
        services.case_create(reference=f"P-{i:03}", person=person, country=country, by=alice)
    client = login(alice)
    first = client.get("/cases/?country=TM").content.decode()
    assert "30 cases" in first and "Next" not in first
    assert all(int(ref[2:]) % 2 for ref in _references(first))


@pytest.mark.parametrize(
    "query",
    [
        "after=nonsense",
        "before=x:y",
        "after=²:X",
        "before=\u0661:X",
        "after=1:%00x",
        "after=99999:",
        "after=1:" + "Z" * 60,
        "page=999",
        "last=2",
    ],
)
def test_a_broken_page_link_gives_the_first_page(login, alice, alices_case, query):
    response = login(alice).get(f"/cases/?{query}")
    assert response.status_code == 200
    assert alices_case.reference in response.content.decode()


def test_a_cursor_past_the_end_gives_the_last_page(login, alice, alices_case):
    response = login(alice).get("/cases/?after=9:ZZZ")
    assert response.status_code == 200
    assert alices_case.reference in response.content.decode()


def test_a_filter_matching_more_than_the_cap_says_more_than(login, alice, monkeypatch):
    from habeas.cases import selectors, services

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    person = services.person_create(name="A B", by=alice)
    for i in range(5):
        services.case_create(reference=f"P-{i:03}", person=person, country="TM", by=alice)
    client = login(alice)
    assert "More than 3 cases" in client.get("/cases/?country=TM").content.decode()
    assert "5 cases" in client.get("/cases/").content.decode()  # unfiltered: exact


def test_silence_counts_from_the_latest_information_not_from_typing_it_in(alice, alices_case):
    """Backfilled history leaves the "silent for" counter alone; news resets it: a
    claim counts by when the source said it, not by when it was received."""
    from datetime import timedelta

    import time_machine

    from habeas.cases import services
    from habeas.lib.partialdate import PartialDate
    from habeas.sources import services as sources

    case = alices_case
    contact = case.last_info_at  # the end of the last contact's day, 20 Oct 2021
    later = contact + timedelta(days=40)
    with time_machine.travel(later, tick=False):
        services.event_add(
            case=case,
            kind="threat",
            occurred_on=PartialDate.parse("2019"),
            description="An old threat, entered today.",
            by=alice,
        )
        source = sources.source_add(case=case, code_name="WREN", kind="witness", by=alice)
        sources.claim_add(
            case=case,
            source=source,
            topic="event",
            statement="Heard in 2020 that he was watched.",
            dated_on=PartialDate.parse("2020-05"),
            received_on=PartialDate.parse(later.date().isoformat()),
            material="testimony",
            by=alice,
        )
        case.refresh_from_db()
        assert case.last_info_at == contact
        assert case.days_since_info(later.date()) == 40

        sources.claim_add(
            case=case,
            source=source,
            topic="whereabouts",
            statement="Seen in a prison van this morning.",
            dated_on=PartialDate.parse(later.date().isoformat()),
            received_on=PartialDate.parse(later.date().isoformat()),
            material="testimony",
            by=alice,
        )
        case.refresh_from_db()
        assert case.last_info_at == later  # dated today: news now, not at midnight
        assert case.days_since_info(later.date()) == 0


def test_information_dated_in_the_past_counts_up_to_the_end_of_its_day(alice, alices_case):
    from datetime import datetime, timedelta

    import time_machine
    from django.utils import timezone

    from habeas.cases import services
    from habeas.lib.partialdate import PartialDate

    case = alices_case
    start = case.last_info_at
    with time_machine.travel(start + timedelta(days=10), tick=False):
        sighting = (start + timedelta(days=8)).date()
        services.event_add(
            case=case,
            kind="sighting",
            occurred_on=PartialDate.parse(sighting.isoformat()),
            description="Seen in a courtyard.",
            by=alice,
        )
    case.refresh_from_db()
    end_of_that_day = timezone.make_aware(
        datetime.combine(sighting + timedelta(days=1), datetime.min.time())
    )
    assert case.last_info_at == end_of_that_day


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reference", "tm-2021-003", "This reference cannot be used. Choose another."),
        ("reference", "\u200b", "Enter a reference"),
        ("person_name", "\u200b\u200b", "Enter the person&#x27;s name."),
    ],
)
def test_invisible_or_case_only_different_text_is_refused(
    login, alice, alices_case, field, value, message
):
    response = login(alice).post("/cases/new/", {**VALID, field: value})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and "Istanbul" in page
    assert Case.objects.count() == 1


def test_a_reference_is_stored_without_invisible_characters(login, alice):
    response = login(alice).post("/cases/new/", {**VALID, "reference": "TM-2021-\u202e009"})
    assert response.status_code == 302
    assert Case.objects.get().reference == "TM-2021-009"


def test_services_refuse_invisible_names_and_duplicate_references(alice, alices_case):
    from django.core.exceptions import ValidationError

    from habeas.cases import services

    with pytest.raises(ValidationError):
        services.person_create(name="\u200b", by=alice)
    person = alices_case.people.get()
    with pytest.raises(ValidationError):
        services.person_name_add(person=person, text="\u200b \u200b", by=alice)
    with pytest.raises(ValidationError):
        services.case_create(reference=alices_case.reference.lower(), person=person,
                             country="TM", by=alice)  # fmt: skip


def test_dates_that_contradict_other_records_are_refused(login, alice, alices_case):
    """A status before the disappearance, a birth after it, a claim received before the
    event it reports: each form says which two dates disagree and keeps the input."""
    from habeas.cases import services
    from habeas.lib.partialdate import PartialDate
    from habeas.sources import services as sources

    case = alices_case
    services.case_update(case=case, disappeared_on=PartialDate.parse("2021-10-20"), by=alice)
    client = login(alice)

    response = client.post(
        reverse("status_add", args=[case.public_id]),
        {"status": "released", "asserted_on": "1990-01-01", "basis": "KEPT-BASIS"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This is before the disappearance (20 Oct 2021)." in page and "KEPT-BASIS" in page
    response = client.post(
        reverse("status_add", args=[case.public_id]),
        {"status": "released", "asserted_on": "0001-01-01", "basis": "x"},
    )
    assert response.status_code == 400 and "Enter a date after 1800." in response.content.decode()
    assert case.statuses.count() == 1

    person = case.people.get()
    response = client.post(reverse("person_edit", args=[person.public_id]), {"birth_date": "2022"})
    assert response.status_code == 400
    assert "was born 2022, after the disappearance (20 Oct 2021)." in response.content.decode()
    person.refresh_from_db()
    assert person.birth_date is None

    event = services.event_add(
        case=case,
        kind="arrest",
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Taken from the flat.",
        by=alice,
    )
    source = sources.source_add(case=case, code_name="WREN", kind="witness", by=alice)
    response = client.post(
        reverse("claim_add", args=[case.public_id]),
        {
            "source": str(source.public_id),
            "event": str(event.public_id),
            "topic": "event",
            "statement": "KEPT-STATEMENT",
            "received_on": "2010",
            "material": "testimony",
            "credibility": "6",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Received 2010, before the event it is about (20 Oct 2021)." in page
    assert "KEPT-STATEMENT" in page
    assert not case.claims.exists()


def test_a_disappearance_before_the_birth_is_refused_when_opening_a_case(login, alice):
    from django.core.exceptions import ValidationError

    from habeas.cases import services
    from habeas.lib.partialdate import PartialDate

    person = services.person_create(
        name="Ахмед Исаков", by=alice, birth_date=PartialDate.parse("1988")
    )
    with pytest.raises(ValidationError) as refused:
        services.case_create(reference="TM-1980-001", person=person, country="TM",
                             disappeared_on=PartialDate.parse("1980"), by=alice)  # fmt: skip
    assert "after the disappearance" in str(refused.value)


def test_another_case_is_opened_for_a_person_already_recorded(login, alice, charlie, alices_case):
    """Taken again after a release: the new case holds the same person, names and all."""
    person = alices_case.people.get()
    client = login(alice)
    url = f"/cases/new/?person={person.public_id}"
    page = client.get(url).content.decode()
    assert "Open another case for Рустам Исаков" in page
    assert 'name="person_name"' not in page
    data = {k: v for k, v in VALID.items() if not k.startswith("person_name")}
    response = client.post(url, {**data, "reference": "TM-2024-001"})
    assert response.status_code == 302
    second = Case.objects.get(reference="TM-2024-001")
    assert list(second.people.all()) == [person]
    assert person.names.count() == 2  # no new person, no new name
    assert second.members.get(user=alice).may_see_sources  # she held the grant already
    # Someone who cannot see the person cannot open a case for them.
    assert login(charlie).get(url).status_code == 404
    assert login(charlie).post(url, {**data, "reference": "X-1"}).status_code == 404
    assert client.get("/cases/new/?person=not-a-uuid").status_code == 404
    assert not Case.objects.filter(reference="X-1").exists()


def test_a_case_for_a_known_person_grants_nothing_the_opener_lacked(login, bob, vera, alices_case):
    person = alices_case.people.get()
    url = f"/cases/new/?person={person.public_id}"
    assert login(vera).get(url).status_code == 404  # read-only: writes nothing
    data = {k: v for k, v in VALID.items() if not k.startswith("person_name")}
    assert login(bob).post(url, {**data, "reference": "TM-2024-002"}).status_code == 302
    second = Case.objects.get(reference="TM-2024-002")
    assert not second.members.get(user=bob).may_see_sources


def test_a_case_edit_is_audited_with_the_fields_that_changed_only(login, alice):
    from habeas.audit.models import AuditEntry

    client = login(alice)
    assert client.post("/cases/new/", VALID).status_code == 302
    case = Case.objects.get()
    form = {k: v for k, v in VALID.items() if not k.startswith("person_name")}
    edited = {**form, "priority": "2", "last_contact_message": "They took my phone."}
    edited["last_contact_source"] = str(case.last_contact_source.public_id)  # kept as it is
    assert client.post(f"/cases/{case.public_id}/edit/", edited).status_code == 302
    entry = AuditEntry.objects.get(action="case.update")
    assert entry.detail == {"fields": ["last_contact_message", "priority"]}
