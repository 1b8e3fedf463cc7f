# ruff: noqa: E501 — a table of wording reads better one entry a line.
"""The fixed wording of generated documents, per language (English and Russian):
titles and labels, the names of the record's choices (kinds of source, roles,
kinds of intervention), and how dates and country names are written.

Kept apart from the gettext catalogue: a document's language is the
recipient's, not the reader's interface language, and every label in a Russian
document must be Russian whether or not a catalogue was compiled.
"""

from __future__ import annotations

from datetime import date

from django.utils import translation
from django_countries import countries

from habeas.lib.partialdate import (
    MIN_YEAR,
    RUSSIAN_MONTHS_GENITIVE,
    RUSSIAN_MONTHS_NOMINATIVE,
    PartialDate,
    Precision,
)

LANGUAGES = ("en", "ru")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "wgeid.title": "Submission to the UN Working Group on Enforced or Involuntary Disappearances",
        "ced.title": "Request for urgent action under article 30 of the International Convention for the Protection of All Persons from Enforced Disappearance",
        "ced.to": "To the Committee on Enforced Disappearances",
        "ced.via": "Office of the United Nations High Commissioner for Human Rights, Palais des Nations, CH-1211 Geneva 10, Switzerland",
        "ced.intro": "We request the Committee to consider, under article 30 of the Convention, this request for urgent action to search for and locate {name}.",
        "ced.state_party": "State party concerned",
        "ced.party": "{country} is a party to the Convention (list of States parties as of {date}).",
        "ced.not_party": "{country} is not a party to the Convention according to the list of States parties as of {date}: the Committee cannot register this request.",
        "ced.steps": "The matter raised with the authorities of the State party",
        "ced.asks": "We ask the Committee to request the State party to",
        "ced.ask.protect": "take all necessary measures, including interim measures, to locate and protect {name} (article 30, paragraph 3);",
        "ced.ask.inform": "inform the Committee, within the period it sets, of the measures taken.",
        "sp.title": "Communication to the Special Procedures of the UN Human Rights Council",
        "sp.to": "To the mandate holders concerned",
        "sp.mandate.wgeid": "Working Group on Enforced or Involuntary Disappearances",
        "sp.mandate.torture": "Special Rapporteur on torture and other cruel, inhuman or degrading treatment or punishment",
        "sp.mandate.wgad": "Working Group on Arbitrary Detention",
        "sp.perpetrators": "Alleged perpetrators",
        "sp.description": "Description of the events",
        "sp.steps_national": "Steps taken nationally",
        "sp.steps_international": "Steps taken internationally",
        "sp.source": "Source of the communication",
        "sp.keep_confidential": "The identity of the source and of the witnesses must be kept confidential.",
        "sp.name_public": "The name of the victim may be made public.",
        "sp.name_not_public": "The name of the victim must not be made public.",
        "sp.asks": "We ask the mandate holders to address an urgent appeal to the Government of {country}, urging it to",
        "letter.title": "Letter to the authorities",
        "urgent_action.title": "Urgent action",
        "briefing.title": "Briefing note for the human-rights dialogue",
        "incomplete": "INCOMPLETE — not ready to send. Missing:",
        "person": "The disappeared person",
        "name": "Full name",
        "variants": "Other spellings",
        "sex": "Sex",
        "birth_date": "Date of birth",
        "nationality": "Nationality",
        "occupation": "Occupation",
        "affiliation": "Affiliation",
        "disappearance": "The disappearance",
        "date": "Date",
        "place": "Place of arrest, abduction or where last seen",
        "forces": "Forces believed responsible",
        "circumstances": "Circumstances",
        "information": "Information received",
        "undated": "undated (reported to us: {received})",
        "steps": "Steps taken to find the person",
        "submitter": "Submitted by",
        "consent": "Consent of the family",
        "consent.given": "The family has consented to this submission.",
        "consent.missing": "No family consent recorded.",
        "confidential": "The source of this information asks that its identity be kept confidential.",
        "a_source": "A source",
        "asks": "We respectfully ask you to",
        "ask.disclose": "disclose the fate and whereabouts of {name};",
        "ask.torture": "ensure that {name} is protected from torture and other ill-treatment;",
        "ask.access": "allow {name} immediate access to family, a lawyer of their choice and a doctor;",
        "ask.release": "release {name} unless promptly charged with a recognisable offence and tried fairly.",
        "salutation.default": "Dear Sir or Madam,",
        "closing": "Yours faithfully,",
        "summary": "Summary",
        "addressees": "Please write to",
        "background": "Background",
        "act_until": "Please act until",
        "days_missing": "Days since the disappearance: {days}",
        "days_missing.from": "Days since the disappearance: {days} (counted from {day}, the earliest day it can be)",
        "days_missing.at_least": "Days since the disappearance: at least {days} (counted from {day}, the latest day it can be)",
        "cases": "Cases",
        "country": "Country",
        "recommendation": "We recommend that the following be raised at the dialogue",
        "unknown": "unknown",
        "none_recorded": "None recorded.",
        "missing.name": "Full name of the person",
        "missing.date": "Date of disappearance (at least month and year)",
        "missing.place": "Place of arrest, abduction or where last seen",
        "missing.forces": "Forces believed responsible",
        "missing.steps": "Steps taken by relatives or others to find the person",
        "missing.submitter": "Identity of the submitting person or organisation",
        "missing.consent": "Family consent",
        "missing.addressee": "Addressee",
        "missing.state_party": "A State party to the Convention (the Committee cannot act otherwise)",
        "source.victim": "The person concerned",
        "source.relative": "A relative",
        "source.witness": "A witness",
        "source.defender": "A human rights defender",
        "source.lawyer": "A lawyer",
        "source.ngo": "An NGO",
        "source.journalist": "A journalist",
        "source.official": "An official",
        "source.anonymous": "An anonymous source",
        "role.alleged_perpetrator": "alleged perpetrator",
        "role.commander": "responsible commander",
        "role.holding_authority": "holding authority",
        "role.witness": "witness",
        "role.spokesperson": "issued a statement",
        "role.other": "other role",
        # An event's actor: its State always (two ministries of internal affairs must
        # never read alike), after the role so no two brackets follow each other.
        "actor.role": "{actor} ({role})",
        "actor.role_state": "{actor} ({role}), {state}",
        "sex.f": "Female",
        "sex.m": "Male",
        "sex.x": "Other",
        "kind.wgeid_urgent": "UN Working Group on Enforced or Involuntary Disappearances, urgent procedure",
        "kind.wgeid_standard": "UN Working Group on Enforced or Involuntary Disappearances, standard procedure",
        "kind.wgeid_prompt": "UN Working Group on Enforced or Involuntary Disappearances, prompt intervention",
        "kind.ced_urgent_action": "Committee on Enforced Disappearances, request for urgent action",
        "kind.special_procedures": "Communication to the UN Special Procedures",
        "kind.letter_authorities": "Letter to the authorities",
        "kind.embassy": "Raised with an embassy or at a human-rights dialogue",
        "kind.court_petition": "Court petition",
        "kind.press_statement": "Press statement",
    },
    "ru": {
        "wgeid.title": "Сообщение в Рабочую группу ООН по насильственным или недобровольным исчезновениям",
        "ced.title": "Просьба о срочных действиях в соответствии со статьёй 30 Международной конвенции для защиты всех лиц от насильственных исчезновений",
        "ced.to": "Комитету по насильственным исчезновениям",
        "ced.via": "Управление Верховного комиссара ООН по правам человека, Palais des Nations, CH-1211 Geneva 10, Switzerland",
        "ced.intro": "Просим Комитет рассмотреть в соответствии со статьёй 30 Конвенции эту просьбу о срочных действиях по розыску: {name}.",
        "ced.state_party": "Государство-участник",
        "ced.party": "{country} — участник Конвенции (по списку государств-участников на {date}).",
        "ced.not_party": "{country} не является участником Конвенции по списку государств-участников на {date}: Комитет не может зарегистрировать эту просьбу.",
        "ced.steps": "Обращения к властям государства-участника",
        "ced.asks": "Просим Комитет обратиться к государству-участнику с просьбой",
        "ced.ask.protect": "принять все необходимые меры, включая временные меры, для розыска и защиты: {name} (пункт 3 статьи 30);",
        "ced.ask.inform": "в установленный Комитетом срок сообщить ему о принятых мерах.",
        "sp.title": "Сообщение специальным процедурам Совета ООН по правам человека",
        "sp.to": "Соответствующим мандатариям",
        "sp.mandate.wgeid": "Рабочая группа по насильственным или недобровольным исчезновениям",
        "sp.mandate.torture": "Специальный докладчик по вопросу о пытках и других жестоких, бесчеловечных или унижающих достоинство видах обращения и наказания",
        "sp.mandate.wgad": "Рабочая группа по произвольным задержаниям",
        "sp.perpetrators": "Предполагаемые исполнители",
        "sp.description": "Описание событий",
        "sp.steps_national": "Меры, принятые внутри страны",
        "sp.steps_international": "Международные обращения",
        "sp.source": "Источник сообщения",
        "sp.keep_confidential": "Личность источника и свидетелей должна сохраняться в тайне.",
        "sp.name_public": "Имя пострадавшего может быть обнародовано.",
        "sp.name_not_public": "Имя пострадавшего не должно обнародоваться.",
        "sp.asks": "Просим мандатариев направить срочное обращение правительству государства {country} с призывом",
        "letter.title": "Письмо властям",
        "urgent_action.title": "Срочная акция",
        "briefing.title": "Справка к диалогу по правам человека",
        "incomplete": "НЕ ЗАВЕРШЕНО — не готово к отправке. Не хватает:",
        "person": "Исчезнувший человек",
        "name": "Полное имя",
        "variants": "Другие написания",
        "sex": "Пол",
        "birth_date": "Дата рождения",
        "nationality": "Гражданство",
        "occupation": "Род занятий",
        "affiliation": "Принадлежность",
        "disappearance": "Исчезновение",
        "date": "Дата",
        "place": "Место задержания, похищения или где человека видели в последний раз",
        "forces": "Предположительно ответственные силы",
        "circumstances": "Обстоятельства",
        "information": "Полученная информация",
        "undated": "без даты (получено нами: {received})",
        "steps": "Меры, принятые для поиска человека",
        "submitter": "Направлено",
        "consent": "Согласие семьи",
        "consent.given": "Семья дала согласие на это обращение.",
        "consent.missing": "Согласие семьи не зафиксировано.",
        "confidential": "Источник этой информации просит сохранить его личность в тайне.",
        "a_source": "Источник",
        "asks": "Просим вас",
        "ask.disclose": "сообщить о судьбе и местонахождении: {name};",
        "ask.torture": "обеспечить защиту от пыток и жестокого обращения: {name};",
        "ask.access": "немедленно предоставить доступ к семье, адвокату по выбору и врачу: {name};",
        "ask.release": "освободить: {name}, если не предъявлено обвинение в признаваемом преступлении и не обеспечен справедливый суд.",
        "salutation.default": "Уважаемые господа,",
        "closing": "С уважением,",
        "summary": "Кратко",
        "addressees": "Пишите по адресам",
        "background": "Предыстория",
        "act_until": "Действуйте до",
        "days_missing": "Дней с момента исчезновения: {days}",
        "days_missing.from": "Дней с момента исчезновения: {days} (считая с {day}, самой ранней возможной даты)",
        "days_missing.at_least": "Дней с момента исчезновения: не менее {days} (считая с {day}, самой поздней возможной даты)",
        "cases": "Случаи",
        "country": "Страна",
        "recommendation": "Рекомендуем поднять на диалоге следующее",
        "unknown": "неизвестно",
        "none_recorded": "Не зафиксировано.",
        "missing.name": "Полное имя человека",
        "missing.date": "Дата исчезновения (не менее месяца и года)",
        "missing.place": "Место задержания, похищения или где видели в последний раз",
        "missing.forces": "Предположительно ответственные силы",
        "missing.steps": "Меры, принятые родственниками или другими для поиска",
        "missing.submitter": "Кто направляет сообщение (лицо или организация)",
        "missing.consent": "Согласие семьи",
        "missing.addressee": "Адресат",
        "missing.state_party": "Государство — участник Конвенции (иначе Комитет не может действовать)",
        "source.victim": "Сам пострадавший",
        "source.relative": "Родственник",
        "source.witness": "Свидетель",
        "source.defender": "Правозащитник",
        "source.lawyer": "Адвокат",
        "source.ngo": "Неправительственная организация",
        "source.journalist": "Журналист",
        "source.official": "Должностное лицо",
        "source.anonymous": "Анонимный источник",
        "role.alleged_perpetrator": "предполагаемый исполнитель",
        "role.commander": "ответственный командир",
        "role.holding_authority": "орган, удерживающий человека",
        "role.witness": "свидетель",
        "role.spokesperson": "сделал заявление",
        "role.other": "иная роль",
        "actor.role": "{actor} ({role})",
        "actor.role_state": "{actor} ({role}), {state}",
        "sex.f": "Женский",
        "sex.m": "Мужской",
        "sex.x": "Иной",
        "kind.wgeid_urgent": "Рабочая группа ООН по насильственным или недобровольным исчезновениям, срочная процедура",
        "kind.wgeid_standard": "Рабочая группа ООН по насильственным или недобровольным исчезновениям, стандартная процедура",
        "kind.wgeid_prompt": "Рабочая группа ООН по насильственным или недобровольным исчезновениям, безотлагательное вмешательство",
        "kind.ced_urgent_action": "Комитет по насильственным исчезновениям, просьба о срочных действиях",
        "kind.special_procedures": "Сообщение специальным процедурам ООН",
        "kind.letter_authorities": "Письмо властям",
        "kind.embassy": "Обращение в посольство или на диалоге по правам человека",
        "kind.court_petition": "Обращение в суд",
        "kind.press_statement": "Заявление для прессы",
    },
}


