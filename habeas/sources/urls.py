"""A case's sources, their claims, grades and the links between claims."""

from django.urls import path

from . import views

urlpatterns = [
    path("cases/<uuid:case_id>/sources/new/", views.source_add, name="source_add"),
    path(
        "cases/<uuid:case_id>/sources/<uuid:source_id>/",
        views.source_detail,
        name="source_detail",
    ),
    path(
        "cases/<uuid:case_id>/sources/<uuid:source_id>/edit/",
        views.source_edit,
        name="source_edit",
    ),
    path(
        "cases/<uuid:case_id>/sources/<uuid:source_id>/grade/",
        views.source_grade,
        name="source_grade",
    ),
    path("cases/<uuid:case_id>/claims/new/", views.claim_add, name="claim_add"),
    path("cases/<uuid:case_id>/claims/<uuid:claim_id>/edit/", views.claim_edit, name="claim_edit"),
    path(
        "cases/<uuid:case_id>/claims/<uuid:claim_id>/grade/",
        views.claim_grade,
        name="claim_grade",
    ),
    path("cases/<uuid:case_id>/claims/link/", views.claim_link, name="claim_link"),
    path(
        "cases/<uuid:case_id>/claims/links/<uuid:link_id>/remove/",
        views.claim_unlink,
        name="claim_unlink",
    ),
]
