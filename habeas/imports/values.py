"""Reading one cell of an imported spreadsheet into the value a case or a person takes.

Each parse_<kind> takes the cell's text and returns the value, or raises ValueProblem with
one translated sentence that quotes the cell ("“31.02.2021” is not a date: February 2021 has
no day 31."): the engine adds the row and the column. An empty cell is "no value" (None, "",
or an empty list), never a problem: whether a field is required is the engine's rule.

Dates are read as the forms read them (habeas.lib.partialdate: 2021-10-20, 20.10.2021,
"октябрь 2021", "about 2002", ranges…), each cell on its own, so a column may mix formats.
Slashed dates are read day first (20/10/2021), as in Russia and most of Europe.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django_countries import countries

from habeas.cases.models import ContactChannel, PersonName, Priority, Status
from habeas.lib.names import guess_script
from habeas.lib.partialdate import (
    MAX_YEAR,
    MIN_YEAR,
    MONTH_NAMES,
    PartialDate,
    PartialDateError,
)
from habeas.lib.text import one_line, plain_text

MAX_NAME = 300  # Person.display_name
MAX_TAG = 60  # cases.forms.TagsField


class ValueProblem(ValueError):
    """A cell that cannot be imported as its column's field: one translated sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _strip(text: str) -> str:
    return (text or "").strip()


