"""Audit appends from the event loop, group-committed by one writer thread.

The lean ``POST /v1/check`` route (:mod:`prosper.api.lean`) has a check's audit record made in
a check worker (:func:`prosper.api.workers.check_texts`); the server process only chains, signs
and stores it. Done in the request's own thread-pool thread, every check costs a hand-off to
the pool, a wait in the group commit and a wake-up (thread switches under the GIL, issue 16,
deliver 6). :class:`LoopRecorder` keeps the waiting on the event loop instead: an append is an
asyncio future in a queue; one write at a time runs in a dedicated thread and takes every
record queued meanwhile (one transaction, one anchor ``fsync`` for all of them, through
:meth:`prosper.audit.AuditLog.append_prepared_many`, which shares the process's group commit
with every other append). Each request is answered only once the batch holding its record is
committed and witnessed: the future is resolved after the write returns, never before; a
batch that fails fails each of its requests with the error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

MAX_BATCH = 256
"""Most records handed to the writer thread at once."""


class LoopRecorder:
    """Appends ``Prepared`` records for coroutines on one event loop.

    ``write`` (called in the writer thread) stores a batch and returns, for each record, its
    stored record or the exception that refused it — :meth:`AuditLog.append_prepared_many`.
    """

    def __init__(
        self,
        write: Callable[[Sequence[Any]], list[Any]],
        *,
        max_batch: int = MAX_BATCH,
    ) -> None:
        """Write batches with ``write``, at most ``max_batch`` records each."""
        self._write = write
        self._max_batch = max(1, max_batch)
        self._queue: list[tuple[Any, asyncio.Future[Any]]] = []
        self._writing = False
        self._thread: ThreadPoolExecutor | None = None
        self._task: asyncio.Task[None] | None = None  # the write in progress (kept referenced)
        self.batches = 0
        """Batches handed to the writer thread so far (for tests)."""

    async def append(self, item: Any) -> Any:
        """Queue ``item``; its stored record once its batch is committed (or its error)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.append((item, future))
        if not self._writing:
            self._writing = True
            self._task = loop.create_task(self._drain())
        # shield: a request cancelled meanwhile (client gone) leaves its record to be written
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        """Write what is queued, batch after batch, until the queue is empty."""
        loop = asyncio.get_running_loop()
        try:
            while self._queue:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                if self._thread is None:
                    self._thread = ThreadPoolExecutor(1, thread_name_prefix="prosper-audit")
                items = [item for item, _ in batch]
                try:
                    results = await loop.run_in_executor(self._thread, self._write, items)
                    if len(results) != len(batch):
                        raise RuntimeError("the audit writer returned a result per record")
                except Exception as exc:  # every request of the batch fails with it
                    results = [exc] * len(batch)
                except BaseException:  # the loop is stopping: nobody waits for an answer
                    for _, future in batch + self._queue:
                        future.cancel()
                    self._queue.clear()
                    raise
                self.batches += 1
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._writing = False

    def close(self) -> None:
        """Stop the writer thread once its write in progress (if any) is done."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.shutdown(wait=True)
