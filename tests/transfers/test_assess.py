"""assess_transfers: the plug-in of `prosper check` for the data_transfer area."""

from __future__ import annotations

from datetime import date

from prosper.decide import CheckContext, DecisionParts, decide
from prosper.model import DataTransfer, Recipient, Transaction, Verdict
from prosper.rulebook import Rulebook
from prosper.transfers import REGIMES, assess_transfers

AS_OF = date(2026, 11, 27)


def _ctx(rulebook: Rulebook, *transfers: DataTransfer, as_of: date = AS_OF) -> CheckContext:
    tx = Transaction(as_of=as_of, id="T-1", data_transfers=transfers)
    return CheckContext(tx=tx, mode="enforced", rulebook=rulebook)


CONSENTED = DataTransfer(
    from_country="KR",
    to_country="US",
    categories=("contact",),
    subjects_count=1000,
    purpose="model_training",
    transaction_type="intra_group",
    recipient=Recipient(name="P Inc", country="US"),
    safeguards=("consent_separate", "consent_seperate"),
)


def test_findings_and_blocks_follow_the_contract(rulebook: Rulebook) -> None:
    out = assess_transfers(_ctx(rulebook, CONSENTED))
    assert len(out.enforced) == len(REGIMES)
    assert out.literal is None  # every transfer rule applies in both readings
    pipa = next(f for f in out.enforced if f.regime == "KR-PIPA")
    assert pipa.area == "data_transfer"
    assert pipa.subject == "data_transfers[0]"
    assert pipa.verdict is Verdict.ALLOWED_WITH_CONDITIONS
    assert pipa.rule_id == "kr-pipa.28-8.1.1.separate-consent"
    assert "28-8(1)1" in pipa.citation
    assert any("destination country" in c for c in pipa.conditions)
    (block,) = out.data_transfers
    assert block["index"] == 0
    assert block["verdict"] == "allowed_with_conditions"
    assert block["ignored_safeguards"] == ["consent_seperate"]
    det = block["determinations"][0]
    assert set(det) >= {"regime", "verdict", "basis", "conditions", "citations", "rule_ids"}
    assert all(u.startswith("http") for u in det["sources"])
    assert [d["regime"] for d in block["determinations"]] == list(REGIMES)


def test_decision_takes_the_most_restrictive(rulebook: Rulebook) -> None:
    bad = DataTransfer(
        from_country="KR",
        to_country="CN",
        categories=("contact",),
        purpose="analytics",
        transaction_type="vendor",
        recipient=Recipient(country="CN"),
    )
    ctx = _ctx(rulebook, CONSENTED, bad)
    decision = decide(DecisionParts(context=ctx, assessments=[assess_transfers(ctx)]))
    assert decision.verdict is Verdict.PROHIBITED
    assert [b["verdict"] for b in decision.data_transfers] == [
        "allowed_with_conditions",
        "prohibited",
    ]


def test_no_rule_in_force_is_review_not_allowed(rulebook: Rulebook) -> None:
    out = assess_transfers(_ctx(rulebook, CONSENTED, as_of=date(2020, 1, 1)))
    pipa = next(f for f in out.enforced if f.regime == "KR-PIPA")
    assert pipa.verdict is Verdict.REVIEW
    assert "no rule in force on 2020-01-01" in pipa.summary


def test_as_of_selects_rules(rulebook: Rulebook) -> None:
    eu = DataTransfer(
        from_country="KR",
        to_country="DE",
        categories=("contact",),
        purpose="storage",
        transaction_type="vendor",
        recipient=Recipient(country="DE"),
    )
    before = assess_transfers(_ctx(rulebook, eu, as_of=date(2025, 9, 15)))
    after = assess_transfers(_ctx(rulebook, eu, as_of=date(2025, 9, 16)))
    verdict = {f.regime: f.verdict for f in before.enforced}["KR-PIPA"]
    assert verdict is Verdict.PROHIBITED
    verdict = {f.regime: f.verdict for f in after.enforced}["KR-PIPA"]
    assert verdict is Verdict.ALLOWED_WITH_CONDITIONS


def test_no_transfers_no_findings(rulebook: Rulebook) -> None:
    out = assess_transfers(_ctx(rulebook))
    assert out.enforced == ()
    assert out.data_transfers == ()


def test_finding_names_the_rule_that_gave_the_verdict(rulebook: Rulebook) -> None:
    ehr = DataTransfer(
        from_country="US",
        to_country="IN",
        subjects_country="US",
        categories=("emr",),
        subjects_count=10,
        purpose="storage",
        transaction_type="vendor",
        recipient=Recipient(country="IN"),
        safeguards=("subjects_state:TX",),
    )
    out = assess_transfers(_ctx(rulebook, ehr))
    state = next(f for f in out.enforced if f.regime == "US-STATE")
    assert state.verdict is Verdict.PROHIBITED
    assert state.rule_id == "us-state.tx.sb1188"
    block = out.data_transfers[0]["determinations"]
    det = next(d for d in block if d["regime"] == "US-STATE")
    assert det["rule_ids"] == ["us-state.tx.sb1188", "us-state.checked"]
