"""Why a file is refused: the message says why, for the person uploading it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class RejectedFile(ValueError):
    """The upload cannot be kept; the message says why, for the person uploading."""


class TooLarge(RejectedFile):
    """A file too large (in pixels, frames or what it inflates to) for Habeas to read
    within its bounds; as evidence it can still be kept as received (KEEP_IT_ZIPPED)."""


KEEP_IT_ZIPPED = _(
    "Nothing was stored. Upload it inside a ZIP archive to keep it as it is (it then "
    "gets no working copy)."
)
