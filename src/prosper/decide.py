"""Findings → Decision: the most restrictive verdict wins, and silence is never ``allowed``.

A check runs a fixed sequence of *assessors*, one per area (parties, items, data transfers).
Each assessor is a pure function ``(CheckContext) -> Assessment`` that reports what it
checked for both readings of the law:

* ``enforced`` — what the authorities say they enforce on ``as_of``;
* ``literal``  — the regulation text as written (it differs for the 2025 AI Diffusion rule).

:func:`decide` picks the requested mode's findings for the decision and reports the other
reading under ``divergence`` when its verdict or findings differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from prosper.model import Decision, Finding, PartyResult, Transaction, Verdict

MODES = ("enforced", "literal")


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Everything an assessor may read: the transaction, the screened parties, the rulebook.

    ``rulebook`` is the loaded rulebook object (``prosper.rulebook``) or None when the engine
    was built without one (tests of a single area).
    """

    tx: Transaction
    mode: str
    parties: tuple[PartyResult, ...] = ()
    rulebook: Any = None
    affiliates_rule: str | None = None  # the setting choosing a reading of the Affiliates rule


@dataclass(frozen=True, slots=True)
class Assessment:
    """What one area found, under both readings.

    ``literal`` is None when the literal reading is the same as the enforced one.
    ``items`` and ``data_transfers`` are per-subject result blocks in the contract's JSON shape.
    """

    enforced: tuple[Finding, ...] = ()
    literal: tuple[Finding, ...] | None = None
    items: tuple[dict[str, Any], ...] = ()
    data_transfers: tuple[dict[str, Any], ...] = ()

    def for_mode(self, mode: str) -> tuple[Finding, ...]:
        """The findings of ``mode`` (``literal`` falls back to ``enforced`` when not given)."""
        if mode == "literal" and self.literal is not None:
            return self.literal
        return self.enforced


Assessor = Callable[[CheckContext], Assessment]


@dataclass(frozen=True, slots=True)
class DecisionParts:
    """The pieces :func:`decide` assembles into a :class:`Decision`."""

    context: CheckContext
    assessments: Sequence[Assessment]
    versions: dict[str, Any] = field(default_factory=dict)


def overall_verdict(findings: Sequence[Finding]) -> Verdict:
    """The most restrictive verdict of ``findings``.

    With no findings at all the engine has checked nothing, so the answer is ``review``,
    never a silent ``allowed``.
    """
    if not findings:
        return Verdict.REVIEW
    return Verdict.most_restrictive(f.verdict for f in findings)


def decide(parts: DecisionParts) -> Decision:
    """Assemble the decision for ``parts.context.mode`` with the other reading as divergence."""
    ctx = parts.context
    if ctx.mode not in MODES:
        raise ValueError(f"unknown mode {ctx.mode!r}")
    other = "literal" if ctx.mode == "enforced" else "enforced"
    main = tuple(f for a in parts.assessments for f in a.for_mode(ctx.mode))
    alt = tuple(f for a in parts.assessments for f in a.for_mode(other))
    verdict = overall_verdict(main)
    divergence: dict[str, Any] | None = None
    if alt != main:
        divergence = {other: {"verdict": overall_verdict(alt).value, "findings": list(alt)}}
    return Decision(
        id=ctx.tx.id,
        verdict=verdict,
        as_of=ctx.tx.as_of,
        mode=ctx.mode,
        findings=main,
        parties=ctx.parties,
        items=tuple(i for a in parts.assessments for i in a.items),
        data_transfers=tuple(d for a in parts.assessments for d in a.data_transfers),
        divergence=divergence,
        versions=parts.versions,
    )
