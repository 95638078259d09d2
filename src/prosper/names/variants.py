"""Spelling-variant keys for Latin transliterations of the same name.

Hand-written because no library folds the *competing Latin transliteration conventions* of
Russian, Arabic and other names into one key (ICU gives one transliteration of the original
script, not the equivalence of the Latin spellings already on the lists): ``Yevgeniy`` /
``Evgeny`` / ``Evgenii``, ``Qadhafi`` / ``Kadhafi``, ``Aleksandr`` / ``Alexandr``.

>>> variant_key("yevgeniy") == variant_key("evgeny") == variant_key("evgenii")
True
>>> variant_key("qadhafi") == variant_key("kadafi")
True
"""

from __future__ import annotations

import re
from functools import lru_cache

# Applied in order. Each rule folds two or more spellings that transliteration tables produce
# for the same sound.
_RULES: tuple[tuple[str, str], ...] = (
    ("shch", "sc"),  # Щ: Shchukin / Schukin
    ("dzh", "j"),  # Дж: Dzhamal / Jamal
    ("kh", "h"),  # Х: Khodorkovsky / Hodorkovsky; خ
    ("ks", "x"),  # Aleksandr / Alexandr
    ("ph", "f"),
    ("dh", "d"),  # ذ/ض: Qadhafi / Kadafi
    ("th", "t"),
    ("ck", "k"),
    ("q", "k"),  # ق: Qaida / Kaida
    ("ou", "u"),  # French-style: Youssef / Yusef
    ("oo", "u"),
    ("ee", "i"),
    ("ie", "i"),
    ("w", "v"),  # Wagner / Vagner
)
_ENDINGS = ("iy", "ii", "ij", "yi", "y")


@lru_cache(maxsize=200_000)
def variant_key(token: str) -> str:
    """Fold transliteration variants of one normalised Latin token to a shared key."""
    t = token
    if len(t) > 3 and t[0] == "y" and t[1] in "eaou":
        t = t[1:]  # Yevgeny / Evgeny, Yuri / Iuri (after "iu" below)
    if len(t) > 3 and t[0] == "i" and t[1] in "aeou":
        t = t[1:]
    for old, new in _RULES:
        t = t.replace(old, new)
    for ending in _ENDINGS:
        if len(t) > len(ending) + 1 and t.endswith(ending):  # "Aly" / "Ali", "Yuriy"
            t = t[: -len(ending)] + "i"
            break
    out: list[str] = []
    for ch in t:
        if not (out and out[-1] == ch):
            out.append(ch)
    return "".join(out)


# Spellings of one sound across the Latin transliterations of Cyrillic (English, German,
# French, Polish, Czech, Swedish, Belarusian/Ukrainian official) and of Arabic, longest first.
_SKELETON_FOLDS: tuple[tuple[str, str], ...] = (
    ("ck", "k"),
    ("szcz", "s"),
    ("sjtj", "s"),  # Swedish: Svisjtjov / Svishchev
    ("shch", "s"),
    ("tsch", "c"),
    ("dzh", "j"),
    ("sch", "s"),
    ("tch", "c"),
    ("tsj", "c"),
    ("ch", "c"),
    ("cz", "c"),
    ("tj", "c"),  # Swedish: Iosifovitj
    ("ts", "c"),
    ("tz", "c"),
    ("sh", "s"),
    ("sz", "s"),
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("dj", "j"),
    ("ph", "f"),
    ("th", "t"),
    ("sj", "s"),
    ("x", "ks"),
    ("q", "k"),
    ("w", "v"),
    ("z", "s"),  # German-style "s" for З: Beresowski / Berezovskiy
)
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=200_000)
def spelling_skeletons(token: str) -> frozenset[str]:
    """:func:`spelling_skeleton`, and where the token writes ``ch`` also its reading as
    German / Czech / Polish / Swedish write Х (``ch`` = ``kh``): ``Chochlun`` ~ ``Khokhlun``,
    ``Chamtjijev`` ~ ``Khamchiev``; a Belarusian surname ending ``-au`` / ``-ou`` also as
    the Russian ``-ov``: ``Volkau`` ~ ``Volkov``, ``Shatrou`` ~ ``Shatrov``."""
    keys = {spelling_skeleton(token)}
    if "ch" in token and "sch" not in token and "tch" not in token:
        keys.add(spelling_skeleton(token.replace("ch", "kh")))
        if "ou" in token:  # French transliteration of Arabic: "ch" = ش, Chouman / Shuman
            keys.add(spelling_skeleton(token.replace("ch", "sh")))
    if len(token) >= 5 and token[-2:] in ("au", "ou") and token[-3] not in _VOWELS:
        keys.add(spelling_skeleton(token[:-2] + "ov"))  # Belarusian Volkau / Russian Volkov
    # Ghoreishi / Qureishi: a key of its own ("Q"), as the "q" of the other spelling writes
    # it, so the gh does not also become the k of another name (Ghasemi is not Kazemi)
    if len(token) >= 5 and _PERSIAN_GH.search(token):
        keys.add(spelling_skeleton(_PERSIAN_GH.sub("Q", token)))
    if len(token) >= 5 and "q" in token:
        keys.add(spelling_skeleton(token.replace("q", "Q")))
    stem = czech_feminine_stem(token)
    if stem is not None:
        keys.add(spelling_skeleton(stem))
    return frozenset(keys)


