"""`prosper audit recover`: a process killed between its commit and its anchor line.

The crash is real: a child process appends with the test hook
``PROSPER_AUDIT_TEST_PAUSE_BEFORE_ANCHOR`` set, which makes it stop right after the commit;
the test kills it with SIGKILL there. Every test runs on SQLite and, when
``PROSPER_TEST_PG_URL`` is set (``scripts/postgres.sh``), on PostgreSQL too.
"""

from __future__ import annotations

import hashlib
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
from prosper.audit.recovery import plan, recover
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


# --------------------------------------------------------------------------- a torn anchor line


def anchor_line(record_id: int, record_hash: str) -> bytes:
    """The line `AnchorFile.write_many` writes for a record (without its newline)."""
    doc = {"at": "2026-12-08T00:01:02.123456+00:00", "hash": record_hash, "id": record_id}
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("ascii")


def unwitnessed(env: dict[str, str]) -> dict[int, str]:
    with open_log(env) as log:
        return {r.id: r.hash for r in plan(log).records}


def tear(env: dict[str, str], data: bytes) -> None:
    """Append `data` to the anchor file without a newline: a line a crash cut short."""
    with anchor_file(env).open("ab") as fh:
        fh.write(data)


@pytest.mark.parametrize("writer", ["log", "lite"])
def test_a_torn_last_anchor_line_after_a_kill_is_recovered_and_recorded(
    env: dict[str, str], tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    """A real child killed after its commit; the first bytes of its line then reach the file
    (what a power loss in the middle of the `write` leaves)."""
    if writer == "lite" and not env["PROSPER_DB_URL"].startswith("sqlite"):
        pytest.skip("the lean writer writes SQLite only")
    append(env, 2)
    killed = kill_between_commit_and_anchor(env, tmp_path, writer)
    torn = anchor_line(killed, unwitnessed(env)[killed])[:70]  # cut inside the hash
    tear(env, torn)
    before = anchor_file(env).read_bytes()

    code, _, err = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 1
    assert "anchor file line 3 is cut short (truncated)" in err

    code, out, _ = run(["audit", "recover"], capsys, monkeypatch)  # shows, writes nothing
    assert code == 0, out
    assert "anchor file line 3 cut short by the crash (to cut off, recorded)" in out
    assert anchor_file(env).read_bytes() == before

    code, out, _ = run(
        ["audit", "recover", "--yes", "--reason", "power loss", "--json"], capsys, monkeypatch
    )
    assert code == 0, out
    doc = json.loads(out)
    assert [r["id"] for r in doc["records"]] == [killed]
    recorded = doc["recovery_record"]["input"]["torn_anchor_line"]
    assert recorded["line"] == 3
    assert recorded["offset"] == len(before) - len(torn)
    assert recorded["bytes"].encode("ascii") == torn
    assert recorded["sha256"] == hashlib.sha256(torn).hexdigest()
    assert doc["torn_anchor_line"] == recorded

    text = anchor_file(env).read_bytes()
    assert text.startswith(before[: len(before) - len(torn)])
    assert torn not in text
    assert text.endswith(b"\n")
    code, out, _ = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 0, out
    assert f"record {killed} witnessed late by recovery record {killed + 1}" in out
    append(env, 1)
    code, _, _ = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 0


def test_a_line_torn_anywhere_is_recoverable(env: dict[str, str]) -> None:
    """Every cut of the genuine line of the unwitnessed record, from its first byte to the
    whole line without its newline; and a first line of the file cut short."""
    append(env, 3)
    drop_anchor_lines(env, 3)
    line = anchor_line(3, unwitnessed(env)[3])
    base = anchor_file(env).read_bytes()
    for cut in range(1, len(line) + 1):
        anchor_file(env).write_bytes(base + line[:cut])
        with open_log(env) as log:
            found = plan(log)
        assert found.recoverable, (cut, found.refused)
        assert found.torn is not None
        assert found.torn.data == line[:cut]
    anchor_file(env).write_bytes(b"")
    append(env, 1)  # record 4, witnessed; records 1-3 now lack their lines
    drop_anchor_lines(env, 4)
    anchor_file(env).write_bytes(anchor_line(1, unwitnessed(env)[1])[:40])
    with open_log(env) as log:
        found = plan(log)
    assert found.recoverable
    assert found.torn is not None
    assert found.torn.offset == 0
    with open_log(env) as log:
        recover(log, actor="ops", reason="crash on the first append")
        assert log.verify().ok


@pytest.mark.parametrize(
    "damage",
    [
        "not a line",  # bytes no anchor line starts with
        "another hash",  # the start of a line naming a hash no unwitnessed record has
        "witnessed record",  # the start of the line of a record that is witnessed
        "another id",  # a whole line (no newline) naming the hash with another id
        "not last",  # a cut line with a line after it
        "nothing unwitnessed",  # a cut line and every record witnessed
    ],
)
def test_a_torn_line_that_is_not_a_crash_is_refused(
    env: dict[str, str], capsys: Any, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    append(env, 3)
    with open_log(env) as log:
        hashes = {i: log.get(i).hash for i in (1, 2, 3)}
    if damage != "nothing unwitnessed":
        drop_anchor_lines(env, 3)
    line = anchor_line(3, hashes[3])
    data = {
        "not a line": b'{"id":3,"hash":"',
        "another hash": anchor_line(3, "sha256:" + "f" * 64)[:80],
        "witnessed record": anchor_line(2, hashes[2])[:90],
        "another id": anchor_line(7, hashes[3]),
        "not last": line[:50] + b"\n" + anchor_line(2, hashes[2]) + b"\n",
        "nothing unwitnessed": line[:60],
    }[damage]
    tear(env, data)
    needle = "unreadable" if damage == "not last" else "cut short"
    _refused(env, capsys, monkeypatch, needle)


def test_line_prefixes() -> None:
    from prosper.audit.torn import line_prefix

    line = anchor_line(12, "sha256:" + "0a" * 32)
    assert all(line_prefix(line[:cut]) is not None for cut in range(1, len(line) + 1))
    assert line_prefix(line) == line_prefix(line[:-1] + b"}")
    cut = line_prefix(line[:-1])
    assert cut is not None
    assert cut.record_id is None
    for bad in (
        line + b" ",  # after the closing brace
        line.replace(b'"id":12', b'"id":012'),  # a leading zero
        line.replace(b"0a0a", b"0A0a"),  # upper-case hex
        line.replace(b"sha256:", b"sha512:"),
        b'{"at":"","hash":"',  # an empty time
        line[:20] + b'"' + line[21:],
    ):
        assert line_prefix(bad) is None, bad
