"""CPU per screening stage of two source trees, alternated in one run.

Usage::

    .venv/bin/python bench/stages.py --old /work/wt-base/src --new src [--rounds 2] [--queries 600]

For each round it starts one process per tree (old, then new; its ``src`` first on
``PYTHONPATH``), which maps the screening index of the data folder, screens the queries of
``bench/screening.py`` once to warm up, then screens them again through
:func:`prosper.screening.search.screen` with a :class:`~prosper.screening.search.StageClock`
(CPU time of the screening thread per stage: retrieval, bound, scoring, hits) and times each
query with ``time.thread_time``. Prints one JSON line per process and the median of each
figure per tree over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _worker(n: int) -> None:
    sys.path.insert(0, str(HERE))
    from prosper.lists import load_snapshot
    from prosper.model import EntityType
    from prosper.screening.cache import get_index
    from prosper.screening.query import Query
    from prosper.screening.search import StageClock, screen
    from prosper.settings import load_settings
    from screening import _queries

    queries = [Query(name, EntityType(kind) if kind else None) for name, kind in _queries(n)]
    index = get_index(load_snapshot(), load_settings().data_dir / "cache")
    for q in queries:
        screen(index, q, 0.8)
    clock = StageClock()
    cpu = []
    for q in queries:
        c0 = time.thread_time()
        screen(index, q, 0.8, clock=clock)
        cpu.append((time.thread_time() - c0) * 1000)
    cpu.sort()
    out = {
        "p50_ms": cpu[len(cpu) // 2],
        "p99_ms": cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))],
        "mean_ms": statistics.fmean(cpu),
    }
    out.update({f"{k}_ms": v * 1000 / len(queries) for k, v in clock.seconds.items()})
    out["retrieved"] = clock.retrieved / len(queries)
    out["scored"] = clock.scored / len(queries)
    from prosper.native import status

    out["native"] = float(bool(status()["native"]))  # 1.0: the compiled modules were used
    print(json.dumps(out))


def main() -> int:
    """Alternate the trees; print each run and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="src/ of the old tree")
    parser.add_argument("--new", type=Path, default=HERE.parent / "src")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.queries)
        return 0
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for side, src in (("old", args.old), ("new", args.new)):
            env = dict(os.environ, PYTHONPATH=str(src.resolve()))
            cmd = [sys.executable, __file__, "--worker", "--old", str(src)]
            cmd += ["--queries", str(args.queries)]
            line = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
            row = json.loads(line.stdout.strip().splitlines()[-1])
            runs[side].append(row)
            print(side, json.dumps({k: round(v, 3) for k, v in row.items()}), flush=True)
    for side, rows in runs.items():
        med = {k: round(statistics.median(r[k] for r in rows), 3) for k in rows[0]}
        print(side, "median", json.dumps(med))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
