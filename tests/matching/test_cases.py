"""The regression corpus of named failure classes (``tests/matching/cases/*.yaml``): in each
class every positive pair scores at least the file's threshold, every hard negative below it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from prosper.matching import match_names
from prosper.model import EntityType

CASES = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    out: list[Any] = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        threshold = float(doc["threshold"])
        for name, cls in doc["classes"].items():
            type_ = EntityType(cls["type"]) if cls.get("type") else None
            for label, key in ((True, "positives"), (False, "negatives")):
                for a, b in cls.get(key, []):
                    case_id = f"{path.stem}:{name}:{'+' if label else '-'}:{a}|{b}"
                    out.append(pytest.param(a, b, type_, label, threshold, id=case_id))
    return out


def test_every_class_has_positives_and_negatives() -> None:
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, cls in doc["classes"].items():
            assert cls.get("positives"), f"{path.name}:{name} has no positives"
            assert cls.get("negatives"), f"{path.name}:{name} has no hard negatives"


@pytest.mark.parametrize(("a", "b", "type_", "is_match", "threshold"), _cases())
def test_case(a: str, b: str, type_: EntityType | None, is_match: bool, threshold: float) -> None:
    result = match_names(a, b, type_)
    detail = result.explanation[0].detail
    if is_match:
        assert result.score >= threshold, f"{result.score} < {threshold}: {detail}"
    else:
        assert result.score < threshold, f"{result.score} >= {threshold}: {detail}"
