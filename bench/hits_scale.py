"""The hits stage (party merge) of two ``merge.py`` files, alternated query by query on one
large synthetic index, in one process.

Usage::

    PYTHONPATH=src .venv/bin/python bench/hits_scale.py \\
        --old-merge /work/wt-base/src/prosper/screening/merge.py \\
        --size 1000000 --keep /tmp/data/scale [--queries 300] [--rounds 3] [--memo N]

The index is the one :mod:`scale` keeps (``--keep DIR``: ``scale-N-f<format>.idx``, built by
``bench/scale.py --sizes N --keep DIR`` first) over :func:`scale.synthetic`'s list of ``N``
entities; the queries are :mod:`scale`'s (typos of real listed names, seed 7). Only the merge
differs between the two sides: the old file is loaded as a module of its own (it imports the
rest of ``prosper`` from this tree) and :meth:`ScreeningIndex.merge_listings` calls the
``merge_hits`` of the side being measured, each side with its own memo of party facts
(``PartyFacts`` as the index keeps one; ``--memo 0``: none, every query's facts worked out).
Each query is screened once to warm up, then once per side and round (each side first in
turn) with a :class:`~prosper.screening.search.StageClock`; the hits of both sides are
compared (``same_hits``). Besides CPU (``thread_time``: the ``hits`` stage and the whole
query, p50 / p99 / total per side and round), deterministic counts per query: hits merged
(calls of ``merge_hits`` with two or more hits), the entities whose facts each side looked up,
and the entities whose spelling keys each side worked out. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _load(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


class _Counts:
    """Counts of one side: facts looked up and spelling keys worked out (wrapping the module's
    ``_facts`` and ``spelling_keys``, which its ``PartyFacts`` and facts call)."""

    def __init__(self, module: Any) -> None:
        self.facts = 0
        self.spelling_names = 0
        self.merges = 0
        self.hits = 0
        facts, spelling = module._facts, module.spelling_keys
        merge = module.merge_hits

        def counted_facts(*a: Any) -> Any:
            self.facts += 1
            return facts(*a)

        def counted_spelling(key: Any) -> Any:
            self.spelling_names += 1
            return spelling(key)

        def counted_merge(hits: Any, *a: Any) -> Any:
            hits = list(hits)
            self.merges += 1
            self.hits += len(hits)
            return merge(hits, *a)

        module._facts = counted_facts
        module.spelling_keys = counted_spelling
        self.merge_hits = counted_merge


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old-merge", type=Path, required=True)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memo", type=int, default=None, help="entities kept (default: shipped)")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import prosper.screening.merge as new_merge
    from prosper.lists import load_snapshot
    from prosper.screening.cache import open_index
    from prosper.screening.index import INDEX_FORMAT
    from prosper.screening.query import Query
    from prosper.screening.search import StageClock, screen
    from scale import _typo, synthetic

    # Any: its merge_hits is replaced by the side measured (the module does not export it)
    index_module: Any = importlib.import_module("prosper.screening.index")
    old_merge = _load(args.old_merge, "old_merge")
    sides = {"old": old_merge, "new": new_merge}
    counts = {name: _Counts(m) for name, m in sides.items()}
    memos = {
        name: m.PartyFacts(None, **({} if args.memo is None else {"kept": args.memo}))
        for name, m in sides.items()
    }
    c0 = time.process_time()
    ents = synthetic(load_snapshot().entities, args.size)
    index = open_index(args.keep / f"scale-{args.size}-f{INDEX_FORMAT}.idx", ents)
    assert index is not None, "no kept index file: run bench/scale.py --keep first"
    for memo in memos.values():
        memo.name_keys = index.strong_name_keys
    setup_cpu = time.process_time() - c0
    rng = random.Random(7)
    picks = [rng.randrange(min(args.size, 41_549)) for _ in range(args.queries)]
    queries = [Query(_typo(ents[i].name, rng), ents[i].type) for i in picks]

    def use(name: str) -> None:
        index_module.merge_hits = counts[name].merge_hits
        index._party_facts = memos[name]

    # warm-up: the query's own preparation, the index's maps; with a memo of its own that
    # keeps nothing, so that neither side's memo is filled by it
    index_module.merge_hits = new_merge.merge_hits
    index._party_facts = new_merge.PartyFacts(index.strong_name_keys, kept=0)
    for q in queries:
        screen(index, q)
    rounds: list[dict[str, Any]] = []
    same = True
    for r in range(args.rounds):
        hits_ms: dict[str, list[float]] = {n: [] for n in sides}
        query_ms: dict[str, list[float]] = {n: [] for n in sides}
        before = {n: (c.facts, c.spelling_names, c.merges, c.hits) for n, c in counts.items()}
        for k, q in enumerate(queries):
            order = ["old", "new"] if (k + r) % 2 == 0 else ["new", "old"]
            out = {}
            for name in order:
                use(name)
                clock = StageClock()
                t0 = time.thread_time()
                out[name] = screen(index, q, clock=clock)
                query_ms[name].append((time.thread_time() - t0) * 1000)
                hits_ms[name].append(clock.seconds["hits"] * 1000)
            same = same and out["old"] == out["new"]
        row: dict[str, Any] = {"round": r + 1, "load_average": os.getloadavg()}
        for name, c in counts.items():
            f0, s0, m0, h0 = before[name]
            row[name] = {
                "hits_ms_p50_p99_total": [
                    round(_pct(hits_ms[name], 0.5), 3),
                    round(_pct(hits_ms[name], 0.99), 3),
                    round(sum(hits_ms[name]), 1),
                ],
                "query_ms_p50_p99_total": [
                    round(_pct(query_ms[name], 0.5), 3),
                    round(_pct(query_ms[name], 0.99), 3),
                    round(sum(query_ms[name]), 1),
                ],
                "facts_per_query": round((c.facts - f0) / len(queries), 2),
                "spelling_names_per_query": round((c.spelling_names - s0) / len(queries), 2),
                "merges_per_query": round((c.merges - m0) / len(queries), 2),
                "hits_per_merge": round((c.hits - h0) / max(1, c.merges - m0), 1),
            }
        rounds.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    print(
        json.dumps(
            {
                "size": args.size,
                "names": index.name_count,
                "queries": args.queries,
                "memo": args.memo,
                "setup_cpu_s": round(setup_cpu, 1),
                "same_hits": same,
                "rounds": rounds,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
