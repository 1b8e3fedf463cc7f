"""Routes of this app; the root URLconf includes them."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/export.csv", views.case_list_csv, name="case_list_csv"),
    path("cases/export.xlsx", views.case_list_xlsx, name="case_list_xlsx"),
    path("cases/<uuid:case_id>/export.json", views.case_export, name="case_export"),
]
