"""``casework.result_digest`` (a screen's record, without importing the case models) is
``prosper.cases.model.digest``."""

from __future__ import annotations

from typing import Any

import pytest

from prosper.cases.model import digest
from prosper.casework import result_digest


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"query": {"name": "김정은", "countries": ["KP"]}, "hits": [{"score": 1.0}], "b": None},
        {"z": [1, 2.5, True, None, "ü"], "a": {"nested": {"y": 1, "x": 2}}},
        [],
        "text",
    ],
)
def test_result_digest_is_the_case_models_digest(value: Any) -> None:
    assert result_digest(value) == digest(value)
    assert result_digest(value).startswith("sha256:")


def test_different_results_have_different_digests() -> None:
    assert result_digest({"hits": []}) != result_digest({"hits": [{"score": 1.0}]})
