"""The dashboard, search, cases, people and actors."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/edit/", views.case_edit, name="case_edit"),
    path("cases/<uuid:case_id>/status/new/", views.status_add, name="status_add"),
    path("cases/<uuid:case_id>/events/new/", views.event_add, name="event_add"),
    path("cases/<uuid:case_id>/events/<uuid:event_id>/edit/", views.event_edit, name="event_edit"),
    path("cases/<uuid:case_id>/team/", views.case_team, name="case_team"),
    path("cases/<uuid:case_id>/history/", views.case_history, name="case_history"),
    path("cases/<uuid:case_id>/people/new/", views.case_person_add, name="case_person_add"),
    path("teams/", views.team_index, name="team_index"),
    path("people/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:person_id>/names/new/", views.person_name_add, name="person_name_add"),
    path(
        "people/<uuid:person_id>/names/<uuid:name_id>/edit/",
        views.person_name_edit,
        name="person_name_edit",
    ),
    path(
        "people/<uuid:person_id>/names/<uuid:name_id>/remove/",
        views.person_name_remove,
        name="person_name_remove",
    ),
    path("people/<uuid:person_id>/relatives/new/", views.relative_add, name="relative_add"),
    path(
        "people/<uuid:person_id>/relatives/<uuid:relative_id>/edit/",
        views.relative_edit,
        name="relative_edit",
    ),
    path("actors/", views.actor_list, name="actor_list"),
    path("actors/new/", views.actor_create, name="actor_create"),
    path("actors/<uuid:actor_id>/", views.actor_detail, name="actor_detail"),
    path("actors/<uuid:actor_id>/edit/", views.actor_edit, name="actor_edit"),
]
