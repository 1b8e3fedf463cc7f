"""An imported case is the case the services write for the same facts: the person, their
spellings and search keys, the case, its team, first status, silence, watch and
deadlines, and the history of each, field by field. The import writes them in bulk
(habeas/imports/bulk.py); this is what keeps it from drifting from the services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.db import transaction

from habeas.alerts.models import CaseWatch, Deadline
from habeas.cases import services as cases
from habeas.cases.history import IGNORED
from habeas.cases.models import (
    Case,
    CaseMember,
    NameToken,
    Person,
    PersonName,
    StatusAssertion,
)
from habeas.imports import selectors, services
from habeas.imports.plan import closed_before_import
from habeas.imports.values import parse_status
from habeas.lib.partialdate import PartialDate
from tests.support.import_tables import mapping_of, table

NOW = datetime(2026, 12, 6, 15, 43, tzinfo=UTC)

HEADERS = [
    "reference", "name", "birth_date", "sex", "nationality", "country", "disappeared_on",
    "disappeared_place", "last_contact_on", "last_contact_place", "summary", "tags", "priority",
    "risk_torture", "status", "status_date",
]  # fmt: skip

ROWS = {
    # Old: silent since Oct 2021, anniversaries, no urgent window any more.
    "old": ["TM-2021-101", "Azat Isakov; Азат Исаков; Isakow", "1985", "m", "TM", "TM",
            "20.10.2021", "Moscow", "Oct 2021", "Moscow", "Texted that the police were there.",
            "exile, ngo", "2", "yes", "", ""],
    # Recent: inside the UN's three-month window.
    "recent": ["TM-2026-007", "Гулнара Бердыева", "", "f", "", "TM", "1 Nov 2026", "",
               "", "", "", "", "", "", "", ""],
    # Nothing dated: silent since it was opened.
    "undated": ["UZ-0001", "Dilshod", "", "", "", "UZ", "", "", "", "", "", "", "4", "", "", ""],
    # Released in 2019, learned then: its status dated 2019 (news of then, not of today).
    "released": ["TM-2018-004", "Мурад Атаев", "1979", "m", "", "TM", "March 2018", "", "",
                 "", "", "", "", "", "освобождён", "12.05.2019"],
    # Found dead, the file giving only the year: asserted as of its last day.
    "dead": ["TM-2016-002", "Ogulsapar Muradowa", "", "f", "", "TM", "18.06.2006", "", "",
             "", "", "", "1", "", "found dead", "2006"],
    # Closed: the reason says the organisation's earlier records closed it.
    "closed": ["KZ-2011-1", "Ruslan K.", "", "", "", "KZ", "2011", "", "", "", "", "", "",
               "", "закрыто", "2014"],
    # Acknowledged in detention: still open, and news of that day.
    "detained": ["TM-2026-010", "Bahtiyar B.", "", "", "", "TM", "1 Oct 2026", "", "", "",
                 "", "", "", "", "detention acknowledged", "20 Nov 2026"],
}  # fmt: skip

SKIP = {"id", "public_id", "history_id", "person_id", "name_id", "case_id", "history_relation_id"}


def _rows(queryset, *, skip: set[str] = frozenset()) -> list[dict[str, Any]]:
    found = []
    for row in queryset.values():
        found.append({k: v for k, v in row.items() if k not in SKIP and k not in skip})
    return sorted(found, key=repr)


def _snapshot(case: Case) -> dict[str, Any]:
    person = case.people.get()
    names = PersonName.objects.filter(person=person)
    return {
        "person": _rows(Person.objects.filter(pk=person.pk)),
        "person.history": _rows(Person.history.filter(id=person.pk)),
        "names": _rows(names),
        "names.history": _rows(PersonName.history.filter(person_id=person.pk)),
        "tokens": _rows(NameToken.objects.filter(person=person)),
        "case": _rows(Case.objects.filter(pk=case.pk)),
        # Derived columns are the history page's to ignore (habeas/cases/history.py).
        "case.history": _rows(Case.history.filter(id=case.pk), skip=IGNORED),
        "tags": sorted(case.tags.values_list("name", flat=True)),
        "team": _rows(CaseMember.objects.filter(case=case)),
        "statuses": _rows(StatusAssertion.objects.filter(case=case)),
        "watch": _rows(CaseWatch.objects.filter(case=case)),
        "deadlines": _rows(Deadline.objects.filter(case=case)),
    }


def _through_the_services(row: list[str], user) -> dict[str, Any]:
    values = dict(zip(HEADERS, row, strict=True))
    spellings = [s.strip() for s in values["name"].split(";")]
    person_fields = {
        "sex": values["sex"],
        "nationality": values["nationality"],
        "birth_date": PartialDate.parse(values["birth_date"]) if values["birth_date"] else "",
    }
    person = cases.person_create(name=spellings[0], by=user, **person_fields)
    for other in spellings[1:]:
        cases.person_name_add(person=person, text=other, by=user)
    date = {
        k: PartialDate.parse(values[k]) if values[k] else ""
        for k in ("disappeared_on", "last_contact_on")
    }
    case = cases.case_create(
        person=person,
        by=user,
        reference=values["reference"],
        country=values["country"],
        disappeared_place=values["disappeared_place"],
        last_contact_place=values["last_contact_place"],
        summary=values["summary"],
        tags=[t.strip() for t in values["tags"].split(",") if t.strip()],
        priority=int(values["priority"] or 3),
        risk_torture=values["risk_torture"] == "yes",
        flags_are_news=False,
        **date,
    )
    if values["status"]:  # what the import asserts, through the service
        given = PartialDate.parse(values["status_date"])
        cases.status_assert(
            case=case,
            status=parse_status(values["status"]),
            asserted_on=min(given.latest_known_day, NOW.date()),
            basis=services.status_basis("0" * 64, 2, given.display()),
            closed_reason=closed_before_import() if values["status"] == "закрыто" else "",
            by=user,
        )
    return _snapshot(case)


def _through_the_import(row: list[str], user) -> dict[str, Any]:
    plan = selectors.import_plan(table=table(HEADERS, row), mapping=mapping_of(HEADERS), user=user)
    assert plan.counts["create"] == 1, [r.problems for r in plan.rows]
    services.import_commit(plan=plan, by=user, file_sha256="0" * 64)
    return _snapshot(Case.objects.get(reference=row[0]))


@pytest.mark.parametrize("kind", sorted(ROWS))
def test_an_imported_case_is_what_the_services_write(alice, kind):
    row = ROWS[kind]
    with time_machine.travel(NOW, tick=False):
        with transaction.atomic():
            by_hand = _through_the_services(row, alice)
            transaction.set_rollback(True)
        imported = _through_the_import(row, alice)
    for part in by_hand:
        assert imported[part] == by_hand[part], part
    if imported["case"][0]["is_open"] and kind != "undated":  # undated: no live trail
        assert imported["deadlines"], "an open case has at least its gone-quiet deadline"
    if row[-1]:
        assert len(imported["statuses"]) == 2
        assert (
            imported["case"][0]["current_status"]
            == imported["statuses"][0]["status"]
            != ("reported_missing")
        ), imported["statuses"]
