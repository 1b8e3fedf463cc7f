"""CSV and other delimited text: the encoding and the delimiter are found, not asked for.

Spreadsheets saved as CSV come in UTF-8 (with or without the BOM Excel writes), UTF-16 with a
BOM ("Unicode text" from Excel, tab-separated) and, from older Russian Excel, Windows-1251 with
semicolons. UTF-8 is tried strictly first: a file that decodes as UTF-8 almost never is
anything else. Otherwise Windows-1251 is chosen unless what it gives looks like mojibake
(Cyrillic letters glued to Latin ones inside words, as "cafй" for a Western "café"), when the
file is read as Windows-1252; either way the user is told which encoding was assumed.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .table import MAX_CELL, MAX_COLUMNS, ReadError, Table, build_table, cell_too_long

DELIMITERS = (",", ";", "\t", "|")
# Far more than 100,000 rows need: decoded, the text takes up to four times the bytes.
MAX_BYTES = 128 * 1024 * 1024
_SNIFF_LINES = 50
# Enough text to tell Russian from mojibake; the whole file would cost memory for nothing.
_SAMPLE = 200_000

_MIXED_WORD = re.compile(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the name of the encoding it was read in."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", "UTF-8"), "UTF-8"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _strict(data, "utf-32", "UTF-32"), "UTF-32"
    if data.startswith(b"\xff\xfe"):
        return _strict(data[2:], "utf-16-le", "UTF-16"), "UTF-16"
    if data.startswith(b"\xfe\xff"):
        return _strict(data[2:], "utf-16-be", "UTF-16"), "UTF-16"
    if utf16 := _utf16_without_bom(data):
        return _strict(data, utf16, "UTF-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="replace")
    sample = text[:_SAMPLE]
    if len(_MIXED_WORD.findall(sample)) * 4 > len(_CYRILLIC.findall(sample)):
        # More mixed words than a Russian text has (it has nearly none): a Western file.
        return data.decode("cp1252", errors="replace"), "Windows-1252"
    return text, "Windows-1251"


def _strict(data: bytes, codec: str, shown: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise ReadError(
            _("The file says it is in %(encoding)s but is not: save it again as CSV UTF-8.")
            % {"encoding": shown}
        ) from None


def _utf16_without_bom(data: bytes) -> str:
    """UTF-16 without a BOM shows as a zero byte in every other place (for Latin text)."""
    sample = data[:4000]
    if len(sample) < 4 or sample.count(0) * 3 < len(sample):
        return ""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return "utf-16-be" if even > odd else "utf-16-le"


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same number (> 1) of fields most
    often; a comma when nothing splits (a one-column file)."""
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if any(r)]
        except csv.Error:  # a broken line: the reading proper names it
            continue
        if not counts:
            continue
        width, agreeing = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (agreeing / len(counts), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, *, max_rows: int) -> Table:
    if len(data) > MAX_BYTES:
        raise ReadError(
            _("The file is larger than %(size)d MB: split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    text, encoding = decode(data)
    warnings: list[str] = []
    if encoding not in ("UTF-8", "UTF-16", "UTF-32"):
        warnings.append(
            _(
                "The file is not in UTF-8: it was read as %(encoding)s. Check that names with "
                "letters outside English read right in the dry run."
            )
            % {"encoding": encoding}
        )
    if "\x00" in text:
        raise ReadError(
            _(
                "The file contains zero bytes: it is not a text file, or not in an encoding "
                "Habeas recognises. Save it as CSV UTF-8."
            )
        )
    stream = io.StringIO(text, newline="")
    first = stream.readline()
    start = 1
    # Excel's "sep=;" line names the delimiter and is not a row of the table.
    if match := re.fullmatch(r"sep=(.)\r?\n?", first):
        delimiter, start = match[1], 2
    else:
        head = [first] + [stream.readline() for _ in range(_SNIFF_LINES)]
        delimiter = sniff_delimiter([line for line in head if line])
        stream.seek(0)
    return build_table(_records(stream, delimiter, start), max_rows=max_rows, warnings=warnings)


def _records(stream: io.StringIO, delimiter: str, start: int) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(stream, delimiter=delimiter, strict=False)
    number = start - 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise _too_long(number + 1) from None
            raise ReadError(
                _("Row %(row)d cannot be read as CSV (%(reason)s).")
                % {"row": number + 1, "reason": str(exc)}
            ) from None
        number += 1
        if any(len(cell) > MAX_CELL for cell in record):
            raise _too_long(number)
        if len(record) > MAX_COLUMNS:
            # As ODS and XLSX: beyond any header, reported by build_table.
            record = record[:MAX_COLUMNS] + (["…"] if any(record[MAX_COLUMNS:]) else [])
        yield number, [cell.strip() for cell in record]


def _too_long(number: int) -> ReadError:
    return cell_too_long(number, _("Check the quotes in that row."))
