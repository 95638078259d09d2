"""Decisions per second for a mixed set of transactions, end to end (screening, rules, audit write).

Usage::

    .venv/bin/python bench/check.py [--rounds N] [--output bench/results/check.json]

The mix is every ``examples/export_*.yaml`` and ``examples/transfer_*.yaml`` (US and Korean
exporters, chips, servers, HBM, model weights, embargoes, data transfers). Each round decides
every transaction once through ``prosper.service.run_check`` in the enforced reading and once
in the literal reading, appending each decision to a fresh SQLite audit log in a temporary
data folder (the embedded list snapshot is screened for every party). A warm-up round builds
the engine (snapshot, screening index, rulebook) first and is not timed.

For comparison it also times the items assessor alone (``prosper.controls.licence.assess_items``,
classification and licence rules without screening or audit). Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
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


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over the mix")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "check.json")
    args = parser.parse_args(argv)

    paths = sorted(EXAMPLES.glob("export_*.yaml")) + sorted(EXAMPLES.glob("transfer_*.yaml"))
    docs = _load(paths)
    if not docs:
        print("no example transactions found", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="prosper-bench-") as tmp:
        os.environ["PROSPER_DATA_DIR"] = tmp
        os.environ.pop("PROSPER_DB_URL", None)
        from prosper.service import run_check
        from prosper.settings import load_settings

        settings = load_settings()
        t0 = time.perf_counter()
        for _, raw in docs:  # warm-up: engine, index and rulebook are built here
            run_check(dict(raw), settings=settings, mode="enforced", actor="bench")
        warmup_s = time.perf_counter() - t0

        latencies: dict[str, list[float]] = {name: [] for name, _ in docs}
        verdicts: dict[str, dict[str, str]] = {name: {} for name, _ in docs}
        start = time.perf_counter()
        n = 0
        for _ in range(args.rounds):
            for name, raw in docs:
                for mode in ("enforced", "literal"):
                    t = time.perf_counter()
                    out = run_check(dict(raw), settings=settings, mode=mode, actor="bench")
                    latencies[name].append(time.perf_counter() - t)
                    verdicts[name][mode] = out["verdict"]
                    n += 1
        elapsed = time.perf_counter() - start

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
        "latency_ms": {
            "p50": round(statistics.median(all_lat) * 1000, 2),
            "p95": round(_pct(all_lat, 0.95) * 1000, 2),
            "max": round(max(all_lat) * 1000, 2),
        },
        "warmup_seconds": round(warmup_s, 3),
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
        f"warm-up {warmup_s:.1f} s)"
    )
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
