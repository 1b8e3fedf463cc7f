"""A partner's program calling the JSON API with one token (tests/support/api.py
makes the token and the request)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from habeas.accounts.models import User
from tests.support.api import call, token_for


class Api:
    """JSON requests under /api/v1 with one bearer token."""

    def __init__(self, token: str, client: Client | None = None):
        self.token = token
        self.client = client or Client()

    def get(self, path: str, **params: Any):
        return self.client.get(
            "/api/v1" + path, params, headers={"Authorization": f"Bearer {self.token}"}
        )

    def post(self, path: str, body: Any = None):
        return call(self.client, "post", path, token=self.token, body=body or {})

    def patch(self, path: str, body: Any):
        return call(self.client, "patch", path, token=self.token, body=body)


def api_for(user: User, *, scope: str = "write") -> Api:
    return Api(token_for(user, scope=scope))
