"""The request a view behind the login receives, for type checking.

Every view not marked `login_not_required` runs after Django's
LoginRequiredMiddleware, so its `request.user` is an account, never anonymous.
Views say so with `request: AuthenticatedRequest`; Django still passes its own
HttpRequest, which this class only describes."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedRequest(HttpRequest):
    user: User
