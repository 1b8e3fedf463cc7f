"""Whether what was read when an intervention was marked ready is still what would
be sent. The record keeps changing after the check (an event added, a name, a
consent withdrawn): a document read on Monday and changed on Tuesday must be read
again, not sent on Monday's check."""

from __future__ import annotations

import hashlib
from datetime import date

from . import documents
from .models import Intervention


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def checked_digest(*, intervention: Intervention, today: date) -> str:
    """The digest stored at mark-ready: the text as generated that day."""
    return digest(documents.intervention_document(intervention=intervention, today=today).text())


def changed_since_checked(intervention: Intervention) -> bool:
    """True when a ready intervention's document no longer reads as it did when it
    was checked. Rebuilt with the check's date, so the date line alone (sent a day
    later) is no change. Ready before checks were stored (no digest): not known,
    so not reported as changed."""
    if intervention.status != Intervention.Status.READY or not intervention.checked_sha256:
        return False
    if intervention.checked_on is None:
        return False
    return (
        checked_digest(intervention=intervention, today=intervention.checked_on)
        != intervention.checked_sha256
    )
