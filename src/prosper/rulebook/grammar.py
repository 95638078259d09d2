"""The rule grammar: frozen values for rules, conditions, outcomes and cases.

A rule file is YAML (see ``docs/rules.md``); :mod:`prosper.rulebook.loader` parses it strictly
into the values below. Conditions are a small tree over a flat *facts* mapping::

    Condition  = Leaf | AllOf | AnyOf | NotOf
    Leaf       = {fact: NAME, <op>: VALUE}       one operator per leaf
    AllOf      = {all: [Condition, ...]}
    AnyOf      = {any: [Condition, ...]}
    NotOf      = {not: Condition}

Evaluation is three-valued (true / false / unknown): a leaf over a fact that is absent or
``None`` is *unknown* and remembers the fact's name, so a rule that cannot be decided yields a
``review`` naming what is missing instead of a guess (see :mod:`prosper.rulebook.evaluate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from prosper.model import ReviewPolicy, Verdict

#: Every regime a rule may belong to (the contract's regime names).
REGIMES = (
    "US-EAR",
    "US-OFAC",
    "KR-FTA",
    "KR-PIPA",
    "KR-SECTOR",
    "US-DSP",
    "US-PADFA",
    "US-STATE",
    "EU-GDPR",
    "JP-APPI",
    # the exporter's own jurisdiction's sanctions and the transaction's completeness (issue 15)
    "UN-SC",
    "KR-SANCTIONS",
    "EU-SANCTIONS",
    "EXPORT-KYC",
)

#: The two readings of the law computed side by side.
READINGS = ("enforced", "literal")

#: Rule status -> the readings in which the rule is evaluated.
#: ``enforced``: in the text and enforced (both readings); ``enforced_only``: the enforced
#: posture only (e.g. the pre-AI-Diffusion scope BIS still applies); ``literal_only``: the
#: codified text only (e.g. AI Diffusion provisions BIS said it does not enforce).
STATUSES: dict[str, tuple[str, ...]] = {
    "enforced": ("enforced", "literal"),
    "enforced_only": ("enforced",),
    "literal_only": ("literal",),
}

#: Leaf operators. ``present`` / ``missing`` take ``true``; the others compare a value.
OPERATORS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "present",
    "missing",
    "contains",
    "intersects",
)

#: Review policies from most to least restrictive (for "most restrictive wins").
REVIEW_POLICY_ORDER = (
    ReviewPolicy.PRESUMPTION_OF_DENIAL,
    ReviewPolicy.CASE_BY_CASE,
    ReviewPolicy.PRESUMPTION_OF_APPROVAL,
)


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a rule comes from: ``source`` (e.g. ``15 CFR``), ``section`` and a URL."""

    source: str
    section: str
    url: str

    def __str__(self) -> str:
        return f"{self.source} {self.section}".strip()


@dataclass(frozen=True, slots=True)
class Leaf:
    """``{fact: NAME, op: VALUE}`` — one comparison of one fact."""

    fact: str
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class AllOf:
    """True when every sub-condition is true (false wins over unknown)."""

    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """True when some sub-condition is true (true wins over unknown)."""

    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class NotOf:
    """The negation of one sub-condition (unknown stays unknown)."""

    item: Condition


Condition = Leaf | AllOf | AnyOf | NotOf


@dataclass(frozen=True, slots=True)
class Outcome:
    """The ``then`` of a rule: what it says when its condition holds.

    ``summary`` may name facts in braces (``"{item.classification} to {destination.country}"``);
    they are filled in from the facts when the rule matches.
    """

    verdict: Verdict
    summary: str | None = None
    review_policy: ReviewPolicy | None = None
    license_exception: str | None = None
    conditions: tuple[str, ...] = ()
    basis: str | None = None
    missing_facts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: a dated, cited condition → outcome, with its reason."""

    id: str
    title: str
    regime: str
    citation: Citation
    effective_from: date
    status: str
    then: Outcome
    rationale: str
    when: Condition | None = None
    effective_to: date | None = None
    requires: tuple[str, ...] = ()
    on_unknown: str = "review"
    evidence: str | None = None
    file: str = ""

    def in_force(self, on: date) -> bool:
        """Whether the rule is in force on ``on`` (``effective_to`` is the last day, inclusive)."""
        if on < self.effective_from:
            return False
        return self.effective_to is None or on <= self.effective_to

    def applies_to(self, reading: str) -> bool:
        """Whether the rule is evaluated in ``reading`` (``enforced`` or ``literal``)."""
        return reading in STATUSES[self.status]


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """A rule that applied to the facts, with its rendered outcome.

    ``undecided`` is True when the rule could not be decided because facts were missing; its
    verdict is then ``review`` and ``missing_facts`` names them.
    """

    rule: Rule
    verdict: Verdict
    summary: str
    review_policy: ReviewPolicy | None = None
    license_exception: str | None = None
    conditions: tuple[str, ...] = ()
    basis: str | None = None
    missing_facts: tuple[str, ...] = ()
    undecided: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A reference table shipped with the rulebook, with its provenance block."""

    name: str
    title: str
    provenance: dict[str, Any]
    data: Any
    file: str = ""


@dataclass(frozen=True, slots=True)
class CaseExpectation:
    """What a rule case expects: the overall verdict and the exact set of matched rule ids."""

    rules: tuple[str, ...]
    verdict: Verdict | None = None
    review_policy: ReviewPolicy | None = None
    license_exception: str | None = None
    missing_facts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    """One rule case: facts on a date under a reading → expected outcome."""

    id: str
    regime: str
    as_of: date
    readings: tuple[str, ...]
    facts: dict[str, Any]
    expect: CaseExpectation
    description: str = ""
    file: str = ""


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one case under one reading."""

    case: Case
    reading: str
    passed: bool
    problems: tuple[str, ...] = ()
    matched: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseReport:
    """Every case result of a rulebook run."""

    results: tuple[CaseResult, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> int:
        """How many case runs passed."""
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> tuple[CaseResult, ...]:
        """The case runs that failed."""
        return tuple(r for r in self.results if not r.passed)

    @property
    def ok(self) -> bool:
        """True when every case passed (and there was at least one)."""
        return bool(self.results) and not self.failed
