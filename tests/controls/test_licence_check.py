"""End to end: export examples through ``prosper.service.run_check`` (screening, rules, audit)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.slow
def test_run_check_on_export_examples(data_dir: Path) -> None:
    from prosper.service import run_check
    from prosper.settings import load_settings

    settings = load_settings()
    raw = yaml.safe_load((EXAMPLES / "export_us_model_weights_to_uae.yaml").read_text("utf-8"))
    doc = run_check(raw, settings=settings, mode="enforced", actor="test")
    assert doc["verdict"] == "review"
    assert doc["as_of"] == "2026-11-27"
    assert doc["divergence"]["literal"]["verdict"] == "license_required"
    assert doc["versions"]["rulebook_digest"].startswith("sha256:")
    (item,) = doc["items"]
    assert item["determinations"][0]["classification"] == "4E091"
    ear = [f for f in doc["findings"] if f["regime"] == "US-EAR"]
    assert ear
    assert all(f["rule_id"] and f["citation"] for f in ear)

    raw = yaml.safe_load((EXAMPLES / "export_us_h200_to_china.yaml").read_text("utf-8"))
    doc = run_check(raw, settings=settings, mode="literal", actor="test")
    assert doc["mode"] == "literal"
    (item,) = doc["items"]
    det = item["determinations"][0]
    assert (det["verdict"], det["review_policy"]) == ("license_required", "case_by_case")
    assert item["tpp"] == 15832
