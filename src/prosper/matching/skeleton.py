"""Consonant skeletons: how an Arabic-script name compares with its Latin spellings."""

from __future__ import annotations

from collections.abc import Callable
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


def _folded(token: str) -> str:
    """``token`` with what a skeleton ignores folded: the article ``al-`` / ``el-`` / ``ul-``
    before a longer word dropped, the digraphs folded, ``q`` as ``k``, a final ``h`` or
    ta-marbuta ``t`` dropped (:func:`consonant_skeleton` and :func:`_slots` both start here)."""
    t = token
    if len(t) > 4 and t[:2] in ("al", "el", "ul"):
        t = t[2:]
    for old, new in _DIGRAPHS:
        t = t.replace(old, new)
    t = t.replace("q", "k")
    if len(t) > 3 and t[-1] in "ht":
        t = t[:-1]
    return t


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
    t = _folded(token)
    out: list[str] = []
    for ch in t:
        if ch in "aeiouyw" or (out and out[-1] == ch):
            continue
        out.append(ch)
    skel = "".join(out)
    if skel.startswith("bdl") and len(token) > 3:
        skel = "bd" + skel[3:]  # Abdul / Abdel / عبد ال…
    return skel


_VOWELS = frozenset("aeiouy")
_SOFT_FINALS = frozenset("aeiouyhw")  # a final h or w may write a vowel ("Abdullah", "Mostafaw")


def nisba_mismatch(a: str, b: str) -> bool:
    """One token ends in a consonant + ``y`` (the ending ``-i`` of a surname made from a name,
    as Arabic script writes it and ICU reads it: ``mhmdy`` from محمدی, ``ahmdy``) and the other
    in a consonant: across Arabic script they are two names even when their consonant
    skeletons agree (:data:`~prosper.matching.config.NISBA_ENDING`). Only a written ``y``: a
    Latin ``-i`` may write a letter that transliteration drops (``Tali`` / طالع "tal").

    >>> nisba_mismatch("mhmdy", "muhammad"), nisba_mismatch("mwsy", "musa")
    (True, False)
    >>> nisba_mismatch("ahmad", "ahmdy"), nisba_mismatch("ly", "ali"), nisba_mismatch("tali", "tal")
    (True, False, False)
    """
    if not cfg.NISBA_ENDING or len(a) < 3 or len(b) < 3:
        return False
    for one, two in ((a, b), (b, a)):
        if one[-1] == "y" and one[-2] not in _VOWELS and two[-1] not in _SOFT_FINALS:
            return True
    return False


# the long vowels Arabic script writes (ا ā, و ū / ō / w, ی ī / ē / y) and the Latin vowels
# that may spell each: ا is "a" ("Hesam", Turkish "Kemal": "e"), و "o" / "u" / "w", ی "i" /
# "e" / "y"; a final ی / ى also writes a long a ("Mostafa" مصطفی)
_LONG_SPELLINGS = {"a": frozenset("ae"), "w": frozenset("ouw"), "y": frozenset("iey")}
_FINAL_SPELLINGS = {"a": frozenset("ae"), "w": frozenset("ouw"), "y": frozenset("ieya")}
_GLIDES = frozenset("wy")


def _slots(token: str, abjad: bool) -> tuple[list[str], list[str]]:
    """The consonants of ``token`` as :func:`consonant_skeleton` keeps them, and the letters
    between them: ``gaps[0]`` before the first consonant, ``gaps[k]`` after consonant k. In
    an abjad token the alef of the article inside a compound is no long vowel: عبد ال…
    "bdal…" (``Abdul …``) and …الله "…allh" (``…ullah``) drop it."""
    t = _folded(token.replace("allh", "llh").replace("bdal", "bdl") if abjad else token)
    consonants: list[str] = []
    gaps: list[str] = [""]
    for ch in t:
        if ch in "aeiouyw":
            gaps[-1] += ch
        elif consonants and consonants[-1] == ch:
            continue  # one consonant, as the skeleton collapses it ("Hassan", حریری "hryry")
        else:
            consonants.append(ch)
            gaps.append("")
    return consonants, gaps


