"""Screening registered parties on worker processes, in order (the full re-screen).

The design of :func:`prosper.screening.batch.screen_parallel` (``screen --file --workers``):
forked workers inherit the parent's engine (the mapped index file's pages are shared, not
copied), chunks go out in order and come back in order, at most ``2 × workers`` in flight, so
memory stays flat in the register size. ``screen_parallel`` returns the top-hit columns of a
file row, while an alert needs every hit, so the chunks here return ``(party, hits)``; the
worker count defaults to :func:`prosper.screening.batch.default_workers`. One worker, or a
platform without ``fork``: in this process.

:func:`fork_map` runs the two parts of a delta re-screen (:func:`prosper.cases.rescreen.
rescreen_delta`) the same way: the register's candidates on shards of the register, then
the candidate parties' screening on the delta, in chunks.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from prosper.cases.alerts import Screener
from prosper.cases.model import RegisteredParty
from prosper.cases.owners import Results, Via, screen_with_owners
from prosper.heap import freeze_loaded

Screened = tuple[Results, Via]
T = TypeVar("T")
_WORKER: list[Screener] = []  # the engine a forked worker inherits


def screen_batch(screener: Screener, parties: Sequence[RegisteredParty]) -> Screened:
    """Each party's hits on the whole lists (:meth:`prosper.engine.Engine.screen_party`), its
    owners' included (:func:`prosper.cases.owners.screen_with_owners`)."""
    return screen_with_owners(lambda p: screener.screen_party(p.to_party()), parties)


def _work(parties: list[RegisteredParty]) -> Screened:
    return screen_batch(_WORKER[0], parties)


def screen_batches(
    screener: Screener, batches: Iterable[list[RegisteredParty]], workers: int = 1
) -> Iterator[Screened]:
    """The screened ``batches``, in order, on ``workers`` processes."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for batch in batches:
            yield screen_batch(screener, batch)
        return
    _WORKER[:] = [screener]
    freeze_loaded()  # the workers' collections walk only what their screens allocate
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: deque[Any] = deque()
            for batch in batches:
                pending.append(pool.apply_async(_work, (batch,)))
                while len(pending) >= 2 * workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _WORKER.clear()


_TASK: list[Callable[[int], Any]] = []  # the task a forked worker inherits
KEEP_TASK_CPU = 8  # the last calls' entries kept (a long-lived server must not grow it)
TASK_CPU: list[list[tuple[int, float]]] = []
"""Per :func:`fork_map` call (the last :data:`KEEP_TASK_CPU`), each item's ``(process id,
CPU seconds of the task)``: what ``bench/rescreen_compare.py`` reports as the split over the
workers."""


def _timed(task: Callable[[int], T], item: int) -> tuple[T, int, float]:
    start = time.process_time()
    out = task(item)
    return out, os.getpid(), time.process_time() - start


def _run(item: int) -> tuple[Any, int, float]:
    return _timed(_TASK[0], item)


def fork_map(task: Callable[[int], T], count: int, workers: int = 1) -> list[T]:
    """``[task(0), …, task(count - 1)]`` on ``workers`` forked processes, in order: ``task``
    and what it reads are inherited (not pickled), only the results travel back. One worker,
    one item, or a platform without ``fork``: in this process. Each item's CPU seconds and
    process are appended to :data:`TASK_CPU`."""
    if workers <= 1 or count <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        done = [_timed(task, i) for i in range(count)]
    else:
        _TASK[:] = [task]
        freeze_loaded()  # what the task reads is inherited: the workers' collections skip it
        try:
            with multiprocessing.get_context("fork").Pool(min(workers, count)) as pool:
                done = pool.map(_run, range(count), chunksize=1)
        finally:
            _TASK.clear()
    TASK_CPU.append([(pid, cpu) for _out, pid, cpu in done])
    del TASK_CPU[:-KEEP_TASK_CPU]
    return [out for out, _pid, _cpu in done]
