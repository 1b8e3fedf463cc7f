"""What an import keeps: saved column mappings, the uploaded file between the web
steps (encrypted at rest, for a day at most), and each committed file with the key
of every row it created, so that importing the same file again creates nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.core.encryption import EncryptedTextField

# How long an uploaded file waits for its import to be committed.
UPLOAD_KEPT = timedelta(days=1)


def _upload_expiry():  # a callable default: the migration must not freeze a moment
    return timezone.now() + UPLOAD_KEPT


class ImportMapping(models.Model):
    """A named column mapping, offered for the next file: by header text, so that
    a file with its columns in another order maps the same way."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    # {"headers": {"<header as written>": "<field key>"}}
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportUpload(models.Model):
    """A file uploaded for import, between the web steps (mapping, dry run, commit).
    Its bytes are sealed under the key ring in the files directory (storage.py),
    never in the database nor in plain text on disk; it is deleted on commit or once
    `expires_at` passes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Sealed: a file's name ("statements-of-witness-K.xlsx") can name a source.
    filename = EncryptedTextField(purpose="imports.upload.filename", max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_upload_expiry)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="importupload_expiry")]

    def __str__(self) -> str:
        return f"upload {self.public_id}"


class ImportBatch(models.Model):
    """One committed file: who imported it, its SHA-256, and what came of its rows."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_sha256 = models.CharField(max_length=64)
    # Sealed, never shown on a case: a file's name can name a source.
    filename = EncryptedTextField(purpose="imports.batch.filename", max_length=255, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)  # new people and their cases
    linked = models.PositiveIntegerField(default=0)  # new cases of people already recorded
    skipped = models.PositiveIntegerField(default=0)  # by decision, or undecided duplicates
    already = models.PositiveIntegerField(default=0)  # imported before: nothing done
    refused = models.PositiveIntegerField(default=0)  # left out ("import the valid rows")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.public_id}"


class ImportedRecord(models.Model):
    """A row that became a case: its key finds it again when the same row comes back,
    and its row and batch say where the case came from (the case page shows it).

    The key is an HMAC under the key ring (plan.row_keys) of the external id column's
    value or of a hash of the row's mapped cells: a copy of the database cannot confirm
    that a given row (of a seized spreadsheet, say) was imported."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    key = models.CharField(max_length=100)
    row = models.PositiveIntegerField()
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["key"], name="importedrecord_key")]

    def __str__(self) -> str:
        return self.key
