"""Writes to sources, claims and the links between claims."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from habeas.accounts.models import User
from habeas.cases.models import Case, Event
from habeas.cases.services import case_touch
from habeas.lib.partialdate import PartialDate

from .models import Claim, ClaimLink, Source

log = logging.getLogger(__name__)


@transaction.atomic
def source_add(*, case: Case, by: User, **fields) -> Source:
    source = Source(case=case, created_by=by, **fields)
    source.full_clean()
    source.save()
    log.info("source.add case=%s source=%s by=%s", case.pk, source.pk, by.pk)
    return source


@transaction.atomic
def source_update(*, source: Source, by: User, **fields) -> Source:
    for field, value in fields.items():
        setattr(source, field, value)
    source.full_clean()
    source.save()
    log.info("source.update case=%s source=%s by=%s", source.case_id, source.pk, by.pk)
    return source


def _check_same_case(case: Case, source: Source, event: Event | None) -> None:
    # Forms only offer this case's sources and events; a forged id must not link
    # a claim to another case's records.
    if source.case_id != case.pk:
        raise ValidationError({"source": "Choose one of this case's sources."})
    if event is not None and event.case_id != case.pk:
        raise ValidationError({"event": "Choose one of this case's events."})


@transaction.atomic
def claim_add(
    *,
    case: Case,
    source: Source,
    topic: str,
    statement: str,
    received_on: PartialDate,
    material: str,
    by: User,
    event: Event | None = None,
    credibility: int = 6,
    attribution: str = "",
    language: str = "",
) -> Claim:
    _check_same_case(case, source, event)
    claim = Claim(
        case=case,
        source=source,
        topic=topic,
        event=event,
        statement=statement,
        received_on=received_on,
        material=material,
        credibility=credibility,
        attribution=attribution,
        language=language,
        created_by=by,
    )
    claim.full_clean()
    claim.save()
    case_touch(case=case)
    log.info("claim.add case=%s claim=%s by=%s", case.pk, claim.pk, by.pk)
    return claim


@transaction.atomic
def claim_update(*, claim: Claim, by: User, **fields) -> Claim:
    for field, value in fields.items():
        setattr(claim, field, value)
    _check_same_case(claim.case, claim.source, claim.event)
    claim.full_clean()
    claim.save()
    log.info("claim.update case=%s claim=%s by=%s", claim.case_id, claim.pk, by.pk)
    return claim


@transaction.atomic
def claims_link(
    *, case: Case, first: Claim, second: Claim, kind: str, note: str = "", by: User
) -> ClaimLink:
    """Mark two claims of one case as corroborating or contradicting each other.
    Linking the same pair again replaces the relation (one row per pair)."""
    if first.pk == second.pk:
        raise ValidationError({"second": "A claim cannot be linked to itself."})
    if first.case_id != case.pk or second.case_id != case.pk:
        raise ValidationError({"second": "Both claims must belong to this case."})
    low, high = sorted((first, second), key=lambda c: c.pk)
    link, _ = ClaimLink.objects.update_or_create(
        from_claim=low,
        to_claim=high,
        defaults={"case": case, "kind": kind, "note": note, "created_by": by},
    )
    link.full_clean()
    log.info("claim.link case=%s link=%s kind=%s by=%s", case.pk, link.pk, kind, by.pk)
    return link
