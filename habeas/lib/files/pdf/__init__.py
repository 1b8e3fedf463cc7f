"""PDFs, read within fixed bounds: what they carry that could identify whoever
made, scanned or annotated them, and a working copy without it.

A PDF hides identifying data in many places: document information and XMP on
the document, on each page and on each image; PieceInfo (an editor's private
data); annotations (a comment's author and text); attached files; JavaScript;
hidden layers; keys of its own choosing; and, above all, the photos and scans
embedded in it, whose JPEG data carries the camera's EXIF (GPS position, make
and model, owner), XMP and comments.

The working copy is a new file built from an allow-list (copy.py); the metadata
panel's report is read in the same pass (reading.py for the document's parts).
Everything here reads files from strangers: every stream is bounded, and so is
all that one file makes Habeas decode (reading.Budget); any failure to read
anything raises RejectedFile.
"""

from __future__ import annotations

from ..metadata import Metadata
from .copy import Copier
from .reading import Budget, Found, document_metadata, open_pdf, reading


def check(data: bytes) -> None:
    """RejectedFile unless the PDF opens and its pages can be listed."""
    with reading():
        open_pdf(data)


def examine(data: bytes) -> tuple[Metadata, bytes]:
    """What the PDF reveals (a Metadata) and its working copy, in one pass."""
    found = Found()
    with reading():
        reader = open_pdf(data)
        document_metadata(reader, found)
        working = Copier(reader, found, Budget()).run()
    return found.metadata(), working


def metadata(data: bytes) -> Metadata:
    return examine(data)[0]


def working_copy(data: bytes) -> bytes:
    return examine(data)[1]
