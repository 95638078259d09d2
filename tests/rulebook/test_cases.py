"""Every ``*.cases.yaml`` case of the package rulebook, one test per case id and reading."""

from __future__ import annotations

import pytest

from prosper.rulebook import Case, load_rulebook, run_case

BOOK = load_rulebook()
PARAMS = [
    pytest.param(case, reading, id=f"{case.id}[{reading}]")
    for case in BOOK.cases
    for reading in case.readings
]


@pytest.mark.parametrize(("case", "reading"), PARAMS)
def test_rule_case(case: Case, reading: str) -> None:
    result = run_case(BOOK, case, reading)
    assert result.passed, "; ".join(result.problems)


def test_enough_cases() -> None:
    assert len(BOOK.cases) >= 60


def test_every_rule_is_exercised_by_a_case() -> None:
    expected = {rid for case in BOOK.cases for rid in case.expect.rules}
    untested = [r.id for r in BOOK.rules if r.id not in expected]
    assert untested == []
