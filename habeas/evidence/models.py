"""Evidence items: files kept exactly as received, and the chain of custody."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from habeas.core.encryption import EncryptedTextField
from habeas.core.fields import PartialDateField


class EvidenceItem(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("File")
        WEB_CAPTURE = "web_capture", _("Web capture (made elsewhere, uploaded here)")

    class Integrity(models.TextChoices):
        UNCHECKED = "unchecked", _("not re-checked yet")
        INTACT = "intact", _("intact")
        CHANGED = "changed", _("CHANGED OR MISSING")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    # One item often supports several claims and events (a report, a dispatch).
    claims = models.ManyToManyField(
        "sources.Claim", blank=True, related_name="evidence_items", verbose_name=_("claims")
    )
    events = models.ManyToManyField(
        "cases.Event", blank=True, related_name="evidence_items", verbose_name=_("events")
    )
    # When what it shows was written, taken or happened: "silent for" counts from
    # it, never from when someone collected or uploaded the file.
    dated_on = PartialDateField(
        _("what it shows is dated"),
        blank=True,
        help_text=_("When the document was written or the photo taken, if known"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FILE)
    title = models.CharField(_("title"), max_length=200)
    # What was received, recorded at upload and never changed.
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    sha512 = models.CharField(max_length=128)
    media_type = models.CharField(max_length=100, help_text=_("Sniffed from the content"))
    # How it was collected.
    collected_by = models.CharField(_("collected by"), max_length=200, blank=True)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    collection_method = models.CharField(_("how it was collected"), max_length=500, blank=True)
    source_url = models.URLField(_("from which URL"), max_length=2000, blank=True)
    capture_tool = models.CharField(_("with which tool"), max_length=200, blank=True)
    # A web capture is often several files (the WARC, a screenshot, a PDF print): the
    # others are parts of the first, each with its own hashes and chain of custody.
    part_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        verbose_name=_("part of the web capture"),
    )
    # The working copy without metadata (images and PDFs only).
    working_sha256 = models.CharField(max_length=64, blank=True)
    working_size = models.BigIntegerField(null=True, blank=True)
    # What the original reveals (GPS, device, author...) and what its working copy
    # leaves out, read once at upload (files.Metadata as JSON) so that its page
    # never parses the file again. As telling as the file itself: sealed.
    # Empty: not read yet (stored before it was kept), or not an image or PDF.
    metadata_report = EncryptedTextField(
        purpose="evidence.evidenceitem.metadata_report", blank=True, editable=False
    )
    integrity = models.CharField(
        max_length=10, choices=Integrity.choices, default=Integrity.UNCHECKED
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evidence_detail", args=[self.case.public_id, self.public_id])

    @property
    def has_working_copy(self) -> bool:
        return bool(self.working_sha256)


class CustodyEvent(models.Model):
    """One link in an item's chain of custody: who did what, when, with what result."""

    class Action(models.TextChoices):
        UPLOAD = "upload", _("uploaded")
        VIEW = "view", _("viewed")
        DOWNLOAD = "download", _("downloaded the original")
        DOWNLOAD_WORKING = "download_working", _("downloaded the working copy")
        EXPORT = "export", _("exported")
        SHARE = "share", _("shared")
        VERIFY = "verify", _("hashes checked")
        REENCRYPT = "reencrypt", _("re-encrypted under a new key")
        REBUILD_WORKING = "rebuild_working", _("working copy rebuilt")

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="custody")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    ok = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"


class Element(models.TextChoices):
    """The three constitutive elements of an enforced disappearance (docs/domain.md)."""

    DEPRIVATION = "deprivation", _("Deprivation of liberty")
    STATE = "state", _("State involvement (agents, or persons acting with its support)")
    CONCEALMENT = "concealment", _("Refusal to acknowledge, or concealment of fate or whereabouts")


class Assessment(models.TextChoices):
    NOT_ESTABLISHED = "not_established", _("not established")
    CREDIBLE = "credible", _("credible")
    ESTABLISHED = "established", _("established")


class ElementAssessment(models.Model):
    """A person's assessment of one element for one case, and the claims it rests on."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="elements")
    element = models.CharField(max_length=20, choices=Element.choices)
    assessment = models.CharField(
        _("assessment"),
        max_length=20,
        choices=Assessment.choices,
        default=Assessment.NOT_ESTABLISHED,
    )
    rationale = models.TextField(_("why"), blank=True, max_length=5000)
    supporting = models.ManyToManyField(
        "sources.Claim", blank=True, related_name="+", verbose_name=_("claims that support it")
    )
    undermining = models.ManyToManyField(
        "sources.Claim", blank=True, related_name="+", verbose_name=_("claims that undermine it")
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "element"], name="element_unique_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.element}: {self.assessment}"
