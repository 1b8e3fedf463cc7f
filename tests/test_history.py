"""The history of changes to cases, events, sources and claims."""

from __future__ import annotations

import html
import re

from django.db import connection

from habeas.audit.models import AuditEntry
from habeas.cases import history
from habeas.cases import services as cases
from habeas.cases.models import Case, Event, Person, PersonName, Relative
from habeas.sources import services as sources
from habeas.sources.models import Source


def test_a_case_edit_is_in_its_history_with_who_and_what(login, alice, bob, alices_case):
    cases.case_update(case=alices_case, priority=1, disappeared_place="Istanbul", by=bob)
    page = login(alice).get(f"/cases/{alices_case.public_id}/history/").content.decode()
    assert "bob changed" in page and "alice created" in page
    assert "Disappearance place" in page and "Istanbul" in page
    assert "Priority" in page


def test_claim_and_event_changes_are_in_the_case_history(login, alice, contested_case):
    claim = contested_case.claims.get(source__code_name="LARK")
    sources.claim_update(claim=claim, credibility=1, credibility_rationale="Seen.", by=alice)
    page = login(alice).get(f"/cases/{contested_case.public_id}/history/").content.decode()
    assert "Credibility" in page
    one = (
        login(alice)
        .get(f"/cases/{contested_case.public_id}/history/?record={claim.public_id}")
        .content.decode()
    )
    assert "Credibility" in one and "Case TM-2021-003" not in one


def test_confidential_changes_show_only_to_the_grant_and_stay_sealed(
    login, alice, bob, contested_case
):
    source = contested_case.sources.get(code_name="LARK")
    sources.source_update(source=source, identity="Cousin: CANARY-NEW-IDENTITY", by=alice)
    url = f"/cases/{contested_case.public_id}/history/"

    as_bob = login(bob).get(url).content.decode()
    assert "changed (confidential)" in as_bob
    assert "CANARY" not in as_bob
    viewed = AuditEntry.objects.filter(action="source.identity_viewed")
    assert not viewed.exists()

    as_alice = login(alice).get(url).content.decode()
    assert "CANARY-NEW-IDENTITY" in as_alice
    # Seeing the identity in the history is recorded, as on the source's page.
    entry = viewed.get()
    assert (entry.actor_username, entry.detail) == ("alice", {"via": "history"})
    assert entry.target_id == str(source.public_id)

    with connection.cursor() as cursor:
        cursor.execute("SELECT identity FROM sources_historicalsource")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(v == "" or v.startswith("hv1$") for v in stored)
    assert not any("CANARY" in v for v in stored)
    assert (
        Source.history.filter(public_id=source.public_id)
        .latest()
        .identity.endswith("CANARY-NEW-IDENTITY")
    )


def test_the_last_contact_message_reads_the_same_in_the_history_as_on_the_case_page(
    login, bob, contested_case
):
    """One rule: the team that reads the message on the case page reads its changes."""
    case = contested_case
    cases.case_update(case=case, last_contact_message="They took my phone. CANARY-WORDS", by=bob)
    as_bob = login(bob)
    assert "CANARY-WORDS" in as_bob.get(f"/cases/{case.public_id}/").content.decode()
    history = as_bob.get(f"/cases/{case.public_id}/history/").content.decode()
    assert "CANARY-WORDS" in history and "Police are here" in history
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_contact_message FROM cases_historicalcase")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and not any("CANARY" in v or "Police" in v for v in stored)


def test_outsiders_get_404_for_a_case_history(login, charlie, alices_case):
    assert login(charlie).get(f"/cases/{alices_case.public_id}/history/").status_code == 404


def test_tags_people_actors_and_claim_links_are_in_the_history(login, alice, bob, contested_case):
    """Changes kept outside a record's own columns say what they were, and who."""
    from habeas.lib.partialdate import PartialDate

    case = contested_case
    cases.case_update(case=case, tags=["exile", "turkey"], by=alice)
    cases.case_update(case=case, tags=["exile", "torture"], by=bob)
    cases.case_person_add(case=case, name="Ахмед Исаков", by=bob)
    mnb = cases.actor_create(name="MNB", kind="agency", by=alice)
    police = cases.actor_create(name="Istanbul police", kind="agency", by=alice)
    event = cases.event_add(
        case=case,
        kind="arrest",
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Taken from the flat.",
        actors=[(police, "alleged_perpetrator")],
        by=alice,
    )
    cases.event_update(event=event, actors=[(mnb, "alleged_perpetrator")], by=bob)
    ministry, cousin = (case.claims.get(source__code_name=c) for c in ("HOST-MOI", "LARK"))
    sources.claims_link(case=case, first=ministry, second=cousin, kind="contradicts", by=bob)

    page = login(alice).get(f"/cases/{case.public_id}/history/").content.decode()
    assert "Tags: added exile, turkey" in page
    assert "Tags: added torture; removed turkey" in page
    assert "People: added Ахмед Исаков" in page
    assert "Actors: added Istanbul police (Alleged perpetrator)" in page
    assert (
        "Actors: added MNB (Alleged perpetrator); removed Istanbul police (Alleged perpetrator)"
        in page
    )
    assert "Linked: contradicts the claim of LARK received" in page
    assert "Linked: contradicts the claim of HOST-MOI received" in page
    one = login(alice).get(f"/cases/{case.public_id}/history/?record={event.public_id}")
    assert "bob changed" in one.content.decode()
    assert "removed Istanbul police" in one.content.decode()
    # Saving the same tags again adds nothing to the history.
    before = case.history.count()
    cases.case_update(case=case, tags=["torture", "exile"], by=alice)
    assert "Tags:" not in (case.history.latest().history_change_reason or "")
    assert case.history.count() == before


