"""The API: one NinjaAPI instance under /api/v1/, its authentication, its error
handlers, and the resources mounted on it (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from ninja import NinjaAPI

from . import errors
from .auth import TokenAuth
from .routes import advocacy, alerts, cases, events, people, sources

DESCRIPTION = """\
The JSON API of Habeas: the records of the token's user's case teams, read and
changed through the same rules as the web pages. Authenticate with a personal
token made on the account page (`Authorization: Bearer hbs_…`). Lists are
paginated by cursor (`next`); errors are `{"detail": …, "errors": {field: […]}}`.
See docs/api.md.
"""


class HabeasAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        # Case records must not stay in a proxy's or a client's cache.
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, private"
        return response


api = HabeasAPI(
    title="Habeas API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/schema/",
    # No interactive docs page: ninja's loads Swagger UI from a CDN, and Habeas loads
    # nothing from another host. The schema is served; read it with any OpenAPI tool.
    docs_url=None,
    auth=TokenAuth(),
)
errors.install(api)

api.add_router("/cases", cases.router)
api.add_router("/cases", events.router)
api.add_router("/people", people.router)
api.add_router("/sources", sources.router)
api.add_router("/claims", sources.claims_router)
api.add_router("/interventions", advocacy.router)
api.add_router("/alerts", alerts.router)
