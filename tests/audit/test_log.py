"""The audit log store: round trips, the hash chain, tamper detection, concurrency, migrations.

Every test runs on SQLite and, when ``PROSPER_TEST_PG_URL`` is set (``scripts/postgres.sh``
prints one), on PostgreSQL too, each PostgreSQL test in a schema of its own.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prosper.audit import GENESIS_HASH, AuditLog, AuditRecord, Problem, canonical_json
from prosper.audit.migrations import MigrationSet
from prosper.audit.tables import migrations
from prosper.errors import AuditError, AuditIntegrityError, InputError, NotFoundError
from prosper.settings import load_settings

VERSIONS = {"engine": "0.1.0", "rulebook": "2026.11.0", "lists": {"us_ofac_sdn": "sha256:ab"}}


@pytest.fixture
def log(db_url: str) -> Iterator[AuditLog]:
    opened = AuditLog.open(db_url)
    yield opened
    opened.close()


def tamper(url: str, sql: str, params: dict[str, Any] | None = None) -> None:
    """Change the database behind the log's back: sqlite3 directly, or raw SQL on PostgreSQL."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(str(parsed.database)) as conn:
            conn.execute(sql, params or {})
        return
    engine = sa.create_engine(parsed)
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params or {})
    engine.dispose()


def decide(log: AuditLog, n: int, verdict: str = "allowed") -> list[AuditRecord]:
    return [
        log.append(
            kind="check",
            input={"id": f"PO-{i}", "parties": [{"name": f"Party {i}"}]},
            output={"id": f"PO-{i}", "verdict": verdict, "findings": []},
            versions=VERSIONS,
            actor="alice",
        )
        for i in range(1, n + 1)
    ]


# --------------------------------------------------------------------------- round trip, chain


def test_append_get_list_round_trip(log: AuditLog) -> None:
    records = decide(log, 3)
    screen = log.append(
        kind="screen", input={"name": "김정은"}, output={"hits": []}, versions={}, actor="bob"
    )
    assert [r.id for r in records] == [1, 2, 3]
    assert log.get(2) == records[1]
    assert records[1].input == {"id": "PO-2", "parties": [{"name": "Party 2"}]}
    assert log.get(4).input == {"name": "김정은"}
    assert [r.id for r in log.list()] == [4, 3, 2, 1]
    assert log.list(limit=2, offset=1) == [records[2], records[1]]
    assert log.list(kind="check", limit=1) == [records[2]]
    assert log.list(kind="screen") == [screen]
    assert log.list(limit=0) == []


def test_records_form_a_hash_chain(log: AuditLog) -> None:
    records = decide(log, 4)
    assert records[0].prev_hash == GENESIS_HASH == "sha256:" + "0" * 64
    for before, after in itertools.pairwise(records):
        assert after.prev_hash == before.hash
    for record in records:
        assert record.hash == record.compute_hash()
        assert record.created_at.endswith("+00:00")
    assert log.head() == (4, records[-1].hash)


