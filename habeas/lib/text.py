"""One line of text a person typed — a name, a reference, a code name — made safe to
store, compare and show.

Why: a name made only of zero-width spaces looks empty and links to nothing; a
right-to-left override inside a name or reference can make "TM-2021-003" display as
another; a control character breaks exports. Zero-width joiners and non-joiners stay:
Persian and Indic names need them.
"""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that carry nothing a name needs: zero-width space, word joiner,
# byte-order mark, Mongolian vowel separator, and the bidirectional embeddings,
# overrides and isolates (U+202A–U+202E, U+2066–U+2069).
_DROPPED = {
    "\u200b", "\u2060", "\ufeff", "\u180e",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
}  # fmt: skip


def one_line(text: str) -> str:
    """`text` without control or invisible formatting characters, its whitespace
    collapsed to single spaces; "" when nothing visible is left."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch not in _DROPPED and (ch.isspace() or unicodedata.category(ch) != "Cc")
    )
    line = " ".join(kept.split())
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in line):
        return ""
    return line


# What goes: the C0 controls but tab, newline, carriage return, vertical tab and form
# feed; DEL and the C1 controls; unpaired surrogates, U+FFFE and U+FFFF. The C0 ones,
# the surrogates and the two non-characters are not XML 1.0; DEL and C1 are, but
# nobody means to type them. One compiled pattern: a form's text can be megabytes.
_DROPPED_IN_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]+")


def plain_text(text: str) -> str:
    """Free text — a statement, a description, a public update — without control
    characters; tab, newline and carriage return kept, vertical tab and form feed
    turned into newlines.

    Why: these characters show as nothing, yet one of them is enough for XML 1.0
    (the Atom feed, a DOCX file) to refuse the whole document. What is left is valid
    in XML 1.0."""
    # Vertical tab and form feed are Word's manual line and page breaks: pasted from a
    # document, they meant a new line. (str.replace: str.translate goes a character at
    # a time through anything but ASCII.)
    return _DROPPED_IN_TEXT.sub("", text).replace("\v", "\n").replace("\f", "\n")


# A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV
# injection"): whoever opens an export would run what a name or a statement says,
# =HYPERLINK("http://…?"&A1) sending the next cell's text away.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _visible_start(text: str) -> str:
    """`text` from its first visible character, compatibility forms folded (NFKC).

    Why: a spreadsheet may skip spaces, controls and zero-width characters before
    an "=", and read a fullwidth "＝" as one."""
    folded = unicodedata.normalize("NFKC", text)
    for i, ch in enumerate(folded):
        if not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")):
            return folded[i:]
    return ""


def _needs_quote(text: str) -> bool:
    """Whether `text` starts like a formula, also behind invisible characters, or
    behind apostrophes (so that quoting stays reversible: "'=1" is quoted again)."""
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_STARTS) or _visible_start(bare).startswith(FORMULA_STARTS)


def formula_escape(text: str) -> str:
    """`text` as a spreadsheet cell that shows it and never runs it: text starting
    like a formula gets a leading apostrophe. Every CSV or spreadsheet Habeas
    writes passes every cell through here."""
    return "'" + text if _needs_quote(text) else text


def formula_unescape(text: str) -> str:
    """The exact inverse of `formula_escape`, for a cell read back from a file:
    the apostrophe comes off only where `formula_escape` would have put it."""
    if text.startswith("'") and _needs_quote(text[1:]):
        return text[1:]
    return text
