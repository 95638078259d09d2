"""Screening with bounded candidates returns exactly what scoring every retrieved name returns,
and leaves candidates unscored; ScreeningIndex.screen is the bounded screening."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import pytest

from prosper.lists import load_snapshot
from prosper.matching.names import NameScore, score_name
from prosper.model import EntityType, Hit
from prosper.names.normalize import NameForm, prepare_name
from prosper.names.readings import name_readings
from prosper.screening.hits import finish_hit, make_hit, with_name_detail, with_ofac
from prosper.screening.index import ScreeningIndex
from prosper.screening.merge import un_references
from prosper.screening.query import Query
from prosper.screening.search import REACH, StageClock, _hits, _list_tokens, screen


@lru_cache(maxsize=1)
def _index() -> ScreeningIndex:
    """Every 12th entity of the embedded lists (about 3,500, every list and script)."""
    return ScreeningIndex.build(load_snapshot().entities[::12])


def _queries() -> list[tuple[Query, float]]:
    index = _index()
    out: list[tuple[Query, float]] = []
    for k, entity in enumerate(index.entities[::25]):
        name = entity.name
        words = name.split()
        typo = name[:2] + name[3:] if len(name) > 4 else name
        shuffled = " ".join(reversed(words))
        country = entity.countries[:1]
        dob = entity.dates_of_birth[0] if entity.dates_of_birth else None
        kind = entity.type if k % 2 else None
        out += [
            (Query(name, kind), 0.8),
            (Query(typo, kind), 0.8),
            (Query(shuffled, kind, countries=country, dob=dob), 0.6),
            (Query(words[0], None, countries=country), 0.6),
        ]
    for name in ("John Smith", "Maria Garcia Lopez", "김철수", "Mohammed Ali", "Acme Trading LLC"):
        out.append((Query(name), 0.8))
        out.append((Query(name, EntityType.PERSON, countries=("IR",)), 0.6))
    return out


def _reference(
    index: ScreeningIndex, query: Query, threshold: float, limit: int = 10
) -> tuple[Hit, ...]:
    """Every retrieved name scored: what the bound must not change."""
    return screen(index, query, threshold, limit, bounded=False)


def _shape(hits: tuple[Hit, ...]) -> list[tuple[object, ...]]:
    return [
        (h.entity.id, h.matched_name, h.score, h.match, h.strong_alias, h.explanation) for h in hits
    ]


def test_same_hits_as_the_index() -> None:
    index = _index()
    clock = StageClock()
    queries = _queries()
    assert len(queries) > 500
    with_hits = 0
    for query, threshold in queries:
        expected = _reference(index, query, threshold)
        got = screen(index, query, threshold, clock=clock)
        assert _shape(got) == _shape(expected), query
        with_hits += bool(expected)
    assert with_hits > len(queries) // 3  # the comparison saw hits, not only empty results
    # ... and the bound left many retrieved names unscored (these queries are mostly listed names)
    assert clock.scored < 0.7 * clock.retrieved
    assert all(v >= 0.0 for v in clock.seconds.values())


@pytest.mark.parametrize("threshold", [0.0, 0.5, 0.95])
def test_thresholds(threshold: float) -> None:
    index = _index()
    for query, _ in _queries()[:120]:
        expected = _reference(index, query, threshold, limit=50)
        assert _shape(screen(index, query, threshold, limit=50)) == _shape(expected)


def test_an_identifier_holder_is_scored() -> None:
    """An entity holding the query's document is always scored (identifier_without_name)."""
    index = _index()
    holder = next(
        e
        for e in index.entities
        if any(len(i.value) >= 6 and "reference" not in i.type.lower() for i in e.identifiers)
    )
    ident = next(i for i in holder.identifiers if len(i.value) >= 6)
    query = Query("Zzyzx Qwerty", identifiers=(f"other:{ident.value}",))
    assert _shape(screen(index, query, 0.0)) == _shape(_reference(index, query, 0.0))


def test_sources_and_a_type_given_as_text() -> None:
    """A source filter and a type from an edge ("person") screen as the index does."""
    index = _index()
    for query, threshold in _queries()[:160:4]:
        for sources in (("un_sc",), ("us_ofac_sdn", "eu_fsf")):
            narrowed = Query(query.name, query.type, query.countries, query.dob, sources=sources)
            expected = _reference(index, narrowed, threshold)
            assert _shape(screen(index, narrowed, threshold)) == _shape(expected)
    raw = Query("Kim Jong Un", "person")  # type: ignore[arg-type]
    assert _shape(screen(index, raw, 0.6)) == _shape(_reference(index, raw, 0.6))


