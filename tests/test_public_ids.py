"""Accounts, spellings of a name and links between claims are named in URLs by
public UUIDs, like every other record: an integer key in a URL would tell how many
rows exist and invite guessing the next one."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from habeas.accounts.models import User
from habeas.cases import services as cases
from habeas.cases.models import PersonName
from habeas.sources.models import ClaimLink

# The last migrations before the public ids.
BEFORE = [
    ("accounts", "0006_totp_secret_set_up_in_the_session"),
    ("cases", "0014_encrypt_existing_relative_notes"),
    ("sources", "0008_history_notes"),
]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def test_rows_made_before_public_ids_each_get_their_own(transactional_db, contested_case, alice):
    """GIVEN accounts, names (one since removed, with its history) and a claim link
    made before public ids WHEN the migrations run THEN every row has a distinct
    UUID, and a name's history rows carry the UUID of that name."""
    person = contested_case.people.get()
    kept = cases.person_name_add(person=person, text="Rustam Isakov", by=alice)
    removed = cases.person_name_add(person=person, text="Rustam Isaqov", by=alice)
    removed_id = removed.pk
    cases.person_name_remove(name=removed, by=alice)
    _migrate(BEFORE)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    for model in (User, PersonName, ClaimLink):
        ids = list(model.objects.values_list("public_id", flat=True))
        assert ids and None not in ids, model
        assert len(set(ids)) == len(ids), model
    history = PersonName.history.model.objects
    kept = PersonName.objects.get(pk=kept.pk)
    assert set(history.filter(id=kept.pk).values_list("public_id", flat=True)) == {kept.public_id}
    gone = set(history.filter(id=removed_id).values_list("public_id", flat=True))
    assert len(gone) == 1 and None not in gone
    assert gone.isdisjoint(PersonName.objects.values_list("public_id", flat=True))


def test_the_pages_of_an_account_name_and_link_are_addressed_by_public_id(
    login, ada, bob, alice, contested_case
):
    person = contested_case.people.get()
    name = cases.person_name_add(person=person, text="Rustam Isakov", by=alice)
    link = contested_case.claim_links.get()

    admin = login(ada)
    assert admin.get(f"/users/{bob.public_id}/").status_code == 200
    assert admin.get(f"/users/{bob.pk}/").status_code == 404
    assert f'href="/users/{bob.public_id}/"' in admin.get("/users/").content.decode()
    lead = login(alice)
    page = lead.get(person.get_absolute_url()).content.decode()
    assert f"/people/{person.public_id}/names/{name.public_id}/edit/" in page
    assert lead.get(f"/people/{person.public_id}/names/{name.pk}/edit/").status_code == 404
    links_page = lead.get(f"/cases/{contested_case.public_id}/claims/link/").content.decode()
    remove = f"/cases/{contested_case.public_id}/claims/links/{link.public_id}/remove/"
    assert remove in links_page
    assert lead.post(remove.replace(str(link.public_id), str(link.pk))).status_code == 404
    assert lead.post(remove).status_code == 302
    assert not ClaimLink.objects.filter(pk=link.pk).exists()
