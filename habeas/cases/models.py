"""People, their names, cases, events, actors and the status history."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from habeas.core.encryption import EncryptedTextField
from habeas.core.fields import PartialDateField
from habeas.lib.partialdate import add_months

# The UN Working Group's urgent procedure takes a case reported within three
# months of the disappearance (docs/domain.md#the-urgent-window).
URGENT_WINDOW_MONTHS = 3


class Actor(models.Model):
    """A State agency, unit or official, or another organisation, that acts in events."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("State agency")
        UNIT = "unit", _("Unit or department")
        OFFICIAL = "official", _("Official")
        ORGANISATION = "organisation", _("Other organisation")
        ARMED_GROUP = "armed_group", _("Armed group")
        PERSON = "person", _("Private person")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AGENCY)
    country = CountryField(_("country"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="actor_unique_name_country")
        ]

    def __str__(self) -> str:
        """With its State, in every picker, page and line: two ministries of internal
        affairs must never look alike. "Ministry of Internal Affairs › Police (Russia)"."""
        parent = self.parent if self.parent_id else None
        name = f"{parent.name} › {self.name}" if parent else self.name
        country = self.country or (parent.country if parent else None)
        return f"{name} ({country.name})" if country else name

    def get_absolute_url(self) -> str:
        return reverse("actor_detail", args=[self.public_id])


