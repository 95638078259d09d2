"""The cyclic garbage collector in a long-lived screening process: passes, their CPU and the
objects a full pass walks, per query, for two source trees alternated in one run.

Each tree runs in a worker process of its own that loads once and then screens the same
queries round after round (as the server, a batch worker or a Spark executor does):

* ``--size 0``: the engine of the installed snapshot through ``prosper.service.get_engine``
  (the path of ``prosper serve`` and its workers: a tree whose ``build_engine`` freezes what it
  loaded does so here), the query set of ``bench/screening.py``;
* ``--size N`` (with ``--keep DIR``): the index file ``bench/scale.py --keep DIR`` kept for N
  synthetic entities (never built here), the entities made as ``scale.py`` makes them, then
  ``prosper.heap.freeze_loaded()`` when the tree has it (what ``build_engine`` calls); the
  300 ``scale.py`` queries.

Per round and tree: query CPU (``thread_time``, which includes the collector's passes: they
run in the querying thread) p50 / p99 / max / total, the collector's passes per generation
(``gc.callbacks``) and their CPU (``process_time`` from start to stop), the longest pass, the
objects the collector tracks outside the permanent generation (what a full pass walks) and in
it, and a digest of every query's hits (the two trees must agree).

    PYTHONPATH=src bench/.venv/bin/python bench/gc_heap.py --old /work/wt-base/src --new src
    PYTHONPATH=src bench/.venv/bin/python bench/gc_heap.py --old /work/wt-base/src --new src \\
        --size 1000000 --keep /tmp/data-gc/scale --rounds 3
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _load(size: int, keep: Path | None, n: int) -> tuple[Any, list[Any], bool]:
    """The screener, the queries, and whether the tree froze what it loaded."""
    sys.path.insert(0, str(HERE))
    from prosper.model import EntityType
    from prosper.screening.query import Query

    if size == 0:
        from prosper.service import get_engine
        from prosper.settings import load_settings
        from screening import _queries  # type: ignore[attr-defined,unused-ignore]

        engine = get_engine(load_settings())
        queries = [Query(name, EntityType(kind) if kind else None) for name, kind in _queries(n)]
        return engine.index, queries, gc.get_freeze_count() > 0
    from prosper.lists import load_snapshot
    from prosper.screening.cache import open_index
    from prosper.screening.index import INDEX_FORMAT
    from scale import _typo, synthetic

    assert keep is not None
    ents = synthetic(load_snapshot().entities, size)
    path = keep / f"scale-{size}-f{INDEX_FORMAT}.idx"
    index = open_index(path, ents)
    if index is None:
        raise SystemExit(f"{path}: no kept index file of {size} entities (never built here)")
    rng = random.Random(7)
    picks = [rng.randrange(min(size, 41_549)) for _ in range(n)]
    queries = [Query(_typo(ents[i].name, rng), ents[i].type) for i in picks]
    try:
        from prosper.heap import freeze_loaded
    except ImportError:  # the old tree: nothing frozen
        return index, queries, False
    c0 = time.process_time()
    freeze_loaded()
    print(f"freeze_loaded CPU {time.process_time() - c0:.3f} s", file=sys.stderr)
    return index, queries, True


def _worker(size: int, keep: Path | None, n: int) -> None:
    index, queries, frozen = _load(size, keep, n)
    passes: list[list[Any]] = []
    start: list[float] = []

    def watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            start[:] = [time.process_time()]
        else:
            passes.append([info["generation"], time.process_time() - start[0]])

    gc.callbacks.append(watch)
    out = sys.stdout
    out.write(json.dumps({"ready": True, "frozen": frozen}) + "\n")
    out.flush()
    for line in sys.stdin:
        if line.strip() == "quit":
            return
        passes.clear()
        cpu: list[float] = []
        digest = hashlib.sha256()
        for q in queries:
            c0 = time.thread_time()
            hits = index.screen(q, threshold=0.8)
            cpu.append((time.thread_time() - c0) * 1000)
            digest.update(repr(hits).encode())
        by_gen = [sum(1 for g, _ in passes if g == k) for k in range(3)]
        answer = {
            "cpu_ms": cpu,
            "digest": digest.hexdigest(),
            "passes": by_gen,
            "gc_ms": round(sum(s for _, s in passes) * 1000, 2),
            "gc_ms_by_gen": [
                round(sum(s for g, s in passes if g == k) * 1000, 2) for k in range(3)
            ],
            "longest_pass_ms": round(max((s for _, s in passes), default=0.0) * 1000, 2),
            "tracked_unfrozen": len(gc.get_objects()),
            "frozen": gc.get_freeze_count(),
        }
        out.write(json.dumps(answer) + "\n")
        out.flush()


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * q))]


def _start(src: Path, size: int, keep: Path | None, n: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    args = [sys.executable, __file__, "--worker", "--size", str(size), "--queries", str(n)]
    if keep is not None:
        args += ["--keep", str(keep)]
    return subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)


def _ask(proc: subprocess.Popen[str], cmd: str) -> dict[str, Any]:
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write(cmd + "\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    if not line:
        raise SystemExit("a worker died")
    out: dict[str, Any] = json.loads(line)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=False)
    parser.add_argument("--new", type=Path, required=False)
    parser.add_argument("--size", type=int, default=0, help="0: the installed snapshot")
    parser.add_argument("--keep", type=Path, help="scale.py's kept index files (size > 0)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.size, args.keep, args.queries)
        return 0
    if args.old is None or args.new is None:
        parser.error("--old and --new are required")
    sides = {"old": args.old, "new": args.new}
    procs: dict[str, subprocess.Popen[str]] = {}
    ready: dict[str, Any] = {}
    for side, src in sides.items():  # loaded one after the other (memory at 1M)
        procs[side] = _start(src.resolve(), args.size, args.keep, args.queries)
        out = procs[side].stdout
        assert out is not None
        ready[side] = json.loads(out.readline())
    rows = []
    try:
        for r in range(args.rounds):
            order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
            got = {side: _ask(procs[side], "run") for side in order}
            row: dict[str, Any] = {"round": r + 1, "first": order[0], "load": os.getloadavg()}
            for side, res in got.items():
                cpu = res.pop("cpu_ms")
                row[side] = {
                    "p50_ms": round(_pct(cpu, 0.5), 3),
                    "p99_ms": round(_pct(cpu, 0.99), 3),
                    "max_ms": round(max(cpu), 2),
                    "total_ms": round(sum(cpu), 1),
                    **res,
                }
            row["same_hits"] = got["old"]["digest"] == got["new"]["digest"]
            for k in ("p50_ms", "p99_ms", "total_ms"):
                row[f"new/old {k}"] = round(row["new"][k] / row["old"][k], 3)
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        for proc in procs.values():
            try:
                _ask_quit(proc)
            except (BrokenPipeError, OSError):
                proc.kill()
    print(json.dumps({"ready": ready, "size": args.size, "queries": args.queries}))
    return 0


def _ask_quit(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("quit\n")
    proc.stdin.flush()
    proc.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
