"""Tampering with the audit log, scenario by scenario, on SQLite and PostgreSQL.

Each scenario starts from a log of six signed, anchored records, tampers with it the way an
attacker with the database (and, where named, the data folder) could, and asserts that
``verify`` reports it with the expected reason, and that the read paths (``browse``, which
backs ``audit list`` and ``GET /v1/audit``) flag it too. ``bench/audit_tampering.py`` runs the
same catalogue and prints detected / total per backend.

What is *not* detected — an attacker holding both the database and the audit key and the
anchor file — is stated in docs/audit.md and not tested as "detected" here.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from prosper.audit import AuditLog, KeySource, SigningKey, record_hash
from prosper.audit.chain import GENESIS_HASH, canonical_json

RECORDS = 6


@dataclass
class Scene:
    """One tampering target: the database, the key file and the anchor file of a log."""

    url: str
    key_path: Path
    anchor_path: Path

    def open(self) -> AuditLog:
        return AuditLog.open(self.url, key=KeySource(path=self.key_path), anchor=self.anchor_path)

    def sql(self, statement: str, **params: Any) -> None:
        engine = sa.create_engine(self.url)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(statement), params)
        finally:
            engine.dispose()

    def row(self, record_id: int) -> dict[str, Any]:
        engine = sa.create_engine(self.url)
        try:
            with engine.connect() as conn:
                found = conn.execute(
                    sa.text("SELECT * FROM audit_record WHERE id = :id"), {"id": record_id}
                ).mappings()
                return dict(next(iter(found)))
        finally:
            engine.dispose()

    def update(self, record_id: int, **values: Any) -> None:
        sets = ", ".join(f"{column} = :{column}" for column in values)
        self.sql(f"UPDATE audit_record SET {sets} WHERE id = :rid", rid=record_id, **values)

    def insert(self, row: dict[str, Any]) -> None:
        columns = ", ".join(row)
        marks = ", ".join(f":{c}" for c in row)
        self.sql(f"INSERT INTO audit_record ({columns}) VALUES ({marks})", **row)

    def set_head(self, record_id: int, digest: str) -> None:
        self.sql("UPDATE audit_head SET last_id = :i, last_hash = :h", i=record_id, h=digest)

    def rehash(self, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` with its hash recomputed — what anyone can do without the key."""
        digest = record_hash(
            record_id=row["id"],
            created_at=row["created_at"],
            kind=row["kind"],
            actor=row["actor"],
            input=json.loads(row["input"]),
            output=json.loads(row["output"]),
            versions=json.loads(row["versions"]),
            prev_hash=row["prev_hash"],
        )
        return {**row, "hash": digest}

    def forged(self, record_id: int, prev_hash: str, signature: str | None) -> dict[str, Any]:
        """A well-formed record with a valid hash, as a database-only attacker writes it."""
        output = {"id": "PO-forged", "verdict": "allowed", "findings": []}
        row = {
            "id": record_id,
            "created_at": "2026-12-06T12:00:00.000000+00:00",
            "kind": "check",
            "actor": "mallory",
            "input": canonical_json({"id": "PO-forged"}),
            "output": canonical_json(output),
            "versions": canonical_json({"engine": "0.1.0"}),
            "prev_hash": prev_hash,
            "hash": "",
            "signature": signature,
        }
        return self.rehash(row)

    def anchor_lines(self) -> list[bytes]:
        return self.anchor_path.read_bytes().splitlines(keepends=True)


def _edit_output(text: str) -> str:
    doc = json.loads(text)
    doc["verdict"] = "allowed"
    return canonical_json(doc)


# --------------------------------------------------------------------------- the catalogue


def edit_created_at(s: Scene) -> None:
    s.update(3, created_at="2020-01-01T00:00:00.000000+00:00")


def edit_kind(s: Scene) -> None:
    s.update(3, kind="screen")


def edit_actor(s: Scene) -> None:
    s.update(3, actor="somebody-else")


def edit_input(s: Scene) -> None:
    s.update(3, input=canonical_json({"id": "PO-3", "destination_country": "VN"}))


def edit_output_verdict(s: Scene) -> None:
    s.update(3, output=_edit_output(s.row(3)["output"]))


def edit_versions(s: Scene) -> None:
    s.update(3, versions=canonical_json({"engine": "9.9.9"}))


def edit_prev_hash(s: Scene) -> None:
    s.update(3, prev_hash="sha256:" + "1" * 64)


def edit_hash(s: Scene) -> None:
    s.update(3, hash="sha256:" + "2" * 64)


def edit_signature(s: Scene) -> None:
    signature = s.row(3)["signature"]
    s.update(3, signature=signature[:-1] + ("0" if signature[-1] != "0" else "1"))


def edit_id(s: Scene) -> None:
    s.sql("UPDATE audit_record SET id = 7 WHERE id = 6")


def edit_and_rehash(s: Scene) -> None:
    row = s.row(3)
    s.update(
        3,
        **{
            k: v
            for k, v in s.rehash({**row, "output": _edit_output(row["output"])}).items()
            if k in ("output", "hash")
        },
    )


