"""Routes of this app; the root URLconf includes them."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("public/pfif.xml", views.public_pfif, name="public_pfif"),
    path("pfif/export.xml", views.pfif_export, name="pfif_export"),
    path("pfif/import/", views.pfif_import, name="pfif_import"),
    path("pfif/imports/<uuid:import_id>/", views.pfif_import_result, name="pfif_import_result"),
]
