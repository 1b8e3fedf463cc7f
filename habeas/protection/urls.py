"""Routes of this app; the root URLconf includes them. Staff pages live under
/protection/; the person's own check-in page is /k/<token>/ (checkin_views)."""

from django.urls import URLPattern, URLResolver, path

from . import checkin_views, views

app_name = "protection"

urlpatterns: list[URLPattern | URLResolver] = [
    path("protection/", views.at_risk_list, name="at_risk_list"),
    path("protection/new/", views.enrol, name="enrol"),
    path("protection/teams/", views.team_index, name="team_index"),
    path("protection/<uuid:at_risk_id>/", views.at_risk_detail, name="at_risk_detail"),
    path("protection/<uuid:at_risk_id>/edit/", views.at_risk_edit, name="at_risk_edit"),
    path("protection/<uuid:at_risk_id>/file/", views.file_edit, name="file_edit"),
    path("protection/<uuid:at_risk_id>/photo/", views.photo, name="photo"),
    path("protection/<uuid:at_risk_id>/photo/edit/", views.photo_edit, name="photo_edit"),
    path("protection/<uuid:at_risk_id>/plan/", views.plan_edit, name="plan_edit"),
    path("protection/<uuid:at_risk_id>/contacts/", views.contacts_edit, name="contacts_edit"),
    path("protection/<uuid:at_risk_id>/team/", views.team, name="team"),
    path("protection/<uuid:at_risk_id>/end/", views.end, name="end"),
    path("protection/<uuid:at_risk_id>/verify/", views.escalation_verify, name="verify"),
    path("protection/<uuid:at_risk_id>/close/", views.escalation_close, name="close"),
    path("protection/<uuid:at_risk_id>/open-case/", views.case_open, name="case_open"),
    path("k/<str:token>/", checkin_views.check_in_page, name="check_in_page"),
    path("protection/bridge/check-in/", checkin_views.check_in_bridge, name="check_in_bridge"),
    path(
        "protection/<uuid:at_risk_id>/check-in/",
        checkin_views.caseworker_check_in,
        name="check_in_record",
    ),
    path("protection/<uuid:at_risk_id>/bridge/", checkin_views.bridge_secret, name="bridge_secret"),
]
