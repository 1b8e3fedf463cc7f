"""Pages of the advocacy app: interventions and responses, generated documents,
the directory of addressees, publication settings, and the public pages."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.decorators.vary import vary_on_headers
from django_countries import countries

from habeas.accounts.http import AuthenticatedRequest
from habeas.cases.access import Need, case_access, require_writer
from habeas.core import uploads
from habeas.core.pages import errors_onto, form_page
from habeas.lib.text import plain_text

from . import ced, documents, fixes, readiness, selectors, services
from . import render as render_to
from .forms import (
    AddresseeForm,
    BriefingQueryForm,
    CaseDocumentQueryForm,
    EventClearanceForm,
    FamilyConsentForm,
    FamilyConsentWithdrawForm,
    InterventionCloseForm,
    InterventionForm,
    MarkReadyForm,
    MarkSentForm,
    PersonDetailsClearanceForm,
    PublicProfileForm,
    PublicUpdateForm,
    ResponseForm,
    SentElsewhereForm,
)
from .models import Addressee
from .texts import LANGUAGE_NAMES, LANGUAGES

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# A public page's language follows the language cookie and Accept-Language: a shared
# cache keeps one copy per language.
vary_on_language = vary_on_headers("Accept-Language", "Cookie")
PUBLIC_MAX_AGE = 300  # public pages hold cleared data only; a short cache helps slow links


def _bad(request: AuthenticatedRequest, text: str) -> HttpResponse:
    return render(request, "error.html", {"title": _("Bad request"), "text": [text]}, status=400)


# --- Case advocacy ---------------------------------------------------------


@require_safe
def case_advocacy(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id)
    case = access.case
    today = timezone.localdate()
    # Its checklist is read here, in the interface language when documents are
    # written in it (the submission itself is chosen below, in a UN language).
    language = translation.get_language()
    wgeid = documents.wgeid_submission(
        case=case, language=language if language in LANGUAGES else "en", today=today
    )
    parties = ced.states_parties()
    return render(
        request,
        "advocacy/case_advocacy.html",
        {
            "case": case,
            "today": today,
            "interventions": selectors.interventions_for_case(case=case),
            "wgeid_missing": wgeid.missing,
            "fixes": fixes.fixes_for(wgeid, case=case, user=request.user, can_edit=access.can_edit),
            "ced_party": ced.is_party(case.country.code),
            "ced_as_of": parties.as_of,
            "events_left_out": wgeid.left_out,
            "steps_left_out": wgeid.steps_left_out,
            "profile": selectors.profile_for_case(case=case),
            "consents": selectors.family_consents_for(case),
            "addressees": selectors.addressee_list(),
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "can_edit": access.can_edit,
        },
    )


@require_http_methods(["GET", "POST"])
def family_consent_add(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    form = FamilyConsentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.family_consent_record(case=case, by=request.user, **form.cleaned_data)
            messages.success(request, _("Family consent recorded."))
            return redirect(reverse("case_advocacy", args=[case.public_id]) + "#consent-h")
    back = reverse("case_advocacy", args=[case.public_id])
    return form_page(request, title=_("Record a family consent"), back=back, forms=[form])


@require_http_methods(["GET", "POST"])
def family_consent_withdraw(
    request: AuthenticatedRequest, case_id: UUID, consent_id: UUID
) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    consent = selectors.family_consent_for_case(case=case, public_id=consent_id)
    form = FamilyConsentWithdrawForm(
        request.POST or None, initial={"withdrawn_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.family_consent_withdraw(
                consent=consent, by=request.user, on=form.cleaned_data["withdrawn_on"]
            )
            messages.success(request, _("The consent is recorded as withdrawn."))
            return redirect(reverse("case_advocacy", args=[case.public_id]) + "#consent-h")
    back = reverse("case_advocacy", args=[case.public_id])
    title = _("Withdraw the consent given by %(who)s on %(day)s") % {
        "who": consent.given_by,
        "day": date_format(consent.given_on),
    }
    return form_page(request, title=title, back=back, forms=[form])


@require_http_methods(["GET", "POST"])
def intervention_add(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    form = InterventionForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            intervention = services.intervention_add(
                case=case, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("Intervention recorded as a draft."))
            if intervention.is_wgeid and intervention.language not in documents.WGEID_LANGUAGES:
                messages.warning(request, documents.WGEID_LANGUAGE_WARNING)
            return redirect(intervention)
    back = reverse("case_advocacy", args=[case.public_id])
    return form_page(request, title=_("New intervention"), back=back, forms=[form])


@require_safe
def intervention_detail(
    request: AuthenticatedRequest, case_id: UUID, intervention_id: UUID
) -> HttpResponse:
    access = case_access(user=request.user, public_id=case_id)
    case = access.case
    intervention = selectors.intervention_for_case(case=case, public_id=intervention_id)
    today = timezone.localdate()
    document = documents.intervention_document(intervention=intervention, today=today)
    return render(
        request,
        "advocacy/intervention_detail.html",
        {
            "case": case,
            "intervention": intervention,
            "responses": intervention.responses.all(),
            "document": document,
            "fixes": fixes.fixes_for(
                document,
                case=case,
                user=request.user,
                can_edit=access.can_edit,
                intervention=intervention,
            ),
            "doc_kind": documents.DOCUMENT_FOR_KIND[intervention.kind].value,
            "today": today,
            "can_edit": access.can_edit,
            "changed_since_checked": readiness.changed_since_checked(intervention),
        },
    )


@require_POST
def intervention_to_standard(
    request: AuthenticatedRequest, case_id: UUID, intervention_id: UUID
) -> HttpResponse:
    """Change an urgent-procedure draft whose window passed to the standard procedure."""
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    intervention = selectors.intervention_for_case(case=case, public_id=intervention_id)
    try:
        services.intervention_to_standard(intervention=intervention, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Changed to the standard procedure."))
    return redirect(intervention)


@require_http_methods(["GET", "POST"])
def intervention_sent(
    request: AuthenticatedRequest, case_id: UUID, intervention_id: UUID
) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    intervention = selectors.intervention_for_case(case=case, public_id=intervention_id)
    form = MarkSentForm(
        request.POST or None,
        initial={"sent_on": timezone.localdate(), "channel": intervention.channel or "email"},
    )
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.intervention_mark_sent(
                intervention=intervention, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("Marked as sent; the document sent is kept."))
            return redirect(intervention)
    return form_page(
        request, title=_("Mark as sent"), back=intervention.get_absolute_url(), forms=[form]
    )


@require_http_methods(["GET", "POST"])
def intervention_sent_elsewhere(
    request: AuthenticatedRequest, case_id: UUID, intervention_id: UUID
) -> HttpResponse:
    """Record an intervention sent before the case was in Habeas: no check of a
    generated document, no snapshot."""
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    intervention = selectors.intervention_for_case(case=case, public_id=intervention_id)
    form = SentElsewhereForm(
        request.POST or None,
        initial={
            "channel": intervention.channel or "post",
            "reference": intervention.reference,
            "procedure": intervention.kind,
        },
        wgeid=intervention.is_wgeid,
    )
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.intervention_record_sent_elsewhere(
                intervention=intervention, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("Recorded as sent outside Habeas."))
            return redirect(intervention)
    return form_page(
        request,
        title=_("Record as sent outside Habeas"),
        back=intervention.get_absolute_url(),
        forms=[form],
        template="advocacy/intervention_sent_elsewhere.html",
        intervention=intervention,
    )


@require_http_methods(["GET", "POST"])
def intervention_ready(
    request: AuthenticatedRequest, case_id: UUID, intervention_id: UUID
) -> HttpResponse:
    """Mark a draft ready to send: refused, with what is missing, while the
    document fails its completeness check."""
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    intervention = selectors.intervention_for_case(case=case, public_id=intervention_id)
    form = MarkReadyForm(request.POST or None, initial={"channel": intervention.channel})
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.intervention_mark_ready(
                intervention=intervention, by=request.user, channel=form.cleaned_data["channel"]
            )
            messages.success(request, _("Marked ready to send."))
            return redirect(intervention)
    return form_page(
        request, title=_("Mark ready to send"), back=intervention.get_absolute_url(), forms=[form]
    )


@require_http_methods(["GET", "POST"])
def intervention_close(
    request: AuthenticatedRequest, case_id: UUID, intervention_id: UUID
) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    intervention = selectors.intervention_for_case(case=case, public_id=intervention_id)
    form = InterventionCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.intervention_close(
                intervention=intervention, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("Intervention closed; its follow-ups stop."))
            return redirect(intervention)
    return form_page(
        request,
        title=_("Close the intervention"),
        back=intervention.get_absolute_url(),
        forms=[form],
    )


@require_http_methods(["GET", "POST"])
def response_add(
    request: AuthenticatedRequest, case_id: UUID, intervention_id: UUID
) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    intervention = selectors.intervention_for_case(case=case, public_id=intervention_id)
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.response_record(
                intervention=intervention, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("Response recorded."))
            return redirect(intervention)
    return form_page(
        request, title=_("Record a response"), back=intervention.get_absolute_url(), forms=[form]
    )


# --- Documents -------------------------------------------------------------


def _download(
    request: AuthenticatedRequest, document: documents.Document, fmt: str, filename: str
) -> HttpResponse:
    try:
        body = render_to.to_pdf(document) if fmt == "pdf" else render_to.to_docx(document)
    except render_to.PdfGapsError as gaps:
        # Never a PDF without the name: say where, and offer the versions that show it.
        query = request.GET.copy()
        query.pop("format", None)
        return render(
            request,
            "advocacy/pdf_refused.html",
            {"document": document, "pdf_gaps": gaps.places, "download_query": query.urlencode()},
            status=422,
        )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    # A reference may hold quotes or Cyrillic: Django quotes and encodes it (RFC 6266).
    # (Never None for an attachment, which mypy cannot tell.)
    response["Content-Disposition"] = content_disposition_header(  # type: ignore[assignment]
        as_attachment=True, filename=f"{filename}.{fmt}"
    )
    return response


@require_GET
def case_document(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """?doc=wgeid|ced_urgent_action|special_procedures|letter|urgent_action
    &lang=en|fr|es|ru &format=html|pdf|docx &addressee=<id>"""
    access = case_access(user=request.user, public_id=case_id)
    case = access.case
    asked = CaseDocumentQueryForm(request.GET)
    if not asked.is_valid():
        return _bad(request, asked.refusal())
    doc, lang, fmt = (asked.cleaned_data[name] for name in ("doc", "lang", "format"))
    addressee = selectors.addressee_get(public_id=request.GET.get("addressee"))
    document = documents.build(
        kind=documents.DocKind(doc),
        case=case,
        language=lang,
        today=timezone.localdate(),
        addressees=[addressee] if addressee else [],
    )
    if fmt != "html":
        return _download(request, document, fmt, f"{case.reference}-{doc}-{lang}")
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "advocacy/document.html",
        {
            "case": case,
            "document": document,
            "download_query": query.urlencode(),
            "pdf_gaps": render_to.pdf_gaps(document),
            "fixes": fixes.fixes_for(
                document, case=case, user=request.user, can_edit=access.can_edit
            ),
            "doc": doc,
            "can_edit": access.can_edit,
        },
    )


@require_GET
def briefing(request: AuthenticatedRequest) -> HttpResponse:
    """A briefing note on the user's cases of one country, for a dialogue.

    ?country=TM &lang=en|fr|es|ru &format=html|pdf|docx, and the cases to include:
    ?case=<id>&case=<id> with picked=TM (the country the ticked boxes were listed
    for). Without a pick for this country — the first visit, or another country
    chosen since — every case of it the user is on is included."""
    available = selectors.briefing_countries(user=request.user)
    asked = BriefingQueryForm(request.GET, countries=available)
    if not asked.is_valid():
        return _bad(request, asked.refusal())
    country, lang, fmt = (asked.cleaned_data[name] for name in ("country", "lang", "format"))
    document, error, cases, chosen = None, "", [], []
    if country:
        cases = selectors.briefing_cases(user=request.user, country=country)
        chosen = cases
        if request.GET.get("picked") == country:
            chosen = selectors.briefing_selection(cases=cases, chosen=request.GET.getlist("case"))
            if not chosen:
                error = _("Choose at least one case to include.")
        if chosen:
            document = documents.briefing_note(
                cases=chosen, country=country, language=lang, today=timezone.localdate()
            )
            if fmt != "html":
                return _download(request, document, fmt, f"briefing-{country}-{lang}")
    names = dict(countries)
    query = request.GET.copy()
    query.pop("format", None)
    chosen_ids = {case.public_id for case in chosen}
    return render(
        request,
        "advocacy/briefing.html",
        {
            "countries": [(c, names.get(c, c)) for c in available],
            "country": country,
            "lang": lang,
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "cases": [(case, case.public_id in chosen_ids) for case in cases],
            "error": error,
            "document": document,
            "pdf_gaps": render_to.pdf_gaps(document) if document else [],
            "download_query": query.urlencode(),
        },
        status=400 if error else 200,
    )


# --- What goes outside --------------------------------------------------------


@require_http_methods(["GET", "POST"])
def event_clearance(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """Decide, event by event, which outside recipients each may reach, and where
    each of the person's details may go (two forms, each saved on its own)."""
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    events = selectors.events_for_clearance(case=case)
    details = selectors.details_clearance_for(case=case)
    posted = request.POST if request.method == "POST" else None
    saving_details = posted is not None and "save_details" in posted
    form = EventClearanceForm(None if saving_details else posted, events=events)
    details_form = PersonDetailsClearanceForm(posted if saving_details else None, instance=details)
    if saving_details and details_form.is_valid():
        with errors_onto(details_form):
            services.person_details_clearance_set(
                case=case,
                by=request.user,
                **{name: details_form.cleaned_data[name] for name in details.FIELDS},
            )
            messages.success(request, _("Where the person's details go is saved."))
            return redirect("case_advocacy", case_id=case.public_id)
    elif posted is not None and not saving_details and form.is_valid():
        with errors_onto(form):
            changed = services.event_clearances_set(
                case=case, clearances=form.clearances(), by=request.user
            )
            messages.success(
                request,
                ngettext("%(n)d event changed.", "%(n)d events changed.", changed) % {"n": changed},
            )
            return redirect("case_advocacy", case_id=case.public_id)
    return render(
        request,
        "advocacy/event_clearance.html",
        {"case": case, "form": form, "details_form": details_form},
        status=400 if form.errors or details_form.errors else 200,
    )


