"""Cross-script match keys and transliteration candidates for personal names.

Why: one disappeared person is written "Исаков" by a relative writing Russian, "Isakow" in a
Turkmen document and "Isakov" in an English report. Search must find all three, so stored names
and queries are both reduced to the same ASCII keys. Keys live in a database index: changing a
table or rule below changes stored keys and needs a re-index (a data migration that rebuilds
cases.NameToken with index_terms, like cases/migrations/*_reindex_name_keys.py).

Folding decisions a search implementer must know (all inside token_key):
* ж ž zh, җ j dzh dj dž, German dsch -> "j"   (French "Joukov" = Zhukov; Turkmen j = Russian дж)
* х h kh -> "h";  ш ş š sh sch -> "sh";  ч ç č ch tsch tch -> "ch";  щ -> "shch";  ц -> "ts"
* в w v -> "v";  ё -> "e";  ь ъ and apostrophes dropped;  gh -> g;  q -> k;  ou -> u (French)
* x -> "h" at the start (Uzbek "Xolmatov"), else "ks" (Aleksandr)
* y-glides: ye -> e; y between vowels dropped (Jumayev = Jumaev); y after a vowel -> i
  (Bayram = Bairam, Sergey = Sergei); ii -> i; final consonant + y, and final yy -> i
  (Dostoevsky = Dostoevskii); initial i before a/o/u -> y (ICAO "Iakov" = Yakov); initial y
  before a consonant -> i (Turkmen "Ylyas" = Ильяс); vowel + je -> ye (German "Andrejew");
  yy + vowel -> iy (Turkmen "Hajyýew" = Хаджиев)
* -ova/-eva -> -ov/-ev (feminine), -off/-eff -> -ov/-ev
* NOT folded (ambiguous between schemes): a bare "ch" (English ч, German х, French ш) and
  "j" for й elsewhere (scholarly/German "Jakovlev"), German sch for ж. token_skeleton also
  collapses doubled letters, drops vowels and devoices a final d/b/g (Turkmenabad = Turkmenabat).

Readings that cannot be folded into one key become ALTERNATIVE keys of the word
(search_term_variants). A stored name is indexed under all of its alternatives (index_terms) and
a query word matches if ANY of its alternatives matches, so either side may carry the reading:
* ё: a Cyrillic word with ё also gets the key of ё read as "yo" (Ёлкин: elkin and yolkin); a
  Latin key with "yo" also gets "e" (Yolkin, Iolkin, Ýolkin: yolkin and elkin = Елкин).
* German: a Latin word without Turkmen letters that has an sch, or a j (outside dj/dsch) together
  with another German sign (w, z, tsch, a j after a vowel or at the end), also gets its German
  reading: j -> y (й, and я ю е ё as ja ju je jo), bare ch -> h, z/tz -> ts, ss -> s ("Jusupow"
  = Юсупов, "Jelzin" = Ельцин, "Schichmuradow" = Шихмурадов). English "Jumaev" (= Джумаев) and
  French "Joukov" (= Жуков) have no second sign and keep only their j = дж/ж key.
* Kyrgyz/Kazakh "son/daughter of": the word before a separate uulu/kyzy/uly/qyzy, and a word
  with a fused Kyrgyz -uulu/-kyzy ("Bakytuulu"), also get the -ov surname of the stem
  (Бакыт уулу, Bakytuulu: bakytov = Bakytov, Bakytova). Fused Kazakh -uly is left alone: it
  would split Turkmen names in -guly (Gurbanguly).
The exact-spelling ranking of search counts only primary keys (search_terms).
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Callable

from anyascii import anyascii

# --- token_key -----------------------------------------------------------------------------

# Cyrillic -> internal Latin, before folding. Russian, then the extra letters of Turkmen,
# Kazakh, Kyrgyz, Uzbek, Tajik, Ukrainian and Belarusian. ё is "e" because Russian text
# routinely writes е for ё, so "Фёдоров" and "Федоров" must agree.
_CYR_KEY = dict(zip("абвгдеёзийклмнопрстуфхыэ", "abvgdeeziyklmnoprstufhye", strict=True)) | {
    "ж": "zh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "ю": "yu",
    "я": "ya", "җ": "j", "ң": "n", "ө": "o", "ү": "u", "ә": "a", "ғ": "g", "қ": "k", "ұ": "u",
    "һ": "h", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ҳ": "h", "ҷ": "j",
}  # fmt: skip
# Latin letters whose diacritic changes the sound, so stripping the mark would be wrong
# (ş is sh, not s). Other accented letters (ý ň ö ü ä ğ é ...) just lose their marks.
_LATIN_KEY = {
    "ş": "sh", "ș": "sh", "š": "sh", "ś": "sh", "ç": "ch", "č": "ch", "ć": "ch",
    "ž": "zh", "ź": "zh", "ż": "zh", "ı": "i", "ə": "a",  # Azerbaijani Əliyev = Алиев
}  # fmt: skip

# Applied in order, repeatedly until nothing changes: that makes token_key idempotent.
_FOLDS = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # German and French spellings of Russian sibilants, then the digraphs themselves.
        ("dsch", "j"), ("tsch", "ch"), ("sch", "sh"), ("tch", "ch"),
        ("dzh", "j"), ("dj", "j"), ("zh", "j"),
        ("kh", "h"), ("gh", "g"), ("q", "k"), ("w", "v"), ("ou", "u"), ("^x", "h"), ("x", "ks"),
        # y-glides: й/ы/я/ю/е are written y, i, j or nothing depending on the scheme.
        ("(?<=[aeiou])je", "ye"), ("yy(?=[aeiou])", "iy"), ("ye", "e"),
        ("(?<=[aeiou])y(?=[aeiou])", ""), ("(?<=[aeiou])y", "i"), ("^i(?=[aou])", "y"),
        ("^y(?=[^aeiouy])", "i"), ("ii", "i"), ("yy$", "i"), ("(?<=[^aeiouy])y$", "i"),
        # Feminine surnames and old French/German spellings ("Smirnoff").
        ("(?<=..)([oe])va$", r"\1v"), ("(?<=..)([oe])ff$", r"\1v"),
    )
]  # fmt: skip


def _char_key(ch: str) -> str:
    """Map one lowercase character to ASCII; anyascii only for scripts not handled here."""
    if ch in _CYR_KEY:
        return _CYR_KEY[ch]
    if ch in _LATIN_KEY:
        return _LATIN_KEY[ch]
    if ch.isascii():
        return ch
    decomposed = unicodedata.normalize("NFD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base != decomposed:  # an accented letter: key its base letter(s)
        return "".join(_char_key(c) for c in base)
    return anyascii(ch).lower()


def token_key(token: str) -> str:
    """ASCII [a-z0-9] match key of ONE name token, identical across Cyrillic and Latin spellings.

    Why one key: an exact-match database index is fast; see the module docstring for every
    equivalence folded in. Isakow, Isakov, Исаков, ИСАКОВ, Isakova, Исакова all give "isakov".
    """
    text = unicodedata.normalize("NFC", token).lower()
    key = re.sub(r"[^a-z0-9]", "", "".join(_char_key(ch) for ch in text).lower())
    while True:  # terminates: every rule shortens the key or replaces a letter it never makes
        folded = key
        for pattern, replacement in _FOLDS:
            folded = pattern.sub(replacement, folded)
        if folded == key:
            return key
        key = folded


def _skeleton_of_key(key: str) -> str:
    if not key:
        return ""
    key = re.sub(r"(.)\1+", r"\1", key)  # before dropping vowels: Babaev must not become Baev
    skeleton = key[0] + re.sub(r"[aeiouy]", "", key[1:])
    if len(skeleton) > 1:  # final devoicing: Turkmen writes Muhammet for Russian Мухаммед
        skeleton = skeleton[:-1] + {"d": "t", "b": "p", "g": "k"}.get(skeleton[-1], skeleton[-1])
    return skeleton


def token_skeleton(token: str) -> str:
    """Coarser key: token_key with doubled letters collapsed and vowels after the first dropped.

    Why: Russian and Turkmen spell vowels differently (Шихмурадов / Şyhmyradow), and doubled
    consonants come and go (Muhammedov / Muhamedov); consonants survive all schemes. A final
    d/b/g is devoiced (Turkmenabad = Turkmenabat). Use it as a second, lower-ranked match.
    """
    return _skeleton_of_key(token_key(token))


# --- tokens and search terms ---------------------------------------------------------------

# Apostrophes join a word rather than split it: O'Brien, Uzbek Toʻxtayev, BGN Grigorʹyev.
_DROP_MARKS = str.maketrans(dict.fromkeys("'’‘ʼʻʹʺʾʿ`´"))


def name_tokens(name: str) -> list[str]:
    """Lowercase NFC word tokens of a full name, in their original script.

    Why: hyphens, dots and commas separate parts ("Ivanova-Petrova", "A.B. Ivanov"), while
    apostrophes are part of a word; accents (category M) stay with their letter.
    """
    text = unicodedata.normalize("NFC", name.lower()).translate(_DROP_MARKS)
    tokens: list[str] = []
    current: list[str] = []
    for ch in text + " ":
        if unicodedata.category(ch)[0] in "LNM":
            current.append(ch)
        elif current:
            tokens.append("".join(current))
            current = []
    return tokens


# "son of"/"daughter of" and the Arabic article: people omit them, so search must not need them.
PARTICLES: frozenset[str] = frozenset(
    token_key(word)
    for word in (
        "uulu", "kyzy", "ogly", "gyzy", "oglu", "ogli", "oğlu", "qizi", "kizi", "uly", "ulı",
        "ibn", "bin", "bint", "binti", "al",
    )
)  # fmt: skip


# Kyrgyz and Kazakh "son/daughter of" stand where a Soviet-era passport has an -ov surname.
SURNAME_PARTICLES: frozenset[str] = frozenset(
    token_key(word) for word in ("uulu", "kyzy", "uly", "qyzy")
)
_FUSED_SURNAME_PARTICLE = re.compile(r"^(?P<stem>[a-z]{3,}?)(?:uulu|kyzi)$")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
# German romanisation: a j for й (not in dj/dsch) alongside another German sign (w for в, z for
# ц, (t)sch, a j after a vowel or at the end: Sergej, Julija), or an sch. English and French
# write j for дж and ж ("Jumaev", "Joukov"), so a bare j is not enough.
_GERMAN_J = re.compile(r"(?<!d)j")
_GERMAN_SIGN = re.compile(r"w|z|sch|[aeiouy]j|j$")
_GERMAN_LETTERS = re.compile(r"dsch|tsch|sch|ch|dj|j|tz|z|ss")
_TURKMEN_LETTERS = set("şçžýň")  # a word with these is Turkmen Latin, whose j is дж
_GERMAN_READING = {
    "dsch": "dzh", "tsch": "č", "sch": "š", "ch": "h", "dj": "dzh", "j": "y", "tz": "ts",
    "z": "ts", "ss": "s",
}  # fmt: skip


def _german_reading(token: str) -> str:
    """The word read as a German romanisation of Russian, or "" if it does not look German."""
    if _TURKMEN_LETTERS & set(token):
        return ""
    j = _GERMAN_J.search(token.replace("dsch", ""))
    if not ("sch" in token.replace("tsch", "") or (j and _GERMAN_SIGN.search(token))):
        return ""
    return _GERMAN_LETTERS.sub(lambda m: _GERMAN_READING[m.group()], token)


def _surname_of(stem: str) -> str:
    """The -ov/-ev surname a patronymic stem gives (Бакыт уулу = Бакытов)."""
    return token_key(stem + ("ev" if stem[-1] in "aeiouy" else "ov"))


def _alternative_keys(token: str, key: str) -> list[str]:
    """Keys of readings of one lowercase word that token_key cannot fold (module docstring)."""
    keys = [key]
    if _CYRILLIC_LETTER.search(token):
        if "ё" in token:
            keys.append(token_key(token.replace("ё", "йо")))
    else:
        german = _german_reading(token)
        if german:
            keys.append(token_key(german))
        keys += [token_key(k.replace("yo", "e")) for k in keys if "yo" in k]
    fused = _FUSED_SURNAME_PARTICLE.match(key)
    if fused:
        keys.append(_surname_of(fused["stem"]))
    return keys


def search_term_variants(name: str) -> list[tuple[tuple[str, str], ...]]:
    """Per word: (key, skeleton) of its primary spelling first, then of its other readings.

    Why: some readings are ambiguous between schemes (German j, ё as e or yo, uulu or -ov), so
    they cannot share one key; a word matches when any reading does. Words are those of
    search_terms, in the same order.
    """
    tokens = name_tokens(name)
    keys = [token_key(token) for token in tokens]
    seen: set[str] = set()
    words: list[tuple[tuple[str, str], ...]] = []
    for i, (token, key) in enumerate(zip(tokens, keys, strict=True)):
        if not key or key in PARTICLES or key in seen:
            continue
        seen.add(key)
        readings = _alternative_keys(token, key)
        if i + 1 < len(keys) and keys[i + 1] in SURNAME_PARTICLES:
            readings.append(_surname_of(key))
        unique = [k for j, k in enumerate(readings) if k and k not in readings[:j]]
        words.append(tuple((k, _skeleton_of_key(k)) for k in unique))
    return words


def search_terms(name: str) -> list[tuple[str, str]]:
    """(token_key, token_skeleton) per token, particles and duplicates dropped, order kept.

    Why: stored names and queries are reduced by the same rules, so both sides agree.
    Compare as sets: name order and optional patronymics vary between sources. These are the
    primary spellings only (search ranks by them); stored rows come from index_terms, which
    adds each word's other readings (search_term_variants).
    """
    return [readings[0] for readings in search_term_variants(name)]


def index_terms(name: str) -> list[tuple[str, str]]:
    """Every (key, skeleton) a stored name is indexed under: all readings of all its words.

    Why: a query word matches a stored word when any of their readings meet, and a reading
    only one side has (German "Jusupow" stored, "Юсупов" searched) must be in the index.
    """
    terms: list[tuple[str, str]] = []
    for readings in search_term_variants(name):
        terms += [term for term in readings if term not in terms]
    return terms


# --- scripts -------------------------------------------------------------------------------

_SCRIPTS = (
    ("LATIN", "Latn"), ("CYRILLIC", "Cyrl"), ("ARABIC", "Arab"), ("GEORGIAN", "Geor"),
    ("ARMENIAN", "Armn"), ("GREEK", "Grek"), ("HEBREW", "Hebr"), ("CJK", "Hani"),
    ("HIRAGANA", "Hira"), ("KATAKANA", "Kana"), ("HANGUL", "Hang"), ("DEVANAGARI", "Deva"),
)  # fmt: skip


def guess_script(text: str) -> str:
    """ISO 15924 code of the script most letters are in; "Zyyy" if there are no letters.

    Why: picks which transliteration applies. Han is "Hani" because single characters cannot
    tell simplified from traditional. Unknown scripts give "Zzzz"; modifier letters (ʼ) don't count.
    """
    counts: Counter[str] = Counter()
    for ch in text:
        if unicodedata.category(ch) in ("Lu", "Ll", "Lt", "Lo"):
            name = unicodedata.name(ch, "")
            counts[next((code for p, code in _SCRIPTS if name.startswith(p)), "Zzzz")] += 1
    return counts.most_common(1)[0][0] if counts else "Zyyy"


# --- transliteration candidates ------------------------------------------------------------

_CYR_VOWELS = "аеёиоуыэюяәөүұі"
# Russian BGN/PCGN without the ʹ for ь (caseworkers type ASCII). Turkic extras kept simple.
_BGN = dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)) | {
    "ё": "yo", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ь": "", "ю": "yu", "я": "ya", "җ": "dzh", "ң": "ng", "ө": "o", "ү": "u", "ә": "a",
    "қ": "k", "ғ": "gh", "ұ": "u", "һ": "h", "і": "i", "ў": "u", "ҳ": "kh",
}  # fmt: skip
# ICAO 9303, the scheme in Russian international passports.
_ICAO = _BGN | {"ё": "e", "й": "i", "ъ": "ie", "ю": "iu", "я": "ia"}
# Turkmen Cyrillic -> Turkmen Latin (1993 alphabet), per the project's design notes.
_TK_CORE = dict(zip("абгдезиклмнопрстуыэәөүф", "abgdeziklmnoprstuyeäöüf", strict=True)) | {
    "в": "w", "ж": "ž", "җ": "j", "й": "ý", "ң": "ň", "х": "h", "ч": "ç", "ш": "ş",
    "ё": "ýo", "ю": "ýu", "я": "ýa",
}  # fmt: skip
_TK = _TK_CORE | {"ц": "ts", "щ": "şç", "ъ": "", "ь": "", "қ": "k", "ғ": "g", "ұ": "u",
                  "һ": "h", "і": "i", "ў": "u", "ҳ": "h"}  # fmt: skip
# (table, iotated forms of е/ё, letters after which they are iotated); word start always is.
_SCHEMES: tuple[tuple[dict[str, str], dict[str, str], str], ...] = (
    (_BGN, {"е": "ye", "ё": "yo"}, _CYR_VOWELS + "ъь"),
    (_ICAO, {}, ""),
    (_TK, {"е": "ýe"}, _CYR_VOWELS),
)
# Latin -> Cyrillic, longest match first. Turkmen is exact; plain ASCII is read as BGN-ish.
_TK_TO_CYR = {v: k for k, v in _TK_CORE.items() if k not in "эе"} | {"e": "е", "ýe": "е",
                                                                      "v": "в"}  # fmt: skip
_RU_TO_CYR = {v: k for k, v in _BGN.items() if k in "абвгдезиклмнопрстуф"} | {
    "shch": "щ", "zh": "ж", "kh": "х", "ts": "ц", "ch": "ч", "sh": "ш", "yu": "ю", "ya": "я",
    "yo": "ё", "ye": "е", "y": "ы", "j": "дж", "w": "в", "x": "кс", "q": "к", "c": "к", "h": "х",
}  # fmt: skip
_TURKMEN_ONLY = set("şçžýňäöüw")


def _recase(source: str, out: str) -> str:
    """Give the output word the capitalisation of the source word."""
    if len(source) > 1 and source.isupper():
        return out.upper()
    return out[:1].upper() + out[1:] if source[:1].isupper() else out


def _cyr_word(word: str, table: dict[str, str], iotated: dict[str, str], after: str) -> str:
    low = word.lower()
    out = [
        iotated[ch] if ch in iotated and (i == 0 or low[i - 1] in after) else table.get(ch, ch)
        for i, ch in enumerate(low)
    ]
    return _recase(word, "".join(out))


def _latin_word(word: str, turkmen: bool) -> str:
    table, low, out, i = (_TK_TO_CYR if turkmen else _RU_TO_CYR), word.lower(), [], 0
    while i < len(low):
        chunk = next(low[i : i + n] for n in (4, 3, 2, 1) if low[i : i + n] in table or n == 1)
        after_vowel = i > 0 and low[i - 1] in "aeiouyäöü"
        cyr = table.get(chunk, chunk)
        if turkmen and chunk == "e" and i == 0:
            cyr = "э"  # Turkmen Cyrillic reads a word-initial е as ýe
        elif turkmen and chunk == "ýe" and i > 0 and not after_vowel:
            cyr = "йе"
        elif not turkmen and chunk == "y" and after_vowel:
            cyr = "й"  # Sergey -> Сергей, Durdy -> Дурды
        out.append(cyr)
        i += len(chunk)
    return _recase(word, "".join(out))


def _ascii_word(word: str) -> str:
    out = anyascii(word).lower()  # names in caseless scripts (Arabic, Georgian) get a capital
    return _recase(word, out) if any(c.isupper() for c in word) else out.capitalize()


def _map_words(text: str, convert: Callable[[str], str]) -> str:
    parts = re.split(r"(\W+)", text)  # odd indices are the separators, kept as they are
    return "".join(part if i % 2 else convert(part) for i, part in enumerate(parts))


def transliteration_candidates(name: str) -> list[str]:
    """Rule-based spellings of a name in other scripts, for a caseworker to review.

    Why only candidates: real spellings are whatever a passport or a relative used, so these
    are never stored automatically. Cyrillic gives BGN/PCGN, ICAO (passport) and Turkmen Latin;
    Latin gives Cyrillic (Turkmen if it has Turkmen letters) and the Latin forms of that; other
    scripts give an anyascii form. Word capitalisation is kept; the input itself is left out.
    """
    text = unicodedata.normalize("NFC", name).strip()
    script = guess_script(text)
    if script == "Cyrl":
        cyrillic = [text]
    elif script == "Latn":
        turkmen = bool(_TURKMEN_ONLY & set(text.lower()))
        cyrillic = [_map_words(text, lambda w: _latin_word(w, turkmen))]
    else:
        ascii_form = _map_words(text, _ascii_word)
        return [ascii_form] if ascii_form.strip() and ascii_form != text else []
    forms = cyrillic + [
        # mypy cannot infer a lambda whose parameter has a default (the scheme bound here)
        _map_words(c, lambda w, s=scheme: _cyr_word(w, *s))  # type: ignore[misc]
        for c in cyrillic
        for scheme in _SCHEMES
    ]
    return [f for i, f in enumerate(forms) if f != text and f.strip() and f not in forms[:i]]
