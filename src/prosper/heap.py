"""The garbage collector's settings for a process that loads the lists once and then answers
many queries (the server and its workers, batch and re-screen workers, Spark executors).

Standard library only. The one-shot command line has its own (:mod:`prosper.cli.oneshot`).
"""

from __future__ import annotations

import gc


def freeze_loaded() -> int:
    """Move every object the cyclic garbage collector tracks now to its permanent generation
    (:func:`gc.freeze`), so that its later passes do not walk them; returns how many are
    frozen in all.

    Called once what a long-lived process keeps has been loaded — the engine's list snapshot,
    its screening index and rulebook (:func:`prosper.service.build_engine`), the index a Spark
    executor maps, the engine a pool of forked workers inherits. These are acyclic values
    (frozen dataclasses, tuples, dicts of text) that live as long as the process or until the
    next list update, yet each full (generation-2) collection traversed all of them: at 1M
    entities ~2.65 M objects, a ~1.3 s pause inside whichever query triggered it
    (``bench/README.md``, ``s9-scale``). Frozen, they are never traversed again; the
    collector stays on for what queries allocate, and frozen objects are still freed by
    reference counting when dropped (the old engine after a swap).

    A full collection runs first (once, while loading, not inside a query): it frees cyclic
    garbage made while loading (none is, after the embedded lists), and it makes the
    collector count the loaded objects as the survivors of its last full pass, so the next
    full pass waits until a quarter as many new long-lived objects have accumulated. Frozen
    without it, the oldest generation looked nearly empty and the first queries filling
    their memos (~630k objects at 1M) set off ~10 full passes over the growing memos (2.3 s
    of the first 300 queries' CPU at 1M, against 1.0 s with the collection first, which
    itself costs 0.08 s at the embedded lists and 1.1 s at 1M: ``bench/README.md``, ``s10-gc``).
    Before a ``fork``, freezing also keeps the children's collections from writing into the
    parent's pages (copy-on-write), as the :mod:`gc` documentation advises.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


__all__ = ["freeze_loaded"]