def texts_for(language: str) -> dict[str, str]:
    """The wording in `language`; ValueError for a language we have no templates in."""
    if language not in TEXTS:
        raise ValueError(f"unsupported language: {language!r}")
    return TEXTS[language]


# --- Dates and country names in the document's language ----------------------
# Month names from a fixed table (habeas.lib.partialdate), not the process locale
# nor a compiled catalogue: neither is guaranteed where Habeas runs, and a document
# must read the same everywhere.


def format_date(value: PartialDate | date, language: str) -> str:
    """A date as the document's reader writes it: "20 Oct 2021" in English (as
    PartialDate shows it everywhere), "20 октября 2021 г." in Russian, exactly as
    precise as stored ("до октября 2021 г.", "в начале 2003 г."); both read back
    through PartialDate.parse."""
    if not isinstance(value, PartialDate):
        if value.year < MIN_YEAR:
            # A row stored before services refused such a year (a typo, 0222 for
            # 2022): printed as stored rather than a page that fails for good.
            return value.isoformat()
        value = PartialDate(value, value, Precision.DAY)
    if language != "ru":
        return value.display()
    if value.precision is Precision.RANGE:
        return _russian_range(value)
    unit = Precision.DAY if value.precision is Precision.MINUTE else value.precision
    if value.approximate:  # "около" takes the genitive: около октября 2021 г.
        return f"около {_russian(value.lo, unit, genitive=True)}"
    text = _russian(value.lo, unit, genitive=False)
    return f"{text}, {value.time:%H:%M}" if value.time is not None else text


