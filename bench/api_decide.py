"""CPU of a check worker's decision (``prosper.api.workers._decide_body``: read the body, size
it, decide, make the audit texts) for several source trees, alternated in one run.

Usage::

    .venv/bin/python bench/api_decide.py OLD_SRC,NEW_SRC [CHECKS] [ROUNDS] [--unique]

Each tree runs in its own process (``PYTHONPATH=TREE``, ``PROSPER_DATA_DIR`` as set: use one
with a built index), loads the engine once and decides the examples mix of ``bench/api.py``
(``check_docs``) when told to; every round runs ``CHECKS`` checks in each process in turn, so a
neighbour's load hits all trees alike. ``--unique`` suffixes every party name with the check's
number (no memo of party hits helps). Prints CPU ms per check (user + system of the worker
process, ``os.times``) per tree and round, then the medians, their ratio to the first tree and
the median of the rounds' ratios (each round's trees ran back to back: under a neighbour's
varying load, the steadier figure).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

CHILD = r"""
import json, os, sys
sys.path.insert(0, sys.argv[1])
import api
from prosper.settings import load_settings
from prosper.api import workers
from prosper import service
settings = load_settings()
workers._SETTINGS[:] = [settings]
service.get_engine(settings)
docs = api.check_docs()
unique = sys.argv[2] == "1"
fixed = [json.dumps(d).encode() for d in docs]
done = 0

def body(i):
    if not unique:
        return fixed[i % len(fixed)]
    doc = json.loads(fixed[i % len(fixed)])
    for party in doc.get("parties", []):
        party["name"] = f"{party['name']} u{i}"
    return json.dumps(doc).encode()

for i in range(2 * len(fixed)):  # warm-up
    workers._decide_body(body(i), "application/json", "enforced", None)
print("ready", flush=True)
for line in sys.stdin:
    n = int(line)
    bodies = [body(done + i) for i in range(n)]
    done += n
    before = os.times()
    for raw in bodies:
        ok, _ = workers._decide_body(raw, "application/json", "enforced", None)
    after = os.times()
    cpu = (after.user - before.user) + (after.system - before.system)
    print(json.dumps({"ms": cpu * 1000 / n}), flush=True)
"""


def main(argv: list[str]) -> int:
    """Run the rounds; returns the exit code."""
    unique = "--unique" in argv
    argv = [a for a in argv if a != "--unique"]
    trees = argv[0].split(",")
    checks = int(argv[1]) if len(argv) > 1 else 200
    rounds = int(argv[2]) if len(argv) > 2 else 5
    children = []
    for tree in trees:
        env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve())}
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(HERE), "1" if unique else "0"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        children.append(child)
    try:
        for child in children:
            assert child.stdout is not None
            if child.stdout.readline().strip() != "ready":
                raise SystemExit("a tree did not start")
        figures: list[list[float]] = [[] for _ in trees]
        for r in range(rounds):
            for i, child in enumerate(children):
                assert child.stdin is not None
                assert child.stdout is not None
                child.stdin.write(f"{checks}\n")
                child.stdin.flush()
                ms = float(json.loads(child.stdout.readline())["ms"])
                figures[i].append(ms)
                print(f"round {r} {trees[i]}: {ms:.3f} ms/check", flush=True)
        first = statistics.median(figures[0])
        for tree, values in zip(trees, figures, strict=True):
            median = statistics.median(values)
            ratios = [v / f for v, f in zip(values, figures[0], strict=True)]
            print(
                f"median {tree}: {median:.3f} ms/check (x{median / first:.3f}; median of the "
                f"rounds' ratios x{statistics.median(ratios):.3f}) load {os.getloadavg()[0]:.1f}"
            )
    finally:
        for child in children:
            if child.stdin is not None:
                child.stdin.close()
            child.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
