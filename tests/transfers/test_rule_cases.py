"""The facts-level transfer cases (what `prosper rules test` runs) are current and pass."""

from __future__ import annotations

import pytest
from tests.transfers.conftest import RULES
from tests.transfers.generate_rule_cases import FILES, build

from prosper.rulebook import Rulebook, run_case


def test_generated_cases_are_up_to_date(rulebook: Rulebook) -> None:
    for name, text in build(rulebook).items():
        on_disk = (RULES / name).read_text(encoding="utf-8")
        assert on_disk == text, f"{name} is stale: run -m tests.transfers.generate_rule_cases"


def test_every_transfer_rule_has_a_case(rulebook: Rulebook) -> None:
    expected = {rid for case in rulebook.cases for rid in case.expect.rules}
    assert [r.id for r in rulebook.rules if r.id not in expected] == []


def test_case_count(rulebook: Rulebook) -> None:
    assert len(rulebook.cases) >= 45
    assert {c.regime for c in rulebook.cases} == set(FILES)


@pytest.mark.parametrize("reading", ["enforced", "literal"])
def test_rule_cases_pass(rulebook: Rulebook, reading: str) -> None:
    failed = [
        f"{r.case.id}: {'; '.join(r.problems)}"
        for r in (run_case(rulebook, c, reading) for c in rulebook.cases)
        if not r.passed
    ]
    assert failed == []
