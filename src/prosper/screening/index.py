"""Screening: a candidate index over the list entities and explained, qualified hits.

Two stages, like every serious screening system (peers_screening.md §0):

1. **Candidate retrieval** (:mod:`prosper.screening.retrieval`): an inverted index from name
   keys to list names; a query accumulates the IDF of the keys it shares with each list name
   and only the best :data:`~prosper.screening.retrieval.CANDIDATES` names are scored: a query
   never scores the list.
2. **Pairwise scoring** (:func:`prosper.matching.names.score_name`) of each candidate name, the
   best name per entity, then **qualifiers** — entity type, country, date of birth,
   identifiers — that raise or lower the score (:mod:`prosper.matching.config`).
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from prosper.matching.names import NameScore, score_name
from prosper.matching.population import population_weights
from prosper.model import Entity, EntityType, Hit
from prosper.names.normalize import NameForm, prepare_name
from prosper.names.weights import TokenWeights
from prosper.screening.hits import make_hit
from prosper.screening.key_memo import KeyMemo
from prosper.screening.merge import merge_hits, un_references
from prosper.screening.qualifiers import identifier_matches
from prosper.screening.query import (
    LIST_REFERENCE,
    Query,
    canonical_id_type,
    normalize_identifier,
)
from prosper.screening.retrieval import (
    CANDIDATES,
    KEY_WEIGHTS,
    candidates,
    name_keys,
    query_keys,
)

__all__ = [  # retrieval's names are re-exported: callers import them from here
    "CANDIDATES",
    "INDEX_FORMAT",
    "KEY_WEIGHTS",
    "ScreeningIndex",
    "gc_paused",
    "name_keys",
]

INDEX_FORMAT = 12  # bump when the index layout or the key scheme changes (invalidates caches)
MAX_PARTY_KEY = 12  # a name on more listings than this is no one party's (merging listings)
FIND_IDS = 64  # entity-id look-ups by a search of a mapped index's ids before a map is built
MAX_COMPANIONS_KEPT = 200_000  # entities whose companions an index remembers (_companions)
_PartyMaps = tuple[Mapping[tuple[str, ...], tuple[int, ...]], Mapping[str, tuple[int, ...]]]


class ScreeningIndex:
    """A candidate index over list entities; build once, screen many times.

    The names, postings and identifiers are plain sequences and mappings: built in memory by
    :meth:`build`, or views over a memory-mapped index file (:mod:`prosper.screening.cache`)
    that decode a name only when it is a candidate.
    """

    def __init__(
        self,
        entities: Sequence[Entity],
        names: Sequence[tuple[int, bool, NameForm]],
        postings: Mapping[str, Sequence[int]],
        identifiers: Mapping[str, Sequence[int]],
        weights: TokenWeights,
        name_entities: Sequence[int] | None = None,
        party_maps: Callable[[], _PartyMaps] | None = None,
        entity_ids: Sequence[str] | None = None,
        entity_sources: Sequence[str] | None = None,
        entity_types: Sequence[EntityType] | None = None,
    ) -> None:
        self.entities = entities
        self._names = names
        self._postings = postings
        self._identifiers = identifiers
        self._weights = weights
        self._total = max(1, len(names))
        # entity index of each name (ascending), without decoding the names
        self._name_entity = [e for e, _, _ in names] if name_entities is None else name_entities
        self._party_loader = party_maps
        self._id_finds = 0
        self._entity_ids = entity_ids  # ids without decoding mapped entities
        self._entity_sources = entity_sources  # ... and their sources
        self._entity_types = entity_types  # ... and their types

    def _entity_source(self, e_idx: int) -> str:
        """The source of entity ``e_idx`` (without decoding a mapped entity)."""
        srcs = self._entity_sources
        return self.entities[e_idx].source if srcs is None else srcs[e_idx]

    def _entity_type(self, e_idx: int) -> EntityType:
        """The type of entity ``e_idx`` (without decoding a mapped entity)."""
        types = self._entity_types
        return self.entities[e_idx].type if types is None else types[e_idx]

    @classmethod
    def build(
        cls,
        entities: Iterable[Entity],
        weights: TokenWeights | None = None,
        forms: Mapping[tuple[str, EntityType], NameForm] | None = None,
    ) -> ScreeningIndex:
        """Index every name (primary and aliases) of ``entities``.

        Args:
            entities: The list entities.
            weights: Token weights; the statistics shipped with Prosper by default.
            forms: Names already prepared (:func:`~prosper.names.normalize.prepare_name` of
                the name and its entity's type, e.g. by several processes: :meth:`name_jobs`);
                the others are prepared here.

        Returns:
            The index.
        """
        with gc_paused():
            return cls._build(tuple(entities), weights, forms or {})

    @classmethod
    def _build(
        cls,
        ents: tuple[Entity, ...],
        weights: TokenWeights | None,
        forms: Mapping[tuple[str, EntityType], NameForm],
    ) -> ScreeningIndex:
        names: list[tuple[int, bool, NameForm]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        idents: dict[str, list[int]] = defaultdict(list)
        # the same name on several lists (or twice on one) is prepared once: a name's form is a
        # function of the name and the entity type. Its keys are worked out each time it is
        # indexed (from per-token keys worked out once), not kept: ~2M key sets at 1M entities
        prepared: dict[tuple[str, EntityType], NameForm] = {}
        for e_idx, entity in enumerate(ents):
            seen: set[tuple[str, ...]] = set()
            kind = entity.type
            for name, strong in entity.all_names():
                form = prepared.get((name, kind))
                if form is None:
                    given = forms.get((name, kind))
                    form = prepare_name(name, kind) if given is None else given
                    prepared[(name, kind)] = form
                toks = form.tokens
                if not toks or toks in seen:
                    continue
                seen.add(toks)
                n_idx = len(names)
                names.append((e_idx, strong, form))
                for key in name_keys(form):
                    postings[key].append(n_idx)
            for ident in entity.identifiers:
                value = normalize_identifier(ident.value)
                if len(value) >= 4 and canonical_id_type(ident.type) != LIST_REFERENCE:
                    idents[value].append(e_idx)
        return cls(
            ents,
            names,
            {k: tuple(v) for k, v in postings.items()},
            {k: tuple(v) for k, v in idents.items()},
            population_weights() if weights is None else weights,
        )

    @staticmethod
    def name_jobs(entities: Iterable[Entity]) -> list[tuple[str, EntityType]]:
        """The distinct (name, entity type) pairs :meth:`build` prepares (``forms`` keys)."""
        jobs = {(name, e.type): None for e in entities for name, _ in e.all_names()}
        return list(jobs)

    def _first_name(self, e_idx: int) -> int:
        """Index of the first indexed name of entity ``e_idx``, or -1 when it has none
        (names are stored entity by entity, in entity order)."""
        owners = self._name_entity
        lo = bisect_left(owners, e_idx)  # entity indexes ascend along self._names
        return lo if lo < len(owners) and owners[lo] == e_idx else -1

    @property
    def name_count(self) -> int:
        """How many distinct names are indexed."""
        return len(self._names)

    # ------------------------------------------------------------------ retrieval

    def _query_keys(self, form: NameForm) -> dict[str, int]:
        """A query's keys and groups (:func:`~prosper.screening.retrieval.query_keys`)."""
        return query_keys(form, self._postings)

    def _candidates(self, form: NameForm, sources: frozenset[str]) -> list[int]:
        """The names worth scoring for ``form`` (:func:`~prosper.screening.retrieval.candidates`),
        of entities on ``sources`` only when not empty."""
        keep = None
        if sources:
            owner = self._name_entity
            if self._entity_sources is None:
                ents = self.entities
                keep = lambda n: ents[owner[n]].source in sources  # noqa: E731
            else:
                src = self._entity_sources
                keep = lambda n: src[owner[n]] in sources  # noqa: E731
        memo: KeyMemo | None = getattr(self, "_key_memo", None)
        if memo is None:  # made on first use: an index never queried keeps nothing
            memo = self._key_memo = KeyMemo()
        return candidates(form, self._postings, self._total, keep, memo)

    # ------------------------------------------------------------------ screening

    def screen(self, query: Query, threshold: float = 0.8, limit: int = 10) -> tuple[Hit, ...]:
        """Screen ``query``: hits with ``score >= threshold``, best first, at most ``limit``.

        Args:
            query: The name and qualifiers to screen.
            threshold: Minimum final score of a returned hit (and of ``Hit.match``).
            limit: Maximum number of hits.

        Returns:
            The hits, one per entity, best first.

        Candidates whose name-score bound cannot reach the threshold are left unscored
        (:mod:`prosper.screening.search`); the result is the same as scoring them all.
        """
        from prosper.screening.search import screen  # search reads this index's internals

        return screen(self, query, threshold, limit)

    # ------------------------------------------------------------------ one party, all listings

    def _add_companions(
        self,
        best: dict[int, tuple[NameScore, int, NameForm]],
        forms: list[NameForm],
        query: Query,
        sources: frozenset[str],
        floor: float,
    ) -> None:
        """Score the other listings of the parties found, even those retrieval left out.

        For every entity scoring at least ``floor``, the entities sharing one of its strong
        names (as indexed, word order aside) or its UN reference number are scored too, so
        that :meth:`merge_listings` can attach them: the Entity List row of a party whose OFAC
        listing was found is not lost to the retrieval cut-off when many names share a word.
        """
        seeds = [e for e, (res, _, _) in best.items() if res.score >= floor]
        if not seeds:
            return  # the party maps (~0.05 s to decode from an index file) are not needed
        for e_idx in seeds:
            for other in self._companions(e_idx) - best.keys():
                if sources and self._entity_source(other) not in sources:
                    continue
                n_idx = self._first_name(other)
                while 0 <= n_idx < len(self._names) and self._names[n_idx][0] == other:
                    cand = self._names[n_idx][2]
                    for form in forms:
                        result = score_name(form, cand, self._weights, query.type)
                        known = best.get(other)
                        if known is None or result.score > known[0].score:
                            best[other] = (result, n_idx, form)
                    n_idx += 1

    def _companions(self, e_idx: int) -> frozenset[int]:
        """The entities sharing a strong name or a UN reference with entity ``e_idx`` (itself
        included when it has such a key), remembered per entity (a party found by one query is
        often found by the next; at most :data:`MAX_COMPANIONS_KEPT` entities)."""
        kept: dict[int, frozenset[int]] | None = getattr(self, "_companions_kept", None)
        if kept is None:
            kept = {}
            self._companions_kept = kept
        known = kept.get(e_idx)
        if known is not None:
            return known
        by_name, by_ref = self._party_keys()
        entity = self.entities[e_idx]
        found: set[int] = set()
        for key in self.strong_name_keys(entity):
            found.update(by_name.get(key, ()))
        for ref in un_references(entity):
            found.update(by_ref.get(ref, ()))
        known = frozenset(found)
        if len(kept) < MAX_COMPANIONS_KEPT:
            kept[e_idx] = known
        return known

    def _party_keys(self) -> _PartyMaps:
        """Strong name key → entities, UN reference → entities (built on first use; a key
        shared by more than :data:`MAX_PARTY_KEY` entities names no one party)."""
        cached: _PartyMaps | None = getattr(self, "_party_maps", None)
        if cached is not None:
            return cached
        if self._party_loader is not None:  # stored with a mapped index file
            cached = self._party_loader()
            self._party_maps = cached
            return cached
        names: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for e_idx, strong, form in self._names:
            if strong and form.tokens:
                bucket = names[tuple(sorted(form.tokens))]
                if not bucket or bucket[-1] != e_idx:
                    bucket.append(e_idx)
        refs: dict[str, list[int]] = defaultdict(list)
        for e_idx, entity in enumerate(self.entities):
            for ref in un_references(entity):
                refs[ref].append(e_idx)
        cached = (
            {k: tuple(v) for k, v in names.items() if 1 < len(v) <= MAX_PARTY_KEY},
            {k: tuple(v) for k, v in refs.items() if 1 < len(v) <= MAX_PARTY_KEY},
        )
        self._party_maps = cached
        return cached

    def merge_listings(self, hits: Iterable[Hit]) -> tuple[Hit, ...]:
        """Merge hits of the same party on several lists (:mod:`prosper.screening.merge`)."""
        return merge_hits(hits, self.strong_name_keys)

    def strong_name_keys(self, entity: Entity) -> frozenset[tuple[str, ...]]:
        """The entity's strong names as indexed, each as its sorted normalised tokens."""
        e_idx = self._entity_no(entity.id)
        n_idx = -1 if e_idx is None else self._first_name(e_idx)
        if n_idx < 0:
            form = prepare_name(entity.name, entity.type)
            return frozenset([tuple(sorted(form.tokens))]) if form.tokens else frozenset()
        keys: set[tuple[str, ...]] = set()
        while n_idx < len(self._names) and self._names[n_idx][0] == e_idx:
            _, strong, form = self._names[n_idx]
            if strong:
                keys.add(tuple(sorted(form.tokens)))
            n_idx += 1
        return frozenset(keys)

    def _entity_no(self, entity_id: str) -> int | None:
        """The index of the entity ``entity_id`` (the last one, should two share it).

        The first :data:`FIND_IDS` look-ups of a mapped index search its id blob (a warm
        one-name screen asks a few of 41k: ~0.03 s saved on building the map); after
        them, a map of every id is built once and kept (a server or a batch asks many)."""
        by_id: dict[str, int] | None = getattr(self, "_by_id", None)
        if by_id is None:
            ids = self._entity_ids
            find = getattr(ids, "find", None)
            if find is not None and self._id_finds < FIND_IDS:
                self._id_finds += 1
                found: int | None = find(entity_id)
                return found
            by_id = (
                {e.id: i for i, e in enumerate(self.entities)}
                if ids is None
                else {eid: i for i, eid in enumerate(ids)}
            )
            self._by_id = by_id
        return by_id.get(entity_id)

    def _identifier_matches(self, query: Query, sources: frozenset[str]) -> set[int]:
        """Entities holding one of the query's documents (:func:`identifier_matches`)."""
        return identifier_matches(query, sources, self._identifiers, self.entities)

    def _hit(
        self,
        query: Query,
        form: NameForm,
        result: NameScore,
        n_idx: int,
        id_match: bool,
        threshold: float,
    ) -> Hit:
        e_idx, strong, cand = self._names[n_idx]
        entity = self.entities[e_idx]
        return make_hit(
            query, form, result, cand, strong, entity, id_match, threshold, self._weights
        )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while creating ~10⁶ acyclic objects (it would rescan them all)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
