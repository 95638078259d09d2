"""Building a screening index on several cores: the names are prepared in forked processes.

Preparing the names (:func:`~prosper.names.normalize.prepare_name`: transliteration, legal
forms, phonetic keys) is most of an index build, and each name is independent of the others:
the distinct (name, type) pairs are dealt round-robin to ``workers`` forked processes, their
forms come back in order, and :meth:`~prosper.screening.index.ScreeningIndex.build` indexes
them in this process exactly as if it had prepared them itself (same forms, same order: the
same index). Small lists, one core, a platform without ``fork`` or a process running other
threads (a server: a lock another thread holds at the fork would never be released in the
child) build in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence

from prosper.model import Entity, EntityType
from prosper.names.normalize import NameForm, prepare_name
from prosper.screening.index import ScreeningIndex

MIN_PARALLEL_NAMES = 20_000  # fewer names than this: forking costs more than it saves


def _prepare(jobs: list[tuple[str, EntityType]]) -> list[NameForm]:
    return [prepare_name(name, kind) for name, kind in jobs]


def build_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def build_index(entities: Sequence[Entity], workers: int | None = None) -> ScreeningIndex:
    """:meth:`ScreeningIndex.build` of ``entities``, the names prepared on ``workers``
    processes (default: the cores this process may use).

    Args:
        entities: The list entities.
        workers: Processes preparing names; 1 builds in this process.

    Returns:
        The index (the one :meth:`ScreeningIndex.build` returns).
    """
    n = build_workers() if workers is None else workers
    jobs = ScreeningIndex.name_jobs(entities)
    forking = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if n <= 1 or len(jobs) < MIN_PARALLEL_NAMES or not forking:
        return ScreeningIndex.build(entities)
    chunks = [jobs[k::n] for k in range(n)]  # round-robin: scripts and lengths spread evenly
    with multiprocessing.get_context("fork").Pool(n) as pool:
        results = pool.map(_prepare, chunks)
    forms: dict[tuple[str, EntityType], NameForm] = {}
    for chunk, prepared in zip(chunks, results, strict=True):
        forms.update(zip(chunk, prepared, strict=True))
    return ScreeningIndex.build(entities, forms=forms)
