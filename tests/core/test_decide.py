"""Findings → decision: most restrictive wins, silence is review, divergence is reported."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from prosper.decide import Assessment, CheckContext, DecisionParts, decide, overall_verdict
from prosper.model import Finding, Transaction, Verdict


def _finding(verdict: Verdict, rule: str = "r") -> Finding:
    return Finding(
        area="licensing",
        regime="US-EAR",
        verdict=verdict,
        subject="items[0]",
        rule_id=rule,
        citation="15 CFR 742.6",
        summary="s",
    )


TX = Transaction(as_of=date(2026, 11, 27), id="T1")


@given(st.lists(st.sampled_from(list(Verdict)), min_size=1))
def test_most_restrictive_wins(verdicts: list[Verdict]) -> None:
    got = overall_verdict([_finding(v) for v in verdicts])
    assert got.severity == max(v.severity for v in verdicts)
    assert got in verdicts


def test_no_findings_is_review_not_allowed() -> None:
    assert overall_verdict([]) is Verdict.REVIEW


def test_divergence_reported_when_literal_differs() -> None:
    a = Assessment(
        enforced=(_finding(Verdict.ALLOWED),), literal=(_finding(Verdict.LICENSE_REQUIRED),)
    )
    d = decide(DecisionParts(context=CheckContext(tx=TX, mode="enforced"), assessments=[a]))
    assert d.verdict is Verdict.ALLOWED
    assert d.divergence is not None
    assert d.divergence["literal"]["verdict"] == "license_required"


def test_no_divergence_when_readings_agree() -> None:
    a = Assessment(enforced=(_finding(Verdict.REVIEW),))
    d = decide(DecisionParts(context=CheckContext(tx=TX, mode="literal"), assessments=[a]))
    assert d.divergence is None
    assert d.mode == "literal"
    assert d.id == "T1"


def test_literal_mode_reports_enforced_as_divergence() -> None:
    a = Assessment(
        enforced=(_finding(Verdict.ALLOWED),), literal=(_finding(Verdict.LICENSE_REQUIRED),)
    )
    d = decide(DecisionParts(context=CheckContext(tx=TX, mode="literal"), assessments=[a]))
    assert d.verdict is Verdict.LICENSE_REQUIRED
    assert d.divergence is not None
    assert d.divergence["enforced"]["verdict"] == "allowed"
