"""What real reports say, through the case, event, actor, name and relative forms
(issue 13; first-use review bugs 6, 7, 8 and section 3 items 1, 2, 6, 7, 9, 11)."""

from __future__ import annotations

import html

import pytest

from habeas.cases import services as cases
from habeas.cases.models import Actor, Case, Event, EventActor, PersonName, Priority
from habeas.lib.partialdate import PartialDate
from habeas.sources import services as sources
from habeas.sources.models import Source

OPEN = {
    "person_name": "Azat Isakov",
    "person_name_script": "",
    "reference": "TM-2021-101",
    "country": "TM",
    "summary": "",
    "disappeared_on": "20.10.2021",
    "disappeared_place": "Moscow region",
    "last_contact_on": "20 Oct 2021",
    "last_contact_place": "",
    "last_contact_channel": "text",
    "last_contact_message": "The police are here.",
    "priority": "3",
    "tags": "",
}


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _event_post(**fields):
    data = {
        "kind": "arrest",
        "occurred_on": "2021-10-21",
        "description": "Something happened.",
        "actors-TOTAL_FORMS": "1",
        "actors-INITIAL_FORMS": "0",
        "actors-0-actor": "",
        "actors-0-role": "",
    }
    data.update(fields)
    return data


def _wgeid(client, case) -> str:
    url = f"/cases/{case.public_id}/advocacy/document/?doc=wgeid&lang=en&format=html"
    response = client.get(url)
    assert response.status_code == 200
    return _page(response)


# --- two States (section 3 item 1) ------------------------------------------------------


def test_the_opening_form_records_where_he_was_taken_apart_from_the_state_concerned(login, alice):
    client = login(alice)
    response = client.post("/cases/new/", {**OPEN, "taken_in_country": "RU"})
    assert response.status_code == 302
    case = Case.objects.get(reference="TM-2021-101")
    assert (case.country.code, case.taken_in_country.code) == ("TM", "RU")
    page = _page(client.get(case.get_absolute_url()))
    assert "Country concerned</dt><dd>Turkmenistan" in page
    assert "Taken in</dt><dd>Russia" in page

    edited = client.post(
        f"/cases/{case.public_id}/edit/",
        {**OPEN, "taken_in_country": "KZ", "last_contact_source": ""},
    )
    assert edited.status_code == 302
    case.refresh_from_db()
    assert case.taken_in_country.code == "KZ"


def test_the_un_submission_names_the_country_where_he_was_taken_when_it_differs(
    login, alice, alices_case
):
    client = login(alice)
    form = {**OPEN, "reference": alices_case.reference, "disappeared_place": "Moscow"}
    del form["person_name"], form["person_name_script"]
    assert client.post(f"/cases/{alices_case.public_id}/edit/", form).status_code == 302
    document = _wgeid(client, alices_case)
    assert "Place of arrest, abduction or where last seen: Moscow\n" in document or (
        "where last seen: Moscow<" in document
    )
    assert "Country: Turkmenistan" in document

    form["taken_in_country"] = "RU"
    assert client.post(f"/cases/{alices_case.public_id}/edit/", form).status_code == 302
    document = _wgeid(client, alices_case)
    assert "where last seen: Moscow, Russia" in document
    assert "Country: Turkmenistan" in document


# --- last contact: with whom (bug 6) ----------------------------------------------------