# Persian writes ق as "gh" where Arabic writes "q" (قریشی Ghoreishi / Qureishi, قاآنی Ghaani /
# Qaani); only a "gh" before a vowel, not the silent English "gh" of "Wright" or "Hugh".
_PERSIAN_GH = re.compile(r"gh(?=[aeiou])")
# Czech and Slovak write a foreign woman's surname with "-ová" (Moralesová / Morales,
# Gonzálezová); Russian "-ova" surnames of a given name (Ivanova, Denisova) are left alone.
CZECH_FEMININE_MIN_STEM = 5


def czech_feminine_stem(token: str) -> str | None:
    """The foreign surname a Czech / Slovak feminine ``-ová`` form is made of, or ``None``:
    a stem of at least :data:`CZECH_FEMININE_MIN_STEM` letters ending in a consonant that is
    no given name (``denisova`` is Russian, of Denis; the given names of
    :mod:`prosper.names.given_names` and ``world_given_names.tsv``).

    >>> czech_feminine_stem("moralesova")
    'morales'
    >>> czech_feminine_stem("denisova") is None
    True
    """
    if not token.endswith("ova") or len(token) < CZECH_FEMININE_MIN_STEM + 3:
        return None
    stem = token[:-3]
    if stem[-1] in _VOWELS:
        return None
    from prosper.names.frequency import (
        world_given_names_table,  # import cycle: given_names imports this module
    )
    from prosper.names.given_names import given_name_family

    if given_name_family(stem) is not None or stem in world_given_names_table():
        return None
    return stem


@lru_cache(maxsize=200_000)
def spelling_skeleton(token: str) -> str:
    """The consonants of a Latin token with transliteration spellings folded: the key shared
    by ``Aleksey``/``Aliaksei``/``Alexej``, ``Melnichenko``/``Mielniczenko``,
    ``Fyodorov``/``Fedorov``, ``Iosifovitj``/``Iosifovich``, ``Morenets``/``Morenec``.

    The first letter stays (any vowel as ``a``); after it, vowels and a ``j``/``y`` next to a
    vowel (``Chajka``) go and doubled letters collapse.

    >>> spelling_skeleton("aliaksei") == spelling_skeleton("alexej") == spelling_skeleton("aleksey")
    True
    >>> spelling_skeleton("melnichenko") == spelling_skeleton("mielniczenko")
    True
    """
    t = token
    for old, new in _SKELETON_FOLDS:
        t = t.replace(old, new)
    if not t:
        return ""
    head = "a" if t[0] in _VOWELS else t[0]
    out: list[str] = [head]
    for k in range(1, len(t)):
        ch = t[k]
        if ch in _VOWELS:
            continue
        if ch == "j" and t[k - 1] in _VOWELS:
            continue  # "Chajka", "Sergej": a glide, not a consonant
        if t[k - 1] == ch:
            continue  # a doubled letter ("Abdullah"), not the same consonant twice ("Kokin")
        out.append(ch)
    return "".join(out)
