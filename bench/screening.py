"""Screening speed against the full embedded lists: latency percentiles, batch throughput,
index build / load time and memory.

Usage::

    .venv/bin/python bench/screening.py [--queries N] [--output bench/results/screening.json]
    .venv/bin/python bench/screening.py --old /tmp/old/src [--new src]   # old vs new, ratios

Queries are the positives of ``bench/datasets/positives.csv`` (listed names with typos,
reorders, other scripts) and as many names from ``bench/datasets/negatives.csv.gz`` (persons on
no list), in a fixed order. Everything runs in one process on one core (Python screening is
single-threaded). Latency is reported twice: wall clock, and CPU time of the screening thread
(``time.thread_time``), which is what one query costs on one dedicated core — on a shared
machine the wall clock also counts time spent waiting for a core. Prints a table and writes
the numbers as JSON.

With ``--old``, the benchmark runs twice, one tree after the other in fresh interpreters (each
tree's ``src`` first on ``PYTHONPATH``), and prints the two side by side with new/old ratios
(``bench/results/screening_compare.json``). The batch is also screened on ``--workers``
forked processes over the mapped index (wall clock: what a ``screen --file --workers N`` run
sees, reading and writing aside).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATASETS = HERE / "datasets"


def _cpu_with_children() -> float:
    """CPU seconds (user + sys) of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _queries(n: int) -> list[tuple[str, str | None]]:
    pos: list[tuple[str, str | None]] = []
    with (DATASETS / "positives.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pos.append((row["query"], row.get("type") or None))
    neg: list[tuple[str, str | None]] = []
    with gzip.open(DATASETS / "negatives.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            neg.append((row["name"], row.get("type") or None))
            if len(neg) >= n // 2:
                break
    return pos[: n - len(neg)] + neg


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _screener(index: Any) -> tuple[Any, Any]:
    """The tree's screening of one query and a per-stage clock:
    :func:`prosper.screening.search.screen` (bounded candidates) where the tree has it, else
    ``ScreeningIndex.screen`` (no clock)."""
    try:
        from prosper.screening.search import StageClock, screen
    except ImportError:
        return index.screen, None
    clock = StageClock()
    return (lambda q: screen(index, q, clock=clock)), clock


def _latencies(index: Any, n: int) -> dict[str, float]:
    """CPU ms per query of ``index`` over the bench queries, after a warm-up: the whole
    screen (p50/p95/p99) and its candidate retrieval stage alone, measured apart (name
    readings, preparation and ``_candidates``); scoring, qualifiers and explanations are the
    difference. A tree with :mod:`prosper.screening.search` also reports each stage of the
    screen itself (retrieval, bound, scoring, hits with explanations)."""
    from prosper.model import EntityType
    from prosper.names.normalize import prepare_name
    from prosper.names.readings import name_readings
    from prosper.screening.query import Query

    run, clock = _screener(index)
    queries = [Query(name, EntityType(kind) if kind else None) for name, kind in _queries(n)]
    for q in queries[:50]:
        run(q)
    cpu: list[float] = []
    retrieval: list[float] = []
    candidates: list[int] = []
    stages: dict[str, list[float]] = {}
    scored: list[int] = []
    for q in queries:
        c0 = time.thread_time()
        forms = [prepare_name(r, q.type) for r in name_readings(q.name)]
        found = [index._candidates(f, frozenset()) for f in forms if f.tokens]
        retrieval.append((time.thread_time() - c0) * 1000)
        candidates.append(sum(len(c) for c in found))
        before = dict(clock.seconds) if clock is not None else {}
        scored_before = clock.scored if clock is not None else 0
        c0 = time.thread_time()
        run(q)
        cpu.append((time.thread_time() - c0) * 1000)
        if clock is not None:
            for stage, total in clock.seconds.items():
                stages.setdefault(stage, []).append((total - before[stage]) * 1000)
            scored.append(clock.scored - scored_before)
    rest = [max(0.0, a - b) for a, b in zip(cpu, retrieval, strict=True)]
    out = {
        "p50": round(_pct(cpu, 0.50), 3),
        "p95": round(_pct(cpu, 0.95), 3),
        "p99": round(_pct(cpu, 0.99), 3),
        "mean": round(statistics.fmean(cpu), 3),
        "retrieval_p50": round(_pct(retrieval, 0.50), 3),
        "retrieval_p99": round(_pct(retrieval, 0.99), 3),
        "scoring_and_explanation_p50": round(_pct(rest, 0.50), 3),
        "scoring_and_explanation_p99": round(_pct(rest, 0.99), 3),
        "candidates_scored_mean": round(statistics.fmean(candidates), 1),
    }
    for stage, values in stages.items():
        out[f"stage_{stage}_p50"] = round(_pct(values, 0.50), 3)
        out[f"stage_{stage}_p99"] = round(_pct(values, 0.99), 3)
        out[f"stage_{stage}_mean"] = round(statistics.fmean(values), 3)
    if scored:
        out["candidates_scored_mean"] = round(statistics.fmean(scored), 1)
        out["candidates_retrieved_mean"] = round(statistics.fmean(candidates), 1)
    return out


def _quick(args: argparse.Namespace) -> int:
    """Queries and batch only, over a mapped index kept in ``--quick-cache`` (built there on
    the first run): CPU per query, per stage, batch names per CPU second on one core and
    batch wall time on ``--workers`` processes."""
    from prosper.lists import load_snapshot
    from prosper.screening.batch import screen_many, screen_parallel
    from prosper.screening.cache import get_index

    snapshot = load_snapshot()
    args.quick_cache.mkdir(parents=True, exist_ok=True)
    index = get_index(snapshot, args.quick_cache)
    doc: dict[str, Any] = {"load_average": os.getloadavg()}
    doc["mapped_index_cpu_ms_one_core"] = _latencies(index, args.queries)
    rows = [{"name": name, "type": kind or ""} for name, kind in _queries(args.queries)]
    c0 = time.thread_time()
    for _ in screen_many(index, iter(rows), threshold=0.8):
        pass
    doc["batch_names_per_cpu_s"] = round(len(rows) / (time.thread_time() - c0), 1)
    c0, t0 = _cpu_with_children(), time.perf_counter()
    for _ in screen_parallel(index, iter(rows), 0.8, workers=args.workers):
        pass
    wall = time.perf_counter() - t0
    doc["batch_workers"] = args.workers
    doc["batch_parallel_names_per_s"] = round(len(rows) / wall, 1)
    doc["batch_parallel_names_per_cpu_s_all_procs"] = round(
        len(rows) / (_cpu_with_children() - c0), 1
    )
    doc["load_average_end"] = os.getloadavg()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(doc, indent=2) + "\n", "utf-8")
    print(json.dumps(doc, indent=2))
    return 0


def _bound_ab(args: argparse.Namespace) -> int:
    """The bound stage alone, in this process over the mapped index in ``--quick-cache``:
    ``search._live_entities`` on each query's retrieved names with the list-token features
    remembered across queries (``shared``, as ``search.screen`` keeps them) and with a fresh
    ``ListTokens`` per query (``fresh``: the work a query did before they were remembered),
    alternating for ``--rounds`` rounds after a warm-up pass; CPU ms per query."""
    from prosper.lists import load_snapshot
    from prosper.matching.bound import ListTokens
    from prosper.model import EntityType
    from prosper.names.normalize import prepare_name
    from prosper.names.readings import name_readings
    from prosper.screening import search
    from prosper.screening.cache import get_index
    from prosper.screening.query import Query

    args.quick_cache.mkdir(parents=True, exist_ok=True)
    index = get_index(load_snapshot(), args.quick_cache)
    prepared = []
    for name, kind in _queries(args.queries):
        q = Query(name, EntityType(kind) if kind else None)
        forms = [f for f in (prepare_name(r, q.type) for r in name_readings(q.name)) if f.tokens]
        found = [[(n, index._names[n]) for n in index._candidates(f, frozenset())] for f in forms]
        prepared.append((q, forms, found))
    floor = 0.8 - search.REACH
    shared = ListTokens(index._weights)

    def run(mode: str) -> list[float]:
        out = []
        for q, forms, found in prepared:
            search._LIST_TOKENS[:] = [shared if mode == "shared" else ListTokens(index._weights)]
            c0 = time.thread_time()
            search._live_entities(index, q, forms, found, set(), floor)
            out.append((time.thread_time() - c0) * 1000)
        return out

    run("fresh")  # warm the caches both modes share (token agreements, token facts)
    doc: dict[str, Any] = {"load_average": os.getloadavg(), "rounds": []}
    for k in range(args.rounds):
        row = {}
        for mode in ("fresh", "shared"):
            ms = run(mode)
            row[mode] = {"p50": _pct(ms, 0.5), "p99": _pct(ms, 0.99), "mean": statistics.fmean(ms)}
        row["shared_over_fresh"] = {
            key: round(row["shared"][key] / row["fresh"][key], 3) for key in ("p50", "p99", "mean")
        }
        doc["rounds"].append(row)
        print(k, json.dumps(row), flush=True)
    doc["load_average_end"] = os.getloadavg()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(doc, indent=2) + "\n", "utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "screening.json")
    parser.add_argument("--workers", type=int, default=2, help="processes of the parallel batch")
    parser.add_argument(
        "--skip-memory", action="store_true", help="no second, traced build (index memory)"
    )
    parser.add_argument("--old", type=Path, help="src/ of the old tree: compare old and new")
    parser.add_argument("--new", type=Path, default=HERE.parent / "src")
    parser.add_argument(
        "--quick-cache",
        type=Path,
        help="queries and batch only, over the mapped index in this folder (one per tree)",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="with --old: old, new, old, new … this many times"
    )
    parser.add_argument(
        "--bound-ab",
        action="store_true",
        help="with --quick-cache: the bound stage with list tokens remembered vs not",
    )
    args = parser.parse_args(argv)
    if args.bound_ab:
        return _bound_ab(args)
    if args.old is not None:
        return _compare(args)
    if args.quick_cache is not None:
        return _quick(args)

    from prosper.lists import load_snapshot
    from prosper.model import EntityType
    from prosper.screening.batch import screen_many, screen_parallel
    from prosper.screening.cache import get_index
    from prosper.screening.index import ScreeningIndex
    from prosper.screening.query import Query

    t0 = time.perf_counter()
    snapshot = load_snapshot()
    snapshot_s = time.perf_counter() - t0

    rss_before = _rss_mb()
    c0, t0 = time.thread_time(), time.perf_counter()
    index = ScreeningIndex.build(snapshot.entities)
    build_s = time.perf_counter() - t0
    build_cpu_s = time.thread_time() - c0
    rss_after = _rss_mb()
    index_mb = float("nan")
    if not args.skip_memory:
        # memory of the built index, measured on a second build (tracemalloc slows it down)
        tracemalloc.start()
        traced = ScreeningIndex.build(snapshot.entities)
        index_mb = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.stop()
        del traced

    with tempfile.TemporaryDirectory() as tmp:
        c0, t0 = _cpu_with_children(), time.perf_counter()
        get_index(snapshot, Path(tmp))  # builds (names prepared on every core) and writes
        file_build_s = time.perf_counter() - t0
        file_build_cpu_s = _cpu_with_children() - c0
        c0, t0 = time.thread_time(), time.perf_counter()
        cached = get_index(snapshot, Path(tmp))
        cache_load_s = time.perf_counter() - t0
        cache_load_cpu_s = time.thread_time() - c0
        cache_mb = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 2**20
        mapped_latency = _latencies(cached, args.queries)
        rows = [{"name": name, "type": kind or ""} for name, kind in _queries(args.queries)]
        t0 = time.perf_counter()
        for _ in screen_parallel(cached, iter(rows), 0.8, workers=args.workers):
            pass
        parallel_s = time.perf_counter() - t0
    del cached

    queries = [
        Query(name, EntityType(kind) if kind else None) for name, kind in _queries(args.queries)
    ]
    run, _ = _screener(index)
    for q in queries[:50]:  # warm-up: lazy tables, ICU transliterators, caches
        run(q)
    latencies: list[float] = []  # wall clock
    cpu: list[float] = []  # CPU time of this thread: the cost on one dedicated core
    hits = 0
    for q in queries:
        c0, t0 = time.thread_time(), time.perf_counter()
        result = run(q)
        latencies.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        hits += bool(result)
    rows = [{"name": q.name, "type": q.type.value if q.type else ""} for q in queries]
    c0, t0 = time.thread_time(), time.perf_counter()
    for _ in screen_many(index, iter(rows), threshold=0.8):
        pass
    batch_s = time.perf_counter() - t0
    batch_cpu_s = time.thread_time() - c0

    result_doc: dict[str, Any] = {
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
        "lists": snapshot.versions(),
        "entities": len(snapshot.entities),
        "indexed_names": index.name_count,
        "snapshot_load_s": round(snapshot_s, 3),
        "index_build_s": round(build_s, 3),
        "index_build_cpu_s": round(build_cpu_s, 3),
        "index_file_build_s": round(file_build_s, 3),
        "index_file_build_cpu_s": round(file_build_cpu_s, 3),
        "index_cache_load_s": round(cache_load_s, 3),
        "index_cache_load_cpu_s": round(cache_load_cpu_s, 3),
        "index_cache_file_mb": round(cache_mb, 1),
        "index_memory_mb_tracemalloc": round(index_mb, 1),
        "process_max_rss_mb_growth_during_build": round(rss_after - rss_before, 1),
        "queries": len(queries),
        "queries_with_hits": hits,
        "latency_ms": {
            "mean": round(statistics.fmean(latencies), 3),
            "p50": round(_pct(latencies, 0.50), 3),
            "p95": round(_pct(latencies, 0.95), 3),
            "p99": round(_pct(latencies, 0.99), 3),
            "max": round(max(latencies), 3),
        },
        "cpu_ms_one_core": {
            "mean": round(statistics.fmean(cpu), 3),
            "p50": round(_pct(cpu, 0.50), 3),
            "p95": round(_pct(cpu, 0.95), 3),
            "p99": round(_pct(cpu, 0.99), 3),
            "max": round(max(cpu), 3),
        },
        "mapped_index_cpu_ms_one_core": mapped_latency,
        "batch_names_per_s": round(len(rows) / batch_s, 1),
        "batch_names_per_cpu_s": round(len(rows) / batch_cpu_s, 1),
        "batch_workers": args.workers,
        "batch_parallel_names_per_s": round(len(rows) / parallel_s, 1),
    }
    _print_table(result_doc)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result_doc, indent=2) + "\n", "utf-8")
    print(f"wrote {args.output}")
    return 0


