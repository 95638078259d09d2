"""Three-valued evaluation of rule conditions over a flat facts mapping.

A leaf is *unknown* when its fact is absent or ``None`` (except ``present`` / ``missing``,
which test exactly that). ``all`` is false as soon as one item is false, else unknown if one
is unknown; ``any`` is true as soon as one item is true, else unknown if one is unknown;
``not`` keeps unknown. An unknown condition remembers the facts that made it unknown.

A rule whose condition is unknown — or true while a fact in its ``requires`` list is missing —
produces ``review`` naming those facts (``on_unknown: review``, the default), or nothing
(``on_unknown: skip``) for rules that only add detail.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from prosper.errors import RulebookError
from prosper.model import ReviewPolicy, Verdict
from prosper.rulebook.grammar import (
    REVIEW_POLICY_ORDER,
    AnyOf,
    Condition,
    Leaf,
    NotOf,
    Rule,
    RuleMatch,
)

Tri = bool | None


def _missing(value: Any) -> bool:
    return value is None


def _number(rule_fact: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RulebookError(f"fact {rule_fact!r} is {value!r}, not a number", field=rule_fact)
    return float(value)


def _as_set(fact: str, value: Any) -> set[Any]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise RulebookError(f"fact {fact!r} is {value!r}, not a list", field=fact)
    return set(value)


def eval_leaf(leaf: Leaf, facts: Mapping[str, Any]) -> tuple[Tri, frozenset[str]]:
    """Evaluate one leaf: (True / False / None for unknown, the facts that were missing)."""
    value = facts.get(leaf.fact)
    if leaf.op == "present":
        return (not _missing(value)) == bool(leaf.value), frozenset()
    if leaf.op == "missing":
        return _missing(value) == bool(leaf.value), frozenset()
    if _missing(value):
        return None, frozenset({leaf.fact})
    op, want = leaf.op, leaf.value
    result: bool
    if op == "eq":
        result = value == want
    elif op == "ne":
        result = value != want
    elif op == "in":
        result = value in want
    elif op == "not_in":
        result = value not in want
    elif op in ("gt", "gte", "lt", "lte"):
        got, lim = _number(leaf.fact, value), _number(leaf.fact, want)
        result = {
            "gt": got > lim,
            "gte": got >= lim,
            "lt": got < lim,
            "lte": got <= lim,
        }[op]
    elif op == "contains":
        result = want in _as_set(leaf.fact, value)
    elif op == "intersects":
        result = bool(_as_set(leaf.fact, value) & set(want))
    else:  # the loader only lets known operators through
        raise RulebookError(f"unknown operator {op!r}", field=leaf.fact)
    return result, frozenset()


def eval_condition(cond: Condition, facts: Mapping[str, Any]) -> tuple[Tri, frozenset[str]]:
    """Evaluate a condition tree with Kleene logic; returns (value, missing facts if unknown)."""
    if isinstance(cond, Leaf):
        return eval_leaf(cond, facts)
    if isinstance(cond, NotOf):
        value, missing = eval_condition(cond.item, facts)
        return (None if value is None else not value), missing
    decisive = isinstance(cond, AnyOf)  # the value that settles the combinator
    unknown: list[frozenset[str]] = []
    for item in cond.items:
        value, missing = eval_condition(item, facts)
        if value is decisive:
            return decisive, frozenset()
        if value is None:
            unknown.append(missing)
    if unknown:
        return None, frozenset().union(*unknown)
    return (not decisive), frozenset()


Compiled = Callable[[Mapping[str, Any]], tuple[Tri, frozenset[str]]]
"""A condition made into a function of the facts (:func:`compile_condition`)."""

_KNOWN: frozenset[str] = frozenset()
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _compile_leaf(leaf: Leaf) -> Compiled:
    """:func:`eval_leaf` for one leaf, with its operator chosen once."""
    fact, op, want = leaf.fact, leaf.op, leaf.value
    if op in ("present", "missing"):
        expect = bool(want) if op == "present" else not bool(want)

        def presence(facts: Mapping[str, Any]) -> tuple[Tri, frozenset[str]]:
            return (facts.get(fact) is not None) == expect, _KNOWN

        return presence
    unknown: tuple[Tri, frozenset[str]] = (None, frozenset({fact}))
    test: Callable[[Any], bool]
    if op == "eq":
        test = lambda value: value == want  # noqa: E731 - one line per operator
    elif op == "ne":
        test = lambda value: value != want  # noqa: E731
    elif op == "in":
        test = lambda value: value in want  # noqa: E731
    elif op == "not_in":
        test = lambda value: value not in want  # noqa: E731
    elif op in _COMPARE:
        compare = _COMPARE[op]
        test = lambda value: compare(_number(fact, value), _number(fact, want))  # noqa: E731
    elif op == "contains":
        test = lambda value: want in _as_set(fact, value)  # noqa: E731
    elif op == "intersects":
        test = lambda value: bool(_as_set(fact, value) & set(want))  # noqa: E731
    else:
        return lambda facts: eval_leaf(leaf, facts)  # raises for a known fact, as eval_leaf

    def compare_fact(facts: Mapping[str, Any]) -> tuple[Tri, frozenset[str]]:
        value = facts.get(fact)
        if value is None:
            return unknown
        return test(value), _KNOWN

    return compare_fact


def compile_condition(cond: Condition) -> Compiled:
    """``cond`` as a function of the facts giving exactly what :func:`eval_condition` gives
    (the same values, missing facts, order of evaluation and errors), without walking the tree
    and dispatching on each node's type and operator at every evaluation (issue 16: a check
    evaluates some 200 rules; the walk was about 40 % of a check worker's CPU)."""
    if isinstance(cond, Leaf):
        return _compile_leaf(cond)
    if isinstance(cond, NotOf):
        inner = compile_condition(cond.item)

        def negate(facts: Mapping[str, Any]) -> tuple[Tri, frozenset[str]]:
            value, missing = inner(facts)
            return (None if value is None else not value), missing

        return negate
    decisive = isinstance(cond, AnyOf)
    items = tuple(compile_condition(item) for item in cond.items)
    settled: tuple[Tri, frozenset[str]] = (decisive, _KNOWN)
    exhausted: tuple[Tri, frozenset[str]] = (not decisive, _KNOWN)

    def combine(facts: Mapping[str, Any]) -> tuple[Tri, frozenset[str]]:
        unknown: frozenset[str] | None = None
        for item in items:
            value, missing = item(facts)
            if value is decisive:
                return settled
            if value is None:
                unknown = missing if unknown is None else unknown | missing
        if unknown is not None:
            return None, unknown
        return exhausted

    return combine


