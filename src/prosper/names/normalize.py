"""The name normalisation pipeline: any script in, comparable Latin tokens out.

One documented pipeline, every step in order (:func:`fold_text`):

1. Unicode NFKC (full-width forms, ligatures, compatibility characters: ``ＫＩＭ`` → ``KIM``).
2. Hangul syllables are romanized one syllable at a time with ICU (via rigour), so a Korean
   name keeps one token per syllable: ``김정은`` → ``gim jeong eun`` (Revised Romanization).
3. Every other script goes to Latin through ICU (rigour's ``ascii_text``): Cyrillic, Arabic,
   Greek, Han (pinyin), kana; diacritics are folded (``Ryŏng`` → ``Ryong``, ``Société`` →
   ``Societe``). A name is transliterated word by word where each word reads alone as in the
   whole name (the same output, at a fraction of ICU's cost: :func:`_ascii_by_word`).
4. Case is folded; apostrophes and transliteration marks are deleted without splitting
   (``CH'OE`` → ``choe``, ``O'Brien`` → ``obrien``); any other punctuation becomes a space
   (``Jong-un`` → ``jong un``); whitespace is collapsed.

:func:`prepare_name` builds on it: it removes legal forms (see :mod:`prosper.names.orgs`),
puts ``LAST, First`` person names in ``First LAST`` order, and precomputes the per-token keys
the matcher and the candidate index use (metaphone, Korean romanization key).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from prosper.model import EntityType
from prosper.names.compounds import join_compounds
from prosper.names.glossary import translate_native_words
from prosper.names.korean import korean_key, looks_korean_person, split_joined_given_name
from prosper.names.orgs import (
    canonical_abbreviations,
    remove_legal_forms,
    strip_native_legal_forms,
)
from prosper.names.primitives import ascii_text, maybe_ascii, metaphone, text_scripts
from prosper.names.variants import variant_key

_DELETE = dict.fromkeys(map(ord, "'’ʼ`´‘ʻʿʾ?"), None)  # apostrophes and ICU's unknown marks
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name prepared for matching.

    Attributes:
        original: The name as given.
        tokens: Normalised Latin name tokens, legal forms removed, in reading order.
        full: All normalised tokens including legal forms (for compact comparisons).
        legal_forms: Canonical legal forms found (``llc``, ``jsc``, ``coltd`` …).
        scripts: Scripts the original used (``latin``, ``hangul``, ``han``, ``kana``,
            ``cyrillic``, ``arabic``, ``other``).
        phonetic: Metaphone key per token (empty for digits and one-letter tokens).
        korean: Korean romanization key per token (``None`` when not Korean-like).
        variant: Transliteration-variant key per token (:mod:`prosper.names.variants`).
    """

    original: str
    tokens: tuple[str, ...]
    full: tuple[str, ...]
    legal_forms: tuple[str, ...]
    scripts: frozenset[str]
    phonetic: tuple[str, ...]
    korean: tuple[str | None, ...]
    variant: tuple[str, ...]

    @property
    def normalized(self) -> str:
        """The name tokens joined by spaces."""
        return " ".join(self.tokens)


def detect_scripts(text: str) -> frozenset[str]:
    """The writing systems used by ``text``.

    >>> sorted(detect_scripts("Kim 김정은"))
    ['hangul', 'latin']
    """
    known = _CHAR_SCRIPTS
    found: set[str] = set()
    for ch in set(text):  # each distinct character once: a name repeats its letters
        script = known.get(ch, "")
        if script == "":
            script = known[ch] = _char_script(ch)
        if script is not None:
            found.add(script)
    return frozenset(found)


_CHAR_SCRIPTS: dict[str, str | None] = {}  # character → its script (None: not a letter)


def _char_script(ch: str) -> str | None:
    """The script :func:`detect_scripts` counts ``ch`` in (None for a non-letter)."""
    if not ch.isalpha():
        return None
    cp = ord(ch)
    if cp < 0x250:
        return "latin"
    if 0xAC00 <= cp <= 0xD7A3 or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        return "hangul"
    if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF:
        return "han"
    if 0x3040 <= cp <= 0x30FF:
        return "kana"
    if 0x0400 <= cp <= 0x052F:
        return "cyrillic"
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
        return "arabic"
    return "other"


@lru_cache(maxsize=16384)
def _romanize_hangul_syllable(syllable: str) -> str:
    return str(ascii_text(syllable))


def _romanize_hangul(match: re.Match[str]) -> str:
    return " " + " ".join(_romanize_hangul_syllable(s) for s in match.group(0)) + " "


_LATIN = frozenset({"Latin"})
_ADMITTED = frozenset({"Latin", "Cyrillic", "Greek", "Armenian", "Georgian", "Hangul"})
_ASCII_SYMBOLS = frozenset("$+<=>^`|~")  # what normality drops beside a script it reads
_memo: dict[str, str] | None = None  # transliterations remembered while a memo is active


