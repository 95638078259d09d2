"""Licence determination for the items of a transaction (US EAR and Korean FTA), both readings.

:func:`assess_items` is the assessor ``prosper check`` runs for ``items``: it classifies each
item (:mod:`prosper.controls.classify`), computes the flat facts the rules read
(:mod:`prosper.controls.facts`, documented at the top of ``rules/us_ear.yaml`` and
``rules/kr_fta.yaml``), evaluates the rulebook for the *enforced* and the *literal* reading on
``as_of`` and turns the matches into findings and per-item
determination blocks. Python computes facts; every legal conclusion comes from a rule with its
id and citation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from prosper.controls.classify import Classification, classify_item
from prosper.controls.facts import ItemFacts, kr_facts, us_facts
from prosper.controls.tables import ExportTables
from prosper.decide import Assessment, CheckContext
from prosper.model import (
    Finding,
    ReviewPolicy,
    Verdict,
)
from prosper.rulebook import READINGS, Rulebook, RuleMatch, load_rulebook, strictest_policy

# --------------------------------------------------------------------------- findings


def _missing_paths(
    match: RuleMatch, hints: Mapping[str, tuple[str, ...]], index: int
) -> tuple[str, ...]:
    out: list[str] = []
    for fact in match.missing_facts:
        mapped = hints.get(fact)
        if mapped:
            out.extend(mapped)
        else:
            out.append(fact.replace("items[]", f"items[{index}]"))
    return tuple(dict.fromkeys(out))


def _area(rule_id: str) -> str:
    return "classification" if ".ccl." in rule_id else "licensing"


def findings_for(
    matches: Sequence[RuleMatch], hints: Mapping[str, tuple[str, ...]], index: int, regime: str
) -> tuple[Finding, ...]:
    """Turn rule matches into findings; reviews missing the same inputs become one finding."""
    findings: list[Finding] = []
    grouped: dict[tuple[str, ...], int] = {}
    for m in matches:
        missing = _missing_paths(m, hints, index)
        if m.verdict is Verdict.REVIEW and missing:
            key = tuple(sorted(missing))
            if key in grouped:
                pos = grouped[key]
                prev = findings[pos]
                findings[pos] = Finding(
                    area=prev.area,
                    regime=prev.regime,
                    verdict=prev.verdict,
                    subject=prev.subject,
                    rule_id=prev.rule_id,
                    citation=prev.citation,
                    summary=f"{prev.summary} (also undecided: {m.rule.id})",
                    conditions=prev.conditions,
                    missing_facts=prev.missing_facts,
                )
                continue
            grouped[key] = len(findings)
        summary = m.summary
        if m.undecided:
            summary = f"{m.rule.title}: cannot be decided without {', '.join(missing)}"
        findings.append(
            Finding(
                area=_area(m.rule.id),
                regime=regime,
                verdict=m.verdict,
                subject=f"items[{index}]",
                rule_id=m.rule.id,
                citation=str(m.rule.citation),
                summary=summary,
                review_policy=m.review_policy,
                conditions=m.conditions,
                missing_facts=missing,
                license_exception=m.license_exception,
            )
        )
    return tuple(findings)


def _coverage_finding(regime: str, index: int, on: date, book: Rulebook) -> Finding:
    first = min((r.effective_from for r in book.rules if r.regime == regime), default=None)
    when = "" if first is None else f"; its {regime} rules start on {first}"
    return Finding(
        area="licensing",
        regime=regime,
        verdict=Verdict.REVIEW,
        subject=f"items[{index}]",
        rule_id=f"{regime.lower()}.rulebook.coverage",
        citation=f"rulebook {book.id} {book.version}",
        summary=f"no {regime} rule applied on {on}: rulebook {book.version} cannot decide{when}",
        missing_facts=(),
    )


@dataclass(frozen=True, slots=True)
class Determination:
    """One regime's determination for one item under one reading."""

    regime: str
    findings: tuple[Finding, ...]
    block: dict[str, Any]


def _block(
    regime: str, findings: Sequence[Finding], classification: str | None, subject: bool | None
) -> dict[str, Any]:
    verdict = Verdict.most_restrictive(f.verdict for f in findings) if findings else Verdict.REVIEW
    top = [f for f in findings if f.verdict is verdict]
    policy: ReviewPolicy | None = None
    if verdict is Verdict.LICENSE_REQUIRED:
        policy = strictest_policy(f.review_policy for f in top)
    exceptions = sorted({f.license_exception for f in top if f.license_exception is not None})
    return {
        "regime": regime,
        "subject_to": subject,
        "classification": classification,
        "verdict": verdict.value,
        "license_exception": ", ".join(exceptions) or None,
        "review_policy": None if policy is None else policy.value,
        "citations": list(dict.fromkeys(f.citation for f in findings)),
        "rule_ids": [f.rule_id for f in findings],
    }


