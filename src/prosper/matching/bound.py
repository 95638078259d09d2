"""An upper bound of :func:`prosper.matching.names.score_name`, cheaper than the score.

The screening index scores every retrieved candidate name, though most cannot reach the
reporting floor. :func:`name_bound` is never below the true score (it is *admissible*): a
candidate whose bound is under the floor can be left unscored without changing any result.

The bound takes the token agreements (:func:`~prosper.matching.tokens.token_agreement`, the
same memoised rows the scorer reads) and keeps, for each token of either name, its best
agreement with any token of the other (or the score of a one-word / two-word merge when one is
possible). It skips the alignment, the minor-word and common-name rules and, unless needed, the
comparison without spaces. The token score is a weighted mean of the agreements of the aligned
tokens over the weights of all tokens, unaligned ones counted at ``extra`` of their weight; so,
with ``m`` the best agreement of a token, ``hi`` the largest weight it can count with when
aligned and ``lo`` the smallest when not (a minor word's weight × ``MINOR_TOKEN``), the score
``t`` satisfies ``Σ_{m > t} (m − t)·hi ≥ t · extra_min · Σ_{m = 0} lo``, whose root is the
largest ``Σ m·hi / (Σ hi + extra_min · Σ lo)`` over the tokens taken best agreement first.
The fixed scores a rule can give instead (brand, acronym) count when the rule may apply, and the
comparison without spaces (:func:`~prosper.matching.compact.compact_score`) exactly.
"""

from __future__ import annotations

from prosper.matching import config as cfg
from prosper.matching.compact import compact_score
from prosper.matching.names import _whole_acronym
from prosper.matching.skeleton import consonant_skeleton
from prosper.matching.tokens import minor, token_agreement
from prosper.model import EntityType
from prosper.names.normalize import NameForm, with_compounds_joined
from prosper.names.orgs import is_generic_word
from prosper.names.weights import TokenWeights

__all__ = ["name_bound"]

_Rows = dict[tuple[str, bool], list[float]]
# the smallest share of its weight an unaligned token can count with (whatever rule applies)
_EXTRA_MIN_PERSON = min(
    cfg.EXTRA_TOKEN_PERSON,
    cfg.EXTRA_TOKEN_SINGLE,
    cfg.EXTRA_TOKEN_CONFLICT,
    cfg.EXTRA_TOKEN_SYLLABIC,
)
_EXTRA_MIN_OTHER = min(
    cfg.EXTRA_TOKEN_ORG,
    cfg.EXTRA_TOKEN_SINGLE,
    cfg.EXTRA_TOKEN_CONFLICT,
    cfg.EXTRA_TOKEN_SYLLABIC,
)
_MERGED = cfg.EXACT * cfg.COMPACT_FACTOR
_MERGED_ABJAD = max(_MERGED, cfg.TRANSLITERATED)


def name_bound(
    query: NameForm,
    candidate: NameForm,
    weights: TokenWeights,
    type: EntityType | None = None,
    cache: _Rows | None = None,
    floor: float = float("inf"),
) -> float:
    """An upper bound of ``score_name(query, candidate, weights, type).score``.

    Args:
        query: The prepared screened name.
        candidate: The prepared list name.
        weights: Token weights (as given to the scorer).
        type: The entity type (as given to the scorer).
        cache: Optional per-query memo of the best agreement of a candidate token with each
            query token (for one query and one ``type``).
        floor: The bound may stop refining once it reaches ``floor``: a value at least
            ``floor`` only says "may reach the floor" (the comparison without spaces is then
            not computed).

    Returns:
        A value never below the score.
    """
    bound = _token_bound(query, candidate, weights, type, cache, floor)
    if ("arabic" in query.scripts) != ("arabic" in candidate.scripts) and bound < floor:
        jq, jc = with_compounds_joined(query), with_compounds_joined(candidate)
        if jq is not None or jc is not None:
            joined = _token_bound(jq or query, jc or candidate, weights, type, None, floor)
            bound = max(bound, joined)
    return bound


