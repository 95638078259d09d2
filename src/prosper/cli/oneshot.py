"""The garbage collector's settings for a process that runs one command and exits.

Standard library only: :func:`prosper.cli.main` enters :func:`one_shot_collector` before it
imports anything of the command it runs.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

ONE_SHOT_GC_THRESHOLD = 1_000_000
"""Net allocations of container objects between two young-generation passes of Python's
cyclic garbage collector while one command-line decision runs (the default is 700; a warm
check of the bench example leaves ~37,000 young objects, so none)."""
_FREEZE_AT_EXIT: list[bool] = []


@contextmanager
def one_shot_collector() -> Iterator[None]:
    """Within the block, the cyclic garbage collector's first threshold is
    :data:`ONE_SHOT_GC_THRESHOLD` (restored after it); and when the process exits, what it
    holds is frozen (:func:`gc.freeze`) before the interpreter's last collection.

    A one-shot ``prosper check`` allocates mostly what lives until it exits (the modules'
    classes and functions, the rulebook's rules, the name tables), and Prosper's values are
    acyclic (frozen dataclasses, tuples, dicts of text): what becomes garbage is freed by
    reference counting. Yet with the default threshold the collector made ~70 young and ~7
    middle passes over them in a warm check (~0.017 s of CPU at load ~7), and the
    interpreter's full collection at exit traversed all of them again (~0.05 s: the CPU after
    the command returned fell from 0.058 to 0.009 s with them frozen) — together ~15 % of the
    check, finding nothing to free. Garbage cycles are still collected during the block, every
    :data:`ONE_SHOT_GC_THRESHOLD` net allocations (a very large check); at exit, frozen objects
    are not finalised by the collector, which changes nothing here: the audit record is
    committed and its connection closed, the cache files are written and closed, and the
    standard streams are flushed by the interpreter as before. (mypy raises its threshold the
    same way for a run.) A process that goes on after the block (a test calling
    :func:`prosper.cli.main`) gets its threshold back, with what the block allocated and still
    holds moved to the oldest generation without a pass (:func:`gc.freeze` then
    :func:`gc.unfreeze`: where a pass would have put what survives; restoring the threshold
    alone would make the next allocation pass over all of it at once); the freeze at exit
    happens only as it exits. (When the lean path hands the command back to the Typer app, the
    freeze at exit applies to that run too, for the same reasons.)
    """
    old = gc.get_threshold()
    gc.set_threshold(ONE_SHOT_GC_THRESHOLD, *old[1:])
    if not _FREEZE_AT_EXIT:
        _FREEZE_AT_EXIT.append(True)
        atexit.register(gc.freeze)
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.set_threshold(*old)
