"""Korean romanization equivalences: McCune–Reischauer (North Korean list spellings) ↔ Revised
Romanization (South Korean usage) ↔ Hangul.

Written by hand because no well-kept Python library maps *between* romanization systems: ICU
(via rigour / normality) turns Hangul into Revised-Romanization-like Latin (리병철 → ``li byeong
cheol``), which :mod:`prosper.names.normalize` uses, but neither ICU nor any PyPI package says
that ``Pyong`` (MR), ``Byeong`` (RR) and ``Byung`` (popular) are one syllable, or that the
surname 이 is written ``Lee``, ``Yi``, ``Rhee``, ``Ri`` or ``I``.

:func:`korean_key` folds one romanized token to a coarse key shared by its MR, RR and popular
spellings:

>>> korean_key("pyong") == korean_key("byeong") == korean_key("byung")
True
>>> korean_key("choe") == korean_key("choi") == korean_key("chwe")
True
>>> korean_key("ri") == korean_key("lee") == korean_key("yi")
True
>>> korean_key("smith") is None
True
"""

from __future__ import annotations

import re
from functools import lru_cache

# One romanized Korean syllable, MR (breves already folded, apostrophes removed) or RR.
# onset? vowel coda?  — e.g. "ch" + "eo" + "l", "p" + "yo" + "ng".
_ONSET = r"(?:kk|tt|pp|ss|jj|ch|sh|rh|th|ph|kh|k|g|n|d|t|r|l|m|b|p|s|j|h|c|w|y)?"
_VOWEL = r"(?:you|yeo|yae|wae|weo|wo|wa|we|wi|ui|eo|eu|ae|oe|oi|ee|oo|ou|ya|ye|yo|yu|yi|a|e|i|o|u)"
_CODA = r"(?:ng|k|n|t|l|m|p|g|b|d|h)?"
_SYLLABLE = _ONSET + _VOWEL + _CODA
_U_BEFORE_CODA = re.compile(r"u(?=[nlkmpg])")  # "g": ICU writes a final ㄱ as g (극 "geug")
_KOREAN_TOKEN = re.compile(rf"^(?:{_SYLLABLE}){{1,2}}$")

# Surname spellings (hand-collected from MR, RR and the spellings South Koreans choose in
# passports). Key: every spelling → one canonical key. 이/리 and 유/류 and 노/로 and 나/라 merge
# because of the initial-sound rule (두음법칙): North Korean 리 is South Korean 이.
_SURNAMES: dict[str, tuple[str, ...]] = {
    "i": ("lee", "yi", "rhee", "ri", "i", "rhie", "li", "lie", "rhi", "yee", "ree"),
    "pak": ("park", "pak", "bak", "bag", "pack", "bahk", "parck"),
    "choe": ("choi", "choe", "chwe", "choy", "chey", "tsoi", "che"),
    "kim": ("kim", "gim", "ghim", "keem"),
    "jong": ("jung", "jeong", "chong", "chung", "joung", "cheong", "jong", "jeung"),
    "kang": ("kang", "gang"),
    "jo": ("cho", "jo", "joe", "zo", "tcho"),
    "yun": ("yoon", "yun", "youn", "yune"),
    "sin": ("shin", "sin", "shinn"),
    "o": ("oh", "o"),
    "so": ("seo", "suh", "so", "sur", "seoh"),
    "kwon": ("kwon", "gwon", "kweon"),
    "an": ("ahn", "an", "ann"),
    "yu": ("ryu", "yu", "yoo", "you", "lyu", "ryoo", "rew", "yoou"),
    "jon": ("jeon", "jun", "chon", "chun", "jeun", "cheon"),
    "ko": ("ko", "go", "koh", "goh"),
    "mun": ("moon", "mun", "muhn"),
    "son": ("son", "sohn"),
    "pae": ("bae", "pae", "bai", "pai"),
    "paek": ("baek", "paek", "paik", "baik", "back", "beak"),
    "ho": ("heo", "hur", "ho", "huh", "her"),
    "no": ("noh", "no", "roh", "ro", "rho", "nho"),
    "kwak": ("kwak", "gwak", "kwag"),
    "song": ("song", "sung", "seong"),
    "ju": ("ju", "joo", "chu", "choo", "jou"),
    "u": ("woo", "u", "wu", "woh"),
    "na": ("ra", "na", "la", "rha", "nah"),
    "im": ("im", "lim", "rim", "yim", "leem", "rhim"),
    "jang": ("jang", "chang", "zang"),
    "yom": ("yeom", "yom", "yum", "youm", "ryom", "ryeom", "lyeom"),
    "yo": ("yeo", "yo", "yuh", "yeoh"),
    "hyon": ("hyun", "hyeon", "hyon"),
    "yon": ("yeon", "yon"),
    "kil": ("gil", "kil"),
    "om": ("eom", "um", "om", "uhm"),
    "chae": ("chae", "chai"),
    "won": ("won", "weon"),
    "pang": ("bang", "pang"),
    "kong": ("gong", "kong"),
    "ku": ("koo", "ku", "gu", "goo"),
    "min": ("min",),
    "nam": ("nam",),
    "ha": ("ha", "hah"),
    "cha": ("cha",),
    "chi": ("ji", "chi", "jee"),
    "sok": ("seok", "sok", "suk"),
    "hwang": ("hwang",),
    "hong": ("hong",),
    "han": ("han",),
}
_SURNAME_CANON: dict[str, str] = {
    spelling: key for key, spellings in _SURNAMES.items() for spelling in spellings
}


