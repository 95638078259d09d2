"""Every examples/export_*.yaml through the items assessor: verdicts and deciding rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from prosper.controls.licence import assess_items
from prosper.decide import CheckContext
from prosper.model import Finding, Verdict
from prosper.rulebook import load_rulebook
from prosper.schema import parse_transaction

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BOOK = load_rulebook()

# file -> (enforced verdict, literal verdict, rule ids that must decide (enforced), extra checks)
EXPECTED: dict[str, tuple[str, str, set[str], dict[str, Any]]] = {
    "export_us_h100_to_vietnam.yaml": (
        "license_required",
        "license_required",
        {"us-ear.742.6.a6.iii.d1-d4"},
        {"review_policy": "presumption_of_approval", "classification": "3A090.a.1"},
    ),
    "export_us_h200_to_china.yaml": (
        "license_required",
        "license_required",
        {"us-ear.742.6.b10.china-case-by-case"},
        {"review_policy": "case_by_case"},
    ),
    "export_us_b200_to_china.yaml": (
        "license_required",
        "license_required",
        {"us-ear.742.6.b10.d5-macau"},
        {"review_policy": "presumption_of_denial"},
    ),
    "export_us_gaming_gpu_to_china.yaml": (
        "allowed_with_conditions",
        "allowed_with_conditions",
        {"us-ear.740.8.nac"},
        {"license_exception": "NAC"},
    ),
    "export_us_server_to_saudi.yaml": (
        "license_required",
        "license_required",
        {"us-ear.742.6.a6.iii.d1-d4"},
        {"classification": "4A090.a"},
    ),
    "export_us_mi210_to_malaysia_prc_parent.yaml": (
        "allowed_with_conditions",
        "allowed_with_conditions",
        {"us-ear.740.8.nac"},
        {"classification": "3A090.b.1", "license_exception": "NAC"},
    ),
    "export_us_model_weights_to_uae.yaml": (
        "review",
        "license_required",
        {"us-ear.4e091.not-enforced"},
        {"classification": "4E091"},
    ),
    "export_us_open_weights_to_india.yaml": (
        "not_subject",
        "not_subject",
        {"us-ear.734.3.not-subject"},
        {},
    ),
    "export_kr_rngd_to_japan.yaml": (
        "review",
        "review",
        {"us-ear.742.6.nlr.outside-scope", "kr-fta.19-2.ai-semiconductor"},
        {"classification": "3A090.a.2"},
    ),
    "export_kr_hbm_to_us.yaml": (
        "review",
        "review",
        {"us-ear.742.6.hbm.nlr", "kr-fta.19-2.hbm"},
        {"classification": "3A090.c"},
    ),
    "export_kr_hbm_to_china.yaml": (
        "review",
        "review",
        {"us-ear.742.6.a6.i.b.hbm", "kr-fta.19-2.hbm"},
        {},
    ),
    "export_us_h100_to_iran.yaml": (
        "prohibited",
        "prohibited",
        {"us-ear.746.comprehensive-embargo"},
        {},
    ),
    "export_kr_network_card_to_russia.yaml": (
        "license_required",
        "license_required",
        {"us-ear.746.8.russia-belarus", "kr-fta.19-2.strategic.na"},
        {},
    ),
    "export_us_accelerator_missing_die_area.yaml": (
        "review",
        "review",
        {"us-ear.ccl.incomplete"},
        {"missing": ["items[0].die_area_mm2", "parties[1].headquarters_country"]},
    ),
    "export_kr_controller_red_flags.yaml": (
        "license_required",
        "license_required",
        {"kr-fta.19-3.catch-all.red-flags", "us-ear.734.3.not-subject"},
        {},
    ),
    # issue 15: the items alone; ownership and sanctions are in test_ownership_examples.py
    "export_us_h100_to_malaysia_entity_listed_parent.yaml": (
        "allowed",
        "license_required",
        {"us-ear.742.6.nlr.outside-scope"},
        {"classification": "3A090.a.1"},
    ),
    "export_us_switches_to_hk_sdn_chain.yaml": (
        "allowed",
        "allowed",
        {"us-ear.nlr.not-advanced-computing"},
        {},
    ),
    "export_kr_ear99_laptop_to_iran.yaml": (
        "allowed",
        "allowed",
        {"us-ear.734.3.not-subject", "kr-fta.19-2.not-listed"},
        {},
    ),
}


def _assess(name: str, mode: str = "enforced") -> Any:
    raw = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    tx = parse_transaction(raw)
    return assess_items(CheckContext(tx=tx, mode=mode, rulebook=BOOK))


def _verdict(findings: tuple[Finding, ...]) -> str:
    return Verdict.most_restrictive(f.verdict for f in findings).value


def test_there_are_at_least_ten_export_examples() -> None:
    files = sorted(p.name for p in EXAMPLES.glob("export_*.yaml"))
    assert len(files) >= 10
    assert set(files) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_decision(name: str) -> None:
    enforced, literal, rules, extra = EXPECTED[name]
    result = _assess(name)
    lit = result.literal if result.literal is not None else result.enforced
    assert _verdict(result.enforced) == enforced
    assert _verdict(lit) == literal
    assert rules <= {f.rule_id for f in result.enforced}
    for f in (*result.enforced, *lit):
        assert f.rule_id
        assert f.citation
        assert f.subject == "items[0]"
    us = result.items[0]["determinations"][0]
    assert us["regime"] == "US-EAR"
    if "review_policy" in extra:
        assert us["review_policy"] == extra["review_policy"]
    if "classification" in extra:
        assert us["classification"] == extra["classification"]
    if "license_exception" in extra:
        assert us["license_exception"] == extra["license_exception"]
    if "missing" in extra:
        named = {m for f in result.enforced for m in f.missing_facts}
        assert set(extra["missing"]) <= named


def test_korean_exports_carry_a_kr_fta_determination() -> None:
    for name in EXPECTED:
        result = _assess(name)
        regimes = [d["regime"] for d in result.items[0]["determinations"]]
        assert ("KR-FTA" in regimes) == name.startswith("export_kr_")


def test_literal_mode_blocks_follow_the_literal_reading() -> None:
    result = _assess("export_us_model_weights_to_uae.yaml", mode="literal")
    assert result.items[0]["determinations"][0]["verdict"] == "license_required"
    enforced = _assess("export_us_model_weights_to_uae.yaml")
    assert enforced.items[0]["determinations"][0]["verdict"] == "review"


def test_nac_conditions_name_the_25_day_notice() -> None:
    result = _assess("export_us_gaming_gpu_to_china.yaml")
    (nac,) = [f for f in result.enforced if f.license_exception == "NAC"]
    assert any("25 calendar days" in c for c in nac.conditions)


def test_china_track_lists_the_certifications() -> None:
    result = _assess("export_us_h200_to_china.yaml")
    (f,) = result.enforced
    assert any("third-party" in c for c in f.conditions)
    assert f.citation.startswith("91 FR 1684")