@lru_cache(maxsize=65536)
def long_vowel_mismatch(a: str, b: str) -> bool:
    """Across Arabic script, one token is the abjad transliteration (vowels ``a`` / ``w`` /
    ``y`` only: the long vowels the script writes) and the other a Latin spelling with the same
    consonants; they are two names when a long vowel the abjad writes between two consonants,
    or at the end, has no Latin vowel that spells it in the same place, or the Latin writes a
    ``w`` / ``y`` where the abjad writes no long vowel
    (:data:`~prosper.matching.config.LONG_VOWEL_LETTERS`): احسان "ahsan" (Ehsan) ≠ "Hossein"
    (ā against "ei"), معصومه "mswmh" (Masoumeh) ≠ "Maysam" (ū against "a"), زهرا "zhra" ≠
    "Zawahiri" (final ā against "i"). Vowels before the first consonant are not compared (an
    initial alef carries any vowel), nor gaps where the abjad writes none (short vowels and a
    dropped ع are unwritten), nor tokens whose consonants do not pair one to one.

    >>> long_vowel_mismatch("ahsan", "hossein"), long_vowel_mismatch("ahsan", "ehsan")
    (True, False)
    >>> long_vowel_mismatch("mhmwd", "mahmoud"), long_vowel_mismatch("mstfy", "mostafa")
    (False, False)
    """
    if not cfg.LONG_VOWEL_LETTERS:
        return False
    if _is_abjad(a) != _is_abjad(b):
        abjad, latin = (a, b) if _is_abjad(a) else (b, a)
    elif _is_abjad(a) and _vowel_share(a) != _vowel_share(b):
        # both without e / i / o / u ("mswmh", "maysam"): the Latin writes more vowels
        abjad, latin = (a, b) if _vowel_share(a) < _vowel_share(b) else (b, a)
    else:
        return False
    ac, ag = _slots(abjad, abjad=True)
    lc, lg = _slots(latin, abjad=False)
    if len(ac) < 2 or len(ac) != len(lc):
        return False
    last = len(ac)
    for k in range(1, last + 1):
        table = _FINAL_SPELLINGS if k == last else _LONG_SPELLINGS
        written = ag[k]
        if not written:
            if k < last and _GLIDES & set(lg[k]):
                return True  # "Maysam": the Latin writes a y the abjad does not
            continue
        spelt = _latin_vowels(lg[k])
        for letter in written:
            if not table[letter] & spelt:
                return True
    return False


def _latin_vowels(gap: str) -> frozenset[str]:
    """The letters of a Latin vowel group that may spell a long vowel; "ei", "ie", "ee" spell
    ی only ("Hossein" is no ā)."""
    if "e" in gap and any(d in gap for d in ("ei", "ie", "ee")):
        return frozenset(gap) - {"e"} | {"i"}
    return frozenset(gap)


def _vowel_share(token: str) -> float:
    """The share of vowel letters (a, e, i, o, u, w, y) in ``token``: an abjad transliteration
    writes fewer than a Latin spelling of the same name."""
    return sum(ch in "aeiouwy" for ch in token) / max(1, len(token))


def _is_abjad(token: str) -> bool:
    """Written as ICU transliterates Arabic script: no vowel letter but a / w / y."""
    return not any(ch in "eiou" for ch in token)


def whole_name_nisba_mismatch(abjad: tuple[str, ...], latin: tuple[str, ...]) -> bool:
    """A word of one name that ends in ``-y`` agrees by consonants with words of the other only
    where those lack the ending (:func:`nisba_mismatch` with every such partner): the whole-name
    skeleton, which drops the final ``y``, must not join them (``ly mhmdy`` / ``Ali
    MUHAMMAD``); ``mhmdy gl`` / ``MOHAMMAD … MUHAMMADI GUL`` has a partner that agrees."""
    if not cfg.NISBA_ENDING:
        return False
    return _every_partner_disagrees(abjad, latin, "y", nisba_mismatch)


def whole_name_long_vowel_mismatch(abjad: tuple[str, ...], latin: tuple[str, ...]) -> bool:
    """A word of one name has partners of the same consonants in the other, and the long vowels
    disagree with every one of them (:func:`long_vowel_mismatch`): the whole-name skeleton,
    which drops vowels, must not join them (احسان حریریان "ahsan hryryan" / ``HAROONI,
    Hossein``)."""
    if not cfg.LONG_VOWEL_LETTERS:
        return False
    return _every_partner_disagrees(abjad, latin, "", long_vowel_mismatch)


def _every_partner_disagrees(
    abjad: tuple[str, ...],
    latin: tuple[str, ...],
    ending: str,
    mismatch: Callable[[str, str], bool],
) -> bool:
    """A word of 3+ letters ending in ``ending`` (any word for ``""``) of one name has words
    of the same consonants in the other (its partners), and ``mismatch`` holds with every
    one of them."""
    for one, two in ((abjad, latin), (latin, abjad)):
        for x in one:
            if len(x) < 3 or not x.endswith(ending):
                continue
            key = sound_classes(consonant_skeleton(x))
            partners = [y for y in two if sound_classes(consonant_skeleton(y)) == key]
            if partners and all(mismatch(x, y) for y in partners):
                return True
    return False


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
