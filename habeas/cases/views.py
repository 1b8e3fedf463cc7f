"""Pages for the dashboard, cases, people, actors and search.

Each view parses input, calls one selector or service, and renders. Service
validation errors come back onto the form with the user's input kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from habeas.accounts.http import AuthenticatedRequest
from habeas.core.pages import errors_onto, form_page, say_saved
from habeas.lib.names import transliteration_candidates
from habeas.sources.services import source_identities_viewed

from . import selectors, services
from .access import (
    Need,
    case_access,
    may_edit_person,
    may_give_source_grant,
    require_writer,
    source_grant_case_ids,
)
from .forms import (
    ActorForm,
    CaseCreateForm,
    CaseFilterForm,
    CaseForm,
    CasePersonForm,
    EventActorFormSet,
    EventForm,
    PersonForm,
    PersonNameForm,
    RelativeForm,
    StatusForm,
    TeamMemberForm,
)
from .history import case_history as history_of
from .models import PersonName
from .templatetags.case_clocks import span_text

if TYPE_CHECKING:
    from .models import Actor, Case, Event, Relative


@require_safe
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    lists = selectors.dashboard_for_user(user=request.user, today=today)
    return render(request, "cases/dashboard.html", {"today": today, **lists})


@require_safe
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    form = CaseFilterForm(request.GET or None)
    filters = selectors.CaseFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.CaseFilters(**form.cleaned_data)
    page = selectors.case_list_page(
        user=request.user,
        filters=filters,
        today=today,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        last=request.GET.get("last") == "1",
    )
    # The pager's links keep the filters and change only the position.
    query = request.GET.copy()
    for key in ("after", "before", "last", "page"):
        query.pop(key, None)

    def link(**position: str) -> str:
        there = query.copy()
        there.update(position)
        return "?" + there.urlencode()

    pager = {
        "first": link(),
        "previous": link(before=page.first_cursor),
        "next": link(after=page.last_cursor),
        "last": link(last="1"),
    }
    return render(
        request,
        "cases/case_list.html",
        {"form": form, "page": page, "pager": pager, "today": today},
    )


@require_http_methods(["GET", "POST"])
def case_create(request: AuthenticatedRequest) -> HttpResponse:
    require_writer(user=request.user, what="case_create")
    # "?person=": another case for someone already recorded (taken again after a
    # release, say); only a person the user may see, otherwise 404.
    known = None
    if request.GET.get("person"):
        known = selectors.person_get_for_edit(  # not read-only on any of their cases
            user=request.user, public_id=_uuid_or_404(request.GET["person"])
        )
    form = CaseCreateForm(request.POST or None, person=known, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        name = data.pop("person_name", "")
        script = data.pop("person_name_script", "")
        name_kind = data.pop("person_name_kind", "") or PersonName.Kind.REPORTED
        with errors_onto(form):
            case = services.case_open(
                person=known,
                name=name,
                script=script,
                name_kind=name_kind,
                by=request.user,
                **data,
            )
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            _say_priority_raised(request, asked=data["priority"], case=case)
            _say_source_created(request, case=case)
            return redirect(case)
    title = (
        _("Open another case for %(name)s") % {"name": known.display_name}
        if known
        else _("Open a case")
    )
    back = known.get_absolute_url() if known else reverse("case_list")
    return form_page(request, title=title, back=back, forms=[form])


def _say_source_created(request: AuthenticatedRequest, *, case: Case) -> None:
    """The last contact's code name made a source with nothing but a code name: no
    grade (F), no identity, no consent to share what it says. Say so, with the way
    to complete it, rather than leave a source nobody looked at."""
    source = case.last_contact_source
    if source is None:
        return
    url = reverse("source_detail", args=[case.public_id, source.public_id])
    messages.info(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _(
                "Source %(code)s was created for the last contact, with reliability F "
                "(cannot be judged), no identity and no consents."
            )
            % {"code": source.code_name},
            url,
            _("Complete its grade, identity (kept confidential) and consents"),
        ),
    )


def _say_priority_raised(request: AuthenticatedRequest, *, asked: int, case: Case) -> None:
    """Rule 5 of the alerts raised the priority chosen on the form: say so, and why."""
    if case.priority < asked:  # 1 is the most urgent
        messages.warning(
            request,
            _(
                "Priority raised to %(priority)s: a newly ticked risk (%(risks)s) raises it, "
                "whatever was chosen on the form."
            )
            % {"priority": case.get_priority_display(), "risks": ", ".join(case.risk_flags)},
        )


def _uuid_or_404(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise Http404 from None


@require_safe
def case_detail(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id)
    case = access.case
    record = selectors.case_record(case=case)
    today = timezone.localdate()
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "record": record,
            "members": list(case.members.all()),
            "can_edit": access.can_edit,
            "is_lead": access.is_lead,
            "current_status": record.statuses[0] if record.statuses else None,
            "today": today,
            "days_disappeared": case.days_disappeared(today),
            "days_since_contact": case.days_since_last_contact(today),
            # In years, months and days like the counters; "at least" for "before …".
            "since_contact": span_text(
                case.days_since_last_contact(today),
                today,
                at_least=bool(case.last_contact_on and case.last_contact_on.is_lower_bound),
            ),
            "days_since_info": case.days_since_info(today),
            "window_days_left": case.urgent_window_days_left(today),
        },
    )


@require_http_methods(["GET", "POST"])
def case_edit(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    form = CaseForm(request.POST or None, instance=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        with errors_onto(form):
            saved = services.case_update(
                case=case, tags=form.cleaned_data["tags"], by=request.user, **data
            )
            say_saved(request, saved, _("Case updated."))
            _say_priority_raised(request, asked=data["priority"], case=case)
            return redirect(case)
    return form_page(
        request,
        title=_("Edit %(ref)s") % {"ref": case.reference},
        back=case.get_absolute_url(),
        forms=[form],
    )


@require_http_methods(["GET", "POST"])
def status_add(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    form = StatusForm(
        request.POST or None, case=case, initial={"asserted_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.status_assert(case=case, by=request.user, **form.cleaned_data)
            messages.success(request, _("Status recorded."))
            return redirect(case)
    return form_page(
        request,
        title=_("Record a status for %(ref)s") % {"ref": case.reference},
        back=case.get_absolute_url(),
        forms=[form],
    )


def _event_page(request, *, case, event=None) -> HttpResponse:
    form = EventForm(request.POST or None, instance=event)
    initial = None
    if event is not None:
        initial = [{"actor": ea.actor, "role": ea.role} for ea in event.event_actors.all()]
    actors = EventActorFormSet(request.POST or None, initial=initial, prefix="actors")
    if request.method == "POST" and form.is_valid() and actors.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        data["search_step"] = form.cleaned_data["search_step"]  # None: as its kind says
        with errors_onto(form):
            saved: Event | None  # None: nothing changed
            if event is None:
                saved = services.event_add(
                    case=case, actors=actors.pairs(), by=request.user, **data
                )
            else:
                saved = services.event_update(
                    event=event, actors=actors.pairs(), by=request.user, **data
                )
            say_saved(request, saved, _("Event saved."))
            return redirect(case)
    title = _("Add an event to %(ref)s") if event is None else _("Edit an event of %(ref)s")
    return form_page(
        request,
        title=title % {"ref": case.reference},
        back=case.get_absolute_url(),
        forms=[form],
        template="cases/event_form.html",
        formset=actors,
        formset_legend=_("Actors involved"),
    )


@require_http_methods(["GET", "POST"])
def event_add(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    return _event_page(request, case=case)


@require_http_methods(["GET", "POST"])
def event_edit(request: AuthenticatedRequest, case_id: UUID, event_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    event = selectors.event_get(case=case, public_id=event_id)
    return _event_page(request, case=case, event=event)


@require_safe
def person_detail(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, public_id=person_id)
    cases = selectors.person_cases_for_user(user=request.user, person=person)
    relatives = selectors.relatives_for_user(user=request.user, person=person)
    may_see = any(r.contact_visible for r in relatives.known)
    if any(r.contact_visible and (r.contact or r.notes) for r in relatives.known):
        services.relative_contacts_viewed(person=person, by=request.user, via="person page")
    return render(
        request,
        "cases/person_detail.html",
        {
            "person": person,
            "cases": cases,
            "relatives": relatives,
            "may_see_contacts": may_see,
            "can_edit": may_edit_person(user=request.user, person=person),
        },
    )


@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    person = selectors.person_get_for_edit(user=request.user, public_id=person_id)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            saved = services.person_update(person=person, by=request.user, **form.cleaned_data)
            say_saved(request, saved, _("Person updated."))
            return redirect(person)
    return form_page(
        request,
        title=_("Edit %(name)s") % {"name": person.display_name},
        back=person.get_absolute_url(),
        forms=[form],
    )


@require_http_methods(["GET", "POST"])
def person_name_add(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    person = selectors.person_get_for_edit(user=request.user, public_id=person_id)
    form = PersonNameForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.person_name_add(person=person, by=request.user, **form.cleaned_data)
            messages.success(request, _("Name added."))
            return redirect(person)
    return form_page(
        request,
        title=_("Add a name of %(name)s") % {"name": person.display_name},
        back=person.get_absolute_url(),
        forms=[form],
        template="cases/name_add.html",
        candidates=_candidates(person),
    )


@require_http_methods(["GET", "POST"])
def person_name_edit(request: AuthenticatedRequest, person_id: UUID, name_id: UUID) -> HttpResponse:
    person = selectors.person_get_for_edit(user=request.user, public_id=person_id)
    name = selectors.person_name_get(person=person, name_id=name_id)
    form = PersonNameForm(request.POST or None, person=person, instance=name)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            saved = services.person_name_update(name=name, by=request.user, **form.cleaned_data)
            say_saved(request, saved, _("Name updated."))
            return redirect(person)
    name.refresh_from_db()  # the form may have changed the instance it was given
    return form_page(
        request,
        title=_("Edit a name of %(name)s") % {"name": person.display_name},
        back=person.get_absolute_url(),
        forms=[form],
        template="cases/name_edit.html",
        person=person,
        name=name,
    )


@require_POST
def person_name_remove(
    request: AuthenticatedRequest, person_id: UUID, name_id: UUID
) -> HttpResponse:
    person = selectors.person_get_for_edit(user=request.user, public_id=person_id)
    name = selectors.person_name_get(person=person, name_id=name_id)
    try:
        services.person_name_remove(name=name, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("person_name_edit", person.public_id, name.public_id)
    messages.success(request, _("Name removed."))
    return redirect(person)


def _candidates(person) -> list[str]:
    known = {n.text for n in person.names.all()}
    found: list[str] = []
    for name in person.names.all():
        for candidate in transliteration_candidates(name.text):
            if candidate not in known and candidate not in found:
                found.append(candidate)
    return found[:8]


def _relative_page(request: AuthenticatedRequest, *, person, relative=None) -> HttpResponse:
    if relative is None:
        cases = selectors.cases_for_new_relative(user=request.user, person=person)
        form = RelativeForm(request.POST or None, cases=cases)
    else:
        form = RelativeForm(
            request.POST or None, instance=relative, contact_visible=relative.contact_visible
        )
        if (
            relative.contact_visible
            and (relative.contact or relative.notes)
            and request.method == "GET"
        ):
            services.relative_contacts_viewed(person=person, by=request.user, via="edit form")
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            saved: Relative | None  # None: nothing changed
            if relative is None:
                saved = services.relative_add(person=person, by=request.user, **form.cleaned_data)
            else:
                saved = services.relative_update(
                    relative=relative, by=request.user, **form.cleaned_data
                )
            say_saved(request, saved, _("Relative saved."))
            return redirect(person)
    if relative is None:
        title = _("Add a relative of %(name)s")
    else:
        title = _("Edit a relative of %(name)s")
    return form_page(
        request,
        title=title % {"name": person.display_name},
        back=person.get_absolute_url(),
        forms=[form],
    )


@require_http_methods(["GET", "POST"])
def relative_add(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    person = selectors.person_get_for_edit(user=request.user, public_id=person_id)
    return _relative_page(request, person=person)


@require_http_methods(["GET", "POST"])
def relative_edit(
    request: AuthenticatedRequest, person_id: UUID, relative_id: UUID
) -> HttpResponse:
    person = selectors.person_get_for_edit(user=request.user, public_id=person_id)
    relative = selectors.relative_get_for_edit(
        user=request.user, person=person, public_id=relative_id
    )
    return _relative_page(request, person=person, relative=relative)


@dataclass(frozen=True)
class _Found:
    """One person on the search page, ready to print."""

    name: str
    url: str
    also: str  # "also: " the person's other spellings; "" if none
    cases: list[tuple[str, str]]  # (link, reference) of each case the reader may see


def _links_to(name: str) -> Callable[[UUID], str]:
    """`reverse(name, args=[public_id])` for many ids at the cost of one reverse():
    a search for a common name links 50 people and their cases, and reversing each
    link took a third of the page's rendering time at 100,000 cases."""
    blank = str(UUID(int=0))
    head, _blank, tail = reverse(name, args=[blank]).partition(blank)
    return lambda public_id: f"{head}{public_id}{tail}"