class Person(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "f", _("Female")
        MALE = "m", _("Male")
        OTHER = "x", _("Other")
        UNKNOWN = "", _("Unknown")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The name shown in lists: a copy of the primary PersonName, kept by the services.
    display_name = models.CharField(_("name"), max_length=300)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = PartialDateField(_("birth date"), blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    affiliation = models.CharField(
        _("affiliation"), max_length=300, blank=True, help_text=_("Party, movement, group, media")
    )
    description = models.TextField(_("description"), blank=True, max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change, who made it and when: a birth date or a description rewritten
    # can be read as it was (threat model: the record is not quietly rewritten).
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["display_name"]
        indexes = [
            # The people list (API, by name a page at a time): walk people in this
            # order and stop after a page, instead of sorting every person (100,000).
            models.Index(fields=["display_name", "id"], name="person_display_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("person_detail", args=[self.public_id])


class PersonName(models.Model):
    """One attested spelling of a person's name, with where it was seen."""

    class Kind(models.TextChoices):
        BIRTH = "birth", _("As born")
        OFFICIAL = "official", _("Official (documents)")
        ALIAS = "alias", _("Alias or nickname")
        TRANSLITERATION = "transliteration", _("Transliteration")
        MISSPELLING = "misspelling", _("Misspelling seen in a source")
        # As a report gave it, before anyone checked it against documents: what the
        # opening form records, never silently promoted to "official".
        REPORTED = "reported", _("As reported (not yet checked)")
        # A spelling the name is likely to take (a transliteration scheme, a known
        # variant) that no source has used yet: searched for, never cited.
        EXPECTED = "expected", _("Expected variant, not yet seen in a source")

    class Script(models.TextChoices):
        LATIN = "Latn", _("Latin")
        CYRILLIC = "Cyrl", _("Cyrillic")
        ARABIC = "Arab", _("Arabic")
        GREEK = "Grek", _("Greek")
        HEBREW = "Hebr", _("Hebrew")
        GEORGIAN = "Geor", _("Georgian")
        ARMENIAN = "Armn", _("Armenian")
        DEVANAGARI = "Deva", _("Devanagari")
        HAN = "Hani", _("Chinese characters (Han)")
        HANGUL = "Hang", _("Korean (Hangul)")
        KANA = "Kana", _("Japanese (kana)")
        OTHER = "Zyyy", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    text = models.CharField(_("name"), max_length=300)
    script = models.CharField(_("script"), max_length=4, choices=Script.choices)
    language = models.CharField(
        _("language"), max_length=16, blank=True, help_text=_("e.g. ru, tk, en, de")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORTED)
    seen_in = models.CharField(_("where it was seen"), max_length=300, blank=True)
    is_primary = models.BooleanField(_("primary name"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Every change of a spelling, and spellings removed, stay readable.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "text"], name="personname_unique_text")
        ]

    def __str__(self) -> str:
        return self.text


class NameToken(models.Model):
    """Search keys of one word of a name (see `habeas.lib.names`): indexed lookups
    find "Isakow", "Isakov" and "Исаков" as one person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    name = models.ForeignKey(PersonName, on_delete=models.CASCADE, related_name="tokens")
    key = models.CharField(max_length=64)
    skeleton = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["key", "person"], name="nametoken_key"),
            models.Index(fields=["skeleton", "person"], name="nametoken_skeleton"),
            # PostgreSQL: lets LIKE 'prefix%' use an index whatever the collation.
            # Other databases ignore opclasses (SQLite searches with a range instead).
            models.Index(
                fields=["key"], name="nametoken_key_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.key


class Relative(models.Model):
    """A relative of a disappeared person, recorded on one case of theirs: its team
    knows who they are; only its members holding "may see who sources are" read or
    change their contact and notes (selectors.relatives_for_user)."""

    # Also what the encrypted contact is bound to (habeas.core.encryption).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relatives")
    # The case whose source grant covers the contact. Empty only while the person has
    # no case yet (the first case opened for them takes it): then nobody reads it.
    # PROTECT: deleting the case must not silently move or orphan the contact.
    case = models.ForeignKey(
        "Case",
        verbose_name=_("recorded on case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relatives",
    )
    # Reports often know relatives only by relationship ("his parents").
    name = models.CharField(_("name"), max_length=300, blank=True)
    relationship = models.CharField(_("relationship"), max_length=100)
    # Confidential: encrypted at rest (docs/architecture.md#encryption-at-rest).
    contact = EncryptedTextField(
        _("contact details"), purpose="cases.relative.contact", blank=True, max_length=2000
    )
    # Confidential too: notes say where a relative lives or works as often as the
    # contact does.
    notes = EncryptedTextField(
        _("notes"), purpose="cases.relative.notes", blank=True, max_length=5000
    )

    # Every change, the contact and notes included (sealed in the history table too;
    # their values are shown only with the grant on the relative's case).
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return relative_label(self.name, self.relationship)


def relative_label(name: str, relationship: str) -> str:
    """How a relative is printed, named or known only by relationship ("his parents"):
    "Gulnara (mother)", or "Parents (name not known)"."""
    if name:
        return f"{name} ({relationship})"
    return str(
        _("%(relationship)s (name not known)")
        % {"relationship": relationship[:1].upper() + relationship[1:]}
    )


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    REPORTED_MISSING = "reported_missing", _("Reported missing")
    PRESUMED_ED = "presumed_ed", _("Presumed enforced disappearance")
    DETENTION_ACKNOWLEDGED = "detention_acknowledged", _("Detention acknowledged")
    WHEREABOUTS_CONFIRMED = "whereabouts_confirmed", _("Whereabouts confirmed")
    RELEASED = "released", _("Released")
    DEAD = "dead", _("Dead")
    CLOSED = "closed", _("Closed")


# Statuses after which the case no longer counts as open on the dashboard.
CLOSING_STATUSES = frozenset({Status.RELEASED, Status.DEAD, Status.CLOSED})


class Priority(models.IntegerChoices):
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    TEXT = "text", _("Text message, app unknown")
    MESSENGER = "messenger", _("Messenger (Signal, WhatsApp, Telegram…)")
    EMAIL = "email", _("E-mail")
    SOCIAL = "social", _("Social media")
    IN_PERSON = "in_person", _("In person")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Case(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        _("reference"), max_length=40, unique=True, help_text=_("e.g. TM-2021-003")
    )
    people = models.ManyToManyField(Person, related_name="cases", verbose_name=_("people"))
    country = CountryField(
        _("country concerned"),
        help_text=_("The State believed to hold the person, or responsible for the disappearance"),
    )
    # Exiles are taken in one State and handed to another: both are facts of the case.
    taken_in_country = CountryField(
        _("country where the person was taken"),
        blank=True,
        help_text=_("Leave empty if it is the country concerned"),
    )
    summary = models.TextField(_("summary"), blank=True, max_length=20000)

    disappeared_on = PartialDateField(_("disappearance date"), blank=True)
    disappeared_place = models.CharField(_("disappearance place"), max_length=300, blank=True)

    last_contact_on = PartialDateField(_("last contact: when"), blank=True)
    last_contact_place = models.CharField(_("last contact: where"), max_length=300, blank=True)
    last_contact_channel = models.CharField(
        _("last contact: channel"), max_length=20, choices=ContactChannel.choices, blank=True
    )
    # Who had the last contact is often the source to protect: a source of the case,
    # shown by its code name, never free text that can hold a real name.
    last_contact_source = models.ForeignKey(
        "sources.Source",
        verbose_name=_("last contact: with whom"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A source of this case, shown by its code name"),
    )
    # Confidential: encrypted at rest (docs/architecture.md#encryption-at-rest).
    last_contact_message = EncryptedTextField(
        _("last contact: what was said"),
        purpose="cases.case.last_contact_message",
        blank=True,
        max_length=5000,
    )

    risk_torture = models.BooleanField(_("risk of torture"), default=False)
    risk_health = models.BooleanField(_("health at risk"), default=False)
    risk_family_reprisals = models.BooleanField(_("reprisals against family"), default=False)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="cases", verbose_name=_("tags"))

    # Derived columns, kept by the services, so that lists over 100k cases are
    # index scans rather than aggregates.
    disappeared_from = models.DateField(null=True, editable=False)
    last_contact_from = models.DateField(null=True, editable=False)
    urgent_window_closes = models.DateField(null=True, editable=False)
    current_status = models.CharField(
        max_length=30, choices=Status.choices, default=Status.REPORTED_MISSING, editable=False
    )
    is_open = models.BooleanField(default=True, editable=False)
    last_info_at = models.DateTimeField(default=timezone.now, editable=False)
    # The day the case first went to the UN Working Group (urgent or standard
    # procedure), sent from Habeas or recorded as sent outside it: its urgent window
    # then needs no action. Kept by the advocacy services (cases cannot read
    # interventions): services.case_un_submitted_set.
    un_submitted_on = models.DateField(null=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Every change, who made it and when (confidential fields stay sealed there too).
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["priority", "reference"]
        indexes = [
            # The dashboard: open cases by priority, then silent longest. Partial, so
            # that `WHERE is_open` (how Django writes the test) can use it.
            models.Index(
                fields=["priority", "last_info_at"],
                name="case_open_urgency",
                condition=models.Q(is_open=True),
            ),
            models.Index(fields=["priority", "reference"], name="case_list_order"),
            models.Index(fields=["current_status", "priority", "reference"], name="case_status"),
            models.Index(fields=["country", "priority", "reference"], name="case_country"),
            models.Index(fields=["last_info_at"], name="case_last_info"),
            models.Index(fields=["urgent_window_closes"], name="case_urgent_window"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        self.derived_dates_set()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.public_id])

    def derived_dates_set(self) -> None:
        """Keep the derived date columns in step with the partial dates they come
        from: on every save, and for rows written in bulk (habeas.imports)."""
        self.disappeared_from = self.disappeared_on.sort_date if self.disappeared_on else None
        self.last_contact_from = self.last_contact_on.sort_date if self.last_contact_on else None
        self.urgent_window_closes = (
            add_months(self.disappeared_from, URGENT_WINDOW_MONTHS)
            if self.disappeared_from
            else None
        )

    @property
    def risk_flags(self) -> list[str]:
        return [
            str(label)
            for flag, label in (
                (self.risk_torture, _("torture")),
                (self.risk_health, _("health")),
                (self.risk_family_reprisals, _("family reprisals")),
            )
            if flag
        ]

    def days_disappeared(self, today: date) -> int | None:
        return self.disappeared_on.days_since(today) if self.disappeared_on else None

    def days_since_last_contact(self, today: date) -> int | None:
        return self.last_contact_on.days_since(today) if self.last_contact_on else None

    def days_since_info(self, today: date) -> int:
        return max(0, (today - timezone.localdate(self.last_info_at)).days)

    def urgent_window_days_left(self, today: date) -> int | None:
        """Days until the UN Working Group's urgent window closes; None if unknown,
        negative once it has closed."""
        if self.urgent_window_closes is None:
            return None
        return (self.urgent_window_closes - today).days


class CaseMember(models.Model):
    """A user on a case's team: the only users who see the case at all."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        MEMBER = "member", _("Member")
        READ_ONLY = "read_only", _("Read-only")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    may_see_sources = models.BooleanField(_("may see who sources are"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="casemember_unique")]

    def __str__(self) -> str:
        return f"{self.user} on {self.case} ({self.role})"


class StatusAssertion(models.Model):
    """A dated, attributed assertion of a case's status. Never overwritten: the
    case shows the latest one and what it rests on (docs/domain.md, "Status")."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(_("status"), max_length=30, choices=Status.choices)
    asserted_on = models.DateField(_("as of"))
    basis = models.TextField(
        _("what it rests on"), max_length=5000, help_text=_("Why this status, in a few words")
    )
    closed_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    claims = models.ManyToManyField(
        "sources.Claim", blank=True, related_name="status_assertions", verbose_name=_("claims")
    )
    asserted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-asserted_on", "-created_at", "-id"]
        get_latest_by = ["asserted_on", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.asserted_on})"


class Event(models.Model):
    class Kind(models.TextChoices):
        THREAT = "threat", _("Threat")
        SURVEILLANCE = "surveillance", _("Surveillance")
        HARASSMENT_OF_FAMILY = "family_harassment", _("Harassment of family")
        ARREST = "arrest", _("Arrest")
        ABDUCTION = "abduction", _("Abduction")
        DETENTION = "detention", _("Detention")
        TRANSFER = "transfer", _("Transfer")
        DEPORTATION = "deportation", _("Deportation / forced return")
        LAST_CONTACT = "last_contact", _("Last contact")
        SIGHTING = "sighting", _("Sighting")
        OFFICIAL_STATEMENT = "official_statement", _("Official statement")
        SEARCH_BY_FAMILY = "family_search", _("Search by family")
        POLICE_VISIT = "police_visit", _("Police visit, raid or search")
        INQUIRY = "inquiry", _("Inquiry by an NGO or a lawyer")
        COURT_FILING = "court_filing", _("Court filing (habeas corpus, complaint, appeal)")
        TRIAL = "trial", _("Trial")
        SENTENCE = "sentence", _("Sentence")
        RELEASE = "release", _("Release")
        DEATH = "death", _("Death")
        OTHER = "other", _("Other")

    class Clearance(models.TextChoices):
        """Which outside recipients the event may reach in a generated document
        (habeas.advocacy.documents). By default (SOURCES) an event backed by claims
        goes where every source behind it consented, and one that rests on no claim
        — the organisation's own account — stays inside. Any other choice is a
        caseworker's decision about the event's own description: it then goes
        exactly that far (never carrying the statements of sources that did not
        consent), and the claims about it go no further."""

        SOURCES = "sources", _("Where all its sources consented (nowhere if no claim backs it)")
        INTERNAL = "internal", _("Nowhere: kept inside the organisation")
        UN = "un", _("UN bodies")
        GOVERNMENT = "government", _("UN bodies and the authorities concerned")
        PUBLIC = "public", _("UN bodies, the authorities and the public")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    occurred_on = PartialDateField(_("when"))
    occurred_from = models.DateField(editable=False)
    place = models.CharField(_("place"), max_length=300, blank=True)
    description = models.TextField(_("what happened"), max_length=20000)
    actors: models.ManyToManyField[Actor, EventActor] = models.ManyToManyField(
        Actor, through="EventActor", related_name="events"
    )
    # What the UN Working Group asks as "steps taken to find the person": whoever
    # took them (family, a lawyer, an NGO), whatever the kind of event.
    search_step = models.BooleanField(
        _("a step taken to find the person"),
        default=False,
        help_text=_("An inquiry, complaint or search for the person, by anyone"),
    )
    clearance = models.CharField(
        _("may go into documents sent to"),
        max_length=12,
        choices=Clearance.choices,
        default=Clearance.SOURCES,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change, who made it and when (confidential fields stay sealed there too).
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["occurred_from", "id"]
        indexes = [models.Index(fields=["case", "occurred_from"], name="event_case_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.occurred_on}"

    def save(self, *args, **kwargs) -> None:
        self.occurred_from = self.occurred_on.sort_date
        super().save(*args, **kwargs)


class EventActor(models.Model):
    class Role(models.TextChoices):
        ALLEGED_PERPETRATOR = "alleged_perpetrator", _("Alleged perpetrator")
        COMMANDER = "commander", _("Responsible commander")
        HOLDING_AUTHORITY = "holding_authority", _("Holding authority")
        WITNESS = "witness", _("Witness")
        SPOKESPERSON = "spokesperson", _("Issued statement")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_actors")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="event_roles")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "actor", "role"], name="eventactor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.actor} — {self.get_role_display()}"
