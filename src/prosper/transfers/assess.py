"""Data-transfer assessment: facts → rules per regime → determinations and findings.

For every ``data_transfers[i]`` of a transaction, :func:`assess_transfers` computes the facts
(:mod:`prosper.transfers.facts`), asks the rulebook for the matching rules of each regime in
force on ``as_of``, and reduces them to one *determination* per regime: the most restrictive
verdict, the legal basis and conditions of the rules that gave it, their citations and ids.
A regime whose rules all stay silent is ``review`` ("no rule decided"), never a silent pass.

Regimes, in report order: ``KR-PIPA``, ``KR-SECTOR``, ``US-DSP``, ``US-PADFA``, ``US-STATE``,
``EU-GDPR``, ``JP-APPI``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from prosper.decide import Assessment, CheckContext
from prosper.model import Finding, Transaction, Verdict
from prosper.transfers.facts import FACT_FIELDS, compute_facts, reference_from

REGIMES = ("KR-PIPA", "KR-SECTOR", "US-DSP", "US-PADFA", "US-STATE", "EU-GDPR", "JP-APPI")
AREA = "data_transfer"


@dataclass(frozen=True, slots=True)
class Determination:
    """What one regime says about one data transfer."""

    regime: str
    verdict: Verdict
    basis: str
    summary: str
    conditions: tuple[str, ...]
    citations: tuple[str, ...]
    rule_ids: tuple[str, ...]
    missing_facts: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The contract's JSON shape of a determination."""
        out: dict[str, Any] = {
            "regime": self.regime,
            "verdict": self.verdict.value,
            "basis": self.basis,
            "conditions": list(self.conditions),
            "citations": list(self.citations),
            "rule_ids": list(self.rule_ids),
            "sources": list(self.sources),
        }
        if self.missing_facts:
            out["missing_facts"] = list(self.missing_facts)
        return out


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def field_of(fact: str, index: int) -> str:
    """The input field a missing fact comes from, e.g. ``data_transfers[0].recipient.ownership``."""
    template = FACT_FIELDS.get(fact)
    if template is None:
        return f"data_transfers[{index}]: {fact}"
    return template.format(i=index)


def determine(regime: str, matches: Sequence[Any], index: int, as_of: Any) -> Determination:
    """Reduce the rule matches of one regime to its determination (most restrictive wins)."""
    if not matches:
        return Determination(
            regime=regime,
            verdict=Verdict.REVIEW,
            basis=f"no {regime} rule in force on {as_of} decided this transfer",
            summary=f"{regime}: no rule in force on {as_of} applies; not checked",
            conditions=(),
            citations=(),
            rule_ids=(),
        )
    verdict = Verdict.most_restrictive(m.verdict for m in matches)
    top = [m for m in matches if m.verdict == verdict]
    missing = _unique(field_of(f, index) for m in top for f in m.missing_facts)
    conditions = list(_unique(c for m in top for c in m.conditions))
    if missing:
        conditions.append("Provide: " + ", ".join(missing))
    return Determination(
        regime=regime,
        verdict=verdict,
        basis="; ".join(_unique(m.basis or m.summary for m in top)),
        summary="; ".join(_unique(m.summary for m in top)),
        conditions=tuple(conditions),
        citations=_unique(str(m.rule.citation) for m in top),
        # the rules that gave the verdict first: a finding's rule_id is the first one
        rule_ids=_unique([*(m.rule.id for m in top), *(m.rule.id for m in matches)]),
        missing_facts=missing,
        sources=_unique(m.rule.citation.url for m in top),
    )


@cache
def _default_rulebook() -> Any:
    from prosper.rulebook import load_rulebook

    return load_rulebook()


def assess_one(
    tx: Transaction, index: int, rulebook: Any, reading: str = "enforced"
) -> tuple[Determination, ...]:
    """The determinations of every regime for ``tx.data_transfers[index]``."""
    facts = compute_facts(tx, index, reference_from(rulebook))
    return tuple(
        determine(regime, rulebook.evaluate(regime, facts, tx.as_of, reading), index, tx.as_of)
        for regime in REGIMES
    )


