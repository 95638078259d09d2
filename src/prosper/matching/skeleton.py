"""Consonant skeletons: how an Arabic-script name compares with its Latin spellings."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from prosper.matching import config as cfg

if TYPE_CHECKING:
    from prosper.matching.names import NameScore
    from prosper.names.normalize import NameForm

# digraphs of English and French transliteration: "Djamel", "Charia", "Lounici"
_DIGRAPHS = (
    ("dj", "j"),
    ("tch", "c"),
    ("th", "t"),
    ("dh", "d"),
    ("sh", "s"),
    ("ch", "s"),
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "f"),
    ("ci", "si"),
    ("ce", "se"),
)
ARTICLES = frozenset({"al", "el", "ul", "ad", "ash", "as", "at", "az", "ar", "an"})


@lru_cache(maxsize=65536)
def consonant_skeleton(token: str) -> str:
    """The consonants of a token as Arabic script writes them (no short vowels).

    Written by hand (no library compares an abjad transliteration with a Latin spelling):
    the article ``al-`` is dropped, digraphs fold (``sh`` → ``s``, ``kh`` → ``k``), ``q`` is
    ``k``, a final ``h`` or ta-marbuta ``t`` is dropped, vowels and ``y``/``w`` go, doubled
    letters collapse, and ``Abd al-`` / ``Abdul`` become ``bd``.

    >>> consonant_skeleton("mohammed"), consonant_skeleton("mhmd")
    ('mhmd', 'mhmd')
    >>> consonant_skeleton("alzwahry") == consonant_skeleton("zawahiri")
    True
    """
    t = token
    if len(t) > 4 and t[:2] in ("al", "el", "ul"):
        t = t[2:]
    for old, new in _DIGRAPHS:
        t = t.replace(old, new)
    t = t.replace("q", "k")
    if len(t) > 3 and t[-1] in "ht":
        t = t[:-1]
    out: list[str] = []
    for ch in t:
        if ch in "aeiouyw" or (out and out[-1] == ch):
            continue
        out.append(ch)
    skel = "".join(out)
    if skel.startswith("bdl") and len(token) > 3:
        skel = "bd" + skel[3:]  # Abdul / Abdel / عبد ال…
    return skel


# Letters that write one Arabic-script consonant in the Latin of one language and another in
# the Latin of another (ICU writes the Arabic values): ض ظ ذ ز are "d", "z", "dh" in Arabic
# and all "z" in Persian and Urdu (فضل "fdl" / Fazl, ذاکر Dhakir / Zakir); ث is "th" or "s"
# (ثاقب Thaqib / Saqib); ق is "q" or "g(h)" (عراقی Iraqi / Araghi); Persian و is "w" or "v".
_CLASS_FOLD = str.maketrans({"z": "d", "s": "t", "g": "k", "v": None})


@lru_cache(maxsize=65536)
def sound_classes(skeleton: str) -> str:
    """A consonant skeleton with those letters folded to one class each (doubles collapse).

    >>> sound_classes("fdl") == sound_classes("fzl"), sound_classes("tkb") == sound_classes("skb")
    (True, True)
    """
    out: list[str] = []
    for ch in skeleton.translate(_CLASS_FOLD):
        if not (out and out[-1] == ch):
            out.append(ch)
    return "".join(out)


def thin_skeleton_match(query: NameForm, result: NameScore, candidate: NameForm) -> bool:
    """The match reads a name across Arabic script (one of ``query`` / ``candidate`` written
    in it, the other not) and the words of the Arabic-script side that agree (all its words
    when none is aligned, as in a whole-name comparison) write at most
    :data:`~prosper.matching.config.THIN_SKELETON_CONSONANTS` consonants in all, articles
    aside: ثنا معین ("tn mn") / "Tian Min WU" is four consonants that many names share.

    >>> from prosper.matching.names import score_name
    >>> from prosper.matching.population import population_weights
    >>> from prosper.names.normalize import prepare_name
    >>> def thin(a: str, b: str) -> bool:
    ...     q, c = prepare_name(a), prepare_name(b)
    ...     return thin_skeleton_match(q, score_name(q, c, population_weights()), c)
    >>> thin("ثنا معین", "Tian Min WU"), thin("أيمن الظواهري", "Ayman al-ZAWAHIRI")
    (True, False)
    """
    q_abjad, c_abjad = "arabic" in query.scripts, "arabic" in candidate.scripts
    if q_abjad == c_abjad:
        return False
    side = 0 if q_abjad else 1
    words = [w for pair in result.aligned for w in str(pair[side]).split()]
    if not words:
        words = list(query.tokens if q_abjad else candidate.tokens)
    consonants = sum(len(consonant_skeleton(w)) for w in words if w not in ARTICLES)
    return consonants <= cfg.THIN_SKELETON_CONSONANTS
