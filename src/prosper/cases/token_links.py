"""Which tokens of the register could agree with which tokens of a list delta.

:func:`prosper.matching.names.token_agreement` gives two tokens a non-zero agreement only when
they are equal, share a Korean romanization key or a transliteration-variant key, share their
first four letters (a stem), share a spelling skeleton, are nicknames of one name, are spellings
of one particle, one is an initial of the other, are within the edit distance of its fuzzy
rule (``max(1, shorter // 4)``; optimal string alignment, so a swap is one edit) or its phonetic
rule (same metaphone and first letter, Levenshtein similarity ≥ 0.65), or — across Arabic
script — share a consonant skeleton (or one edit apart). :class:`TokenLinks` finds, for every
register token, each delta token in one of those relations, by dictionary look-ups and a
bounded edit-distance search over the delta tokens of similar length: a superset of the pairs
``token_agreement`` scores above zero (nothing is scored here).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from prosper.matching import config as cfg
from prosper.matching.skeleton import consonant_skeleton
from prosper.names.korean import korean_key
from prosper.names.nicknames import _family
from prosper.names.variants import spelling_skeletons, variant_key

_PARTICLE_CANON = {
    spelling: group.split()[0] for group in cfg.PARTICLE_SPELLINGS for spelling in group.split()
}
PHONETIC_DISTANCE = 1.0 - cfg.PHONETIC_MIN_SIMILARITY
"""The phonetic rule needs a Levenshtein similarity of 0.65: at most 35 % of the longer token
edited (optimal string alignment distance is never larger than Levenshtein distance)."""


def _budget(a: int, b: int) -> int:
    """The largest edit distance at which two tokens of these lengths can still agree."""
    fuzzy = max(1, min(a, b) // cfg.FUZZY_CHARS_PER_EDIT)
    phonetic = int(PHONETIC_DISTANCE * max(a, b)) if min(a, b) >= 3 else 0
    return max(fuzzy, phonetic)


def _keys(token: str, abjad: bool) -> list[str]:
    """Dictionary keys under which two tokens that agree meet (the edit rules aside)."""
    out = ["=" + token, "c:" + _PARTICLE_CANON.get(token, token)]
    kor = korean_key(token)
    if kor is not None:
        out.append("k:" + kor)
    if len(token) >= 3:
        out.append("v:" + variant_key(token))
    if len(token) >= 4:
        out.append("4:" + token[:4])
        out.extend("s:" + skel for skel in spelling_skeletons(token))
    if abjad and len(token) >= 3 and not token.isdigit():
        out.append("a:" + consonant_skeleton(token))  # Arabic-script pairs: skeletons
    return out


class TokenLinks:
    """Register token ↔ delta tokens that could agree (module docstring)."""

    def __init__(
        self,
        delta_tokens: Iterable[str],
        register_tokens: Iterable[str],
        abjad_tokens: Iterable[str] = (),
    ) -> None:
        """Link every register token to the delta tokens; ``abjad_tokens`` are the delta tokens
        of Arabic-script names (compared with the register's by consonant skeleton too)."""
        delta = sorted(set(delta_tokens))
        abjad = set(abjad_tokens)
        delta_set = set(delta)
        by_key: dict[str, set[str]] = defaultdict(set)
        by_length: dict[int, list[str]] = defaultdict(list)
        initials: dict[str, set[str]] = defaultdict(set)
        for token in delta:
            for key in _keys(token, token in abjad):
                by_key[key].add(token)
            by_length[len(token)].append(token)
            initials[token[:1]].add(token)
        self._forward: dict[str, set[str]] = {}
        self._backward: dict[str, set[str]] = defaultdict(set)
        singles = {t for t in delta if len(t) == 1}
        for token in register_tokens:
            found: set[str] = set()
            for key in _keys(token, bool(abjad)):
                found |= by_key.get(key, set())
            if len(token) == 1:
                found |= initials.get(token, set())  # "J" / "John"
            for single in singles:
                if token.startswith(single):
                    found.add(single)
            found |= self._edited(token, by_length)
            if token.isalpha() and len(token) >= 2:  # "bob" / "robert" (are_nicknames)
                found |= _family(token) & delta_set
            if found:
                self._forward[token] = found
                for other in found:
                    self._backward[other].add(token)

    @staticmethod
    def _edited(token: str, by_length: dict[int, list[str]]) -> set[str]:
        n = len(token)
        if n < 3:
            return set()
        out: set[str] = set()
        for length in range(max(3, n // 2), 2 * n + 1):
            choices = by_length.get(length)
            limit = _budget(n, length)
            if not choices or abs(length - n) > limit:
                continue
            for other, _dist, _i in process.extract(
                token, choices, scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                out.add(other)
        return out

    def delta_side(self, register_token: str) -> set[str]:
        """The delta tokens ``register_token`` could agree with."""
        return self._forward.get(register_token, set())

    def register_side(self, delta_token: str) -> set[str]:
        """The register tokens that could agree with ``delta_token``."""
        return self._backward.get(delta_token, set())
