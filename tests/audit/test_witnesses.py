"""The witnesses outside the database: the audit key, signatures, the anchor file; old logs."""

from __future__ import annotations

import json
import stat
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from prosper.audit import AuditLog, KeySource, SigningKey, canonical_json, record_hash
from prosper.audit.anchor import AnchorFile, anchor_path
from prosper.audit.chain import GENESIS_HASH, decode_canonical
from prosper.audit.signing import signature_problem
from prosper.audit.tables import migrations
from prosper.errors import AuditError, InputError
from prosper.settings import load_settings

# --------------------------------------------------------------------------- signatures


def test_signatures_name_their_key_and_cover_the_hash() -> None:
    key = SigningKey(b"k" * 32)
    signature = key.sign("sha256:aa")
    assert signature.startswith(f"hmac-sha256:{key.key_id}:")
    assert signature_problem(key, "sha256:aa", signature) is None
    assert "does not match" in str(signature_problem(key, "sha256:ab", signature))
    other = SigningKey(b"o" * 32)
    assert f"signed with key {key.key_id}" in str(signature_problem(other, "sha256:aa", signature))
    assert "malformed" in str(signature_problem(key, "sha256:aa", "hmac-sha256:x"))
    assert "no audit key" in str(signature_problem(None, "sha256:aa", signature))
    assert "k" * 32 not in repr(key)


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        SigningKey(b"short")
    with pytest.raises(InputError, match="PROSPER_AUDIT_KEY"):
        KeySource.from_settings(load_settings({"PROSPER_DATA_DIR": "/x", "PROSPER_AUDIT_KEY": "s"}))


# --------------------------------------------------------------------------- the key file


def test_the_key_file_is_created_0600_on_first_append(tmp_path: Path) -> None:
    settings = load_settings({"PROSPER_DATA_DIR": str(tmp_path / "data")})
    key_file = tmp_path / "data" / "audit.key"
    with AuditLog.from_settings(settings) as log:
        assert not key_file.exists()  # reading never makes a key
        log.verify()
        assert not key_file.exists()
        record = log.append(kind="check", input={}, output={}, versions={}, actor="a")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = KeySource(path=key_file).load()
    assert key is not None
    assert record.signature == key.sign(record.hash)
    assert (tmp_path / "data" / "audit.anchor").exists()


def test_a_key_from_the_environment_is_used_and_never_written(tmp_path: Path) -> None:
    secret = "s" * 40
    env = {"PROSPER_DATA_DIR": str(tmp_path / "data"), "PROSPER_AUDIT_KEY": secret}
    with AuditLog.from_settings(load_settings(env)) as log:
        record = log.append(kind="check", input={}, output={}, versions={}, actor="a")
        assert log.verify().ok
    assert record.signature == SigningKey(secret.encode()).sign(record.hash)
    assert not (tmp_path / "data" / "audit.key").exists()
    # the same log read with another key: every record is reported
    env["PROSPER_AUDIT_KEY"] = "t" * 40
    with AuditLog.from_settings(load_settings(env)) as log:
        assert "signed with key" in log.verify().problems[0].reason


def test_processes_creating_the_key_at_once_agree_on_one(tmp_path: Path) -> None:
    source = KeySource(path=tmp_path / "audit.key")
    made: list[SigningKey] = []
    threads = [threading.Thread(target=lambda: made.append(source.create())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({k.key_id for k in made}) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]  # no temporary files left


def test_an_unreadable_key_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "audit.key").write_text("tiny")
    with pytest.raises(AuditError, match="fewer than 32 bytes"):
        KeySource(path=tmp_path / "audit.key").load()


# --------------------------------------------------------------------------- the anchor file


def test_each_append_writes_one_anchor_line(tmp_path: Path) -> None:
    anchor = tmp_path / "audit.anchor"
    key = KeySource(path=tmp_path / "audit.key")
    with AuditLog.open(f"sqlite:///{tmp_path / 'a.sqlite3'}", key=key, anchor=anchor) as log:
        records = [
            log.append(kind="check", input={}, output={}, versions={}, actor="a") for _ in range(3)
        ]
    lines = [json.loads(line) for line in anchor.read_text().splitlines()]
    assert [(d["id"], d["hash"]) for d in lines] == [(r.id, r.hash) for r in records]
    state = AnchorFile(anchor).read()
    assert state.problems == ()
    assert state.last_line is not None
    assert state.last_line["id"] == 3


