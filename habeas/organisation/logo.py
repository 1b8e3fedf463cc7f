"""The organisation's logo: any common image in, a small PNG without metadata out.

Why re-encode rather than strip: a PNG built from the pixels alone cannot carry what
a stripper forgot (EXIF GPS of the office where the photo of the sign was taken,
the designer's name, XMP, embedded thumbnails). It goes into every letter and UN
submission. Decoding goes through the same guards as every upload
(habeas.lib.files: damaged files, decompression bombs, absurd sizes). PNG, not JPEG:
logos are flat colours, text and often a transparent background.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from habeas.lib import files

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Enough for a letterhead printed about 8 cm wide at 250 dpi, light in every document.
LOGO_BOX = (800, 400)
ACCEPTED = set(files.IMAGE_TYPES.values())


def too_large_message() -> str:
    return _("The logo is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}


def clean_logo(data: bytes) -> bytes:
    """The PNG to keep; ValidationError with a readable message otherwise."""
    if not data:
        raise ValidationError(_("The logo file is empty."), code="empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(too_large_message(), code="too_large")
    if files.sniff(data[:4096]) not in ACCEPTED:
        raise ValidationError(
            _("This file is not an image (JPEG, PNG, WebP, GIF or TIFF)."), code="not_image"
        )
    try:
        image = files.pixels_only(data)
    except files.RejectedFile as error:
        raise ValidationError(str(error), code="rejected") from None
    image.thumbnail(LOGO_BOX)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
