from django.urls import path

from . import views

urlpatterns = [
    path("cases/<uuid:case_id>/advocacy/", views.case_advocacy, name="case_advocacy"),
    path("cases/<uuid:case_id>/advocacy/document/", views.case_document, name="case_document"),
    path(
        "cases/<uuid:case_id>/interventions/new/",
        views.intervention_add,
        name="intervention_add",
    ),
    path(
        "cases/<uuid:case_id>/interventions/<uuid:intervention_id>/",
        views.intervention_detail,
        name="intervention_detail",
    ),
    path(
        "cases/<uuid:case_id>/advocacy/events/",
        views.event_clearance,
        name="event_clearance",
    ),
    path(
        "cases/<uuid:case_id>/interventions/<uuid:intervention_id>/ready/",
        views.intervention_ready,
        name="intervention_ready",
    ),
    path(
        "cases/<uuid:case_id>/interventions/<uuid:intervention_id>/standard/",
        views.intervention_to_standard,
        name="intervention_to_standard",
    ),
    path(
        "cases/<uuid:case_id>/interventions/<uuid:intervention_id>/sent/",
        views.intervention_sent,
        name="intervention_sent",
    ),
    path(
        "cases/<uuid:case_id>/interventions/<uuid:intervention_id>/sent-elsewhere/",
        views.intervention_sent_elsewhere,
        name="intervention_sent_elsewhere",
    ),
    path(
        "cases/<uuid:case_id>/interventions/<uuid:intervention_id>/close/",
        views.intervention_close,
        name="intervention_close",
    ),
    path(
        "cases/<uuid:case_id>/interventions/<uuid:intervention_id>/responses/new/",
        views.response_add,
        name="response_add",
    ),
    path(
        "cases/<uuid:case_id>/advocacy/consents/new/",
        views.family_consent_add,
        name="family_consent_add",
    ),
    path(
        "cases/<uuid:case_id>/advocacy/consents/<uuid:consent_id>/withdraw/",
        views.family_consent_withdraw,
        name="family_consent_withdraw",
    ),
    path("cases/<uuid:case_id>/publication/", views.publication_edit, name="publication_edit"),
    path(
        "cases/<uuid:case_id>/publication/photo.jpg",
        views.publication_photo,
        name="publication_photo",
    ),
    path(
        "cases/<uuid:case_id>/publication/preview/",
        views.publication_preview,
        name="publication_preview",
    ),
    path(
        "cases/<uuid:case_id>/publication/updates/new/",
        views.public_update_add,
        name="public_update_add",
    ),
    path("advocacy/briefing/", views.briefing, name="briefing"),
    path("advocacy/addressees/", views.addressee_list, name="addressee_list"),
    path("advocacy/addressees/new/", views.addressee_add, name="addressee_add"),
    path(
        "advocacy/addressees/<uuid:addressee_id>/edit/",
        views.addressee_edit,
        name="addressee_edit",
    ),
    path("public/", views.public_list, name="public_list"),
    path("public/feed.atom", views.public_feed, name="public_feed"),
    path("public/<uuid:profile_id>/", views.public_profile, name="public_profile"),
    path("public/<uuid:profile_id>/photo.jpg", views.public_photo, name="public_photo"),
]
