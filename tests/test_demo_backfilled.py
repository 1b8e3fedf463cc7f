"""The demo shows what a real organisation's data will show: its cases entered after the
fact count their silence from their own dated records, nothing in the demo loader sets
a counter or a derived column behind the services, and its public timelines say only
what its interventions hold."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from habeas.advocacy.models import Intervention, PublicUpdate
from habeas.advocacy.publication import UN_KINDS, says_un_submission
from habeas.cases.models import Case

DEMO_DIR = Path(__file__).resolve().parent.parent / "habeas" / "demo"
# The demo's own dates move with the day it is loaded; these cases' do not.
TODAY = datetime(2026, 12, 6, 12, tzinfo=UTC)

# Worked out by hand from each case's records in habeas/demo/backfilled.py: the latest
# day its dated information can stand for, and the whole days of silence on 6 Dec 2026,
# counted from the end of that day (habeas/cases/silence.py, docs/domain.md).
BACKFILLED = [
    # last contact 20 Oct 2021; the ministry's letter and the word that he is held,
    # "Nov 2021". The dispatch was received this week, which is not news.
    ("TM-2021-014", date(2021, 11, 30), 1831),
    # taken in 2003; seen in "2009" (year only: its last day), told to us in 2012.
    ("TM-2003-017", date(2009, 12, 31), 6183),
    # seen "between Aug and Oct 2017" (its last day), told to us in Dec 2017.
    ("UZ-2016-008", date(2017, 10, 31), 3322),
]


def load_demo(user) -> None:
    from habeas.demo import cases as demo

    with time_machine.travel(TODAY, tick=False):
        demo.load(user=user)


@pytest.mark.django_db
def test_cases_entered_after_the_fact_are_silent_since_their_latest_dated_information(alice, login):
    load_demo(alice)
    client = login(alice)
    with time_machine.travel(TODAY, tick=False):
        today = timezone.localdate()
        for reference, latest, days in BACKFILLED:
            case = Case.objects.get(reference=reference)
            # Opened today through the forms' services: opening is not news.
            assert timezone.localdate(case.created_at) == today, reference
            assert (today - latest).days - 1 == days  # the hand count, checked once
            assert case.days_since_info(today) == days, (reference, case.last_info_at)
            page = client.get(f"/cases/{case.public_id}/")
            assert page.status_code == 200
            assert f"{days:,} days" in page.content.decode(), reference


@pytest.mark.django_db
def test_the_demo_public_timeline_claims_no_un_submission_that_was_not_sent(alice, client):
    load_demo(alice)
    for update in PublicUpdate.objects.select_related("profile__case"):
        if says_un_submission(update.title, update.text):
            case = update.profile.case
            sent = case.interventions.filter(kind__in=UN_KINDS, sent_on__lte=update.happened_on.hi)
            assert sent.exists(), (case.reference, update.title)
    # Nothing is marked sent without the snapshot intervention_mark_sent keeps, unless
    # recorded as sent outside Habeas (intervention_record_sent_elsewhere).
    unkept = Intervention.objects.filter(sent_on__isnull=False, document="")
    assert not unkept.filter(sent_outside=False).exists()
    # The first case's UN submission is a draft: its public page does not say otherwise.
    first = Case.objects.get(reference="TM-DEMO-001")
    assert first.interventions.get(kind=Intervention.Kind.WGEID_URGENT).sent_on is None
    page = client.get(f"/public/{first.public_profile.public_id}/")
    assert page.status_code == 200
    assert "United Nations" not in page.content.decode()


# Columns Habeas derives from a case's records (and an intervention's sending): only
# the services write them.
DERIVED = {
    "last_info_at",
    "current_status",
    "is_open",
    "urgent_window_closes",
    "disappeared_from",
    "last_contact_from",
    "received_from",
    "dated_from",
    "occurred_from",
    "sent_on",
    "status",
}
# Writes that skip the services' validation, history and audit entries.
RAW_WRITES = {"update", "bulk_create", "bulk_update", "update_or_create", "create", "delete"}


def _raw_writes(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr == "last_info_at":
            found.append(f"{where} mentions last_info_at")
        if isinstance(node, ast.keyword) and node.arg == "last_info_at":
            found.append(f"{where} passes last_info_at")
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [
                f"{where} sets .{t.attr}"
                for t in targets
                if isinstance(t, ast.Attribute) and t.attr in DERIVED
            ]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in RAW_WRITES
            and "objects" in ast.unparse(node.func.value)
        ):
            found.append(f"{where} {ast.unparse(node.func)}(...)")
    return found


def test_the_demo_loader_writes_no_derived_column_behind_the_services():
    # The command sets the demo login's password, which is not case data.
    modules = [p for p in DEMO_DIR.rglob("*.py") if "management" not in p.parts]
    assert len(modules) >= 5
    found = [w for p in modules for w in _raw_writes(p.read_text(), p.name)]
    assert found == []


def test_the_raw_write_check_sees_the_writes_it_forbids():
    """The check above is only worth something if it catches what it is for."""
    sample = (
        "Case.objects.filter(pk=1).update(last_info_at=when)\n"
        "case.current_status = 'x'\n"
        "Intervention.objects.filter(pk=1).update(status='sent')\n"
        "CaseMember.objects.filter(user=user).update(role='lead')\n"
        "services.intervention_mark_sent(intervention=i, sent_on=day, channel=c, by=u)\n"
    )
    assert len(_raw_writes(sample, "sample.py")) == 5
