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
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from prosper.cases.token_links import TokenLinks
from prosper.matching import config as cfg
from prosper.matching.syllables import syllable_count
from prosper.names.normalize import NameForm
from prosper.names.weights import TokenWeights

EXTRAS = (cfg.EXTRA_TOKEN_PERSON, min(cfg.EXTRA_TOKEN_CONFLICT, cfg.EXTRA_TOKEN_SINGLE))
_PARTICLES = frozenset(cfg.PARTICLES.split())
_PATRONYMIC = re.compile(cfg.PATRONYMIC_ENDINGS)
ESSENTIAL_MARGIN = 1e-9
SUBSET_TOKENS = 8
"""Up to this many distinct tokens, :func:`_sum_reaches` works on token subsets."""
TokenInfo = tuple[float, float, float, bool]
"""A token's weight, its cost at each of :data:`EXTRAS`, and whether it is minor."""


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
        register_tokens: Iterable[str],
        weights: TokenWeights,
        floor: float,
    ) -> None:
        self.floor = floor
        self.weights = weights
        self._info: dict[str, TokenInfo] = {}
        self._one_syllable: dict[str, bool] = {}
        self._required: dict[tuple[str, ...], frozenset[str]] = {}
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
                in_forms = by_token.get(other)
                if not in_forms:
                    continue
                mine = self._benefits(other, link)
                word = not self.info(other)[3]
                for f_idx in in_forms:
                    b = best.get(f_idx)
                    if b is None:
                        best[f_idx] = list(link)
                        side[f_idx] = list(mine)
                    else:
                        for k in range(4):
                            if link[k] > b[k]:
                                b[k] = link[k]
                        acc = side[f_idx]
                        for k in range(8):
                            acc[k] += mine[k]
                    if word:
                        words[f_idx] += 1
            if not best:
                continue
            table = {}
            for f_idx, b in best.items():
                own = self._benefits(token, b)
                acc = side[f_idx]
                table[f_idx] = (
                    [own[k] + acc[k] for k in range(8)],
                    b[0] >= cfg.PHONETIC,
                    b[2] >= cfg.PHONETIC,
                    words[f_idx],
                )
            self._gain[token] = table

    def info(self, token: str) -> TokenInfo:
        """``token``'s weight, its two :func:`cost` values (:data:`EXTRAS`) and whether it is
        minor, computed once."""
        known = self._info.get(token)
        if known is None:
            w = self.weights.weight(token)
            small = minor(token)
            scale = cfg.MINOR_TOKEN if small else 1.0
            known = (w, w * EXTRAS[0] * scale, w * EXTRAS[1] * scale, small)
            self._info[token] = known
        return known

    def syllabic(self, tokens: Sequence[str]) -> bool:
        """:func:`syllabic`, with each token's syllable count worked out once."""
        known = self._one_syllable
        for token in tokens:
            one = known.get(token)
            if one is None:
                one = known[token] = syllabic((token,))
            if not one:
                return False
        return True

    def _benefits(self, token: str, link: Sequence[float]) -> list[float]:
        """:func:`benefit` of ``token`` at each of the four agreements of ``link``, at each of
        :data:`EXTRAS` (the same arithmetic, so the same floats)."""
        w, c0, c1, _small = self.info(token)
        floor = self.floor
        f0, f1 = floor * c0, floor * c1
        out: list[float] = []
        for s in link:
            base = (s - floor) * w
            out.append(max(0.0, base + f0))
            out.append(max(0.0, base + f1))
        return out

    def linked(self, token: str) -> bool:
        """Whether register ``token`` could agree with a token of a delta name."""
        return token in self._gain

    def any_linked(self, tokens: Iterable[str]) -> bool:
        """Whether one of ``tokens`` could agree with a token of a delta name."""
        return not self._gain.keys().isdisjoint(tokens)

    def required(self, tokens: Sequence[str]) -> frozenset[str]:
        """The tokens of a name one of which must agree with the other name for this name's
        side of the sum to reach its share: aligned tokens add at most ``(1 − floor)·w +
        floor·c`` each, so the tokens outside this set (costliest first taken in), all
        agreeing, still fall short of ``floor × Σ c``. If neither name's side reaches its
        share, the pair cannot reach ``floor``."""
        key = tuple(tokens)
        known = self._required.get(key)
        if known is not None:
            return known
        info = self.info
        k = self.floor / (1.0 - self.floor)
        ranked = sorted(((info(t)[1], t) for t in tokens), reverse=True)
        rest = sum(info(t)[0] for t in tokens)
        taken = 0.0
        out: set[str] = set()
        for c, token in ranked:
            if rest < k * taken:
                break
            out.add(token)
            taken += c
            rest -= info(token)[0]
        self._required[key] = frozenset(out)
        return self._required[key]

    def form_required(self, f_idx: int) -> frozenset[str]:
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
        if not gain_of.keys().isdisjoint(tokens):
            for token in self.required(tokens):
                candidates.update(gain_of.get(token, ()))
        if not candidates:
            return []
        info = self.info
        own = [sum(info(t)[1] for t in tokens), sum(info(t)[2] for t in tokens)]
        words = sum(1 for t in tokens if not info(t)[3])
        one_syllable = self.syllabic(tokens)
        base = 4 if organization else 0
        floor, n = self.floor, len(tokens)
        # a token without links adds nothing to any sum: only the linked ones are walked
        entries = [(table, info(t)[3]) for t in tokens if (table := gain_of.get(t)) is not None]
        form_syllabic = self._form_syllabic
        out = []
        for f_idx in candidates:
            k = base + (2 if one_syllable and form_syllabic[f_idx] else 0)
            plain = dear = 0.0
            linked_words = link_count = strong = 0
            for table, small in entries:
                entry = table.get(f_idx)
                if entry is None:
                    continue
                gains, brand_p, brand_o, n_links = entry
                plain += gains[k]
                dear += gains[k + 1]
                if not small:
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


