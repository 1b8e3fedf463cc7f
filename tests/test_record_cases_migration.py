"""The free-text "last contact: with whom" leaves the case (cases 0020, 0021): its
text becomes the sealed identity of a source of the case, linked as the last
contact, and no history row keeps it readable (first-use review, bug 6)."""

from __future__ import annotations

import html

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from habeas.cases import services as cases
from habeas.cases.models import Case, CaseMember
from habeas.lib.partialdate import PartialDate

BEFORE = [("cases", "0019_search_steps_filled")]
NAME = "Chemen Ore, in exile in Nepal"
EARLIER = "Gozel Amanova"


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _everything_stored() -> str:
    """Every value of every table, as text: what someone with the database file reads."""
    seen = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            seen.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(seen)


def test_the_old_text_becomes_a_sealed_source_and_leaves_the_history(
    transactional_db, alice, vera, client
):
    person = cases.person_create(name="Azat Isakov", by=alice)
    case = cases.case_create(
        reference="TM-2021-101",
        person=person,
        country="TM",
        last_contact_on=PartialDate.parse("2021-10-20"),
        by=alice,
    )
    cases.case_member_set(case=case, user=vera, role=CaseMember.Role.READ_ONLY, by=alice)
    cases.case_update(case=case, summary="Texted, then silence.", by=alice)  # a 2nd history row
    quiet = cases.case_create(
        reference="TM-2021-102",
        person=cases.person_create(name="Other Person", by=alice),
        country="TM",
        by=alice,
    )
    try:
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            # As the old form wrote it: first one name, then another, each kept in history.
            cursor.execute(
                "UPDATE cases_historicalcase SET last_contact_with = %s WHERE id = %s",
                [EARLIER, case.pk],
            )
            cursor.execute(
                "UPDATE cases_case SET last_contact_with = %s WHERE id = %s", [NAME, case.pk]
            )
            cursor.execute(
                "UPDATE cases_historicalcase SET last_contact_with = %s WHERE history_id = "
                "(SELECT MAX(history_id) FROM cases_historicalcase WHERE id = %s)",
                [NAME, case.pk],
            )
        # Once the text has moved, before the column goes: no copy in clear anywhere
        # (dropping a column does not erase what it held from the database's pages).
        _migrate([("cases", "0020_last_contact_with_to_source")])
        stored = _everything_stored()
        assert "Chemen" not in stored and "Nepal" not in stored and EARLIER not in stored
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    case = Case.objects.get(pk=case.pk)
    source = case.last_contact_source
    assert (source.case_id, source.code_name, source.kind) == (case.pk, "LAST-CONTACT", "witness")
    assert source.identity == NAME
    assert EARLIER in source.notes  # found only in the history: kept, sealed
    assert Case.objects.get(pk=quiet.pk).last_contact_source is None
    assert source.history.count() == 1  # its history starts with it
    stored = _everything_stored()
    assert "Chemen" not in stored and "Nepal" not in stored and EARLIER not in stored

    client.force_login(vera)  # read-only, without the source grant
    for url in (case.get_absolute_url(), f"/cases/{case.public_id}/history/"):
        page = html.unescape(client.get(url).content.decode())
        assert "LAST-CONTACT" in page
        assert "Chemen" not in page and EARLIER not in page
