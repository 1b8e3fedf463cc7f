"""The API under /api/v1/ and the token pages under /account/api-tokens/."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path, re_path

from . import views
from .api import api
from .errors import not_found_body


def _token_only(patterns: list[Any]) -> list[Any]:
    """The API authenticates by token, not by session: Django's login redirect
    (LoginRequiredMiddleware) must not answer its requests, nor its schema's."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
        elif isinstance(pattern, URLResolver):
            _token_only(pattern.url_patterns)
    return patterns


@login_not_required
def _no_such_route(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other path under /api/v1/: the API's 404, in JSON like every API answer."""
    response = JsonResponse(not_found_body(), status=404)
    response["Cache-Control"] = "no-store, private"
    return response


api_patterns, _app_name, _namespace = api.urls

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "api/v1/",
        include(
            (
                [
                    *_token_only(api_patterns),
                    re_path(r"^(?P<rest>.*)$", _no_such_route, name="no_such_route"),
                ],
                "api-v1",
            ),
            namespace="api-v1",
        ),
    ),
    path("account/api-tokens/", views.token_list, name="api_tokens"),
    path("account/api-tokens/<uuid:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
]
