"""How two name tokens agree: one small rule per way (exact, romanization, transliteration,
stem, spelling skeleton, nickname or given-name variant, phonetic, fuzzy, initial), each
scored by its weight in :mod:`prosper.matching.config`.

:func:`token_agreement` is pure and memoised per token pair (the screening index scores the
same list tokens against many queries), so a name pair costs little more than its new token
pairs.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from prosper.matching import config as cfg
from prosper.matching.skeleton import (
    consonant_skeleton,
    long_vowel_mismatch,
    nisba_mismatch,
    sound_classes,
)
from prosper.matching.syllables import is_syllable
from prosper.names.given_names import same_given_name
from prosper.names.nicknames import are_nicknames
from prosper.names.variants import spelling_skeletons

_PARTICLES = frozenset(cfg.PARTICLES.split())
_TITLES = frozenset(cfg.TITLES.split())
_PARTICLE_CANON = {
    spelling: group.split()[0] for group in cfg.PARTICLE_SPELLINGS for spelling in group.split()
}
_PATRONYMIC = re.compile(cfg.PATRONYMIC_ENDINGS)


_VOWEL_RUN = re.compile(r"[aeiouy]+")


def _vowel_groups(token: str) -> int:
    """Runs of vowels (``y`` counted as one): ``husayn`` 2, ``hussein`` 2, ``karim`` 2."""
    return len(_VOWEL_RUN.findall(token))


def minor(token: str, titles: bool = True) -> bool:
    """A particle (``al``, ``bin``, ``van``, ``de``), a title of a person (``haji``,
    ``mullah``, ``general``; only with ``titles``) or a patronymic (``Igorevich``,
    ``Sergeyevna``, ``Petrovych``): when missing from the other name, it counts at
    :data:`~prosper.matching.config.MINOR_TOKEN` of its weight."""
    if token in _PARTICLES or (titles and token in _TITLES):
        return True
    return is_patronymic(token)


def is_patronymic(token: str) -> bool:
    """A patronymic: a word of 7+ letters with a patronymic ending (``Igorevich``,
    ``Sergeyevna``, ``Petrovych``, ``Aliyevich``; :data:`~prosper.matching.config.
    PATRONYMIC_ENDINGS`)."""
    return len(token) >= 7 and _PATRONYMIC.search(token) is not None


_FATHER_ENDING = re.compile(cfg.PATRONYMIC_ENDINGS[:-2] + r"|avich|avitj|avic)$")


def same_father(a: str, b: str) -> bool:
    """Two patronymics that may be one father's name in two spellings: the names without the
    patronymic ending at least :data:`~prosper.matching.config.PATRONYMIC_SAME_SIMILARITY`
    alike (``Semjonovitj`` / ``Semenovich``, ``Mykolaiovych`` / ``Nikolayevich``,
    ``Uladzimiravich`` / ``Vladimirovich``), not ``Aleksandrovich`` / ``Sergeyevich``.

    >>> same_father("mykolaiovych", "nikolayevich"), same_father("olegovich", "igorevich")
    (True, False)
    """
    sa, sb = _FATHER_ENDING.sub("", a), _FATHER_ENDING.sub("", b)
    return Levenshtein.normalized_similarity(sa, sb) >= cfg.PATRONYMIC_SAME_SIMILARITY


_SUFFIXES = ("ing", "ers", "er", "es", "s", "al", "e")
# English derivational endings of organisation words, stripped repeatedly (longest first).
_ORG_SUFFIXES = (
    "ations", "ation", "ements", "ement", "ments", "ment", "ions", "ion", "ings", "ing",
    "ies", "ics", "ers", "ic", "er", "ed", "es", "al", "s", "y", "e",
)  # fmt: skip


def _stem(token: str) -> str:
    for suffix in _SUFFIXES:
        if len(token) - len(suffix) >= 4 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


@lru_cache(maxsize=65536)
def org_stem(token: str) -> str:
    """The stem of an organisation word, English endings stripped until none is left (at
    least :data:`~prosper.matching.config.ORG_STEM_MIN` letters kept): ``technologies`` and
    ``technology`` → ``technolog``, ``managing`` / ``management`` → ``manag``,
    ``engineers`` / ``engineering`` → ``engine``, ``electronics`` / ``electronic``."""
    t = token
    changed = True
    while changed:
        changed = False
        for suffix in _ORG_SUFFIXES:
            if len(t) - len(suffix) >= cfg.ORG_STEM_MIN and t.endswith(suffix):
                t = t[: -len(suffix)]
                changed = True
                break
    return t


def _same_stem(a: str, b: str, person: bool) -> bool:
    """English word forms of one organisation word: ``bank``/``banking``, ``trade``/``trading``
    (and for organisations ``technology``/``technologies``, ``managing``/``management``)."""
    if _stem(a) == _stem(b):
        return True
    if person:
        return False
    sa, sb = org_stem(a), org_stem(b)
    # two forms of one stem, not a word and its derivative ("invest" / "investment")
    return sa == sb and sa != a and sb != b


def _inflection(a: str, b: str) -> bool:
    """Tokens that differ only in a final vowel: gendered forms, not typos. A gendered ending
    swaps to or from ``a`` or ``e`` (``Mario`` / ``Maria``, ``Giovanni`` / ``Giovanna``,
    ``Simone`` / ``Simona``); ``Elmi`` / ``Elmo`` (:data:`~prosper.matching.config.
    INFLECTION_VOWELS`) is a typo."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) == len(a) + 1:
        return b.startswith(a) and b[-1] in "aeiou"
    return (
        len(a) == len(b)
        and a[:-1] == b[:-1]
        and a[-1] in "aeiou"
        and b[-1] in "aeiou"
        and (a[-1] in cfg.INFLECTION_VOWELS or b[-1] in cfg.INFLECTION_VOWELS)
    )