def list_side(
    bound: PairBound, forms: int, parties_of: Callable[[str], set[int]]
) -> dict[int, set[int]]:
    """Party → the delta names (of the first ``forms``) whose own side of the sum can carry
    the pair: a party token links to one of the name's required tokens
    (:meth:`PairBound.form_required`), the party links to every token without which the
    others fall short, and the name's best gains over the tokens it links to reach the share
    (:func:`_sum_reaches`); ``parties_of``: delta token → the parties linking to it."""
    from_list: dict[int, set[int]] = defaultdict(set)
    for f_idx in range(forms):
        required = bound.form_required(f_idx)
        tokens, best, share = bound.form_side(f_idx)
        # a token without which the others, all linked, fall short: every party kept
        # links to it (the margin keeps a sum's rounding from dropping one)
        total = sum(best[t] for t in tokens)
        essential = [
            t for t in set(tokens) if total - best[t] * tokens.count(t) < share - ESSENTIAL_MARGIN
        ]
        subsets = _least_subsets(tokens, best, share)
        if subsets is None:
            reached: set[int] = set()
            for token in required:
                reached |= parties_of(token)
            if not reached:
                continue
            for token in essential:
                reached.intersection_update(parties_of(token))
            kept = _sum_reaches(tokens, best, share, reached, parties_of)
        else:
            kept = _subsets_reach(subsets, required, essential, parties_of)
        for p_idx in kept:
            from_list[p_idx].add(f_idx)
    return from_list


def party_side(
    bound: PairBound,
    names: Sequence[Sequence[tuple[str, ...]]],
    org: Sequence[bool],
    parties: Iterable[int],
    from_list: dict[int, set[int]],
) -> dict[int, set[int]]:
    """Party → the delta names one of its names could score ``floor`` against
    (:meth:`PairBound.reachable`), for the ``parties`` (indexes into ``names``: each party's
    names' tokens, and ``org``: whether it is an organization); ``from_list``: the names
    each party reaches through the list side (:func:`list_side`). A party name reaches a
    delta name only through a linked token or ``from_list``."""
    out: dict[int, set[int]] = {}
    for p_idx in parties:
        more = from_list.get(p_idx)
        for tokens in names[p_idx]:
            if more is None and not bound.any_linked(tokens):
                continue
            reached = bound.reachable(tokens, org[p_idx], () if more is None else more)
            if reached:
                known = out.get(p_idx)
                if known is None:
                    known = out[p_idx] = set()
                known.update(reached)
    return out


