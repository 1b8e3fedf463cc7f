from django.urls import include, path

from habeas.core import views as core

urlpatterns = [
    path("", include("habeas.accounts.urls")),
    path("", include("habeas.alerts.urls")),
    path("health/", core.health, name="health"),
    path("language/", core.language_set, name="set_language"),
    path("", include("habeas.advocacy.urls")),
    path("", include("habeas.evidence.urls")),
    path("", include("habeas.cases.urls")),
    path("", include("habeas.sources.urls")),
    path("", include("habeas.organisation.urls")),
    path("", include("habeas.imports.urls")),
    path("", include("habeas.protection.urls")),
    path("", include("habeas.exports.urls")),
    path("", include("habeas.pfif.urls")),
    path("", include("habeas.api.urls")),
]

handler400 = "habeas.core.views.bad_request"
handler403 = "habeas.core.views.permission_denied"
handler404 = "habeas.core.views.page_not_found"
handler500 = "habeas.core.views.server_error"
