"""`prosper audit list|show|verify|replay` through the real entry point (exit codes included)."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from prosper.audit import AuditLog
from prosper.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "kr_to_vn_rngd.yaml"

DECISION: dict[str, Any] = {
    "id": "PO-2026-0142",
    "verdict": "review",
    "as_of": "2026-11-27",
    "mode": "enforced",
    "findings": [
        {
            "area": "screening",
            "regime": "LISTS",
            "verdict": "review",
            "subject": "parties[1]",
            "rule_id": "lists.screening.weak-match",
            "citation": "c",
            "summary": "possible match",
            "conditions": [],
        }
    ],
    "versions": {"engine": "0.1.0", "rulebook": "2026.11.0", "lists": {"un_sc": "sha256:u1"}},
}


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private audit log for one test, named by PROSPER_DB_URL."""
    path = tmp_path / "audit.sqlite3"
    monkeypatch.setenv("PROSPER_DB_URL", f"sqlite:///{path}")
    monkeypatch.setenv("PROSPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "160")  # Rich tables fold long cells at 80 columns
    return path


def record(path: Path, n: int = 1, **changes: Any) -> None:
    with AuditLog.open(f"sqlite:///{path}") as log:
        for i in range(n):
            output = {**DECISION, "id": f"PO-{i + 1}", **changes}
            log.append(
                kind="check",
                input={"id": f"PO-{i + 1}", "as_of": "2026-11-27", "parties": []},
                output=output,
                versions=output["versions"],
                actor="officer@example.com",
            )


def run(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Run ``prosper ARGS`` in-process through ``main`` (exit-code mapping included)."""
    monkeypatch.setattr(sys, "argv", ["prosper", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_newest_first(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    record(db_path, 3)
    code, out, _ = run(["audit", "list", "--json"], capsys, monkeypatch)
    assert code == 0
    rows = json.loads(out)["records"]
    assert [r["id"] for r in rows] == [3, 2, 1]
    assert rows[0]["transaction_id"] == "PO-3"
    assert rows[0]["verdict"] == "review"
    assert rows[0]["actor"] == "officer@example.com"
    assert rows[0]["kind"] == "check"
    assert rows[0]["hash"].startswith("sha256:")

    code, out, _ = run(["audit", "list", "--limit", "1"], capsys, monkeypatch)
    assert code == 0
    assert "PO-3" in out
    assert "PO-2" not in out
    assert "officer@example.com" in out


def test_list_of_an_empty_log(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    code, out, _ = run(["audit", "list"], capsys, monkeypatch)
    assert (code, out.strip()) == (0, "the audit log is empty")
    code, out, _ = run(["audit", "list", "--json"], capsys, monkeypatch)
    assert json.loads(out) == {"records": [], "integrity": {"ok": True, "problems": []}}


def test_list_rejects_a_negative_limit(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    code, _, err = run(["audit", "list", "--limit", "-1"], capsys, monkeypatch)
    assert code == 2
    assert "--limit" in err


def test_show_prints_the_whole_record(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    record(db_path, 2)
    code, out, _ = run(["audit", "show", "2", "--json"], capsys, monkeypatch)
    assert code == 0
    doc = json.loads(out)
    assert doc["id"] == 2
    assert doc["output"]["id"] == "PO-2"
    assert doc["input"]["as_of"] == "2026-11-27"
    assert doc["versions"]["rulebook"] == "2026.11.0"
    assert doc["hash"].startswith("sha256:")
    assert doc["prev_hash"].startswith("sha256:")

    code, out, _ = run(["audit", "show", "2"], capsys, monkeypatch)
    assert code == 0
    assert "audit record 2" in out
    assert doc["hash"] in out
    assert "lists.screening.weak-match" in out


@pytest.mark.parametrize("command", ["show", "replay"])
def test_unknown_id_exits_2(db_path: Path, capsys: Any, monkeypatch: Any, command: str) -> None:
    record(db_path, 1)
    code, out, err = run(["audit", command, "42"], capsys, monkeypatch)
    assert code == 2
    assert out == ""
    assert err.strip() == "error: no audit record 42"


def test_non_numeric_id_exits_2(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    code, _, _ = run(["audit", "show", "seventeen"], capsys, monkeypatch)
    assert code == 2


def test_verify_intact_log(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    record(db_path, 3)
    code, out, _ = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 0
    assert out.startswith("ok: 3 records verified")
    code, out, _ = run(["audit", "verify", "--json"], capsys, monkeypatch)
    doc = json.loads(out)
    assert (code, doc["ok"], doc["checked"], doc["problems"]) == (0, True, 3, [])
    assert doc["head"]["id"] == 3


def test_verify_checks_anchors(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    record(db_path, 2)
    code, out, _ = run(["audit", "verify", "--json"], capsys, monkeypatch)
    head = json.loads(out)["head"]["hash"]
    record(db_path, 1)
    code, _, _ = run(["audit", "verify", "--anchor", head], capsys, monkeypatch)
    assert code == 0
    bogus = "sha256:" + "1" * 64
    code, _, err = run(
        ["audit", "verify", "--anchor", head, "--anchor", bogus], capsys, monkeypatch
    )
    assert code == 1
    assert (
        err.strip()
        == f"error: audit log: anchor {bogus} is not in the chain (rewritten or truncated)"
    )


def test_verify_names_an_edited_record(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    record(db_path, 5)
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE audit_record SET output = replace(output, '\"review\"', '\"allowed\"') "
            "WHERE id = 4"
        )
    code, out, err = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 1
    assert out == ""
    assert err.strip() == "error: record 4: hash mismatch (edited)"

    code, out, err = run(["audit", "verify", "--json"], capsys, monkeypatch)
    assert code == 1
    assert json.loads(out)["problems"] == [{"record_id": 4, "reason": "hash mismatch (edited)"}]
    assert err.strip() == "error: record 4: hash mismatch (edited)"


def test_verify_names_a_deleted_record(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    record(db_path, 5)
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM audit_record WHERE id = 2")
        conn.execute("UPDATE audit_record SET output = '{}' WHERE id = 4")
    code, _, err = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[-1] == "error: record 3: record 2 missing before it (deleted) (+1 more)"
    assert "also: record 4: hash mismatch (edited)" in lines[0]


def test_verify_detects_a_deleted_tail(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    record(db_path, 3)
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM audit_record WHERE id = 3")
    code, _, err = run(["audit", "verify"], capsys, monkeypatch)
    assert (code, err.strip()) == (1, "error: record 3: record 3 missing at the tail (deleted)")


def test_bad_db_url_exits_2(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("PROSPER_DB_URL", "no-such-scheme")
    code, _, err = run(["audit", "list"], capsys, monkeypatch)
    assert code == 2
    assert "PROSPER_DB_URL" in err


def test_replay_shows_what_changed(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    record(db_path, 1)
    calls: list[tuple[dict[str, Any], str]] = []

    def fake_evaluate(raw: dict[str, Any], *, mode: str) -> dict[str, Any]:
        calls.append((raw, mode))
        new = copy.deepcopy(DECISION)
        new["id"] = raw["id"]
        new["as_of"] = raw["as_of"]
        new["verdict"] = "prohibited"
        new["findings"][0]["verdict"] = "prohibited"
        new["versions"]["lists"]["un_sc"] = "sha256:u2"
        return new

    import prosper.service

    monkeypatch.setattr(prosper.service, "evaluate", fake_evaluate)
    code, out, _ = run(["audit", "replay", "1", "--json"], capsys, monkeypatch)
    assert code == 0
    assert calls == [({"id": "PO-1", "as_of": "2026-11-27", "parties": []}, "enforced")]
    doc = json.loads(out)
    assert (doc["record_id"], doc["as_of"], doc["mode"]) == (1, "2026-11-27", "enforced")
    diff = doc["diff"]
    assert diff["verdict"] == {"before": "review", "after": "prohibited", "changed": True}
    assert diff["findings"]["changed"][0]["fields"] == ["verdict"]
    assert diff["versions"] == [
        {"path": "lists.un_sc", "before": "sha256:u1", "after": "sha256:u2"}
    ]
    assert doc["decision"]["verdict"] == "prohibited"

    code, out, _ = run(["audit", "replay", "1"], capsys, monkeypatch)
    assert code == 0
    assert "verdict: review → prohibited" in out
    assert "lists.screening.weak-match parties[1]: verdict: review → prohibited" in out
    assert "version lists.un_sc: sha256:u1 → sha256:u2" in out


def test_replay_without_changes(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    record(db_path, 1)
    import prosper.service

    def same(raw: dict[str, Any], *, mode: str) -> dict[str, Any]:
        return {**DECISION, "id": raw["id"]}

    monkeypatch.setattr(prosper.service, "evaluate", same)
    code, out, _ = run(["audit", "replay", "1"], capsys, monkeypatch)
    assert code == 0
    assert "verdict: review (unchanged)" in out
    assert "no change" in out


def test_replay_refuses_a_non_check_record(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    with AuditLog.open(f"sqlite:///{db_path}") as log:
        log.append(kind="screen", input={"name": "x"}, output={}, versions={}, actor="a")
    code, out, err = run(["audit", "replay", "1"], capsys, monkeypatch)
    assert (code, out) == (2, "")
    assert "replay re-runs checks" in err


def test_audit_help_runs_as_a_console_script() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "prosper", "audit", "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    for command in ("list", "show", "verify", "replay", "anchor"):
        assert command in proc.stdout


@pytest.mark.slow
def test_check_then_replay_end_to_end(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    """A real `prosper check` is recorded; replaying it today gives the same decision."""
    code, out, err = run(["check", str(EXAMPLE), "--json"], capsys, monkeypatch)
    assert code == 0, err
    decided = json.loads(out)
    record_id = decided["audit"]["record_id"]

    code, out, _ = run(["audit", "show", str(record_id), "--json"], capsys, monkeypatch)
    stored = json.loads(out)
    assert stored["output"] == {k: v for k, v in decided.items() if k != "audit"}
    assert stored["hash"] == decided["audit"]["hash"]

    code, out, err = run(["audit", "replay", str(record_id), "--json"], capsys, monkeypatch)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["diff"]["changed"] is False
    assert doc["decision"]["verdict"] == decided["verdict"]

    code, out, _ = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 0


# ------------------------------------------------------------------- signed logs, read paths


def signed(n: int = 3) -> None:
    """Append ``n`` decisions the way `prosper check` does: signed, anchored."""
    from prosper.settings import load_settings

    with AuditLog.from_settings(load_settings()) as log:
        for i in range(n):
            output = {**DECISION, "id": f"PO-{i + 1}"}
            log.append(
                kind="check",
                input={"id": f"PO-{i + 1}", "as_of": "2026-11-27", "parties": []},
                output=output,
                versions=output["versions"],
                actor="officer@example.com",
            )


def _edit_verdict(db_path: Path, record_id: int) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            'UPDATE audit_record SET output = replace(output, \'"verdict":"review"\', '
            '\'"verdict":"allowed"\') WHERE id = ?',
            (record_id,),
        )


def test_show_flags_a_tampered_record(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    signed(3)
    code, out, err = run(["audit", "show", "2"], capsys, monkeypatch)
    assert code == 0
    assert "hmac-sha256:" in out
    _edit_verdict(db_path, 2)
    code, out, err = run(["audit", "show", "2"], capsys, monkeypatch)
    assert code == 1
    assert "audit record 2" in out  # still shown, to investigate it
    lines = err.strip().splitlines()
    assert lines[0] == "TAMPERED record 2: hash mismatch (edited)"
    assert lines[-1] == "error: record 2: hash mismatch (edited)"
    code, out, _ = run(["audit", "show", "2", "--json"], capsys, monkeypatch)
    assert code == 1
    integrity = json.loads(out)["integrity"]
    assert integrity["ok"] is False
    assert integrity["problems"] == ["record 2: hash mismatch (edited)"]
    # its neighbours are intact
    assert run(["audit", "show", "3"], capsys, monkeypatch)[0] == 0


def test_show_refuses_a_duplicate_json_key(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    signed(2)
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE audit_record SET output = substr(output, 1, length(output) - 1) "
            '|| \',"verdict":"allowed"}\' WHERE id = 1'
        )
    code, _, err = run(["audit", "show", "1"], capsys, monkeypatch)
    assert code == 1
    assert "error: record 1: output has a duplicate key 'verdict' (edited)" in err


def test_list_marks_a_tampered_record_and_exits_1(
    db_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    signed(3)
    _edit_verdict(db_path, 2)
    code, out, err = run(["audit", "list"], capsys, monkeypatch)
    assert code == 1
    assert "TAMPERED" in out
    assert "TAMPERED record 2: hash mismatch (edited)" in err
    code, out, _ = run(["audit", "list", "--json"], capsys, monkeypatch)
    rows = {r["id"]: r["integrity"]["ok"] for r in json.loads(out)["records"]}
    assert (code, rows) == (1, {3: True, 2: False, 1: True})


def test_replay_refuses_a_tampered_record(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    signed(2)
    _edit_verdict(db_path, 1)
    import prosper.service

    def never(raw: dict[str, Any], *, mode: str) -> dict[str, Any]:
        raise AssertionError("a tampered record must not be replayed")

    monkeypatch.setattr(prosper.service, "evaluate", never)
    code, out, err = run(["audit", "replay", "1"], capsys, monkeypatch)
    assert (code, out) == (1, "")
    assert err.strip().splitlines()[-1] == (
        "error: record 1: hash mismatch (edited): not replayed "
        "(a tampered record would read as a rules change)"
    )


def test_unsigned_records_are_reported_as_such(
    db_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    record(db_path, 2)  # written without a key: as before signing existed
    signed(1)
    code, out, _ = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 0
    assert "(2 unsigned: written before signing)" in out
    code, out, _ = run(["audit", "show", "1"], capsys, monkeypatch)
    assert code == 0
    assert "none (written before signing existed)" in out
    code, out, _ = run(["audit", "list", "--json"], capsys, monkeypatch)
    signed_flags = {r["id"]: r["integrity"]["signed"] for r in json.loads(out)["records"]}
    assert signed_flags == {3: True, 2: False, 1: False}
    # but an unsigned record after a signed one is a forgery
    record(db_path, 1)
    code, _, err = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 1
    assert "record 4: unsigned, after signed records" in err


def test_anchor_prints_the_witnessed_head(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    signed(3)
    code, out, _ = run(["audit", "anchor", "--json"], capsys, monkeypatch)
    doc = json.loads(out)
    assert code == 0
    assert doc["ok"] is True
    assert doc["head"]["id"] == doc["anchor"]["id"] == 3
    assert doc["head"]["hash"] == doc["anchor"]["hash"]
    assert doc["anchor"]["file"].endswith(".anchor")
    with sqlite3.connect(db_path) as conn:
        two = conn.execute("SELECT hash FROM audit_record WHERE id = 2").fetchone()[0]
        conn.execute("DELETE FROM audit_record WHERE id = 3")
        conn.execute("UPDATE audit_head SET last_id = 2, last_hash = ?", (two,))
    code, _, err = run(["audit", "anchor"], capsys, monkeypatch)
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        "error: audit log: the anchor file names record 3, the log ends at 2 "
        "(deleted, head moved back)"
    )
    code, _, err = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 1
    assert "record 3 in the anchor file but not in the log" in err


def test_anchor_post_sends_the_head(db_path: Path, capsys: Any, monkeypatch: Any) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict[str, Any]] = []

    class Witness(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Witness)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        signed(2)
        code, _, err = run(["audit", "anchor", "--post"], capsys, monkeypatch)
        assert code == 2
        assert "PROSPER_AUDIT_ANCHOR_URL" in err
        monkeypatch.setenv("PROSPER_AUDIT_ANCHOR_URL", f"http://127.0.0.1:{server.server_port}/h")
        code, out, err = run(["audit", "anchor", "--post"], capsys, monkeypatch)
        assert code == 0, err
        assert "HTTP 201" in out
        assert received[0]["head"]["id"] == 2
        assert received[0]["head"]["hash"].startswith("sha256:")
    finally:
        server.shutdown()
        server.server_close()
    code, _, err = run(["audit", "anchor", "--post"], capsys, monkeypatch)
    assert code == 1
    assert "posting the anchor" in err


def test_anchor_flags_a_deleted_or_forged_head(
    db_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    signed(3)
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM audit_record WHERE id = 3")
    code, _, err = run(["audit", "anchor"], capsys, monkeypatch)
    assert code == 1
    assert "error: record 3: named by the head checkpoint but gone (deleted)" in err
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM audit_record")
        conn.execute("UPDATE audit_head SET last_id = 0")
    record(db_path, 1)  # an unsigned append, as a database-only attacker would write it
    code, out, err = run(["audit", "anchor", "--json"], capsys, monkeypatch)
    assert code == 1
    problems = json.loads(out)["problems"]
    assert problems[0] == (
        "audit log: the anchor file names record 3, the log ends at 1 (deleted, head moved back)"
    )
    assert "record 1: hash differs from the anchor file (rewritten)" in problems
