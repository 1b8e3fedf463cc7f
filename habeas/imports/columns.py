"""The fields a spreadsheet column can be imported into, and the guess of which is which.

The vocabulary is what opening a case takes (cases.services.case_open: the person, then the
case), plus an external id so that importing the same file again adds nothing. Each field
knows how its cells are read (`kind`, a parser in habeas.imports.values) and the headers it
is usually found under, in English and in Russian.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str | Promise
    # The parser in habeas.imports.values that reads its cells: values.PARSERS[kind].
    kind: str
    required: bool = False
    # Several values in one cell (names: spellings separated by ";" or new lines; tags).
    multiple: bool = False
    # Several columns may fill it, each cell added under its column's header.
    joined: bool = False
    help: str | Promise = ""
    # Headers it is found under, compared after normalise_header (any case, spacing, marks).
    headers: tuple[str, ...] = ()


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "reference",
        _("Case reference"),
        "text",
        help=_("Your reference for the case, e.g. TM-2021-003. Unique among your cases."),
        headers=(
            "reference",
            "ref",
            "case reference",
            "case ref",
            "case number",
            "case no",
            "case",
            "номер",
            "номер дела",
            "дело",
            "шифр",
            "шифр дела",
            "регистрационный номер",
        ),
    ),
    ImportField(
        "external_id",
        _("External id"),
        "text",
        help=_(
            "The record's id in the system or list the file comes from. Importing the "
            "same file again adds nothing for rows whose id was already imported."
        ),
        headers=(
            "external id",
            "id",
            "record id",
            "uid",
            "uuid",
            "source id",
            # The sheet's own running number: "№", "№ п/п", "No.", "#" (normalised to "no").
            "no",
            "no п п",
            "п п",
            "nr",
            "внешний id",
            "внешний номер",
            "идентификатор",
            "код",
            "id записи",
        ),
    ),
    ImportField(
        "name",
        _("Name"),
        "names",
        required=True,
        multiple=True,
        help=_(
            "The person's name in any script. Several spellings of the same name go in "
            "one cell, separated by “;”, “ / ” or new lines, or the second in brackets; "
            "the first is the main one."
        ),
        headers=(
            "name",
            "names",
            "full name",
            "person",
            "person name",
            "name of the person",
            "disappeared person",
            "victim",
            "fio",
            "фио",
            "ф и о",
            "имя",
            "фамилия имя отчество",
            "фамилия имя",
            "полное имя",
            "имя фамилия",
            "пропавший",
            "пропавший человек",
            "исчезнувший",
            "жертва",
        ),
    ),
    ImportField(
        "name_script",
        _("Script of the name"),
        "script",
        help=_(
            "Latin, Cyrillic, Arabic… or an ISO 15924 code (Latn, Cyrl). Left empty, it "
            "is told from the letters."
        ),
        headers=("script", "name script", "alphabet", "письменность", "алфавит"),
    ),
    ImportField(
        "sex",
        _("Sex"),
        "sex",
        headers=("sex", "gender", "пол"),
    ),
    ImportField(
        "birth_date",
        _("Birth date"),
        "date",
        headers=(
            "birth date",
            "date of birth",
            "dob",
            "born",
            "birth",
            "birthday",
            "year of birth",
            "дата рождения",
            "год рождения",
            "рождение",
            "родился",
            "д р",
            "др",
        ),
    ),
    ImportField(
        "nationality",
        _("Nationality"),
        "country",
        help=_("A country by name (English or Russian) or ISO code (TM, TKM)."),
        headers=("nationality", "citizenship", "citizen of", "гражданство", "подданство"),
    ),
    ImportField(
        "occupation",
        _("Occupation"),
        "text",
        headers=(
            "occupation",
            "profession",
            "job",
            "work",
            "род занятий",
            "профессия",
            "занятие",
            "место работы",
            "работа",
        ),
    ),
    ImportField(
        "affiliation",
        _("Affiliation"),
        "text",
        headers=(
            "affiliation",
            "party",
            "movement",
            "group",
            "принадлежность",
            "партия",
            "движение",
            "организация",
        ),
    ),
    ImportField(
        "description",
        _("Description of the person"),
        "text",
        headers=(
            "description",
            "person description",
            "appearance",
            "описание",
            "приметы",
            "описание человека",
            "особые приметы",
        ),
    ),
    ImportField(
        "country",
        _("Country of the case"),
        "country",
        required=True,
        help=_("The country responsible. A country by name (English or Russian) or ISO code."),
        headers=("country", "state", "country of the case", "страна", "государство"),
    ),
    ImportField(
        "taken_in_country",
        _("Country where taken"),
        "country",
        headers=(
            "taken in",
            "taken in country",
            "country where taken",
            "country of disappearance",
            "страна исчезновения",
            "страна задержания",
            "где задержан",
        ),
    ),
    ImportField(
        "disappeared_on",
        _("Disappearance date"),
        "date",
        headers=(
            "disappeared on",
            "disappearance date",
            "date of disappearance",
            "date disappeared",
            "disappeared",
            "date missing",
            "missing since",
            "date of arrest",
            "дата исчезновения",
            "исчез",
            "пропал",
            "дата пропажи",
            "дата похищения",
            "дата задержания",
            "дата ареста",
            "когда пропал",
            "пропал без вести",
        ),
    ),
    ImportField(
        "disappeared_place",
        _("Disappearance place"),
        "text",
        headers=(
            "place",
            "location",
            "where",
            "disappearance place",
            "place of disappearance",
            "place disappeared",
            "place of arrest",
            "место",
            "место исчезновения",
            "место задержания",
            "место похищения",
            "где пропал",
            "место ареста",
        ),
    ),
    ImportField(
        "last_contact_on",
        _("Last contact: when"),
        "date",
        headers=(
            "last contact",
            "last contact date",
            "date of last contact",
            "last seen",
            "last heard",
            "last contact on",
            "последний контакт",
            "дата последнего контакта",
            "последняя связь",
            "последний раз видели",
            "дата последней связи",
        ),
    ),
    ImportField(
        "last_contact_place",
        _("Last contact: where"),
        "text",
        headers=(
            "last contact place",
            "place of last contact",
            "last seen place",
            "last seen at",
            "место последнего контакта",
            "место последней связи",
            "где видели последний раз",
        ),
    ),
    ImportField(
        "last_contact_channel",
        _("Last contact: how"),
        "channel",
        help=_("Phone call, SMS, messenger, e-mail, social media, in person, other, unknown."),
        headers=(
            "last contact channel",
            "channel",
            "contact channel",
            "how contacted",
            "канал связи",
            "способ связи",
            "канал последнего контакта",
        ),
    ),
    ImportField(
        "risk_torture",
        _("Risk of torture"),
        "flag",
        help=_("Yes or no (да, нет); empty is no."),
        headers=("risk of torture", "torture risk", "torture", "риск пыток", "пытки"),
    ),
    ImportField(
        "risk_health",
        _("Health at risk"),
        "flag",
        help=_("Yes or no (да, нет); empty is no."),
        headers=("health at risk", "health risk", "health", "риск для здоровья", "здоровье"),
    ),
    ImportField(
        "risk_family_reprisals",
        _("Reprisals against family"),
        "flag",
        help=_("Yes or no (да, нет); empty is no."),
        headers=(
            "reprisals against family",
            "family reprisals",
            "reprisals",
            "преследование семьи",
            "давление на семью",
            "репрессии против семьи",
        ),
    ),
    ImportField(
        "summary",
        _("Summary"),
        "text",
        joined=True,
        help=_(
            "Several columns may go here (circumstances, notes, comments): each is added "
            "under its header, “Примечание: …”."
        ),
        headers=(
            "summary",
            "circumstances",
            "details",
            "description of the case",
            "case summary",
            "narrative",
            "notes",
            "comments",
            "comment",
            "обстоятельства",
            "краткое описание",
            "описание случая",
            "примечание",
            "примечания",
            "комментарий",
            "комментарии",
            "суть дела",
            "фабула",
        ),
    ),
    ImportField(
        "status",
        _("Status"),
        "status",
        help=_(
            "Reported missing, presumed enforced disappearance, detention acknowledged, "
            "whereabouts confirmed, released, dead or closed (English or Russian). Any "
            "status but reported missing needs its date, in the status date column."
        ),
        headers=("status", "current status", "case status", "статус", "состояние", "статус дела"),
    ),
    ImportField(
        "status_date",
        _("Status date"),
        "date",
        help=_(
            "When the status became known (released on, found dead on…): the status is "
            "dated from it, never from the day of the import."
        ),
        headers=(
            "status date",
            "status as of",
            "date of status",
            "status since",
            "status on",
            "date status",
            "дата статуса",
            "статус на дату",
            "статус на",
            "дата изменения статуса",
            "статус с",
        ),
    ),
    ImportField(
        "priority",
        _("Priority"),
        "priority",
        headers=("priority", "urgency", "приоритет", "срочность"),
    ),
    ImportField(
        "tags",
        _("Tags"),
        "tags",
        multiple=True,
        help=_("Separated by commas or “;”."),
        headers=(
            "tags",
            "tag",
            "labels",
            "keywords",
            "category",
            "categories",
            "теги",
            "метки",
            "категория",
            "категории",
            "ключевые слова",
        ),
    ),
)

FIELDS_BY_KEY: dict[str, ImportField] = {f.key: f for f in FIELDS}
# Known headers taken only when they are the whole header: "Phone no" is no external id.
_WHOLE_ONLY = frozenset({"no", "no п п", "п п", "nr"})

_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def normalise_header(text: str) -> str:
    """Lowercase words of a header: marks, punctuation, "(dd.mm.yyyy)" hints and ё dropped;
    "№" and "#" read as "no"."""
    text = _PARENTHESES.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    text = text.replace("ё", "е").replace("№", " no ").replace("#", " no ")
    words = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(words.split())


@lru_cache(maxsize=1)
def _exact() -> dict[str, str]:
    """Every known header, normalised → its field. A field's own key is one (Habeas's own
    CSV exports write the keys), and so is its label in English and in Russian; built on
    first use, when translations can be read."""
    known: dict[str, str] = {}
    for language in ("en", "ru"):
        with translation.override(language):
            for f in FIELDS:
                known.setdefault(normalise_header(str(f.label)), f.key)
    for f in FIELDS:
        for header in (f.key, *f.headers):
            known[normalise_header(header)] = f.key
    return known


def suggest_mapping(headers: list[str]) -> dict[int, str]:
    """Column index → field key for the headers recognised; each field at most once,
    but a joined one (the summary), which takes every column whose header is its own.

    A header equal to a known one (any case, spacing, punctuation) wins first, in column
    order; then a header containing all the words of a known one takes the field whose
    header matched the most words. Columns not recognised are left out.
    """
    normal = [normalise_header(h) for h in headers]
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(normal):
        key = _exact().get(header)
        if key and (key not in taken or FIELDS_BY_KEY[key].joined):
            mapping[index] = key
            taken.add(key)
    for index, header in enumerate(normal):
        if index in mapping or not header:
            continue
        key = _closest(set(header.split()), taken)
        if key:
            mapping[index] = key
            taken.add(key)
    return mapping


def _closest(words: set[str], taken: set[str]) -> str:
    """The field whose known header's words are all in `words`, the most of them; none when
    two fields tie. A one-word known header counts only in a header of at most two words:
    "ФИО пропавшего" is a name, "Place of birth" is not a disappearance place."""
    sizes: dict[str, int] = {}
    for known, key in _exact().items():
        known_words = known.split()
        if key in taken or known in _WHOLE_ONLY or not set(known_words) <= words:
            continue
        if len(known_words) == 1 and len(words) > 2:
            continue
        sizes[key] = max(sizes.get(key, 0), len(known_words))
    if not sizes:
        return ""
    best = max(sizes.values())
    keys = [key for key, size in sizes.items() if size == best]
    return keys[0] if len(keys) == 1 else ""