@contextmanager
def transliteration_memo(known: dict[str, str]) -> Iterator[dict[str, str]]:
    """Remember every transliteration of the block in ``known`` (and use those it holds).

    An index build prepares tens of thousands of names whose ICU transliteration is most of
    its cost; a caller that keeps ``known`` (for the same rigour and normality versions:
    the transliteration is a function of the text and the libraries) transliterates only
    the names it has not seen. Outside the block nothing is remembered (a server's queries
    do not grow it). Not thread-safe: meant for a build in one thread (or forked workers).
    """
    global _memo
    outer = _memo
    _memo = known
    try:
        yield known
    finally:
        _memo = outer


def _ascii_by_word(text: str) -> str:
    """``ascii_text(text)``, transliterating each space-separated word alone where that is safe.

    ICU's transliteration costs ~20 µs per character of a text it has not seen, and names
    share their words: a word seen before (rigour remembers it) costs next to nothing.
    ``ascii_text`` reads a text with rigour's ``maybe_ascii`` when that makes it ASCII (the
    admitted scripts: Latin, Cyrillic, Greek, Armenian, Georgian, Hangul), else the whole text
    with normality; the transliteration is chosen by the scripts of the whole text, and
    punctuation is read in its neighbours' script (``،`` is ``,`` inside Arabic text but ``?``
    alone; ``·`` is ``:`` in a Greek text but dropped in a Latin one). So a word is
    transliterated alone only when it is written in exactly the text's scripts, or is
    punctuation that ``maybe_ascii`` makes ASCII in a text of Latin script only; a word of
    ASCII is kept as it is when the text's reading keeps it (not ``;`` in Greek text, the
    Greek question mark; not the symbols ``$+<=>^`|~`` that normality drops); when a word
    needs normality, every word does (a text that also holds an admitted script goes whole).
    Any other text is transliterated whole. Checked equal to ``ascii_text`` of the whole
    text on 54,534 names in 30+ scripts (the embedded lists, the bench data sets, the team's
    other list files), and in ``tests/names/test_normalize_translit.py``.
    """
    scripts = text_scripts(text)
    words = text.split(" ")
    if not scripts or not all(_same_scripts(word, scripts) for word in words):
        return str(ascii_text(text))
    if scripts <= _ADMITTED:  # rigour's reading, when it makes every word ASCII
        if "Greek" in scripts and not all(w.isalnum() for w in words if w.isascii()):
            return str(ascii_text(text))
        out = [word if word.isascii() else _word_ascii(word) for word in words]
        return " ".join(out) if all(w.isascii() for w in out) else str(ascii_text(text))
    # normality reads the whole text: alike word by word for scripts rigour does not admit,
    # and ASCII but its symbols (dropped beside such a script) as it is
    if scripts & _ADMITTED or any(_ASCII_SYMBOLS.intersection(w) for w in words if w.isascii()):
        return str(ascii_text(text))
    return " ".join(w if w.isascii() else str(ascii_text(w)) for w in words)


_MARKS = dict.fromkeys(range(0x300, 0x370))  # Combining Diacritical Marks (all Mn): deleted
_LATIN_END = "\u0250"  # Latin-1 Supplement and Latin Extended-A and -B end below


def _word_ascii(word: str) -> str:
    """``maybe_ascii(word)``, without ICU for a word of accented Latin letters.

    rigour reads a text of Latin script (and none of another) as: NFKD, nonspacing marks
    deleted, then CLDR's Latin-ASCII transliteration (~120 µs a word it has not seen) and its
    table of letters that stay non-ASCII (``ø``, ``ß``, ``ł`` …). Where NFKD and deleting the
    combining diacritics already give ASCII (``Société`` → ``Societe``, ``Ñ`` → ``N``), the
    two last steps change nothing (Latin-ASCII keeps ASCII as it is), so that is the result,
    at ~1 µs. Only characters below U+0250 (ASCII, Latin-1 Supplement, Latin Extended-A and -B:
    Latin or punctuation, their decompositions fixed by Unicode's stability policy) take this
    path; anything else (``ø``, ``æ``, ``©``, a Greek or Cyrillic letter) goes to rigour.
    ``tests/names/test_normalize_translit.py`` checks it equal to rigour's on every such
    character alone, between letters and beside every ASCII character, and on the words
    of the embedded lists.
    """
    if max(word) < _LATIN_END:
        out = unicodedata.normalize("NFKD", word).translate(_MARKS)
        if out.isascii():
            return out
    return maybe_ascii(word)


def _same_scripts(word: str, scripts: set[str]) -> bool:
    """Whether ``word`` is written in the scripts of its text (``scripts``): the same, none
    (punctuation) in a Latin-only text, or ASCII."""
    if word.isascii():
        return True
    own = text_scripts(word)
    return own == scripts or (not own and scripts == _LATIN)


def _ascii(text: str) -> str:
    memo = _memo
    if memo is None:
        return _ascii_by_word(text)
    out = memo.get(text)
    if out is None:
        out = memo[text] = _ascii_by_word(text)
    return out


