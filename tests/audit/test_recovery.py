"""`prosper audit recover`: a process killed between its commit and its anchor line.

The crash is real: a child process appends with the test hook
``PROSPER_AUDIT_TEST_PAUSE_BEFORE_ANCHOR`` set, which makes it stop right after the commit;
the test kills it with SIGKILL there. Every test runs on SQLite and, when
``PROSPER_TEST_PG_URL`` is set (``scripts/postgres.sh``), on PostgreSQL too.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from prosper.audit import AuditLog
from prosper.audit.anchor import PAUSE_ENV
from prosper.audit.late import UNACKNOWLEDGED, LateWitness, late_problems, read_late_witness
from prosper.audit.recovery import plan
from prosper.cli import main
from prosper.settings import load_settings

CHILD = """
import sys
from prosper.settings import load_settings
if sys.argv[1] == "lite":
    from prosper.audit.lite import append_sqlite
    record = append_sqlite(load_settings(), kind="screen", input={"q": "x"}, output={},
                           versions={}, actor="killed")
    assert record is not None, "the lean writer did not apply"
else:
    from prosper.audit import AuditLog
    with AuditLog.from_settings(load_settings()) as log:
        log.append(kind="check", input={"id": "PO-9"}, output={"verdict": "allowed"},
                   versions={}, actor="killed")
print("answered")
"""


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The settings of one log (database, data folder with key and anchor file)."""
    values = {"PROSPER_DB_URL": db_url, "PROSPER_DATA_DIR": str(tmp_path / "data")}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COLUMNS", "200")
    return values


def open_log(env: dict[str, str]) -> AuditLog:
    return AuditLog.from_settings(load_settings(env))


def append(env: dict[str, str], n: int) -> None:
    with open_log(env) as log:
        for i in range(n):
            log.append(kind="check", input={"id": f"PO-{i}"}, output={}, versions={}, actor="a")


def kill_between_commit_and_anchor(env: dict[str, str], tmp_path: Path, writer: str) -> int:
    """Start a child that appends one record, SIGKILL it after its commit; the record's id."""
    marker = tmp_path / f"paused-{time.monotonic_ns()}"
    child_env = {**os.environ, **env, PAUSE_ENV: str(marker)}
    child_env["PYTHONPATH"] = os.pathsep.join(sys.path)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, writer],
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not (marker.exists() and marker.read_text()):
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            _, err = child.communicate()
            pytest.fail(f"the child never reached the pause: {err.decode()[-2000:]}")
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert b"answered" not in out  # the caller was never told the record was written
    return int(marker.read_text())