# --- Directory of addressees -------------------------------------------------


@require_safe
def addressee_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request, "advocacy/addressee_list.html", {"addressees": selectors.addressee_list()}
    )


@require_http_methods(["GET", "POST"])
def addressee_add(request: AuthenticatedRequest) -> HttpResponse:
    require_writer(user=request.user, what="addressee_add")
    form = AddresseeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.addressee_create(by=request.user, **form.cleaned_data)
            messages.success(request, _("Addressee added."))
            return redirect("addressee_list")
    return form_page(
        request, title=_("Add an addressee"), back=reverse("addressee_list"), forms=[form]
    )


@require_http_methods(["GET", "POST"])
def addressee_edit(request: AuthenticatedRequest, addressee_id: UUID) -> HttpResponse:
    require_writer(user=request.user, what="addressee_edit")
    # An id from the URL: an addressee or a 404, never None.
    addressee = cast(Addressee, selectors.addressee_get(public_id=addressee_id))
    form = AddresseeForm(request.POST or None, instance=addressee)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.addressee_update(addressee=addressee, by=request.user, **form.cleaned_data)
            messages.success(request, _("Addressee saved."))
            return redirect("addressee_list")
    return form_page(
        request, title=_("Edit an addressee"), back=reverse("addressee_list"), forms=[form]
    )


