"""Compiled conditions (:func:`prosper.rulebook.evaluate.compile_condition`) give exactly what
the tree walk (:func:`~prosper.rulebook.evaluate.eval_condition`) gives: the same value, the
same missing facts and the same error, for any condition and any facts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prosper.errors import RulebookError
from prosper.rulebook import AllOf, AnyOf, Leaf, NotOf, eval_condition
from prosper.rulebook.evaluate import compile_condition, compiled

FACTS = ("a", "b", "c")
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-3, 3, allow_nan=False),
    st.sampled_from(["x", "y", "D:1"]),
    st.lists(st.sampled_from(["x", "y", "D:1"]), max_size=3),
    st.lists(st.integers(-2, 2), max_size=3).map(tuple),
)
OPS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "present", "missing")
OPS += ("contains", "intersects", "bogus")


def _leaf(fact: str, op: str, value: Any) -> Leaf:
    if op in ("in", "not_in") and not isinstance(value, list | tuple | str):
        value = (value,)  # the loader's shape for membership; other shapes still tried below
    return Leaf(fact, op, value)


LEAVES = st.builds(_leaf, st.sampled_from(FACTS), st.sampled_from(OPS), VALUES)
CONDITIONS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: AllOf(tuple(xs))),
        st.lists(inner, max_size=4).map(lambda xs: AnyOf(tuple(xs))),
        inner.map(NotOf),
    ),
    max_leaves=8,
)
FACT_MAPS = st.dictionaries(st.sampled_from(FACTS), VALUES, max_size=3)


def _outcome(function: Any, *args: Any) -> Any:
    try:
        return ("value", function(*args))
    except (RulebookError, TypeError) as exc:
        return ("error", type(exc).__name__, str(exc))


@settings(max_examples=600, deadline=None)
@given(CONDITIONS, st.lists(FACT_MAPS, min_size=1, max_size=4))
def test_compiled_equals_the_tree_walk(cond: Any, fact_maps: list[dict[str, Any]]) -> None:
    function = compile_condition(cond)
    for facts in fact_maps:
        assert _outcome(function, facts) == _outcome(eval_condition, cond, facts)


def test_a_bad_fact_raises_the_same_error() -> None:
    cond = AllOf((Leaf("a", "gt", 5), Leaf("b", "eq", 1)))
    with pytest.raises(RulebookError, match="not a number"):
        compile_condition(cond)({"a": "five"})
    assert compile_condition(cond)({"b": 2}) == (False, frozenset())
    assert compile_condition(cond)({"b": 1}) == (None, frozenset({"a"}))


def test_compiled_once_per_condition() -> None:
    cond = AnyOf((Leaf("a", "eq", 1),))
    assert compiled(cond) is compiled(cond)
    other = AnyOf((Leaf("a", "eq", 1),))  # equal, but another object: compiled on its own
    assert compiled(other)({"a": 1}) == (True, frozenset())


def test_a_memo_shared_by_both_readings_changes_no_outcome() -> None:
    from prosper.rulebook import load_rulebook

    book = load_rulebook()
    assert book.cases
    for case in book.cases:
        memo: dict[int, Any] = {}
        for reading in ("enforced", "literal"):
            plain = book.evaluate(case.regime, case.facts, case.as_of, reading)
            shared = book.evaluate(case.regime, case.facts, case.as_of, reading, memo=memo)
            assert shared == plain, (case, reading)
        # every rule the enforced reading applied is remembered (the guard index skips, and so
        # does not remember, rules settled false without being applied)
        index = book._compiled_in_force(case.as_of, case.regime, "enforced")
        assert all(id(r) in memo for r, _ in index.candidates(case.facts))
