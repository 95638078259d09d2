"""CPU per audited append, old tree against new tree, interleaved in one run (issue 17).

Usage::

    /work/main/.venv/bin/python bench/audit_cost.py --src old=/work/wt-base/src \
        --src new=src [--appends 200] [--rounds 5]

Each round runs, for every source tree in turn (a fresh child process with ``PYTHONPATH`` set
to it, so that old and new alternate), ``--appends`` single-record appends to a fresh SQLite
log, signed and anchored: once through :class:`prosper.audit.AuditLog` (what ``check`` and the
server write with, one transaction per append from one thread) and once through
:func:`prosper.audit.lite.append_sqlite` (the CLI's lean ``screen``; the log re-opened per
append as each ``prosper screen`` process does). CPU is the child's user + system time of
the append loop only (``os.times``), divided by the number of appends; the table gives the
median over rounds per tree and writer, and new/old ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, os, sys, tempfile
from pathlib import Path
n, writer = int(sys.argv[1]), sys.argv[2]
OUTPUT = {"verdict": "allowed", "findings": [{"n": i, "summary": "x" * 50} for i in range(30)]}
tmp = tempfile.mkdtemp(prefix="prosper-bench-cost-")
os.environ.update(PROSPER_DATA_DIR=tmp, PROSPER_AUDIT_KEY="k" * 40)
os.environ.pop("PROSPER_DB_URL", None)
from prosper.audit import AuditLog
from prosper.settings import load_settings
settings = load_settings()
log = AuditLog.from_settings(settings)
log.append(kind="check", input={"i": -1}, output=OUTPUT, versions={}, actor="b")  # warm
if writer == "lite":
    from prosper.audit.lite import append_sqlite
    def one(i):
        append_sqlite(settings, kind="screen", input={"i": i}, output=OUTPUT, versions={},
                      actor="b")
else:
    def one(i):
        log.append(kind="check", input={"i": i}, output=OUTPUT, versions={}, actor="b")
t0 = os.times()
for i in range(n):
    one(i)
t1 = os.times()
ok = log.verify().ok
print(json.dumps({"cpu": (t1.user - t0.user) + (t1.system - t0.system),
                  "user": t1.user - t0.user, "system": t1.system - t0.system, "ok": ok}))
"""


def child(src: str, appends: int, writer: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(Path(src).resolve()), "PROSPER_NATIVE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(appends), writer],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    doc: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    if not doc["ok"]:
        raise SystemExit(f"{src}: the log does not verify")
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", required=True, help="LABEL=PATH")
    parser.add_argument("--appends", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--writers", default="log,lite")
    args = parser.parse_args()
    trees = [s.split("=", 1) for s in args.src]
    writers = args.writers.split(",")
    ms: dict[tuple[str, str], list[float]] = {}
    sys_ms: dict[tuple[str, str], list[float]] = {}
    for r in range(args.rounds):
        for writer in writers:
            for label, src in trees if r % 2 == 0 else trees[::-1]:
                doc = child(src, args.appends, writer)
                ms.setdefault((label, writer), []).append(doc["cpu"] / args.appends * 1000)
                sys_ms.setdefault((label, writer), []).append(doc["system"] / args.appends * 1000)
                print(
                    f"round {r + 1} {writer:4} {label:4} {ms[(label, writer)][-1]:.3f} ms",
                    file=sys.stderr,
                    flush=True,
                )
    base = trees[0][0]
    print(
        f"| writer | tree | CPU ms/append (median of {args.rounds}) | of which system "
        f"| all rounds | ratio to {base} |"
    )
    print("|---|---|---|---|---|---|")
    for writer in writers:
        ref = statistics.median(ms[(base, writer)])
        for label, _ in trees:
            values = ms[(label, writer)]
            med = statistics.median(values)
            sys_med = statistics.median(sys_ms[(label, writer)])
            print(
                f"| {writer} | {label} | {med:.3f} | {sys_med:.3f} "
                f"| {', '.join(f'{v:.2f}' for v in values)} | {med / ref:.3f} |"
            )


if __name__ == "__main__":
    main()