def test_hash_is_sha256_over_canonical_json_of_every_field(log: AuditLog) -> None:
    record = log.append(
        kind="check",
        input={"b": 1, "a": "ü"},
        output={"verdict": "review"},
        versions={"engine": "0.1.0"},
        actor="alice",
    )
    payload = {
        "id": 1,
        "created_at": record.created_at,
        "kind": "check",
        "actor": "alice",
        "input": {"a": "ü", "b": 1},
        "output": {"verdict": "review"},
        "versions": {"engine": "0.1.0"},
        "prev_hash": GENESIS_HASH,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(payload) == text
    assert '"a":"ü"' in text  # non-ASCII kept, not escaped
    assert record.hash == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_get_unknown_id_raises_not_found(log: AuditLog) -> None:
    decide(log, 1)
    with pytest.raises(NotFoundError, match="no audit record 7"):
        log.get(7)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"input": ["not", "an", "object"]}, "input"),
        ({"output": {"x": float("nan")}}, "output"),
        ({"versions": {"x": object()}}, "versions"),
        ({"kind": ""}, "kind"),
        ({"actor": " "}, "actor"),
    ],
)
def test_append_rejects_bad_values(log: AuditLog, kwargs: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {
        "kind": "check",
        "input": {},
        "output": {},
        "versions": {},
        "actor": "alice",
    }
    with pytest.raises(InputError) as info:
        log.append(**{**values, **kwargs})
    assert info.value.field == field
    assert log.head() == (0, GENESIS_HASH)  # nothing written


def test_list_rejects_negative_limit(log: AuditLog) -> None:
    with pytest.raises(InputError):
        log.list(limit=-1)


def test_open_rejects_a_non_url() -> None:
    with pytest.raises(InputError):
        AuditLog.open("not a url at all")


def test_a_bare_postgresql_url_uses_psycopg(db_url: str) -> None:
    url = sa.make_url(db_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only")
    bare = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with AuditLog.open(bare) as log:
        assert log.engine.dialect.driver == "psycopg"
        decide(log, 1)
        assert log.verify().ok


def test_unreachable_databases_raise_audit_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(AuditError, match="cannot create the audit log folder"):
        AuditLog.open(f"sqlite:///{blocker / 'sub' / 'audit.sqlite3'}")
    with pytest.raises(AuditError, match="cannot open the audit log") as info:
        AuditLog.open("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert "secret" not in str(info.value)
    assert "\n" not in str(info.value)  # one line for the CLI


def test_default_url_is_sqlite_in_the_data_dir_and_the_folder_is_created(tmp_path: Path) -> None:
    data_dir = tmp_path / "deep" / "prosper"
    url = load_settings({"PROSPER_DATA_DIR": str(data_dir)}).db_url
    assert url == f"sqlite:///{data_dir / 'audit.sqlite3'}"
    with AuditLog.open(url) as log:
        decide(log, 1)
    assert (data_dir / "audit.sqlite3").is_file()


# --------------------------------------------------------------------------- tamper detection


def test_intact_and_empty_logs_verify(log: AuditLog) -> None:
    assert log.verify().ok
    assert log.verify().checked == 0
    records = decide(log, 3)
    report = log.verify()
    assert (report.ok, report.checked, report.problems) == (True, 3, ())
    assert (report.head_id, report.head_hash) == (3, records[-1].hash)


def test_edited_verdict_is_named(log: AuditLog, db_url: str) -> None:
    decide(log, 5)
    tamper(
        db_url,
        "UPDATE audit_record SET output = replace(output, 'allowed', 'prohibited') WHERE id = 3",
    )
    report = log.verify()
    assert not report.ok
    assert report.problems == (Problem(3, "hash mismatch (edited)"),)
    assert str(report.problems[0]) == "record 3: hash mismatch (edited)"


def test_edited_and_rehashed_record_breaks_the_next_link(log: AuditLog, db_url: str) -> None:
    records = decide(log, 3)
    forged = AuditRecord(**{**records[1].__dict__, "actor": "mallory"})
    tamper(
        db_url,
        "UPDATE audit_record SET actor = 'mallory', hash = :h WHERE id = 2",
        {"h": forged.compute_hash()},
    )
    problems = log.verify().problems
    assert problems[0].record_id == 3
    assert "prev_hash does not match record 2" in problems[0].reason


def test_deleted_middle_record_is_named(log: AuditLog, db_url: str) -> None:
    decide(log, 5)
    tamper(db_url, "DELETE FROM audit_record WHERE id = 3")
    report = log.verify()
    assert not report.ok
    assert report.problems == (Problem(4, "record 3 missing before it (deleted)"),)


def test_deleted_last_record_is_detected_by_the_head(log: AuditLog, db_url: str) -> None:
    decide(log, 5)
    tamper(db_url, "DELETE FROM audit_record WHERE id >= 4")
    report = log.verify()
    assert not report.ok
    assert report.problems == (Problem(4, "records 4-5 missing at the tail (deleted)"),)


def test_swapped_records_are_detected(log: AuditLog, db_url: str) -> None:
    decide(log, 4)
    # Swap the whole content of records 2 and 3: renumber them through a spare id.
    tamper(db_url, "UPDATE audit_record SET id = 1000 WHERE id = 2")
    tamper(db_url, "UPDATE audit_record SET id = 2 WHERE id = 3")
    tamper(db_url, "UPDATE audit_record SET id = 3 WHERE id = 1000")
    report = log.verify()
    assert not report.ok
    assert report.problems[0].record_id == 2
    assert report.problems[0].reason == "hash mismatch (edited)"


def test_record_appended_behind_the_log_s_back_is_detected(log: AuditLog, db_url: str) -> None:
    records = decide(log, 2)
    fake = AuditRecord(
        id=3,
        created_at=records[1].created_at,
        kind="check",
        actor="mallory",
        input={},
        output={"verdict": "allowed"},
        versions={},
        prev_hash=records[1].hash,
        hash="",
    )
    tamper(
        db_url,
        "INSERT INTO audit_record (id, created_at, kind, actor, input, output, versions, "
        "prev_hash, hash) VALUES (3, :c, 'check', 'mallory', '{}', :o, '{}', :p, :h)",
        {
            "c": fake.created_at,
            "o": canonical_json(fake.output),
            "p": fake.prev_hash,
            "h": fake.compute_hash(),
        },
    )
    assert log.verify().problems == (Problem(3, "appended after the head checkpoint (inserted)"),)


def test_deleted_head_row_is_detected_and_blocks_appends(log: AuditLog, db_url: str) -> None:
    decide(log, 2)
    tamper(db_url, "DELETE FROM audit_head")
    assert log.verify().problems == (Problem(None, "head checkpoint missing (deleted)"),)
    with pytest.raises(AuditIntegrityError):
        decide(log, 1)


def test_edited_head_is_detected(log: AuditLog, db_url: str) -> None:
    decide(log, 2)
    tamper(db_url, "UPDATE audit_head SET last_hash = 'sha256:forged'")
    assert log.verify().problems == (Problem(2, "hash does not match the head checkpoint"),)


def test_a_wholesale_rewrite_is_caught_only_by_an_anchor(log: AuditLog, db_url: str) -> None:
    records = decide(log, 3)
    anchor = log.verify().head_hash
    # Rewrite records 2 and 3 consistently, hashes and head included.
    prev = records[0].hash
    for old in records[1:]:
        forged = AuditRecord(**{**old.__dict__, "actor": "mallory", "prev_hash": prev})
        forged = AuditRecord(**{**forged.__dict__, "hash": forged.compute_hash()})
        tamper(
            db_url,
            "UPDATE audit_record SET actor = 'mallory', prev_hash = :p, hash = :h WHERE id = :i",
            {"p": forged.prev_hash, "h": forged.hash, "i": forged.id},
        )
        prev = forged.hash
    tamper(db_url, "UPDATE audit_head SET last_hash = :h", {"h": prev})
    assert log.verify().ok  # an unkeyed chain cannot see this alone
    assert log.verify(anchors=[records[0].hash]).ok  # record 1 was left alone
    report = log.verify(anchors=[anchor])
    assert report.problems == (
        Problem(None, f"anchor {anchor} is not in the chain (rewritten or truncated)"),
    )


def test_unreadable_json_is_reported(log: AuditLog, db_url: str) -> None:
    decide(log, 2)
    tamper(db_url, "UPDATE audit_record SET input = '{broken' WHERE id = 1")
    assert log.verify().problems == (Problem(1, "input is unreadable JSON (edited)"),)
    with pytest.raises(AuditIntegrityError, match="record 1"):
        log.get(1)


# --------------------------------------------------------------------------- concurrency


def test_threads_appending_at_once_keep_one_chain(db_url: str) -> None:
    shared = AuditLog.open(db_url)
    errors: list[BaseException] = []

    def work(own_log: bool, n: int) -> None:
        target = AuditLog.open(db_url) if own_log else shared
        try:
            for i in range(n):
                target.append(
                    kind="check",
                    input={"thread": threading.get_ident(), "i": i},
                    output={"verdict": "allowed"},
                    versions=VERSIONS,
                    actor="t",
                )
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            if own_log:
                target.close()

    # Two threads share one AuditLog, two open their own (their own connection pools).
    threads = [threading.Thread(target=work, args=(i % 2 == 0, 15)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = shared.verify()
    assert (report.ok, report.checked, report.head_id) == (True, 60, 60)
    assert sorted(r.id for r in shared.list(limit=100)) == list(range(1, 61))
    shared.close()


WRITER = """
import pathlib, sys, time
from prosper.audit import AuditLog
url, n, name, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], pathlib.Path(sys.argv[4])
open_first = sys.argv[5] == "open-first"  # else race on opening (migrating) too
log = AuditLog.open(url) if open_first else None
(folder / ("ready-" + name)).touch()
while not (folder / "go").exists():  # start together, so that the writers really race
    time.sleep(0.005)
log = log or AuditLog.open(url)
for i in range(n):
    log.append(kind="check", input={"proc": name, "i": i},
               output={"verdict": "allowed"}, versions={}, actor="proc" + name)
log.close()
"""


def run_writers(
    db_url: str, folder: Path, *, processes: int, appends: int, open_first: bool = True
) -> None:
    """Start ``processes`` Python processes, release them at once, wait for all."""
    procs = [
        subprocess.Popen(
            [
                *(sys.executable, "-c", WRITER, db_url, str(appends), str(p), str(folder)),
                "open-first" if open_first else "open-late",
            ],
            stderr=subprocess.PIPE,
        )
        for p in range(processes)
    ]
    deadline = time.monotonic() + 60
    while len(list(folder.glob("ready-*"))) < processes and time.monotonic() < deadline:
        time.sleep(0.01)
    (folder / "go").touch()
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()


@pytest.mark.slow
def test_processes_appending_at_once_keep_one_chain(db_url: str, tmp_path: Path) -> None:
    AuditLog.open(db_url).close()
    run_writers(db_url, tmp_path, processes=3, appends=40)
    with AuditLog.open(db_url) as log:
        report = log.verify()
        records = log.list(limit=200)
    assert (report.ok, report.checked) == (True, 120)
    assert {r.actor for r in records} == {"proc0", "proc1", "proc2"}
    assert sorted(r.id for r in records) == list(range(1, 121))


@pytest.mark.slow
def test_processes_racing_on_a_fresh_database_migrate_once(db_url: str, tmp_path: Path) -> None:
    run_writers(db_url, tmp_path, processes=2, appends=3, open_first=False)
    with AuditLog.open(db_url) as log:
        assert log.verify().checked == 6
        assert migrations.applied(log.engine) == [1, 2]


# --------------------------------------------------------------------------- migrations


def test_migrations_are_idempotent(db_url: str) -> None:
    engine = AuditLog.open(db_url).engine
    assert migrations.applied(engine) == [1, 2]
    assert migrations.pending(engine) == []
    assert migrations.apply(engine) == []
    AuditLog.open(db_url).close()
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT component, version FROM schema_version")).all()
    assert [tuple(r) for r in rows] == [("audit", 1), ("audit", 2)]
    engine.dispose()


def test_each_migration_runs_in_its_own_transaction(db_url: str) -> None:
    engine = AuditLog.open(db_url).engine
    extra = MigrationSet("test_component")

    @extra(1, "create t1")
    def _one(conn: sa.Connection) -> None:
        conn.execute(sa.text("CREATE TABLE t1 (x INTEGER)"))

    @extra(2, "create t2 then fail")
    def _two(conn: sa.Connection) -> None:
        conn.execute(sa.text("CREATE TABLE t2 (x INTEGER)"))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        extra.apply(engine)
    assert extra.applied(engine) == [1]
    tables = set(sa.inspect(engine).get_table_names())
    assert "t1" in tables
    assert "t2" not in tables  # rolled back together with its schema_version row
    assert migrations.applied(engine) == [1, 2]  # other components are untouched
    with pytest.raises(ValueError, match="must come after"):
        extra(2, "again")(_one)
    engine.dispose()


# --------------------------------------------------------------------------- properties

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(payload=st.dictionaries(st.text(), JSON_VALUES, max_size=5))
def test_any_json_object_round_trips(log: AuditLog, payload: dict[str, Any]) -> None:
    record = log.append(kind="check", input=payload, output=payload, versions={}, actor="p")
    stored = log.get(record.id)
    assert stored.input == payload
    assert stored == record
    assert stored.compute_hash() == stored.hash
