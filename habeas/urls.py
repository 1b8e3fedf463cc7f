from django.urls import include, path

from habeas.cases import views as cases
from habeas.core import views as core
from habeas.sources import views as sources

urlpatterns = [
    path("", include("habeas.accounts.urls")),
    path("", include("habeas.alerts.urls")),
    path("health/", core.health, name="health"),
    path("", include("habeas.advocacy.urls")),
    path("", include("habeas.evidence.urls")),
    path("", cases.dashboard, name="dashboard"),
    path("search/", cases.search, name="search"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<uuid:case_id>/", cases.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<uuid:case_id>/status/new/", cases.status_add, name="status_add"),
    path("cases/<uuid:case_id>/events/new/", cases.event_add, name="event_add"),
    path("cases/<uuid:case_id>/events/<uuid:event_id>/edit/", cases.event_edit, name="event_edit"),
    path("cases/<uuid:case_id>/team/", cases.case_team, name="case_team"),
    path("cases/<uuid:case_id>/history/", cases.case_history, name="case_history"),
    path("cases/<uuid:case_id>/people/new/", cases.case_person_add, name="case_person_add"),
    path("teams/", cases.team_index, name="team_index"),
    path("cases/<uuid:case_id>/sources/new/", sources.source_add, name="source_add"),
    path(
        "cases/<uuid:case_id>/sources/<uuid:source_id>/",
        sources.source_detail,
        name="source_detail",
    ),
    path(
        "cases/<uuid:case_id>/sources/<uuid:source_id>/edit/",
        sources.source_edit,
        name="source_edit",
    ),
    path(
        "cases/<uuid:case_id>/sources/<uuid:source_id>/grade/",
        sources.source_grade,
        name="source_grade",
    ),
    path("cases/<uuid:case_id>/claims/new/", sources.claim_add, name="claim_add"),
    path(
        "cases/<uuid:case_id>/claims/<uuid:claim_id>/edit/", sources.claim_edit, name="claim_edit"
    ),
    path(
        "cases/<uuid:case_id>/claims/<uuid:claim_id>/grade/",
        sources.claim_grade,
        name="claim_grade",
    ),
    path("cases/<uuid:case_id>/claims/link/", sources.claim_link, name="claim_link"),
    path(
        "cases/<uuid:case_id>/claims/links/<uuid:link_id>/remove/",
        sources.claim_unlink,
        name="claim_unlink",
    ),
    path("people/<uuid:person_id>/", cases.person_detail, name="person_detail"),
    path("people/<uuid:person_id>/edit/", cases.person_edit, name="person_edit"),
    path("people/<uuid:person_id>/names/new/", cases.person_name_add, name="person_name_add"),
    path(
        "people/<uuid:person_id>/names/<uuid:name_id>/edit/",
        cases.person_name_edit,
        name="person_name_edit",
    ),
    path(
        "people/<uuid:person_id>/names/<uuid:name_id>/remove/",
        cases.person_name_remove,
        name="person_name_remove",
    ),
    path("people/<uuid:person_id>/relatives/new/", cases.relative_add, name="relative_add"),
    path(
        "people/<uuid:person_id>/relatives/<uuid:relative_id>/edit/",
        cases.relative_edit,
        name="relative_edit",
    ),
    path("actors/", cases.actor_list, name="actor_list"),
    path("actors/new/", cases.actor_create, name="actor_create"),
    path("actors/<uuid:actor_id>/", cases.actor_detail, name="actor_detail"),
    path("actors/<uuid:actor_id>/edit/", cases.actor_edit, name="actor_edit"),
]

handler400 = "habeas.core.views.bad_request"
handler403 = "habeas.core.views.permission_denied"
handler404 = "habeas.core.views.page_not_found"
handler500 = "habeas.core.views.server_error"
