"""Syllables of romanized Chinese and Korean names, and thin names (too short to identify)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from prosper.matching import config as cfg
from prosper.names.korean import is_korean_syllable
from prosper.names.normalize import NameForm
from prosper.packagedata import read_text

_VOWEL_GROUP = re.compile(r"[aeiou]+|y(?![aeiou])")


def syllable_count(token: str) -> int:
    """Vowel groups of a romanized token, at least 1: ``"kim"`` 1, ``"guiying"`` 2, ``"andrew"`` 2.

    ``y`` is a vowel unless a vowel follows (``"ryan"`` 1, ``"lyly"`` 2). A rough count, good
    enough to tell one-syllable Chinese and Korean name tokens from longer ones.
    """
    return max(1, len(_VOWEL_GROUP.findall(token)))


def pinyin_syllables_from_pypinyin() -> frozenset[str]:
    """Every toneless Mandarin syllable (``zhong``, ``xiang``, ``lv``) from pypinyin's
    character readings — how ``names/data/pinyin_syllables.txt`` is made (loading pypinyin
    costs ~0.7 s, reading the file ~1 ms)."""
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            bare = unicodedata.normalize("NFD", reading.replace("ü", "v"))
            out.add("".join(ch for ch in bare if ch.isascii()))
    return frozenset(out)


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """The toneless Mandarin syllables shipped in ``names/data/pinyin_syllables.txt``."""
    text = read_text("prosper.names", "data/pinyin_syllables.txt", None)
    return frozenset(text.split())


@lru_cache(maxsize=65536)
def is_syllable(token: str) -> bool:
    """One real romanized syllable of Mandarin (pinyin) or Korean (MR / RR): ``zhang``,
    ``song``, ``hun`` — not a typo of one (``jomg``)."""
    if syllable_count(token) != 1 or len(token) > cfg.SYLLABLE_MAX_LETTERS:
        return False
    return token in pinyin_syllables() or is_korean_syllable(token)


def one_letter_dropped(a: str, b: str) -> bool:
    """One token is the other with exactly one letter left out, not its first: ``sog`` /
    ``song``, ``jon`` / ``jong`` (either way round); not ``sang`` / ``song`` (a letter
    replaced) nor ``ong`` / ``song``.

    >>> one_letter_dropped("sog", "song"), one_letter_dropped("sang", "song")
    (True, False)
    """
    if len(a) > len(b):
        a, b = b, a
    if len(b) != len(a) + 1 or len(a) < 2 or a[0] != b[0]:
        return False
    k = next((i for i in range(len(a)) if a[i] != b[i]), len(a))
    return a[k:] == b[k + 1 :]


def one_syllable_name(form: NameForm) -> bool:
    """Every token is a single romanized syllable: ``Kim Sang-hun``, ``Lei Zhong``, 李丽."""
    return _one_syllable_tokens(form.tokens)


@lru_cache(maxsize=1 << 16)
def _one_syllable_tokens(tokens: tuple[str, ...]) -> bool:
    """:func:`one_syllable_name` of a name's tokens (asked of the query and of each list
    name it is scored against: remembered)."""
    return all(syllable_count(t) == 1 and not t.isdigit() for t in tokens)


def is_thin(form: NameForm) -> bool:
    """A name with too little text to identify anyone by itself: at most
    :data:`~prosper.matching.config.THIN_NAME_SYLLABLES` syllables in all (``Li Li``, 李丽,
    ``Min Sun``, 김철). Arabic-script names are never thin here (their vowels are not written,
    so syllables cannot be counted).
    """
    if "arabic" in form.scripts or not form.tokens:
        return False
    return _syllables_in(form.tokens) <= cfg.THIN_NAME_SYLLABLES


@lru_cache(maxsize=1 << 16)
def _syllables_in(tokens: tuple[str, ...]) -> int:
    """The syllables of a name's tokens together (:func:`is_thin`, asked of the query for each
    of its hits: remembered, a regex per token otherwise)."""
    return sum(syllable_count(t) for t in tokens)
