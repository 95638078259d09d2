"""The audit write path: prepared hashing and group commit (one chain, batches all or nothing)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from prosper.audit import AuditLog, AuditRecord, record_hash
from prosper.audit.keyfile import KeySource
from prosper.audit.writer import GroupCommit, Prepared
from prosper.errors import AuditError, InputError

WAIT_S = 30.0


@pytest.mark.parametrize(
    "values",
    [
        ({}, {}, {}),
        ({"id": "PO-1", "n": 3, "x": 2.5}, {"verdict": "allowed", "hits": []}, {"engine": "0.1"}),
        ({"name": '김정은 ü \\ " \n', "t": (1, 2)}, {"b": {"z": None, "a": True}}, {"1": [1e-7]}),
    ],
)
def test_prepared_hash_is_the_chain_hash(
    values: tuple[dict[str, object], dict[str, object], dict[str, object]],
) -> None:
    item = Prepared.of("check", "alice ü", *values)
    expected = record_hash(
        record_id=7,
        created_at="2026-12-07T01:00:00.000000+00:00",
        kind="check",
        actor="alice ü",
        input=item.input,
        output=item.output,
        versions=item.versions,
        prev_hash="sha256:" + "a" * 64,
    )
    assert item.hash(7, "2026-12-07T01:00:00.000000+00:00", "sha256:" + "a" * 64) == expected


def test_prepared_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(InputError, match="output"):
        Prepared.of("check", "a", {}, {"x": float("nan")}, {})
    with pytest.raises(InputError, match="input"):
        Prepared.of("check", "a", ["not", "an", "object"], {}, {})


def _record(item: Prepared, record_id: int) -> AuditRecord:
    return AuditRecord(record_id, "t", item.kind, item.actor, {}, {}, {}, "p", f"h{record_id}")


def _wait_until(predicate: object, what: str) -> None:
    done = threading.Event()
    for _ in range(3000):  # bounded: 3000 × 10 ms
        if callable(predicate) and predicate():
            return
        done.wait(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_appends_queued_during_a_commit_share_the_next_transaction() -> None:
    release = threading.Event()
    batches: list[int] = []
    next_id = [0]

    def write(batch: Sequence[Prepared]) -> list[AuditRecord]:
        if not batches:
            assert release.wait(WAIT_S)
        batches.append(len(batch))
        out = []
        for item in batch:
            next_id[0] += 1
            out.append(_record(item, next_id[0]))
        return out

    group = GroupCommit(write)
    results: list[int] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        record = group.append(Prepared.of("screen", f"a{i}", {}, {}, {}))
        with lock:
            results.append(record.id)

    first = threading.Thread(target=one, args=(0,))
    first.start()
    _wait_until(lambda: group._leading, "the first leader")
    others = [threading.Thread(target=one, args=(i,)) for i in range(1, 10)]
    for t in others:
        t.start()
    _wait_until(lambda: len(group._queue) == 9, "nine queued appends")
    release.set()
    for t in [first, *others]:
        t.join(WAIT_S)
    assert batches == [1, 9]
    assert sorted(results) == list(range(1, 11))


def test_a_failed_batch_fails_every_append_in_it_and_the_next_batch_goes_on() -> None:
    calls = [0]

    def write(batch: Sequence[Prepared]) -> list[AuditRecord]:
        calls[0] += 1
        if calls[0] == 1:
            raise AuditError("disk full")
        return [_record(item, i + 1) for i, item in enumerate(batch)]

    group = GroupCommit(write)
    with pytest.raises(AuditError, match="disk full"):
        group.append(Prepared.of("check", "a", {}, {}, {}))
    assert group.append(Prepared.of("check", "a", {}, {}, {})).id == 1
    assert not group._leading
    assert not group._queue


def test_concurrent_appends_extend_one_verified_chain(tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.jsonl"
    log = AuditLog.open(
        f"sqlite:///{tmp_path / 'audit.sqlite3'}",
        key=KeySource(secret=b"k" * 40),
        anchor=anchor,
    )
    threads, per_thread = 8, 25
    ids: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        for i in range(per_thread):
            rec = log.append(
                kind="check", input={"n": n, "i": i}, output={"ok": True}, versions={}, actor="t"
            )
            with lock:
                ids.append(rec.id)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(WAIT_S)
    total = threads * per_thread
    assert sorted(ids) == list(range(1, total + 1))
    report = log.verify()
    assert report.ok, report.problems
    assert report.checked == total
    assert len(anchor.read_bytes().splitlines()) == total
    assert log._writer.batches <= total
    log.close()


def test_the_lead_is_handed_on_in_queue_order_across_small_batches() -> None:
    release = threading.Event()
    batches: list[list[str]] = []
    next_id = [0]

    def write(batch: Sequence[Prepared]) -> list[AuditRecord]:
        if not batches:
            assert release.wait(WAIT_S)
        batches.append([item.actor for item in batch])
        out = []
        for item in batch:
            next_id[0] += 1
            out.append(_record(item, next_id[0]))
        return out

    group = GroupCommit(write, max_batch=2)
    got: dict[str, int] = {}
    lock = threading.Lock()

    def one(i: int) -> None:
        record = group.append(Prepared.of("screen", f"a{i}", {}, {}, {}))
        with lock:
            got[f"a{i}"] = record.id

    threads = [threading.Thread(target=one, args=(0,))]
    threads[0].start()
    _wait_until(lambda: group._leading, "the first leader")
    for i in range(1, 6):  # queued one after the other, so their order is known
        threads.append(threading.Thread(target=one, args=(i,)))
        threads[-1].start()
        _wait_until(lambda i=i: len(group._queue) == i, f"append {i} queued")
    release.set()
    for t in threads:
        t.join(WAIT_S)
        assert not t.is_alive()
    # each leader writes one batch with itself first, then hands the lead to the next queued
    assert batches == [["a0"], ["a1", "a2"], ["a3", "a4"], ["a5"]]
    assert got == {f"a{i}": i + 1 for i in range(6)}
    assert not group._leading
    assert group.batches == 4


def test_append_many_shares_transactions_and_mixes_with_single_appends(tmp_path: Path) -> None:
    """Records handed over together are written in order, in as few transactions as the batch
    size allows, and interleave with other threads' single appends on one verified chain."""
    log = AuditLog.open(
        f"sqlite:///{tmp_path / 'audit.sqlite3'}",
        key=KeySource(secret=b"k" * 40),
        anchor=tmp_path / "anchor.jsonl",
    )
    singles: list[int] = []

    def single() -> None:
        for i in range(20):
            record = log.append(kind="screen", input={"i": i}, output={}, versions={}, actor="solo")
            singles.append(record.id)

    thread = threading.Thread(target=single)
    thread.start()
    many = log.append_prepared_many(
        [Prepared.of("check", "batch", {"n": n}, {}, {}) for n in range(30)]
    )
    thread.join(WAIT_S)
    ids = [r.id for r in many if isinstance(r, AuditRecord)]
    assert len(ids) == 30
    assert ids == sorted(ids)
    assert [r.input["n"] for r in many if isinstance(r, AuditRecord)] == list(range(30))
    assert sorted(ids + singles) == list(range(1, 51))
    assert log.verify().ok


