"""Routes of this app; the root URLconf includes them."""

from django.urls import URLPattern, URLResolver

from . import views  # noqa: F401

urlpatterns: list[URLPattern | URLResolver] = []
