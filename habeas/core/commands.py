"""The base of Habeas's own management commands: they speak the organisation's language.

An operator reads what `habeas <command>` prints (its help, its lines, its errors)
in HABEAS_LANGUAGE (settings.LANGUAGE_CODE), whatever a request or an earlier
command left active in the thread: call_command from a test or a view runs in it
too. Output meant for scripts (JSON, CSV, XML, key: value lines) is never
translated, so it reads the same in every language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class Command(BaseCommand):
    """`help` and the arguments' help= may be gettext_lazy: read at import, before
    any language is chosen, they are translated when the help is printed."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        with translation.override(settings.LANGUAGE_CODE):
            parser = super().create_parser(prog_name, subcommand, **kwargs)
            if parser.description is not None:
                # argparse runs a regular expression over the description: a str.
                parser.description = str(parser.description)
        return parser

    help: str | _StrPromise = ""  # type: ignore[assignment]  # a lazy one, read at --help

    def run_from_argv(self, argv: list[str]) -> None:
        # From the command line: --help and argparse's errors too, before execute().
        with translation.override(settings.LANGUAGE_CODE):
            super().run_from_argv(argv)

    def print_help(self, prog_name: str, subcommand: str) -> None:
        # `habeas help <command>`, which never calls run_from_argv.
        with translation.override(settings.LANGUAGE_CODE):
            super().print_help(prog_name, subcommand)

    def execute(self, *args: Any, **options: Any) -> Any:
        with translation.override(settings.LANGUAGE_CODE):
            return super().execute(*args, **options)
