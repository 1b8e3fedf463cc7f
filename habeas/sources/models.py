"""Sources (always shown by code name) and the claims they make."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from habeas.core.encryption import EncryptedTextField
from habeas.core.fields import PartialDateField


class Reliability(models.TextChoices):
    """Admiralty grading of a source (docs/domain.md, "Grading")."""

    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class Credibility(models.IntegerChoices):
    """Admiralty grading of one piece of information, independent of its source."""

    CONFIRMED = 1, _("1 — confirmed by other sources")
    PROBABLY_TRUE = 2, _("2 — probably true")
    POSSIBLY_TRUE = 3, _("3 — possibly true")
    DOUBTFUL = 4, _("4 — doubtful")
    IMPROBABLE = 5, _("5 — improbable")
    CANNOT_JUDGE = 6, _("6 — truth cannot be judged")


class Source(models.Model):
    class Kind(models.TextChoices):
        VICTIM = "victim", _("The person concerned")
        RELATIVE = "relative", _("Relative")
        WITNESS = "witness", _("Witness")
        DEFENDER = "defender", _("Human rights defender / activist")
        LAWYER = "lawyer", _("Lawyer")
        NGO = "ngo", _("NGO")
        JOURNALIST = "journalist", _("Journalist / media")
        OFFICIAL = "official", _("Official / authorities")
        ANONYMOUS = "anonymous", _("Anonymous")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sources")
    code_name = models.CharField(
        _("code name"), max_length=60, help_text=_("How the source is shown everywhere")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reliability = models.CharField(
        _("reliability"), max_length=1, choices=Reliability.choices, default=Reliability.F
    )
    # Who graded it, when and why (services.source_grade); changes are in the history.
    reliability_rationale = models.TextField(_("why this grade"), blank=True, max_length=2000)
    reliability_graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reliability_graded_at = models.DateTimeField(null=True, blank=True)
    # Identity and contact are confidential: kept apart from the code name,
    # encrypted at rest (docs/architecture.md) and shown only with the case grant.
    identity = EncryptedTextField(
        _("who the source is"), purpose="sources.source.identity", blank=True, max_length=2000
    )
    contact = EncryptedTextField(
        _("how to reach them"), purpose="sources.source.contact", blank=True, max_length=2000
    )
    # Two consents, not one: a source may let what it said go public while it must
    # never be named ("several sources" quoted by an NGO), and an institution (a
    # ministry, Human Rights Watch) may be named in every document.
    consent_named_publicly = models.BooleanField(_("may be named"), default=False)
    public_name = models.CharField(
        _("name to use when named"),
        max_length=200,
        blank=True,
        help_text=_(
            'How documents name this source when it may be named, e.g. "Human Rights '
            'Watch" or "the Ministry of Internal Affairs of the Russian Federation". '
            "Never a person's name unless they agreed to it."
        ),
    )
    consent_information_public = models.BooleanField(
        _("information may be published"), default=False
    )
    consent_to_un = models.BooleanField(_("information may go to the UN"), default=False)
    consent_to_government = models.BooleanField(
        _("information may go to the government concerned"), default=False
    )
    # How the organisation knows them, what they risk: as telling as who they are,
    # so sealed and shown with the grant only, like identity and contact.
    notes = EncryptedTextField(
        _("confidential notes"), purpose="sources.source.notes", blank=True, max_length=5000
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change, who made it and when (confidential fields stay sealed there too).
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["code_name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code_name"], name="source_unique_code_name")
        ]

    def __str__(self) -> str:
        # The code name, always: never the identity, which only the source grant reveals.
        return self.code_name


class Claim(models.Model):
    """What a source says — about an event, the status or the whereabouts."""

    class Topic(models.TextChoices):
        EVENT = "event", _("An event")
        STATUS = "status", _("The person's status")
        WHEREABOUTS = "whereabouts", _("The person's whereabouts")
        OTHER = "other", _("Other")

    class Material(models.TextChoices):
        TESTIMONY = "testimony", _("Testimony")
        MESSAGE = "message", _("Message")
        LETTER = "letter", _("Letter")
        OFFICIAL_REPLY = "official_reply", _("Official reply")
        PRESS_RELEASE = "press_release", _("Press release")
        MEDIA_REPORT = "media_report", _("Media report")
        VIDEO = "video", _("Video")
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")
        OTHER = "other", _("Other")

    class Attribution(models.TextChoices):
        """The official position (HURIDOCS ESF attribution), for official statements."""

        NONE = "", _("Not an official statement")
        DENIES = "denies", _("Officials deny the act")
        ALTERNATIVE = "alternative", _("Officials acknowledge but give another explanation")
        ACKNOWLEDGES = "acknowledges", _("Officials acknowledge the act")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="claims")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims")
    topic = models.CharField(_("about"), max_length=20, choices=Topic.choices)
    event = models.ForeignKey(
        "cases.Event",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
    )
    statement = models.TextField(_("what the source says"), max_length=20000)
    # The source's own words can point to it ("he texted me", "she learned"); what
    # goes outside is this wording when there is one (habeas.advocacy.documents).
    outside_wording = models.TextField(
        _("wording for use outside the organisation"),
        blank=True,
        max_length=20000,
        help_text=_(
            "What documents say instead of the statement: in the third person, without "
            '"I" or "me", without what shows who the source is (their gender, their '
            'place), and with dates instead of "yesterday" or "in the past three days".'
        ),
    )
    # Two dates (docs/domain.md, "Silence"): when the source learned or said it, which
    # "silent for" follows, and when the organisation received it, which it does not:
    # a 2021 account received today is not news. Empty when the report gives no date.
    dated_on = PartialDateField(
        _("information dated"),
        blank=True,
        help_text=_("When the source learned or said it; leave empty if the report gives no date"),
    )
    received_on = PartialDateField(_("received"), help_text=_("When your organisation received it"))
    received_from = models.DateField(editable=False)
    # Through whom it came, in order from the source towards the organisation
    # ("informal channels → a named activist → an NGO → us"): each link a source.
    via: models.ManyToManyField[Source, ClaimRelay] = models.ManyToManyField(
        Source,
        through="ClaimRelay",
        blank=True,
        related_name="relayed_claims",
        verbose_name=_("came through"),
    )
    material = models.CharField(_("material"), max_length=20, choices=Material.choices)
    language = models.CharField(_("language"), max_length=16, blank=True)
    credibility = models.PositiveSmallIntegerField(
        _("credibility"), choices=Credibility.choices, default=Credibility.CANNOT_JUDGE
    )
    credibility_rationale = models.TextField(_("why this grade"), blank=True, max_length=2000)
    credibility_graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    credibility_graded_at = models.DateTimeField(null=True, blank=True)
    attribution = models.CharField(
        _("official position"), max_length=20, choices=Attribution.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change, who made it and when (confidential fields stay sealed there too).
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["received_from", "id"]
        indexes = [models.Index(fields=["case", "received_from"], name="claim_case_date")]

    def __str__(self) -> str:
        return f"{self.source.code_name}, {self.received_on}"

    def save(self, *args, **kwargs) -> None:
        self.received_from = self.received_on.sort_date
        super().save(*args, **kwargs)

    @property
    def grade(self) -> str:
        """The Admiralty grade as usually written, e.g. "B2"."""
        return f"{self.source.reliability}{self.credibility}"


class ClaimRelay(models.Model):
    """One link in the chain a claim came through, `position` 1 nearest its source."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relays")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="relays")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "position"], name="claimrelay_position"),
            models.UniqueConstraint(fields=["claim", "source"], name="claimrelay_once"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} via {self.source_id}"


class ClaimLink(models.Model):
    """Two claims that corroborate or contradict each other. Neither overwrites
    the other: both stand, side by side."""

    class Kind(models.TextChoices):
        CORROBORATES = "corroborates", _("corroborates")
        CONTRADICTS = "contradicts", _("contradicts")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="claim_links")
    # Stored with from_claim.id < to_claim.id so a pair has exactly one row.
    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_from")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(_("relation"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("what is disputed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_claim", "to_claim"], name="claimlink_unique"),
            models.CheckConstraint(
                condition=models.Q(from_claim__lt=models.F("to_claim")),
                name="claimlink_ordered_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_claim_id} {self.kind} {self.to_claim_id}"
