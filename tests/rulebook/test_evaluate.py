"""Three-valued evaluation: unknown facts make review naming them, never a guess."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prosper.model import ReviewPolicy, Verdict
from prosper.rulebook import (
    AllOf,
    AnyOf,
    Citation,
    Leaf,
    NotOf,
    Outcome,
    Rule,
    eval_condition,
    evaluate_rule,
    render,
    strictest_policy,
)


def rule(when: Any, verdict: Verdict = Verdict.LICENSE_REQUIRED, **kw: Any) -> Rule:
    return Rule(
        id="t.r",
        title="Test rule",
        regime="US-EAR",
        citation=Citation("15 CFR", "742.6", "https://www.ecfr.gov/"),
        effective_from=date(2024, 1, 1),
        status="enforced",
        then=Outcome(verdict=verdict, summary="{x} to {y}"),
        rationale="r",
        when=when,
        **kw,
    )


@pytest.mark.parametrize(
    ("leaf", "facts", "expected"),
    [
        (Leaf("x", "eq", 1), {"x": 1}, True),
        (Leaf("x", "ne", 1), {"x": 1}, False),
        (Leaf("x", "in", ("a", "b")), {"x": "b"}, True),
        (Leaf("x", "not_in", ("a", "b")), {"x": "c"}, True),
        (Leaf("x", "gt", 4800), {"x": 4800}, False),
        (Leaf("x", "gte", 4800), {"x": 4800}, True),
        (Leaf("x", "lt", 21000), {"x": 20919.2}, True),
        (Leaf("x", "lte", 5.92), {"x": 5.92}, True),
        (Leaf("x", "contains", "D:5"), {"x": ["D:1", "D:5"]}, True),
        (Leaf("x", "intersects", ("A:5", "A:6")), {"x": ["B", "D:1"]}, False),
        (Leaf("x", "present", True), {"x": 0}, True),
        (Leaf("x", "present", True), {"x": None}, False),
        (Leaf("x", "missing", True), {}, True),
        (Leaf("x", "eq", 1), {}, None),
        (Leaf("x", "eq", 1), {"x": None}, None),
    ],
)
def test_leaf(leaf: Leaf, facts: dict[str, Any], expected: bool | None) -> None:
    assert eval_condition(leaf, facts)[0] is expected


def test_kleene_combinators_name_missing_facts() -> None:
    known_false = Leaf("a", "eq", 1)
    unknown = Leaf("b", "eq", 1)
    facts = {"a": 2}
    assert eval_condition(AllOf((known_false, unknown)), facts) == (False, frozenset())
    assert eval_condition(AnyOf((known_false, unknown)), facts) == (None, frozenset({"b"}))
    assert eval_condition(AnyOf((NotOf(known_false), unknown)), facts) == (True, frozenset())
    assert eval_condition(NotOf(unknown), facts) == (None, frozenset({"b"}))


def test_unknown_rule_is_review_naming_the_fact() -> None:
    match = evaluate_rule(rule(AllOf((Leaf("x", "eq", 1), Leaf("hq", "eq", False)))), {"x": 1})
    assert match is not None
    assert match.verdict is Verdict.REVIEW
    assert match.undecided
    assert match.missing_facts == ("hq",)
    assert "hq" in match.summary


def test_requires_and_skip() -> None:
    r = rule(Leaf("x", "eq", 1), requires=("die_area",))
    match = evaluate_rule(r, {"x": 1})
    assert match is not None
    assert match.missing_facts == ("die_area",)
    assert (
        evaluate_rule(rule(Leaf("x", "eq", 1), requires=("d",), on_unknown="skip"), {"x": 1})
        is None
    )
    assert evaluate_rule(rule(Leaf("x", "eq", 2), requires=("die_area",)), {"x": 1}) is None


def test_match_renders_summary() -> None:
    match = evaluate_rule(rule(Leaf("x", "eq", "3A090.a.1")), {"x": "3A090.a.1", "y": "VN"})
    assert match is not None
    assert match.summary == "3A090.a.1 to VN"
    assert match.verdict is Verdict.LICENSE_REQUIRED
    assert render("{nope}", {}) == "?"


def test_in_force_and_readings() -> None:
    r = rule(None, effective_to=date(2024, 12, 31))
    assert not r.in_force(date(2023, 12, 31))
    assert r.in_force(date(2024, 12, 31))
    assert not r.in_force(date(2025, 1, 1))
    assert r.applies_to("enforced")
    assert r.applies_to("literal")


verdicts = st.sampled_from(list(Verdict))
policies = st.sampled_from([None, *ReviewPolicy])


@given(st.lists(verdicts, min_size=1))
def test_most_restrictive_wins(found: list[Verdict]) -> None:
    top = Verdict.most_restrictive(found)
    assert top in found
    assert all(top.severity >= v.severity for v in found)
    # adding a less or equally restrictive verdict never changes the answer
    assert Verdict.most_restrictive([*found, Verdict.NOT_SUBJECT]) == top


@given(st.lists(policies))
def test_strictest_policy(found: list[ReviewPolicy | None]) -> None:
    got = strictest_policy(found)
    if ReviewPolicy.PRESUMPTION_OF_DENIAL in found:
        assert got is ReviewPolicy.PRESUMPTION_OF_DENIAL
    elif not any(found):
        assert got is None
    else:
        assert got in found