def rewrite_chain_without_key(s: Scene) -> None:
    """Edit record 3, recompute every hash after it and move the head: a valid unkeyed chain."""
    prev = s.row(2)["hash"]
    for record_id in range(3, RECORDS + 1):
        row = s.row(record_id)
        if record_id == 3:
            row["output"] = _edit_output(row["output"])
        new = s.rehash({**row, "prev_hash": prev})
        s.update(record_id, output=new["output"], prev_hash=new["prev_hash"], hash=new["hash"])
        prev = new["hash"]
    s.set_head(RECORDS, prev)


def insert_in_the_middle(s: Scene) -> None:
    for record_id in range(RECORDS, 3, -1):  # make room: 4..6 → 5..7
        s.sql("UPDATE audit_record SET id = :n WHERE id = :o", n=record_id + 1, o=record_id)
    s.insert(s.forged(4, s.row(3)["hash"], None))


def delete_middle(s: Scene) -> None:
    s.sql("DELETE FROM audit_record WHERE id = 3")


def delete_newest(s: Scene) -> None:
    s.sql("DELETE FROM audit_record WHERE id = :i", i=RECORDS)


def delete_newest_and_move_head(s: Scene) -> None:
    s.sql("DELETE FROM audit_record WHERE id > 4")
    s.set_head(4, s.row(4)["hash"])


def delete_everything_and_reset_head(s: Scene) -> None:
    s.sql("DELETE FROM audit_record")
    s.set_head(0, GENESIS_HASH)


def reorder_two_records(s: Scene) -> None:
    s.sql("UPDATE audit_record SET id = 100 WHERE id = 2")
    s.sql("UPDATE audit_record SET id = 2 WHERE id = 3")
    s.sql("UPDATE audit_record SET id = 3 WHERE id = 100")


def forged_append_unsigned(s: Scene) -> None:
    head = s.row(RECORDS)["hash"]
    forged = s.forged(RECORDS + 1, head, None)
    s.insert(forged)
    s.set_head(RECORDS + 1, forged["hash"])


def forged_append_other_key(s: Scene) -> None:
    head = s.row(RECORDS)["hash"]
    forged = s.forged(RECORDS + 1, head, None)
    forged["signature"] = SigningKey(secrets.token_bytes(32)).sign(forged["hash"])
    s.insert(forged)
    s.set_head(RECORDS + 1, forged["hash"])


def forged_append_copied_signature(s: Scene) -> None:
    head = s.row(RECORDS)["hash"]
    forged = s.forged(RECORDS + 1, head, s.row(RECORDS)["signature"])
    s.insert(forged)
    s.set_head(RECORDS + 1, forged["hash"])


def forged_append_head_not_moved(s: Scene) -> None:
    s.insert(s.forged(RECORDS + 1, s.row(RECORDS)["hash"], None))


def duplicate_json_key(s: Scene) -> None:
    text = s.row(3)["output"]
    s.update(3, output=text[:-1] + ',"verdict":"allowed"}')


def non_canonical_json(s: Scene) -> None:
    s.update(3, output=json.dumps(json.loads(s.row(3)["output"]), indent=1))


def unreadable_json(s: Scene) -> None:
    s.update(3, output='{"verdict": ')


def strip_signatures(s: Scene) -> None:
    s.sql("UPDATE audit_record SET signature = NULL")


def replace_key_file(s: Scene) -> None:
    s.key_path.write_text(secrets.token_hex(32) + "\n")


def delete_key_file(s: Scene) -> None:
    s.key_path.unlink()


def truncate_anchor_file(s: Scene) -> None:
    s.anchor_path.write_bytes(b"".join(s.anchor_lines()[:-2]))


def cut_anchor_mid_line(s: Scene) -> None:
    data = s.anchor_path.read_bytes()
    s.anchor_path.write_bytes(data[:-20])


def edit_anchor_line(s: Scene) -> None:
    lines = s.anchor_lines()
    doc = json.loads(lines[-1])
    doc["hash"] = "sha256:" + "3" * 64
    lines[-1] = (json.dumps(doc) + "\n").encode()
    s.anchor_path.write_bytes(b"".join(lines))


def delete_anchor_file(s: Scene) -> None:
    s.anchor_path.unlink()


def edit_head_hash(s: Scene) -> None:
    s.set_head(RECORDS, "sha256:" + "4" * 64)


def delete_head_row(s: Scene) -> None:
    s.sql("DELETE FROM audit_head")


Tamper = Callable[[Scene], None]

