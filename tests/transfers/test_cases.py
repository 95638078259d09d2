"""Golden rule cases: each transfer case gives the expected verdict, rules and basis per regime."""

from __future__ import annotations

import pytest
from tests.transfers.cases import TransferCase, load_cases

from prosper.rulebook import Rulebook
from prosper.transfers import REGIMES, assess_one

CASES = load_cases()


def test_enough_cases() -> None:
    pairs = sum(len(c.expect) for c in CASES)
    assert len(CASES) >= 45
    assert pairs >= 60
    assert {r for c in CASES for r in c.expect} == set(REGIMES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: TransferCase, rulebook: Rulebook) -> None:
    dets = {d.regime: d for d in assess_one(case.tx, 0, rulebook)}
    for regime, exp in case.expect.items():
        det = dets[regime]
        where = f"{case.id} / {regime}"
        assert det.verdict.value == exp["verdict"], f"{where}: {det.summary}"
        assert sorted(det.rule_ids) == sorted(exp["rules"]), where
        if "basis" in exp:
            assert exp["basis"] in det.basis, f"{where}: {det.basis}"
        for field in exp.get("missing", []):
            assert field in det.missing_facts, f"{where}: {det.missing_facts}"
        # every determination carries its citations and explains itself
        assert det.basis
        if det.rule_ids:
            assert det.citations