def test_the_index_screens_with_the_bound() -> None:
    index = _index()
    for query, threshold in _queries()[:80]:
        assert _shape(index.screen(query, threshold=threshold)) == _shape(
            screen(index, query, threshold)
        )


def test_list_tokens_are_kept_per_index() -> None:
    """The list tokens' features are remembered across queries for the index's weights (an
    index with the same weights object shares them: they depend on nothing else)."""
    index = _index()
    tokens = _list_tokens(index)
    screen(index, Query("Mohammed Ali"), 0.8)
    assert _list_tokens(index) is tokens
    assert tokens.known
    assert tokens.weights is index._weights
    other = ScreeningIndex.build(load_snapshot().entities[:40])
    assert (_list_tokens(other) is tokens) == (other._weights is index._weights)
    assert _list_tokens(other).weights is other._weights


def _scored_best(index: ScreeningIndex, query: Query) -> dict[int, tuple[NameScore, int, NameForm]]:
    """Every retrieved name of ``query`` scored, the best per entity (as ``screen`` keeps)."""
    best: dict[int, tuple[NameScore, int, NameForm]] = {}
    for reading in name_readings(query.name):
        form = prepare_name(reading, query.type)
        if not form.tokens:
            continue
        for n_idx in index._candidates(form, frozenset()):
            e_idx, _strong, cand = index._names[n_idx]
            result = score_name(form, cand, index._weights, query.type or index._entity_type(e_idx))
            if e_idx not in best or result.score > best[e_idx][0].score:
                best[e_idx] = (result, n_idx, form)
    return best


@pytest.mark.parametrize("threshold", [0.5, 0.8])
def test_hits_explained_and_merged_as_every_hit_explained_then_merged(threshold: float) -> None:
    """The hits stage (name match put in words only for the hits returned, no merging when
    nothing reaches the threshold or one hit is found) returns what explaining every hit and
    merging them all returns."""
    index = _index()
    seen_one = seen_merged = seen_none = 0
    for query, _ in _queries()[::3]:
        best = _scored_best(index, query)
        every = [
            index._hit(query, form, result, n_idx, False, threshold)
            for _, (result, n_idx, form) in best.items()
            if result.score + REACH >= threshold
        ]
        merged = [h for h in index.merge_listings(every) if h.score >= threshold]
        expected = tuple(with_ofac(query, h) for h in merged[:10])
        got = _hits(index, query, best, set(), threshold, 10)
        assert got == expected, query
        assert all(h.explanation[0].detail or not h.explanation[0].score for h in got)
        seen_one += len(every) == 1 and bool(got)
        seen_merged += any(h.listings for h in got)
        seen_none += bool(every) and not got
    assert seen_one  # each path was taken
    assert seen_merged
    assert seen_none


def test_a_hit_made_unexplained_is_explained_with_its_name_score() -> None:
    """make_hit(explain=False) leaves the name match's detail empty; with_name_detail puts in
    the detail of the name score it was made of, for the hit and its listings."""
    index = _index()
    query = Query("John Smith", EntityType.PERSON)
    best = _scored_best(index, query)
    e_idx, (result, n_idx, form) = max(best.items(), key=lambda kv: kv[1][0].score)
    _, strong, cand = index._names[n_idx]
    entity = index.entities[e_idx]
    args = (query, form, result, cand, strong, entity, False, 0.5, index._weights)
    bare = make_hit(*args, explain=False)
    assert bare.explanation[0].detail == ""
    full = make_hit(*args)
    assert with_name_detail(bare, {entity.id: result}) == full
    nested = replace(bare, listings=(bare,))
    assert with_name_detail(nested, {entity.id: result}) == replace(full, listings=(full,))
    with pytest.raises(KeyError):  # a hit whose name score is not given is not explained
        with_name_detail(bare, {})
    # finish_hit: the detail and the OFAC-style score in one copy, listings detailed too
    assert finish_hit(query, nested, {entity.id: result}) == with_ofac(
        query, with_name_detail(nested, {entity.id: result})
    )
    assert finish_hit(query, bare, {entity.id: result}).explanation[-1].feature == "ofac_score"
    with pytest.raises(KeyError):
        finish_hit(query, bare, {})


def test_companions_are_remembered_per_entity() -> None:
    """The other listings of a party are looked up once per entity and are those its strong
    names and UN references give."""
    index = _index()
    by_name, by_ref = index._party_keys()
    shared = next(e for ents in by_name.values() for e in ents)
    first = index._companions(shared)
    assert shared in first
    assert len(first) > 1
    assert index._companions(shared) is first
    entity = index.entities[shared]
    expected = {e for k in index.strong_name_keys(entity) for e in by_name.get(k, ())}
    expected |= {e for ref in un_references(entity) for e in by_ref.get(ref, ())}
    assert first == expected
