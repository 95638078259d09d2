"""docs/audit.md stays honest: every audit command, setting and integrity message is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import pytest

from prosper.audit.anchor import AnchorFile
from prosper.audit.chain import ChainWalker, Problem, Witness, decode_canonical
from prosper.audit.late import LateWitness, late_problems, read_late_witness
from prosper.audit.signing import SigningKey, signature_problem
from prosper.cli.audit import audit_app

DOC = (Path(__file__).resolve().parents[2] / "docs" / "audit.md").read_text("utf-8")


@pytest.mark.parametrize("command", [str(c.name) for c in audit_app.registered_commands])
def test_every_audit_command_is_documented(command: str) -> None:
    assert f"prosper audit {command}" in DOC


SETTINGS = [
    "PROSPER_DB_URL",
    "PROSPER_DATA_DIR",
    "PROSPER_ACTOR",
    "PROSPER_AUDIT_KEY",
    "PROSPER_AUDIT_KEY_FILE",
    "PROSPER_AUDIT_ANCHOR",
    "PROSPER_AUDIT_ANCHOR_URL",
]


@pytest.mark.parametrize("setting", SETTINGS)
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
    key, other = SigningKey(b"k" * 32), SigningKey(b"o" * 32)
    witness = Witness(key=key, anchored={1: "h1", 5: "h5"}, anchor_in_use=True)
    signed = ChainWalker(witness=witness)
    signed.check(
        record_id=1,
        prev_hash="sha256:" + "0" * 64,
        stored_hash="x",
        record=None,
        signature=key.sign("y"),
    )
    signed.check(record_id=2, prev_hash="x", stored_hash="h2", record=None, signature=None)
    problems += signed.finish((2, "h2")).problems
    late = ChainWalker(witness=Witness(key=key, anchored={1: "h1"}, anchor_in_use=True))
    late.check(
        record_id=1,
        prev_hash="sha256:" + "0" * 64,
        stored_hash="h1",
        record=None,
        signature=key.sign("h1"),
    )
    late.check(record_id=2, prev_hash="h1", stored_hash="h2", record=None, signature=key.sign("h2"))
    problems += late.finish((2, "h2")).problems
    stated = read_late_witness(3, "ops", {"records": [{"id": 2, "hash": "h2"}], "reason": "r"})
    assert isinstance(stated, LateWitness)
    problems += late_problems(stated, {2: "other"})
    problems.append(cast(Problem, read_late_witness(3, "ops", {})))
    reasons = [p.reason for p in problems]
    for sig_key, sig in ((other, key.sign("h")), (None, key.sign("h")), (key, "bad")):
        reasons.append(str(signature_problem(sig_key, "h", sig)))
    for text in ('{"verdict":1,"verdict":2}', '{"b":1, "a":2}', "[1]", "{broken"):
        try:
            decode_canonical(text, field_name="output")
        except ValueError as exc:
            reasons.append(str(exc).removeprefix("output "))
    return [
        re.sub(r"\d+(-\d+)?", "N", re.sub(r"\b[0-9a-f]{16}\b", "K", r)).split(" (")[0]
        for r in reasons
    ]


def test_anchor_file_problems_are_documented(tmp_path: Path) -> None:
    anchor = tmp_path / "audit.anchor"
    anchor.write_bytes(b'{"id":1,"hash":"a"}\n{"id":1,"hash":"b"}\nnot json\n{"id":2')
    for problem in AnchorFile(anchor).read().problems:
        fixed = re.sub(r"\d+", "N", problem).split(" (")[0]
        assert fixed in DOC, fixed


@pytest.mark.parametrize("reason", sorted(set(_reasons())))
def test_integrity_messages_are_documented(reason: str) -> None:
    generic = re.sub(r"records? N", "", reason).strip()
    assert generic in DOC.replace("N-M", "N").replace("N+1", "N"), reason
