"""Decisions per second for a mixed set of transactions, end to end (screening, rules, audit write).

Usage::

    .venv/bin/python bench/check.py [--rounds N] [--threads N] [--unique-parties]
        [--index-cache DIR] [--output bench/results/check.json] [--src LABEL=PATH ...]

The mix is every ``examples/export_*.yaml`` and ``examples/transfer_*.yaml`` (US and Korean
exporters, chips, servers, HBM, model weights, embargoes, data transfers). Each round decides
every transaction once through ``prosper.service.run_check`` in the enforced reading and once
in the literal reading, appending each decision to a fresh SQLite audit log in a temporary
data folder (the embedded list snapshot is screened for every party). A warm-up round builds
the engine (snapshot, screening index, rulebook) first and is not timed.

``--threads N`` also decides the mix from N threads at once (what a server does: concurrent
audit appends share transactions on the branch that has group commit). CPU seconds
(``time.process_time``, every thread) are measured beside wall time: the machine is shared,
so decisions per CPU-second are the steadier figure. ``--unique-parties`` suffixes every party
name with a counter, so that no party was screened before (no help from the engine's memo).
``--src LABEL=PATH`` (repeatable) runs the whole benchmark once per source tree
(``PYTHONPATH=PATH``, in turn, in one invocation) and prints them side by side with ratios.

For comparison it also times the items assessor alone (``prosper.controls.licence.assess_items``,
classification and licence rules without screening or audit). Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXAMPLES = REPO / "examples"


def _load(paths: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    import yaml

    return [(p.name, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in paths]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _unique(raw: dict[str, Any], n: int) -> dict[str, Any]:
    doc = dict(raw)
    doc["parties"] = [{**p, "name": f"{p['name']} {n}"} for p in raw.get("parties", [])]
    return doc


def _concurrent(
    docs: list[tuple[str, dict[str, Any]]], threads: int, rounds: int, unique: bool, settings: Any
) -> dict[str, Any]:
    """Decide the mix ``rounds`` times from ``threads`` threads at once."""
    from prosper.service import run_check

    jobs = [
        (raw, mode) for _ in range(rounds) for _, raw in docs for mode in ("enforced", "literal")
    ]
    lock = threading.Lock()
    counter = iter(range(len(jobs)))
    lat: list[float] = []

    def worker() -> None:
        mine = []
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            raw, mode = jobs[i]
            doc = _unique(raw, 10**6 + i) if unique else dict(raw)
            t = time.perf_counter()
            run_check(doc, settings=settings, mode=mode, actor="bench")
            mine.append(time.perf_counter() - t)
        with lock:
            lat.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    c0, t0 = time.process_time(), time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "threads": threads,
        "decisions": len(lat),
        "decisions_per_second": round(len(lat) / wall, 1),
        "decisions_per_cpu_second": round(len(lat) / cpu, 1) if cpu > 0 else None,
        "p50_ms": round(statistics.median(lat) * 1000, 2),
        "p99_ms": round(_pct(lat, 0.99) * 1000, 2),
    }


def compare(sources: list[str], argv: list[str]) -> int:
    """Run this benchmark once per ``LABEL=PATH`` source tree and print them side by side."""
    results: dict[str, dict[str, Any]] = {}
    for source in sources:
        label, _, path = source.partition("=")
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            env = {**os.environ, "PYTHONPATH": str(Path(path).resolve())}
            command = [sys.executable, __file__, *argv, "--output", out.name]
            print(f"== {label} ({path})", flush=True)
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
            results[label] = json.loads(Path(out.name).read_text(encoding="utf-8"))
    metrics = [
        ("sequential decisions/s", lambda r: r["decisions_per_second"]),
        ("sequential decisions/CPU-s", lambda r: r["decisions_per_cpu_second"]),
        ("sequential p50 ms", lambda r: r["latency_ms"]["p50"]),
    ]
    if "concurrent" in next(iter(results.values())):
        metrics += [
            ("concurrent decisions/s", lambda r: r["concurrent"]["decisions_per_second"]),
            ("concurrent decisions/CPU-s", lambda r: r["concurrent"]["decisions_per_cpu_second"]),
            ("concurrent p99 ms", lambda r: r["concurrent"]["p99_ms"]),
        ]
    labels = list(results)
    print(f"{'metric':<30}" + "".join(f"{lbl:>12}" for lbl in labels) + f"{'ratio':>8}")
    for name, get in metrics:
        values = [get(results[lbl]) for lbl in labels]
        ratio = values[-1] / values[0] if values[0] else float("nan")
        print(f"{name:<30}" + "".join(f"{v:>12}" for v in values) + f"{ratio:>8.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over the mix")
    parser.add_argument("--threads", type=int, default=0, help="also decide from N threads")
    parser.add_argument("--unique-parties", action="store_true")
    parser.add_argument("--src", action="append", default=[], metavar="LABEL=PATH")
    parser.add_argument(
        "--index-cache", type=Path, help="a built screening-index folder to copy in"
    )
    parser.add_argument("--output", type=Path, default=HERE / "results" / "check.json")
    args = parser.parse_args(argv)
    if args.src:
        child = ["--rounds", str(args.rounds), "--threads", str(args.threads)]
        if args.index_cache is not None:
            child += ["--index-cache", str(args.index_cache.resolve())]
        return compare(args.src, child + (["--unique-parties"] if args.unique_parties else []))

    paths = sorted(EXAMPLES.glob("export_*.yaml")) + sorted(EXAMPLES.glob("transfer_*.yaml"))
    docs = _load(paths)
    if not docs:
        print("no example transactions found", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="prosper-bench-") as tmp:
        os.environ["PROSPER_DATA_DIR"] = tmp
        os.environ.pop("PROSPER_DB_URL", None)
        if args.index_cache is not None:
            shutil.copytree(args.index_cache, Path(tmp) / "cache")
        from prosper.service import run_check
        from prosper.settings import load_settings

        settings = load_settings()
        t0 = time.perf_counter()
        for _, raw in docs:  # warm-up: engine, index and rulebook are built here
            run_check(dict(raw), settings=settings, mode="enforced", actor="bench")
        warmup_s = time.perf_counter() - t0

        latencies: dict[str, list[float]] = {name: [] for name, _ in docs}
        verdicts: dict[str, dict[str, str]] = {name: {} for name, _ in docs}
        start, cpu0 = time.perf_counter(), time.process_time()
        n = 0
        for _ in range(args.rounds):
            for name, raw in docs:
                for mode in ("enforced", "literal"):
                    doc = _unique(raw, n) if args.unique_parties else dict(raw)
                    t = time.perf_counter()
                    out = run_check(doc, settings=settings, mode=mode, actor="bench")
                    latencies[name].append(time.perf_counter() - t)
                    verdicts[name][mode] = out["verdict"]
                    n += 1
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
        concurrent = None
        if args.threads > 0:
            concurrent = _concurrent(docs, args.threads, args.rounds, args.unique_parties, settings)

    from prosper.controls.licence import assess_items
    from prosper.decide import CheckContext
    from prosper.rulebook import load_rulebook
    from prosper.schema import parse_transaction

    book = load_rulebook()
    txs = [
        parse_transaction(raw, today=date(2026, 11, 27)) for name, raw in docs if "export_" in name
    ]
    a_start = time.perf_counter()
    a_n = 0
    for _ in range(args.rounds * 4):
        for tx in txs:
            assess_items(CheckContext(tx=tx, mode="enforced", rulebook=book))
            a_n += 1
    a_elapsed = time.perf_counter() - a_start

    all_lat = [x for v in latencies.values() for x in v]
    result = {
        "transactions": len(docs),
        "rounds": args.rounds,
        "decisions": n,
        "seconds": round(elapsed, 3),
        "decisions_per_second": round(n / elapsed, 2),
        "cpu_seconds": round(cpu, 3),
        "decisions_per_cpu_second": round(n / cpu, 2) if cpu > 0 else None,
        "unique_parties": args.unique_parties,
        "latency_ms": {
            "p50": round(statistics.median(all_lat) * 1000, 2),
            "p95": round(_pct(all_lat, 0.95) * 1000, 2),
            "max": round(max(all_lat) * 1000, 2),
        },
        "warmup_seconds": round(warmup_s, 3),
        **({"concurrent": concurrent} if concurrent is not None else {}),
        "assessor_only": {
            "assessments": a_n,
            "seconds": round(a_elapsed, 3),
            "per_second": round(a_n / a_elapsed, 2) if a_elapsed > 0 else None,
        },
        "per_transaction": {
            name: {
                "median_ms": round(statistics.median(v) * 1000, 2),
                "verdicts": verdicts[name],
            }
            for name, v in latencies.items()
        },
        "rulebook": {"version": book.version, "digest": book.digest},
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": list(os.getloadavg()),
        },
    }

    width = max(len(name) for name in latencies)
    print(f"{'transaction':<{width}}  {'median ms':>9}  enforced / literal")
    for name, row in result["per_transaction"].items():
        v = row["verdicts"]
        print(f"{name:<{width}}  {row['median_ms']:>9.1f}  {v['enforced']} / {v['literal']}")
    print()
    print(
        f"end to end: {n} decisions in {elapsed:.2f} s = {n / elapsed:.1f} decisions/s "
        f"(p50 {result['latency_ms']['p50']} ms, p95 {result['latency_ms']['p95']} ms; "
        f"warm-up {warmup_s:.1f} s); {n / cpu:.1f} decisions per CPU-second"
    )
    if concurrent is not None:
        print(f"from {args.threads} threads: {concurrent}")
    print(
        f"items assessor alone: {a_n} assessments in {a_elapsed:.2f} s = "
        f"{result['assessor_only']['per_second']} /s"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
