"""The rules that find, in a source's own statement, wording that must not go
outside as written: first person, gendered wording that can point to the source,
relative time (habeas.advocacy.wording; docs/domain.md, "Outside wording")."""

from __future__ import annotations

import pytest

from habeas.advocacy.wording import Problem, statement_warnings

FIRST, GENDERED, RELATIVE = Problem.FIRST_PERSON, Problem.GENDERED, Problem.RELATIVE_TIME


def _found(text: str, sex: str = "m") -> dict[Problem, tuple[str, ...]]:
    return {f.problem: f.words for f in statement_warnings(text, sex)}


# The review's three statements (review of first use, section 4), about a man.
REVIEW = [
    (
        "On 20 October 2021 he texted me: “The police are here. If they find me, "
        "they'll take me in. I've gone into hiding.”",
        {FIRST},
    ),
    (
        "She has learned through informal channels that he is held by the Turkmen "
        "security services.",
        {GENDERED},
    ),
    ("He has been held incommunicado in Turkmenabad in the past three days.", {RELATIVE}),
]


@pytest.mark.parametrize(("text", "problems"), REVIEW)
def test_the_reviews_three_statements_warn(text, problems):
    assert set(_found(text)) == problems


def test_the_words_that_warn_are_quoted():
    assert _found(REVIEW[0][0])[FIRST] == ("me", "I")
    assert _found(REVIEW[1][0])[GENDERED] == ("She has learned",)
    assert _found(REVIEW[2][0])[RELATIVE] == ("in the past three days",)


@pytest.mark.parametrize(
    ("text", "problem", "words"),
    [
        ("Вчера мне позвонили из полиции.", FIRST, ("мне",)),
        ("Мы не знаем, где он.", FIRST, ("Мы",)),
        ("Меня вызвали в МВД.", FIRST, ("Меня",)),
        ("Она узнала от знакомых, что его увезли.", GENDERED, ("Она узнала",)),
        ("Узнала от знакомых, что его увезли.", GENDERED, ("Узнала",)),
        ("Я видела, как его забрали.", GENDERED, ("Я видела",)),
        ("Его задержали вчера.", RELATIVE, ("вчера",)),
        ("Его видели на прошлой неделе.", RELATIVE, ("на прошлой неделе",)),
        ("За последние три дня его перевели дважды.", RELATIVE, ("За последние три дня",)),
        ("Его увезли три дня назад.", RELATIVE, ("три дня назад",)),
        ("Его увезли несколько недель назад.", RELATIVE, ("несколько недель назад",)),
    ],
)
def test_russian_statements_about_a_man_warn(text, problem, words):
    assert _found(text, "m")[problem] == words


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Elle a appris hier qu'il était détenu.", GENDERED),
        ("Elle a appris hier qu'il était détenu.", RELATIVE),
        ("J'ai reçu son dernier message.", FIRST),
        ("Il m'a écrit de la prison.", FIRST),
        ("Según ella, lo detuvieron hace tres días.", GENDERED),
        ("Según ella, lo detuvieron hace tres días.", RELATIVE),
        ("Mi hermano me llamó ayer.", FIRST),
        ("Lo vieron la semana pasada.", RELATIVE),
    ],
)
def test_french_and_spanish_statements_warn(text, problem):
    assert problem in _found(text, "m")


def test_gendered_wording_follows_the_persons_sex():
    """ "She has learned" points to the source when the person is a man, not when
    the person is the woman who learned it; with the sex unknown, either may."""
    assert GENDERED in _found(REVIEW[1][0], "m")
    assert GENDERED not in _found("She has learned that she is to be charged.", "f")
    assert GENDERED in _found("He said the police took her.", "f")
    assert GENDERED in _found("He said the police took her.", "")
    assert GENDERED in _found(REVIEW[1][0], "")
    assert GENDERED in _found("Она узнала, что её увезли.", "")
    assert GENDERED not in _found("Она узнала, что её увезли.", "f")
    assert GENDERED in _found("Он узнал, что её увезли.", "f")


@pytest.mark.parametrize(
    "text",
    [
        # Statements about the person by his own pronoun, or others' deeds, do not flood.
        "He was taken by the police on 20 October 2021.",
        "He was last seen at Esenyurt bus station on 20 October 2021.",
        "He flew from Moscow to Turkmenabad on 22 October 2021.",
        "Police officers said he had left the country.",
        "She was detained by plain-clothes officers.",  # not a verb of knowing
        "His wife was out: she fled; police said he was wanted.",  # "said" is not hers
        "Сотрудники МВД увезли его в аэропорт 22 октября 2021 года.",
        "Он сказал сотрудникам, что у него нет паспорта.",
        "Дело возбуждено по статье 210.",  # "дела"-like words are no verbs
        # Abbreviations, names and dates that look like the listed words.
        "The US embassy was told on 3 May 2022; Ma Jian confirmed it.",
        "He had been held since October 2021 in the MNS detention centre.",
        "Он был задержан 20 октября 2021 года в Москве.",
        "Il a été arrêté le 20 octobre 2021.",
        "Fue detenido el 20 de octubre de 2021 en Estambul.",
    ],
)
def test_statements_that_must_not_warn(text):
    assert statement_warnings(text, "m") == []


def test_nothing_to_warn_about_an_empty_statement():
    assert statement_warnings("", "") == []
