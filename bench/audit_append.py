"""Audit appends per second and CPU per append, from 1, 8 and 32 threads (group commit).

Usage::

    .venv/bin/python bench/audit_append.py [--appends 400] [--threads 1,8,32]
        [--src LABEL=PATH ...] [--output bench/results/audit_append.json]

Appends a 30-finding decision to a fresh SQLite log, signed and anchored (as the server does),
from each thread count in turn; CPU is this process's user+system time. The chain is verified
after each run. ``--src LABEL=PATH`` (repeatable) runs it once per source tree
(``PYTHONPATH=PATH``) in one invocation and prints them side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = {"verdict": "allowed", "findings": [{"n": i, "summary": "x" * 50} for i in range(30)]}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run(appends: int, threads: int) -> dict[str, float | int | bool]:
    """One run on a fresh log."""
    from prosper.audit import AuditLog
    from prosper.audit.keyfile import KeySource

    with tempfile.TemporaryDirectory(prefix="prosper-bench-audit-") as tmp:
        log = AuditLog.open(
            f"sqlite:///{tmp}/audit.sqlite3",
            key=KeySource(secret=b"k" * 40),
            anchor=Path(tmp) / "audit.anchor",
        )
        per = appends // threads

        def work() -> None:
            for i in range(per):
                log.append(kind="check", input={"i": i}, output=OUTPUT, versions={}, actor="b")

        pool = [threading.Thread(target=work) for _ in range(threads)]
        c0, t0 = _cpu(), time.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        ok = log.verify().ok
        log.close()
    n = per * threads
    return {
        "threads": threads,
        "appends": n,
        "per_second": round(n / wall, 1),
        "cpu_ms_per_append": round(cpu * 1000 / n, 2),
        "chain_ok": ok,
    }


def main(argv: list[str] | None = None) -> int:
    """Run; print a table and write JSON."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--appends", type=int, default=400)
    parser.add_argument("--threads", default="1,8,32")
    parser.add_argument("--src", action="append", default=[], metavar="LABEL=PATH")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "audit_append.json")
    args = parser.parse_args(argv)
    if args.src:
        table: dict[str, list[dict[str, float | int | bool]]] = {}
        for source in args.src:
            label, _, path = source.partition("=")
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                env = {**os.environ, "PYTHONPATH": str(Path(path).resolve())}
                command = [sys.executable, __file__, "--appends", str(args.appends)]
                command += ["--threads", args.threads, "--output", out.name]
                subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
                table[label] = json.loads(Path(out.name).read_text())["runs"]
        labels = list(table)
        print(f"{'threads':>8}" + "".join(f"{lbl + ' /s':>14}{'cpu ms':>8}" for lbl in labels))
        for i, first in enumerate(table[labels[0]]):
            cells = "".join(
                f"{table[lbl][i]['per_second']:>14}{table[lbl][i]['cpu_ms_per_append']:>8}"
                for lbl in labels
            )
            print(f"{first['threads']:>8}{cells}")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(table, indent=2) + "\n")
        return 0
    runs = [run(args.appends, int(t)) for t in args.threads.split(",") if t]
    for r in runs:
        print(r)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"runs": runs}, indent=2) + "\n")
    return 0 if all(r["chain_ok"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
