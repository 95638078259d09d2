"""The rule grammar: load and validate rule YAML, evaluate it, run its cases.

Public API::

    load_rulebook(path: Path | None = None) -> Rulebook
    Rulebook.rules_in_force(on, regime=None, reading=None) -> tuple[Rule, ...]
    Rulebook.evaluate(regime, facts, on, reading, *, scan=False) -> tuple[RuleMatch, ...]
    Rulebook.run_cases() -> CaseReport

The grammar is documented in ``docs/rules.md``.
"""

from __future__ import annotations

from prosper.rulebook.book import DEFAULT_MANIFEST, Rulebook, load_rulebook, run_case
from prosper.rulebook.evaluate import (
    eval_condition,
    evaluate_rule,
    most_restrictive,
    render,
    strictest_policy,
)
from prosper.rulebook.grammar import (
    OPERATORS,
    READINGS,
    REGIMES,
    STATUSES,
    AllOf,
    AnyOf,
    Case,
    CaseExpectation,
    CaseReport,
    CaseResult,
    Citation,
    Condition,
    Leaf,
    NotOf,
    Outcome,
    Rule,
    RuleMatch,
    Table,
)

__all__ = [
    "DEFAULT_MANIFEST",
    "OPERATORS",
    "READINGS",
    "REGIMES",
    "STATUSES",
    "AllOf",
    "AnyOf",
    "Case",
    "CaseExpectation",
    "CaseReport",
    "CaseResult",
    "Citation",
    "Condition",
    "Leaf",
    "NotOf",
    "Outcome",
    "Rule",
    "RuleMatch",
    "Rulebook",
    "Table",
    "eval_condition",
    "evaluate_rule",
    "load_rulebook",
    "most_restrictive",
    "render",
    "run_case",
    "strictest_policy",
]