def test_the_opening_form_warns_to_use_a_code_name_and_makes_it_a_source(login, alice):
    client = login(alice)
    form = _page(client.get("/cases/new/"))
    assert "never a real name" in form
    assert 'name="last_contact_source_code_name"' in form
    response = client.post(
        "/cases/new/",
        {
            **OPEN,
            "last_contact_source_code_name": " ORCHID ",
            "last_contact_source_kind": "defender",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(reference="TM-2021-101")
    source = case.last_contact_source
    assert (source.case, source.code_name, source.kind) == (case, "ORCHID", Source.Kind.DEFENDER)
    assert source.identity == ""
    page = _page(client.get(case.get_absolute_url()))
    assert "With whom</dt><dd><a href" in page and ">ORCHID</a>" in page


def test_the_last_contact_source_kind_is_a_witness_unless_chosen(login, alice):
    client = login(alice)
    undated = {**OPEN, "last_contact_on": "", "last_contact_source_code_name": "ORCHID"}
    response = client.post("/cases/new/", undated)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.last_contact_source.kind == Source.Kind.WITNESS
    page = _page(client.get(case.get_absolute_url()))  # shown even without a date
    assert "When</dt><dd>date unknown" in page and ">ORCHID</a>" in page


def test_a_read_only_member_without_the_grant_never_sees_who_had_the_last_contact(
    login, alice, bob, vera
):
    """Bug 6's repro: the real name typed where the old form had free text."""
    client = login(alice)
    response = client.post(
        "/cases/new/",
        {
            **OPEN,
            "last_contact_with": "Chemen Ore, in exile in Nepal",  # the old field's name
            "last_contact_source_code_name": "ORCHID",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(reference="TM-2021-101")
    sources.source_update(
        source=case.last_contact_source, identity="Chemen Ore, in exile in Nepal", by=alice
    )
    cases.case_member_set(case=case, user=vera, role="read_only", by=alice)
    viewer = login(vera)
    for url in (case.get_absolute_url(), f"/cases/{case.public_id}/history/"):
        page = _page(viewer.get(url))
        assert "ORCHID" in page
        assert "Chemen" not in page and "Nepal" not in page


def test_the_edit_form_picks_who_had_the_last_contact_from_this_cases_sources_only(
    login, alice, contested_case
):
    other = cases.case_create(
        reference="TM-2021-900",
        person=cases.person_create(name="Other Person", by=alice),
        country="TM",
        by=alice,
    )
    elsewhere = sources.source_add(case=other, code_name="ELSEWHERE", kind="witness", by=alice)
    lark = contested_case.sources.get(code_name="LARK")
    client = login(alice)
    url = f"/cases/{contested_case.public_id}/edit/"
    form = _page(client.get(url))
    assert f'<option value="{lark.public_id}">LARK</option>' in form
    assert "ELSEWHERE" not in form and "CANARY-IDENTITY" not in form
    data = {**OPEN, "reference": contested_case.reference}
    del data["person_name"], data["person_name_script"]
    refused = client.post(url, {**data, "last_contact_source": str(elsewhere.public_id)})
    assert refused.status_code == 400
    assert client.post(url, {**data, "last_contact_source": str(lark.public_id)}).status_code == 302
    contested_case.refresh_from_db()
    assert contested_case.last_contact_source == lark


# --- contact channels (item 2) ----------------------------------------------------------


def test_the_channels_text_message_app_unknown_and_unknown_are_offered(login, alice):
    client = login(alice)
    form = _page(client.get("/cases/new/"))
    assert ">Text message, app unknown</option>" in form and ">Unknown</option>" in form
    assert (
        client.post("/cases/new/", {**OPEN, "last_contact_channel": "unknown"}).status_code == 302
    )
    assert Case.objects.get().last_contact_channel == "unknown"


# --- event kinds and steps taken (item 6) ----------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sent", "expected"),
    [
        ("inquiry", None, True),
        ("court_filing", None, True),
        ("family_search", None, True),
        ("police_visit", None, False),
        ("police_visit", "on", True),
        ("inquiry", "off", False),
    ],
)
def test_the_event_form_says_whether_it_was_a_step_taken_to_find_the_person(
    login, alice, alices_case, kind, sent, expected
):
    data = _event_post(kind=kind)
    if sent is not None:
        data["search_step"] = sent
    response = login(alice).post(f"/cases/{alices_case.public_id}/events/new/", data)
    assert response.status_code == 302
    assert alices_case.events.get().search_step is expected


def test_the_event_form_offers_the_new_kinds_and_the_step_choice(login, alice, alices_case):
    form = _page(login(alice).get(f"/cases/{alices_case.public_id}/events/new/"))
    for label in (
        "Police visit, raid or search",
        "Inquiry by an NGO or a lawyer",
        "Court filing (habeas corpus, complaint, appeal)",
    ):
        assert f">{label}</option>" in form
    assert 'name="search_step"' in form


def test_an_edited_event_keeps_or_changes_its_step(login, alice, alices_case):
    event = cases.event_add(
        case=alices_case,
        kind=Event.Kind.INQUIRY,
        occurred_on=PartialDate.parse("2021-11"),
        description="A lawyer wrote to the ministry.",
        by=alice,
    )
    assert event.search_step  # on by default for an inquiry
    url = f"/cases/{alices_case.public_id}/events/{event.public_id}/edit/"
    client = login(alice)
    assert '<option value="on" selected>' in client.get(url).content.decode()
    data = _event_post(kind="inquiry", occurred_on="Nov 2021", search_step="off")
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert not event.search_step


def test_the_un_submission_lists_the_steps_taken_by_their_flag_not_their_kind(
    login, alice, alices_case
):
    common = {"case": alices_case, "by": alice, "clearance": Event.Clearance.UN}
    cases.event_add(
        kind=Event.Kind.POLICE_VISIT,
        occurred_on=PartialDate.parse("2021-10-25"),
        description="Police searched the flat of a friend who asked after him.",
        search_step=True,
        **common,
    )
    cases.event_add(
        kind=Event.Kind.SEARCH_BY_FAMILY,
        occurred_on=PartialDate.parse("2021-10-22"),
        description="His mother went to the market.",
        search_step=False,
        **common,
    )
    cases.event_add(
        kind=Event.Kind.INQUIRY,
        occurred_on=PartialDate.parse("2021-11-02"),
        description="An activist wrote to the Russian ministry.",
        **common,
    )
    document = _wgeid(login(alice), alices_case)
    steps = document.split("Steps taken to find the person", 1)[1]
    assert "Police searched the flat" in steps
    assert "An activist wrote to the Russian ministry." in steps
    assert "His mother went to the market." not in steps


# --- actor role chosen, never defaulted (item 7) ---------------------------------------


def test_the_actor_rows_start_with_no_role_and_a_missing_role_is_refused_input_kept(
    login, alice, alices_case
):
    police = cases.actor_create(name="Police", country="RU", by=alice)
    client = login(alice)
    url = f"/cases/{alices_case.public_id}/events/new/"
    form = client.get(url).content.decode()
    assert '<option value="" selected>Choose the role</option>' in form
    assert '<option value="alleged_perpetrator" selected>' not in form
    response = client.post(
        url,
        _event_post(
            description="Officers came to the door.",
            **{"actors-0-actor": str(police.pk)},
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say what role this actor played." in page
    assert "Officers came to the door." in page
    assert f'<option value="{police.pk}" selected>' in page
    assert not alices_case.events.exists()
    ok = client.post(
        url,
        _event_post(**{"actors-0-actor": str(police.pk), "actors-0-role": "spokesperson"}),
    )
    assert ok.status_code == 302
    assert EventActor.objects.get().role == EventActor.Role.SPOKESPERSON


# --- actors with their State (bug 7) ---------------------------------------------------


def test_two_ministries_of_internal_affairs_never_look_alike(login, alice, alices_case):
    russian = cases.actor_create(name="Ministry of Internal Affairs", country="RU", by=alice)
    turkmen = cases.actor_create(name="Ministry of Internal Affairs", country="TM", by=alice)
    police = cases.actor_create(name="Police", kind="unit", parent=russian, by=alice)
    client = login(alice)
    ru, tm = "Ministry of Internal Affairs (Russia)", "Ministry of Internal Affairs (Turkmenistan)"

    event_form = _page(client.get(f"/cases/{alices_case.public_id}/events/new/"))
    actor_form = _page(client.get("/actors/new/"))
    actor_list = _page(client.get("/actors/"))
    for page in (event_form, actor_form):
        assert f">{ru}</option>" in page and f">{tm}</option>" in page
        assert ">Ministry of Internal Affairs › Police (Russia)</option>" in page
    assert "Russia" in actor_list and "Turkmenistan" in actor_list
    assert f"<td>{ru}</td>" in actor_list  # the police's "Part of"
    detail = _page(client.get(police.get_absolute_url()))
    assert f">{ru}</a>" in detail

    response = client.post(
        f"/cases/{alices_case.public_id}/events/new/",
        _event_post(
            kind="transfer",
            clearance="un",
            **{
                "actors-TOTAL_FORMS": "2",
                "actors-0-actor": str(police.pk),
                "actors-0-role": "alleged_perpetrator",
                "actors-1-actor": str(turkmen.pk),
                "actors-1-role": "holding_authority",
            },
        ),
    )
    assert response.status_code == 302
    case_page = _page(client.get(alices_case.get_absolute_url()))
    assert "Ministry of Internal Affairs › Police (Russia), alleged perpetrator" in case_page
    assert f"{tm}, holding authority" in case_page
    document = _wgeid(client, alices_case)
    forces = next(line for line in document.split("<p>") if "Forces believed" in line)
    assert "Ministry of Internal Affairs › Police (Russia)" in forces and tm in forces


def test_an_actor_with_no_country_reads_as_before():
    assert str(Actor(name="Unknown men in plain clothes")) == "Unknown men in plain clothes"


# --- relatives known only by relationship (item 9) -------------------------------------


def test_a_relative_known_only_by_relationship_is_recorded_and_shown(login, alice, alices_case):
    person = alices_case.people.get()
    client = login(alice)
    response = client.post(
        f"/people/{person.public_id}/relatives/new/", {"name": "", "relationship": "parents"}
    )
    assert response.status_code == 302
    page = _page(client.get(person.get_absolute_url()))
    assert "Parents (name not known)" in page
    assert "<li> (parents)" not in page
    history = _page(client.get(f"/cases/{alices_case.public_id}/history/"))
    assert "Relative Parents (name not known)" in history


# --- name kinds (item 11) ---------------------------------------------------------------


def test_the_opening_name_is_as_reported_unless_another_kind_is_chosen(login, alice):
    client = login(alice)
    form = _page(client.get("/cases/new/"))
    assert '<option value="reported" selected>As reported (not yet checked)</option>' in form
    assert client.post("/cases/new/", OPEN).status_code == 302
    assert PersonName.objects.get(text="Azat Isakov").kind == PersonName.Kind.REPORTED
    chosen = {**OPEN, "reference": "TM-2021-102", "person_name": "Azat Isakow"}
    assert client.post("/cases/new/", {**chosen, "person_name_kind": "official"}).status_code == 302
    assert PersonName.objects.get(text="Azat Isakow").kind == PersonName.Kind.OFFICIAL


def test_a_name_added_later_may_be_an_expected_variant(login, alice, alices_case):
    person = alices_case.people.get()
    client = login(alice)
    url = f"/people/{person.public_id}/names/new/"
    assert ">Expected variant, not yet seen in a source</option>" in _page(client.get(url))
    response = client.post(url, {"text": "Rustam Isakov", "kind": "expected"})
    assert response.status_code == 302
    assert person.names.get(text="Rustam Isakov").kind == PersonName.Kind.EXPECTED


# --- a risk that raises the priority says so (bug 8) -----------------------------------


def test_the_form_says_a_risk_raises_the_priority_and_the_page_says_it_did(login, alice):
    client = login(alice)
    form = _page(client.get("/cases/new/"))
    assert "Ticking it raises the priority to Urgent." in form
    assert "Ticking it raises the priority to High" in form
    response = client.post(
        "/cases/new/", {**OPEN, "priority": "2", "risk_torture": "on"}, follow=True
    )
    case = Case.objects.get()
    assert case.priority == Priority.URGENT
    assert "Priority raised to Urgent" in _page(response)


def test_an_edit_that_ticks_a_risk_says_the_priority_was_raised(login, alice, alices_case):
    client = login(alice)
    data = {**OPEN, "reference": alices_case.reference, "priority": "3"}
    del data["person_name"], data["person_name_script"]
    quiet = client.post(f"/cases/{alices_case.public_id}/edit/", data, follow=True)
    assert "Priority raised" not in _page(quiet)
    raised = client.post(
        f"/cases/{alices_case.public_id}/edit/",
        {**data, "risk_family_reprisals": "on"},
        follow=True,
    )
    assert "Priority raised to High" in _page(raised)
    alices_case.refresh_from_db()
    assert alices_case.priority == Priority.HIGH
