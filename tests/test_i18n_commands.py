"""The management commands speak the organisation's language (HABEAS_LANGUAGE):
an operator on a Russian-speaking team reads `habeas …`'s lines, its errors and its
help in Russian; by default they stay English; what scripts read (key: value
lines, JSON) is the same in every language."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from habeas.ops.management.commands.keys import Command as KeysCommand
from tests.support.i18n import compile_catalogues

pytestmark = pytest.mark.django_db

RUSSIAN = override_settings(LANGUAGE_CODE="ru")  # what HABEAS_LANGUAGE=ru sets


@pytest.fixture(autouse=True)
def _catalogues():
    compile_catalogues()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@RUSSIAN
def test_an_organisation_in_russian_reads_the_commands_lines_in_russian():
    shown = run("organisation", "show")
    assert "Ещё не сохранено: название берётся из HABEAS_ORGANISATION." in shown
    assert "Not saved yet" not in shown
    # The settings' own lines are for scripts: their keys are the options' names.
    assert "\nname: " in shown and "\nlogo: none" in shown

    checked = run("evidence", "verify")
    assert checked == "Проверено 0 материалов: все в сохранности.\n"

    verified = run("audit", "verify")
    assert verified.startswith("Журнал аудита не нарушен: записей: ")


@RUSSIAN
def test_an_organisation_in_russian_reads_a_commands_error_in_russian():
    with pytest.raises(CommandError) as error:
        call_command("account", "reset-2fa", "nobody")
    assert str(error.value) == "Учётной записи 'nobody' нет."

    with pytest.raises(CommandError) as error:
        call_command("organisation", "set")
    assert str(error.value) == ("Нечего изменять: укажите хотя бы один параметр (см. --help).")


@RUSSIAN
def test_the_help_is_in_the_organisations_language():
    text = KeysCommand().create_parser("habeas", "keys").format_help()
    assert "Показать, сменить и вывести из работы ключи" in text
    assert "Make a new active key" not in text


@RUSSIAN
def test_what_scripts_read_stays_as_it_is():
    head = json.loads(run("audit", "head"))
    assert {"entries", "mac"} <= set(head)


def test_the_commands_are_english_by_default():
    assert "Not saved yet: the name comes from HABEAS_ORGANISATION." in run("organisation", "show")
    assert run("evidence", "verify") == "0 evidence items checked: all intact.\n"
    with pytest.raises(CommandError, match=r"^There is no account 'nobody'\.$"):
        call_command("account", "reset-2fa", "nobody")


def test_a_language_left_active_in_the_thread_does_not_leak_into_a_command():
    """A request (or an earlier call) may leave Russian active in the thread: a
    command still speaks the organisation's language, here English."""
    with translation.override("ru"):
        shown = run("organisation", "show")
        with pytest.raises(CommandError, match=r"^There is no account 'nobody'\.$"):
            call_command("account", "reset-2fa", "nobody")
    assert "Not saved yet: the name comes from HABEAS_ORGANISATION." in shown
