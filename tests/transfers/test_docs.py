"""docs/data_transfers.md stays honest: every rule, safeguard token and example is documented."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from tests.transfers.cases import CASES_FILE

from prosper.rulebook import Rulebook
from prosper.transfers import SAFEGUARDS

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "data_transfers.md").read_text(encoding="utf-8")


def test_every_transfer_rule_is_documented(rulebook: Rulebook) -> None:
    missing = [r.id for r in rulebook.rules if f"`{r.id}`" not in DOC]
    assert missing == []


def test_every_safeguard_token_is_documented() -> None:
    documented = set(re.findall(r"`([a-z_0-9]+)`", DOC))
    assert [t for t in SAFEGUARDS if t not in documented] == []


def test_every_transfer_example_is_explained() -> None:
    names = sorted(p.name for p in (REPO / "examples").glob("transfer_*.yaml"))
    assert [n for n in names if f"`{n}`" not in DOC] == []


def test_case_counts_in_the_doc_are_current() -> None:
    data = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    cases = len(data["cases"])
    pairs = sum(len(c["expect"]) for c in data["cases"])
    assert f"({cases} cases" in DOC
    assert f"{pairs} regime cases" in DOC
