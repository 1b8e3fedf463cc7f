"""Stop reading an uploaded file as soon as it passes the upload size limit
(HABEAS_EVIDENCE_MAX_BYTES, the ceiling for every file: evidence and photos).

Django would otherwise spool the whole upload to a temporary file before any
view could look at its size: a 20 GB upload would fill the server's disk first.
This handler runs first (settings.FILE_UPLOAD_HANDLERS); past the limit it skips
the file, whose remaining bytes are read and thrown away, and marks the request
so the view can say why instead of "this field is required".
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

REFUSED_ATTR = "habeas_uploads_too_large"


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.HABEAS_EVIDENCE_MAX_BYTES:
            refused = getattr(self.request, REFUSED_ATTR, set())
            refused.add(self.field_name)
            setattr(self.request, REFUSED_ATTR, refused)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers keep the file


def refused_fields(request) -> set[str]:
    """The form fields whose file was dropped for being too large."""
    return getattr(request, REFUSED_ATTR, set())


def too_large_message() -> str:
    return (
        f"The file is larger than the limit of {settings.HABEAS_EVIDENCE_MAX_BYTES:,} bytes. "
        "Nothing was stored."
    )


def report_dropped(request, form) -> bool:
    """Make `form` say which of its files were dropped for their size (instead of
    "required", or, for an optional file, nothing at all). True if any was."""
    dropped = refused_fields(request) & set(form.fields)
    if not dropped:
        return False
    form.is_valid()  # the other fields' errors too; their input is kept
    for name in dropped:
        form.errors[name] = form.error_class([too_large_message()])
        form.cleaned_data.pop(name, None)
    return True
