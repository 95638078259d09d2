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
