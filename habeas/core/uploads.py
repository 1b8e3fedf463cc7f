"""Uploaded files are kept in memory, never spooled to disk, and dropped as soon
as they pass the upload size limit (HABEAS_EVIDENCE_MAX_BYTES, the ceiling for
every file: evidence and photos).

Django's own handlers spool any upload over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
to a temporary file: a witness's photo or statement would then sit in clear in
/tmp (and in its free blocks after deletion) while the evidence store keeps only
its encrypted form. This handler runs first (settings.FILE_UPLOAD_HANDLERS) and
keeps every file itself, so the handlers after it never see a byte.

Memory is bounded per request, not only per file: all the files of one request
together are held up to the limit. Past it the file being read is skipped (its
remaining bytes are read and thrown away) and the request is marked, so the view
can say why instead of "this field is required". Concurrent uploads each hold up
to the limit: size the server's memory (and the number of workers) for it.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopFutureHandlers

REFUSED_ATTR = "habeas_uploads_too_large"


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.kept = 0  # bytes of this request's earlier files, still in memory
        self.buffer: io.BytesIO | None = None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        raise StopFutureHandlers()  # no other handler opens (or spools) this file

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.buffer is None or self.kept + self.buffer.tell() + len(raw_data) > max_bytes():
            self.buffer = None  # released now, not when the request ends
            refused: set[str] = getattr(self.request, REFUSED_ATTR, set())
            refused.add(self.field_name)
            setattr(self.request, REFUSED_ATTR, refused)
            raise SkipFile()
        # Returning nothing keeps the chunk here: no later handler receives it.
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        buffer, self.buffer = self.buffer, None
        self.kept += file_size
        buffer.seek(0)
        return InMemoryUploadedFile(
            file=buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self) -> None:
        self.buffer = None


def refused_fields(request) -> set[str]:
    """The form fields whose file was dropped for being too large."""
    return getattr(request, REFUSED_ATTR, set())


def max_bytes() -> int:
    """The upload size limit: of any one file, and of all the files of one request."""
    return settings.HABEAS_EVIDENCE_MAX_BYTES


def too_large_message() -> str:
    """What a form says of a file over the limit, wherever it was caught."""
    return f"The file is larger than the limit of {max_bytes():,} bytes. Nothing was stored."


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
