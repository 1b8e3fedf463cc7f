"""Calling the JSON API as a client program does: over HTTP, with a real token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from habeas.accounts.models import User
from habeas.api.services import api_token_create

API = "/api/v1"


def token_for(user: User, *, scope: str = "write", days: int = 30, name: str = "test") -> str:
    """A token made as the account page makes one (the service behind it)."""
    return api_token_create(user=user, name=name, scope=scope, days=days, by=user)[1]


def call(
    client: Client,
    method: str,
    path: str,
    *,
    token: str | None,
    body: Any = None,
    raw: bytes | None = None,
    **extra: Any,
):
    """One request to the API at `path` (under /api/v1), with `token` as its bearer."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    data: Any = raw if raw is not None else (json.dumps(body) if body is not None else None)
    send = getattr(client, method.lower())
    kwargs: dict[str, Any] = {**headers, **extra}
    if data is not None:
        kwargs["data"] = data
        kwargs["content_type"] = "application/json"
    return send(f"{API}{path}", **kwargs)
