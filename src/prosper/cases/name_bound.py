"""The upper bound of a name score, for many party names against the names of a list delta.

:func:`prosper.matching.names.score_name` is a weighted share of aligned tokens: an aligned
pair adds ``s·(w_q + w_c)`` to the numerator and ``w_q + w_c`` to the denominator (``s`` the
pair's token agreement, ``w`` the token weights), an unaligned token adds at least half its
weight to the denominator (:data:`~prosper.matching.config.EXTRA_TOKEN_PERSON`; a particle or
patronymic 0.3 of that). With each token's best agreement ``s_t`` with any token of the other
name and its cost ``c_t``, the score can reach ``floor`` only if
``Σ max(0, (s_t − floor)·w_t + floor·c_t) ≥ floor · Σ c_t`` over the tokens of both names
(the best choice of aligned tokens; :func:`benefit`). The sums are accumulated token by token
over the links of :class:`prosper.cases.token_links.TokenLinks` (a token agreeing with several
tokens of the other name is counted for each: still an upper bound). The brand rule's fixed
score (every party token agreeing at ``PHONETIC`` or better) is allowed for; merged tokens and
identifiers are the caller's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from prosper.cases.token_links import TokenLinks
from prosper.matching import config as cfg
from prosper.matching.syllables import syllable_count
from prosper.names.normalize import NameForm
from prosper.names.weights import TokenWeights

UNALIGNED = cfg.EXTRA_TOKEN_PERSON  # the least an unaligned token costs, × its weight
_PARTICLES = frozenset(cfg.PARTICLES.split())
_PATRONYMIC = re.compile(cfg.PATRONYMIC_ENDINGS)


def cost(token: str, weights: TokenWeights) -> float:
    """The least an unaligned ``token`` adds to the denominator."""
    minor = token in _PARTICLES or (len(token) >= 7 and _PATRONYMIC.search(token) is not None)
    return weights.weight(token) * UNALIGNED * (cfg.MINOR_TOKEN if minor else 1.0)


def benefit(token: str, s: float, weights: TokenWeights, floor: float) -> float:
    """What aligning ``token`` at agreement ``s`` can add, beyond leaving it unaligned."""
    return max(0.0, (s - floor) * weights.weight(token) + floor * cost(token, weights))


def syllabic(tokens: Sequence[str]) -> bool:
    """Every token one syllable (:func:`prosper.matching.syllables.one_syllable_name`):
    near-but-different syllables do not agree between two such names."""
    return all(syllable_count(t) == 1 and not t.isdigit() for t in tokens)


class PairBound:
    """Which delta names each party name could reach (module docstring)."""

    def __init__(
        self,
        forms: Sequence[NameForm],
        links: TokenLinks,
        register_tokens: Sequence[str],
        weights: TokenWeights,
        floor: float,
    ) -> None:
        self.floor = floor
        self.weights = weights
        self.links = links
        self._form_cost = [sum(cost(t, weights) for t in set(f.tokens)) for f in forms]
        self._form_syllabic = [syllabic(f.tokens) for f in forms]
        by_token: dict[str, list[int]] = defaultdict(list)
        for f_idx, form in enumerate(forms):
            for token in set(form.tokens):
                by_token[token].append(f_idx)
        # register token → form → (bound gain, the same between one-syllable names, brand-grade)
        self._gain: dict[str, dict[int, tuple[float, float, bool]]] = {}
        for token in register_tokens:
            linked = links.delta_side(token)
            if not linked:
                continue
            mine: dict[int, list[float]] = {}
            for other, (s, s_syl) in linked.items():
                d_all = benefit(other, s, weights, floor)
                d_syl = benefit(other, s_syl, weights, floor)
                for f_idx in by_token.get(other, ()):
                    acc = mine.setdefault(f_idx, [0.0, 0.0, 0.0, 0.0, 0.0])
                    acc[0] = max(acc[0], s)
                    acc[1] = max(acc[1], s_syl)
                    acc[2] += d_all
                    acc[3] += d_syl
            self._gain[token] = {
                f: (
                    benefit(token, a[0], weights, floor) + a[2],
                    benefit(token, a[1], weights, floor) + a[3],
                    a[0] >= cfg.PHONETIC,
                )
                for f, a in mine.items()
            }

    def reachable(self, tokens: Sequence[str]) -> list[int]:
        """The delta names (indexes) a party name of ``tokens`` could score ``floor`` against."""
        distinct = set(tokens)
        own_cost = sum(cost(t, self.weights) for t in distinct)
        one_syllable = syllabic(tokens)
        acc: dict[int, float] = defaultdict(float)
        strong: dict[int, int] = defaultdict(int)
        for token in distinct:
            for f_idx, (gain, gain_syl, brand) in self._gain.get(token, {}).items():
                acc[f_idx] += gain_syl if one_syllable and self._form_syllabic[f_idx] else gain
                if brand:
                    strong[f_idx] += 1
        floor, costs, n = self.floor, self._form_cost, len(distinct)
        return [
            f
            for f, gain in acc.items()
            if gain >= floor * (own_cost + costs[f])
            or (strong.get(f, 0) == n and floor <= cfg.BRAND_SCORE)
        ]