_KOREAN_SYLLABLE = re.compile(rf"^{_SYLLABLE}$")


def is_korean_syllable(token: str) -> bool:
    """True when ``token`` reads as exactly one romanized Korean syllable (``song``, ``hun``)."""
    return bool(_KOREAN_SYLLABLE.match(token))


def is_korean_surname(token: str) -> bool:
    """A spelling of a Korean surname from the table (``kim``, ``lee``, ``ri``, ``pak``)."""
    return token in _SURNAME_CANON


@lru_cache(maxsize=65536)
def syllable_cuts(token: str) -> tuple[tuple[str, str], ...]:
    """Every way to cut a romanized word into two real Korean syllables (``mungil`` →
    ``mun gil``, ``mung il``); none for a word that is one syllable itself (``cheol``)."""
    if len(token) < 3 or not token.isalpha() or _KOREAN_SYLLABLE.match(token):
        return ()
    return tuple(
        (token[:i], token[i:])
        for i in range(1, len(token))
        if _KOREAN_SYLLABLE.match(token[:i]) and _KOREAN_SYLLABLE.match(token[i:])
    )


def joined_given_name_cuts(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Every syllable cut of a two-word Korean name's joined given name, in the name's order:
    ``("gang", "mungil")`` → ``(("gang", "mun", "gil"), ("gang", "mung", "il"))``. The matcher
    reads each (:mod:`prosper.names.readings`), since one spelling can be cut two ways."""
    if len(tokens) != 2:
        return ()
    first, second = tokens
    if is_korean_surname(first) and not is_korean_surname(second):
        return tuple((first, *cut) for cut in syllable_cuts(second))
    if is_korean_surname(second) and not is_korean_surname(first):
        return tuple((*cut, second) for cut in syllable_cuts(first))
    return ()


@lru_cache(maxsize=65536)
def split_syllables(token: str) -> tuple[str, str] | None:
    """A romanized two-syllable given name written as one word, split into its syllables:
    ``yeongcheol`` → ``yeong cheol``, ``yongho`` → ``yong ho``, ``sumin`` → ``su min``.

    Of the ways to cut the word into two real syllables, ``ng`` stays together (the final ㅇ,
    ``jeongeun`` → ``jeong eun``: an initial ㄱ after a final ㄴ is rare in names) and a second
    syllable starting with a consonant is preferred (``sumin`` → ``su min``, not ``sum in``).
    None when no cut gives two syllables.
    """
    if len(token) < 3 or not token.isalpha() or _KOREAN_SYLLABLE.match(token):
        return None  # "cheol", "seok" are one syllable, not "che ol", "se ok"
    cuts = [
        i
        for i in range(1, len(token))
        if _KOREAN_SYLLABLE.match(token[:i])
        and _KOREAN_SYLLABLE.match(token[i:])
        and not (token[i - 1] == "n" and token[i] == "g")
    ]
    if not cuts:
        return None
    consonant = [i for i in cuts if token[i] not in "aeiouwy"]
    i = (consonant or cuts)[0]
    return token[:i], token[i:]


def split_joined_given_name(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """``gim yeongcheol`` → ``gim yeong cheol``: a Korean surname and a given name written as
    one word (passports, ``LAST, First`` files) split into syllables, as the lists write them.
    Only a two-word name whose other word is a Korean surname changes.

    >>> split_joined_given_name(("ri", "yongho")), split_joined_given_name(("yeojeong", "gim"))
    (('ri', 'yong', 'ho'), ('yeo', 'jeong', 'gim'))
    >>> split_joined_given_name(("kim", "anderson"))
    ('kim', 'anderson')
    """
    if len(tokens) != 2:
        return tokens
    first, second = tokens
    if is_korean_surname(first) and not is_korean_surname(second):
        parts = split_syllables(second)
        return tokens if parts is None else (first, *parts)
    if is_korean_surname(second) and not is_korean_surname(first):
        parts = split_syllables(first)
        return tokens if parts is None else (*parts, second)
    return tokens


def looks_korean_person(folded: str) -> bool:
    """Two to four words, one a Korean surname, every word one or two romanized Korean
    syllables: ``im in ho``, ``yu se na`` (a person, whatever legal forms it seems to hold).

    >>> looks_korean_person("im in ho"), looks_korean_person("korea kwangson banking")
    (True, False)
    """
    words = folded.split()
    return (
        2 <= len(words) <= 4
        and any(w in _SURNAME_CANON for w in words)
        and all(_KOREAN_TOKEN.match(w) for w in words)
    )


def is_korean_token(token: str) -> bool:
    """True when ``token`` reads as one or two romanized Korean syllables (MR or RR)."""
    return bool(_KOREAN_TOKEN.match(token))


@lru_cache(maxsize=65536)
def korean_key(token: str) -> str | None:
    """A coarse key shared by the MR, RR and popular spellings of a romanized Korean token.

    ``None`` when ``token`` is not made of romanized Korean syllables. The key folds aspirated
    and plain stops (MR ``p``/RR ``b``, ``ch``/``j``, ``th``/``t``), ``ŏ``/``eo``/``o``,
    ``ŭ``/``eu``/``u``, ``r``/``l`` and applies the South Korean initial-sound rule (리→이,
    라→나, 로→노, 류→유). Surnames go through the hand-made spelling table first; a table
    key is the key of the canonical spelling, so ``Chae`` (surname 채) and ``jae`` (given-name
    syllable 재 as ICU writes it) still agree.
    """
    canon = _SURNAME_CANON.get(token)
    if canon is None and token.endswith("g") and not token.endswith("ng"):
        canon = _SURNAME_CANON.get(token[:-1] + "k")  # ICU writes 박 "bag", 백 "baeg"
    if canon is not None:
        return _generic_key(canon)
    if not is_korean_token(token):
        return None
    return _generic_key(token)


def _generic_key(token: str) -> str:
    s = token
    # vowels: MR ŏ/ŭ arrive as o/u (breves folded); RR writes eo/eu
    for old, new in (
        ("you", "yo"), ("yeo", "yo"), ("eo", "o"), ("eu", "u"), ("oo", "u"), ("ee", "i"),
        ("ui", "i"),
    ):  # fmt: skip
        s = s.replace(old, new)
    s = s.replace("oi", "oe").replace("we", "oe").replace("wae", "oe")
    # popular spellings write 어 as "u" before a final consonant ("Byung", "Chul", "Suk",
    # "Kun"): u and o merge there, never in an open syllable (수 "su" ≠ 서 "seo")
    s = _U_BEFORE_CODA.sub("o", s)
    # consonants: aspiration / voicing are not written consistently between systems
    for old, new in (
        ("kk", "k"), ("tt", "t"), ("pp", "p"), ("ss", "s"), ("jj", "j"),
        ("sh", "s"), ("rh", "r"), ("th", "t"), ("ph", "p"), ("kh", "k"),
        ("ch", "j"), ("c", "j"), ("g", "k"), ("d", "t"), ("b", "p"), ("r", "l"), ("nk", "ng"),
    ):  # fmt: skip
        s = s.replace(old, new)
    # initial-sound rule: 리/류/녀 → 이/유/여 ; 라/로 → 나/노
    if s[:2] in ("li", "ly", "ni", "ny"):
        s = s[1:]
    elif s.startswith("l"):
        s = "n" + s[1:]
    return s
