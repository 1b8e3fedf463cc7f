from django.urls import path

from . import views

urlpatterns = [
    path("organisation/", views.organisation_edit, name="organisation_edit"),
    path("organisation/logo.png", views.organisation_logo, name="organisation_logo"),
]