# --- The newest changes first, older ones a page away (so no flood of saves hides one) --


def _words(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _older_link(response) -> str:
    found = re.search(r'href="(\?[^"]*before=[^"]*)"', response.content.decode())
    return html.unescape(found.group(1)) if found else ""


def test_the_history_shows_the_newest_changes_and_pages_to_older_ones(
    login, alice, alices_case, monkeypatch
):
    """
    GIVEN a history longer than a page (the page cut down to 5 rows here)
    WHEN alice opens the case's history, and the person's
    THEN the newest change is there, with its value before, and a link to older ones
    AND following the links reaches the oldest change, each change once.
    """
    monkeypatch.setattr(history, "HISTORY_LIMIT", 5)
    person = alices_case.people.get()
    client = login(alice)
    for n in range(1, 13):
        edit = client.post(f"/people/{person.public_id}/edit/", {"description": f"DESC-{n:02}"})
        assert edit.status_code == 302

    for start in (
        f"/cases/{alices_case.public_id}/history/",
        f"/cases/{alices_case.public_id}/history/?record={person.public_id}",
    ):
        first = client.get(start)
        assert first.status_code == 200
        page = _words(first)
        assert "Description DESC-11 DESC-12" in page  # the newest, with the value it replaced
        assert "DESC-01" not in page and "Older changes are on the next page." in page
        seen, url, pages, opened = [], _older_link(first), 1, page.count("created Case")
        seen += re.findall(r"Description \S+ (DESC-\d\d)", page)
        while url:
            older = client.get(start.split("?")[0] + url)
            assert older.status_code == 200
            seen += re.findall(r"Description \S+ (DESC-\d\d)", _words(older))
            opened += _words(older).count("created Case")
            url, pages = _older_link(older), pages + 1
            assert pages < 10
        # DESC-01 was the first value entered: a change from "—", listed like the rest.
        assert sorted(seen) == [f"DESC-{n:02}" for n in range(1, 13)]
        assert len(seen) == len(set(seen))
        assert opened == (0 if "record=" in start else 1)  # each change on one page only


def test_no_change_is_shown_twice_or_skipped_across_pages(login, alice, alices_case, monkeypatch):
    """
    GIVEN a person edit, then a case edit, then six saves of the person that changed
          nothing (as versions before this one saved a form sent again)
    WHEN alice pages through the case's history (5 rows of each kind a page)
    THEN every change is shown once: the case's, older than the cut-off saves, waits
         for the page that reaches their time, and no page is empty.
    """
    monkeypatch.setattr(history, "HISTORY_LIMIT", 5)
    person = alices_case.people.get()
    client = login(alice)
    assert (
        client.post(f"/people/{person.public_id}/edit/", {"description": "DESC-A"}).status_code
        == 302
    )
    cases.case_update(case=alices_case, priority=1, by=alice)
    person.refresh_from_db()
    for _ in range(6):
        person.save()  # a history row that changes nothing

    start = f"/cases/{alices_case.public_id}/history/"
    words, url = [], "?"
    while url:
        response = client.get(start + url)
        assert response.status_code == 200
        words.append(_words(response))
        assert "No changes recorded." not in words[-1]
        url = _older_link(response)
        assert len(words) < 10
    everything = " ".join(words)
    assert everything.count("Priority") == 1
    assert everything.count("created Case") == 1
    assert everything.count("DESC-A") == 1


def test_a_malformed_history_cursor_shows_the_newest_page(login, alice, alices_case):
    url = f"/cases/{alices_case.public_id}/history/"
    client = login(alice)
    cursors = ("yesterday", "2026-12-01T10:00:00", "2026-13-01T10:00:00+00:00", "x" * 500)
    records = ("not-a-record", "name-99999999999999999999", "name-²", "name-")
    for cursor, record in zip(cursors, records, strict=True):
        response = client.get(url, {"before": cursor, "record": record})
        assert response.status_code == 200
        assert "No changes recorded." in response.content.decode()
    assert "Case TM-2021-003" in client.get(url, {"before": "nonsense"}).content.decode()


def test_the_reviewers_300_unchanged_saves_do_not_hide_a_real_change(login, bob, alices_case):
    """A flood meant to bury an edit: 300 saves of an unchanged form, then a real change."""
    person = alices_case.people.get()
    client = login(bob)
    data = {"description": "REWRITTENDESC-2", "birth_date": "1985-06-06"}
    url = f"/people/{person.public_id}/edit/"
    assert client.post(url, data).status_code == 302
    rows, entries = Person.history.count(), AuditEntry.objects.count()
    for _ in range(300):
        assert client.post(url, data).status_code == 302
    assert Person.history.count() == rows and AuditEntry.objects.count() == entries
    assert client.post(url, {**data, "description": "HIDDEN-REWRITE-3"}).status_code == 302
    for query in ("", f"?record={person.public_id}"):
        page = client.get(f"/cases/{alices_case.public_id}/history/{query}").content.decode()
        assert "HIDDEN-REWRITE-3" in page and "REWRITTENDESC-2" in page


def _unchanged_edits(person, relative, name, case, event, actor) -> list[tuple[str, dict]]:
    return [
        (f"/actors/{actor.public_id}/edit/", {"name": "MNB", "kind": "agency", "country": "TM"}),
        (f"/people/{person.public_id}/edit/", {"description": "Same.", "sex": "m"}),
        (
            f"/people/{person.public_id}/relatives/{relative.public_id}/edit/",
            {"name": "Mother", "relationship": "mother", "contact": "C-1", "notes": "N-1"},
        ),
        (
            f"/people/{person.public_id}/names/{name.public_id}/edit/",
            {"text": name.text, "kind": "official"},
        ),
        (
            f"/cases/{case.public_id}/edit/",
            {"reference": case.reference, "country": "TM", "priority": "2", "tags": "exile"},
        ),
        (
            f"/cases/{case.public_id}/events/{event.public_id}/edit/",
            {
                "kind": "arrest",
                "occurred_on": "2021-10-20",
                "description": "Taken.",
                "clearance": event.clearance,
                "actors-TOTAL_FORMS": "0",
                "actors-INITIAL_FORMS": "0",
            },
        ),
    ]


def test_an_edit_that_changes_nothing_leaves_no_trace(login, alice, alices_case):
    """
    GIVEN an actor, a person, a relative, a spelling, the case and an event, each saved once
    WHEN alice sends each edit form again as it is
    THEN the page says "Nothing changed.", and no history row or audit entry is added
    AND a real change afterwards is saved and audited as before.
    """
    from habeas.lib.partialdate import PartialDate

    person = alices_case.people.get()
    relative = cases.relative_add(
        person=person, name="Mother", relationship="mother", contact="C-1", notes="N-1", by=alice
    )
    name = person.names.get(is_primary=False)
    event = cases.event_add(
        case=alices_case,
        kind="arrest",
        occurred_on=PartialDate.parse("2021-10-20"),
        description="Taken.",
        by=alice,
    )
    actor = cases.actor_create(name="MNB", kind="agency", country="TM", by=alice)
    client = login(alice)
    edits = _unchanged_edits(person, relative, name, alices_case, event, actor)
    for url, data in edits:  # the first save of each form (values as the form sends them)
        first = client.post(url, data)
        assert first.status_code == 302, (url, _words(first))

    def traces() -> tuple[int, ...]:
        tables = (Person, Relative, PersonName, Case, Event)
        # The person page a save returns to records that alice read the contact.
        writes = AuditEntry.objects.exclude(action="relative.contact_viewed")
        return (writes.count(), *(model.history.count() for model in tables))

    before = traces()
    for url, data in edits:
        again = client.post(url, data, follow=True)
        assert again.status_code == 200
        assert "Nothing changed." in again.content.decode(), url
    assert traces() == before

    person_edit = edits[1]
    changed = client.post(person_edit[0], {**person_edit[1], "description": "Other."}, follow=True)
    assert "Person updated." in changed.content.decode()
    assert AuditEntry.objects.filter(action="person.update").latest("pk").detail == {
        "fields": ["description"]
    }
    assert traces()[:2] == (before[0] + 1, before[1] + 1)


def test_a_spellings_history_link_shows_that_spelling_and_nothing_else(login, alice, alices_case):
    """The link beside a changed spelling on the case history opens that spelling's
    own history (by its public id: no integer id in the address)."""
    person = alices_case.people.get()
    spelling = person.names.get(text="Rustam Isakow")
    client = login(alice)
    url = f"/people/{person.public_id}/names/{spelling.public_id}/edit/"
    edit = {"text": "Rüstem Isakow", "script": "", "language": "tk", "kind": "birth"}
    assert client.post(url, {**edit, "seen_in": "Birth certificate"}).status_code == 302

    page = client.get(f"/cases/{alices_case.public_id}/history/").content.decode()
    link = re.search(r'<a href="\?record=([^"]+)">Name Rüstem Isakow</a>', page)
    assert link, "the changed spelling is linked from the case history"
    assert link.group(1) == str(spelling.public_id)
    one = _words(client.get(f"/cases/{alices_case.public_id}/history/?record={link.group(1)}"))
    assert "Rustam Isakow Rüstem Isakow" in one  # the spelling, with the value it replaced
    assert "created Case" not in one
