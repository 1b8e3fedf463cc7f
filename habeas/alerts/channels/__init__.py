"""Notification channels: one small module each, with one `send` function.

A channel raises `ChannelError` with a short, content-free reason when a send
fails; the outbox (habeas.alerts.delivery) retries, records and gives up.
Each writes its text in its recipient's language (recipient_language).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from ..models import Delivery


class ChannelError(Exception):
    """The send failed; the message is safe to store and show (no case content).

    `endpoint_fault` is False when the fault lies with this one delivery (an
    address the server refuses, a recipient without an address): it says nothing
    about the endpoint's health, so it neither trips the circuit breaker nor earns
    the slow retries of an outage."""

    def __init__(self, message: str, *, endpoint_fault: bool = True) -> None:
        super().__init__(message)
        self.endpoint_fault = endpoint_fault


def recipient_language(delivery: Delivery) -> str:
    """The language of the person a delivery goes to: their own (account page), else
    the organisation's (LANGUAGE_CODE). The browser's is not known to the watcher."""
    user = delivery.user
    language = user.language if user is not None else ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
