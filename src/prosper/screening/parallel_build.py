"""Building a screening index on several cores: the names are prepared in forked processes.

Preparing the names (:func:`~prosper.names.normalize.prepare_name`: transliteration, legal
forms, phonetic keys) is most of an index build, and each name is independent of the others:
the distinct (name, type) pairs are dealt round-robin to ``workers`` forked processes, their
forms come back in order, and :meth:`~prosper.screening.index.ScreeningIndex.build` indexes
them in this process exactly as if it had prepared them itself (same forms, same order: the
same index). Small lists, one core, a platform without ``fork`` or a process running other
threads (a server: a lock another thread holds at the fork would never be released in the
child) build in this process.

A caller may pass the transliterations of an earlier build (``known``,
:func:`~prosper.names.normalize.transliteration_memo`): only the names it does not hold are
transliterated, and those are added to it (the workers send theirs back with the forms).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from itertools import islice

from prosper.model import Entity, EntityType
from prosper.names.normalize import NameForm, prepare_name, transliteration_memo
from prosper.screening.index import ScreeningIndex

MIN_PARALLEL_NAMES = 20_000  # fewer names than this: forking costs more than it saves


_known: dict[str, str] = {}  # the transliterations a forked worker starts from


def _prepare(jobs: list[tuple[str, EntityType]]) -> tuple[list[NameForm], dict[str, str]]:
    """The forms of ``jobs`` and the transliterations this worker added (in a worker)."""
    with transliteration_memo(_known) as memo:
        start = len(memo)
        forms = [prepare_name(name, kind) for name, kind in jobs]
        return forms, dict(islice(memo.items(), start, None))  # dicts keep insertion order


def build_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def build_index(
    entities: Sequence[Entity],
    workers: int | None = None,
    known: dict[str, str] | None = None,
) -> ScreeningIndex:
    """:meth:`ScreeningIndex.build` of ``entities``, the names prepared on ``workers``
    processes (default: the cores this process may use).

    Args:
        entities: The list entities.
        workers: Processes preparing names; 1 builds in this process.
        known: Transliterations of earlier builds (text → ASCII, for the installed rigour and
            normality); used, and completed with this build's.

    Returns:
        The index (the one :meth:`ScreeningIndex.build` returns).
    """
    global _known
    n = build_workers() if workers is None else workers
    memo = {} if known is None else known
    jobs = ScreeningIndex.name_jobs(entities)
    forking = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if n <= 1 or len(jobs) < MIN_PARALLEL_NAMES or not forking:
        with transliteration_memo(memo):
            return ScreeningIndex.build(entities)
    chunks = [jobs[k::n] for k in range(n)]  # round-robin: scripts and lengths spread evenly
    _known = memo  # the workers inherit it at the fork
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            results = pool.map(_prepare, chunks)
    finally:
        _known = {}
    forms: dict[tuple[str, EntityType], NameForm] = {}
    for chunk, (prepared, learnt) in zip(chunks, results, strict=True):
        forms.update(zip(chunk, prepared, strict=True))
        memo.update(learnt)
    with transliteration_memo(memo):  # names the workers did not prepare (none today)
        return ScreeningIndex.build(entities, forms=forms)