@require_safe
def search(request: AuthenticatedRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    found = (
        selectors.person_search_lines_for_user(user=request.user, query=query) if query else None
    )
    person_link, case_link = _links_to("person_detail"), _links_to("case_detail")
    # Translated once for the page, not once a line: a surname fills it with 50.
    also = _("also: %(names)s")
    rows = [
        _Found(
            name=line.display_name,
            url=person_link(line.public_id),
            also=also % {"names": ", ".join(line.also)} if line.also else "",
            cases=[(case_link(public_id), reference) for public_id, reference in line.cases],
        )
        for line in (found.lines if found else [])
    ]
    return render(
        request,
        "cases/search.html",
        {"query": query, "rows": rows, "more": found.more if found else False},
    )


@require_safe
def actor_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.actors_all().order_by("name"), 100).get_page(request.GET.get("page"))
    return render(request, "cases/actor_list.html", {"page": page})


@require_safe
def actor_detail(request: AuthenticatedRequest, actor_id: UUID) -> HttpResponse:
    actor = selectors.actor_get(public_id=actor_id)
    return render(request, "cases/actor_detail.html", {"actor": actor})


def _actor_page(request: AuthenticatedRequest, *, actor=None) -> HttpResponse:
    form = ActorForm(request.POST or None, instance=actor)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            saved: Actor | None  # None: nothing changed
            if actor is None:
                saved = actor = services.actor_create(by=request.user, **form.cleaned_data)
            else:
                saved = services.actor_update(actor=actor, by=request.user, **form.cleaned_data)
            say_saved(request, saved, _("Actor saved."))
            return redirect(actor)
    if actor is None:
        return form_page(request, title=_("Add an actor"), back=reverse("actor_list"), forms=[form])
    return form_page(
        request,
        title=_("Edit %(name)s") % {"name": actor},
        back=actor.get_absolute_url(),
        forms=[form],
    )


