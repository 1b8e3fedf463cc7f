"""Pages keep a constant number of queries however much a case or list holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habeas.cases import services as cases
from habeas.evidence.samples import screenshot_jpeg
from habeas.organisation.services import organisation_update
from tests.support.growth import case_grow


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow_case(case, by, n: int) -> None:
    case_grow(case, by=by, years=range(n), label=str(n), chain=True)


def _more_cases(by, n: int, start: int) -> None:
    for i in range(start, start + n):
        person = cases.person_create(name=f"Исаков {i}", by=by)
        cases.person_name_add(person=person, text=f"Isakow {i}", by=by)
        cases.case_create(reference=f"Q-{i}", person=person, country="TM", tags=["a", "b"], by=by)


def test_case_page_queries_do_not_grow_with_its_content(login, alice, alices_case):
    client = login(alice)
    _grow_case(alices_case, alice, 1)
    few = _queries(client, alices_case.get_absolute_url())
    _grow_case(alices_case, alice, 8)
    assert _queries(client, alices_case.get_absolute_url()) == few


@pytest.mark.parametrize("walk_margin", [8, 0], ids=["ranked", "walk-tried"])
@pytest.mark.parametrize("few_cases", [5_000, 0], ids=["from-memberships", "from-the-index"])
def test_list_dashboard_and_search_queries_do_not_grow_with_the_number_of_cases(
    login, alice, monkeypatch, few_cases, walk_margin
):
    from habeas.cases import access, selectors

    monkeypatch.setattr(access, "FEW_CASES", few_cases)
    # walk-tried: the search walks the names first (selectors._walk_by_name), finds
    # fewer than a page and ranks.
    monkeypatch.setattr(selectors, "WALK_MARGIN", walk_margin)
    client = login(alice)
    urls = [
        "/",
        "/cases/",
        "/cases/?status=reported_missing&priority=3",
        "/cases/?silent_days=0",
        "/cases/?last=1",
        "/cases/?after=3:Q-0",
        "/search/?q=Isakov",
    ]
    _more_cases(alice, 2, 0)
    before = {url: _queries(client, url) for url in urls}
    _more_cases(alice, 12, 2)
    after = {url: _queries(client, url) for url in urls}
    assert after == before


def test_person_page_queries_do_not_grow_with_names(login, alice, alices_case):
    client = login(alice)
    person = alices_case.people.get()
    few = _queries(client, person.get_absolute_url())
    for i in range(6):
        cases.person_name_add(person=person, text=f"Variant {i}", by=alice)
        cases.relative_add(person=person, name=f"Relative {i}", relationship="brother", by=alice)
    assert _queries(client, person.get_absolute_url()) == few


def test_organisation_page_and_logo_queries_do_not_grow_with_its_history(login, ada):
    client = login(ada)
    organisation_update(by=ada, name="Rights Centre (test)", logo=screenshot_jpeg())
    page, logo = _queries(client, "/organisation/"), _queries(client, reverse("organisation_logo"))
    for i in range(6):
        organisation_update(by=ada, phone=f"+1 555 {i}", logo=screenshot_jpeg(f"v{i}"))
    assert _queries(client, "/organisation/") == page
    assert _queries(client, reverse("organisation_logo")) == logo


def test_advocacy_and_consent_pages_queries_do_not_grow_with_consents(login, alice, alices_case):
    from datetime import date

    from django.urls import reverse

    from habeas.advocacy import services as advocacy
    from tests.support import evidence as evidence_support

    client = login(alice)
    urls = [
        reverse("case_advocacy", args=[alices_case.public_id]),
        reverse("family_consent_add", args=[alices_case.public_id]),
        reverse("case_document", args=[alices_case.public_id]) + "?doc=wgeid",
    ]

    def consent(i: int) -> None:
        item = evidence_support.add(alices_case, alice, f"signed {i}".encode(), f"c{i}.txt")
        relative = cases.relative_add(
            person=alices_case.people.get(), name=f"Relative {i}", relationship="sister", by=alice
        )
        advocacy.family_consent_record(
            case=alices_case,
            by=alice,
            given_by=f"sister {i}",
            given_on=date(2024, 1, 1 + i),
            form="written",
            to_un=True,
            relative=relative,
            evidence=item,
        )

    consent(0)
    few = [_queries(client, url) for url in urls]
    for i in range(1, 6):
        consent(i)
    assert [_queries(client, url) for url in urls] == few


def test_dashboard_queries_do_not_grow_with_escalations_in_progress(login, alice, bob):
    """The dashboard's "Escalations in progress" (the protection tag library): one
    read, whatever the number of escalations."""
    from django.utils import timezone

    from habeas.protection import ladder
    from tests.support.protection_ladder import enrol_heron

    client = login(alice)
    ladder.escalate_duress(enrol_heron(alice, contacts=False), timezone.now())
    few = _queries(client, "/")
    for _ in range(5):
        ladder.escalate_duress(enrol_heron(alice, contacts=False), timezone.now())
    ladder.escalate_duress(enrol_heron(bob, contacts=False), timezone.now())  # not alice's
    assert _queries(client, "/") == few
    assert client.get("/").content.decode().count("HERON") == 6
