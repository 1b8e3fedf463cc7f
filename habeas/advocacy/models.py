"""Interventions and responses, the directory of addressees, and what an
organisation has cleared for publication."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from habeas.core.fields import PartialDateField


class Language(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    RU = "ru", _("Russian")


class Addressee(models.Model):
    """An authority, UN body, embassy, court or newsroom that documents go to."""

    class Kind(models.TextChoices):
        UN_BODY = "un_body", _("UN body")
        GOVERNMENT = "government", _("Authorities of the State concerned")
        EMBASSY = "embassy", _("Another State: embassy or foreign ministry")
        # The EU, the OSCE, a UN agency: bodies that urge a Government, like a third
        # State, and have no country of their own.
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental body (EU, OSCE, UN agency)")
        COURT = "court", _("Court")
        PRESS = "press", _("Press")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # An institution is written to by its title alone ("The Minister for Foreign
    # Affairs"): a person's name is often unknown, and never needed.
    name = models.CharField(
        _("name of the person"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to write to the office, by its title"),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    address = models.TextField(_("postal address"), max_length=2000, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    salutation = models.CharField(_("salutation"), max_length=200, blank=True)
    # The language the salutation is written in: a document in another language
    # opens with its own language's formula instead.
    salutation_language = models.CharField(
        _("language of the salutation"),
        max_length=8,
        choices=Language.choices,
        default=Language.EN,
    )
    country = CountryField(_("country"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # History: a row changed in the database behind the services shows against it.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        """Who, then where: "Minister for Foreign Affairs — Ministry of Foreign
        Affairs, Turkmenistan"; "EEAS — European Union". Two ministers for foreign
        affairs must never read alike in a picker."""
        who = ", ".join(dict.fromkeys(part for part in (self.name, self.title) if part))
        where = [self.organisation] if self.organisation and self.organisation != who else []
        if self.country:
            where.append(str(self.country.name))
        return " — ".join(part for part in (who, ", ".join(where)) if part)

    def clean(self) -> None:
        # An office is written to by its title or its organisation; a name alone
        # ("A. Smith") says neither who they are nor where to send.
        if not (self.title.strip() or self.organisation.strip()):
            raise ValidationError(
                {"title": _("Give the title of the office or the organisation (or both).")}
            )


class Intervention(models.Model):
    """One step taken with an institution on behalf of a case."""

    class Kind(models.TextChoices):
        WGEID_URGENT = "wgeid_urgent", _("UN Working Group: urgent procedure")
        WGEID_STANDARD = "wgeid_standard", _("UN Working Group: standard procedure")
        WGEID_PROMPT = "wgeid_prompt", _("UN Working Group: prompt intervention")
        CED_URGENT_ACTION = "ced_urgent_action", _("CED article 30 urgent action")
        SPECIAL_PROCEDURES = "special_procedures", _("UN Special Procedures communication")
        LETTER_AUTHORITIES = "letter_authorities", _("Letter to the authorities")
        EMBASSY = "embassy", _("Raised with an embassy or at a human-rights dialogue")
        COURT_PETITION = "court_petition", _("Court petition")
        PRESS_STATEMENT = "press_statement", _("Press statement")

    # Any of the UN Working Group's procedures (its documents and reply deadlines).
    WGEID_KINDS = frozenset({Kind.WGEID_URGENT, Kind.WGEID_STANDARD, Kind.WGEID_PROMPT})
    # The case itself submitted to the Working Group: the first one sent closes its urgent
    # window. A prompt intervention is about reprisals against relatives, witnesses or
    # defenders, not the case's submission, so it leaves the window alert standing.
    CASE_SUBMISSION_KINDS = frozenset({Kind.WGEID_URGENT, Kind.WGEID_STANDARD})

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        POST = "post", _("Post")
        FAX = "fax", _("Fax")
        ONLINE_FORM = "online_form", _("Online form")
        IN_PERSON = "in_person", _("In person")
        COURT_FILING = "court_filing", _("Court filing")
        PUBLICATION = "publication", _("Publication")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        READY = "ready", _("Ready to send")
        SENT = "sent", _("Sent")
        RESPONDED = "responded", _("Response received")
        CLOSED = "closed", _("Closed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    addressee = models.ForeignKey(
        Addressee,
        verbose_name=_("addressee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interventions",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.EN
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("e.g. the UN's case number")
    )
    # The document as sent: a snapshot, so later edits to the case do not change it.
    document = models.TextField(_("document sent"), blank=True, max_length=100000)
    # Sent before the case was in Habeas (a submission on paper years ago): the text
    # sent is not held here (no snapshot) and was never checked by Habeas.
    sent_outside = models.BooleanField(_("sent outside Habeas"), default=False, editable=False)
    # What was read when it was marked ready: the SHA-256 of the document's text as
    # generated on `checked_on` (the date it carries). A record changed afterwards
    # (an event, a name, a consent withdrawn) changes the text, and the document must
    # be read again before it is sent.
    checked_on = models.DateField(_("checked on"), null=True, blank=True, editable=False)
    checked_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    # Closed: nothing more is expected of it (no follow-ups, no response deadlines).
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.CharField(_("why it was closed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["case", "sent_on"], name="intervention_case_sent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.sent_on or self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("intervention_detail", args=[self.case.public_id, self.public_id])

    @property
    def is_wgeid(self) -> bool:
        return self.kind in self.WGEID_KINDS


class Response(models.Model):
    """What came back after an intervention, and the clock it starts."""

    class Type(models.TextChoices):
        DENIAL = "denial", _("Denial")
        ALTERNATIVE = "alternative", _("Acknowledgement with another explanation")
        NO_RESPONSE = "no_response", _("No response")
        TOKEN = "token", _("Token response")
        MORE_INFORMATION = "more_information", _("Request for more information")
        WHEREABOUTS_DISCLOSED = "whereabouts_disclosed", _("Whereabouts disclosed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="responses"
    )
    received_on = models.DateField(_("received on"))
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    content = models.TextField(_("content"), blank=True, max_length=50000)
    deadline = models.DateField(
        _("deadline it starts"),
        null=True,
        blank=True,
        help_text=_("e.g. six months to contest a government reply"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        indexes = [models.Index(fields=["deadline"], name="response_deadline")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.received_on})"

    def days_left(self, today: date) -> int | None:
        return None if self.deadline is None else (self.deadline - today).days


class PublicProfile(models.Model):
    """What an organisation has cleared for publication about one case.

    Public pages, the feed and the export are built from these fields only
    (an allow-list): nothing is read from the working record.
    """

    class PublicStatus(models.TextChoices):
        CONTINUING = "continuing", _("Disappeared: no information")
        UNCONFIRMED = "unconfirmed", _("Disappeared: unconfirmed information")
        REMOVED_DIED = "died", _("Died in custody, family informed")
        REMOVED_RELEASED = "released", _("Released")
        REMOVED_CONTACT = "contact", _("Family visits or parcels allowed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="public_profile"
    )
    is_published = models.BooleanField(_("published"), default=False)
    name = models.CharField(_("public name"), max_length=300)
    name_variants = models.TextField(
        _("name variants"), blank=True, max_length=3000, help_text=_("One a line")
    )
    country = CountryField(_("country"), blank=True)
    # As precise as it is known ("Oct 2021"), never more: the public pages, the feed
    # and the export print it as stored, and the counter runs from its earliest day.
    disappeared_on = PartialDateField(
        _("disappeared on"),
        blank=True,
        help_text=_("Cleared date; the counter of days runs from its earliest possible day"),
    )
    status = models.CharField(
        _("public status"),
        max_length=20,
        choices=PublicStatus.choices,
        default=PublicStatus.CONTINUING,
    )
    summary = models.TextField(_("public summary"), blank=True, max_length=10000)
    demands = models.TextField(_("demands"), blank=True, max_length=5000, help_text=_("One a line"))
    # A photo the family cleared, re-encoded on upload (habeas.advocacy.photos): the
    # stored JPEG carries no EXIF, GPS, XMP or comment, whatever the original did.
    photo = models.BinaryField(null=True, blank=True, editable=False)
    has_photo = models.BooleanField(default=False, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["is_published", "name"], name="publicprofile_list")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public_profile", args=[self.public_id])

    @property
    def variants(self) -> list[str]:
        return [v.strip() for v in self.name_variants.splitlines() if v.strip()]

    @property
    def demand_list(self) -> list[str]:
        return [d.strip() for d in self.demands.splitlines() if d.strip()]

    def days_disappeared(self, today: date) -> int | None:
        return self.disappeared_on.days_since(today) if self.disappeared_on else None


class PublicUpdate(models.Model):
    """An entry of the public timeline, also an entry of the Atom feed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(PublicProfile, on_delete=models.CASCADE, related_name="updates")
    # When it happened, as precise as it is known; `published_at` is when it was typed.
    happened_on = PartialDateField(_("date"))
    happened_from = models.DateField(editable=False)  # for ordering the timeline
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True, max_length=10000)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_from", "-id"]
        indexes = [models.Index(fields=["published_at"], name="publicupdate_published")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.happened_from = self.happened_on.sort_date
        super().save(*args, **kwargs)


class FamilyConsent(models.Model):
    """The family's say-so (or the person's own, given before) for what the
    organisation does with the case: submit it to UN bodies, write to the
    authorities and other States, publish it. A record of who, when, how and to
    what, not a tick inferred from a source; withdrawn, it stops counting."""

    class Form(models.TextChoices):
        WRITTEN = "written", _("In writing, signed")
        MESSAGE = "message", _("By message or e-mail")
        ORAL = "oral", _("Orally, noted by the caseworker")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="family_consents")
    relative = models.ForeignKey(
        "cases.Relative",
        verbose_name=_("relative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    given_by = models.CharField(
        _("who consented"),
        max_length=200,
        help_text=_('e.g. "his mother", or "the person, before the disappearance"'),
    )
    given_on = models.DateField(_("given on"))
    form = models.CharField(_("how"), max_length=20, choices=Form.choices)
    to_un = models.BooleanField(_("submission to UN bodies"), default=False)
    to_authorities = models.BooleanField(
        _("letters to the authorities and to other States"), default=False
    )
    to_publication = models.BooleanField(
        _("publication (public list, press, urgent actions)"), default=False
    )
    # A written consent kept as evidence (its file hashed like any other).
    evidence = models.ForeignKey(
        "evidence.EvidenceItem",
        verbose_name=_("the written consent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # History: a row changed in the database behind the services shows against it.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.given_by} ({self.given_on})"


class DetailClearance(models.TextChoices):
    """Where one of the person's details may go, as events are cleared."""

    INTERNAL = "internal", _("Kept inside")
    UN = "un", _("UN bodies")
    GOVERNMENT = "government", _("UN bodies and the authorities")
    PUBLIC = "public", _("Also the public (other States, press)")


class PersonDetailsClearance(models.Model):
    """Per case, where each of the person's details may go. An occupation or an
    affiliation ("opposition activist") can put a person at more risk in the
    hands of the Government holding them: by default they go to UN bodies only.
    A case without a row has the defaults."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="details_clearance"
    )
    sex = models.CharField(
        _("sex"), max_length=20, choices=DetailClearance.choices, default=DetailClearance.PUBLIC
    )
    birth_date = models.CharField(
        _("date of birth"),
        max_length=20,
        choices=DetailClearance.choices,
        default=DetailClearance.GOVERNMENT,
    )
    nationality = models.CharField(
        _("nationality"),
        max_length=20,
        choices=DetailClearance.choices,
        default=DetailClearance.PUBLIC,
    )
    occupation = models.CharField(
        _("occupation"), max_length=20, choices=DetailClearance.choices, default=DetailClearance.UN
    )
    affiliation = models.CharField(
        _("affiliation"), max_length=20, choices=DetailClearance.choices, default=DetailClearance.UN
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    FIELDS = ("sex", "birth_date", "nationality", "occupation", "affiliation")
    # History: a row changed in the database behind the services shows against it.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    def __str__(self) -> str:
        return f"details clearance of case {self.case_id}"