@require_http_methods(["GET", "POST"])
def actor_edit(request: AuthenticatedRequest, actor_id: UUID) -> HttpResponse:
    require_writer(user=request.user, what="actor_edit")
    return _actor_page(request, actor=selectors.actor_get(public_id=actor_id))


@require_http_methods(["GET", "POST"])
def actor_create(request: AuthenticatedRequest) -> HttpResponse:
    require_writer(user=request.user, what="actor_create")
    return _actor_page(request)


@require_http_methods(["GET", "POST"])
def case_team(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.TEAM).case
    may_grant = may_give_source_grant(by=request.user, to=None, case=case)
    form = TeamMemberForm(request.POST or None, may_grant=may_grant)
    if request.method == "POST" and "remove" in request.POST:
        member = selectors.team_member_get(case=case, user_id=request.POST["remove"])
        if member is not None:
            try:
                services.case_member_remove(case=case, user=member.user, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Removed from the team."))
        return redirect("case_team", case_id=case.public_id)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.case_member_set(
                case=case,
                user=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                may_see_sources=form.cleaned_data["may_see_sources"],
                by=request.user,
            )
            messages.success(request, _("Team updated."))
            return redirect("case_team", case_id=case.public_id)
    return render(
        request,
        "cases/team.html",
        {"case": case, "members": selectors.team_members(case=case), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def team_index(request: AuthenticatedRequest) -> HttpResponse:
    cases = selectors.cases_for_team_admin(user=request.user)
    page = Paginator(cases, 100).get_page(request.GET.get("page"))
    return render(request, "cases/team_index.html", {"page": page})


@require_http_methods(["GET", "POST"])
def case_person_add(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    form = CasePersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.case_person_add(case=case, by=request.user, **form.cleaned_data)
            messages.success(request, _("Person added to the case."))
            return redirect(case)
    return form_page(
        request,
        title=_("Add a person to %(ref)s") % {"ref": case.reference},
        back=case.get_absolute_url(),
        forms=[form],
    )


def _moment(text: str) -> datetime | None:
    """A history page's "before" cursor (an ISO time with its offset), or None."""
    try:
        moment = datetime.fromisoformat(text[:40])
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@require_safe
def case_history(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id).case
    record_id = request.GET.get("record", "")[:64]
    before = _moment(request.GET.get("before", ""))
    page = history_of(
        case=case,
        grant_cases=source_grant_case_ids(user=request.user),
        record_id=record_id,
        before=before,
    )
    changes = page.changes
    # Seeing who a source is, or how to reach a relative, here as on their pages, is
    # itself recorded.
    revealed = {
        c.record_id for c in changes if c.model == "sources.source" and c.reveals_confidential
    }
    if revealed:
        source_identities_viewed(case=case, public_ids=revealed, by=request.user, via="history")
    reached = {
        c.person_id for c in changes if c.model == "cases.relative" and c.reveals_confidential
    }
    for person in case.people.all():
        if person.pk in reached:
            services.relative_contacts_viewed(person=person, by=request.user, via="history")
    return render(
        request,
        "cases/history.html",
        {
            "case": case,
            "changes": changes,
            "record_id": record_id,
            "older": page.older.isoformat() if page.older else "",
            "paged": before is not None,
        },
    )
