"""Screening one query with the candidates that cannot reach the floor left unscored.

:func:`screen` returns exactly what :meth:`prosper.screening.index.ScreeningIndex.screen`
returns — the same hits, scores, order and explanations — for less work: before scoring a
retrieved list name it takes :func:`~prosper.matching.bound.name_bound`, an upper bound of the
name score that is never below it. A hit can gain at most ``COUNTRY_MATCH + DOB_DAY_MATCH``
from qualifiers, so an entity whose every retrieved name has a bound under ``threshold`` minus
that reach can be neither a hit nor a seed of its other listings, whichever of its names would
have been its best: it keeps its place among the retrieved entities (an entity already
retrieved is not scored again as another listing of a party found) without being scored. An
entity holding one of the query's documents is always scored.

``clock`` (a :class:`StageClock`) adds the CPU time of each stage: candidate retrieval, the
bounds, scoring and the hits with their explanations.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from prosper.matching import config as cfg
from prosper.matching.bound import ListTokens, QueryBound
from prosper.matching.names import NameScore, score_name
from prosper.model import EntityType, Hit
from prosper.names.normalize import NameForm, prepare_name
from prosper.names.readings import name_readings
from prosper.screening.hits import finish_hit, make_hit
from prosper.screening.query import Query

if TYPE_CHECKING:
    from prosper.screening.index import ScreeningIndex

__all__ = ["StageClock", "screen"]

# the most a hit gains from qualifiers (as ScreeningIndex.screen counts it)
REACH = cfg.COUNTRY_MATCH + cfg.DOB_DAY_MATCH
# bounds and scores are sums in different orders: a bound this close to the floor is scored
_MARGIN = 1e-6
# the place of an entity no retrieved name of which can reach the floor
_UNSCORED = NameScore(score=-1.0, aligned=(), extra_query=(), extra_candidate=(), rule="unscored")
# the list tokens' query-independent features, one ListTokens per index weights (the last few
# indexes screened: a reloaded index gets a fresh one)
_LIST_TOKENS: list[ListTokens] = []
_LIST_TOKENS_KEPT = 2


@dataclass
class StageClock:
    """CPU seconds per stage over the queries screened with it, and how many list names were
    retrieved, bounded and scored."""

    seconds: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("retrieval", "bound", "scoring", "hits"), 0.0)
    )
    retrieved: int = 0
    scored: int = 0

    def add(self, stage: str, since: float) -> float:
        """Add the thread CPU time since ``since`` to ``stage``; the time now."""
        now = time.thread_time()
        self.seconds[stage] += now - since
        return now


def screen(
    index: ScreeningIndex,
    query: Query,
    threshold: float = 0.8,
    limit: int = 10,
    clock: StageClock | None = None,
    *,
    bounded: bool = True,
) -> tuple[Hit, ...]:
    """:meth:`ScreeningIndex.screen <prosper.screening.index.ScreeningIndex.screen>`, with
    hopeless candidates unscored (same result).

    Args:
        index: The screening index.
        query: The name and qualifiers to screen.
        threshold: Minimum final score of a returned hit (and of ``Hit.match``).
        limit: Maximum number of hits.
        clock: When given, the CPU time of each stage is added to it.
        bounded: False scores every retrieved name (the reference the bound is tested against).

    Returns:
        The hits, one per entity, best first.
    """
    t0 = time.thread_time() if clock is not None else 0.0
    if query.type is not None and not isinstance(query.type, EntityType):
        query = replace(query, type=EntityType(query.type))  # "person" from an edge
    readings = name_readings(query.name)
    forms = [f for f in (prepare_name(r, query.type) for r in readings) if f.tokens]
    if not forms:
        return ()
    sources = frozenset(query.sources)
    names = index._names
    retrieved = [[(n_idx, names[n_idx]) for n_idx in index._candidates(f, sources)] for f in forms]
    id_matches = index._identifier_matches(query, sources)
    if clock is not None:
        t0 = clock.add("retrieval", t0)
        clock.retrieved += sum(len(r) for r in retrieved)
    floor = threshold - REACH
    live = (
        _live_entities(index, query, forms, retrieved, id_matches, floor)
        if bounded
        else {e_idx for found in retrieved for _, (e_idx, _, _) in found}
    )
    if clock is not None:
        t0 = clock.add("bound", t0)
    best: dict[int, tuple[NameScore, int, NameForm]] = {}
    weights = index._weights
    entity_type = index._entity_type
    scored_count = 0
    for form, found in zip(forms, retrieved, strict=True):
        cache_by_type: dict[EntityType | None, dict[tuple[str, bool], list[tuple[float, str]]]]
        cache_by_type = {}
        scored: dict[tuple[NameForm, EntityType | None], NameScore] = {}
        for n_idx, (e_idx, strong, cand) in found:
            if e_idx not in live:
                best.setdefault(e_idx, (_UNSCORED, n_idx, form))
                continue
            type_ = query.type if query.type is not None else entity_type(e_idx)
            result = scored.get((cand, type_))
            if result is None:
                cache = cache_by_type.setdefault(type_, {})
                result = score_name(form, cand, weights, type_, cache)
                scored[(cand, type_)] = result
                scored_count += 1
            score = result.score * (1.0 if strong else cfg.WEAK_ALIAS_FACTOR)
            known = best.get(e_idx)
            if known is None or score > _effective(known[0], known[1], names):
                best[e_idx] = (result, n_idx, form)
    for e_idx in id_matches:
        if e_idx not in best:  # not retrieved by name: score its names all the same
            n_idx = index._first_name(e_idx)
            while 0 <= n_idx < len(names) and names[n_idx][0] == e_idx:
                for form in forms:
                    cand = names[n_idx][2]
                    result = score_name(form, cand, weights, query.type)
                    known = best.get(e_idx)
                    if known is None or result.score > known[0].score:
                        best[e_idx] = (result, n_idx, form)
                n_idx += 1
    index._add_companions(best, forms, query, sources, floor)
    if clock is not None:
        t0 = clock.add("scoring", t0)
        clock.scored += scored_count
    out = _hits(index, query, best, id_matches, threshold, limit)
    if clock is not None:
        clock.add("hits", t0)
    return out


def _hits(
    index: ScreeningIndex,
    query: Query,
    best: dict[int, tuple[NameScore, int, NameForm]],
    id_matches: set[int],
    threshold: float,
    limit: int,
) -> tuple[Hit, ...]:
    """The hits of the entities in ``best`` that may reach ``threshold``, merged by party
    (:meth:`~prosper.screening.index.ScreeningIndex.merge_listings`), best first. The name
    match is put in words only for the hits returned (and their listings); the listings are
    not merged when no hit reaches ``threshold`` (nothing is returned) or when there is one
    hit (nothing to merge it with)."""
    names = index._names
    entities = index.entities
    weights = index._weights
    hits: list[Hit] = []
    results: dict[str, NameScore] = {}
    reached = False
    for e_idx, (result, n_idx, form) in best.items():
        id_match = e_idx in id_matches
        if not id_match and result.score + REACH < threshold:
            continue
        _, strong, cand = names[n_idx]
        hit = make_hit(
            query,
            form,
            result,
            cand,
            strong,
            entities[e_idx],
            id_match,
            threshold,
            weights,
            explain=False,
        )
        hits.append(hit)
        results[hit.entity.id] = result
        reached = reached or hit.score >= threshold
    if not reached:
        return ()  # a party's hit is its best listing's: none reaches the threshold
    merged = hits if len(hits) == 1 else index.merge_listings(hits)
    return tuple(
        finish_hit(query, h, results) for h in [h for h in merged if h.score >= threshold][:limit]
    )


def _live_entities(
    index: ScreeningIndex,
    query: Query,
    forms: list[NameForm],
    retrieved: list[list[tuple[int, tuple[int, bool, NameForm]]]],
    id_matches: set[int],
    floor: float,
) -> set[int]:
    """The retrieved entities worth scoring: those holding one of the query's documents, and
    those with a retrieved name whose bound reaches ``floor``."""
    live = set(id_matches)
    weights = index._weights
    tokens = _list_tokens(index)
    entity_type = index._entity_type
    query_type = query.type
    for form, found in zip(forms, retrieved, strict=True):
        # per entity type: the query's bound and the bounds taken, by the name object (the
        # index keeps its names): hashing a NameForm costs more
        bounders: dict[EntityType | None, tuple[QueryBound, dict[int, float]]] = {}
        for _, (e_idx, _strong, cand) in found:
            if e_idx in live:
                continue
            type_ = query_type if query_type is not None else entity_type(e_idx)
            known = bounders.get(type_)
            if known is None:
                known = bounders[type_] = (QueryBound(form, weights, type_, tokens), {})
            bounder, bounds = known
            bound = bounds.get(id(cand))
            if bound is None:
                bound = bounds[id(cand)] = bounder.bound(cand, floor)
            if bound + _MARGIN >= floor:
                live.add(e_idx)
    return live


def _list_tokens(index: ScreeningIndex) -> ListTokens:
    """The remembered list-token features for ``index``'s weights."""
    weights = index._weights
    for tokens in _LIST_TOKENS:
        if tokens.weights is weights:
            return tokens
    tokens = ListTokens(weights)
    _LIST_TOKENS.insert(0, tokens)
    del _LIST_TOKENS[_LIST_TOKENS_KEPT:]
    return tokens


def _effective(result: NameScore, n_idx: int, names: Sequence[tuple[int, bool, NameForm]]) -> float:
    """The name score of list name ``n_idx``, a weak alias's discounted."""
    return result.score * (1.0 if names[n_idx][1] else cfg.WEAK_ALIAS_FACTOR)
