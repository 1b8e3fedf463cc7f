from django.urls import path

from . import views

urlpatterns = [
    path("cases/<uuid:case_id>/evidence/", views.evidence_list, name="evidence_list"),
    path("cases/<uuid:case_id>/evidence/new/", views.evidence_add, name="evidence_add"),
    path(
        "cases/<uuid:case_id>/evidence/<uuid:evidence_id>/",
        views.evidence_detail,
        name="evidence_detail",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<uuid:evidence_id>/edit/",
        views.evidence_edit,
        name="evidence_edit",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<uuid:evidence_id>/download/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<uuid:evidence_id>/working-copy/",
        views.evidence_download_working,
        name="evidence_download_working",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<uuid:evidence_id>/verify/",
        views.evidence_verify,
        name="evidence_verify",
    ),
    path(
        "cases/<uuid:case_id>/evidence/<uuid:evidence_id>/share/",
        views.evidence_share,
        name="evidence_share",
    ),
    path("cases/<uuid:case_id>/elements/", views.case_elements, name="case_elements"),
    path(
        "cases/<uuid:case_id>/elements/confirm/",
        views.presumed_ed_confirm,
        name="presumed_ed_confirm",
    ),
    path(
        "cases/<uuid:case_id>/elements/<slug:element>/",
        views.element_assess,
        name="element_assess",
    ),
]