_COMPILED: dict[int, tuple[Condition, Compiled]] = {}
_COMPILED_MAX = 65_536
"""Conditions kept compiled (a rulebook has a few hundred; a reloaded one adds its own)."""


def compiled(cond: Condition) -> Compiled:
    """The compiled form of ``cond``, made once per condition object."""
    entry = _COMPILED.get(id(cond))
    if entry is not None and entry[0] is cond:
        return entry[1]
    function = compile_condition(cond)
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.clear()
    _COMPILED[id(cond)] = (cond, function)  # the condition is kept, so its id is not reused
    return function


_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.\[\]-]+)\}")


def _show(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(template: str, facts: Mapping[str, Any]) -> str:
    """Fill ``{fact.name}`` placeholders from ``facts`` (``?`` when a fact is missing).

    >>> render("{item.classification} to {destination.country}",
    ...        {"item.classification": "3A090.a.1", "destination.country": "VN"})
    '3A090.a.1 to VN'
    """

    def sub(m: re.Match[str]) -> str:
        value = facts.get(m.group(1))
        return "?" if value is None else _show(value)

    return _PLACEHOLDER.sub(sub, template)


def evaluate_rule(rule: Rule, facts: Mapping[str, Any]) -> RuleMatch | None:
    """Apply one rule to ``facts``: its match, a ``review`` naming missing facts, or None."""
    if rule.when is None:
        return match_rule(rule, True, _KNOWN, facts)
    value, missing = compiled(rule.when)(facts)
    if value is False:
        return None
    return match_rule(rule, value, missing, facts)


def match_rule(
    rule: Rule, value: Tri, missing: frozenset[str], facts: Mapping[str, Any]
) -> RuleMatch | None:
    """The outcome of ``rule`` whose condition came out ``value`` (missing ``missing``) on
    ``facts``: as :func:`evaluate_rule`, for a caller that evaluated the condition itself."""
    if value is False:
        return None
    lacking = tuple(sorted(missing | {f for f in rule.requires if _missing(facts.get(f))}))
    if lacking:
        if rule.on_unknown == "skip":
            return None
        return RuleMatch(
            rule=rule,
            verdict=Verdict.REVIEW,
            summary=f"{rule.title}: cannot be decided without {', '.join(lacking)}",
            missing_facts=lacking,
            undecided=True,
        )
    then = rule.then
    summary = render(then.summary if then.summary is not None else rule.title, facts)
    return RuleMatch(
        rule=rule,
        verdict=then.verdict,
        summary=summary,
        review_policy=then.review_policy,
        license_exception=then.license_exception,
        conditions=tuple(render(c, facts) for c in then.conditions),
        basis=None if then.basis is None else render(then.basis, facts),
        missing_facts=then.missing_facts,
    )


def most_restrictive(matches: Iterable[RuleMatch]) -> Verdict | None:
    """The most restrictive verdict among ``matches`` (None when there are none)."""
    found = [m.verdict for m in matches]
    if not found:
        return None
    return Verdict.most_restrictive(found)


def strictest_policy(policies: Iterable[ReviewPolicy | None]) -> ReviewPolicy | None:
    """The most restrictive review policy (denial > case-by-case > approval), or None."""
    present = {p for p in policies if p is not None}
    for policy in REVIEW_POLICY_ORDER:
        if policy in present:
            return policy
    return None