SCENARIOS: list[tuple[Tamper, str]] = [
    (edit_created_at, "hash mismatch (edited)"),
    (edit_kind, "hash mismatch (edited)"),
    (edit_actor, "hash mismatch (edited)"),
    (edit_input, "hash mismatch (edited)"),
    (edit_output_verdict, "hash mismatch (edited)"),
    (edit_versions, "hash mismatch (edited)"),
    (edit_prev_hash, "prev_hash does not match record 2"),
    (edit_hash, "hash mismatch (edited)"),
    (edit_signature, "signature does not match"),
    (edit_id, "record 6 missing before it (deleted)"),
    (edit_and_rehash, "signature does not match"),
    (rewrite_chain_without_key, "hash differs from the anchor file"),
    (insert_in_the_middle, "unsigned, after signed records"),
    (delete_middle, "record 3 missing before it (deleted)"),
    (delete_newest, "record 6 missing at the tail (deleted)"),
    (delete_newest_and_move_head, "records 5-6 in the anchor file but not in the log"),
    (delete_everything_and_reset_head, "records 1-6 in the anchor file but not in the log"),
    (reorder_two_records, "hash mismatch (edited)"),
    (forged_append_unsigned, "unsigned, after signed records"),
    (forged_append_other_key, "signed with key"),
    (forged_append_copied_signature, "signature does not match"),
    (forged_append_head_not_moved, "appended after the head checkpoint"),
    (duplicate_json_key, "output has a duplicate key 'verdict'"),
    (non_canonical_json, "output is not the canonical JSON text"),
    (unreadable_json, "output is unreadable JSON"),
    (strip_signatures, "unsigned, after signed records"),
    (replace_key_file, "signed with key"),
    (delete_key_file, "no audit key to check it with"),
    (truncate_anchor_file, "records 5-6 not in the anchor file"),
    (cut_anchor_mid_line, "cut short (truncated)"),
    (edit_anchor_line, "hash differs from the anchor file"),
    (delete_anchor_file, "records 1-6 not in the anchor file"),
    (edit_head_hash, "hash does not match the head checkpoint"),
    (delete_head_row, "head checkpoint missing"),
]


def build_scene(url: str, folder: Path) -> Scene:
    """A log of ``RECORDS`` signed, anchored decisions at ``url``, its files in ``folder``."""
    scene = Scene(url=url, key_path=folder / "audit.key", anchor_path=folder / "audit.anchor")
    with scene.open() as log:
        for i in range(1, RECORDS + 1):
            output = {"id": f"PO-{i}", "verdict": "review", "findings": [{"rule_id": "r"}]}
            log.append(
                kind="check",
                input={"id": f"PO-{i}"},
                output=output,
                versions={"engine": "0.1.0"},
                actor="officer",
            )
    return scene


@dataclass(frozen=True)
class Outcome:
    """What the log said after one tampering."""

    verify_problems: tuple[str, ...]
    browse_ok: bool

    @property
    def detected(self) -> bool:
        return bool(self.verify_problems) and not self.browse_ok


def run_scenario(scene: Scene, tamper: Tamper) -> Outcome:
    """Tamper, then read the log back as a fresh process would."""
    with scene.open() as log:
        assert log.verify().ok, "the untouched log must verify"
    tamper(scene)
    with scene.open() as log:
        report = log.verify()
        page = log.browse(limit=50)
    return Outcome(tuple(str(p) for p in report.problems), page.ok)


@pytest.fixture
def scene(db_url: str, tmp_path: Path) -> Scene:
    folder = tmp_path / "data"
    folder.mkdir()
    return build_scene(db_url, folder)


@pytest.mark.parametrize(("tamper", "reason"), SCENARIOS, ids=[t.__name__ for t, _ in SCENARIOS])
def test_tampering_is_detected(scene: Scene, tamper: Tamper, reason: str) -> None:
    outcome = run_scenario(scene, tamper)
    assert outcome.verify_problems, f"{tamper.__name__}: verify saw nothing"
    assert any(reason in p for p in outcome.verify_problems), outcome.verify_problems
    assert not outcome.browse_ok, f"{tamper.__name__}: the list view did not flag it"


def test_the_catalogue_has_at_least_28_scenarios() -> None:
    assert len(SCENARIOS) >= 28
    assert len({t.__name__ for t, _ in SCENARIOS}) == len(SCENARIOS)


def test_a_forged_append_cannot_get_past_the_key_either_way(scene: Scene) -> None:
    """A database-only attacker's append with a valid hash: refused by every read path."""
    forged_append_unsigned(scene)
    with scene.open() as log:
        checked = log.read(RECORDS + 1)
        assert not checked.ok
        assert not log.browse().records[0].ok
    # … and the application itself still appends after it? It signs, but the chain keeps
    # the forged record in it, so verify still names it.
    with scene.open() as log:
        log.append(kind="check", input={}, output={}, versions={}, actor="officer")
        assert any(p.record_id == RECORDS + 1 for p in log.verify().problems)


def test_appends_refuse_to_run_without_the_key_of_a_signed_log(scene: Scene) -> None:
    from prosper.errors import AuditIntegrityError

    delete_key_file(scene)
    with scene.open() as log, pytest.raises(AuditIntegrityError, match="audit key"):
        log.append(kind="check", input={}, output={}, versions={}, actor="officer")
    assert not scene.key_path.exists()  # no new key was made behind the log's back