def _russian_ending(token: str) -> str:
    """A Belarusian surname ending ``-au`` / ``-ou`` as the Russian ``-ov`` (``volkau`` →
    ``volkov``), so that ``Volkau`` / ``Volkova`` is a gendered form like ``Volkov``."""
    if len(token) >= 5 and token[-2:] in ("au", "ou") and token[-3] not in "aeiouy":
        return token[:-2] + "ov"
    return token


def _swapped(q: str, c: str) -> bool:
    """Two neighbouring letters swapped: the first two (four letters or more), or any two in
    a three-letter word when exactly one of the two is a romanized syllable (a syllable typed
    with two letters swapped: "osp" for "sop", "ski" for "sik"; "Amr" / "Mar" are two names)."""
    first = q[0] == c[1] and q[1] == c[0] and q[2:] == c[2:] and q[0] != q[1]
    if len(q) >= 4:
        return first
    last = q[0] == c[0] and q[1] == c[2] and q[2] == c[1] and q[1] != q[2]
    return (first or last) and is_syllable(q) != is_syllable(c)


def fuzzy_similarity(q: str, c: str) -> float:
    """A typo: the Levenshtein similarity (a swap of two letters one edit) of two tokens at
    most 1 edit per :data:`~prosper.matching.config.FUZZY_CHARS_PER_EDIT` letters apart, less
    :data:`~prosper.matching.config.FUZZY_FIRST_LETTER_PENALTY` when the first letters differ;
    0 under :data:`~prosper.matching.config.MIN_FUZZY` or for tokens too short to tell.

    >>> fuzzy_similarity("myng", "myong"), fuzzy_similarity("kim", "kin")
    (0.8, 0.0)
    """
    lq, lc = len(q), len(c)
    short = min(lq, lc)
    if not (short >= cfg.FUZZY_MIN_LENGTH or (short == 3 and max(lq, lc) >= 4)) or not (
        q[0] == c[0] or short > cfg.FUZZY_SHORT_SAME_FIRST  # "Gang"/"Sang", "Long"/"Dong"
    ):
        return 0.0
    budget = max(1, short // cfg.FUZZY_CHARS_PER_EDIT)
    dist = OSA.distance(q, c, score_cutoff=budget)  # a swap of two letters is one edit
    if dist > budget:
        return 0.0
    sim = 1.0 - dist / max(lq, lc)
    if q[0] != c[0]:
        sim -= cfg.FUZZY_FIRST_LETTER_PENALTY  # "Serkan" vs "Erkan"
    return sim if sim >= cfg.MIN_FUZZY else 0.0


@lru_cache(maxsize=262_144)
def token_agreement(
    q: str,
    q_phon: str,
    q_kor: str | None,
    c: str,
    c_phon: str,
    c_kor: str | None,
    person: bool,
    abjad: bool = False,
    q_var: str = "",
    c_var: str = "",
) -> tuple[float, str]:
    """How well two normalised tokens agree: ``(score, how)``, score 0 for no agreement.

    >>> token_agreement("pyong", "PYNK", "pyong", "byeong", "BYNK", "pyong", True)
    (0.93, 'romanization')
    """
    if q == c:
        return cfg.EXACT, "exact"
    if q.isdigit() or c.isdigit():
        return 0.0, ""  # numbers agree exactly or not at all
    best, how = 0.0, ""
    if q_kor is not None and q_kor == c_kor:
        best, how = cfg.ROMANIZATION, "romanization"
    if q_var and q_var == c_var and len(q_var) >= 3 and best < cfg.VARIANT:
        best, how = cfg.VARIANT, "transliterated"
    # محمدی "mhmdy" (Mohammadi) is no spelling of "Muhammad" across Arabic script: a surname
    # in -i (config.NISBA_ENDING); no consonant rule may join them
    nisba = abjad and (nisba_mismatch(q, c) or long_vowel_mismatch(q, c))
    if abjad and best < cfg.TRANSLITERATED and not nisba:
        qs, cs = consonant_skeleton(q), consonant_skeleton(c)
        if qs and qs == cs:
            # "mr" is Omar, Amir, Amr, Mira …: two consonants say little
            short_skeleton = len(qs) <= cfg.ABJAD_SHORT_SKELETON
            best = cfg.TRANSLITERATED_SHORT if short_skeleton else cfg.TRANSLITERATED
            how = "transliterated"
        else:
            # "fdl" (فضل as ICU writes ض) = "fzl" (Fazl, as Persian and Urdu say it)
            fq, fc = sound_classes(qs), sound_classes(cs)
            if len(qs) >= 2 and len(cs) >= 2 and fq == fc:
                short_skeleton = len(qs) <= cfg.ABJAD_SHORT_SKELETON
                best = cfg.TRANSLITERATED_SHORT if short_skeleton else cfg.TRANSLITERATED_CLASS
                how = "transliterated"
            elif (
                min(len(qs), len(cs)) >= 4
                and fq[:1] == fc[:1]
                and Levenshtein.distance(fq, fc, score_cutoff=1) <= 1
            ):
                best, how = cfg.TRANSLITERATED_NEAR, "transliterated"
    lq, lc = len(q), len(c)
    short = min(lq, lc)
    if short >= 4 and best < cfg.STEM and q[:4] == c[:4] and _same_stem(q, c, person):
        best, how = cfg.STEM, "stem"  # "bank" / "banking", "trade" / "trading"
    if short >= 4 and best < cfg.SPELLING_VARIANT and not nisba:
        shared = spelling_skeletons(q) & spelling_skeletons(c)
        if any(
            len(skel) >= cfg.SPELLING_MIN_CONSONANTS
            # three consonants and as many vowel sounds: "Husayn" / "Hussein"
            or (len(skel) == 3 and _vowel_groups(q) == _vowel_groups(c))
            for skel in shared
        ):
            best, how = cfg.SPELLING_VARIANT, "spelling"
    if person and best < cfg.NICKNAME and q.isalpha() and c.isalpha() and are_nicknames(q, c):
        best, how = cfg.NICKNAME, "nickname"  # "Bob" / "Robert"
    if (
        person
        and best < cfg.GIVEN_NAME_VARIANT
        and short >= 3
        and same_given_name(q, c, q_var, c_var)
    ):
        best, how = cfg.GIVEN_NAME_VARIANT, "given_name"  # "Sergey" / "Serhii" / "Siarhei"
    if best < cfg.VARIANT and _PARTICLE_CANON.get(q, q) == _PARTICLE_CANON.get(c, c):
        best, how = cfg.VARIANT, "transliterated"  # "bin" / "ibn", "el" / "al"
    if short == 1:
        if person and q[0] == c[0] and best < cfg.INITIAL:
            return cfg.INITIAL, "initial"
        return best, how
    if (
        q_phon
        and q_phon == c_phon
        and q[0] == c[0]
        and short >= 3
        and max(lq, lc) >= 4  # "min" and "man" share MN: too short to tell
        and best < cfg.PHONETIC
    ):
        sim = Levenshtein.normalized_similarity(q, c)
        # sounds alike, but the spelling still counts: "marc"/"mark" 0.85, "sang"/"song"
        # 0.85, "rosoboroneksport"/"rosoboronexport" 0.90
        phonetic = min(cfg.PHONETIC, sim + cfg.PHONETIC_SPELLING_BONUS)
        if sim >= cfg.PHONETIC_MIN_SIMILARITY and phonetic > best:
            best, how = phonetic, "phonetic"
    sim = fuzzy_similarity(q, c)
    if sim > best:
        best, how = sim, "fuzzy"
    if best < cfg.FUZZY_START_SWAP and short >= 3 and lq == lc and _swapped(q, c):
        # "Akina" / "Kaina", "Hcol" / "Chol"; in a three-letter word any two neighbours
        # ("Osp" / "Sop", "Ski" / "Sik": a syllable typed with two letters swapped)
        best, how = cfg.FUZZY_START_SWAP, "fuzzy"
    near = how in ("phonetic", "fuzzy", "spelling")
    if near and best > cfg.FUZZY_INFLECTION and _inflection(_russian_ending(q), _russian_ending(c)):
        best = cfg.FUZZY_INFLECTION  # "Ivanov" vs "Ivanova", "Mario" vs "Maria"
    return best, how
