"""The guard index (:mod:`prosper.rulebook.guards`): ``Rulebook.evaluate`` skips only rules
that would have given nothing, so it returns exactly what applying every rule in force returns
(``scan=True``) — the same matches in the same order, or the same error — on random rules and
facts, on every rule case, and on every example and generated deal through the assessors."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.rulebook.test_compiled import CONDITIONS, FACT_MAPS

from prosper.decide import CheckContext
from prosper.errors import ProsperError, RulebookError
from prosper.model import Verdict
from prosper.rulebook import (
    AllOf,
    AnyOf,
    Citation,
    Leaf,
    NotOf,
    Outcome,
    Rule,
    Rulebook,
    load_rulebook,
)
from prosper.rulebook.guards import GuardedRules, cannot_raise, guards_of
from prosper.schema import parse_transaction

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ON = date(2026, 1, 1)
BOOK = load_rulebook()


def _rule(n: int, when: Any) -> Rule:
    return Rule(
        id=f"r{n}",
        title=f"rule {n}",
        regime="US-EAR",
        citation=Citation("test", str(n), "https://example.test"),
        effective_from=date(2020, 1, 1),
        status="enforced",
        then=Outcome(verdict=Verdict.REVIEW, summary=f"rule {n}: {{a}}"),
        rationale="test",
        when=when,
        on_unknown="skip" if n % 3 == 0 else "review",
    )


def _book(conditions: list[Any]) -> Rulebook:
    return Rulebook(
        id="t",
        version="1",
        digest="sha256:t",
        rules=tuple(_rule(n, c) for n, c in enumerate(conditions)),
    )


def _outcome(book: Rulebook, regime: str, facts: Any, on: date, scan: bool) -> Any:
    try:
        return ("matches", book.evaluate(regime, facts, on, "enforced", scan=scan))
    except (RulebookError, TypeError) as exc:
        return ("error", type(exc).__name__, str(exc))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(st.none(), CONDITIONS), min_size=1, max_size=8),
    st.lists(FACT_MAPS, min_size=1, max_size=6),
)
def test_indexed_equals_the_full_scan_on_random_rules(
    conditions: list[Any], fact_maps: list[Any]
) -> None:
    book = _book(conditions)
    for facts in fact_maps:  # several facts against one book: the index's memos are reused
        assert _outcome(book, "US-EAR", facts, ON, False) == _outcome(
            book, "US-EAR", facts, ON, True
        )


def test_indexed_equals_the_full_scan_on_every_rule_case() -> None:
    assert BOOK.cases
    skipped = 0
    for case in BOOK.cases:
        for reading in ("enforced", "literal"):
            got = BOOK.evaluate(case.regime, case.facts, case.as_of, reading)
            assert got == BOOK.evaluate(case.regime, case.facts, case.as_of, reading, scan=True)
            index = BOOK._compiled_in_force(case.as_of, case.regime, reading)
            skipped += len(index.checks) - len(index.candidates(case.facts))
    assert skipped > 0  # the index does skip rules on the cases


def test_a_guard_is_taken_only_before_an_item_that_could_raise() -> None:
    first = Leaf("a", "eq", 1)
    cond = AllOf((first, AllOf((Leaf("b", "ne", "x"),)), Leaf("c", "gt", 3), Leaf("d", "eq", 2)))
    assert [fact for fact, _ in guards_of(cond)] == ["a", "b"]  # nested `all` flattened; not d
    # an item reading two facts is no guard, but it does not end the guards either
    both = AllOf((AnyOf((Leaf("a", "eq", 1), Leaf("b", "eq", 1))), Leaf("c", "in", ("x",))))
    assert [fact for fact, _ in guards_of(both)] == ["c"]
    assert guards_of(AnyOf((Leaf("a", "eq", 1), Leaf("a", "eq", 2))))[0][0] == "a"
    assert guards_of(NotOf(Leaf("a", "present", True)))[0][0] == "a"
    assert guards_of(Leaf("a", "gte", 1)) == ()
    assert not cannot_raise(Leaf("a", "in", "abc"))  # membership in a string may raise
    assert not cannot_raise(Leaf("a", "bogus", 1))


def test_a_rule_whose_earlier_item_raises_still_raises() -> None:
    # the guard `b == 1` is false, but the full evaluation raises on `a` first: not skipped
    book = _book([AllOf((Leaf("a", "gt", 5), Leaf("b", "eq", 1)))])
    for scan in (False, True):
        with pytest.raises(RulebookError, match="not a number"):
            book.evaluate("US-EAR", {"a": "five", "b": 2}, ON, "enforced", scan=scan)


def test_skipped_rules_are_those_a_guard_settles_false() -> None:
    book = _book([Leaf("a", "eq", 1), AllOf((Leaf("a", "eq", 2), Leaf("b", "eq", 1))), None])
    index = book._compiled_in_force(ON, "US-EAR", "enforced")
    assert isinstance(index, GuardedRules)

    def ids(facts: dict[str, Any]) -> list[str]:
        return [rule.id for rule, _ in index.candidates(facts)]

    assert ids({"a": 1}) == ["r0", "r2"]
    assert ids({"a": 2, "b": 1}) == ["r1", "r2"]
    assert ids({"a": 2, "b": 0}) == ["r2"]  # r1's second guard is false
    assert ids({"a": 1, "b": 0}) == ["r0", "r2"]  # r1: both guards false
    assert ids({"a": 3}) == ["r2"]
    assert ids({}) == ["r0", "r1", "r2"]  # unknown is not false: a review naming the fact
    assert ids({"a": [1]}) == ["r2"]  # a value not kept by value is tested afresh
    assert ids({"a": True}) == ["r0", "r2"]  # True == 1, as the condition itself finds
    got = book.evaluate("US-EAR", {}, ON, "enforced")
    assert [m.rule.id for m in got] == ["r1", "r2"]  # r0 is `skip` on unknown (n % 3 == 0)


# --- every example and generated deals through the assessors -------------------------------


def _documents() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        docs.append(json.loads(json.dumps(doc, default=str)))
    return docs


def _leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(path with list indices dropped, container, key) of every scalar or list-of-scalars."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        where = f"{path}.{key}" if isinstance(node, dict) else f"{path}[]"
        if isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
        ):
            yield from _leaves(value, where)
        else:
            yield where, node, key


def generated_deals(count: int, seed: int = 16) -> list[dict[str, Any]]:
    """Deals recombined from the examples: each copies an example and gives a few of its fields
    a value the same field has in another example (or drops the field), so the rules see new
    combinations of real values — destinations, items, data categories, purposes."""
    docs = _documents()
    pool: dict[str, list[Any]] = {}
    for doc in docs:
        for where, node, key in _leaves(doc):
            pool.setdefault(where, []).append(node[key])
    rng = random.Random(seed)
    deals = []
    for n in range(count):
        deal = copy.deepcopy(docs[n % len(docs)])
        spots = list(_leaves(deal))
        for where, node, key in rng.sample(spots, min(len(spots), rng.randint(1, 4))):
            if isinstance(node, dict) and rng.random() < 0.15:
                del node[key]
            else:
                node[key] = copy.deepcopy(rng.choice(pool[where]))
        deals.append(deal)
    return deals


def _decide(doc: dict[str, Any], book: Rulebook) -> list[Any] | None:
    from prosper.engine import ASSESSORS

    try:
        tx = parse_transaction(doc)
    except ProsperError:
        return None  # a recombination the input model refuses: nothing to compare
    out: list[Any] = []
    for mode in ("enforced", "literal"):
        ctx = CheckContext(tx=tx, mode=mode, rulebook=book)
        for assessor in ASSESSORS:
            try:
                out.append(assessor(ctx))
            except ProsperError as exc:
                out.append(("error", type(exc).__name__, str(exc)))
    return out


def test_every_example_and_generated_deal_decides_as_the_full_scan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deals = _documents() + generated_deals(400)
    indexed = [_decide(doc, BOOK) for doc in deals]
    calls: list[int] = [0, 0]
    plain = Rulebook.evaluate

    def scanning(self: Rulebook, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        got = plain(self, *args, **{**kwargs, "scan": True})
        index = self._compiled_in_force(args[2], args[0], args[3])
        calls[1] += len(index.checks) - len(index.candidates(args[1]))
        return got

    monkeypatch.setattr(Rulebook, "evaluate", scanning)
    scanned = [_decide(doc, BOOK) for doc in deals]
    decided = [d for d in indexed if d is not None]
    assert len(decided) >= len(deals) // 2, "most generated deals are valid transactions"
    assert calls[0] > 1000  # rules evaluated…
    assert calls[1] > calls[0]  # …and many of them skipped by the index
    for doc, a, b in zip(deals, indexed, scanned, strict=True):
        assert a == b, doc.get("id")