def test_append_many_reports_each_refusal_and_a_failed_batch_per_record() -> None:
    calls = [0]

    def write(batch: Sequence[Prepared]) -> list[AuditRecord]:
        calls[0] += 1
        if calls[0] == 2:
            raise AuditError("disk full")
        return [_record(item, i + 1) for i, item in enumerate(batch)]

    group = GroupCommit(write, max_batch=2)
    items = [Prepared.of("check", f"a{i}", {}, {}, {}) for i in range(5)]
    out = group.append_many(items)
    assert calls[0] == 3  # batches of 2, 2, 1; the second failed
    assert [type(r).__name__ for r in out] == [
        "AuditRecord",
        "AuditRecord",
        "AuditError",
        "AuditError",
        "AuditRecord",
    ]
    assert [r.actor for r in out if isinstance(r, AuditRecord)] == ["a0", "a1", "a4"]
    assert group.append_many([]) == []
    assert not group._leading
    assert not group._queue


def test_append_prepared_many_refuses_an_empty_actor_alone(tmp_path: Path) -> None:
    log = AuditLog.open(f"sqlite:///{tmp_path / 'audit.sqlite3'}")
    good = Prepared.of("check", "alice", {}, {}, {})
    bad = Prepared.of("check", " ", {}, {}, {})
    out = log.append_prepared_many([good, bad, good])
    assert isinstance(out[1], InputError)
    assert [r.id for r in (out[0], out[2]) if isinstance(r, AuditRecord)] == [1, 2]
