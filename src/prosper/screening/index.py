"""Screening: a candidate index over the list entities and explained, qualified hits.

Two stages, like every serious screening system (peers_screening.md §0):

1. **Candidate retrieval** (:meth:`ScreeningIndex._candidates`): an inverted index from name
   keys to list names — each token, its metaphone, its Korean romanization key, its consonant
   skeleton (Arabic-script queries), two-token concatenations (merged tokens), and a 4-letter
   prefix and suffix (typos). A query accumulates the IDF of the keys it shares with each list
   name and only the best :data:`CANDIDATES` names are scored: a query never scores the list.
2. **Pairwise scoring** (:func:`prosper.matching.names.score_name`) of each candidate name, the
   best name per entity, then **qualifiers** — entity type, country, date of birth,
   identifiers — that raise or lower the score (:mod:`prosper.matching.config`).
"""

from __future__ import annotations

import gc
import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace

from prosper.matching import config as cfg
from prosper.matching.names import NameScore, score_name
from prosper.matching.ofac import ofac_score
from prosper.matching.population import common_name_match, population_weights
from prosper.matching.skeleton import consonant_skeleton
from prosper.matching.syllables import is_thin
from prosper.model import Entity, EntityType, Explanation, Hit
from prosper.names.normalize import NameForm, prepare_name
from prosper.names.readings import name_readings
from prosper.names.weights import TokenWeights
from prosper.screening.merge import merge_hits, un_references
from prosper.screening.qualifiers import qualifiers
from prosper.screening.query import (
    LIST_REFERENCE,
    Query,
    canonical_id_type,
    identifier_agrees,
    normalize_identifier,
    query_identifiers,
)

_Row = list[tuple[float, str]]  # token agreements of one list token with each query token
INDEX_FORMAT = 10  # bump when the index layout or the key scheme changes (invalidates caches)
MAX_PARTY_KEY = 12  # a name on more listings than this is no one party's (merging listings)
_PartyMaps = tuple[dict[tuple[str, ...], tuple[int, ...]], dict[str, tuple[int, ...]]]
CANDIDATES = 48  # at most this many list names are scored per query after retrieval
MIN_CANDIDATES = 12  # ... and at least this many (when retrieval found them)
CANDIDATE_FLOOR = 0.4  # ... beyond which a name needs 40 % of the best retrieval evidence
MAX_POSTINGS = 4000  # keys on more names than this ("al", "bank") do not retrieve on their own
MAX_WEAK_POSTINGS = 800  # the same for typo keys (metaphone, prefix, suffix: "a:muha")
# How much each kind of key counts in retrieval (× its IDF).
KEY_WEIGHTS = {"t": 1.0, "v": 0.9, "k": 1.0, "j": 0.9, "p": 0.7, "s": 0.6, "a": 0.4, "z": 0.4}