_RUSSIAN_THIRDS = ("в начале", "в середине", "в конце")


def _russian(d: date, unit: Precision, *, genitive: bool) -> str:
    if unit is Precision.YEAR:
        return f"{d.year} г."
    if unit is Precision.MONTH:
        months = RUSSIAN_MONTHS_GENITIVE if genitive else RUSSIAN_MONTHS_NOMINATIVE
        return f"{months[d.month - 1]} {d.year} г."
    return f"{d.day} {RUSSIAN_MONTHS_GENITIVE[d.month - 1]} {d.year} г."


def _russian_range(value: PartialDate) -> str:
    """ "до октября 2021 г.", "после 2019 г.", "в начале 2003 г.", "с 20 по 22 октября
    2021 г.", "с 2020 г. по октябрь 2021 г.": each end in the unit it was given in."""
    about = "примерно " if value.approximate else ""
    if value.open_start or value.open_end:
        word = "до" if value.open_start else "после"  # both take the genitive
        return f"{about}{word} {_russian(*value.named_bound(), genitive=True)}"
    if third := value.third():
        index, whole, unit = third
        return f"{about}{_RUSSIAN_THIRDS[index]} {_russian(whole, unit, genitive=True)}"
    lo, hi, lo_unit, hi_unit = value.lo, value.hi, value.lo_unit, value.hi_unit
    assert lo_unit is not None and hi_unit is not None  # a closed range
    end = _russian(hi, hi_unit, genitive=False)
    if lo_unit is hi_unit is Precision.YEAR:
        text = f"с {lo.year} по {end}"
    elif Precision.YEAR in (lo_unit, hi_unit) or lo.year != hi.year:
        text = f"с {_russian(lo, lo_unit, genitive=True)} по {end}"
    elif lo_unit is Precision.MONTH:
        text = f"с {RUSSIAN_MONTHS_GENITIVE[lo.month - 1]} по {end}"
    elif lo.month == hi.month and hi_unit is Precision.DAY:
        text = f"с {lo.day} по {end}"
    else:
        text = f"с {lo.day} {RUSSIAN_MONTHS_GENITIVE[lo.month - 1]} по {end}"
    return f"приблизительно {text}" if value.approximate else text


def country_name(code: str, language: str) -> str:
    """The country's name in the document's language (django-countries ships its
    translations compiled, so this needs no catalogue of ours)."""
    if not code:
        return ""
    with translation.override(language):
        return str(countries.name(code) or code)
