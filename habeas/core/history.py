"""Who made a change, for the history django-simple-history keeps of a record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def changed_by(
    instance: models.Model, by: AbstractBaseUser | None, *, reason: str | None = None
) -> None:
    """Name `by` (an account, or None for Habeas itself) as the author of the next
    save or delete of `instance` in its history, and `reason` as what changed when
    the record's own columns do not say it (its tags, people, actors, links).
    simple-history reads both from the instance when it writes the history row."""
    instance._history_user = by  # type: ignore[attr-defined]
    if reason is not None:
        instance._change_reason = reason  # type: ignore[attr-defined]
