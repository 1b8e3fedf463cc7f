"""Notification channels: one small module each, with one `send` function.

A channel raises `ChannelError` with a short, content-free reason when a send
fails; the outbox (habeas.alerts.delivery) retries, records and gives up.
"""


class ChannelError(Exception):
    """The send failed; the message is safe to store and show (no case content).

    `endpoint_fault` is False when the fault lies with this one delivery (an
    address the server refuses, a recipient without an address): it says nothing
    about the endpoint's health, so it neither trips the circuit breaker nor earns
    the slow retries of an outage."""

    def __init__(self, message: str, *, endpoint_fault: bool = True) -> None:
        super().__init__(message)
        self.endpoint_fault = endpoint_fault
