"""Notification channels: one small module each, with one `send` function.

A channel raises `ChannelError` with a short, content-free reason when a send
fails; the outbox (habeas.alerts.delivery) retries, records and gives up.
"""


class ChannelError(Exception):
    """The send failed; the message is safe to store and show (no case content)."""
