"""The photo on a public profile: any common image in, a small JPEG without metadata out.

Why re-encode rather than strip: a new image built from the pixels alone cannot carry
what a stripper forgot (EXIF GPS, maker notes, XMP, comments, embedded thumbnails that
still show the uncropped original). Decoding goes through the evidence module's guards
against damaged files and decompression bombs.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from habeas.lib import files

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
LONGEST_SIDE = 800  # pixels: enough for a profile, light on slow links
ACCEPTED = set(files.IMAGE_TYPES.values())


def clean_photo(data: bytes) -> bytes:
    """The JPEG to publish; ValidationError with a readable message otherwise."""
    if not data:
        raise ValidationError(_("The photo file is empty."), code="empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The photo is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20},
            code="too_large",
        )
    if files.sniff(data[:4096]) not in ACCEPTED:
        raise ValidationError(
            _("This file is not a photo (JPEG, PNG, WebP, GIF or TIFF)."), code="not_image"
        )
    try:
        image = files.pixels_only(data)
    except files.RejectedFile as error:
        raise ValidationError(str(error), code="rejected") from None
    image = image.convert("RGB")
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
