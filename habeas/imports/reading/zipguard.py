"""Open a zip (XLSX, ODS) from someone who may want to exhaust the server.

A zip bomb declares small parts that inflate to gigabytes. Python's zipfile never gives more
than the size a part declares in the central directory, so the declared sizes are what is
checked: their total, each part's, and how much a part claims to grow (real spreadsheets
compress about 5 to 30 times; bombs a thousand). Only "stored" and "deflated" parts are
accepted: what spreadsheet programs write, and the only methods zipfile inflates in bounded
steps.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

from .table import ReadError

MAX_PART = 256 * 1024 * 1024
MAX_TOTAL = 512 * 1024 * 1024
MAX_RATIO = 200
# Below this a part may compress as well as it likes: an empty sheet is all repetition.
RATIO_FLOOR = 1024 * 1024
MAX_PARTS = 10_000


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The archive, checked; `kind` ("XLSX", "ODS") names the format in messages."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ReadError(
            _("The file is not a valid %(kind)s file (it is damaged or of another type).")
            % {"kind": kind}
        ) from None
    if len(parts) > MAX_PARTS:
        raise _too_big(kind)
    total = 0
    for part in parts:
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ReadError(
                _(
                    "The %(kind)s file is compressed in a way spreadsheet programs do not use; "
                    "save it again from your spreadsheet program."
                )
                % {"kind": kind}
            )
        if part.flag_bits & 0x1:
            raise ReadError(
                _("The %(kind)s file is password-protected. Save a copy without a password.")
                % {"kind": kind}
            )
        total += part.file_size
        if part.file_size > MAX_PART or total > MAX_TOTAL:
            raise _too_big(kind)
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise _too_big(kind)
    return archive


def _too_big(kind: str) -> ReadError:
    return ReadError(
        _(
            "The %(kind)s file unpacks to far more data than a spreadsheet holds; it is refused "
            "as a possible attack. If it is a real spreadsheet, save it as CSV."
        )
        % {"kind": kind}
    )