def fold_text(text: str) -> str:
    """Normalise ``text`` to lower-case ASCII words separated by single spaces.

    Idempotent: ``fold_text(fold_text(x)) == fold_text(x)``.

    >>> fold_text("CH'OE Ryŏng-hae")
    'choe ryong hae'
    >>> fold_text("김정은")
    'gim jeong eun'
    >>> fold_text("Рособоронэкспорт")
    'rosoboroneksport'
    """
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _HANGUL.sub(_romanize_hangul, text)
        text = _ascii(text)
    text = text.casefold().translate(_DELETE)
    return _NON_ALNUM.sub(" ", text).strip()


def _reorder_last_first(text: str) -> str:
    """``KIM, Jong Un`` → ``Jong Un KIM`` (one comma, both sides non-empty)."""
    if text.count(",") != 1:
        return text
    last, first = (part.strip() for part in text.split(","))
    if not last or not first:
        return text
    return f"{first} {last}"


# (a 1M-entity list has ~1M distinct tokens: a smaller cache recomputes most of them)
@lru_cache(maxsize=1 << 20)
def _token_keys(token: str) -> tuple[str, str | None, str]:
    phon = "" if len(token) < 2 or token.isdigit() else str(metaphone(token))
    return phon, korean_key(token), variant_key(token)


def prepare_name(name: str, type: EntityType | None = None) -> NameForm:
    """Normalise ``name`` into a :class:`NameForm` ready for matching and indexing.

    Args:
        name: The name in any script.
        type: What the name belongs to; legal forms are only removed when this is not
            ``person``, and ``LAST, First`` is reordered for persons and for unknown types
            without a legal form.

    Returns:
        The prepared name.

    >>> prepare_name("KIM, Jong Un", EntityType.PERSON).tokens
    ('jong', 'un', 'kim')
    >>> prepare_name("Hangzhou Hikvision Digital Technology Co., Ltd.").legal_forms
    ('coltd',)
    """
    nfkc = unicodedata.normalize("NFKC", name)
    scripts = detect_scripts(nfkc) if not nfkc.isascii() else _LATIN_ONLY
    native_forms: tuple[str, ...] = ()
    if type is not EntityType.PERSON and not scripts.isdisjoint(_CJK):
        nfkc, native_forms = strip_native_legal_forms(nfkc)
    if type is not EntityType.PERSON and not nfkc.isascii():
        nfkc = translate_native_words(nfkc, type is EntityType.ORGANIZATION or bool(native_forms))
    folded = fold_text(nfkc)
    forms: tuple[str, ...] = ()
    tokens_text = folded
    if type is EntityType.ORGANIZATION or (type is None and not looks_korean_person(folded)):
        # legal forms only where the name may be an organisation: "Im In Ho", "Yu Se Na" are
        # Korean persons, not "Im Inc." and an S.E.
        tokens_text, forms = remove_legal_forms(folded)
    if type is not EntityType.PERSON:
        tokens_text = canonical_abbreviations(tokens_text)
    reorder = type is EntityType.PERSON or (type is None and not forms and not native_forms)
    if reorder and nfkc.count(",") == 1:
        tokens_text = fold_text(_reorder_last_first(nfkc))
    tokens = tuple(tokens_text.split())
    if type is not EntityType.ORGANIZATION and "latin" in scripts:
        tokens = split_joined_given_name(tokens)  # "GIM YEONGCHEOL" → gim yeong cheol
    full = tuple(folded.split())
    if not tokens:  # a name made only of a legal form ("LLC") keeps its words
        tokens = full
    phonetic, korean, variant = _keys_of(tokens)
    return NameForm(name, tokens, full, native_forms + forms, scripts, phonetic, korean, variant)


_LATIN_ONLY = frozenset({"latin"})
_CJK = frozenset({"hangul", "han", "kana"})  # scripts whose legal forms are written natively


def _keys_of(
    tokens: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str | None, ...], tuple[str, ...]]:
    """The metaphone, Korean and variant keys of each token (:class:`NameForm`'s fields)."""
    if not tokens:
        return (), (), ()
    phonetic, korean, variant = zip(*map(_token_keys, tokens), strict=True)
    return phonetic, korean, variant


def with_compounds_joined(form: NameForm) -> NameForm | None:
    """``form`` with its Arabic compound names joined into one token each
    (:func:`prosper.names.compounds.join_compounds`), or ``None`` when it has none."""
    tokens = join_compounds(form.tokens)
    if tokens == form.tokens:
        return None
    keys = [_token_keys(t) for t in tokens]
    return NameForm(
        original=form.original,
        tokens=tokens,
        full=form.full,
        legal_forms=form.legal_forms,
        scripts=form.scripts,
        phonetic=tuple(k[0] for k in keys),
        korean=tuple(k[1] for k in keys),
        variant=tuple(k[2] for k in keys),
    )
