"""Writes to sources, claims and the links between claims."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.cases.models import Case, Event
from habeas.cases.services import (
    case_silence_refresh,
    not_in_the_future,
    note_in_history,
    same_case_check,
)
from habeas.core.history import changed_by
from habeas.lib.partialdate import PartialDate

from .models import Claim, ClaimLink, ClaimRelay, Credibility, Reliability, Source


def _stored_grade(record: Source | Claim, grade: str) -> tuple[Any, str]:
    # From the database: a ModelForm has already written the new values onto `record`.
    row: tuple[Any, str] = (
        type(record).objects.filter(pk=record.pk).values_list(grade, f"{grade}_rationale").get()
    )
    return row


def _stamp_grade(
    record: Source | Claim, *, grade: str, before: tuple[Any, str] | None, by: User
) -> None:
    """Who graded and when (docs/domain.md), whenever the grade or its reason changes, and
    whenever someone grades on purpose (`before` None): a grade confirmed on the grade
    page names who confirmed it."""
    now = (getattr(record, grade), getattr(record, f"{grade}_rationale"))
    if before is None or now != before:
        setattr(record, f"{grade}_graded_by", by)
        setattr(record, f"{grade}_graded_at", timezone.now())


def _check_grade_reason(
    record: Source | Claim, *, grade: str, before: tuple[Any, str], unjudged: str | int
) -> None:
    """A grade needs its reason (docs/domain.md): a grade other than "cannot be judged"
    that is new or changed comes with a reason of its own (the previous one stays in
    the history). The same rule as the edit forms', for callers without a form."""
    old, old_reason = before
    if str(getattr(record, grade)) in (str(unjudged), str(old)):
        return
    reason = (getattr(record, f"{grade}_rationale") or "").strip()
    if not reason or reason == (old_reason or "").strip():
        raise ValidationError(
            {f"{grade}_rationale": _("Say why this grade: a changed grade needs its own reason.")}
        )


def _grade(
    record: Source | Claim, *, grade: str, value: str | int, rationale: str, by: User
) -> None:
    if not rationale.strip():
        # The grade page's own message, shown next to its "Why this grade" field.
        raise ValidationError({"rationale": _("This field is required.")})
    setattr(record, grade, value)
    setattr(record, f"{grade}_rationale", rationale)
    _stamp_grade(record, grade=grade, before=None, by=by)
    record.full_clean()
    changed_by(record, by)
    record.save()
    audit_record(
        action=f"{record._meta.model_name}.grade",
        actor=by,
        target=record,
        case=record.case,
        detail={grade: value},
    )


@transaction.atomic
def source_grade(*, source: Source, reliability: str, rationale: str, by: User) -> Source:
    """Grade a source's reliability (A–F) with the reason; kept in its history."""
    if reliability not in Reliability.values:
        raise ValidationError({"grade": _("Choose a grade from A to F.")})
    _grade(source, grade="reliability", value=reliability, rationale=rationale, by=by)
    return source


@transaction.atomic
def claim_grade(*, claim: Claim, credibility: int | str, rationale: str, by: User) -> Claim:
    """Grade a claim's credibility (1–6) with the reason; kept in its history."""
    if int(credibility) not in Credibility.values:
        raise ValidationError({"grade": _("Choose a grade from 1 to 6.")})
    _grade(claim, grade="credibility", value=int(credibility), rationale=rationale, by=by)
    return claim


@transaction.atomic
def source_add(*, case: Case, by: User, **fields: Any) -> Source:
    source = Source(case=case, created_by=by, **fields)
    _stamp_grade(source, grade="reliability", before=(Reliability.F, ""), by=by)
    source.full_clean()
    changed_by(source, by)
    source.save()
    audit_record(action="source.add", actor=by, target=source, case=case)
    return source


@transaction.atomic
def source_update(*, source: Source, by: User, **fields: Any) -> Source:
    before = _stored_grade(source, "reliability")
    for field, value in fields.items():
        setattr(source, field, value)
    _check_grade_reason(source, grade="reliability", before=before, unjudged=Reliability.F)
    _stamp_grade(source, grade="reliability", before=before, by=by)
    source.full_clean()
    changed_by(source, by)
    source.save()
    audit_record(
        action="source.update",
        actor=by,
        target=source,
        case=source.case,
        detail={"fields": sorted(fields)},
    )
    return source