def _finding(det: Determination, index: int) -> Finding:
    return Finding(
        area=AREA,
        regime=det.regime,
        verdict=det.verdict,
        subject=f"data_transfers[{index}]",
        rule_id=det.rule_ids[0] if det.rule_ids else f"{det.regime.lower()}.no-rule",
        citation="; ".join(det.citations),
        summary=det.summary,
        conditions=det.conditions,
        missing_facts=det.missing_facts,
    )


def block(index: int, dets: Sequence[Determination], facts: Mapping[str, Any]) -> dict[str, Any]:
    """The ``data_transfers[]`` result block of the contract for one transfer."""
    out: dict[str, Any] = {
        "index": index,
        "verdict": Verdict.most_restrictive(d.verdict for d in dets).value,
        "determinations": [d.as_dict() for d in dets],
    }
    ignored = facts.get("unknown_safeguards") or ()
    if ignored:
        out["ignored_safeguards"] = list(ignored)
    return out


def _determination(
    first: dict[str, tuple[tuple[Any, ...], Determination]],
    regime: str,
    matches: tuple[Any, ...],
    index: int,
    as_of: Any,
) -> Determination:
    """:func:`determine`, or the determination already made for the same matches (the very
    same rule matches: the memo of rules applied gives both readings one outcome per rule)."""
    seen = first.get(regime)
    if (
        seen is not None
        and len(seen[0]) == len(matches)
        and all(a is b for a, b in zip(seen[0], matches, strict=True))
    ):
        return seen[1]
    det = determine(regime, matches, index, as_of)
    first[regime] = (matches, det)
    return det


def assess_transfers(ctx: CheckContext) -> Assessment:
    """Assess every data transfer of ``ctx.tx`` under every data-transfer regime.

    Args:
        ctx: the check context; ``ctx.rulebook`` is the loaded rulebook (the packaged one is
            loaded when None) and ``ctx.tx.as_of`` selects the rules in force.

    Returns:
        An :class:`~prosper.decide.Assessment` with one finding per regime and transfer
        (area ``data_transfer``) and the contract's ``data_transfers`` blocks. ``literal`` is
        set only when a rule applies to one reading only and the readings differ.
    """
    tx = ctx.tx
    rulebook = ctx.rulebook if ctx.rulebook is not None else _default_rulebook()
    ref = reference_from(rulebook)
    readings: dict[str, list[Finding]] = {"enforced": [], "literal": []}
    blocks: dict[str, list[dict[str, Any]]] = {"enforced": [], "literal": []}
    for index in range(len(tx.data_transfers)):
        facts = compute_facts(tx, index, ref)
        applied: dict[int, Any] = {}  # one outcome per rule for both readings of these facts
        # the first reading's matches and determination per regime, its dets, findings, block
        first: dict[str, tuple[tuple[Any, ...], Determination]] = {}
        made: tuple[tuple[Determination, ...], list[Finding], dict[str, Any]] | None = None
        for reading in readings:
            dets = tuple(
                _determination(
                    first,
                    regime,
                    rulebook.evaluate(regime, facts, tx.as_of, reading, memo=applied),
                    index,
                    tx.as_of,
                )
                for regime in REGIMES
            )
            if made is not None and all(a is b for a, b in zip(dets, made[0], strict=True)):
                # the same determinations as the first reading (the usual case: no rule of
                # these regimes is in one reading only): the same findings and block
                readings[reading].extend(made[1])
                blocks[reading].append(made[2])
                continue
            found = [_finding(d, index) for d in dets]
            made = (dets, found, block(index, dets, facts))
            readings[reading].extend(found)
            blocks[reading].append(made[2])
    main = "literal" if ctx.mode == "literal" else "enforced"
    enforced = tuple(readings["enforced"])
    literal = tuple(readings["literal"])
    return Assessment(
        enforced=enforced,
        literal=None if literal == enforced else literal,
        data_transfers=tuple(blocks[main]),
    )
