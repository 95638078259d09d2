"""The name-score bound is admissible: never below the score, on real list names and their
mutations (typos, dropped, merged, split and reordered words, other scripts on the lists)."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prosper.lists import load_snapshot
from prosper.matching.bound import ListTokens, QueryBound, name_bound
from prosper.matching.names import score_name
from prosper.matching.population import population_weights
from prosper.model import EntityType
from prosper.names.normalize import prepare_name
from prosper.names.readings import name_readings

TYPES = st.sampled_from([None, EntityType.PERSON, EntityType.ORGANIZATION])


@lru_cache(maxsize=1)
def _list_names() -> tuple[str, ...]:
    """Every 23rd entity of the embedded lists, all its names (about 5,000 names, all scripts)."""
    ents = load_snapshot().entities
    return tuple(name for e in ents[::23] for name, _ in e.all_names())


def _names() -> st.SearchStrategy[str]:
    return st.integers(0, len(_list_names()) - 1).map(lambda k: _list_names()[k])


@st.composite
def _mutated(draw: st.DrawFn, name: str) -> str:
    """``name`` changed the way a screened name differs from the listed one."""
    words = name.split()
    kind = draw(st.sampled_from(["typo", "drop", "join", "split", "reorder", "add", "swap"]))
    if kind == "typo" and name:
        k = draw(st.integers(0, len(name) - 1))
        letter = draw(st.sampled_from(list("aeiouyhkmnrst")))
        how = draw(st.sampled_from(["delete", "insert", "replace"]))
        if how == "delete":
            return name[:k] + name[k + 1 :]
        if how == "insert":
            return name[:k] + letter + name[k:]
        return name[:k] + letter + name[k + 1 :]
    if kind == "swap" and len(name) >= 2:
        k = draw(st.integers(0, len(name) - 2))
        return name[:k] + name[k + 1] + name[k] + name[k + 2 :]
    if kind == "drop" and len(words) >= 2:
        k = draw(st.integers(0, len(words) - 1))
        return " ".join(words[:k] + words[k + 1 :])
    if kind == "join" and len(words) >= 2:
        k = draw(st.integers(0, len(words) - 2))
        return " ".join([*words[:k], words[k] + words[k + 1], *words[k + 2 :]])
    if kind == "split" and words:
        k = draw(st.integers(0, len(words) - 1))
        w = words[k]
        cut = draw(st.integers(1, max(1, len(w) - 1)))
        return " ".join([*words[:k], w[:cut], w[cut:], *words[k + 1 :]])
    if kind == "reorder" and len(words) >= 2:
        return " ".join(draw(st.permutations(words)))
    if kind == "add":
        extra = draw(st.sampled_from(["al", "bin", "LLC", "Trading", "Mohammed", "Co Ltd", "J"]))
        return f"{name} {extra}" if draw(st.booleans()) else f"{extra} {name}"
    return name


def _check(query: str, listed: str, type_: EntityType | None) -> None:
    weights = population_weights()
    cand = prepare_name(listed, type_)
    if not cand.tokens:
        return
    for reading in name_readings(query):
        form = prepare_name(reading, type_)
        if not form.tokens:
            continue
        score = score_name(form, cand, weights, type_).score
        bound = name_bound(form, cand, weights, type_)
        assert bound >= score - 1e-9, (query, listed, type_, score, bound)
        # with the query's memo warm (another list name first) and a floor: still admissible
        # below the floor
        bounder = QueryBound(form, weights, type_)
        bounder.bound(prepare_name("Mohammed Ali Hassan Trading", type_))
        floored = bounder.bound(cand, floor=0.68)
        assert floored >= 0.68 or floored >= score - 1e-9, (query, listed, floored, score)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), TYPES)
def test_bound_never_below_score_of_a_mutated_list_name(data: st.DataObject, type_) -> None:  # type: ignore[no-untyped-def]
    listed = data.draw(_names())
    query = data.draw(_mutated(listed))
    _check(query, listed, type_)
    _check(listed, query, type_)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_names(), _names(), TYPES)
def test_bound_never_below_score_of_two_list_names(a: str, b: str, type_) -> None:  # type: ignore[no-untyped-def]
    _check(a, b, type_)


def test_bound_is_below_one_for_different_names() -> None:
    """Not a bound that only says 1: unrelated names get a low bound, the same name 1."""
    weights = population_weights()
    p = EntityType.PERSON
    a, b = prepare_name("John Smith", p), prepare_name("Ali Hassan Al-Bakr", p)
    assert name_bound(a, b, weights, p) < 0.3
    same = prepare_name("SMITH, John", p)
    assert name_bound(a, same, weights, p) == 1.0
    # one word of two agreeing: below the reporting floor, above nothing
    half = prepare_name("John Habbash", p)
    assert 0.0 < name_bound(a, half, weights, p) < 0.68


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_names(), min_size=2, max_size=6), TYPES)
def test_list_tokens_shared_across_queries_give_the_same_bounds(names: list[str], type_) -> None:  # type: ignore[no-untyped-def]
    """A ListTokens remembered across queries and types (as the screening index keeps one)
    gives each pair exactly the bound of a fresh QueryBound."""
    weights = population_weights()
    shared = ListTokens(weights)
    forms = [prepare_name(n, type_) for n in names]
    forms = [f for f in forms if f.tokens]
    for other_type in (type_, EntityType.PERSON, EntityType.ORGANIZATION, None):
        for q in forms:
            with_shared = QueryBound(q, weights, other_type, shared)
            for c in forms:
                fresh = QueryBound(q, weights, other_type).bound(c)
                assert with_shared.bound(c) == fresh
    assert shared.known  # the list tokens were remembered


def test_list_tokens_of_other_weights_are_not_used() -> None:
    """A ListTokens made for other weights is not read: the bound uses its own weights."""
    weights = population_weights()
    other = ListTokens(type(weights)({}, 1))
    p = EntityType.PERSON
    a, b = prepare_name("John Habbash", p), prepare_name("John Smith", p)
    bounder = QueryBound(a, weights, p, other)
    assert bounder.tokens is not other
    assert bounder.bound(b) == name_bound(a, b, weights, p)


def test_a_moved_space_is_bounded_by_the_comparison_without_spaces() -> None:
    """Same token count, a space moved ("KAL ANAFT" / "KALA NAFT"): the scorer compares
    without spaces, so the bound must too (found by the property test above)."""
    weights = population_weights()
    for query, listed in (
        (
            "MANUFACTURING SUPPORT & PROCUREMENT CO.-KAL ANAFT",
            "MANUFACTURING SUPPORT & PROCUREMENT CO.-KALA NAFT",
        ),
        ("INDUSTRIAS DEG ANADEROS S.A. DE C.V.", "INDUSTRIAS DE GANADEROS S.A. DE C.V."),
    ):
        q, c = prepare_name(query, None), prepare_name(listed, None)
        score = score_name(q, c, weights, None).score
        assert score > 0.9
        assert name_bound(q, c, weights, None) >= score - 1e-9


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), TYPES)
def test_list_name_summary_reads_as_the_name_form(data: st.DataObject, type_) -> None:  # type: ignore[no-untyped-def]
    """The summary a ListName keeps of a list name answers the acronym rule as
    ``names._whole_acronym`` does, and calls the comparison without spaces hopeless only when
    ``compact_score`` is 0 (on list names and their mutations, both ways round)."""
    from prosper.matching.compact import compact_score
    from prosper.matching.names import _whole_acronym

    weights = population_weights()
    shared = ListTokens(weights)
    listed = data.draw(_names())
    other = data.draw(st.one_of(_mutated(listed), _names()))
    for a, b in ((listed, other), (other, listed)):
        q, c = prepare_name(a, type_), prepare_name(b, type_)
        if not q.tokens or not c.tokens:
            continue
        bounder = QueryBound(q, weights, type_, shared)
        summary = shared.name(c)
        assert bounder._acronym(summary) == _whole_acronym(q, c), (a, b)
        abjad = bounder.arabic != summary.arabic
        if not bounder._compact_may_count(summary, abjad):
            assert compact_score(q, c, abjad) == 0.0, (a, b)


def test_list_names_are_remembered_per_name_object() -> None:
    """ListTokens.name makes one summary per name object and gives it back; another object
    with the same name gets its own summary and the same bound."""
    weights = population_weights()
    shared = ListTokens(weights)
    p = EntityType.PERSON
    a, b = prepare_name("SMITH, John", p), prepare_name("SMITH, John", p)
    assert shared.name(a) is shared.name(a)
    assert shared.name(b) is not shared.name(a)
    assert shared.name(b).form is b
    query = prepare_name("Jon Smith", p)
    bounder = QueryBound(query, weights, p, shared)
    assert bounder.bound(a) == bounder.bound(b) == name_bound(query, a, weights, p)


def test_acronym_of_an_organisation_is_bounded_by_the_acronym_score() -> None:
    """A one-word query that is the initials of a list name's words (the acronym rule):
    the bound reaches the acronym score both ways round, and no bound is below the score."""
    from prosper.matching import config as cfg

    weights = population_weights()
    o = EntityType.ORGANIZATION
    short = prepare_name("SMIC", o)
    long = prepare_name("Semiconductor Manufacturing International Corporation", o)
    for q, c in ((short, long), (long, short)):
        bound = name_bound(q, c, weights, o)
        assert bound >= cfg.ACRONYM_SCORE
        assert bound >= score_name(q, c, weights, o).score - 1e-9


def test_list_names_beyond_the_cap_are_summarised_but_not_remembered() -> None:
    """A ListTokens full of summaries still bounds a new name (the same bound as a fresh
    one) without keeping it: memory stays within ``names_max`` summaries."""
    weights = population_weights()
    full = ListTokens(weights, names_max=1)
    p = EntityType.PERSON
    first, second = prepare_name("SMITH, John", p), prepare_name("Ali Hassan Al-Bakr", p)
    query = prepare_name("Jon Smith", p)
    bounder = QueryBound(query, weights, p, full)
    assert bounder.bound(first) == name_bound(query, first, weights, p)
    assert bounder.bound(second) == name_bound(query, second, weights, p)
    assert len(full.names) == 1
    assert full.name(first) is full.name(first)
    assert full.name(second) is not full.name(second)


def test_agreements_remembered_across_queries_are_the_token_agreements() -> None:
    """The agreements a ListTokens remembers per query token (across queries) are exactly
    token_agreement's for the pair (the keys are functions of the token), and a later query
    with the same tokens reads them and gives the same bounds as a fresh QueryBound."""
    from prosper.matching.tokens import token_agreement
    from prosper.names.normalize import _token_keys

    weights = population_weights()
    shared = ListTokens(weights)
    p = EntityType.PERSON
    listed = [prepare_name(n, p) for n in ("SMITH, John", "Jon Smyth", "Ali Hassan Al-Bakr")]
    for query in ("John Smith", "Smith Jonathan", "John Smith"):
        q = prepare_name(query, p)
        bounder = QueryBound(q, weights, p, shared)
        for c in listed:
            assert bounder.bound(c) == QueryBound(q, weights, p).bound(c)
    assert shared.agreements_count == sum(len(m) for m in shared.agreements.values()) > 0
    for (q_token, person, abjad), memo in shared.agreements.items():
        assert not abjad
        for c_token, agreement in memo.items():
            qp, qk, qv = _token_keys(q_token)
            cp, ck, cv = _token_keys(c_token)
            expected = token_agreement(q_token, qp, qk, c_token, cp, ck, person, abjad, qv, cv)
            assert agreement == expected[0], (q_token, c_token)
    # "john" met "jon" and "smyth" for the first query: read, not worked out, by the third
    assert shared.agreements[("john", True, False)]["jon"] > 0.0


def test_agreements_beyond_the_cap_are_not_remembered() -> None:
    """A ListTokens that may remember no agreement bounds exactly as a fresh one."""
    weights = population_weights()
    none_kept = ListTokens(weights, agreements_max=0)
    p = EntityType.PERSON
    q, c = prepare_name("Jon Smith", p), prepare_name("SMITH, John", p)
    assert QueryBound(q, weights, p, none_kept).bound(c) == name_bound(q, c, weights, p)
    assert none_kept.agreements_count == 0
    assert all(not memo for memo in none_kept.agreements.values())
