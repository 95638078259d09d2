"""CPU per screening query and batch rate of two source trees, interleaved in one run.

Usage::

    .venv/bin/python bench/native.py --old /work/wt-base/src --new src [--rounds 5] [--queries 600]

Each tree runs in its own long-lived worker process (its ``src`` first on ``PYTHONPATH``,
``PROSPER_NATIVE`` as given by ``--old-native`` / ``--new-native``), which maps the screening
index of the data folder once and screens a warm-up pass. The parent then asks the two workers
in turn (old, new, old, new, …) for ``--rounds`` rounds; in a round a worker screens every
query with ``ScreeningIndex.screen`` (threshold 0.8) timing each one with ``time.thread_time``
(CPU of the screening thread, not wall clock: the machine is shared), then the same queries
as a batch through ``screen_many`` (names per CPU second). Only one worker runs at a time, so
both see the same machine load. It also checks that both trees return the same hits (entity,
score, match flag) for every query, and reports which implementation each tree used
(:func:`prosper.native.status` where the tree has it).

``--warm-other`` warms each worker up on other names of the same datasets instead, so the
first round screens names the process has not seen (the bound remembers list-name summaries
and token agreements across queries): ``p50_ms_rounds`` gives each round's median.

Queries are those of ``bench/screening.py`` (positives with typos / other scripts, and as many
negatives). Prints a table, writes JSON to ``bench/results/native.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _worker(n: int, warm_other: bool) -> None:
    """The worker loop: read a command per line on stdin, answer one JSON line."""
    sys.path.insert(0, str(HERE))
    from prosper.lists import load_snapshot
    from prosper.model import EntityType
    from prosper.screening.batch import screen_many
    from prosper.screening.cache import get_index
    from prosper.screening.query import Query
    from prosper.settings import load_settings
    from screening import _queries  # the same query set as bench/screening.py

    try:
        from prosper.native import status

        mode = status()
    except ImportError:
        mode = {"native": False, "reason": "tree without prosper.native"}
    pairs = _queries(n)
    queries = [Query(name, EntityType(kind) if kind else None) for name, kind in pairs]
    rows = [{"name": name, "type": kind or ""} for name, kind in pairs]
    cache = load_settings().data_dir / "cache"
    index = get_index(load_snapshot(), cache)
    warm = queries
    if warm_other:  # warm up on other names: the first round screens names not seen yet
        measured = set(pairs)
        others = [p for p in _queries(3 * n) if p not in measured][::2][:n]
        warm = [Query(name, EntityType(kind) if kind else None) for name, kind in others]
    for q in warm:  # warm-up pass
        index.screen(q, threshold=0.8)
    out = sys.stdout
    out.write(json.dumps({"ready": True, "mode": mode}) + "\n")
    out.flush()
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "quit":
            return
        cpu: list[float] = []
        digest = hashlib.sha256()
        for q in queries:
            c0 = time.thread_time()
            hits = index.screen(q, threshold=0.8)
            cpu.append((time.thread_time() - c0) * 1000)
            digest.update(repr(hits).encode())  # the whole hits: scores, explanations
        c0 = time.thread_time()
        for _ in screen_many(index, iter(rows), threshold=0.8):
            pass
        batch = len(rows) / (time.thread_time() - c0)
        out.write(json.dumps({"cpu_ms": cpu, "digest": digest.hexdigest(), "batch": batch}) + "\n")
        out.flush()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _start(src: Path, native: str | None, n: int, warm_other: bool) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src.resolve())
    if native is not None:
        env["PROSPER_NATIVE"] = native
    return subprocess.Popen(
        [sys.executable, __file__, "--worker", "--queries", str(n)]
        + (["--warm-other"] if warm_other else []),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def _ask(proc: subprocess.Popen[str], cmd: str | None) -> dict[str, Any]:
    assert proc.stdin is not None
    assert proc.stdout is not None
    if cmd is not None:
        proc.stdin.write(cmd + "\n")
        proc.stdin.flush()
    line = proc.stdout.readline()
    if not line:
        raise SystemExit(f"worker exited (rc {proc.wait()})")
    doc: dict[str, Any] = json.loads(line)
    return doc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="src/ of the old tree")
    parser.add_argument("--new", type=Path, default=HERE.parent / "src")
    parser.add_argument("--old-native", help="PROSPER_NATIVE for the old tree's worker")
    parser.add_argument("--new-native", help="PROSPER_NATIVE for the new tree's worker")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "native.json")
    parser.add_argument(
        "--warm-other",
        action="store_true",
        help="warm up on other names than those measured (the first round's figures are of "
        "names the process has not screened before: see p50_ms_rounds)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.queries, args.warm_other)
        return 0
    if args.old is None:
        parser.error("--old is required")
    procs = {
        "old": _start(args.old, args.old_native, args.queries, args.warm_other),
        "new": _start(args.new, args.new_native, args.queries, args.warm_other),
    }
    modes = {k: _ask(p, None)["mode"] for k, p in procs.items()}
    cpu: dict[str, list[float]] = {"old": [], "new": []}
    p50_rounds: dict[str, list[float]] = {"old": [], "new": []}
    batch: dict[str, list[float]] = {"old": [], "new": []}
    digests: dict[str, set[str]] = {"old": set(), "new": set()}
    load = [os.getloadavg()[0]]
    for r in range(args.rounds):
        for k in ("old", "new") if r % 2 == 0 else ("new", "old"):
            doc = _ask(procs[k], "run")
            cpu[k].extend(doc["cpu_ms"])
            p50_rounds[k].append(round(_pct(doc["cpu_ms"], 0.5), 4))
            batch[k].append(doc["batch"])
            digests[k].add(doc["digest"])
        load.append(os.getloadavg()[0])
    for p in procs.values():
        _ask_quit(p)
    res: dict[str, Any] = {
        "queries": args.queries,
        "rounds": args.rounds,
        "warm_other": args.warm_other,
        "modes": modes,
    }
    for k in ("old", "new"):
        res[k] = {
            "p50_ms": round(_pct(cpu[k], 0.5), 4),
            "p99_ms": round(_pct(cpu[k], 0.99), 4),
            "mean_ms": round(statistics.fmean(cpu[k]), 4),
            "p50_ms_rounds": p50_rounds[k],
            "batch_names_per_cpu_s_median": round(statistics.median(batch[k]), 1),
            "batch_names_per_cpu_s_rounds": [round(b, 1) for b in batch[k]],
        }
    res["ratio_old_over_new"] = {
        m: round(res["old"][m] / res["new"][m], 2) for m in ("p50_ms", "p99_ms", "mean_ms")
    }
    res["ratio_old_over_new"]["batch"] = round(
        res["new"]["batch_names_per_cpu_s_median"] / res["old"]["batch_names_per_cpu_s_median"], 2
    )
    res["same_hits"] = digests["old"] == digests["new"] and len(digests["old"]) == 1
    res["load_average_1min"] = load
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(res, indent=2) + "\n", "utf-8")
    print(json.dumps({k: v for k, v in res.items() if k != "load_average_1min"}, indent=2))
    print("load average (1 min) per round:", [round(x, 1) for x in load])
    return 0 if res["same_hits"] else 1


def _ask_quit(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("quit\n")
    proc.stdin.flush()
    proc.wait()


if __name__ == "__main__":
    raise SystemExit(main())
