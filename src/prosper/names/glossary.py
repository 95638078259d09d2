"""A multilingual glossary of generic organisation words (``data/org_glossary.tsv``).

The lists write one organisation in several languages: the EU's aliases translate the generic
words into every official language (``Uzina de construcții de mașini Arzamas`` / ``Zavod``),
DFAT gives the original-script name next to the Latin one (``단천상업은행`` / ``Tanchon
Commercial Bank``), and Russian registers transliterate English loan words (``Avant-Speis``).
Each glossary row names a *concept* (its English word) and the words the lists use for it;
:func:`translate_generic_words` rewrites those words as the concept, on both sides of a
comparison, so two names agree on a generic word written in two languages. The concept is as
generic as the English word, and the matcher treats it so: a distinctive word must still agree.

Latin words (and Cyrillic after transliteration) are matched as whole folded words or phrases;
Han, Hangul and kana words inside the unsegmented text before transliteration
(:func:`translate_native_words`); Arabic-script words as whole words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from prosper.packagedata import read_text

_NATIVE_RANGES = (("\u3040", "\u30ff"), ("\u3400", "\u9fff"), ("\uac00", "\ud7af"))
"""Kana, Han and Hangul: the scripts whose glossary words sit inside unsegmented text."""
_ARABIC = re.compile(r"[\u0600-\u06ff]")


@lru_cache(maxsize=1)
def _native_scripts() -> re.Pattern[str]:
    """A character of :data:`_NATIVE_RANGES` (~0.003 s of CPU to compile: the ranges hold
    ~38,000 characters; compiled for the first text that may hold one)."""
    return re.compile("[" + "".join(f"{lo}-{hi}" for lo, hi in _NATIVE_RANGES) + "]")


def _native_chars(text: str) -> list[str]:
    """The characters of ``text`` in :data:`_NATIVE_RANGES`, in order (the pattern's
    ``findall``; a text whose largest character comes before them has none, and compiles
    nothing)."""
    if not text or max(text) < _NATIVE_RANGES[0][0]:
        return []
    return _native_scripts().findall(text)


def _is_native_word(word: str) -> bool:
    """``word`` has a character of :data:`_NATIVE_RANGES` (character by character: the
    glossary's words are short, and sorting them compiles no pattern)."""
    return any(lo <= ch <= hi for ch in word for lo, hi in _NATIVE_RANGES)


def _rows() -> list[tuple[str, str, tuple[str, ...]]]:
    """(concept, language, words) of every data row."""
    text = read_text("prosper.names", "data/org_glossary.tsv")
    rows: list[tuple[str, str, tuple[str, ...]]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("concept\t"):
            continue
        concept, lang, words, _source = line.split("\t")
        rows.append((concept, lang, tuple(w.strip() for w in words.split("|") if w.strip())))
    return rows


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """Every glossary word (folded Latin or native script) → its concept.

    Raises:
        ValueError: a word listed under two concepts.
    """
    out: dict[str, str] = {}
    for concept, _lang, words in _rows():
        for word in words:
            if out.get(word, concept) != concept:
                raise ValueError(f"glossary word {word!r} under {out[word]!r} and {concept!r}")
            out[word] = concept
    return out


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _words() -> tuple[list[str], list[str], list[str]]:
    """The glossary's (Latin, Han/Hangul/kana, Arabic-script) words."""
    latin, native, arabic = [], [], []
    for word in glossary():
        if _is_native_word(word):
            native.append(word)
        elif _ARABIC.search(word):
            arabic.append(word)
        else:
            latin.append(word)
    return latin, native, arabic


@lru_cache(maxsize=1)
def _latin_pattern() -> re.Pattern[str] | None:
    """The Latin words as whole words (~0.02 s of CPU to compile: see :func:`_latin_scan`)."""
    latin = _words()[0]
    return re.compile(rf"(?<!\w)(?:{_alternation(latin)})(?!\w)") if latin else None


@lru_cache(maxsize=1)
def _native_pattern() -> re.Pattern[str] | None:
    """The Han/Hangul/kana words as substrings (compiled when a text has such words)."""
    native = _words()[1]
    return re.compile(_alternation(native)) if native else None


@lru_cache(maxsize=1)
def _arabic_pattern() -> re.Pattern[str] | None:
    """The Arabic-script words as whole words (compiled when a text has Arabic script)."""
    arabic = _words()[2]
    return re.compile(rf"(?<!\S)(?:{_alternation(arabic)})(?!\S)") if arabic else None


def _concept(match: re.Match[str]) -> str:
    return glossary()[match.group(0)]


@lru_cache(maxsize=1)
def _latin_by_first() -> dict[str, list[str]]:
    """The Latin words by their first character, each list in the pattern's order (longest
    first, then alphabetical): the alternative the regular expression would try first."""
    out: dict[str, list[str]] = {}
    for word in sorted(_words()[0], key=lambda w: (-len(w), w)):
        out.setdefault(word[0], []).append(word)
    return out


def _is_word(char: str) -> bool:
    """``\\w`` of a ``str`` pattern: alphanumeric (``str.isalnum``) or ``_``."""
    return char.isalnum() or char == "_"


def _latin_scan(folded: str) -> str:
    """:func:`_latin_pattern`'s ``sub`` without compiling it: from left to right, at each
    position not preceded by a word character, the first word in the pattern's order that
    starts there and is not followed by a word character is replaced, and the scan goes on
    after it; elsewhere it moves one character on."""
    table = _latin_by_first()
    concepts = glossary()
    out: list[str] = []
    last = i = 0
    n = len(folded)
    while i < n:
        if i == 0 or not _is_word(folded[i - 1]):
            for word in table.get(folded[i], ()):
                end = i + len(word)
                if folded.startswith(word, i) and (end == n or not _is_word(folded[end])):
                    out.append(folded[last:i])
                    out.append(concepts[word])
                    last = i = end
                    break
            else:
                i += 1
        else:
            i += 1
    if not out:
        return folded
    out.append(folded[last:])
    return "".join(out)


SCANNED_TEXTS = 64
"""Texts rewritten by :func:`_latin_scan` before the Latin pattern is compiled: a one-name
screen or a check prepares a few names and never pays the compilation; a batch, a server or an
index build compiles it once (the scan costs more per text than the compiled pattern)."""
_scanned = 0


def translate_generic_words(folded: str) -> str:
    """Rewrite the glossary's Latin words of folded text as their concept.

    >>> translate_generic_words("uzina de constructii de masini arzamas")
    'plant de machine building arzamas'
    >>> translate_generic_words("ooo avant speis")
    'ooo avant space'
    """
    global _scanned
    if _scanned < SCANNED_TEXTS:
        _scanned += 1
        return _latin_scan(folded)
    pattern = _latin_pattern()
    return pattern.sub(_concept, folded) if pattern is not None else folded


# A Han or Hangul person's name has two to four syllables: glossary words are replaced inside
# longer unsegmented text only (or where the caller knows the name is an organisation).
NATIVE_MIN_CHARS = 5


def translate_native_words(text: str, organisation: bool) -> str:
    """Rewrite the glossary's Han, Hangul, kana and Arabic-script words of ``text`` (before
    transliteration) as their concept, set off by spaces: ``단천상업은행`` → ``단천 commercial
    bank``. Han / Hangul / kana words only in organisation names or in text of at least
    :data:`NATIVE_MIN_CHARS` such characters; a text that would keep nothing but concepts is
    left as it is.

    >>> translate_native_words("단천상업은행", True)
    '단천 commercial  bank '
    >>> translate_native_words("صرافی روشان", True)
    'exchange روشان'
    """
    out = text
    if organisation or len(_native_chars(text)) >= NATIVE_MIN_CHARS:
        native = _native_pattern()
        if native is not None:
            out = native.sub(lambda m: f" {_concept(m)} ", out)
    if _ARABIC.search(out):
        arabic = _arabic_pattern()
        if arabic is not None:
            out = arabic.sub(_concept, out)
    if not _native_chars(out) and not _ARABIC.search(out):
        return text  # only generic words: keep the name as written
    return out