def _best_agreements(
    query: NameForm, candidate: NameForm, person: bool, abjad: bool, cache: _Rows | None
) -> tuple[list[float], list[float]]:
    """The best token agreement of each query token and of each candidate token."""
    qt = query.tokens
    best_q = [0.0] * len(qt)
    best_c = [0.0] * len(candidate.tokens)
    for j, c in enumerate(candidate.tokens):
        row = cache.get((c, abjad)) if cache is not None else None
        if row is None:
            cp, ck, cv = candidate.phonetic[j], candidate.korean[j], candidate.variant[j]
            row = [
                token_agreement(
                    q,
                    query.phonetic[i],
                    query.korean[i],
                    c,
                    cp,
                    ck,
                    person,
                    abjad,
                    query.variant[i],
                    cv,
                )[0]
                for i, q in enumerate(qt)
            ]
            if cache is not None:
                cache[(c, abjad)] = row
        for i, s in enumerate(row):
            if s > best_q[i]:
                best_q[i] = s
        best_c[j] = max(row, default=0.0)
    return best_q, best_c


def _mergeable(
    one: tuple[str, ...], two: tuple[str, ...], abjad: bool
) -> tuple[set[int], set[int]]:
    """Tokens of ``one`` that may be one word for two of ``two``, and those two
    (:func:`~prosper.matching.compact.merge_split_tokens`, any tokens free)."""
    ones: set[int] = set()
    twos: set[int] = set()
    if len(two) < 2:
        return ones, twos
    for i, word in enumerate(one):
        if len(word) < cfg.MERGED_MIN_LENGTH:
            continue
        if abjad and len(consonant_skeleton(word)) >= 3:
            ones.add(i)  # consonants of two words joined: any two may do
            twos.update(range(len(two)))
            continue
        for j, first in enumerate(two):
            if not word.startswith(first):
                continue
            for k, second in enumerate(two):
                if j != k and len(first) + len(second) == len(word) and word.endswith(second):
                    ones.add(i)
                    twos.update((j, k))
    return ones, twos


def _may_be_minor(token: str, org: bool) -> bool:
    """The token may count as a minor word when unaligned (particle, title, patronymic; for
    an organisation also an acronym or a generic word)."""
    if minor(token, not org):
        return True
    return org and (len(token) <= 6 or is_generic_word(token))


def _token_bound(
    query: NameForm,
    candidate: NameForm,
    weights: TokenWeights,
    type: EntityType | None,
    cache: _Rows | None,
    floor: float,
) -> float:
    person = type is EntityType.PERSON or type is None
    org = type is not EntityType.PERSON
    abjad = ("arabic" in query.scripts) != ("arabic" in candidate.scripts)
    qt, ct = query.tokens, candidate.tokens
    best_q, best_c = _best_agreements(query, candidate, person, abjad, cache)
    merged = _MERGED_ABJAD if abjad else _MERGED
    q_one, c_two = _mergeable(qt, ct, abjad)
    c_one, q_two = _mergeable(ct, qt, abjad)
    q_merge, c_merge = q_one | q_two, c_one | c_two
    alignable: list[tuple[float, float]] = []  # (best agreement, largest weight)
    missing = 0.0  # smallest weight of the tokens that cannot be aligned
    for tokens, best, merge in ((qt, best_q, q_merge), (ct, best_c, c_merge)):
        for i, tok in enumerate(tokens):
            m = max(best[i], merged) if i in merge else best[i]
            w = weights.weight(tok, False)  # the population factor only lowers a weight
            if m > 0.0:
                alignable.append((m, w))
            else:
                missing += w * (cfg.MINOR_TOKEN if _may_be_minor(tok, org) else 1.0)
    extra = _EXTRA_MIN_PERSON if type is EntityType.PERSON else _EXTRA_MIN_OTHER
    den = extra * missing
    num = bound = 0.0
    alignable.sort(reverse=True)
    for m, w in alignable:
        num += m * w
        den += w
        if den > 0.0 and num / den > bound:
            bound = num / den
    if (
        org
        and len(ct) > len(qt)
        and all(best_q[i] >= cfg.PHONETIC or i in q_merge for i in range(len(qt)))
    ):
        bound = max(bound, cfg.BRAND_SCORE)  # the brand rule may apply
    if org and bound < cfg.ACRONYM_SCORE and _whole_acronym(query, candidate):
        bound = cfg.ACRONYM_SCORE
    if bound < floor:
        bound = max(bound, compact_score(query, candidate, abjad))
    return min(1.0, bound)
