"""Writes to people, cases, events, actors and statuses: validate, save, in one transaction.

Each function is keyword-only and names who acts (`by`), so that the audit and
history have one place per write to hook into.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.accounts.models import User
from habeas.alerts.services import case_deadlines_update, case_watch_start
from habeas.audit.services import audit_record
from habeas.core.encryption import EncryptedTextField
from habeas.core.history import changed_by
from habeas.lib.names import guess_script, index_terms
from habeas.lib.partialdate import MIN_YEAR, PartialDate
from habeas.lib.text import one_line

from . import access, selectors, silence
from .models import (
    CLOSING_STATUSES,
    Actor,
    Case,
    CaseMember,
    Event,
    EventActor,
    NameToken,
    Person,
    PersonName,
    Relative,
    Status,
    StatusAssertion,
    Tag,
)

if TYPE_CHECKING:
    from habeas.sources.models import Claim, Source

SCRIPT_CHOICES = {choice.value for choice in PersonName.Script}


def _changed_fields(instance: Any, names: Iterable[str]) -> list[str]:
    """The fields among `names` whose value differs from the stored row: what the
    audit entry lists (a form sends every field, changed or not). Compared with the
    database, since a ModelForm bound to `instance` has already set its values."""
    stored = type(instance)._default_manager.get(pk=instance.pk)
    changed = []
    for name in names:
        field = instance._meta.get_field(name)
        old, new = getattr(stored, field.attname), getattr(instance, field.attname)
        if not isinstance(field, EncryptedTextField):  # those compare as plain text
            old, new = field.get_prep_value(old), field.get_prep_value(new)
        if (old or "") != (new or ""):
            changed.append(name)
    return sorted(changed)


# An edit saved with nothing changed (a form sent again, a page reloaded) leaves no
# trace: no history row, no audit entry. Otherwise a few hundred of them would push
# real changes out of sight in the history, and fill the audit log with noise. The
# *_update services then return None, and the page says "Nothing changed."


def _script_for(text: str, script: str) -> str:
    if script:
        return script
    guessed = guess_script(text)
    return guessed if guessed in SCRIPT_CHOICES else PersonName.Script.OTHER


def name_tokens_build(name: PersonName) -> list[NameToken]:
    """The search rows of one name, every reading of every word (habeas.lib.names.index_terms);
    shared by the service and bulk seeding (the reindex_name_keys migration does the same)."""
    return [
        NameToken(person_id=name.person_id, name=name, key=key[:64], skeleton=skeleton[:64])
        for key, skeleton in index_terms(name.text)
    ]


def _index_name(name: PersonName) -> None:
    NameToken.objects.filter(name=name).delete()
    NameToken.objects.bulk_create(name_tokens_build(name))


def _name_text(text: str) -> str:
    text = one_line(text)
    if not text:
        raise ValidationError({"text": _("Enter the name.")})
    return text


def _name_store(name: PersonName, *, by: User) -> None:
    """Validate and save a spelling; a primary one becomes the person's display name.
    Every change is kept in the names' and the person's history."""
    # One-line fields, cleaned here for every way in (a form, the API, an import): a
    # direction override in "seen in" would reorder what a document prints.
    name.language, name.seen_in = one_line(name.language), one_line(name.seen_in)
    name.full_clean()
    if name.is_primary:
        person = name.person
        for other in person.names.exclude(pk=name.pk).filter(is_primary=True):
            other.is_primary = False
            changed_by(other, by)
            other.save(update_fields=["is_primary"])
        if person.display_name != name.text:
            person.display_name = name.text
            changed_by(person, by)
            person.save(update_fields=["display_name", "updated_at"])
    changed_by(name, by)
    name.save()
    _index_name(name)


@transaction.atomic
def person_name_add(
    *,
    person: Person,
    text: str,
    script: str = "",
    language: str = "",
    kind: str = PersonName.Kind.REPORTED,
    seen_in: str = "",
    is_primary: bool = False,
    by: User,
) -> PersonName:
    text = _name_text(text)
    name = PersonName(
        person=person,
        text=text,
        script=_script_for(text, script),
        language=language,
        kind=kind,
        seen_in=seen_in,
        is_primary=is_primary,
    )
    _name_store(name, by=by)
    audit_record(action="person_name.add", actor=by, target=person, detail={"name": name.pk})
    return name


@transaction.atomic
def person_name_update(
    *,
    name: PersonName,
    by: User,
    text: str,
    script: str = "",
    language: str = "",
    kind: str = PersonName.Kind.REPORTED,
    seen_in: str = "",
    is_primary: bool = False,
) -> PersonName | None:
    """Correct a spelling or what is known of it. The person keeps one primary name:
    another is made primary by ticking it there, not by unticking this one."""
    text = _name_text(text)
    # As stored: a ModelForm bound to `name` has already changed the instance.
    was_primary = PersonName.objects.values_list("is_primary", flat=True).get(pk=name.pk)
    if was_primary and not is_primary:
        raise ValidationError(
            {"is_primary": _("A person keeps a primary name: make another spelling primary.")}
        )
    name.text, name.script = text, _script_for(text, script)
    name.language, name.kind, name.seen_in, name.is_primary = language, kind, seen_in, is_primary
    fields = _changed_fields(name, ["text", "script", "language", "kind", "seen_in", "is_primary"])
    if not fields:
        return None
    _name_store(name, by=by)
    audit_record(  # field names only: the spelling itself is in the history, not here
        action="person_name.update",
        actor=by,
        target=name.person,
        detail={"name": name.pk, "fields": fields},
    )
    return name


@transaction.atomic
def person_name_remove(*, name: PersonName, by: User) -> None:
    """Remove a spelling entered by mistake; never the primary one."""
    if name.is_primary:
        raise ValidationError(_("This is the primary name: make another spelling primary first."))
    person, pk = name.person, name.pk
    changed_by(name, by)  # the spelling stays readable in the history
    name.delete()  # its search rows go with it
    audit_record(action="person_name.remove", actor=by, target=person, detail={"name": pk})


@transaction.atomic
def person_create(
    *,
    name: str,
    script: str = "",
    language: str = "",
    name_kind: str = PersonName.Kind.REPORTED,
    by: User,
    **fields: Any,
) -> Person:
    """Record a person under `name`. Until someone checks it against documents a
    name is as reported (`name_kind`), never silently "official"."""
    name = one_line(name)
    if not name:
        raise ValidationError({"name": _("Enter the person's name.")})
    person = Person(display_name=name, **_person_lines(fields))
    person.full_clean()
    changed_by(person, by)
    person.save()
    person_name_add(
        person=person,
        text=name,
        script=script,
        language=language,
        kind=name_kind,
        is_primary=True,
        by=by,
    )
    return person


# A person's one-line fields, cleaned as a name is (habeas.lib.text.one_line).
PERSON_LINES = ("occupation", "affiliation")


def _person_lines(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        key: one_line(value) if key in PERSON_LINES and isinstance(value, str) else value
        for key, value in fields.items()
    }


def _check_born_before(person: Person, case: Case | None = None) -> None:
    """A person cannot disappear before they were born: checked against `case`, or
    against every case of `person` when the birth date changes."""
    born = person.birth_date
    if not isinstance(born, PartialDate):  # unknown ("" on a record not yet saved)
        return
    cases = [case] if case is not None else list(person.cases.all())
    for each in cases:
        gone = each.disappeared_on
        if isinstance(gone, PartialDate) and gone.hi < born.lo:
            field = "disappeared_on" if case is not None else "birth_date"
            raise ValidationError(
                {
                    field: _("%(name)s was born %(born)s, after the disappearance (%(gone)s).")
                    % {"name": person.display_name, "born": str(born), "gone": str(gone)}
                }
            )


def last_contact_problem(
    *, disappeared_on: PartialDate | None, last_contact_on: PartialDate | None
) -> str | None:
    """A last contact after the disappearance means the disappearance began later:
    the case form says so on its field, and every other way in (the API, an import)
    is refused the same, here."""
    gone, last = disappeared_on, last_contact_on
    if isinstance(gone, PartialDate) and isinstance(last, PartialDate) and last.lo > gone.hi:
        return _(
            "The last contact (%(last)s) is after the disappearance (%(gone)s). "
            "If the person was heard from later, the disappearance began later."
        ) % {"last": last, "gone": gone}
    return None


def _check_last_contact(case: Case) -> None:
    problem = last_contact_problem(
        disappeared_on=case.disappeared_on, last_contact_on=case.last_contact_on
    )
    if problem:
        raise ValidationError({"last_contact_on": problem})


@transaction.atomic
def person_update(*, person: Person, by: User, **fields: Any) -> Person | None:
    fields = _person_lines(fields)
    for field, value in fields.items():
        setattr(person, field, value)
    if "birth_date" in fields:
        _check_born_before(person)
    person.full_clean()
    changed = _changed_fields(person, fields)
    if not changed:
        return None
    changed_by(person, by)  # the values replaced stay in the person's history
    person.save()
    audit_record(action="person.update", actor=by, target=person, detail={"fields": changed})
    return person


@transaction.atomic
def relative_add(*, person: Person, by: User, case: Case | None = None, **fields: Any) -> Relative:
    """Record a relative of `person` on `case`, whose source grant then covers their
    contact. Without `case`: the person's first case (the choice the migration made
    for relatives recorded before they had one), or, if the person has no case yet,
    the first case opened for them (case_create)."""
    if case is None:
        case = person.cases.order_by("created_at", "pk").first()
    elif not case.people.filter(pk=person.pk).exists():
        raise ValidationError({"case": _("This case is not about this person.")})
    relative = Relative(person=person, case=case, **fields)
    relative.full_clean()
    changed_by(relative, by)
    relative.save()
    audit_record(action="relative.add", actor=by, target=person, detail={"relative": relative.pk})
    return relative


@transaction.atomic
def relative_update(*, relative: Relative, by: User, **fields: Any) -> Relative | None:
    """Change what is known of a relative. The case they were recorded on stays: it
    decides who may read the contact."""
    if "case" in fields:
        raise ValueError("a relative stays on the case it was recorded on")
    for name, value in fields.items():
        setattr(relative, name, value)
    relative.full_clean()
    changed = _changed_fields(relative, fields)
    if not changed:
        return None
    changed_by(relative, by)  # the values replaced stay in the relative's history
    relative.save()
    audit_record(
        action="relative.update",
        actor=by,
        target=relative.person,
        detail={"relative": relative.pk, "fields": changed},
    )
    return relative


@transaction.atomic
def relative_contacts_viewed(*, person: Person, by: User, via: str) -> None:
    """Seeing how to reach a relative is recorded, like seeing who a source is."""
    audit_record(action="relative.contact_viewed", actor=by, target=person, detail={"via": via})


def _delta(label: str, before: Iterable[str], after: Iterable[str]) -> str:
    """'Tags: added torture; removed health' — what a change of a list did, for the
    history (django-simple-history records it as the change's reason)."""
    old, new = list(dict.fromkeys(before)), list(dict.fromkeys(after))
    added = [x for x in new if x not in old]
    removed = [x for x in old if x not in new]
    parts = [
        f"added {', '.join(added)}" if added else "",
        f"removed {', '.join(removed)}" if removed else "",
    ]
    said = "; ".join(p for p in parts if p)
    return f"{label}: {said}" if said else ""


def _actor_lines(pairs: Iterable[tuple[Actor, str]]) -> list[str]:
    # str(actor) names its State: two ministries of internal affairs stay apart.
    return [f"{actor} ({EventActor.Role(role).label})" for actor, role in pairs]


@transaction.atomic
def note_in_history(instance: Model, *, by: User, note: str) -> None:
    """Record a change that lives outside the record's own columns (its tags, people,
    actors, links) as a change of the record, with `note` saying what it was."""
    changed_by(instance, by, reason=note)
    instance.save(update_fields=["updated_at"])


def _tags(names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({n.strip().lower()[:60] for n in names if n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    missing = [Tag(name=n) for n in cleaned if n not in existing]
    for tag in missing:
        tag.save()
        existing[tag.name] = tag
    return [existing[n] for n in cleaned]


@transaction.atomic
def case_create(
    *,
    reference: str,
    person: Person,
    by: User,
    tags: Sequence[str] = (),
    now: datetime | None = None,
    flags_are_news: bool = True,
    **fields: Any,
) -> Case:
    """Open a case: its creator leads its team and may see its sources; its first
    status is "reported missing", attributed to the creator.

    `flags_are_news` False: a case recorded after the fact in bulk (an import),
    whose risk flags are the old record's, not news: they raise no risk alert and
    leave its priority as given (habeas.alerts starts its watch from them)."""
    now = now or timezone.now()
    case = Case(reference=one_line(reference), created_by=by, **fields)
    not_in_the_future(disappeared_on=case.disappeared_on, last_contact_on=case.last_contact_on)
    _check_reference(case)
    _check_born_before(person, case)
    _check_last_contact(case)
    case.full_clean()
    changed_by(case, by)
    case.save()
    # A case for someone already recorded gives its opener the source grant only if
    # they hold it on a case of that person: otherwise opening a case would be a way
    # to acquire it, and to give it on (access.may_give_source_grant).
    grant = not person.cases.exists() or access.holds_source_grant_for_person(
        user=by, people=[person]
    )
    case.people.add(person)
    case.tags.set(_tags(tags))
    CaseMember.objects.create(case=case, user=by, role=CaseMember.Role.LEAD, may_see_sources=grant)
    # Relatives recorded before the person had a case belong to their first case.
    Relative.objects.filter(person=person, case=None).update(case=case)
    if flags_are_news:
        case_watch_start(case=case)  # risk flags ticked now alert the team (habeas.alerts)
    # Dated from the disappearance when known, so that statuses entered later for a
    # case documented after the fact (presumed disappearance as of 2003, say) are
    # not outranked by the day the case happened to be opened.
    opened_on = timezone.localdate(now)
    # Opening a case is not news: status_assert's silence refresh dates its last
    # information from what the opening form says (disappearance, last contact).
    status_assert(
        case=case,
        status=Status.REPORTED_MISSING,
        asserted_on=case.disappeared_from or opened_on,
        basis=f"Case opened on {opened_on.day} {opened_on:%b %Y}.",  # "j M Y", unpadded
        by=by,
    )
    audit_record(action="case.create", actor=by, target=case, case=case)
    return case


LAST_CONTACT_SOURCE_KIND = "witness"


@transaction.atomic
def case_open(
    *,
    person: Person | None = None,
    name: str = "",
    script: str = "",
    name_kind: str = PersonName.Kind.REPORTED,
    last_contact_source_code_name: str = "",
    last_contact_source_kind: str = LAST_CONTACT_SOURCE_KIND,
    by: User,
    **fields: Any,
) -> Case:
    """Open a case for `person`, or for someone recorded now under `name` (in
    `script`, of `name_kind`): the new person and their case are written together
    or not at all.

    A new case has no sources to pick who had the last contact from, so
    `last_contact_source_code_name` creates that source on the case (of
    `last_contact_source_kind`) and links it: who had the last contact is often
    the source to protect, recorded by code name only."""
    if person is None:
        person = person_create(name=name, script=script, name_kind=name_kind, by=by)
    case = case_create(person=person, by=by, **fields)
    code_name = one_line(last_contact_source_code_name)
    if code_name:
        case.last_contact_source = _source_create(
            case=case,
            code_name=code_name,
            kind=last_contact_source_kind or LAST_CONTACT_SOURCE_KIND,
            by=by,
        )
        changed_by(case, by)  # the link is in the case's history from the start
        case.save(update_fields=["last_contact_source", "updated_at"])
    return case


def _source_create(*, case: Case, code_name: str, kind: str, by: User) -> Source:
    """A source of `case` with only a code name and a kind, as sources.services
    source_add writes one (that app sits above this one: its model is reached
    through the case's link to it, not imported)."""
    model = cast("type[Source]", Case._meta.get_field("last_contact_source").related_model)
    source = model(case=case, created_by=by, code_name=code_name, kind=kind)
    try:
        source.full_clean()
    except ValidationError as error:
        # Said on the opening form's field, whatever the source's field is called.
        raise ValidationError({"last_contact_source_code_name": error.messages}) from None
    changed_by(source, by)
    source.save()
    audit_record(action="source.add", actor=by, target=source, case=case)
    return source


def not_in_the_future(**dates: PartialDate | date | None) -> None:
    """The date forms refuse what has not happened; so do the services, for every
    other way in (a command, an import): a future date would reset the case's
    silence and set its current status. Refused only when the earliest day the date
    can mean is after today: "2026" typed in 2026 is its precision, not the future.
    Refused on the field (the keyword)."""
    today = timezone.localdate()
    errors = {}
    for field, value in dates.items():
        if not value:  # None, or an unset date field's empty value
            continue
        earliest = value.lo if isinstance(value, PartialDate) else value
        if earliest > today:
            shown = str(value) if isinstance(value, PartialDate) else value.isoformat()
            errors[field] = _("%(date)s is in the future.") % {"date": shown}
    if errors:
        raise ValidationError(errors)


def same_case_check(case: Case, **records: Model | None) -> None:
    """Forms offer only `case`'s records; a forged id must not tie one of them to
    another case's. Refused on the field (the keyword) of the first that is not."""
    for field, record in records.items():
        if record is not None and record.case_id != case.pk:  # type: ignore[attr-defined]
            message = _("Choose one of this case's %(records)s.")
            raise ValidationError({field: message % {"records": record._meta.verbose_name_plural}})


def _check_reference(case: Case) -> None:
    """A reference is visible text, unique whatever its letter case. The forms check
    first, with who asks (selectors.reference_probe); this is the last word."""
    if not case.reference:
        raise ValidationError({"reference": _("Enter a reference, e.g. TM-2021-003.")})
    if selectors.case_with_reference(case.reference, exclude=case) is not None:
        raise ValidationError({"reference": selectors.REFERENCE_TAKEN})


@transaction.atomic
def case_update(
    *, case: Case, by: User, tags: Sequence[str] | None = None, **fields: Any
) -> Case | None:
    same_case_check(case, last_contact_source=fields.get("last_contact_source"))
    not_in_the_future(
        disappeared_on=fields.get("disappeared_on"), last_contact_on=fields.get("last_contact_on")
    )
    for field, value in fields.items():
        setattr(case, field, value)
    if "reference" in fields:
        case.reference = one_line(case.reference)
        _check_reference(case)
    if "disappeared_on" in fields:
        for person in case.people.all():
            _check_born_before(person, case)
    _check_last_contact(case)
    case.full_clean()
    changed = _changed_fields(case, fields)
    new_tags = _tags(tags) if tags is not None else None
    note = ""
    if new_tags is not None:
        note = _delta("Tags", [t.name for t in case.tags.all()], [t.name for t in new_tags])
        case._change_reason = note or None  # type: ignore[attr-defined]  # simple_history's
    if not changed and not note:
        return None
    changed_by(case, by)
    case.save()
    if new_tags is not None:
        case.tags.set(new_tags)
    if {"disappeared_on", "last_contact_on"} & set(changed):
        case_silence_refresh(case=case, deadlines=False)  # deadlines: just below
    case_deadlines_update(case=case, by=by)  # deadlines and risk alerts (habeas.alerts)
    audit_record(action="case.update", actor=by, target=case, case=case, detail={"fields": changed})
    return case


SOURCE_GRANT_REFUSED = gettext_lazy(
    "You cannot give this: only someone who may see who the sources of this person's "
    "cases are can give it, and never to themselves."
)


@transaction.atomic
def case_member_set(
    *, case: Case, user: User, role: str, may_see_sources: bool = False, by: User
) -> CaseMember:
    if not user.may_write and role != CaseMember.Role.READ_ONLY:
        raise ValidationError(
            {
                "role": _("%(user)s is a viewer: a viewer joins a team as read-only.")
                % {"user": user}
            }
        )
    current = CaseMember.objects.filter(case=case, user=user).first()
    if current is not None and role != CaseMember.Role.LEAD:
        _refuse_losing_the_last_lead(current, field="role")
    giving = may_see_sources and not (current is not None and current.may_see_sources)
    if giving and not access.may_give_source_grant(by=by, to=user, case=case):
        raise ValidationError({"may_see_sources": SOURCE_GRANT_REFUSED})
    member, _created = CaseMember.objects.update_or_create(
        case=case, user=user, defaults={"role": role, "may_see_sources": may_see_sources}
    )
    audit_record(
        action="case_member.set",
        actor=by,
        target=case,
        case=case,
        detail={"user": user.pk, "role": role, "may_see_sources": may_see_sources},
    )
    return member


def _case_facts(case: Case) -> silence.CaseFacts:
    """What silence.latest_information reads, from the stored records. The case row is
    locked first: two requests adding news at once then count each other's, rather
    than the later one storing a moment computed without the earlier one's record.
    Claims and evidence belong to apps above this one: they are read through the
    case's reverse relations, never imported (docs/architecture.md, "Layers")."""
    opened, disappeared_on, last_contact_on = (
        Case.objects.select_for_update()
        .filter(pk=case.pk)
        .values_list("created_at", "disappeared_on", "last_contact_on")
        .get()
    )
    return silence.CaseFacts(
        opened=opened,
        disappeared_on=disappeared_on,
        last_contact_on=last_contact_on,
        events=tuple(case.events.values_list("occurred_on", flat=True)),
        claims=tuple(case.claims.values_list("dated_on", flat=True)),
        statuses=tuple(case.statuses.values_list("status", "asserted_on")),
        evidence=tuple(case.evidence.values_list("dated_on", flat=True)),
    )


@transaction.atomic
def case_silence_refresh(*, case: Case, deadlines: bool = True) -> None:
    """Recompute when the case last had news of the person (the rule is in
    habeas/cases/silence.py) from the dated information it holds now, into
    `Case.last_info_at`: "no new information for", the case list's "silent for more
    than N days", the dashboard's order and the "gone quiet" alert follow it.

    Every service that adds, changes or removes dated information calls it. It is
    recomputed, not pushed forward: it moves back when a date is corrected to an
    earlier one or the latest record is removed. `deadlines` False: the caller
    recomputes the case's deadlines itself just after."""
    when = silence.latest_information(_case_facts(case), now=timezone.now())
    moved = (
        Case.objects.filter(pk=case.pk)
        .exclude(last_info_at=when)
        .update(last_info_at=when, updated_at=timezone.now())
    )
    case.last_info_at = when
    if moved and deadlines:
        case_deadlines_update(case=case)  # "gone quiet" counts from it (habeas.alerts)


@transaction.atomic
def case_un_submitted_set(*, case: Case, submitted_on: date | None) -> None:
    """Record the day the case was first submitted to the UN Working Group
    (`Case.un_submitted_on`; None: not submitted). The advocacy services, which know
    what a submission is, call it whenever one is marked sent."""
    Case.objects.filter(pk=case.pk).exclude(un_submitted_on=submitted_on).update(
        un_submitted_on=submitted_on, updated_at=timezone.now()
    )
    case.un_submitted_on = submitted_on


@transaction.atomic
def status_assert(
    *,
    case: Case,
    status: str,
    asserted_on: date,
    basis: str,
    by: User,
    closed_reason: str = "",
    claims: Iterable[Claim] = (),
) -> StatusAssertion:
    """Record who says what the case's status is, as of when, on what basis. Closing
    needs its reason (the status form shows this refusal next to its field)."""
    if status == Status.CLOSED and not closed_reason.strip():
        raise ValidationError({"closed_reason": _("Say why the case is closed.")})
    if asserted_on.year < MIN_YEAR:
        raise ValidationError(
            {"asserted_on": _("Enter a date after %(year)d.") % {"year": MIN_YEAR}}
        )
    not_in_the_future(asserted_on=asserted_on)
    gone = case.disappeared_on
    if isinstance(gone, PartialDate) and asserted_on < gone.lo:
        raise ValidationError(
            {"asserted_on": _("This is before the disappearance (%(gone)s).") % {"gone": str(gone)}}
        )
    assertion = StatusAssertion(
        case=case,
        status=status,
        asserted_on=asserted_on,
        basis=basis,
        closed_reason=closed_reason,
        asserted_by=by,
    )
    assertion.full_clean()
    assertion.save()
    assertion.claims.set(list(claims))
    # The current status is the latest assertion, whatever order they were entered in.
    current = StatusAssertion.objects.filter(case=case).latest()
    case.current_status = current.status
    case.is_open = current.status not in CLOSING_STATUSES
    Case.objects.filter(pk=case.pk).update(
        current_status=case.current_status, is_open=case.is_open, updated_at=timezone.now()
    )
    case_silence_refresh(case=case, deadlines=False)  # deadlines: just below
    case_deadlines_update(case=case, by=by)  # a closed case raises no alerts (habeas.alerts)
    audit_record(
        action="status.assert", actor=by, target=assertion, case=case, detail={"status": status}
    )
    return assertion


@transaction.atomic
def actor_create(*, by: User, **fields: Any) -> Actor:
    actor = Actor(**fields)
    actor.full_clean()
    actor.save()
    audit_record(action="actor.create", actor=by, target=actor)
    return actor


@transaction.atomic
def actor_update(*, actor: Actor, by: User, **fields: Any) -> Actor | None:
    parent = fields.get("parent")
    while parent is not None:  # "part of" must not loop back to the actor itself
        if parent.pk == actor.pk:
            raise ValidationError({"parent": _("An actor cannot be part of itself.")})
        parent = parent.parent
    for name, value in fields.items():
        setattr(actor, name, value)
    actor.full_clean()
    changed = _changed_fields(actor, fields)
    if not changed:
        return None
    actor.save()
    audit_record(action="actor.update", actor=by, target=actor, detail={"fields": changed})
    return actor


# Kinds that are, unless said otherwise, a step taken to find the person: what the
# UN Working Group asks about ("steps taken"), whoever took them.
SEARCH_STEP_KINDS = frozenset(
    {Event.Kind.SEARCH_BY_FAMILY, Event.Kind.INQUIRY, Event.Kind.COURT_FILING}
)


@transaction.atomic
def event_add(
    *,
    case: Case,
    kind: str,
    occurred_on: PartialDate,
    description: str,
    by: User,
    place: str = "",
    actors: Sequence[tuple[Actor, str]] = (),
    clearance: str = Event.Clearance.SOURCES,
    search_step: bool | None = None,
) -> Event:
    """Record an event. `search_step` None: a step taken to find the person when its
    kind is one (SEARCH_STEP_KINDS); a police raid that was also a search says so."""
    not_in_the_future(occurred_on=occurred_on)
    if search_step is None:
        search_step = kind in SEARCH_STEP_KINDS
    event = Event(
        case=case,
        kind=kind,
        occurred_on=occurred_on,
        place=place,
        description=description,
        clearance=clearance,
        search_step=search_step,
        created_by=by,
    )
    event.full_clean()
    changed_by(event, by)
    # simple_history's reason for the next history row.
    event._change_reason = _delta("Actors", [], _actor_lines(actors)) or None  # type: ignore[attr-defined]
    event.save()
    EventActor.objects.bulk_create(
        [EventActor(event=event, actor=actor, role=role) for actor, role in actors]
    )
    case_silence_refresh(case=case)
    audit_record(action="event.add", actor=by, target=event, case=case)
    return event


@transaction.atomic
def event_update(
    *,
    event: Event,
    by: User,
    actors: Sequence[tuple[Actor, str]] | None = None,
    **fields: Any,
) -> Event | None:
    """Change an event; `search_step` None: as its (new) kind says, as in event_add."""
    not_in_the_future(occurred_on=fields.get("occurred_on"))
    if "search_step" in fields and fields["search_step"] is None:
        fields["search_step"] = fields.get("kind", event.kind) in SEARCH_STEP_KINDS
    for field, value in fields.items():
        setattr(event, field, value)
    event.full_clean()
    changed = _changed_fields(event, fields)
    changed_by(event, by)
    note = ""
    if actors is not None:
        before = [(ea.actor, ea.role) for ea in event.event_actors.select_related("actor__parent")]
        note = _delta("Actors", _actor_lines(before), _actor_lines(actors))
        event._change_reason = note or None  # type: ignore[attr-defined]  # simple_history's
    if not changed and not note:
        return None
    event.save()
    if actors is not None:
        event.event_actors.all().delete()
        EventActor.objects.bulk_create(
            [EventActor(event=event, actor=actor, role=role) for actor, role in actors]
        )
    if "occurred_on" in fields:
        case_silence_refresh(case=event.case)  # a corrected date may move it back
    audit_record(
        action="event.update",
        actor=by,
        target=event,
        case=event.case,
        detail={"fields": changed},
    )
    return event


def _sole_leads(memberships: QuerySet[CaseMember]) -> QuerySet[CaseMember]:
    """Of `memberships`, the leads no one else on their case backs up. A case keeps at
    least one lead: these may not stop leading, nor leave, until another leads."""
    other_lead = CaseMember.objects.filter(
        case=OuterRef("case"), role=CaseMember.Role.LEAD
    ).exclude(pk=OuterRef("pk"))
    return memberships.filter(role=CaseMember.Role.LEAD).exclude(Exists(other_lead))


def _refuse_losing_the_last_lead(member: CaseMember, field: str | None = None) -> None:
    if (
        member.role == CaseMember.Role.LEAD
        and _sole_leads(CaseMember.objects.filter(pk=member.pk)).exists()
    ):
        message = _("A case keeps at least one lead; make someone else lead first.")
        raise ValidationError({field: message} if field else message)


@transaction.atomic
def memberships_demote(*, user: User, by: User) -> int:
    """Make every case membership of `user` read-only (they are becoming a viewer),
    each case's change made and audited as a team change on that case. Refused,
    naming the cases, while `user` is the only lead of any. Returns how many
    memberships changed."""
    sole = _sole_leads(CaseMember.objects.filter(user=user))
    refs = list(
        Case.objects.filter(pk__in=sole.values("case"))
        .order_by("reference")
        .values_list("reference", flat=True)[:6]
    )
    if refs:
        shown = ", ".join(refs[:5]) + (", …" if len(refs) > 5 else "")
        raise ValidationError(
            _("%(user)s is the only lead of %(cases)s: make someone else lead first.")
            % {"user": user.username, "cases": shown},
            code="sole_lead",
        )
    changing = list(access.changing_memberships(user).select_related("case").order_by("case_id"))
    for member in changing:
        case_member_set(
            case=member.case,
            user=user,
            role=CaseMember.Role.READ_ONLY,
            may_see_sources=member.may_see_sources,
            by=by,
        )
    return len(changing)


@transaction.atomic
def case_member_remove(*, case: Case, user: User, by: User) -> None:
    member = CaseMember.objects.filter(case=case, user=user).first()
    if member is None:
        return
    _refuse_losing_the_last_lead(member)
    member.delete()
    audit_record(
        action="case_member.remove", actor=by, target=case, case=case, detail={"user": user.pk}
    )


@transaction.atomic
def case_person_add(*, case: Case, name: str, script: str = "", by: User) -> Person:
    """Another person disappeared in the same case (a brother taken the same night)."""
    person = person_create(name=name, script=script, by=by)
    case.people.add(person)
    note_in_history(case, by=by, note=f"People: added {person.display_name}")
    audit_record(
        action="case.person_add",
        actor=by,
        target=case,
        case=case,
        detail={"person": str(person.public_id)},
    )
    return person
