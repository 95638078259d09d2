"""An index of the rules in force by the facts that can settle them false (issue 16, deliver 6).

A check applies some 200 rules, and most of them come out false on their first condition
(``item.subject_to_ear`` is not true, ``kr_data`` is not true, the destination is not in the
rule's list…). :class:`GuardedRules` finds those rules without calling them: it reads each
*guard fact* once per evaluation and looks up, by its value, which rules that value settles false.

A **guard** of a rule is a part of its condition such that

* the condition is false whenever the guard is false: the condition itself, or an item of its
  top-level ``all`` (nested ``all`` flattened, in evaluation order);
* nothing evaluated before it can raise: it is taken only from the items before the first one
  that could raise (a number comparison, ``contains`` / ``intersects``, an operator the grammar
  does not know), so a rule skipped because of it is one whose evaluation would have returned
  false without an error (Kleene ``all``: a false item settles it, whatever the items before it
  were, true or unknown);
* it reads exactly one fact, and its own operators cannot raise (``eq``, ``ne``, ``present``,
  ``missing``, ``in`` / ``not_in`` over a list, and ``all`` / ``any`` / ``not`` of those).

Whether a guard is false is worked out by calling the guard's own compiled condition on that one
fact (``{fact: value}``), so it is exactly what the full evaluation would find; the answer is
kept per value for the values that are plain scalars (``None``, ``bool``, ``int``, ``float``,
``str``: equal keys give equal answers), and worked out afresh for any other value (a list).
A rule none of whose guards is false is evaluated as before, in file order; the result is the
same tuple of matches as applying every rule (``tests/rulebook/test_guards.py`` checks it on
random conditions and facts, every rule case and every example).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from prosper.rulebook.evaluate import Compiled, compiled
from prosper.rulebook.grammar import AllOf, Condition, Leaf, NotOf, Rule

Check = tuple[Rule, Compiled | None]
"""A rule in force with its compiled condition (None: a rule without ``when``)."""

#: Operators whose comparison cannot raise on any fact value (``in`` / ``not_in`` only over a
#: list: membership in a tuple compares with ``==``).
_SAFE_OPS = frozenset({"eq", "ne", "present", "missing", "in", "not_in"})
#: Fact value types whose guard answers are kept by value (equal values, equal answers).
_SCALARS = frozenset({type(None), bool, int, float, str})
#: Values remembered per guard fact before its memo starts again (facts are few-valued:
#: countries, flags, categories; a long-running server sees no more than a few hundred).
_VALUES_MAX = 1024
#: Sets of rules skipped remembered per rule list before the memo starts again.
_MASKS_MAX = 4096


def cannot_raise(cond: Condition) -> bool:
    """Whether evaluating ``cond`` can never raise, whatever the facts."""
    if isinstance(cond, Leaf):
        if cond.op in ("in", "not_in"):
            return isinstance(cond.value, tuple | list)
        return cond.op in _SAFE_OPS
    if isinstance(cond, NotOf):
        return cannot_raise(cond.item)
    return all(cannot_raise(item) for item in cond.items)


def facts_read(cond: Condition) -> frozenset[str]:
    """Every fact ``cond`` may read."""
    if isinstance(cond, Leaf):
        return frozenset({cond.fact})
    if isinstance(cond, NotOf):
        return facts_read(cond.item)
    return frozenset().union(*(facts_read(item) for item in cond.items))


def _conjuncts(cond: Condition) -> Iterator[Condition]:
    """The items of ``cond``'s top-level ``all`` (nested ``all`` flattened), in evaluation
    order; ``cond`` itself when it is not an ``all``."""
    if isinstance(cond, AllOf):
        for item in cond.items:
            yield from _conjuncts(item)
    else:
        yield cond


def guards_of(cond: Condition) -> tuple[tuple[str, Condition], ...]:
    """The guards of ``cond`` (see the module docstring), each with the fact it reads.

    >>> guards_of(AllOf((Leaf("us_data", "eq", True), Leaf("volume", "gte", 1000),
    ...                  Leaf("sector", "eq", "health"))))
    (('us_data', Leaf(fact='us_data', op='eq', value=True)),)
    """
    found: list[tuple[str, Condition]] = []
    for item in _conjuncts(cond):
        if not cannot_raise(item):
            break  # an item after it may be false, but the full evaluation would raise first
        read = facts_read(item)
        if len(read) == 1:
            (fact,) = read
            found.append((fact, item))
    return tuple(found)


class _Guard:
    """The guards on one fact: which rules (as bits of the rule list) each value settles false."""

    __slots__ = ("bits", "fact", "memo", "tests")

    def __init__(self, fact: str, tests: tuple[tuple[int, Compiled], ...]) -> None:
        self.fact = fact
        self.tests = tests
        self.bits = 0  # every rule guarded on this fact
        for bit, _ in tests:
            self.bits |= bit
        self.memo: dict[Any, int] = {}

    def rejected(self, value: Any) -> int:
        """The bits of the rules one of whose guards on this fact is false for ``value``."""
        facts = {} if value is None else {self.fact: value}
        mask = 0
        for bit, test in self.tests:
            if test(facts)[0] is False:
                mask |= bit
        return mask


class GuardedRules:
    """The rules in force for one (date, regime, reading), with their guards by fact.

    :meth:`candidates` gives the rules that remain to be evaluated for some facts: every rule
    but those a guard settles false, in file order.
    """

    __slots__ = ("_survivors", "checks", "guards")

    def __init__(self, checks: tuple[Check, ...]) -> None:
        self.checks = checks
        by_fact: dict[str, list[tuple[int, Compiled]]] = {}
        for position, (rule, _) in enumerate(checks):
            if rule.when is None:
                continue
            for fact, guard in guards_of(rule.when):
                by_fact.setdefault(fact, []).append((1 << position, compiled(guard)))
        self.guards = tuple(_Guard(fact, tuple(tests)) for fact, tests in by_fact.items())
        self._survivors: dict[int, tuple[Check, ...]] = {0: checks}

    def candidates(self, facts: Mapping[str, Any]) -> tuple[Check, ...]:
        """The rules of :attr:`checks` that no guard settles false on ``facts``, in order."""
        mask = 0
        for guard in self.guards:
            if not guard.bits & ~mask:
                continue  # every rule it guards is already settled false by another fact
            value = facts.get(guard.fact)
            if type(value) in _SCALARS:
                bits = guard.memo.get(value)
                if bits is None:
                    bits = guard.rejected(value)
                    if len(guard.memo) >= _VALUES_MAX:
                        guard.memo.clear()
                    guard.memo[value] = bits
            else:
                bits = guard.rejected(value)
            mask |= bits
        found = self._survivors.get(mask)
        if found is None:
            found = tuple(c for p, c in enumerate(self.checks) if not mask >> p & 1)
            if len(self._survivors) >= _MASKS_MAX:
                self._survivors.clear()
                self._survivors[0] = self.checks
            self._survivors[mask] = found
        return found
