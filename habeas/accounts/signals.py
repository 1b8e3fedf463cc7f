"""Every login, whichever way it happens, records the account's session epoch in
the new session (see `AccountSecurityMiddleware`)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .selectors import SESSION_EPOCH_KEY


@receiver(user_logged_in, dispatch_uid="habeas.accounts.session_epoch")
def remember_session_epoch(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_EPOCH_KEY] = user.session_epoch
