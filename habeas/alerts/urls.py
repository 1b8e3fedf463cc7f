from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.inbox, name="alert_inbox"),
    path("alerts/preferences/", views.preferences, name="alert_preferences"),
    path("alerts/rules/", views.organisation_settings, name="alert_settings"),
    path("alerts/<uuid:alert_id>/", views.alert_detail, name="alert_detail"),
    path("alerts/<uuid:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<uuid:alert_id>/snooze/", views.alert_snooze, name="alert_snooze"),
    path("alerts/<uuid:alert_id>/resend/", views.alert_resend, name="alert_resend"),
    path("alerts/failed/", views.failed_deliveries, name="delivery_failed"),
    path("alerts/failed/resend/", views.failed_deliveries_resend, name="delivery_resend"),
    path("cases/<uuid:case_id>/alert-rules/", views.case_settings, name="case_alert_settings"),
    path("health/watch/", views.watch_health, name="watch_health"),
]
