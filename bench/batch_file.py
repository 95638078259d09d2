"""End-to-end ``prosper screen --file``: names/s wall and CPU (parent + workers), peak RSS and
the output's SHA-256, for an old and a new source tree alternated in one run.

The input CSV is generated from the bench's query mix (``bench/screening.py``: the labelled
positives, then the held-out negatives with their type, country and date of birth) and cycled
to ``--rows`` rows; the row order is fixed, so the file is byte-for-byte reproducible::

    PYTHONPATH=src bench/.venv/bin/python bench/batch_file.py make /tmp/book20k.csv --rows 20000
    PYTHONPATH=src bench/.venv/bin/python bench/batch_file.py run /tmp/book20k.csv \\
        --old /work/wt-base/src --new src --workers 1 2 --rounds 2

Each run is a fresh ``python -m prosper screen --file IN --output OUT --workers N --force``
process (audited: the audit record of the run is part of the path) on the data folder of
``PROSPER_DATA_DIR``; CPU is the child's user + system time including its waited-for worker
processes (``os.wait4``), peak RSS the largest single process's (``ru_maxrss``). A first run
of each tree on the book's first 100 rows is a warm-up (index cache, compiled modules).
"""

from __future__ import annotations

import argparse
import csv
import gzip
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
DATASETS = HERE / "datasets"


def make_book(path: Path, rows: int) -> int:
    """Write ``rows`` rows of ``name,type,country,dob`` (positives first, then negatives,
    cycled); the number of distinct names."""
    mix: list[tuple[str, str, str, str]] = []
    with (DATASETS / "positives.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            mix.append((row["query"], row.get("type") or "", "", ""))
    with gzip.open(DATASETS / "negatives.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            mix.append((row["name"], row.get("type") or "", row["country"], row["dob"]))
            if len(mix) >= rows:
                break
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "type", "country", "dob"])
        for i in range(rows):
            writer.writerow(mix[i % len(mix)])
    return len({m[0] for m in mix[:rows]})


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def run_once(src: str, book: Path, out: Path, workers: int, extra: list[str]) -> dict[str, Any]:
    """One ``screen --file`` process of the tree ``src``: wall, CPU, peak RSS, output digest."""
    env = dict(os.environ, PYTHONPATH=src)
    cmd = [sys.executable, "-m", "prosper", "screen", "--file", str(book), "--output", str(out)]
    cmd += ["--workers", str(workers), "--force", *extra]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{src}: exit {proc.returncode}\n{err.decode(errors='replace')[-2000:]}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "sha256": _sha256(out),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    make = sub.add_parser("make", help="write the input CSV")
    make.add_argument("path", type=Path)
    make.add_argument("--rows", type=int, default=20_000)
    run = sub.add_parser("run", help="old and new alternated")
    run.add_argument("book", type=Path)
    run.add_argument("--old", required=True, help="src/ of the old tree")
    run.add_argument("--new", required=True, help="src/ of the new tree")
    run.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    run.add_argument("--rounds", type=int, default=2)
    run.add_argument("--dry-run", action="store_true", help="no audit record")
    run.add_argument("--output", type=Path, default=HERE / "results" / "batch_file.json")
    args = parser.parse_args(argv)
    if args.cmd == "make":
        distinct = make_book(args.path, args.rows)
        print(f"{args.path}: {args.rows} rows, {distinct} distinct names")
        return 0
    with args.book.open(encoding="utf-8") as fh:
        rows = sum(1 for _ in fh) - 1
    extra = ["--dry-run"] if args.dry_run else []
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"batch_file_{os.getpid()}"
    work.mkdir(exist_ok=True)
    trees = {"old": args.old, "new": args.new}
    warm = work / "warm.csv"  # the book's first 100 rows
    with args.book.open(encoding="utf-8") as fh, warm.open("w", encoding="utf-8") as out:
        out.writelines(line for _, line in zip(range(101), fh, strict=False))
    for label, src in trees.items():  # warm-up: index cache, compiled modules, page cache
        run_once(src, warm, work / f"warm_{label}.csv", 1, extra)
    results: list[dict[str, Any]] = []
    for n in args.workers:
        for r in range(args.rounds):
            for label, src in trees.items():
                res = run_once(src, args.book, work / f"{label}_{n}.csv", n, extra)
                res.update(tree=label, workers=n, round=r + 1, load=os.getloadavg()[0])
                res["names_per_s"] = round(rows / res["wall_s"], 1)
                res["names_per_cpu_s"] = round(rows / res["cpu_s"], 1)
                results.append(res)
                print(json.dumps(res), flush=True)
    print(f"\n{rows} rows; medians (per-round new/old CPU ratios)")
    print("| workers | tree | wall s | CPU s | names/s wall | names/CPU-s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for n in args.workers:
        for label in trees:
            mine = [x for x in results if x["workers"] == n and x["tree"] == label]
            med = {k: statistics.median(x[k] for x in mine) for k in ("wall_s", "cpu_s")}
            rss = max(x["peak_rss_mb"] for x in mine)
            print(
                f"| {n} | {label} | {med['wall_s']:.1f} | {med['cpu_s']:.1f} | "
                f"{rows / med['wall_s']:,.0f} | {rows / med['cpu_s']:,.0f} | {rss:.0f} |"
            )
        olds = [x for x in results if x["workers"] == n and x["tree"] == "old"]
        news = [x for x in results if x["workers"] == n and x["tree"] == "new"]
        ratios = [round(b["cpu_s"] / a["cpu_s"], 3) for a, b in zip(olds, news, strict=True)]
        same = {x["sha256"] for x in olds + news}
        print(f"workers {n}: CPU new/old per round {ratios}; distinct output SHA-256: {len(same)}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"rows": rows, "runs": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
