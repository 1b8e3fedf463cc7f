"""What a file is, judged from its bytes: type sniffing (sniff.py), validation of
images (images.py) and PDFs (pdf/), the metadata they carry (metadata.py), and
working copies without it. Nothing here knows of Habeas's models: evidence and
advocacy's photos both read files through this package.

Sniffing uses magic numbers, and Pillow or pypdf confirm that an image or PDF
really parses: every file that will get a working copy has been through the same
parser that makes it.
"""

from __future__ import annotations

from . import images, pdf
from .errors import KEEP_IT_ZIPPED, RejectedFile, TooLarge
from .images import IMAGE_TYPES, pixels_only
from .metadata import NO_COPY_TOO_LARGE, Metadata
from .sniff import check_matches_name, check_name, sniff

__all__ = [
    "IMAGE_TYPES",
    "KEEP_IT_ZIPPED",
    "NO_COPY_TOO_LARGE",
    "Metadata",
    "RejectedFile",
    "TooLarge",
    "check_matches_name",
    "check_name",
    "examine",
    "metadata_of",
    "pixels_only",
    "sniff",
    "unstrippable",
    "wants_working_copy",
    "working_copy_type",
]

# Files that may carry a position and a device that Habeas cannot remove: no
# working copy is made of them, and their page says so.
UNSTRIPPABLE_IMAGES = frozenset({"image/heic", "image/heif", "image/avif"})


def wants_working_copy(media_type: str) -> bool:
    return media_type in IMAGE_TYPES.values() or media_type == "application/pdf"


def unstrippable(media_type: str) -> bool:
    """Photos, videos and recordings whose metadata (position, device) Habeas
    cannot remove: their item page warns against sharing them as they are."""
    return media_type in UNSTRIPPABLE_IMAGES or media_type.startswith(("video/", "audio/"))


def examine(data: bytes | None, media_type: str) -> tuple[Metadata | None, bytes | None]:
    """Read an upload fully, once, as its working copy needs: the metadata it
    carries (stored with the item, so that its page never reads the file again)
    and its working copy (None, None for files that are not parsed). RejectedFile
    if any of it fails, so that what is stored can always be shown and shared."""
    if data is None or not wants_working_copy(media_type):
        return None, None
    return _parsed(data, media_type)


def _parsed(data: bytes, media_type: str) -> tuple[Metadata, bytes | None]:
    if media_type == "application/pdf":
        return pdf.examine(data)
    return images.examine(data, media_type)


def metadata_of(data: bytes, media_type: str) -> Metadata:
    """What identifying metadata the file carries; RejectedFile if it cannot be
    read (damaged, a bomb)."""
    if not wants_working_copy(media_type):
        return Metadata()
    return _parsed(data, media_type)[0]


def working_copy_type(media_type: str) -> tuple[str, str]:
    """Media type and file-name extension of the working copy."""
    if media_type == "image/jpeg":
        return "image/jpeg", ".jpg"
    if media_type == "application/pdf":
        return "application/pdf", ".pdf"
    return "image/png", ".png"
