"""Evidence as the tests add, upload, store and read it back."""

from __future__ import annotations

import hashlib
import io
import re
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from habeas.evidence import storage
from habeas.evidence.models import EvidenceItem
from habeas.evidence.services import evidence_add


def named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def add(case, by, data: bytes, name: str, **extra) -> EvidenceItem:
    return evidence_add(case=case, upload=named(data, name), title="T", by=by, **extra)


def store_files(settings) -> list[str]:
    path = settings.HABEAS_FILES_DIR / "evidence"
    return sorted(p.name for p in path.iterdir()) if path.exists() else []


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored_before_the_fix(case, by, data: bytes, name: str, media_type: str) -> EvidenceItem:
    """An item as an earlier version kept it: the file sealed as received, no
    checks beyond its hashes, no working copy."""
    item = EvidenceItem.objects.create(
        public_id=uuid.uuid4(),
        case=case,
        title="Stored before the fix",
        original_name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        sha512=hashlib.sha512(data).hexdigest(),
        media_type=media_type,
        uploaded_by=by,
    )
    tmp = storage.seal_to_tmp(io.BytesIO(data), item.public_id, storage.ORIGINAL)
    storage.commit_tmp(tmp, item.public_id, storage.ORIGINAL)
    return item


def post_upload(client, case, data: bytes, name: str, title: str = "KEPT-TITLE"):
    url = reverse("evidence_add", args=[case.public_id])
    upload = SimpleUploadedFile(name, data)
    return client.post(url, {"upload": upload, "title": title, "kind": "file"})


def upload_errors(response) -> list[str]:
    """The messages shown under the file field of the upload form."""
    html = response.content.decode()
    return re.findall(r'<ul class="errorlist"[^>]*>\s*<li>(.*?)</li>', html, re.S)


def everything_in(data: bytes) -> bytes:
    """The file's bytes, every stream in it decoded and every string and name in
    it unescaped (pypdf writes "A-B" as "(A\\055B)"): a marker hidden in any of
    them is found."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject, StreamObject

    reader = PdfReader(io.BytesIO(data))
    parts = [data]

    def strings(obj, depth=0) -> None:
        if isinstance(obj, dict):
            for key, value in obj.items():
                parts.append(str(key).encode())
                if not isinstance(value, IndirectObject) and depth < 50:
                    strings(value, depth + 1)
        elif isinstance(obj, list):
            for value in obj:
                if not isinstance(value, IndirectObject) and depth < 50:
                    strings(value, depth + 1)
        elif isinstance(obj, str):
            parts.append(obj.encode("utf-8", "replace"))
        elif isinstance(obj, bytes):
            parts.append(obj)

    for number in range(1, int(reader.trailer["/Size"])):
        obj = IndirectObject(number, 0, reader).get_object()  # None for a free entry
        strings(obj)
        if isinstance(obj, StreamObject):
            parts.append(obj.get_data())
    strings(reader.trailer)
    return b"\n".join(parts)
