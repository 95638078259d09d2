"""Golden name pairs (tests/fixtures/screening/golden_pairs.csv): score bands and explanations."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from prosper.matching import match_names
from prosper.model import EntityType

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "screening" / "golden_pairs.csv"
ROWS = list(csv.DictReader(GOLDEN.open(encoding="utf-8")))


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['name1']}|{r['name2']}" for r in ROWS])
def test_golden_pair(row: dict[str, str]) -> None:
    type_ = EntityType(row["type"]) if row["type"] else None
    result = match_names(row["name1"], row["name2"], type_)
    low, high = float(row["min_score"]), float(row["max_score"])
    detail = result.explanation[0].detail
    assert low <= result.score <= high, f"{result.score} not in [{low}, {high}]: {detail}"
    assert row["expect_in_detail"] in detail
    assert result.explanation[0].feature == "name_match"


def test_golden_file_has_hard_negatives_and_scripts() -> None:
    assert len(ROWS) >= 30
    assert any(float(r["max_score"]) < 0.8 for r in ROWS)
    scripts = "".join(r["name1"] for r in ROWS)
    for sample in ("김", "Р", "محمد", "华"):
        assert sample in scripts