def _least_subsets(
    tokens: Sequence[str], best: dict[str, float], share: float
) -> list[list[str]] | None:
    """The least subsets of the distinct ``tokens`` whose sum of ``best`` (each occurrence, in
    the name's order, from 0 — the float a party linking to exactly those tokens accumulates)
    reaches ``share``: a party's sum reaches it exactly when the party links to every token of
    one of them (adding a token, ``best`` ≥ 0, never lowers a float sum). ``None`` for names of
    more than :data:`SUBSET_TOKENS` distinct tokens or a share of 0 (summed party by party)."""
    distinct = list(dict.fromkeys(tokens))
    if len(distinct) > SUBSET_TOKENS or share <= 0:
        return None
    count = len(distinct)
    bit = {t: 1 << i for i, t in enumerate(distinct)}
    steps = [(bit[t], best[t]) for t in tokens]
    totals: list[float] = []
    for mask in range(1 << count):
        total = 0.0
        for flag, b in steps:
            if mask & flag:
                total = total + b
        totals.append(total)
    out: list[list[str]] = []
    for mask in range(1, 1 << count):
        if totals[mask] < share:
            continue
        bits = [i for i in range(count) if mask >> i & 1]
        if any(totals[mask ^ (1 << i)] >= share for i in bits):
            continue  # not a least subset: a smaller one already reaches ``share``
        out.append([distinct[i] for i in bits])
    return out


def _subsets_reach(
    subsets: list[list[str]],
    required: frozenset[str],
    essential: Sequence[str],
    parties_of: Callable[[str], set[int]],
) -> set[int]:
    """The parties linking to every token of one of the ``subsets`` (:func:`_least_subsets`),
    to one of the ``required`` tokens and to every ``essential`` one: what
    :func:`_sum_reaches` keeps of the parties of the required tokens less those missing an
    essential one — but each subset's parties are intersected from its smallest set, and the
    union of the required tokens' parties (tens of thousands for a common token) is never
    built: a subset holding a required token (or an essential one) already implies it."""
    out: set[int] = set()
    need = [parties_of(t) for t in required]
    if not any(need):
        return out
    for subset in subsets:
        sets = sorted((parties_of(t) for t in subset), key=len)
        found = sets[0].intersection(*sets[1:])
        if not found:
            continue
        if required.isdisjoint(subset):
            found = {p for p in found if any(p in s for s in need)}
        missing = [parties_of(t) for t in essential if t not in subset]
        if missing:
            found = {p for p in found if all(p in s for s in missing)}
        out |= found
    return out


def _sum_reaches(
    tokens: Sequence[str],
    best: dict[str, float],
    share: float,
    reached: set[int],
    parties_of: Callable[[str], set[int]],
) -> set[int]:
    """The ``reached`` parties whose sum of ``best`` over the tokens they link to (each
    occurrence, in the name's order) reaches ``share``: the parties linking to every token of
    one of the :func:`_least_subsets` (set intersections per subset instead of a sum per
    party; the same floats, compared the same way), or party by party where there are none."""
    subsets = _least_subsets(tokens, best, share)
    if subsets is None:
        sums: dict[int, float] = {}
        for token in tokens:
            b = best[token]
            for p_idx in reached.intersection(parties_of(token)):
                sums[p_idx] = sums.get(p_idx, 0) + b
        return {p_idx for p_idx, total in sums.items() if total >= share}
    out: set[int] = set()
    for subset in subsets:
        out |= reached.intersection(*(parties_of(t) for t in subset))
    return out