def _check_dates(claim: Claim) -> None:
    """A claim's two dates (docs/domain.md, "Claims"), against each other and against
    the event it reports. Each is refused only when no reading of the partial dates
    fits: the source cannot have said it after the organisation received it, and
    nobody can tell of an event, or receive word of it, before it happened."""
    dated, received = claim.dated_on, claim.received_on
    not_in_the_future(dated_on=dated, received_on=received)
    event = claim.event
    occurred = event.occurred_on if event is not None else None
    errors: dict[str, str] = {}
    if dated is not None and received is not None and dated.lo > received.hi:
        errors["dated_on"] = _(
            "Dated %(dated)s, after you received it (%(received)s): the information "
            "date is when the source learned or said it. Check both dates."
        ) % {"dated": dated, "received": received}
    elif dated is not None and occurred is not None and dated.hi < occurred.lo:
        errors["dated_on"] = _(
            "Dated %(dated)s, before the event it is about (%(occurred)s). "
            "Check both dates, or the event chosen."
        ) % {"dated": dated, "occurred": occurred}
    if received is not None and occurred is not None and received.hi < occurred.lo:
        errors["received_on"] = _(
            "Received %(received)s, before the event it is about (%(occurred)s). "
            "Check both dates, or the event chosen."
        ) % {"received": received, "occurred": occurred}
    if errors:
        raise ValidationError(errors)


def _check_relays(claim: Claim, via: Sequence[Source]) -> None:
    """The chain a claim came through holds other sources of the same case, each once."""
    seen: set[int] = set()
    for relay in via:
        if relay.case_id != claim.case_id:
            raise ValidationError({"via": _("Choose the sources it came through from this case.")})
        if relay.pk == claim.source_id:
            raise ValidationError(
                {
                    "via": _(
                        "%(code)s is the claim's own source; the chain names who passed it on."
                    )
                    % {"code": relay.code_name}
                }
            )
        if relay.pk in seen:
            raise ValidationError(
                {"via": _("%(code)s is twice in the chain.") % {"code": relay.code_name}}
            )
        seen.add(relay.pk)


def _chain_note(via: Sequence[Source]) -> str:
    # Code names only: the history is read by members without the source grant.
    return "Came through: " + (" → ".join(s.code_name for s in via) or "directly")


def _set_relays(claim: Claim, via: Sequence[Source]) -> None:
    ClaimRelay.objects.filter(claim=claim).delete()
    ClaimRelay.objects.bulk_create(
        ClaimRelay(claim=claim, source=source, position=n) for n, source in enumerate(via, 1)
    )


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
    dated_on: PartialDate | None = None,
    via: Sequence[Source] = (),
    event: Event | None = None,
    credibility: int = 6,
    credibility_rationale: str = "",
    attribution: str = "",
    language: str = "",
    outside_wording: str = "",
) -> Claim:
    same_case_check(case, source=source, event=event)
    claim = Claim(
        case=case,
        source=source,
        topic=topic,
        event=event,
        statement=statement,
        outside_wording=outside_wording,
        dated_on=dated_on,
        received_on=received_on,
        material=material,
        credibility=credibility,
        credibility_rationale=credibility_rationale,
        attribution=attribution,
        language=language,
        created_by=by,
    )
    _stamp_grade(claim, grade="credibility", before=(Credibility.CANNOT_JUDGE, ""), by=by)
    claim.full_clean()
    _check_dates(claim)
    via = list(via)
    _check_relays(claim, via)
    changed_by(claim, by, reason=_chain_note(via) if via else None)
    claim.save()
    _set_relays(claim, via)
    case_silence_refresh(case=case)  # by when the source said it, not when received
    audit_record(action="claim.add", actor=by, target=claim, case=case)
    return claim


