"""Docs stay honest: every export example is explained and every rule id named exists."""

from __future__ import annotations

import re
from pathlib import Path

from prosper.rulebook import load_rulebook

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "export_controls.md").read_text(encoding="utf-8")
RULES_DOC = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")


def test_every_export_example_is_explained() -> None:
    for path in (REPO / "examples").glob("export_*.yaml"):
        assert f"`{path.stem}`" in DOC, path.name


def test_rule_ids_named_in_the_docs_exist() -> None:
    ids = {r.id for r in load_rulebook().rules}
    named = set(re.findall(r"`((?:us-ear|kr-fta)\.[a-z0-9._-]+)`", DOC + RULES_DOC))
    assert len(named) >= 15
    unknown = {n for n in named if n not in ids}
    assert unknown == set()


def test_grammar_doc_names_every_operator_and_status() -> None:
    from prosper.rulebook import OPERATORS, STATUSES

    for op in OPERATORS:
        assert f"`{op}`" in RULES_DOC or f"{op}:" in RULES_DOC, op
    for status in STATUSES:
        assert status in RULES_DOC