@lru_cache(maxsize=4096)  # a column repeats a few values (countries, statuses) 100,000 times
def _normal(text: str) -> str:
    """Casefolded words without marks or punctuation, ё as е: what a look-up compares."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("ё", "е"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


# --- text ----------------------------------------------------------------------------------


# Unicode's control characters (category Cc) but new line and tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def parse_text(text: str) -> str:
    """Free text as written; control characters (other than new lines and tabs) dropped."""
    text = _strip(text).replace("\r\n", "\n").replace("\r", "\n")
    return plain_text(_CONTROL.sub("", text))


# --- dates ---------------------------------------------------------------------------------

# What a spreadsheet adds to a date it stores as a moment: a time of exactly midnight.
_MIDNIGHT = re.compile(r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})[ T]0?0:00(?::00)?")
_NO_DAY = re.compile(r"There is no (\d+) (\w+) (\d+)\.")
_NO_MONTH = re.compile(r"There is no month (\d+)\.")
_YEAR = re.compile(r"The year (\d+) is outside")


def parse_date(text: str, *, today: dt.date | None = None) -> PartialDate | None:
    """A partial date as the forms accept it; `today` refuses dates that have not happened."""
    text = " ".join(_strip(text).split())
    if not text:
        return None
    if match := _MIDNIGHT.fullmatch(text):
        text = match[1]
    if match := _SHORT_YEAR.fullmatch(text):
        full = _four_digit_year(match, today or timezone.localdate())
        try:
            return _date(full, today)
        except ValueProblem as problem:  # quoting the cell as written
            raise ValueProblem(problem.message.replace(f"“{full}”", f"“{text}”")) from None
    return _date(text, today)


# Russian Excel's short date format: dd.mm.yy.
_SHORT_YEAR = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2})")


def _four_digit_year(match: re.Match[str], today: dt.date) -> str:
    """dd.mm.yy with the century that does not put the date in the future: the latest
    year ending in those two digits, on or before today (on 7 Dec 2026, 12.03.19 is 2019,
    31.12.26 is 1926, 05.01.27 is 1927). A day that does not exist is left to the reader."""
    day, month, short = (int(part) for part in match.groups())
    year = today.year // 100 * 100 + short
    try:
        if dt.date(year, month, day) > today:
            year -= 100
    except ValueError:
        if year > today.year:
            year -= 100
    return f"{day:02d}.{month:02d}.{year:04d}"


# Values are immutable: a column of 100,000 dates repeats many, read once each.
@lru_cache(maxsize=65536)
def _date(text: str, today: dt.date | None) -> PartialDate:
    try:
        return PartialDate.parse(text, today=today)
    except PartialDateError as exc:
        raise ValueProblem(_date_problem(text, str(exc))) from None


def _date_problem(text: str, reason: str) -> str:
    if match := _NO_DAY.fullmatch(reason):
        day, month_name, year = match.groups()
        month = MONTHS.get(MONTH_NAMES.index(month_name) + 1) if month_name in MONTH_NAMES else None
        return _("“%(text)s” is not a date: %(month)s %(year)s has no day %(day)s.") % {
            "text": text, "month": month or month_name, "year": year, "day": day,
        }  # fmt: skip
    if match := _NO_MONTH.fullmatch(reason):
        message = _("“%(text)s” is not a date: there is no month %(month)s.") % {
            "text": text, "month": match[1],
        }  # fmt: skip
        if "/" in text:
            message += " " + _("Dates with slashes are read day first, as 20/10/2021.")
        return message
    if match := _YEAR.match(reason):
        return _(
            "“%(text)s”: the year %(year)s is outside the years Habeas accepts (%(min)d to "
            "%(max)d)."
        ) % {"text": text, "year": match[1], "min": MIN_YEAR, "max": MAX_YEAR}
    if reason.startswith("The end of the range is in the future"):
        return _("“%(text)s” ends in the future.") % {"text": text}
    if reason.endswith("is in the future."):
        return _("“%(text)s” is in the future.") % {"text": text}
    if reason.startswith("The end of the range is before its start"):
        return _("“%(text)s”: the end of the range is before its start.") % {"text": text}
    if "time of day" in reason:
        return _("“%(text)s”: the time of day is not valid here.") % {"text": text}
    return _(
        "“%(text)s” is not a date Habeas can read. Write it as 2021-10-20, 20.10.2021, "
        "Oct 2021, октябрь 2021, about 2002, between 2020 and 2021, before Oct 2021 or "
        "early 2003."
    ) % {"text": text}


# --- names ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedName:
    text: str
    script: str  # a PersonName.Script value


_SCRIPT_CHOICES = {value for value, _label in PersonName.Script.choices}
# guess_script's codes that PersonName.Script writes otherwise.
_SCRIPT_ALIASES = {"Hira": "Kana", "Zzzz": "Zyyy"}
# ";", new lines, and " / " between spellings ("Аманов Бахтияр / Bakhtiyar Amanov").
_NAME_SEPARATORS = re.compile(r"[;\n\r]+|\s+/\s+")
# A spelling given in brackets after another: "Атаев Бегенч (Begench Atayev)".
# "Атаев Бегенч (Begench Atayev)": a second spelling in brackets after the first, and
# only that: brackets elsewhere in a cell (a formula, "O(Neill)") are the name's own.
_BRACKETED = re.compile(r"^(.*\S)\s+\(([^()]+)\)\s*$")
_LETTER = re.compile(r"[^\W\d_]")
# The common cases told at once: names only in basic Latin or only in Russian letters.
_PLAIN = ((re.compile(r"[A-Za-z\s.,'’ʼ()-]+"), "Latn"), (re.compile(r"[А-яЁё\s.,'’ʼ()-]+"), "Cyrl"))


def parse_names(text: str) -> list[ParsedName]:
    """Every spelling in the cell (separated by ";" or new lines), the first the main one,
    each with the script its letters are in. Repeated spellings are kept once."""
    names: list[ParsedName] = []
    seen: set[str] = set()
    for part in _spellings(_strip(text)):
        # The cleaning the forms and the API give a name (habeas.lib.text.one_line):
        # "Azat\u200b Isa\u202ekov" is "Azat Isakov", found by search and duplicates.
        name = one_line(part)
        if not name or name.casefold() in seen:
            continue
        if not _LETTER.search(name):
            raise ValueProblem(_("“%(text)s” is not a name: it has no letters.") % {"text": name})
        if len(name) > MAX_NAME:
            raise ValueProblem(
                _("A name is at most %(max)d characters long; “%(start)s…” is longer.")
                % {"max": MAX_NAME, "start": name[:40]}
            )
        seen.add(name.casefold())
        names.append(ParsedName(name, script_of(name)))
    return names


def _spellings(text: str) -> list[str]:
    """The spellings of a cell: split on the separators, then each bracketed part after
    the spelling it follows."""
    found: list[str] = []
    for part in _NAME_SEPARATORS.split(text):
        bracketed = _BRACKETED.match(part)
        found += bracketed.groups() if bracketed else [part]
    return found


def mixes_scripts(name: str) -> bool:
    """A spelling whose letters are in more than one script ("Аманов Bakhtiyar"): two
    spellings not separated, most likely; no one script can be said of it."""
    return len(_scripts_in(name)) > 1


def script_of(name: str) -> str:
    """The PersonName.Script of a name: the script its letters are in, as
    habeas.lib.names.guess_script tells it, letter by letter (cached: 100,000 names);
    Other when they are in several scripts."""
    for pattern, plain in _PLAIN:
        if pattern.fullmatch(name):
            return plain
    counts = _scripts_in(name)
    if len(counts) != 1:
        return PersonName.Script.OTHER.value
    code = counts.most_common(1)[0][0]
    code = _SCRIPT_ALIASES.get(code, code)
    return code if code in _SCRIPT_CHOICES else PersonName.Script.OTHER.value


def _scripts_in(name: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for ch in name:
        code = _letter_script(ch)
        if code:
            counts[code] += 1
    return counts


@lru_cache(maxsize=4096)
def _letter_script(ch: str) -> str:
    code = guess_script(ch)
    return "" if code == "Zyyy" else code


@lru_cache(maxsize=1)
def _scripts() -> dict[str, str]:
    table = {_normal(value): value for value in _SCRIPT_CHOICES}
    for language in ("en", "ru"):
        with translation.override(language):
            table |= {_normal(str(label)): value for value, label in PersonName.Script.choices}
    table |= {
        "latin alphabet": "Latn", "латиница": "Latn", "латинский": "Latn", "кириллица": "Cyrl",
        "русский": "Cyrl", "арабский": "Arab", "арабица": "Arab", "грузинский": "Geor",
        "армянский": "Armn", "греческий": "Grek", "иврит": "Hebr", "chinese": "Hani",
        "korean": "Hang", "japanese": "Kana",
    }  # fmt: skip
    return table


def parse_script(text: str) -> str:
    """A script by name (English, Russian) or ISO 15924 code; "" when the cell is empty."""
    text = _strip(text)
    if not text:
        return ""
    found = _scripts().get(_normal(text))
    if found is None:
        raise ValueProblem(
            _(
                "“%(text)s” is not a script Habeas knows. Write Latin, Cyrillic, Arabic… or a "
                "code such as Latn or Cyrl."
            )
            % {"text": text}
        )
    return found


# --- sex -----------------------------------------------------------------------------------

_SEX = {
    **dict.fromkeys(("f", "female", "woman", "w", "ж", "жен", "женский", "женщина"), "f"),
    **dict.fromkeys(("m", "male", "man", "м", "муж", "мужской", "мужчина"), "m"),
    **dict.fromkeys(("x", "other", "другой", "другое", "иной", "иное"), "x"),
    **dict.fromkeys(("unknown", "not known", "u", "неизвестно", "не известно", "нет данных"), ""),
}


def parse_sex(text: str) -> str:
    """A Person.Sex value: f, m, x, or "" (unknown)."""
    text = _strip(text)
    if not text or text == "?":
        return ""
    value = _SEX.get(_normal(text))
    if value is None:
        raise ValueProblem(
            _(
                "“%(text)s” is not a sex Habeas records: write female, male, other or unknown "
                "(or F, M, Ж, М)."
            )
            % {"text": text}
        )
    return value


# --- countries -----------------------------------------------------------------------------

# Names people write that are not django-countries' own, in English and Russian.
_COUNTRY_ALIASES = {
    "russian federation": "RU", "российская федерация": "RU", "рф": "RU", "россия": "RU",
    "usa": "US", "united states of america": "US", "сша": "US", "uk": "GB",
    "great britain": "GB", "britain": "GB", "великобритания": "GB", "turkey": "TR",
    "турция": "TR", "белоруссия": "BY", "belorussia": "BY", "киргизия": "KG",
    "kirghizia": "KG", "кыргызстан": "KG", "киргизстан": "KG",
    "kyrgyz republic": "KG", "молдавия": "MD", "туркмения": "TM", "turkmenia": "TM",
    "iran": "IR", "иран": "IR", "syria": "SY", "сирия": "SY", "south korea": "KR",
    "north korea": "KP", "czech republic": "CZ", "чехия": "CZ", "macedonia": "MK",
    "ivory coast": "CI", "кот д ивуар": "CI", "ussr": "", "ссср": "",
    # Official names (UN and OSCE documents) that are not "Republic of" + the short name,
    # which _official reads for any country.
    "кыргызская республика": "KG", "азербайджанская республика": "AZ",
    "туркменская республика": "TM", "киргизская республика": "KG",
    "islamic republic of iran": "IR", "исламская республика иран": "IR",
    "syrian arab republic": "SY", "сирийская арабская республика": "SY",
    "united kingdom of great britain and northern ireland": "GB",
    "republic of korea": "KR", "республика корея": "KR",
    "democratic people s republic of korea": "KP",
}  # fmt: skip
# The words an official name adds to the short one: "Республика Узбекистан", "Republic of
# Belarus", "the Kingdom of Spain".
_OFFICIAL = re.compile(r"(?:the )?(?:republic|kingdom|state|federation|республика) (?:of )?")


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    table: dict[str, str] = {}
    for language in ("en", "ru"):
        with translation.override(language):
            for country in countries:
                table.setdefault(_normal(str(country.name)), country.code)
    for code in list(table.values()):
        table[_normal(code)] = code
        alpha3 = countries.alpha3(code)
        if alpha3:
            table[_normal(alpha3)] = code
    for name, code in _COUNTRY_ALIASES.items():
        table[_normal(name)] = code
    return table


def parse_country(text: str) -> str:
    """An ISO 3166-1 alpha-2 code from a name (English or Russian) or an alpha-2 or alpha-3
    code; "" when the cell is empty."""
    text = _strip(text)
    if not text:
        return ""
    code = _countries().get(_normal(text))
    if code is None and (short := _OFFICIAL.sub("", _normal(text), count=1)) != _normal(text):
        code = _countries().get(short)
    if not code:
        if code == "":  # a state that no longer exists (USSR): which one is not known
            raise ValueProblem(
                _("“%(text)s” no longer exists: write the country it is now.") % {"text": text}
            )
        raise ValueProblem(
            _(
                "“%(text)s” is not a country Habeas knows. Write its name in English or Russian, "
                "or its ISO code (TM or TKM)."
            )
            % {"text": text}
        )
    return code


# --- status and priority ------------------------------------------------------------------

_STATUS_WORDS = {
    Status.REPORTED_MISSING: ("missing", "reported missing", "disappeared", "пропал", "пропала",
                              "пропал без вести", "пропала без вести", "пропавший",
                              "заявлено об исчезновении", "исчез", "исчезла"),
    Status.PRESUMED_ED: ("presumed ed", "enforced disappearance", "presumed disappeared",
                         "насильственное исчезновение",
                         "предполагаемое насильственное исчезновение"),
    Status.DETENTION_ACKNOWLEDGED: ("detained", "in detention", "detention confirmed",
                                    "задержан", "задержана", "под стражей",
                                    "задержание признано", "задержание подтверждено"),
    Status.WHEREABOUTS_CONFIRMED: ("whereabouts known", "whereabouts established", "located",
                                   "found alive", "found", "местонахождение известно",
                                   "местонахождение установлено", "найден", "найдена"),
    Status.RELEASED: ("freed", "освобожден", "освобождена", "освобождён", "освобождёна",
                      "на свободе", "set free", "released from detention", "отпущен",
                      "отпущена", "вышел на свободу", "вышла на свободу"),
    Status.DEAD: ("deceased", "died", "killed", "found dead", "body found", "погиб", "погибла",
                  "умер", "умерла", "мертв", "мертва", "скончался", "скончалась",
                  "найден мертвым", "найдена мертвой", "найден погибшим", "найдено тело"),
    Status.CLOSED: ("закрыто", "закрыт", "дело закрыто"),
}  # fmt: skip


@lru_cache(maxsize=1)
def _statuses() -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in Status.choices:
        table[_normal(value)] = value
        for language in ("en", "ru"):
            with translation.override(language):
                table[_normal(str(label))] = value
    for status, words in _STATUS_WORDS.items():
        table |= {_normal(word): status.value for word in words}
    return table


def parse_status(text: str) -> str:
    """A cases.Status value from its English or Russian name; "" when the cell is empty."""
    text = _strip(text)
    if not text:
        return ""
    value = _statuses().get(_normal(text))
    if value is None:
        raise ValueProblem(
            _("“%(text)s” is not a status Habeas knows. Write one of: %(statuses)s.")
            % {"text": text, "statuses": ", ".join(str(label) for _v, label in Status.choices)}
        )
    return value


_PRIORITY_WORDS = {
    Priority.URGENT: ("1", "срочно", "срочный", "очень высокий"),
    Priority.HIGH: ("2", "высокий", "high priority"),
    Priority.NORMAL: ("3", "обычный", "средний", "normal priority", "medium"),
    Priority.LOW: ("4", "низкий", "low priority"),
}


@lru_cache(maxsize=1)
def _priorities() -> dict[str, int]:
    table: dict[str, int] = {}
    for value, label in Priority.choices:
        for language in ("en", "ru"):
            with translation.override(language):
                table[_normal(str(label))] = value
    for priority, words in _PRIORITY_WORDS.items():
        table |= {_normal(word): int(priority) for word in words}
    return table


def parse_priority(text: str) -> int | None:
    """A cases.Priority value (1 urgent to 4 low); None when the cell is empty."""
    text = _strip(text)
    if not text:
        return None
    value = _priorities().get(_normal(text))
    if value is None:
        raise ValueProblem(
            _("“%(text)s” is not a priority: write urgent, high, normal or low (or 1 to 4).")
            % {"text": text}
        )
    return value


# --- yes/no and channels -------------------------------------------------------------------

_YES = ("1", "yes", "y", "true", "x", "да", "д", "+", "✓", "✔")
_NO = ("0", "no", "n", "false", "нет", "н", "-")
_FLAGS = {**dict.fromkeys(_YES, True), **dict.fromkeys(_NO, False)}


def parse_flag(text: str) -> bool:
    """Yes or no, in English, Russian or as 1/0, x, +/-; an empty cell is no."""
    text = _strip(text).casefold()
    if not text:
        return False
    if text not in _FLAGS:
        raise ValueProblem(_("“%(text)s”: write yes or no.") % {"text": _strip(text)})
    return _FLAGS[text]


_CHANNEL_WORDS = {
    ContactChannel.PHONE: ("phone", "call", "telephone", "phone call", "телефон", "звонок",
                           "по телефону", "телефонный звонок"),
    ContactChannel.SMS: ("смс",),
    ContactChannel.TEXT: ("text message", "сообщение", "текстовое сообщение"),
    ContactChannel.MESSENGER: ("signal", "whatsapp", "telegram", "viber", "imo",
                               "мессенджер", "телеграм", "ватсап"),
    ContactChannel.EMAIL: ("email", "mail", "электронная почта", "почта", "имейл"),
    ContactChannel.SOCIAL: ("social", "facebook", "instagram", "vk", "соцсети",
                            "социальные сети"),
    ContactChannel.IN_PERSON: ("in person", "personally", "лично", "встреча"),
    ContactChannel.OTHER: ("другое", "иное"),
    ContactChannel.UNKNOWN: ("неизвестно", "не известно"),
}  # fmt: skip


@lru_cache(maxsize=1)
def _channels() -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in ContactChannel.choices:
        table[_normal(value)] = value
        for language in ("en", "ru"):
            with translation.override(language):
                table[_normal(str(label))] = value
    for channel, words in _CHANNEL_WORDS.items():
        table |= {_normal(word): channel.value for word in words}
    return table


def parse_channel(text: str) -> str:
    """A cases.ContactChannel value from its English or Russian name; "" when empty."""
    text = _strip(text)
    if not text:
        return ""
    value = _channels().get(_normal(text))
    if value is None:
        raise ValueProblem(
            _("“%(text)s” is not a channel Habeas knows. Write one of: %(channels)s.")
            % {"text": text, "channels": ", ".join(str(c.label) for c in ContactChannel)}
        )
    return value


# --- tags ----------------------------------------------------------------------------------


def parse_tags(text: str) -> list[str]:
    """Tags separated by commas, ";" or new lines, each once, as the case form takes them."""
    tags: list[str] = []
    for part in re.split(r"[,;\n\r]+", _strip(text)):
        tag = one_line(part)
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG:
            raise ValueProblem(
                _("A tag is at most %(max)d characters long; “%(start)s…” is longer.")
                % {"max": MAX_TAG, "start": tag[:30]}
            )
        tags.append(tag)
    return tags


# Field kind (columns.ImportField.kind) → its parser. parse_date takes `today` too.
PARSERS: dict[str, Callable[..., Any]] = {
    "text": parse_text,
    "names": parse_names,
    "script": parse_script,
    "date": parse_date,
    "sex": parse_sex,
    "country": parse_country,
    "status": parse_status,
    "priority": parse_priority,
    "tags": parse_tags,
    "flag": parse_flag,
    "channel": parse_channel,
}
