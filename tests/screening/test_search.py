"""Screening with bounded candidates returns exactly what scoring every retrieved name returns,
and leaves candidates unscored; ScreeningIndex.screen is the bounded screening."""

from __future__ import annotations

from functools import lru_cache

import pytest

from prosper.lists import load_snapshot
from prosper.model import EntityType, Hit
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query
from prosper.screening.search import StageClock, _list_tokens, screen


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