# --- Publication (staff) ----------------------------------------------------


@require_http_methods(["GET", "POST"])
def publication_edit(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    profile = selectors.profile_for_case(case=case)
    initial = {} if profile else selectors.publication_initial(case=case)
    form = PublicProfileForm(
        request.POST or None, request.FILES or None, instance=profile, initial=initial
    )
    form.warn_without_consent(consent_given=selectors.consent_given(case, "publication"))
    dropped = uploads.report_dropped(request, form)  # a photo over the upload limit
    if request.method == "POST" and not dropped and form.is_valid():
        with errors_onto(form):
            services.public_profile_save(case=case, by=request.user, **form.cleaned_data)
            messages.success(request, _("Publication settings saved."))
            return redirect("publication_preview", case_id=case.public_id)
    return form_page(
        request,
        title=_("What is cleared for publication"),
        back=reverse("case_advocacy", args=[case.public_id]),
        forms=[form],
        template="advocacy/publication_edit.html",
        from_case=profile is None,
    )


def _photo(profile) -> HttpResponse:
    if profile is None or not profile.has_photo:
        raise Http404
    response = HttpResponse(bytes(profile.photo), content_type="image/jpeg")
    response["Content-Disposition"] = 'inline; filename="photo.jpg"'
    return response


@require_safe
def publication_photo(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """The cleared photo for the team's preview, published or not."""
    case = case_access(user=request.user, public_id=case_id).case
    return _photo(selectors.profile_for_case(case=case))


@require_safe
def publication_preview(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """The profile exactly as the public would see it, published or not."""
    case = case_access(user=request.user, public_id=case_id).case
    profile = selectors.profile_for_case(case=case)
    return render(
        request,
        "advocacy/public/profile.html",
        {
            "profile": profile,
            "updates": profile.updates.all() if profile else [],
            "today": timezone.localdate(),
            "preview": True,
            "case": case,
        },
    )


@require_http_methods(["GET", "POST"])
def public_update_add(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    case = case_access(user=request.user, public_id=case_id, need=Need.EDIT).case
    profile = selectors.profile_for_case(case=case)
    form = PublicUpdateForm(request.POST if request.method == "POST" else None)
    form.warn_unless_sent(un_submission_sent=selectors.un_submission_sent(case=case))
    if profile is None:
        no_profile = _("Clear a public profile for this case first.")
        if request.method != "POST":
            messages.error(request, no_profile)
            return redirect("publication_edit", case_id=case.public_id)
        form.add_error(None, no_profile)  # on the bound form: what was typed is kept
    elif request.method == "POST" and form.is_valid():
        with errors_onto(form):
            services.public_update_add(profile=profile, by=request.user, **form.cleaned_data)
            messages.success(request, _("Public update added."))
            return redirect("publication_preview", case_id=case.public_id)
    return form_page(
        request,
        title=_("Add to the public timeline"),
        back=reverse("publication_preview", args=[case.public_id]),
        forms=[form],
        template="advocacy/publication_update.html",
        case=case,
        no_profile=profile is None,
    )


# --- Public pages (no login) ------------------------------------------------


@login_not_required
@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_language
def public_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "advocacy/public/list.html",
        {"profiles": selectors.published_profiles(), "today": timezone.localdate()},
    )


@login_not_required
@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_language
def public_profile(request: HttpRequest, profile_id: UUID) -> HttpResponse:
    profile = selectors.published_profile_get(public_id=profile_id)
    return render(
        request,
        "advocacy/public/profile.html",
        {"profile": profile, "updates": profile.updates.all(), "today": timezone.localdate()},
    )


@login_not_required
@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_photo(request: HttpRequest, profile_id: UUID) -> HttpResponse:
    return _photo(selectors.published_profile_get(public_id=profile_id))


class PlainTextAtomFeed(Atom1Feed):
    """Atom, with each summary declared as plain text: staff write public updates
    as text, and a feed reader must not turn an `<img>` or a link in them into a
    live one (the public page escapes them too). Control characters from records
    stored before input was cleaned are dropped, or one would break the whole
    feed for everyone (XML 1.0 refuses them)."""

    def add_item_elements(self, handler, item) -> None:
        item = {
            key: plain_text(value) if isinstance(value, str) else value
            for key, value in item.items()
        }
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class PublicFeed(Feed):
    """Atom feed of public timeline entries of published profiles."""

    feed_type = PlainTextAtomFeed
    # In the reader's language (Accept-Language, or the visitor's switch).
    title = gettext_lazy("Habeas: public updates")
    subtitle = gettext_lazy("Updates on people documented as disappeared")

    def link(self) -> str:
        return reverse("public_list")

    def items(self):
        return selectors.published_updates()

    def item_title(self, item) -> str:
        # The date of what happened, as precise as it is known, where every reader
        # shows it: `published` only says when it went on the list.
        return f"{item.profile.name}: {item.title} ({item.happened_on})"

    def item_description(self, item) -> str:
        return item.text

    def item_link(self, item) -> str:
        return item.profile.get_absolute_url()

    def item_guid(self, item) -> str:
        return f"urn:uuid:{item.public_id}"

    # RFC 4287: `published` is when the entry first became available — when it was
    # added, or when its profile was first published if later; entries are never
    # edited, so `updated` is the same instant.
    def item_pubdate(self, item):
        return item.listed_at

    def item_updateddate(self, item):
        return item.listed_at


public_feed = login_not_required(
    cache_control(public=True, max_age=PUBLIC_MAX_AGE)(vary_on_language(PublicFeed()))
)
