"""What an import of a PFIF document leaves besides the cases and claims it wrote:
the import itself (who, which file, counts: the audit entry has the same), the
record ids already imported (so a second import of the same file, or of a feed
that repeats records, writes nothing twice), the source made for each note
author, and the possible duplicates PFIF's linked_person_record_id points at,
for a person to decide on (never merged here)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from habeas.core.encryption import EncryptedTextField


class PfifImport(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Sealed: a file name ("KG-lawyers-list-2021.xml") is itself information.
    filename = EncryptedTextField(purpose="pfif.import.filename", max_length=300, blank=True)
    sha256 = models.CharField(max_length=64)
    country = CountryField(_("country concerned"))
    persons_created = models.PositiveIntegerField(default=0)
    notes_created = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0)
    expired_skipped = models.PositiveIntegerField(default=0)
    # Records not imported, each {"line", "record_id", "kind", "why", "candidates"}
    # (services.Skipped): ids only, the words are the result page's.
    skipped = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"PFIF import {self.sha256[:12]}"


class PfifRecord(models.Model):
    """A PFIF record id already imported, and what it became."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person record")
        NOTE = "note", _("Note record")

    record_id = models.CharField(max_length=500, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    batch = models.ForeignKey(PfifImport, on_delete=models.CASCADE, related_name="records")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(
        "sources.Claim", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        # Once per case: two teams importing the same record each get their own.
        constraints = [
            models.UniqueConstraint(fields=["record_id", "case"], name="pfifrecord_once_per_case")
        ]

    def __str__(self) -> str:
        return self.record_id


class PfifAuthor(models.Model):
    """The source made on a case for one note author (name, e-mail and phone as the
    notes gave them: `key` is a keyed hash of them, never the words themselves:
    services.author_keys), so that this author's later notes are claims of the same
    source."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="pfifauthor_one_per_case")
        ]

    def __str__(self) -> str:
        return self.key[:12]


class PossibleDuplicate(models.Model):
    """A note said the imported person may be the same as another record
    (`linked_person_record_id`). Shown on the import's result; a person decides."""

    batch = models.ForeignKey(PfifImport, on_delete=models.CASCADE, related_name="duplicates")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    linked_record_id = models.CharField(max_length=500)
    # The person that record id names here, when Habeas knows it (imported before,
    # or one of this instance's own exported ids); else only the id.
    candidate = models.ForeignKey(
        "cases.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note_record_id = models.CharField(max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "linked_record_id"], name="possibleduplicate_once"
            )
        ]

    def __str__(self) -> str:
        return self.linked_record_id