@transaction.atomic
def claim_update(
    *, claim: Claim, by: User, via: Sequence[Source] | None = None, **fields: Any
) -> Claim:
    """Change a claim; `via`, when given, replaces the chain it came through."""
    before = _stored_grade(claim, "credibility")
    old_chain = list(Source.objects.filter(relays__claim=claim).order_by("relays__position"))
    for field, value in fields.items():
        setattr(claim, field, value)
    _check_grade_reason(
        claim, grade="credibility", before=before, unjudged=Credibility.CANNOT_JUDGE
    )
    _stamp_grade(claim, grade="credibility", before=before, by=by)
    same_case_check(claim.case, source=claim.source, event=claim.event)
    claim.full_clean()
    _check_dates(claim)
    chain = old_chain if via is None else list(via)
    _check_relays(claim, chain)  # a new source may be one of the relays
    relayed = chain != old_chain
    changed_by(claim, by, reason=_chain_note(chain) if relayed else None)
    claim.save()
    if relayed:
        _set_relays(claim, chain)
    if "dated_on" in fields:
        case_silence_refresh(case=claim.case)  # a corrected date may move it back
    audit_record(
        action="claim.update",
        actor=by,
        target=claim,
        case=claim.case,
        detail={"fields": sorted([*fields, *(["via"] if relayed else [])])},
    )
    return claim


@transaction.atomic
def source_identity_viewed(*, source: Source, by: User, via: str = "") -> None:
    """Seeing who a source is, wherever it is shown, is itself recorded in the audit log."""
    audit_record(
        action="source.identity_viewed",
        actor=by,
        target=source,
        case=source.case,
        detail={"via": via} if via else None,
    )


@transaction.atomic
def source_identities_viewed(*, case: Case, public_ids: set[str], by: User, via: str) -> None:
    """The same for several sources of `case` at once (a history page): all of the
    entries or none, as the page shows all of the identities or none."""
    for source in Source.objects.filter(case=case, public_id__in=public_ids):
        source.case = case
        source_identity_viewed(source=source, by=by, via=via)


@transaction.atomic
def source_identities_listed(*, sources: Iterable[Source], by: User, via: str) -> None:
    """Identities shown in a list (the API's list of sources): one entry for each
    case of the listing, naming its sources' ids, not one per source, so that a
    listing costs the same few writes however long it is. Sources are expected with
    their case loaded (select_related)."""
    by_case: dict[int, list[Source]] = {}
    for source in sources:
        by_case.setdefault(source.case_id, []).append(source)
    for shown in by_case.values():
        audit_record(
            action="source.identity_viewed",
            actor=by,
            case=shown[0].case,
            detail={"via": via, "sources": sorted(str(s.public_id) for s in shown)},
        )


def _describe(claim: Claim) -> str:
    """A claim as the history names it: by its source's code name, never more."""
    return f"the claim of {claim.source.code_name} received {claim.received_on}"


@transaction.atomic
def claims_link(
    *, case: Case, first: Claim, second: Claim, kind: str, note: str = "", by: User
) -> ClaimLink:
    """Mark two claims of one case as corroborating or contradicting each other.
    Linking the same pair again replaces the relation (one row per pair)."""
    if kind not in ClaimLink.Kind.values:
        raise ValidationError({"kind": _("Choose corroborates or contradicts.")})
    if first.pk == second.pk:
        raise ValidationError({"second": _("A claim cannot be linked to itself.")})
    if first.case_id != case.pk or second.case_id != case.pk:
        raise ValidationError({"second": _("Both claims must belong to this case.")})
    low, high = sorted((first, second), key=lambda c: c.pk)
    link, _created = ClaimLink.objects.update_or_create(
        from_claim=low,
        to_claim=high,
        defaults={"case": case, "kind": kind, "note": note, "created_by": by},
    )
    verb = ClaimLink.Kind(kind).label.lower()
    for claim, other in ((first, second), (second, first)):
        note_in_history(claim, by=by, note=f"Linked: {verb} {_describe(other)}")
    audit_record(action="claim.link", actor=by, target=link, case=case, detail={"kind": kind})
    return link


@transaction.atomic
def claims_unlink(*, link: ClaimLink, by: User) -> None:
    """Undo a link made in error; both claims' histories say so."""
    verb = ClaimLink.Kind(link.kind).label.lower()
    first, second = link.from_claim, link.to_claim
    for claim, other in ((first, second), (second, first)):
        note_in_history(claim, by=by, note=f"Unlinked: no longer {verb} {_describe(other)}")
    audit_record(
        action="claim.unlink",
        actor=by,
        target=link,
        case=link.case,
        detail={"kind": link.kind, "claims": [str(first.public_id), str(second.public_id)]},
    )
    link.delete()