def run(args: list[str], capsys: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["prosper", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def anchor_file(env: dict[str, str]) -> Path:
    with open_log(env) as log:
        assert log.anchor is not None
        return log.anchor.path


def count(env: dict[str, str]) -> int:
    with open_log(env) as log:
        return log.verify().checked


def sql(env: dict[str, str], statement: str) -> None:
    """Change the database behind the log's back."""
    engine = sa.create_engine(sa.make_url(env["PROSPER_DB_URL"]).set(drivername=_driver(env)))
    with engine.begin() as conn:
        conn.execute(sa.text(statement))
    engine.dispose()


def _driver(env: dict[str, str]) -> str:
    name = sa.make_url(env["PROSPER_DB_URL"]).drivername
    return "postgresql+psycopg" if name.startswith("postgres") else name


def drop_anchor_lines(env: dict[str, str], *ids: int) -> None:
    path = anchor_file(env)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(line for line in lines if json.loads(line)["id"] not in ids))


# --------------------------------------------------------------------------- the crash


@pytest.mark.parametrize("writer", ["log", "lite"])
def test_a_kill_between_commit_and_anchor_is_recovered_on_the_record(
    env: dict[str, str], tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    if writer == "lite" and not env["PROSPER_DB_URL"].startswith("sqlite"):
        pytest.skip("the lean writer writes SQLite only")
    append(env, 2)
    killed = kill_between_commit_and_anchor(env, tmp_path, writer)
    assert killed == 3

    code, _, err = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 1
    assert "record 3: record 3 not in the anchor file" in err

    code, out, _ = run(["audit", "recover"], capsys, monkeypatch)  # shows, writes nothing
    assert code == 0
    assert "killed" in out
    assert "--yes --reason" in out
    assert count(env) == 3

    code, _, err = run(["audit", "recover", "--yes"], capsys, monkeypatch)
    assert code == 2
    assert "--reason" in err
    assert count(env) == 3

    reason = "server killed by the OOM killer at 09:14 (INC-7)"
    code, out, _ = run(
        ["audit", "recover", "--yes", "--reason", reason, "--json"], capsys, monkeypatch
    )
    assert code == 0
    doc = json.loads(out)
    assert [r["id"] for r in doc["records"]] == [3]
    written = doc["recovery_record"]
    assert written["id"] == 4
    assert written["kind"] == "recovery"
    assert written["actor"] == load_settings().actor  # the OS login, not a claim
    assert written["input"]["reason"] == reason
    assert written["input"]["records"][0]["id"] == 3
    assert written["output"] == {"witnessed_late": [3], "unacknowledged": UNACKNOWLEDGED}

    code, out, _ = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 0, out
    assert "record 3 witnessed late by recovery record 4" in out
    assert reason in out
    code, out, _ = run(["audit", "verify", "--json"], capsys, monkeypatch)
    assert json.loads(out)["witnessed_late"][0]["records"] == [3]

    append(env, 1)  # the log goes on
    code, _, _ = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 0
    code, out, _ = run(["audit", "recover"], capsys, monkeypatch)
    assert (code, out.strip()) == (0, "nothing to recover: every record is witnessed")


def test_a_crash_followed_by_more_appends_is_still_reported_and_recovered(
    env: dict[str, str], tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(env, 1)
    assert kill_between_commit_and_anchor(env, tmp_path, "log") == 2
    append(env, 2)  # records 3 and 4 are witnessed: record 2 is a hole, not a tail
    with open_log(env) as log:
        problems = log.verify().problems
        assert str(problems[0]).startswith("record 2: record 2 not in the anchor file")
        assert not log.read(2).ok  # the read paths flag it too
    code, _, _ = run(["audit", "recover", "--yes", "--reason", "crash"], capsys, monkeypatch)
    assert code == 0
    with open_log(env) as log:
        report = log.verify()
    assert report.ok, report.problems
    assert [(w.ids, w.by) for w in report.late] == [((2,), 5)]


def test_a_crash_of_the_recovery_itself_is_recovered_by_running_it_again(
    env: dict[str, str], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(env, 3)
    drop_anchor_lines(env, 3)  # as a crash leaves it
    code, _, _ = run(["audit", "recover", "--yes", "--reason", "first"], capsys, monkeypatch)
    assert code == 0
    drop_anchor_lines(env, 3, 4)  # the recovery crashed before its lines
    code, out, _ = run(
        ["audit", "recover", "--yes", "--reason", "again", "--json"], capsys, monkeypatch
    )
    assert code == 0
    assert [r["id"] for r in json.loads(out)["records"]] == [3, 4]
    with open_log(env) as log:
        report = log.verify()
    assert report.ok
    assert [(w.ids, w.by) for w in report.late] == [((3,), 4), ((3, 4), 5)]


# --------------------------------------------------------------------------- refused: tampering


def _refused(
    env: dict[str, str], capsys: Any, monkeypatch: pytest.MonkeyPatch, needle: str
) -> None:
    """Recovery refuses, writes nothing, and verify keeps failing."""
    before_rows, before_anchor = count(env), _anchor_bytes(env)
    code, _, err = run(["audit", "recover"], capsys, monkeypatch)
    assert code == 1, err
    assert needle in err
    code, _, err = run(["audit", "recover", "--yes", "--reason", "r"], capsys, monkeypatch)
    assert code == 1, err
    assert "not recovered" in err
    assert (count(env), _anchor_bytes(env)) == (before_rows, before_anchor)
    code, _, _ = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 1


def _anchor_bytes(env: dict[str, str]) -> bytes | None:
    path = anchor_file(env)
    return path.read_bytes() if path.exists() else None


def test_a_forged_signature_is_never_recovered(
    env: dict[str, str], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(env, 3)
    drop_anchor_lines(env, 3)
    sql(
        env,
        "UPDATE audit_record SET signature = 'hmac-sha256:0123456789abcdef:' || "
        "'00000000000000000000000000000000000000000000000000000000000000ff' WHERE id = 3",
    )
    _refused(env, capsys, monkeypatch, "signed with key")


def test_a_broken_link_is_never_recovered(
    env: dict[str, str], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(env, 3)
    drop_anchor_lines(env, 3)
    sql(env, "UPDATE audit_record SET prev_hash = 'sha256:1111' WHERE id = 3")
    _refused(env, capsys, monkeypatch, "record 3:")


def test_a_gap_in_the_ids_is_never_recovered(
    env: dict[str, str], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(env, 4)
    drop_anchor_lines(env, 3, 4)
    sql(env, "DELETE FROM audit_record WHERE id = 3")
    _refused(env, capsys, monkeypatch, "missing before it (deleted)")


def test_an_anchor_line_that_contradicts_the_database_is_never_overridden(
    env: dict[str, str], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(env, 3)
    drop_anchor_lines(env, 3)
    path = anchor_file(env)
    text = path.read_text()
    line = json.loads(text.splitlines()[1])
    path.write_text(text.replace(line["hash"], "sha256:" + "e" * 64))
    _refused(env, capsys, monkeypatch, "hash differs from the anchor file")


def test_a_deleted_anchor_file_or_a_long_tail_is_not_a_crash(
    env: dict[str, str], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(env, 3)
    anchor_file(env).unlink()
    _refused(env, capsys, monkeypatch, "is missing (a crash never deletes it)")

    anchor_file(env).write_text("")  # emptied, not deleted: three records is within the bound
    with open_log(env) as log:
        assert plan(log).recoverable
        assert not plan(log, limit=2).recoverable
        assert "more than 2 records" in str(plan(log, limit=2).refused[0])


# --------------------------------------------------------------------------- what verify reads


def test_a_recovery_record_is_checked_against_the_anchor_file() -> None:
    late = read_late_witness(9, "ops", {"records": [{"id": 7, "hash": "sha256:a"}], "reason": "r"})
    assert isinstance(late, LateWitness)
    assert late.describe() == "record 7 witnessed late by recovery record 9 (ops: r)"
    assert late_problems(late, {7: "sha256:a"}) == []
    assert "does not hold" in str(late_problems(late, {7: "sha256:b"})[0])
    for bad in (
        {"records": [{"id": 9, "hash": "sha256:a"}], "reason": "r"},  # not an earlier record
        {"records": [], "reason": "r"},
        {"records": [{"id": "7", "hash": "sha256:a"}], "reason": "r"},
        {"records": [{"id": 7, "hash": "sha256:a"}]},
    ):
        assert "malformed" in str(read_late_witness(9, "ops", bad))


def test_recover_is_in_the_help(capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(["audit", "--help"], capsys, monkeypatch)
    assert code == 0
    assert "recover" in out
    code, out, _ = run(["audit", "recover", "--help"], capsys, monkeypatch)
    assert code == 0
    assert "--yes" in out
    assert "never answered" in out
