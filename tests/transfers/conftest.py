"""Fixtures for the data-transfer tests: a rulebook of the transfer rule files and tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from prosper.rulebook import Rulebook, load_rulebook

RULES = Path(__file__).resolve().parents[2] / "src" / "prosper" / "rules"
RULE_FILES = (
    "kr_pipa.yaml",
    "kr_sector.yaml",
    "us_dsp.yaml",
    "us_padfa.yaml",
    "us_state.yaml",
    "eu_gdpr.yaml",
    "jp_appi.yaml",
)
TABLES = {
    "us_dsp_reference": "us_dsp.reference.yaml",
    "us_padfa_reference": "us_padfa.reference.yaml",
    "eu_gdpr_reference": "eu_gdpr.reference.yaml",
    "kr_pipa_reference": "kr_pipa.reference.yaml",
}


def transfer_rulebook(tmp: Path) -> Rulebook:
    """A rulebook made of the transfer rule files and tables only (independent of the manifest)."""
    lines = ["id: transfer-rules", "version: 2026.11.0", "rule_files:"]
    lines += [f"  - {RULES / f}" for f in RULE_FILES]
    lines += ["tables:"] + [f"  {k}: {RULES / v}" for k, v in TABLES.items()]
    manifest = tmp / "manifest.yaml"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_rulebook(manifest)


@pytest.fixture(scope="session")
def rulebook(tmp_path_factory: pytest.TempPathFactory) -> Rulebook:
    """The transfer rulebook, loaded once per test session."""
    return transfer_rulebook(tmp_path_factory.mktemp("transfer-rules"))
