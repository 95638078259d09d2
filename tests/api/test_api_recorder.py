"""The event loop's audit appends (:mod:`prosper.api.recorder`): batched by one writer thread,
each request answered only after its batch is written, failures delivered per request."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from prosper.api.recorder import LoopRecorder
from prosper.errors import AuditError

WAIT_S = 30.0


class Writer:
    """Records each batch; the first write waits for ``release`` (set by the test)."""

    def __init__(self) -> None:
        self.batches: list[list[Any]] = []
        self.release = threading.Event()
        self.entered = threading.Event()
        self.fail: set[int] = set()  # batch numbers (1-based) that raise

    def __call__(self, items: Sequence[Any]) -> list[Any]:
        self.entered.set()
        if not self.batches:
            assert self.release.wait(WAIT_S)
        self.batches.append(list(items))
        if len(self.batches) in self.fail:
            raise AuditError("disk full")
        return [ValueError(item) if item == "bad" else f"stored {item}" for item in items]


async def _until(predicate: Any) -> None:
    for _ in range(3000):  # bounded: 3000 x 10 ms
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


def test_appends_queued_during_a_write_share_the_next_batch_and_wait_for_it() -> None:
    writer = Writer()
    recorder = LoopRecorder(writer)

    async def run() -> list[Any]:
        first = asyncio.ensure_future(recorder.append("r0"))
        await _until(writer.entered.is_set)
        rest = [asyncio.ensure_future(recorder.append(f"r{i}")) for i in range(1, 10)]
        await asyncio.sleep(0.05)
        # nothing is answered while its batch is not written
        assert not first.done()
        assert not any(f.done() for f in rest)
        writer.release.set()
        return list(await asyncio.gather(first, *rest))

    try:
        results = asyncio.run(run())
    finally:
        recorder.close()
    assert results == [f"stored r{i}" for i in range(10)]
    assert writer.batches == [["r0"], [f"r{i}" for i in range(1, 10)]]
    assert recorder.batches == 2


def test_a_failed_batch_fails_each_of_its_requests_and_the_next_batch_goes_on() -> None:
    writer = Writer()
    writer.release.set()
    writer.fail = {1}
    recorder = LoopRecorder(writer)

    async def run() -> tuple[list[Any], Any]:
        first = await asyncio.gather(
            recorder.append("a"), recorder.append("b"), return_exceptions=True
        )
        return first, await recorder.append("c")

    try:
        failed, after = asyncio.run(run())
    finally:
        recorder.close()
    assert [type(e).__name__ for e in failed] == ["AuditError", "AuditError"]
    assert after == "stored c"


def test_a_refused_record_fails_only_its_own_request() -> None:
    writer = Writer()
    writer.release.set()
    recorder = LoopRecorder(writer)

    async def run() -> list[Any]:
        return list(
            await asyncio.gather(
                recorder.append("a"),
                recorder.append("bad"),
                recorder.append("c"),
                return_exceptions=True,
            )
        )

    try:
        out = asyncio.run(run())
    finally:
        recorder.close()
    assert out[0] == "stored a"
    assert out[2] == "stored c"
    assert isinstance(out[1], ValueError)


def test_a_writer_that_loses_records_fails_the_batch() -> None:
    recorder = LoopRecorder(lambda items: [])

    async def run() -> None:
        await recorder.append("a")

    try:
        with pytest.raises(RuntimeError, match="per record"):
            asyncio.run(run())
    finally:
        recorder.close()


def test_a_request_cancelled_while_waiting_still_has_its_record_written() -> None:
    writer = Writer()
    recorder = LoopRecorder(writer)

    async def run() -> None:
        waiting = asyncio.ensure_future(recorder.append("gone"))
        await _until(writer.entered.is_set)
        waiting.cancel()
        writer.release.set()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await _until(lambda: recorder.batches == 1)

    try:
        asyncio.run(run())
    finally:
        recorder.close()
    assert writer.batches == [["gone"]]
