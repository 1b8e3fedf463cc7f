"""The interface's catalogues for tests: compiled if a run started without `make
messages` (the .mo files are never committed), and read as their English msgids."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from django.utils.translation.reloader import translation_file_changed

LOCALE = Path(__file__).resolve().parent.parent.parent / "habeas" / "locale"
RUSSIAN = LOCALE / "ru" / "LC_MESSAGES" / "django.po"


def compile_catalogues() -> None:
    """Compile each catalogue whose .mo is missing or older than its .po, and make
    Django read it again."""
    for po in LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--output-file", str(mo), str(po)], check=True)
            translation_file_changed(sender=None, file_path=mo)


_ENTRY = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$')
_CONTINUED = re.compile(r'^"(.*)"$')


def catalogue_entries(po: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) of each entry, the plural forms joined by a newline."""
    entries: list[tuple[str, str]] = []
    fields: dict[str, str] = {}
    current = ""

    def flush() -> None:
        msgid = "\n".join(v for k, v in fields.items() if k.startswith("msgid"))
        msgstr = "\n".join(v for k, v in fields.items() if k.startswith("msgstr"))
        if msgid:
            entries.append((msgid, msgstr))
        fields.clear()

    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):
            continue  # an obsolete entry
        if match := _ENTRY.match(line):
            if match[1] == "msgid" and fields:
                flush()
            current = match[1]
            fields[current] = match[2]
        elif (match := _CONTINUED.match(line)) and current:
            fields[current] += match[1]
    flush()
    return entries
