"""Wording in a source's own statement that must not go outside as written.

A statement is the source's words, kept verbatim inside the organisation. Sent
as-is (a claim with no "wording for use outside"), three things in it mislead
the recipient or point to the source (docs/domain.md, "Outside wording"):

- first person ("he texted me", "я узнала"): in an unattributed line "me" is
  nobody, and in an attributed one it is the source speaking;
- gendered wording that can only be the source's: a pronoun or a Russian past
  tense of the other sex than the person concerned, as the subject of a verb of
  learning, seeing or telling ("she has learned through informal channels" about
  a man). Only those verbs: "he was taken" about a man, or "he said" of an
  official, must not warn on every statement;
- relative time ("yesterday", "in the past three days", "три дня назад"), which
  read years later in a dated document no longer says when.

Pure rules on text, no database: English, Russian, French and Spanish are all
checked whatever the claim's language field says (it is free text, and a
statement quoted in one language is often sent in another).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Problem(StrEnum):
    FIRST_PERSON = "first_person"
    GENDERED = "gendered"
    RELATIVE_TIME = "relative_time"


@dataclass(frozen=True)
class Finding:
    problem: Problem
    words: tuple[str, ...]  # as found in the statement, for the staff to find them


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Compared case-insensitively.
FIRST_PERSON = _words(
    # English ("us" is below: "US" is a country)
    "me my mine myself we our ours ourselves"
    # Russian
    " я меня мне мной мною мой моя моё мое мои моего моей моему моим моих моими мою"
    " мы нас нам нами наш наша наше наши нашего нашей нашему нашим наших нашими нашу"
    # French ("mes" is also the Spanish month; "ma", "mon" below)
    " je moi nous notre nos"
    # Spanish
    " yo mí conmigo nosotros nosotras nuestro nuestra nuestros nuestras"
)
# Only as written in lower case: "US", "Ma" (a surname), "Mon" (Monday), "Mi" (a name).
FIRST_PERSON_LOWER = frozenset({"us", "ma", "mon", "mi", "mis"})
# French elision: "j'ai appris", "il m'a écrit".
ELIDED = re.compile(r"(?<!\w)([jJ]|m)['’](?=\w)")

# Verbs whose subject is who knows or tells: they follow a pronoun within a few
# words ("she has learned", "elle a appris", "она узнала").
KNOWING_EN = re.compile(
    r"^(?:(?:learn|hear|see|tell|say|know|receiv|believ|understand|witness|speak|text|"
    r"call|phon|confirm|report|writ|inform|notic|send)(?:s|es|e|ed|d|t|ing|n)?|"
    r"heard|saw|seen|told|said|knew|known|found|understood|spoke|spoken|wrote|"
    r"written|sent)$"
)
KNOWING_FR = re.compile(
    r"^(?:appris|apprend\w*|entend\w*|vu|voit|vit|sait|savait|su|dit|disait|écrit\w*|"
    r"reçu|rapporte\w*|confirm\w*|inform\w*|téléphon\w*|appel\w*)$"
)
KNOWING_ES = re.compile(
    r"^(?:supo|sabe|sabía|sabido|enter\w*|oyó|oído|vio|visto|ve|dice|decía|dijo|dicho|"
    r"escrib\w*|escrito|recib\w*|confirm\w*|inform\w*|llam\w*|report\w*)$"
)
AUXILIARIES = _words(
    "has have had was is been being did does also then later just reportedly "
    "a ha había est été avait ya también"
)
# Subject pronouns by sex, per language.
PRONOUNS = {
    "f": frozenset({"she", "elle", "ella", "она"}),
    "m": frozenset({"he", "il", "él", "он"}),
}
ACCORDING_TO = re.compile(
    r"\b(?:according to|in the words of|selon|d'après|d’après|según|по (?:её|ее|его) словам)"
    r"(?:\s+(?P<p>her|him|elle|lui|ella|él))?(?!\w)",
    re.IGNORECASE,
)
ACCORDING_SEX = {
    "her": "f",
    "elle": "f",
    "ella": "f",
    "him": "m",
    "lui": "m",
    "él": "m",
    "по её словам": "f",
    "по ее словам": "f",
    "по его словам": "m",
}
# Russian past tense of those verbs carries the subject's sex with or without a
# pronoun: "узнала" (she learned), "слышал" (he heard).
RU_KNOWING_PAST = re.compile(
    r"^(?:узна|зна|слыша|услыша|виде|увиде|сказа|рассказа|сообщи|написа|получи|поня|"
    r"выясни|переда|позвони|звони|говори|писа)(л|ла)(?:сь|ся)?$"
)
RU_SEX_OF_ENDING = {"л": "m", "ла": "f"}
RU_KNOWING_PRESENT = ("знает", "говорит", "сообщает", "пишет", "слышит", "видит")

# Relative time, per language; word forms compared case-insensitively.
NUMBER = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple of|"
    r"un|une|deux|trois|quatre|cinq|quelques|dos|tres|cuatro|cinco|unos|unas|varios|"
    r"один|одну|два|две|три|четыре|пять|шесть|семь|несколько)"
)
UNIT_EN = r"(?:hours?|days?|nights?|weeks?|months?|years?)"
RELATIVE_TIME = re.compile(
    r"\b(?:"
    # English
    r"yesterday|today|tonight|tomorrow|recently|lately|the other day|"
    r"(?:last|this|next) (?:night|morning|evening|week|weekend|month|year)|"
    rf"(?:in|over|during|for) the (?:past|last) (?:{NUMBER} )?{UNIT_EN}|"
    rf"{NUMBER} {UNIT_EN} ago|"
    # French
    r"hier|avant-hier|aujourd'hui|aujourd’hui|demain|récemment|dernièrement|"
    r"(?:la semaine|le mois|l'année|l’année) (?:dernière|dernier|passée?)|"
    r"cette (?:semaine|nuit|année)|ce (?:matin|soir|mois)|"
    rf"il y a {NUMBER} (?:heures?|jours?|nuits?|semaines?|mois|ans?|années?)|"
    rf"(?:ces|les) {NUMBER} derni(?:ers|ères) (?:jours|semaines|mois|années)|"
    # Spanish
    r"ayer|anteayer|anoche|hoy|mañana|recientemente|últimamente|"
    r"(?:la semana|el mes|el año) pasad[oa]|esta (?:semana|noche)|este (?:mes|año)|"
    rf"hace {NUMBER} (?:horas?|días?|noches?|semanas?|mes|meses|años?)|"
    rf"(?:en|durante) l(?:os|as) (?:últim[oa]s|pasad[oa]s) (?:{NUMBER} )?"
    r"(?:horas|días|semanas|meses|años)|"
    # Russian
    r"вчера|позавчера|сегодня|завтра|недавно|на днях|"
    r"(?:на|на этой|на прошлой) неделе|прошлой ночью|"
    r"в (?:прошлом|этом) (?:месяце|году)|"
    rf"за (?:последн\w+|прошедш\w+) (?:{NUMBER} )?\w*(?:дн|день|дня|недел|месяц|год|лет)\w*|"
    rf"{NUMBER} (?:час|дн|день|дня|недел|месяц|год|лет)\w* назад"
    r")(?!\w)",
    re.IGNORECASE,
)

WORD = re.compile(r"\w+")


def _first_person(text: str) -> list[str]:
    found = []
    for match in WORD.finditer(text):
        word = match.group()
        if word == "I" or word.casefold() in FIRST_PERSON or word in FIRST_PERSON_LOWER:
            found.append(word)
    found += [f"{m.group(1)}'" for m in ELIDED.finditer(text)]
    return found


def _other_sexes(person_sex: str) -> tuple[str, ...]:
    # Wording of the person's own sex is about the person; of the other sex it
    # may be the source. Unknown (or other): either may be the source.
    if person_sex == "m":
        return ("f",)
    if person_sex == "f":
        return ("m",)
    return ("f", "m")


def _gendered(text: str, person_sex: str) -> list[str]:
    sexes = _other_sexes(person_sex)
    words = WORD.findall(text)
    lower = [w.casefold() for w in words]
    found: list[str] = []
    said_by_pronoun: set[int] = set()  # verbs already quoted with their pronoun
    for i, word in enumerate(lower):
        verb = _knowing_verb_after(lower, i)
        if verb and any(word in PRONOUNS[sex] for sex in sexes):
            found.append(" ".join(words[i : verb + 1]))
            said_by_pronoun.add(verb)
        ru = RU_KNOWING_PAST.match(word)
        if i in said_by_pronoun:
            continue
        if ru and i and lower[i - 1] == "я":
            # "я узнал": the source speaking, its sex in the ending whatever the person's.
            found.append(f"{words[i - 1]} {words[i]}")
        elif ru and RU_SEX_OF_ENDING[ru.group(1)] in sexes:
            found.append(words[i])
    for match in ACCORDING_TO.finditer(text):
        key = (match.group("p") or match.group()).casefold()
        if ACCORDING_SEX.get(key) in sexes:
            found.append(match.group())
    return found


def _knowing_verb_after(lower: list[str], i: int) -> int | None:
    """The index of a verb of knowing or telling a few words after `i`, past
    auxiliaries only ("she has reportedly learned")."""
    for j in range(i + 1, min(i + 4, len(lower))):
        word = lower[j]
        if KNOWING_EN.match(word) or KNOWING_FR.match(word) or KNOWING_ES.match(word):
            return j
        if RU_KNOWING_PAST.match(word) or word in RU_KNOWING_PRESENT:
            return j
        if word not in AUXILIARIES:
            return None
    return None


def statement_warnings(text: str, person_sex: str = "") -> list[Finding]:
    """What in `text`, sent as written, misleads or points to its source; `person_sex`
    is the person concerned's (Person.Sex: "m", "f", or "" / "x" for unknown)."""
    findings = []
    for problem, words in (
        (Problem.FIRST_PERSON, _first_person(text)),
        (Problem.GENDERED, _gendered(text, person_sex)),
        (Problem.RELATIVE_TIME, [m.group() for m in RELATIVE_TIME.finditer(text)]),
    ):
        if words:
            findings.append(Finding(problem, tuple(dict.fromkeys(words))))
    return findings
