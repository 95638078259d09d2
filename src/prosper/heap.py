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

    No collection runs first: after loading the embedded lists a full one frees nothing and
    costs ~0.08 s, at 1M ~1.3 s (a pause of the serving process when an engine is swapped in
    after a list update); a cyclic garbage made while loading would stay for the process's
    life (none is). Before a ``fork``, freezing also keeps the children's collections from
    writing into the parent's pages (copy-on-write), as the :mod:`gc` documentation advises.
    """
    gc.freeze()
    return gc.get_freeze_count()


__all__ = ["freeze_loaded"]
