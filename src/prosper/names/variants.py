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
    if len(token) >= 5 and token[-2:] in ("au", "ou") and token[-3] not in _VOWELS:
        keys.add(spelling_skeleton(token[:-2] + "ov"))  # Belarusian Volkau / Russian Volkov
    return frozenset(keys)


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
