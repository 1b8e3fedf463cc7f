"""Routes of this app; the root URLconf includes them."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("import/", views.import_upload, name="import_upload"),
    path("import/sample.<str:kind>", views.import_sample, name="import_sample"),
    path("import/help/", views.import_help, name="import_help"),
    path("import/<uuid:upload_id>/", views.import_mapping, name="import_mapping"),
    path("import/<uuid:upload_id>/dry-run/", views.import_dry_run, name="import_dry_run"),
    path("import/<uuid:upload_id>/import/", views.import_commit, name="import_commit"),
    path("import/done/<uuid:batch_id>/", views.import_result, name="import_result"),
]
