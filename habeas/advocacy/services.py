"""Writes of the advocacy app: each in one transaction, each audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.cases import services as case_services
from habeas.cases.models import Case, Event
from habeas.lib.partialdate import MIN_YEAR, PartialDate, Precision, add_months
from habeas.lib.text import one_line, plain_text

from . import ced, documents, photos, procedure, readiness, selectors
from .models import (
    Addressee,
    DetailClearance,
    FamilyConsent,
    Intervention,
    PersonDetailsClearance,
    PublicProfile,
    PublicUpdate,
    Response,
)

# WGEID six-month rule (docs/domain.md): a detailed government reply gives the source
# six months to contest it.
CONTEST_MONTHS = 6
DETAILED_REPLIES = (
    Response.Type.DENIAL,
    Response.Type.ALTERNATIVE,
    Response.Type.WHEREABOUTS_DISCLOSED,
)


# What goes into a letter's address block, one line each (the address one line per
# line): a bidi override there reverses the printed lines (and the country line
# documents add after the address), a control character breaks the DOCX.
_ADDRESSEE_ONE_LINE = ("name", "title", "organisation", "salutation", "email")


def _addressee_cleaned(fields: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    for name in _ADDRESSEE_ONE_LINE:
        if name in cleaned:
            cleaned[name] = one_line(str(cleaned[name] or ""))
    if "address" in cleaned:
        lines = (one_line(line) for line in plain_text(str(cleaned["address"] or "")).splitlines())
        cleaned["address"] = "\n".join(line for line in lines if line)
    return cleaned


@transaction.atomic
def addressee_create(*, by: User, **fields: Any) -> Addressee:
    addressee = Addressee(**_addressee_cleaned(fields))
    addressee.full_clean()
    addressee.save()
    audit_record(
        action="addressee.create",
        actor=by,
        target=addressee,
        detail={"kind": addressee.kind, "salutation_language": addressee.salutation_language},
    )
    return addressee


@transaction.atomic
def addressee_update(*, addressee: Addressee, by: User, **fields: Any) -> Addressee:
    """Change a directory entry. Documents already sent keep the snapshot they were
    sent with; drafts use the new details."""
    changed = []
    for name, value in _addressee_cleaned(fields).items():
        if getattr(addressee, name) != value:
            changed.append(name)
        setattr(addressee, name, value)
    addressee.full_clean()
    addressee.save()
    # The names of the fields that changed (an e-mail swapped in the database shows
    # against this trail and the history); their values are free text and stay out.
    audit_record(
        action="addressee.update", actor=by, target=addressee, detail={"fields": sorted(changed)}
    )
    return addressee


@transaction.atomic
def intervention_add(
    *,
    case: Case,
    kind: str,
    by: User,
    addressee: Addressee | None = None,
    language: str = "en",
    channel: str = "",
    reference: str = "",
    notes: str = "",
) -> Intervention:
    """A draft intervention. The Working Group's procedure must be the one the facts
    call for (habeas.advocacy.procedure): the urgent procedure only while its window
    is open, a prompt intervention only when reprisals are recorded; an import or an
    API gets the same refusal as the form, naming the date the window passed."""
    today = timezone.localdate()
    refused = procedure.refusals(case, today)
    if kind in refused:
        raise ValidationError({"kind": refused[kind]})
    if kind not in dict(selectors.kinds_for(case, today)):
        raise ValidationError(
            {
                "kind": "Not available for this country (CED: not a State party, as of "
                f"{ced.states_parties().as_of:%d %b %Y})."
            }
            if kind == Intervention.Kind.CED_URGENT_ACTION
            else {"kind": "Unknown kind of intervention."}
        )
    intervention = Intervention(
        case=case,
        kind=kind,
        addressee=addressee,
        language=language,
        channel=channel,
        reference=reference,
        notes=notes,
        created_by=by,
    )
    intervention.full_clean()
    intervention.save()
    audit_record(action="intervention.create", actor=by, target=intervention, case=case)
    return intervention


@transaction.atomic
def intervention_to_standard(*, intervention: Intervention, by: User) -> Intervention:
    """An urgent-procedure draft whose window passed before it went out becomes a
    request under the standard procedure (the Working Group would not take it as
    urgent). Drafts only: what was sent stays what it was."""
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if locked.kind != Intervention.Kind.WGEID_URGENT:
        raise ValidationError(_("Only an urgent-procedure submission can be changed."))
    if locked.status != Intervention.Status.DRAFT:
        raise ValidationError(_("Only a draft can change procedure; this one is not a draft."))
    locked.kind = Intervention.Kind.WGEID_STANDARD
    locked.save(update_fields=["kind", "updated_at"])
    audit_record(
        action="intervention.procedure",
        actor=by,
        target=locked,
        case=locked.case,
        detail={"from": Intervention.Kind.WGEID_URGENT, "to": Intervention.Kind.WGEID_STANDARD},
    )
    intervention.refresh_from_db()
    return intervention


@transaction.atomic
def intervention_mark_ready(
    *, intervention: Intervention, by: User, channel: str = "", today: date | None = None
) -> Intervention:
    """A draft checked and ready to go out. Refused, with what is missing, while the
    completeness check fails (for a WGEID submission: the six required elements and
    family consent; for a letter: an addressee). `channel`: how it will be sent."""
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    # A ready one is checked again only after its document changed (a new reading).
    if locked.status != Intervention.Status.DRAFT and not (
        locked.status == Intervention.Status.READY and readiness.changed_since_checked(locked)
    ):
        raise ValidationError(
            _("Only a draft can be marked ready to send; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    today = today or timezone.localdate()
    document = documents.intervention_document(intervention=locked, today=today)
    if not document.is_complete:
        raise ValidationError(
            _("The document is incomplete; it cannot be marked ready to send. Missing: ")
            + "; ".join(document.missing)
        )
    locked.status = Intervention.Status.READY
    locked.checked_on = today
    locked.checked_sha256 = readiness.digest(document.text())
    if channel:
        locked.channel = channel
    locked.full_clean()
    locked.save(update_fields=["status", "channel", "checked_on", "checked_sha256", "updated_at"])
    audit_record(action="intervention.ready", actor=by, target=locked, case=locked.case)
    intervention.refresh_from_db()
    return intervention


def _day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def _check_sent_on(sent_on: date) -> None:
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("The date sent cannot be in the future.")})
    # A typo such as 0222 for 2022: dates before MIN_YEAR are no date Habeas can
    # print (PartialDate refuses them), and sent_on cannot be changed afterwards.
    if sent_on.year < MIN_YEAR:
        raise ValidationError(
            {"sent_on": _("The date sent cannot be before %(year)s.") % {"year": MIN_YEAR}}
        )


@transaction.atomic
def intervention_mark_sent(
    *, intervention: Intervention, sent_on: date, channel: str, by: User
) -> Intervention:
    """Record that it went out, keeping a snapshot of the document sent.

    Refused while the document lacks required elements (the WGEID's six and
    family consent; an addressee for letters)."""
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if locked.sent_on is not None:
        raise ValidationError(_("This intervention is already marked as sent."))
    _check_sent_on(sent_on)
    document = documents.intervention_document(intervention=locked, today=sent_on)
    if not document.is_complete:
        raise ValidationError(
            _("The document is incomplete; it cannot be marked as sent. Missing: ")
            + "; ".join(document.missing)
        )
    if readiness.changed_since_checked(locked):
        raise ValidationError(
            _(
                "The document changed since it was checked on %(day)s; read it again "
                "and mark it ready to send again before it is sent."
            )
            % {"day": _day(locked.checked_on)}
        )
    locked.sent_on = sent_on
    locked.channel = channel
    locked.status = Intervention.Status.SENT
    locked.document = document.text()
    locked.full_clean()
    locked.save()
    _un_submission_refresh(locked)
    audit_record(action="intervention.sent", actor=by, target=locked, case=locked.case)
    intervention.refresh_from_db()
    return intervention


@transaction.atomic
def intervention_record_sent_elsewhere(
    *,
    intervention: Intervention,
    sent_on: date,
    channel: str,
    by: User,
    reference: str = "",
    note: str = "",
    procedure: str = "",
) -> Intervention:
    """Record that it went out before the case was in Habeas (a UN submission on
    paper years ago, a letter to a ministry). No completeness check and no snapshot:
    what was sent is not a document Habeas generated, and its text is not held here
    (a copy can be kept as evidence). From then on it counts as sent everywhere: the
    urgent window, follow-ups, responses and their clocks."""
    locked = Intervention.objects.select_related("case").select_for_update().get(pk=intervention.pk)
    if locked.sent_on is not None:
        raise ValidationError(_("This intervention is already marked as sent."))
    if locked.status == Intervention.Status.CLOSED:
        raise ValidationError(_("This intervention is closed; it cannot be marked as sent."))
    _check_sent_on(sent_on)
    gone = locked.case.disappeared_on
    # Its earliest possible day: "Oct 2021" allows a letter of 5 Oct 2021. An open
    # start ("before Oct 2021") has no earliest day, so nothing is refused.
    if gone is not None and not gone.open_start and sent_on < gone.lo:
        raise ValidationError(
            {
                "sent_on": _("The date sent cannot be before the disappearance (%(date)s).")
                % {"date": gone}
            }
        )
    if procedure:
        locked.kind = _procedure_sent_under(locked, procedure, sent_on)
    locked.sent_on = sent_on
    locked.channel = channel
    locked.status = Intervention.Status.SENT
    locked.sent_outside = True
    locked.document = ""
    if reference.strip():
        locked.reference = reference.strip()
    note = note.strip()
    if note:
        locked.notes = f"{locked.notes}\n\n{note}" if locked.notes else note
    locked.full_clean()
    locked.save()
    _un_submission_refresh(locked)
    audit_record(
        action="intervention.sent_outside",
        actor=by,
        target=locked,
        case=locked.case,
        # No reference: it is free text, and audit details hold ids and choices only
        # (it stays on the intervention and in its history).
        detail={"sent_on": sent_on.isoformat(), "channel": channel, "kind": locked.kind},
    )
    intervention.refresh_from_db()
    return intervention


def _procedure_sent_under(intervention: Intervention, kind: str, sent_on: date) -> str:
    """The Working Group procedure a submission went out under, as the facts allowed
    on the day it was sent: urgent only within the window as it stood then (a case
    entered years later still records its urgent submission), prompt intervention
    only for reprisals the record shows."""
    if not intervention.is_wgeid or kind not in Intervention.WGEID_KINDS:
        raise ValidationError({"procedure": _("Only a submission to the Working Group has one.")})
    case = intervention.case
    if kind == Intervention.Kind.WGEID_URGENT and not procedure.window_open(case, sent_on):
        closes = case.urgent_window_closes
        if closes is None:
            raise ValidationError({"procedure": procedure.urgent_refusal(case, sent_on)})
        raise ValidationError(
            {
                "procedure": _(
                    "Sent on %(sent)s, after the three-month window for the urgent "
                    "procedure closed on %(day)s: it went under the standard procedure."
                )
                % {"sent": procedure.day(sent_on), "day": procedure.day(closes)}
            }
        )
    if kind == Intervention.Kind.WGEID_PROMPT and not procedure.reprisals_recorded(case):
        raise ValidationError({"procedure": str(procedure.PROMPT_REFUSAL)})
    return kind


def _un_submission_refresh(intervention: Intervention) -> None:
    """Keep `Case.un_submitted_on`, the day the case first went to the Working Group,
    which the dashboard and the case's counters read (cases cannot read
    interventions). Only a submission counts, not a prompt intervention."""
    first = Intervention.objects.filter(
        case_id=intervention.case_id,
        kind__in=Intervention.CASE_SUBMISSION_KINDS,
        sent_on__isnull=False,
    ).aggregate(first=Min("sent_on"))["first"]
    case_services.case_un_submitted_set(case=intervention.case, submitted_on=first)


@transaction.atomic
def response_record(
    *,
    intervention: Intervention,
    received_on: date,
    type: str,
    by: User,
    content: str = "",
    deadline: date | None = None,
) -> Response:
    """Record a reply. A detailed reply to a WGEID submission starts the six-month
    clock to contest it unless another deadline is given."""
    if intervention.sent_on is None:
        raise ValidationError(_("Mark the intervention as sent before recording a response."))
    if received_on < intervention.sent_on:
        raise ValidationError({"received_on": _("A response cannot predate the intervention.")})
    if deadline is None and intervention.is_wgeid and type in DETAILED_REPLIES:
        deadline = add_months(received_on, CONTEST_MONTHS)
    response = Response(
        intervention=intervention,
        received_on=received_on,
        type=type,
        content=content,
        deadline=deadline,
        created_by=by,
    )
    response.full_clean()
    response.save()
    intervention.status = Intervention.Status.RESPONDED
    intervention.save(update_fields=["status", "updated_at"])
    audit_record(action="response.record", actor=by, target=response, case=intervention.case)
    return response


@transaction.atomic
def intervention_close(
    *, intervention: Intervention, reason: str, by: User, closed_on: date | None = None
) -> Intervention:
    """Nothing more is expected of this intervention (the person was found, it was
    superseded, the body declined it): its follow-ups and response deadlines stop."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why the intervention is closed.")})
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if locked.status == Intervention.Status.CLOSED:
        raise ValidationError(_("This intervention is already closed."))
    locked.status = Intervention.Status.CLOSED
    locked.closed_on = closed_on or timezone.localdate()
    locked.closed_reason = reason[:500]
    # Only these fields: a creator's account deleted since (created_by NULL) must not
    # stop anyone closing it.
    locked.save(update_fields=["status", "closed_on", "closed_reason", "updated_at"])
    audit_record(action="intervention.close", actor=by, target=locked, case=locked.case)
    intervention.refresh_from_db()
    return intervention


