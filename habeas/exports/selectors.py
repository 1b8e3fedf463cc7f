"""What leaves Habeas for a partner: a case's full record, and the case list as
filtered on screen. Both are read for one user, through the access door and the
selectors the pages use, so that an export never shows what the page would not:
who sources are, and how to reach relatives, only with the source grant on the
case (`CaseAccess.may_see_sources`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from habeas.accounts.models import User
from habeas.advocacy.selectors import interventions_for_case
from habeas.cases.access import CaseAccess, cases_listed_for
from habeas.cases.models import Case, Person, PersonName, Relative, StatusAssertion
from habeas.cases.selectors import CaseFilters, case_list_for_user, case_record
from habeas.evidence.selectors import evidence_list
from habeas.lib.partialdate import PartialDate
from habeas.sources.models import Source
from habeas.sources.selectors import claim_links

FORMAT = "habeas-case"
VERSION = 1


def _date(value: PartialDate | None) -> str | None:
    """A partial date as precise as stored, in EDTF (ISO 8601-2): "2021-10-20T12:43",
    "2021-10", "2002~", "../2021-09" (before Oct 2021); None when unknown."""
    return value.to_edtf() if value else None


def _day(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class CaseExport:
    """A case's record as JSON-ready data, and what of it only the grant reveals
    (for the audit entries the export must leave, as the pages leave them)."""

    data: dict[str, Any]
    sources_revealed: list[Source] = field(default_factory=list)
    people_reached: list[Person] = field(default_factory=list)  # relatives' contacts read


def _person(person: Person) -> dict[str, Any]:
    names: list[PersonName] = list(person.names.all())
    return {
        "id": str(person.public_id),
        "display_name": person.display_name,
        "sex": person.sex,
        "birth_date": _date(person.birth_date),
        "nationality": person.nationality.code or "",
        "occupation": person.occupation,
        "affiliation": person.affiliation,
        "description": person.description,
        "names": [
            {
                "id": str(n.public_id),
                "text": n.text,
                "script": n.script,
                "language": n.language,
                "kind": n.kind,
                "seen_in": n.seen_in,
                "is_primary": n.is_primary,
            }
            for n in names
        ],
    }


def case_export(*, access: CaseAccess) -> CaseExport:
    """The full record of `access.case` as its reader may see it, in a fixed number
    of queries however much the case holds. `access` comes from `case_access`
    (Need.READ), which read the case with its people, names and tags."""
    case = access.case
    grant = access.may_see_sources
    record = case_record(case=case)
    source_ids = {s.pk: str(s.public_id) for s in record.sources}
    claim_ids = {c.pk: str(c.public_id) for c in record.claims}
    event_ids = {e.pk: str(e.public_id) for e in record.events}
    people = list(case.people.all())

    sources = []
    for s in record.sources:
        row: dict[str, Any] = {
            "id": str(s.public_id),
            "code_name": s.code_name,
            "kind": s.kind,
            "reliability": s.reliability,
            "reliability_rationale": s.reliability_rationale,
            "consent": {
                "named_publicly": s.consent_named_publicly,
                "public_name": s.public_name,
                "information_public": s.consent_information_public,
                "to_un": s.consent_to_un,
                "to_government": s.consent_to_government,
            },
        }
        if grant:  # only then are the sealed fields read at all
            row.update(identity=s.identity, contact=s.contact, notes=s.notes)
        sources.append(row)

    relatives = []
    reached: dict[int, Person] = {}
    for r in Relative.objects.filter(case=case).select_related("person").order_by("id"):
        row = {
            "id": str(r.public_id),
            "person": str(r.person.public_id),
            "name": r.name,
            "relationship": r.relationship,
        }
        if grant:
            row.update(contact=r.contact, notes=r.notes)
            if r.contact or r.notes:
                reached[r.person_id] = r.person
        relatives.append(row)

    evidence = []
    items = list(evidence_list(case=case).order_by("uploaded_at", "id"))
    # A part of a web capture names the capture it belongs to: one of these items.
    item_ids = {item.pk: str(item.public_id) for item in items}
    for item in items:
        evidence.append(
            {
                "id": str(item.public_id),
                "title": item.title,
                "kind": item.kind,
                "original_name": item.original_name,
                "size": item.size,
                "sha256": item.sha256,
                "sha512": item.sha512,
                "media_type": item.media_type,
                "dated_on": _date(item.dated_on),
                "collected_by": item.collected_by,
                "collected_at": _day(item.collected_at),
                "collection_method": item.collection_method,
                "source_url": item.source_url,
                "capture_tool": item.capture_tool,
                "part_of": item_ids.get(item.part_of_id or 0),
                "source": source_ids.get(item.source_id or 0),
                "claims": [claim_ids[c.pk] for c in item.claims.all() if c.pk in claim_ids],
                "events": [event_ids[e.pk] for e in item.events.all() if e.pk in event_ids],
                "working_copy_sha256": item.working_sha256,
                "integrity": item.integrity,
                "verified_at": _day(item.verified_at),
                "uploaded_at": _day(item.uploaded_at),
            }
        )

    interventions = []
    for i in interventions_for_case(case=case).order_by("created_at", "id"):
        addressee = i.addressee
        interventions.append(
            {
                "id": str(i.public_id),
                "kind": i.kind,
                "addressee": None
                if addressee is None
                else {
                    "kind": addressee.kind,
                    "name": addressee.name,
                    "title": addressee.title,
                    "organisation": addressee.organisation,
                },
                "language": i.language,
                "status": i.status,
                "sent_on": _day(i.sent_on),
                "channel": i.channel,
                "reference": i.reference,
                "sent_outside": i.sent_outside,
                "document": i.document,
                "notes": i.notes,
                "closed_on": _day(i.closed_on),
                "closed_reason": i.closed_reason,
                "responses": [
                    {
                        "id": str(r.public_id),
                        "received_on": _day(r.received_on),
                        "type": r.type,
                        "content": r.content,
                        "deadline": _day(r.deadline),
                    }
                    for r in i.responses.all()
                ],
            }
        )

    last_source = source_ids.get(case.last_contact_source_id or 0)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        # False: who sources are and how to reach relatives are left out (not empty).
        "source_grant": grant,
        "case": {
            "id": str(case.public_id),
            "reference": case.reference,
            "country": case.country.code or "",
            "taken_in_country": case.taken_in_country.code or "",
            "summary": case.summary,
            "disappeared_on": _date(case.disappeared_on),
            "disappeared_place": case.disappeared_place,
            "last_contact": {
                "on": _date(case.last_contact_on),
                "place": case.last_contact_place,
                "channel": case.last_contact_channel,
                "source": last_source,
                "message": case.last_contact_message,
            },
            "risks": {
                "torture": case.risk_torture,
                "health": case.risk_health,
                "family_reprisals": case.risk_family_reprisals,
            },
            "priority": case.priority,
            "tags": sorted(t.name for t in case.tags.all()),
            "status": case.current_status,
            "is_open": case.is_open,
            "urgent_window_closes": _day(case.urgent_window_closes),
            "un_submitted_on": _day(case.un_submitted_on),
            "created_at": _day(case.created_at),
            "updated_at": _day(case.updated_at),
        },
        "people": [_person(p) for p in people],
        "relatives": relatives,
        # Oldest first: the order in which they were asserted.
        "statuses": [
            {
                "status": s.status,
                "asserted_on": _day(s.asserted_on),
                "basis": s.basis,
                "closed_reason": s.closed_reason,
                "claims": [claim_ids[c.pk] for c in s.claims.all() if c.pk in claim_ids],
            }
            for s in reversed(record.statuses)
        ],
        "events": [
            {
                "id": str(e.public_id),
                "kind": e.kind,
                "occurred_on": _date(e.occurred_on),
                "place": e.place,
                "description": e.description,
                "search_step": e.search_step,
                "clearance": e.clearance,
                "actors": [
                    {
                        "id": str(ea.actor.public_id),
                        # With its State: two ministries of internal affairs stay apart.
                        "name": str(ea.actor),
                        "kind": ea.actor.kind,
                        "country": ea.actor.country.code or "",
                        "role": ea.role,
                    }
                    for ea in e.event_actors.all()
                ],
            }
            for e in record.events
        ],
        "sources": sources,
        "claims": [
            {
                "id": str(c.public_id),
                "source": source_ids[c.source_id],
                "via": [source_ids[r.source_id] for r in c.relays.all()],
                "topic": c.topic,
                "event": event_ids.get(c.event_id or 0),
                "statement": c.statement,
                "outside_wording": c.outside_wording,
                "dated_on": _date(c.dated_on),
                "received_on": _date(c.received_on),
                "material": c.material,
                "language": c.language,
                "credibility": c.credibility,
                "credibility_rationale": c.credibility_rationale,
                "attribution": c.attribution,
            }
            for c in record.claims
        ],
        "claim_links": [
            {
                "id": str(link.public_id),
                "kind": link.kind,
                "claims": [claim_ids[link.from_claim_id], claim_ids[link.to_claim_id]],
                "note": link.note,
            }
            for link in claim_links(case=case)
        ],
        "evidence": evidence,
        "interventions": interventions,
    }
    return CaseExport(
        data=data,
        sources_revealed=list(record.sources) if grant else [],
        people_reached=list(reached.values()),
    )


# Cases read per query when the list is exported: the number of queries grows by a
# fixed few per this many cases, and memory stays that of one chunk.
CSV_CHUNK = 2_000


def case_list_export(*, user: User, filters: CaseFilters, today: date) -> Iterator[Case]:
    """Every case of `user`'s case list matching `filters`, all pages of it, in the
    list's order (priority, then reference): the same selector as the page, read in
    chunks with each case's people, their names and its tags."""
    visible, _ = cases_listed_for(user)
    cases: QuerySet[Case] = case_list_for_user(
        user=user, filters=filters, today=today, cases=visible
    )
    # The day the current status is known as of (its latest assertion): the import
    # refuses a status other than "reported missing" without it.
    status_on = StatusAssertion.objects.filter(
        case=OuterRef("pk"), status=OuterRef("current_status")
    ).order_by("-asserted_on", "-created_at", "-id")
    cases = cases.annotate(current_status_on=Subquery(status_on.values("asserted_on")[:1]))
    return cases.prefetch_related("people__names").iterator(chunk_size=CSV_CHUNK)


def to_json(export: CaseExport) -> str:
    """The record as a partner reads it: UTF-8 as written (names in Cyrillic stay
    readable), keys in a fixed order."""
    return json.dumps(export.data, ensure_ascii=False, indent=2) + "\n"
