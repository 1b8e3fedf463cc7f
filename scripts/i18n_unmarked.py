"""List interface text that is not marked for translation.

Templates: every text node outside {% translate %}/{% blocktranslate %} that holds a
letter, and the title/alt/placeholder/aria-label attributes. Python: string literals
given to messages.*, ValidationError, CommandError, and as label=/help_text=/
verbose_name= or a choice's label, not wrapped in a gettext call.

    python scripts/i18n_unmarked.py [paths…]     # exit 1 when something is listed
"""

import ast
import re
import sys
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
TAG = re.compile(r"<[^>]*>", re.S)
UNTRANSLATED = re.compile(r'<(\w+)[^>]*\btranslate="no"[^>]*>.*?</\1>', re.S)
ATTR = re.compile(r'\b(?:title|alt|placeholder|aria-label)="([^"{]*[A-Za-z][^"{]*)"')
ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
WORD = re.compile(r"[A-Za-z]{2,}")
# Not interface language: a tag name, a format or a symbol.
IGNORED_TEXT = {"Habeas", "PFIF", "CSV", "XLSX", "ODS", "PDF", "DOCX", "JSON", "TOTP", "UUID"}


def template_findings(path: Path) -> list[tuple[int, str]]:
    """The template with tags, variables and translated text blanked, then its HTML
    tags removed: what is left with a word in it is untranslated text."""
    parts = []
    depth = 0
    for token in Lexer(path.read_text()).tokenize():
        if token.token_type == TokenType.TEXT and not depth:
            parts.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
        # Keep the line count; a placeholder keeps "a {{ x }} b" from joining words.
        parts.append(" \x00 " + "\n" * token.contents.count("\n"))
    source = "".join(parts)
    found = []
    for match in ATTR.finditer(source):
        value = match.group(1).replace("\x00", "").strip()
        if WORD.search(value):
            found.append((source.count("\n", 0, match.start()) + 1, f"attribute: {value}"))
    # translate="no" (HTML's own attribute): examples of input, kept as typed.
    source = UNTRANSLATED.sub(lambda m: "\n" * m[0].count("\n"), source)
    text = TAG.sub(lambda m: "\n" * m[0].count("\n"), source)
    text = ENTITY.sub(" ", text)
    for lineno, line in enumerate(text.splitlines(), 1):
        words = [w for w in WORD.findall(line) if w not in IGNORED_TEXT]
        if words:
            found.append((lineno, line.replace("\x00", "…").strip()))
    return found


GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "_lazy",
    "npgettext",
}
CALLS = {
    "ValidationError",
    "CommandError",
    "success",
    "error",
    "warning",
    "info",
    "add_message",
    "HttpResponseBadRequest",
    "PermissionDenied",
    "HttpError",
}
KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "message",
    "title",
}


def _is_text(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(re.search(r"[A-Za-z]{3,}.*\s", node.value))
    )


def _is_logger(func: ast.expr) -> bool:
    """log.warning(...) is for the administrator's log, in English like the rest."""
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in {"log", "logger", "logging"}
    )


def python_findings(path: Path) -> list[tuple[int, str]]:
    found = []
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in GETTEXT:
            continue
        if name in CALLS and not _is_logger(func):
            values = [
                value
                for arg in node.args
                for value in (arg.values if isinstance(arg, ast.Dict) else [arg])
            ]
            for arg in values:
                if _is_text(arg) or isinstance(arg, ast.JoinedStr):
                    found.append((node.lineno, f"{name}({ast.unparse(arg)[:70]})"))
        for kw in node.keywords:
            if kw.arg in KEYWORDS and _is_text(kw.value):
                found.append((node.lineno, f"{kw.arg}={ast.unparse(kw.value)[:70]}"))
            if kw.arg == "choices" and isinstance(kw.value, ast.List | ast.Tuple):
                for item in kw.value.elts:
                    if (
                        isinstance(item, ast.Tuple)
                        and len(item.elts) == 2
                        and _is_text(item.elts[1])
                    ):
                        found.append((node.lineno, f"choice {ast.unparse(item)[:70]}"))
    return found


def main(argv: list[str]) -> int:
    import django
    from django.conf import settings

    settings.configure()
    django.setup()
    paths = [Path(p) for p in argv] or [ROOT / "habeas"]
    count = 0
    for base in paths:
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for path in files:
            if "migrations" in path.parts or "locale" in path.parts:
                continue
            if path.suffix == ".py":
                findings = python_findings(path)
            elif "templates" in path.parts and path.is_file():
                findings = template_findings(path)
            else:
                continue
            for lineno, text in findings:
                print(f"{path.relative_to(ROOT)}:{lineno}: {text}")
                count += 1
    print(f"{count} unmarked", file=sys.stderr)
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