@transaction.atomic
def event_clearances_set(*, case: Case, clearances: Mapping[Event, str], by: User) -> int:
    """Decide, event by event, which outside recipients an event of `case` may reach
    (Event.clearance; see habeas.advocacy.documents). Only changed events are saved,
    each through the cases service, so each change is in the event's history and the
    audit log. Returns how many changed."""
    changed = 0
    for event, clearance in clearances.items():
        if event.case_id != case.pk:
            raise ValidationError(_("That event is not one of this case's."))
        if clearance not in Event.Clearance.values:
            raise ValidationError(
                {"clearance": _("Unknown clearance: %(value)r.") % {"value": clearance}}
            )
        if event.clearance != clearance:
            case_services.event_update(event=event, clearance=clearance, by=by)
            changed += 1
    return changed


@transaction.atomic
def person_details_clearance_set(*, case: Case, by: User, **fields: str) -> PersonDetailsClearance:
    """Decide where each of the person's details (sex, date of birth, nationality,
    occupation, affiliation) may go, as events are cleared. The audit entry names
    the details changed and their new clearance (choices, never the details)."""
    unknown = set(fields) - set(PersonDetailsClearance.FIELDS)
    if unknown:
        raise ValidationError(
            _("Not a detail of the person: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        if value not in DetailClearance.values:
            raise ValidationError({name: _("Unknown clearance: %(value)r.") % {"value": value}})
    row = PersonDetailsClearance.objects.select_for_update().filter(case=case).first()
    row = row or PersonDetailsClearance(case=case)
    changed = {name: value for name, value in fields.items() if getattr(row, name) != value}
    for name, value in changed.items():
        setattr(row, name, value)
    row.updated_by = by
    row.full_clean()
    row.save()
    audit_record(
        action="details_clearance.set",
        actor=by,
        target=case,
        case=case,
        detail={"changed": dict(sorted(changed.items()))},
    )
    return row


PUBLICATION_CONSENT_WARNING = gettext_lazy(
    "No consent of the family to publication is recorded (Advocacy page, Family "
    "consent). Record it, or tick the box to publish anyway and say why."
)

# Why a profile is published without the family's recorded consent: a fixed choice,
# audited as its key. A free-text reason in the append-only audit log collected the
# names of relatives and go-betweens, for good.
PUBLISH_ANYWAY_REASONS = {
    "person_asked": gettext_lazy("The person asked for it before disappearing"),
    "family_unreachable": gettext_lazy("The family cannot be reached safely"),
    "family_asked_orally": gettext_lazy("The family asked orally; the consent is to be recorded"),
    "already_public": gettext_lazy("Already made public by the family"),
}

PROFILE_FIELDS = (
    "is_published",
    "name",
    "name_variants",
    "country",
    "disappeared_on",
    "status",
    "summary",
    "demands",
)


@transaction.atomic
def public_profile_save(
    *,
    case: Case,
    by: User,
    photo: bytes | None = None,
    photo_remove: bool = False,
    without_consent_reason: str = "",
    **fields: Any,
) -> PublicProfile:
    """Create or change what is cleared for publication about `case`. `photo`: the
    bytes of an uploaded image, published only as its re-encoded copy
    (habeas.advocacy.photos); `photo_remove` takes the photo down. Published
    without the family's recorded consent to publication only with
    `without_consent_reason`, a key of PUBLISH_ANYWAY_REASONS, which the audit
    log keeps."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not publishable: {sorted(unknown)}")
    if "disappeared_on" in fields:
        fields["disappeared_on"] = _public_day(_as_partial(fields["disappeared_on"]))
    profile = PublicProfile.objects.filter(case=case).first() or PublicProfile(case=case)
    for name, value in fields.items():
        setattr(profile, name, value)
    if photo is not None:
        try:
            profile.photo = photos.clean_photo(photo)
        except ValidationError as error:
            raise ValidationError({"photo": error.messages}) from None
        profile.has_photo = True
    elif photo_remove:
        profile.photo, profile.has_photo = None, False
    reason = without_consent_reason
    without_consent = profile.is_published and not selectors.consent_given(case, "publication")
    if without_consent and reason not in PUBLISH_ANYWAY_REASONS:
        raise ValidationError({"is_published": PUBLICATION_CONSENT_WARNING})
    if profile.is_published and profile.published_at is None:
        profile.published_at = timezone.now()
    profile.updated_by = by
    profile.full_clean()
    profile.save()
    audit_record(
        action="public_profile.save",
        actor=by,
        target=profile,
        case=case,
        detail={
            "published": profile.is_published,
            "photo": profile.has_photo,
            # The reason's key (never free text), kept with who published it.
            **({"without_consent": reason} if without_consent else {}),
        },
    )
    return profile


def _as_partial(value: PartialDate | date | None) -> PartialDate | None:
    """A plain date (from a command or older code) is that day, known to the day."""
    if value is None or isinstance(value, PartialDate):
        return value
    return PartialDate(lo=value, hi=value, precision=Precision.DAY)


def _public_day(value: PartialDate | None) -> PartialDate | None:
    """A time of day never goes public: the minute of a last message can point at whoever
    received it. The day stays (the public counter counts from it)."""
    if value is None or value.time is None:
        return value
    return PartialDate(lo=value.lo, hi=value.hi, precision=Precision.DAY)


@transaction.atomic
def public_update_add(
    *,
    profile: PublicProfile,
    happened_on: PartialDate | date,
    title: str,
    by: User,
    text: str = "",
) -> PublicUpdate:
    """An entry of the public timeline (and the feed). `happened_on`: when what it
    tells happened, as precise as it is known."""
    update = PublicUpdate(
        profile=profile,
        happened_on=_public_day(_as_partial(happened_on)),
        title=title,
        text=text,
    )
    update.full_clean()
    update.save()
    audit_record(action="public_update.add", actor=by, target=update, case=profile.case)
    return update


# --- Family consent -----------------------------------------------------------


def _check_consent_day(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("%(what)s cannot be in the future.") % {"what": label}})
    # A typo such as 0222 for 2022 (no date Habeas can print, see _check_sent_on).
    if day.year < MIN_YEAR:
        raise ValidationError(
            {field: _("%(what)s cannot be before %(year)s.") % {"what": label, "year": MIN_YEAR}}
        )


@transaction.atomic
def family_consent_record(
    *,
    case: Case,
    by: User,
    given_by: str,
    given_on: date,
    form: str,
    to_un: bool = False,
    to_authorities: bool = False,
    to_publication: bool = False,
    relative: Any = None,
    evidence: Any = None,
    notes: str = "",
) -> FamilyConsent:
    """Record the family's consent (or the person's own) to what the organisation
    does with `case`. Documents read it per recipient (selectors.consent_given)."""
    _check_consent_day(given_on, "given_on", _("The day consent was given"))
    if not (to_un or to_authorities or to_publication):
        raise ValidationError(_("Tick at least one thing the family consented to."))
    # Recorded on this case, not merely a relative of one of its people: another
    # team's relative of the same person must not be named to this case's members.
    if relative is not None and (
        relative.case_id != case.pk or not case.people.filter(pk=relative.person_id).exists()
    ):
        raise ValidationError({"relative": _("This relative is not one of this case.")})
    if evidence is not None and evidence.case_id != case.pk:
        raise ValidationError({"evidence": _("This evidence item is not one of this case.")})
    consent = FamilyConsent(
        case=case,
        relative=relative,
        given_by=given_by,
        given_on=given_on,
        form=form,
        to_un=to_un,
        to_authorities=to_authorities,
        to_publication=to_publication,
        evidence=evidence,
        notes=notes,
        created_by=by,
    )
    consent.full_clean()
    consent.save()
    audit_record(
        action="family_consent.record",
        actor=by,
        target=consent,
        case=case,
        detail={
            "to": [
                scope
                for scope, given in (
                    ("un", to_un),
                    ("authorities", to_authorities),
                    ("publication", to_publication),
                )
                if given
            ]
        },
    )
    return consent


@transaction.atomic
def family_consent_withdraw(*, consent: FamilyConsent, by: User, on: date) -> FamilyConsent:
    """The family took its consent back on `on`: from then on it no longer counts
    for any document; the record stays, with the day it was withdrawn."""
    locked = FamilyConsent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    _check_consent_day(on, "withdrawn_on", _("The day it was withdrawn"))
    if on < locked.given_on:
        raise ValidationError(
            {"withdrawn_on": _("A consent cannot be withdrawn before the day it was given.")}
        )
    locked.withdrawn_on = on
    locked.full_clean()
    locked.save(update_fields=["withdrawn_on"])
    audit_record(
        action="family_consent.withdraw",
        actor=by,
        target=locked,
        case=locked.case,
        detail={"withdrawn_on": locked.withdrawn_on.isoformat() if locked.withdrawn_on else ""},
    )
    consent.refresh_from_db()
    return consent