def _print_table(doc: dict[str, Any]) -> None:
    lat, cpu = doc["latency_ms"], doc["cpu_ms_one_core"]
    rows = [
        ("entities / indexed names", f"{doc['entities']:,} / {doc['indexed_names']:,}"),
        ("snapshot load", f"{doc['snapshot_load_s']:.2f} s"),
        (
            "index build wall / CPU",
            f"{doc['index_build_s']:.2f} / {doc['index_build_cpu_s']:.2f} s",
        ),
        (
            "index file build (get_index) wall / CPU",
            f"{doc['index_file_build_s']:.2f} / {doc['index_file_build_cpu_s']:.2f} s",
        ),
        (
            "index cache load wall / CPU",
            f"{doc['index_cache_load_s']:.2f} / {doc['index_cache_load_cpu_s']:.2f} s",
        ),
        ("index memory (tracemalloc)", f"{doc['index_memory_mb_tracemalloc']:.0f} MB"),
        ("queries (with hits)", f"{doc['queries']:,} ({doc['queries_with_hits']:,})"),
        (
            "CPU per query p50 / p95 / p99",
            f"{cpu['p50']:.2f} / {cpu['p95']:.2f} / {cpu['p99']:.2f} ms",
        ),
        (
            "wall per query p50 / p95 / p99",
            f"{lat['p50']:.2f} / {lat['p95']:.2f} / {lat['p99']:.2f} ms",
        ),
        ("wall mean / max", f"{lat['mean']:.2f} / {lat['max']:.2f} ms"),
        (
            "mapped index: CPU p50 / p99",
            f"{doc['mapped_index_cpu_ms_one_core']['p50']:.2f}"
            f" / {doc['mapped_index_cpu_ms_one_core']['p99']:.2f} ms",
        ),
        (
            "  retrieval p50 / p99",
            f"{doc['mapped_index_cpu_ms_one_core']['retrieval_p50']:.2f}"
            f" / {doc['mapped_index_cpu_ms_one_core']['retrieval_p99']:.2f} ms",
        ),
        (
            "  scoring + explanation p50 / p99",
            f"{doc['mapped_index_cpu_ms_one_core']['scoring_and_explanation_p50']:.2f}"
            f" / {doc['mapped_index_cpu_ms_one_core']['scoring_and_explanation_p99']:.2f} ms",
        ),
        (
            "  candidates scored per query (mean)",
            f"{doc['mapped_index_cpu_ms_one_core']['candidates_scored_mean']:.1f}",
        ),
        ("batch throughput (wall)", f"{doc['batch_names_per_s']:,.0f} names/s"),
        ("batch throughput (one core)", f"{doc['batch_names_per_cpu_s']:,.0f} names/s"),
        (
            f"batch on {doc['batch_workers']} workers, mapped (wall)",
            f"{doc['batch_parallel_names_per_s']:,.0f} names/s",
        ),
        ("load average at start", ", ".join(f"{x:.1f}" for x in doc["machine"]["load_average"])),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


# (label, path in the result document, smaller is better)
_COMPARED = (
    ("index build CPU s", ("index_build_cpu_s",), True),
    ("index build wall s", ("index_build_s",), True),
    ("index file build wall s (get_index)", ("index_file_build_s",), True),
    ("index file build CPU s, all procs", ("index_file_build_cpu_s",), True),
    ("index cache load CPU s", ("index_cache_load_cpu_s",), True),
    ("index file MB", ("index_cache_file_mb",), True),
    ("CPU per query p50 ms (built)", ("cpu_ms_one_core", "p50"), True),
    ("CPU per query p99 ms (built)", ("cpu_ms_one_core", "p99"), True),
    ("wall per query p50 ms (built)", ("latency_ms", "p50"), True),
    ("wall per query p99 ms (built)", ("latency_ms", "p99"), True),
    ("CPU per query p50 ms (mapped)", ("mapped_index_cpu_ms_one_core", "p50"), True),
    ("CPU per query p99 ms (mapped)", ("mapped_index_cpu_ms_one_core", "p99"), True),
    ("CPU per query p95 ms (mapped)", ("mapped_index_cpu_ms_one_core", "p95"), True),
    ("CPU per query mean ms (mapped)", ("mapped_index_cpu_ms_one_core", "mean"), True),
    ("  retrieval p50 ms (mapped)", ("mapped_index_cpu_ms_one_core", "retrieval_p50"), True),
    ("  retrieval p99 ms (mapped)", ("mapped_index_cpu_ms_one_core", "retrieval_p99"), True),
    (
        "  scoring+expl. p50 ms (mapped)",
        ("mapped_index_cpu_ms_one_core", "scoring_and_explanation_p50"),
        True,
    ),
    (
        "  scoring+expl. p99 ms (mapped)",
        ("mapped_index_cpu_ms_one_core", "scoring_and_explanation_p99"),
        True,
    ),
    (
        "  names scored per query (mean)",
        ("mapped_index_cpu_ms_one_core", "candidates_scored_mean"),
        True,
    ),
    ("batch names/s, one core (CPU)", ("batch_names_per_cpu_s",), False),
    ("batch names/s, workers (wall)", ("batch_parallel_names_per_s",), False),
)


def _compare(args: argparse.Namespace) -> int:
    """Run the benchmark on the old tree, then on the new one (``--rounds`` times, old and new
    alternating); print both and the ratios (per round, and of the medians)."""
    runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.rounds):
            for label, src in (("old", args.old), ("new", args.new)):
                out = Path(tmp) / f"{label}{k}.json"
                env = {**os.environ, "PYTHONPATH": str(src.resolve())}
                cmd = [sys.executable, __file__, "--queries", str(args.queries)]
                cmd += ["--workers", str(args.workers), "--output", str(out)]
                cmd += ["--skip-memory"] if args.skip_memory else []
                if args.quick_cache is not None:
                    cmd += ["--quick-cache", str(args.quick_cache / label)]
                subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
                runs[label].append(json.loads(out.read_text("utf-8")))
    rows = []
    for label, path, _ in _COMPARED:
        values: dict[str, list[float]] = {"old": [], "new": []}
        for side in ("old", "new"):
            for doc in runs[side]:
                value: Any = doc
                for key in path:
                    value = value.get(key, {}) if isinstance(value, dict) else {}
                if isinstance(value, (int, float)):
                    values[side].append(value)
        if not values["old"] or len(values["old"]) != len(values["new"]):
            continue
        old, new = statistics.median(values["old"]), statistics.median(values["new"])
        ratios = [
            round(b / a, 3) if a else None
            for a, b in zip(values["old"], values["new"], strict=True)
        ]
        ratio = round(new / old, 3) if old else None
        rows.append(
            {
                "metric": label,
                "old": old,
                "new": new,
                "new_over_old": ratio,
                "per_round_old": values["old"],
                "per_round_new": values["new"],
                "per_round_ratio": ratios,
            }
        )
    print(f"{'metric':<38} {'old':>9} {'new':>9} {'new/old':>8}  per round")
    for row in rows:
        print(
            f"{row['metric']:<38} {row['old']:>9} {row['new']:>9} {row['new_over_old']!s:>8}"
            f"  {row['per_round_ratio']}"
        )
    output = args.output.with_name("screening_compare.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    doc = {"old": str(args.old), "new": str(args.new), "rows": rows, "runs": runs}
    output.write_text(json.dumps(doc, indent=2) + "\n", "utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
