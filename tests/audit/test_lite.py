"""The standard-library SQLite writer (the CLI's lean `screen`): the same rows, chain and
signatures as the SQLAlchemy writer, or None where it does not apply."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from prosper.audit import AuditLog
from prosper.audit.anchor import anchor_path
from prosper.audit.lite import AUDIT_SCHEMA, append_sqlite, sqlite_file
from prosper.audit.tables import migrations
from prosper.errors import AuditIntegrityError
from prosper.settings import Settings, load_settings


def _settings(tmp_path: Path, **env: str) -> Settings:
    return load_settings({"PROSPER_DATA_DIR": str(tmp_path / "data"), **env})


def _append_lite(settings: Settings, n: int) -> int | None:
    record = append_sqlite(
        settings,
        kind="screen",
        input={"channel": "cli", "query": {"name": f"name {n}"}, "threshold": 0.8},
        output={"result_digest": f"sha256:{n:064x}", "hits": [], "warnings": []},
        versions={"lists": {"us_ofac_sdn": "sha256:aa"}},
        actor="alice",
    )
    return None if record is None else record.id


def test_the_schema_it_knows_is_the_audit_tables_schema() -> None:
    assert tuple(m.version for m in migrations.migrations) == AUDIT_SCHEMA


def test_plain_sqlite_file_urls_only() -> None:
    assert sqlite_file("sqlite:////data/audit.sqlite3") == Path("/data/audit.sqlite3")
    assert sqlite_file("sqlite:///rel/audit.db") == Path("rel/audit.db")
    for url in (
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///file:x?mode=memory&uri=true",
        "sqlite:////data/a%20b.db",
        "sqlite:///~/audit.db",
        "postgresql+psycopg://u:p@h/db",
        "mysql:///x",
    ):
        assert sqlite_file(url) is None, url


def test_none_before_the_log_exists_or_for_another_backend(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert _append_lite(settings, 1) is None  # no database yet: the SQLAlchemy writer makes it
    assert not (tmp_path / "data" / "audit.sqlite3").exists()
    pg = _settings(tmp_path, PROSPER_DB_URL="postgresql://u@127.0.0.1:1/none")
    assert _append_lite(pg, 1) is None


def test_none_for_a_log_of_another_schema(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    AuditLog.from_settings(settings).close()
    db = tmp_path / "data" / "audit.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM schema_version WHERE component = 'audit' AND version = 2")
    assert _append_lite(settings, 1) is None


def test_records_interleave_with_the_sqlalchemy_writer_and_verify(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with AuditLog.from_settings(settings) as log:
        first = log.append(kind="check", input={"a": 1}, output={}, versions={}, actor="bob")
    assert _append_lite(settings, 2) == 2
    assert _append_lite(settings, 3) == 3
    with AuditLog.from_settings(settings) as log:
        log.append(kind="check", input={"a": 4}, output={}, versions={}, actor="bob")
        report = log.verify()
        assert report.ok, report
        records = log.list(limit=10)
        mine = log.get(2)
    assert [r.id for r in records] == [4, 3, 2, 1]
    assert [r.prev_hash for r in records[:-1]] == [r.hash for r in records[1:]]
    assert records[-1].hash == first.hash
    assert all(r.signature and r.signature.startswith("hmac-sha256:") for r in records)
    assert (mine.kind, mine.actor) == ("screen", "alice")
    assert mine.input == {"channel": "cli", "query": {"name": "name 2"}, "threshold": 0.8}
    assert mine.versions == {"lists": {"us_ofac_sdn": "sha256:aa"}}
    # the anchor file witnesses the records written with sqlite3 too
    lines = anchor_path(settings).read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [1, 2, 3, 4]
    # and the CLI verifies the log
    env = {"PROSPER_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": _src()}
    done = subprocess.run(
        [sys.executable, "-m", "prosper", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "4 records verified" in done.stdout


def test_the_same_row_as_the_sqlalchemy_writer(tmp_path: Path) -> None:
    """Column by column, what sqlite3 stores reads back as what SQLAlchemy stores."""
    settings = _settings(tmp_path)
    with AuditLog.from_settings(settings) as log:
        log.append(
            kind="screen",
            input={"channel": "cli", "query": {"name": "name 1"}, "threshold": 0.8},
            output={"result_digest": f"sha256:{1:064x}", "hits": [], "warnings": []},
            versions={"lists": {"us_ofac_sdn": "sha256:aa"}},
            actor="alice",
        )
    _append_lite(settings, 1)
    with sqlite3.connect(tmp_path / "data" / "audit.sqlite3") as conn:
        rows = conn.execute(
            "SELECT typeof(id), kind, actor, input, output, versions, typeof(signature) "
            "FROM audit_record ORDER BY id"
        ).fetchall()
    assert rows[0] == rows[1]


def test_a_missing_key_with_signed_records_is_refused(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert _append_lite(settings, 0) is None
    with AuditLog.from_settings(settings) as log:
        log.append(kind="check", input={}, output={}, versions={}, actor="bob")
    (tmp_path / "data" / "audit.key").unlink()
    with pytest.raises(AuditIntegrityError, match=r"audit key .* is missing"):
        _append_lite(settings, 1)
    assert not (tmp_path / "data" / "audit.key").exists()  # no new key was made


def _src() -> str:
    import prosper

    return str(Path(prosper.__file__).resolve().parent.parent)


def test_concurrent_writers_of_both_kinds_extend_one_chain(tmp_path: Path) -> None:
    """Threads appending with sqlite3 (each call its own connection) and one appending through
    AuditLog contend for the write lock; every append lands once, in one verified chain."""
    import threading

    settings = _settings(tmp_path)
    log = AuditLog.from_settings(settings)
    errors: list[BaseException] = []

    def lite_writer(n: int) -> None:
        try:
            for i in range(5):
                assert _append_lite(settings, n * 100 + i) is not None
        except BaseException as exc:
            errors.append(exc)

    def orm_writer() -> None:
        try:
            for i in range(5):
                log.append(kind="check", input={"i": i}, output={}, versions={}, actor="bob")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=lite_writer, args=(n,)) for n in range(4)]
    threads.append(threading.Thread(target=orm_writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    try:
        report = log.verify()
        assert report.ok, report
        head = log.head()
        assert head is not None
        assert head[0] == 25
        kinds = [r.kind for r in log.list(limit=30)]
    finally:
        log.close()
    assert sorted(kinds).count("screen") == 20
    lines = anchor_path(settings).read_text().splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == list(range(1, 26))