def test_an_unwritable_anchor_file_stops_the_append_before_the_commit(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    with AuditLog.open(url, anchor=blocker / "audit.anchor") as log:
        with pytest.raises(AuditError, match="anchor file"):
            log.append(kind="check", input={}, output={}, versions={}, actor="a")
        assert log.head() == (0, GENESIS_HASH)  # nothing was committed


def test_two_logs_never_share_an_anchor_file(tmp_path: Path) -> None:
    base = {"PROSPER_DATA_DIR": str(tmp_path)}
    default = anchor_path(load_settings(base))
    other = anchor_path(load_settings({**base, "PROSPER_DB_URL": "postgresql://u:pw@h/db"}))
    third = anchor_path(load_settings({**base, "PROSPER_DB_URL": "postgresql://u:pw@h/db2"}))
    assert default == tmp_path / "audit.anchor"
    assert len({default, other, third}) == 3
    assert "pw" not in other.name
    chosen = anchor_path(load_settings({**base, "PROSPER_AUDIT_ANCHOR": "/w/anchor"}))
    assert chosen == Path("/w/anchor")


# --------------------------------------------------------------------------- canonical text


def test_stored_json_must_be_the_canonical_text() -> None:
    assert decode_canonical('{"a":1,"b":[2]}', field_name="output") == {"a": 1, "b": [2]}
    with pytest.raises(ValueError, match="duplicate key 'verdict'"):
        decode_canonical('{"verdict":"review","verdict":"allowed"}', field_name="output")
    with pytest.raises(ValueError, match="not the canonical JSON text"):
        decode_canonical('{"b": 1, "a": 2}', field_name="output")
    with pytest.raises(ValueError, match="not a JSON object"):
        decode_canonical("[1]", field_name="input")


# --------------------------------------------------------------------------- old logs


def _legacy_log(url: str, n: int) -> None:
    """A log as Prosper wrote it before signing: migration 1 only, no signature column."""
    engine = sa.create_engine(url)
    first = migrations.migrations[0]
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE schema_version (component VARCHAR(64), version INTEGER, "
                "name VARCHAR(200), applied_at VARCHAR(40), PRIMARY KEY (component, version))"
            )
        )
        first.apply(conn)
        conn.execute(
            sa.text("INSERT INTO schema_version VALUES ('audit', 1, :n, '2026-01-01')"),
            {"n": first.name},
        )
        prev = GENESIS_HASH
        for i in range(1, n + 1):
            fields = {
                "created_at": f"2026-01-0{i}T00:00:00.000000+00:00",
                "kind": "check",
                "actor": "old",
                "input": {"id": f"PO-{i}"},
                "output": {"verdict": "review"},
                "versions": {"engine": "0.0.9"},
            }
            digest = record_hash(record_id=i, prev_hash=prev, **fields)  # type: ignore[arg-type]
            conn.execute(
                sa.text(
                    "INSERT INTO audit_record (id, created_at, kind, actor, input, output, "
                    "versions, prev_hash, hash) VALUES (:id, :c, :k, :a, :i, :o, :v, :p, :h)"
                ),
                {
                    "id": i,
                    "c": fields["created_at"],
                    "k": "check",
                    "a": "old",
                    "i": canonical_json(fields["input"]),
                    "o": canonical_json(fields["output"]),
                    "v": canonical_json(fields["versions"]),
                    "p": prev,
                    "h": digest,
                },
            )
            prev = digest
        conn.execute(
            sa.text("UPDATE audit_head SET last_id = :i, last_hash = :h"), {"i": n, "h": prev}
        )
    engine.dispose()


def test_an_old_log_is_migrated_and_stays_readable(db_url: str, tmp_path: Path) -> None:
    _legacy_log(db_url, 3)
    key = KeySource(path=tmp_path / "audit.key")
    with AuditLog.open(db_url, key=key, anchor=tmp_path / "audit.anchor") as log:
        assert migrations.applied(log.engine) == [1, 2]
        report = log.verify()
        assert (report.ok, report.checked, report.unsigned, report.signed) == (True, 3, 3, 0)
        checked = log.read(2)
        assert checked.ok
        assert checked.signed is False
        new = log.append(kind="check", input={}, output={}, versions={}, actor="new")
        assert new.signature is not None
        report = log.verify()
        assert (report.ok, report.unsigned, report.signed) == (True, 3, 1)
    assert json.loads((tmp_path / "audit.anchor").read_text())["id"] == 4


def test_incremental_reads_parse_only_what_was_appended(tmp_path: Path) -> None:
    path = tmp_path / "audit.anchor"
    anchor = AnchorFile(path)
    with anchor.open_for_append() as handle:
        for i in range(1, 4):
            anchor.write(handle, i, f"sha256:{i:064d}")
    assert sorted(anchor.read(incremental=True).entries) == [1, 2, 3]
    with anchor.open_for_append() as handle:
        anchor.write(handle, 4, f"sha256:{4:064d}")
    state = AnchorFile(path).read(incremental=True)  # another instance, same process
    assert sorted(state.entries) == [1, 2, 3, 4]
    assert state.last_line is not None
    assert state.last_line["id"] == 4
    # the end of the file rewritten: the incremental read starts over and sees it
    data = path.read_bytes()
    path.write_bytes(data[:-30] + b"x" * 29 + b"\n")
    assert AnchorFile(path).read(incremental=True).problems == (
        "anchor file line 4 is unreadable (edited or truncated)",
    )
    # a middle line edited behind an unchanged end: verify's full read sees it
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + b"garbage\n" + b"".join(lines[2:]))
    assert "line 2 is unreadable" in AnchorFile(path).read().problems[0]
