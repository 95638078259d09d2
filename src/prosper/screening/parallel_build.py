"""Building a screening index on several cores: the names are prepared in forked processes.

Preparing the names (:func:`~prosper.names.normalize.prepare_name`: transliteration, legal
forms, phonetic keys) is most of an index build, and each name is independent of the others:
the distinct (name, type) pairs are dealt round-robin to ``workers`` forked processes (which
inherit the pairs at the fork: nothing is sent to them), their forms come back in order, and
:meth:`~prosper.screening.index.ScreeningIndex.build` indexes them in this process exactly as
if it had prepared them itself (same forms, same order: the same index). Small lists, one core,
a platform without ``fork`` or a process running other threads (a server: a lock another thread
holds at the fork would never be released in the child) build in this process.

A worker sends its forms back as one :mod:`marshal` blob of plain tuples (the
:class:`~prosper.names.normalize.NameForm` fields), not as pickled dataclasses: unpickling a
frozen slotted dataclass sets each field through a Python-level ``__setstate__``, ~30 µs a
form in the parent (~60 s of CPU for the 2M names of a 1M-entity list); marshal writes and
reads tuples, strings, ``None`` and frozensets in C and fails loudly on any other type.

A caller may pass the transliterations of an earlier build (``known``,
:func:`~prosper.names.normalize.transliteration_memo`): only the names it does not hold are
transliterated, and those are added to it (the workers send theirs back with the forms).
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import threading
from collections.abc import Sequence
from itertools import islice

from prosper.model import Entity, EntityType
from prosper.names.normalize import NameForm, prepare_name, transliteration_memo
from prosper.screening.index import ScreeningIndex, gc_paused

MIN_PARALLEL_NAMES = 20_000  # fewer names than this: forking costs more than it saves


_known: dict[str, str] = {}  # the transliterations a forked worker starts from
_chunks: list[list[tuple[str, EntityType]]] = []  # each worker's jobs, inherited at the fork
_Fields = tuple[
    str,
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    frozenset[str],
    tuple[str, ...],
    tuple[str | None, ...],
    tuple[str, ...],
]


def form_fields(form: NameForm) -> _Fields:
    """The fields of ``form`` in :class:`NameForm`'s order (``NameForm(*fields)`` is it)."""
    return (
        form.original,
        form.tokens,
        form.full,
        form.legal_forms,
        form.scripts,
        form.phonetic,
        form.korean,
        form.variant,
    )


def _prepare(part: int) -> tuple[bytes, dict[str, str]]:
    """The forms of chunk ``part`` (marshalled fields) and the transliterations this worker
    added (in a worker)."""
    with transliteration_memo(_known) as memo, gc_paused():
        start = len(memo)
        fields = [form_fields(prepare_name(name, kind)) for name, kind in _chunks[part]]
        return marshal.dumps(fields), dict(islice(memo.items(), start, None))  # insertion order


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
    global _known, _chunks
    n = build_workers() if workers is None else workers
    memo = {} if known is None else known
    jobs = ScreeningIndex.name_jobs(entities)
    forking = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if n <= 1 or len(jobs) < MIN_PARALLEL_NAMES or not forking:
        with transliteration_memo(memo):
            return ScreeningIndex.build(entities)
    chunks = [jobs[k::n] for k in range(n)]  # round-robin: scripts and lengths spread evenly
    _known, _chunks = memo, chunks  # the workers inherit them at the fork
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            results = pool.map(_prepare, range(n), chunksize=1)
    finally:
        _known, _chunks = {}, []
    forms: dict[tuple[str, EntityType], NameForm] = {}
    with gc_paused():  # ~10⁷ acyclic objects
        for k, chunk in enumerate(chunks):
            blob, learnt = results[k]
            results[k] = (b"", {})  # each blob freed once read (~170 bytes a form)
            fields: list[_Fields] = marshal.loads(blob)
            forms.update(zip(chunk, [NameForm(*f) for f in fields], strict=True))
            memo.update(learnt)
    with transliteration_memo(memo):  # names the workers did not prepare (none today)
        return ScreeningIndex.build(entities, forms=forms)