#: Rules whose licence requirement withdraws the item's licence exceptions (§740.2(a), §740.8).
PART_744_746 = ("us-ear.744.", "us-ear.746.")


def evaluate_item(
    book: Rulebook, regime: str, facts: Mapping[str, Any], on: date, reading: str
) -> tuple[RuleMatch, ...]:
    """Evaluate ``regime`` for one item; a second pass when a Part 744/746 licence applies.

    The fact ``item.part744_746_licence`` is whether a Part 744/746 rule required a licence in
    the first pass; the licence-exception rules read it (no NAC/ACA/AIA line beside a Part 744
    licence requirement) and ``us-ear.740.2.exceptions-withdrawn`` says so.
    """
    matches = book.evaluate(regime, facts, on, reading)
    if regime == "US-EAR" and any(
        m.verdict is Verdict.LICENSE_REQUIRED and m.rule.id.startswith(PART_744_746)
        for m in matches
    ):
        matches = book.evaluate(regime, {**facts, "item.part744_746_licence": True}, on, reading)
    return matches


def _regime_findings(
    book: Rulebook, regime: str, facts: ItemFacts, index: int, on: date, reading: str
) -> tuple[Finding, ...]:
    """The findings of ``regime`` for item ``index``; a coverage finding when no rule applied."""
    matches = evaluate_item(book, regime, facts.facts, on, reading)
    found = findings_for(matches, facts.hints, index, regime)
    return found or (_coverage_finding(regime, index, on, book),)


def determine(
    ctx: CheckContext, book: Rulebook, t: ExportTables, index: int, reading: str
) -> tuple[Classification, tuple[Determination, ...]]:
    """Classify item ``index`` and determine it under US-EAR (and KR-FTA from Korea)."""
    tx = ctx.tx
    cls = classify_item(tx.items[index], tx.as_of, t.thresholds)
    us = us_facts(ctx, index, cls, reading, t)
    found = _regime_findings(book, "US-EAR", us, index, tx.as_of, reading)
    subject_to = us.facts["item.subject_to_ear"]
    out = [Determination("US-EAR", found, _block("US-EAR", found, cls.classification, subject_to))]
    if tx.origin_country == "KR":
        kr = kr_facts(tx, index, cls, t)
        found = _regime_findings(book, "KR-FTA", kr, index, tx.as_of, reading)
        label = kr_label(kr.facts["item.kr_listed"], cls)
        out.append(Determination("KR-FTA", found, _block("KR-FTA", found, label, True)))
    return cls, tuple(out)


def kr_label(listed: str | None, cls: Classification) -> str | None:
    """A person's label for the Korean listing status ``listed`` of an item."""
    labels = {
        "wassenaar": f"strategic item (Wassenaar-numbered {cls.declared_eccn})",
        "ai_semiconductor": "AI semiconductor (Korean item number and parameters unknown)",
        "hbm": "HBM (coverage by the 2025 AI-semiconductor item unknown)",
        "model_weights": "model weights (no Korean control found)",
        "not_listed": "not a strategic item on the facts",
    }
    return None if listed is None else labels[listed]


def rounded(value: float | None, digits: int) -> float | None:
    """``value`` rounded for output (None stays None)."""
    return None if value is None else round(value, digits)


def assess_items(ctx: CheckContext) -> Assessment:
    """The items assessor of ``prosper check``: findings for both readings and item blocks.

    ``ctx.rulebook`` is the loaded :class:`~prosper.rulebook.Rulebook` (the package rulebook is
    loaded when it is None). ``as_of`` selects the rules and tables in force.
    """
    book: Rulebook = ctx.rulebook if ctx.rulebook is not None else load_rulebook()
    t = ExportTables.from_rulebook(book)
    per_reading: dict[str, list[Finding]] = {r: [] for r in READINGS}
    blocks: list[dict[str, Any]] = []
    for index in range(len(ctx.tx.items)):
        for reading in READINGS:
            cls, dets = determine(ctx, book, t, index, reading)
            for d in dets:
                per_reading[reading].extend(d.findings)
            if reading == ctx.mode:
                blocks.append(
                    {
                        "index": index,
                        "tpp": rounded(cls.tpp, 2),
                        "performance_density": rounded(cls.performance_density, 2),
                        "declared_eccn": cls.declared_eccn,
                        "classification_notes": list(cls.notes),
                        "determinations": [d.block for d in dets],
                    }
                )
    enforced = tuple(per_reading["enforced"])
    literal = tuple(per_reading["literal"])
    return Assessment(
        enforced=enforced,
        literal=None if literal == enforced else literal,
        items=tuple(blocks),
    )