def name_keys(form: NameForm) -> set[str]:
    """The index keys of a prepared list name (see the module docstring)."""
    keys: set[str] = set()
    toks = form.tokens
    for i, tok in enumerate(toks):
        keys.add("t:" + tok)
        phon = form.phonetic[i]
        if len(tok) >= 3 and len(phon) >= 2:
            keys.add("p:" + phon)
        kor = form.korean[i]
        if kor is not None:
            keys.add("k:" + kor)
        if len(tok) >= 3:
            keys.add("v:" + form.variant[i])
        if len(tok) >= 3 and not tok.isdigit():
            skel = consonant_skeleton(tok)
            if len(skel) >= 2:
                keys.add("s:" + skel)
        if len(tok) >= 6:
            keys.add("a:" + tok[:4])
            keys.add("z:" + tok[-4:])
        if i + 1 < len(toks):
            keys.add("j:" + tok + toks[i + 1])
    if len(form.full) > 1 and form.full != toks:
        keys.add("j:" + "".join(form.full))
    return keys


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
        self._entity_ids = entity_ids  # ids without decoding mapped entities
        self._entity_sources = entity_sources  # ... and their sources

    @classmethod
    def build(
        cls, entities: Iterable[Entity], weights: TokenWeights | None = None
    ) -> ScreeningIndex:
        """Index every name (primary and aliases) of ``entities``.

        Args:
            entities: The list entities.
            weights: Token weights; the statistics shipped with Prosper by default.

        Returns:
            The index.
        """
        with gc_paused():
            return cls._build(tuple(entities), weights)

    @classmethod
    def _build(cls, ents: tuple[Entity, ...], weights: TokenWeights | None) -> ScreeningIndex:
        names: list[tuple[int, bool, NameForm]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        idents: dict[str, list[int]] = defaultdict(list)
        for e_idx, entity in enumerate(ents):
            seen: set[tuple[str, ...]] = set()
            for name, strong in entity.all_names():
                form = prepare_name(name, entity.type)
                if not form.tokens or form.tokens in seen:
                    continue
                seen.add(form.tokens)
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

    def _first_name(self, e_idx: int) -> int:
        """Index of the first indexed name of entity ``e_idx``, or -1 when it has none
        (names are stored entity by entity, in entity order)."""
        owners = self._name_entity
        lo, hi = 0, len(owners)
        while lo < hi:  # binary search: entity indexes ascend along self._names
            mid = (lo + hi) // 2
            if owners[mid] < e_idx:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(owners) and owners[lo] == e_idx else -1

    @property
    def name_count(self) -> int:
        """How many distinct names are indexed."""
        return len(self._names)

    # ------------------------------------------------------------------ retrieval

    def _query_keys(self, form: NameForm) -> dict[str, int]:
        """Index keys of a query, each with its group (the query token it stands for; pairs of
        tokens and the whole name are groups of their own): like :func:`name_keys`, but the
        typo keys (metaphone, prefix, suffix) only for tokens the lists do not contain as
        written, and consonant skeletons only for Arabic-script queries."""
        keys: dict[str, int] = {}
        toks = form.tokens
        n = len(toks)
        arabic = "arabic" in form.scripts
        for i, tok in enumerate(toks):
            mine = ["t:" + tok, "j:" + tok]  # a query token may be two list tokens merged
            kor = form.korean[i]
            if kor is not None:
                mine.append("k:" + kor)
            if len(tok) >= 3:
                mine.append("v:" + form.variant[i])
            if "t:" + tok not in self._postings:  # unknown as written: perhaps a typo
                phon = form.phonetic[i]
                if len(tok) >= 3 and len(phon) >= 2:
                    mine.append("p:" + phon)
                if len(tok) >= 6:
                    mine += ["a:" + tok[:4], "z:" + tok[-4:]]
            if arabic and len(tok) >= 3:
                mine.append("s:" + consonant_skeleton(tok))
            for key in mine:
                keys.setdefault(key, i)
            if i + 1 < n:
                keys.setdefault("j:" + tok + toks[i + 1], n + i)
                keys.setdefault("t:" + tok + toks[i + 1], n + i)  # two query tokens, one list token
        if len(form.full) > 1:
            keys.setdefault("t:" + "".join(form.full), 2 * n)
        return keys

    def _candidates(self, form: NameForm, sources: frozenset[str]) -> list[int]:
        # each query token counts once per list name, by its best key: a list name sharing
        # the token as written (t:, v:, k: all at once) does not outweigh one sharing it in
        # another romanization (k: only) — 리병철 must still find "RI Pyong Chol" among the
        # Hangul aliases 김병철, 리학철 …
        groups: dict[int, list[str]] = defaultdict(list)
        for key, group in self._query_keys(form).items():
            groups[group].append(key)
        acc: dict[int, float] = defaultdict(float)
        for group_keys in groups.values():
            best: dict[int, float] = {}
            for key in group_keys:
                posting = self._postings.get(key)
                if posting is None or len(posting) > (
                    MAX_WEAK_POSTINGS if key[0] in "paz" else MAX_POSTINGS
                ):
                    continue
                weight = KEY_WEIGHTS[key[0]] * math.log((self._total + 1) / len(posting))
                for n_idx in posting:
                    if weight > best.get(n_idx, 0.0):
                        best[n_idx] = weight
            for n_idx, weight in best.items():
                acc[n_idx] += weight
        if sources:
            owner = self._name_entity
            if self._entity_sources is None:
                ents = self.entities
                acc = {n: v for n, v in acc.items() if ents[owner[n]].source in sources}
            else:
                src = self._entity_sources
                acc = {n: v for n, v in acc.items() if src[owner[n]] in sources}
        top = heapq.nlargest(CANDIDATES, acc, key=acc.__getitem__)
        if len(top) <= MIN_CANDIDATES:
            return top
        # names sharing much less evidence than the best ones cannot win: stop scoring there
        floor = acc[top[0]] * CANDIDATE_FLOOR
        return [n for k, n in enumerate(top) if k < MIN_CANDIDATES or acc[n] >= floor]

    # ------------------------------------------------------------------ screening

    def screen(self, query: Query, threshold: float = 0.8, limit: int = 10) -> tuple[Hit, ...]:
        """Screen ``query``: hits with ``score >= threshold``, best first, at most ``limit``.

        Args:
            query: The name and qualifiers to screen.
            threshold: Minimum final score of a returned hit (and of ``Hit.match``).
            limit: Maximum number of hits.

        Returns:
            The hits, one per entity, best first.
        """
        if query.type is not None and not isinstance(query.type, EntityType):
            query = replace(query, type=EntityType(query.type))  # "person" from an edge
        # every reading of the field (mixed-script halves, Hanja read as Korean) is screened
        readings = name_readings(query.name)
        forms = [f for f in (prepare_name(r, query.type) for r in readings) if f.tokens]
        if not forms:
            return ()
        sources = frozenset(query.sources)
        best: dict[int, tuple[NameScore, int, NameForm]] = {}
        for form in forms:
            cache_by_type: dict[EntityType | None, dict[tuple[str, bool], _Row]] = {}
            for n_idx in self._candidates(form, sources):
                e_idx, strong, cand = self._names[n_idx]
                entity = self.entities[e_idx]
                type_ = query.type if query.type is not None else entity.type
                cache = cache_by_type.setdefault(type_, {})
                result = score_name(form, cand, self._weights, type_, cache)
                score = result.score * (1.0 if strong else cfg.WEAK_ALIAS_FACTOR)
                known = best.get(e_idx)
                if known is None or score > _effective(known[:2], self._names):
                    best[e_idx] = (result, n_idx, form)
        id_matches = self._identifier_matches(query, sources)
        for e_idx in id_matches:
            if e_idx not in best:  # not retrieved by name: score its names all the same
                n_idx = self._first_name(e_idx)
                while 0 <= n_idx < len(self._names) and self._names[n_idx][0] == e_idx:
                    for form in forms:
                        cand = self._names[n_idx][2]
                        result = score_name(form, cand, self._weights, query.type)
                        known = best.get(e_idx)
                        if known is None or result.score > known[0].score:
                            best[e_idx] = (result, n_idx, form)
                    n_idx += 1
        # a hit can gain at most this much from qualifiers: skip hopeless ones early
        reach = cfg.COUNTRY_MATCH + cfg.DOB_DAY_MATCH
        self._add_companions(best, forms, query, sources, threshold - reach)
        hits = [
            self._hit(query, form, result, n_idx, e_idx in id_matches, threshold)
            for e_idx, (result, n_idx, form) in best.items()
            if e_idx in id_matches or result.score + reach >= threshold
        ]
        # one hit per party, all its listings: a party is kept when its best listing reaches
        # the threshold; its other listings come along even when, on their own, they score
        # lower (another spelling on another list: match False there)
        merged = [h for h in self.merge_listings(hits) if h.score >= threshold]
        return tuple(_with_ofac(query, h) for h in merged[:limit])

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
        by_name, by_ref = self._party_keys()
        seeds = [e for e, (res, _, _) in best.items() if res.score >= floor]
        for e_idx in seeds:
            entity = self.entities[e_idx]
            found: set[int] = set()
            for key in self.strong_name_keys(entity):
                found.update(by_name.get(key, ()))
            for ref in un_references(entity):
                found.update(by_ref.get(ref, ()))
            for other in found - best.keys():
                if sources and self.entities[other].source not in sources:
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
        by_id: dict[str, int] | None = getattr(self, "_by_id", None)
        if by_id is None:
            ids = self._entity_ids
            by_id = (
                {e.id: i for i, e in enumerate(self.entities)}
                if ids is None
                else {eid: i for i, eid in enumerate(ids)}
            )
            self._by_id = by_id
        e_idx = by_id.get(entity.id)
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

    def _identifier_matches(self, query: Query, sources: frozenset[str]) -> set[int]:
        """Entities holding a document that agrees with one of the query's (type, number and
        country: :func:`~prosper.screening.query.identifier_agrees`)."""
        found: set[int] = set()
        for mine in query_identifiers(query):
            for e_idx in self._identifiers.get(normalize_identifier(mine.value), ()):
                entity = self.entities[e_idx]
                if sources and entity.source not in sources:
                    continue
                if any(identifier_agrees(mine, theirs) for theirs in entity.identifiers):
                    found.add(e_idx)
        return found

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
        score = result.score
        expl = [Explanation("name_match", round(result.score, 4), result.detail())]
        if not strong:
            score *= cfg.WEAK_ALIAS_FACTOR
            expl.append(
                Explanation("weak_alias", cfg.WEAK_ALIAS_FACTOR, "the list marks this alias weak")
            )
        if query.type is not None and entity.type is not query.type:
            score += cfg.TYPE_MISMATCH
            expl.append(
                Explanation(
                    "type_mismatch",
                    cfg.TYPE_MISMATCH,
                    f"query is a {query.type.value}, list entry a {entity.type.value}",
                )
            )
        agrees = corroborated = False  # any qualifier / a date of birth or document
        for feature, delta, detail in qualifiers(query, entity):
            score += delta
            agrees = agrees or delta > 0
            corroborated = corroborated or (delta > 0 and feature.startswith("dob_"))
            expl.append(Explanation(feature, delta, detail))
        if id_match and result.score >= cfg.IDENTIFIER_MIN_NAME_SCORE:
            score += cfg.IDENTIFIER_MATCH_BONUS
            agrees = corroborated = True
            expl.append(
                Explanation(
                    "identifier_match",
                    cfg.IDENTIFIER_MATCH_BONUS,
                    "a document of the query (type, number, issuing country) is one of the "
                    "list entry's",
                )
            )
        elif id_match:
            expl.append(
                Explanation(
                    "identifier_without_name",
                    0.0,
                    "a document number agrees but the names do not: an identifier alone never "
                    "makes a match",
                )
            )
        if not agrees and score > cfg.THIN_NAME_CAP and _thin_match(form, result, cand):
            score = cfg.THIN_NAME_CAP
            expl.append(
                Explanation(
                    "thin_name",
                    cfg.THIN_NAME_CAP,
                    "a name this short is shared by many people: capped under the threshold "
                    "unless a country, date of birth or identifier agrees",
                )
            )
        if (
            not corroborated
            and score > cfg.COMMON_NAME_CAP
            and entity.type is EntityType.PERSON
            and common_name_match(result, self._weights, form, cand)
        ):
            # in proportion, so that capped hits keep their order (the exact name first)
            score = cfg.COMMON_NAME_CAP * min(1.0, score)
            expl.append(
                Explanation(
                    "common_name",
                    cfg.COMMON_NAME_CAP,
                    "every agreeing word is a common name among people: capped under the "
                    "threshold unless a date of birth or identifier agrees",
                )
            )
        score = round(min(1.0, max(0.0, score)), 4)
        return Hit(
            entity=entity,
            matched_name=cand.original,
            score=score,
            match=score >= threshold,
            explanation=tuple(expl),
            strong_alias=strong,
            qualifier_agrees=agrees,
        )


def _thin_match(form: NameForm, result: NameScore, cand: NameForm) -> bool:
    """The query is a thin name (:func:`prosper.matching.names.is_thin`) and not the list
    name itself as written on the list (same script, every token exact). A query the brand
    rule matched (a word rare on the lists that is the distinctive word of an organisation's
    legal name: ``Inspur``, ``Sophgo``) is not thin: its rarity is the evidence a short
    person's name lacks."""
    if not is_thin(form) or result.rule == "brand":
        return False
    exact = (
        not result.extra_query
        and not result.extra_candidate
        and all(how == "exact" for _, _, _, how in result.aligned)
    )
    return not (exact and form.scripts == cand.scripts)


def _with_ofac(query: Query, hit: Hit) -> Hit:
    """Add the OFAC-style score of the matched name to the explanation (for comparison)."""
    extra = Explanation(
        "ofac_score",
        ofac_score(query.name, hit.matched_name),
        "OFAC Sanctions List Search-style score, for comparison only",
    )
    return replace(hit, explanation=(*hit.explanation, extra))


def _effective(known: tuple[NameScore, int], names: Sequence[tuple[int, bool, NameForm]]) -> float:
    result, n_idx = known
    return result.score * (1.0 if names[n_idx][1] else cfg.WEAK_ALIAS_FACTOR)


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
