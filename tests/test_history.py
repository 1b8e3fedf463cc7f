"""The history of changes to cases, events, sources and claims."""

from __future__ import annotations

from django.db import connection

from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
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
    sources.claim_update(claim=claim, credibility=1, by=alice)
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


def test_outsiders_get_404_for_a_case_history(login, charlie, alices_case):
    assert login(charlie).get(f"/cases/{alices_case.public_id}/history/").status_code == 404
