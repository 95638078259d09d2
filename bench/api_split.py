"""CPU per request of ``prosper serve`` split by process (server, check workers) and by user /
system time, for several source trees in interleaved rounds (closed loop).

Usage::

    .venv/bin/python bench/api_split.py OLD_SRC,NEW_SRC KINDS SECONDS [CLIENTS] [ROUNDS]
        [--index-cache DIR] [--unique]

``KINDS``: one or more of ``screen``, ``check``, ``healthz``, ``whoami`` joined by commas
(every round runs each kind on each server in turn).

``--index-cache`` defaults to ``$PROSPER_DATA_DIR/cache``; ``--unique`` suffixes every screened
name and party with the request number (no repeated name: a memo of recent screenings cannot
help). A tree may be several folders joined by ``:`` (``NEW/src:/tmp/extras``: packages
installed beside it for the run, e.g. httptools and uvloop), and may end with ``@OPTIONS``:
more ``prosper serve`` options for that server, e.g. ``NEW/src@--no-lean-routes`` (one tree
with and without an option in the same run).

Each tree is served as by ``bench/api.py`` (its ``start``/``ready``/``makers``); every round runs
the closed loop on each server in turn, so a neighbour's load hits all of them alike. Prints one
line per server and round: CPU ms per answered request ``(user, sys)`` of the server process and
of its children (the check workers), the load generator's own CPU ms per request (``client``),
the median and p99 latency and the load average.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import api
from httpload import percentile, process_times, run_load


def snapshot(root: int) -> dict[str, tuple[float, float]]:
    """User and system CPU seconds of ``root`` and of its direct children (summed)."""
    out: dict[str, tuple[float, float]] = {}
    for pid, (parent, user, system) in process_times().items():
        if pid == root:
            out["server"] = (user, system)
        elif parent == root:
            u, s = out.get("children", (0.0, 0.0))
            out["children"] = (u + user, s + system)
    return out


def main(argv: list[str]) -> int:
    """Run the rounds; returns the exit code."""
    cache = Path(os.environ.get("PROSPER_DATA_DIR", ".")) / "cache"
    if "--index-cache" in argv:
        at = argv.index("--index-cache")
        cache = Path(argv[at + 1])
        del argv[at : at + 2]
    unique = "--unique" in argv
    if unique:
        argv.remove("--unique")
    srcs, kinds, secs = argv[0].split(","), argv[1].split(","), float(argv[2])
    clients = int(argv[3]) if len(argv) > 3 else 50
    rounds = int(argv[4]) if len(argv) > 4 else 1
    servers = []
    for i, entry in enumerate(srcs):
        src, _, options = entry.partition("@")
        servers.append(api.start(f"s{i}", Path(src), cache, args=tuple(options.split())))
    try:
        for server in servers:
            api.ready(server)
        plans = [api.makers(server, unique) for server in servers]
        for server, plan in zip(servers, plans, strict=True):  # warm-up
            for kind in kinds:
                run_load(server.port, plan[kind], connections=4, seconds=3)
        for _, kind in ((r, k) for r in range(rounds) for k in kinds):
            for src, server, plan in zip(srcs, servers, plans, strict=True):
                before = snapshot(server.process.pid)
                result = run_load(server.port, plan[kind], connections=clients, seconds=secs)
                after = snapshot(server.process.pid)
                per = max(1, result.ok)
                split = {
                    k: tuple(round((after[k][i] - before[k][i]) * 1000 / per, 2) for i in (0, 1))
                    for k in after
                    if k in before
                }
                lat = sorted(result.latencies_ms)
                p50 = round(lat[len(lat) // 2], 1) if lat else float("nan")
                p99 = round(percentile(lat, 0.99), 1)
                client = round(result.client_cpu_s * 1000 / per, 2)
                line = (
                    f"ms/req user,sys: {split} client {client} p50 {p50} p99 {p99} "
                    f"load {os.getloadavg()[0]:.1f}"
                )
                print(src, kind, "ok", result.ok, line, flush=True)
    finally:
        for server in servers:
            api.stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
