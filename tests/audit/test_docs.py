"""docs/audit.md stays honest: every audit command, setting and integrity message is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from prosper.audit.chain import ChainWalker, Problem
from prosper.cli.audit import audit_app

DOC = (Path(__file__).resolve().parents[2] / "docs" / "audit.md").read_text("utf-8")


@pytest.mark.parametrize("command", [str(c.name) for c in audit_app.registered_commands])
def test_every_audit_command_is_documented(command: str) -> None:
    assert f"prosper audit {command}" in DOC


@pytest.mark.parametrize("setting", ["PROSPER_DB_URL", "PROSPER_DATA_DIR", "PROSPER_ACTOR"])
def test_settings_are_documented(setting: str) -> None:
    assert setting in DOC


def _reasons() -> list[str]:
    """The fixed part of every reason ChainWalker can report (numbers stripped)."""
    walker = ChainWalker()
    walker.check(record_id=2, prev_hash="x", stored_hash="h2", record=None)  # gap + unreadable
    walker.check(record_id=1, prev_hash="x", stored_hash="h1", record=None)  # out of sequence
    walker.last_id, walker.last_hash = 1, "h1"
    walker.check(record_id=2, prev_hash="other", stored_hash="h2", record=None)
    problems: list[Problem] = list(walker.finish((9, "h9")).problems)
    problems += ChainWalker().finish(None).problems
    tail = ChainWalker()
    problems += tail.finish((0, "sha256:other")).problems
    return [re.sub(r"\d+(-\d+)?", "N", p.reason).split(" (")[0] for p in problems]


@pytest.mark.parametrize("reason", sorted(set(_reasons())))
def test_integrity_messages_are_documented(reason: str) -> None:
    generic = re.sub(r"records? N", "", reason).strip()
    assert generic in DOC.replace("N-M", "N").replace("N+1", "N"), reason
