"""The upper bound of a name score, for many party names against the names of a list delta.

:func:`prosper.matching.names.score_name` is a weighted share of aligned tokens: an aligned
pair adds ``s·(w_q + w_c)`` to the numerator and ``w_q + w_c`` to the denominator (``s`` the
pair's token agreement, ``w`` the token weights), an unaligned token adds ``extra × w`` to the
denominator (a particle or patronymic 0.3 of that): ``extra`` is at least 0.5
(:data:`~prosper.matching.config.EXTRA_TOKEN_PERSON`), and at least 1.0 when both names keep
an unaligned word or one name is a single word and the other is not (``EXTRA_TOKEN_CONFLICT``,
``EXTRA_TOKEN_SINGLE``). With each token's best agreement ``s_t`` with any token of the other
name and its cost ``c_t``, the score can reach ``floor`` only if
``Σ max(0, (s_t − floor)·w_t + floor·c_t) ≥ floor · Σ c_t`` over the tokens of both names
(the best choice of aligned tokens; :func:`benefit`). The sums are accumulated token by token
over the links of :class:`prosper.cases.token_links.TokenLinks` (a token agreeing with several
tokens of the other name counts for each: still an upper bound); the dearer ``extra`` is used
only when a word of each name surely has nothing to agree with. Agreements are those of a
person's name unless the party is an organization (no nicknames, no initials), and of two
one-syllable names when both are. The brand rule's fixed score (every party token agreeing at
``PHONETIC`` or better) is allowed for; merged tokens and identifiers are the caller's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from prosper.cases.token_links import TokenLinks
from prosper.matching import config as cfg
from prosper.matching.syllables import syllable_count
from prosper.names.normalize import NameForm
from prosper.names.weights import TokenWeights

EXTRAS = (cfg.EXTRA_TOKEN_PERSON, min(cfg.EXTRA_TOKEN_CONFLICT, cfg.EXTRA_TOKEN_SINGLE))
_PARTICLES = frozenset(cfg.PARTICLES.split())
_PATRONYMIC = re.compile(cfg.PATRONYMIC_ENDINGS)


@lru_cache(maxsize=200_000)
def minor(token: str) -> bool:
    """A particle or patronymic (``_minor`` of the matcher)."""
    return token in _PARTICLES or (len(token) >= 7 and _PATRONYMIC.search(token) is not None)


def cost(token: str, weights: TokenWeights, extra: float) -> float:
    """The least an unaligned ``token`` adds to the denominator at ``extra``."""
    return weights.weight(token) * extra * (cfg.MINOR_TOKEN if minor(token) else 1.0)


def benefit(token: str, s: float, weights: TokenWeights, floor: float, extra: float) -> float:
    """What aligning ``token`` at agreement ``s`` can add, beyond leaving it unaligned."""
    return max(0.0, (s - floor) * weights.weight(token) + floor * cost(token, weights, extra))


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
        # every occurrence of a token counts (a repeated token costs and gains each time)
        toks = [f.tokens for f in forms]
        self._form_tokens = toks
        self._form_cost = [[sum(cost(t, weights, x) for t in ts) for x in EXTRAS] for ts in toks]
        self._form_syllabic = [syllabic(ts) for ts in toks]
        self._form_words = [sum(1 for t in ts if not minor(t)) for ts in toks]
        self._form_size = [len(ts) for ts in toks]
        by_token: dict[str, list[int]] = defaultdict(list)
        for f_idx, ts in enumerate(toks):
            for token in ts:
                by_token[token].append(f_idx)
        # register token → form → (gains by [person, org] × [plain, syllabic] × extras,
        # brand-grade as a person / organization, linked words of the form)
        self._gain: dict[str, dict[int, tuple[list[float], bool, bool, int]]] = {}
        for token in register_tokens:
            linked = links.delta_side(token)
            if not linked:
                continue
            best: dict[int, list[float]] = {}
            side: dict[int, list[float]] = {}
            words: dict[int, int] = defaultdict(int)
            for other, link in linked.items():
                mine = [benefit(other, s, weights, floor, x) for s in link for x in EXTRAS]
                for f_idx in by_token.get(other, ()):
                    b = best.setdefault(f_idx, [0.0, 0.0, 0.0, 0.0])
                    for k in range(4):
                        b[k] = max(b[k], link[k])
                    acc = side.setdefault(f_idx, [0.0] * 8)
                    for k in range(8):
                        acc[k] += mine[k]
                    if not minor(other):
                        words[f_idx] += 1
            table = {}
            for f_idx, b in best.items():
                acc = side[f_idx]
                gains = [
                    benefit(token, b[k // 2], weights, floor, EXTRAS[k % 2]) + acc[k]
                    for k in range(8)
                ]
                table[f_idx] = (
                    gains,
                    b[0] >= cfg.PHONETIC,
                    b[2] >= cfg.PHONETIC,
                    words[f_idx],
                )
            self._gain[token] = table

    def required(self, tokens: Sequence[str]) -> set[str]:
        """The tokens of a name one of which must agree with the other name for this name's
        side of the sum to reach its share: aligned tokens add at most ``(1 − floor)·w +
        floor·c`` each, so the tokens outside this set (costliest first taken in), all
        agreeing, still fall short of ``floor × Σ c``. If neither name's side reaches its
        share, the pair cannot reach ``floor``."""
        w = self.weights
        k = self.floor / (1.0 - self.floor)
        ranked = sorted(((cost(t, w, EXTRAS[0]), t) for t in tokens), reverse=True)
        rest = sum(w.weight(t) for t in tokens)
        taken = 0.0
        out: set[str] = set()
        for c, token in ranked:
            if rest < k * taken:
                break
            out.add(token)
            taken += c
            rest -= w.weight(token)
        return out

    def form_required(self, f_idx: int) -> set[str]:
        """:meth:`required` of delta name ``f_idx``."""
        return self.required(self._form_tokens[f_idx])

    def form_side(self, f_idx: int) -> tuple[tuple[str, ...], dict[str, float], float]:
        """Delta name ``f_idx``: its tokens, the most each can add aligned, and the share its
        side must reach (``floor × Σ c``): a party whose links to this name's tokens add less
        cannot have this side carry the pair."""
        tokens = self._form_tokens[f_idx]
        w, floor = self.weights, self.floor
        best = {t: benefit(t, 1.0, w, floor, EXTRAS[0]) for t in set(tokens)}
        return tokens, best, floor * self._form_cost[f_idx][0]

    def reachable(
        self, tokens: Sequence[str], organization: bool = False, more: Iterable[int] = ()
    ) -> list[int]:
        """The delta names (indexes) a party name of ``tokens`` could score ``floor`` against:
        among those one of its required tokens links to, and ``more`` (the names whose
        required tokens link to one of its tokens)."""
        gain_of = self._gain
        candidates = set(more)
        for token in self.required(tokens):
            candidates.update(gain_of.get(token, ()))
        if not candidates:
            return []
        w = self.weights
        own = [sum(cost(t, w, x) for t in tokens) for x in EXTRAS]
        words = sum(1 for t in tokens if not minor(t))
        one_syllable = syllabic(tokens)
        base = 4 if organization else 0
        floor, n = self.floor, len(tokens)
        out = []
        for f_idx in candidates:
            k = base + (2 if one_syllable and self._form_syllabic[f_idx] else 0)
            plain = dear = 0.0
            linked_words = link_count = strong = 0
            for token in tokens:
                entry = gain_of.get(token, {}).get(f_idx)
                if entry is None:
                    continue
                gains, brand_p, brand_o, n_links = entry
                plain += gains[k]
                dear += gains[k + 1]
                if not minor(token):
                    linked_words += 1
                link_count += n_links
                if brand_o if organization else brand_p:
                    strong += 1
            if strong == n and floor <= cfg.BRAND_SCORE:
                out.append(f_idx)
                continue
            size = self._form_size[f_idx]
            conflict = (linked_words < words and link_count < self._form_words[f_idx]) or (
                min(n, size) == 1 < max(n, size)
            )
            x = 1 if conflict else 0
            if (dear if conflict else plain) >= floor * (own[x] + self._form_cost[f_idx][x]):
                out.append(f_idx)
        return out
